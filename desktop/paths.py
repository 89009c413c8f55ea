"""Where things live: bundled resources and the user's data folder.

One helper resolves resources both from a source tree and from a PyInstaller
bundle (``sys._MEIPASS``).
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

APP_NAME = "Ninety"
ORG_NAME = "Ninety"
ORG_DOMAIN = "ninety.app"
DEMO_FILE = "Demo.ninety"


def resource_path(*parts: str) -> Path:
    if getattr(sys, "frozen", False) and hasattr(sys, "_MEIPASS"):
        base = Path(sys._MEIPASS) / "resources"
    else:
        base = Path(__file__).resolve().parent.parent / "resources"
    return base.joinpath(*parts)


def data_dir() -> Path:
    """The user's data folder (``NINETY_DATA_DIR`` overrides it, for tests and scripts).

    Needs the QApplication's organisation and application names to be set.
    """
    override = os.environ.get("NINETY_DATA_DIR")
    if override:
        path = Path(override)
    else:
        from PySide6.QtCore import QStandardPaths

        path = Path(QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppDataLocation))
    path.mkdir(parents=True, exist_ok=True)
    return path
