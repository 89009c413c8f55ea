"""Fixtures of the ownership tests: the demo workspace copied from a template built once
per module, and the document over it."""
from __future__ import annotations

import shutil

import pytest

from models.core.workspace import open_workspace
from models.plan.demo import write_demo
from tests.conftest import FEATURES, TODAY
from views.common.document import WorkspaceDocument


@pytest.fixture(scope="module")
def demo_template(tmp_path_factory):
    return write_demo(tmp_path_factory.mktemp("own") / "template.ninety", FEATURES, TODAY)


@pytest.fixture
def demo_ws(demo_template, tmp_path):
    """The demo workspace (overrides the root conftest's: a copy, much faster than building one)."""
    shutil.copyfile(demo_template, tmp_path / "demo.ninety")
    ws = open_workspace(tmp_path / "demo.ninety")
    yield ws
    ws.close()


@pytest.fixture
def doc(qapp, demo_ws):
    d = WorkspaceDocument(demo_ws, FEATURES)
    yield d
    d.deleteLater()
