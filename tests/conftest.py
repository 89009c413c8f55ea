"""Shared fixtures. Every test runs headless, with its data folder and settings
redirected to a temporary folder, so nothing touches the user's real files."""
from __future__ import annotations

import os
from datetime import date
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest

from desktop.features import FEATURES
from models.plan.demo import populate_demo
from models.core.workspace import create_workspace

#: A fixed "today" so numbers in assertions do not move with the calendar.
TODAY = date(2026, 3, 16)


@pytest.fixture(autouse=True)
def _isolated_data(tmp_path_factory, monkeypatch):
    data = tmp_path_factory.mktemp("data")
    monkeypatch.setenv("NINETY_DATA_DIR", str(data))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(data / "config"))
    return data


@pytest.fixture(autouse=True)
def _charts_drawn():
    """No chart is still drawing on its thread when a test's widgets go."""
    yield
    import sys

    canvas = sys.modules.get("views.common.chart_canvas")
    if canvas is not None and canvas._POOL is not None:
        canvas.wait_for_drawing()


@pytest.fixture
def ws(tmp_path):
    workspace = create_workspace(tmp_path / "test.ninety")
    yield workspace
    workspace.close()


@pytest.fixture
def demo_ws(tmp_path):
    workspace = create_workspace(tmp_path / "demo.ninety")
    populate_demo(workspace, FEATURES, TODAY)
    yield workspace
    workspace.close()


@pytest.fixture
def demo_file(tmp_path):
    """The demo workspace written to a file, closed (what a user opens)."""
    from models.plan.demo import write_demo

    return write_demo(tmp_path / "demo.ninety", FEATURES, TODAY)


@pytest.fixture
def settings(tmp_path):
    from PySide6.QtCore import QSettings

    s = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    s.setValue("summary/warm", False)  # no `summary --warm` process after each test's edits
    yield s
    s.sync()


def file_bytes(path: Path) -> bytes:
    return Path(path).read_bytes()
