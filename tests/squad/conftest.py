"""The squad tests' demo workspace: written once per module, each test opening its own copy
(a closed file, no WAL), much faster than building the demo for every test."""
from __future__ import annotations

import shutil

import pytest

from models.core.workspace import open_workspace
from models.plan.demo import write_demo
from tests.conftest import FEATURES, TODAY
from views.common.document import WorkspaceDocument


@pytest.fixture(scope="module")
def demo_template(tmp_path_factory):
    return write_demo(tmp_path_factory.mktemp("squad") / "demo.ninety", FEATURES, TODAY)


@pytest.fixture
def demo_ws(demo_template, tmp_path):
    """The demo workspace (overrides the root conftest's)."""
    copy = tmp_path / "demo.ninety"
    shutil.copyfile(demo_template, copy)
    ws = open_workspace(copy)
    yield ws
    ws.close()


@pytest.fixture
def doc(qapp, demo_ws):
    d = WorkspaceDocument(demo_ws, FEATURES)
    yield d
    d.deleteLater()
