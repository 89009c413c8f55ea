"""The shape the import contracts cannot see: no Qt anywhere under models/."""
from __future__ import annotations

import pkgutil
import subprocess
import sys

import models


def test_every_models_module_imports_without_qt_or_a_qt_chart_backend():
    names = [m.name for m in pkgutil.walk_packages(models.__path__, "models.")
             if ".migrations" not in m.name]
    assert "models.squad.service" in names and "models.core.workspace" in names
    code = (f"import importlib, sys\nfor n in {names!r}: importlib.import_module(n)\n"
            "bad = sorted(m for m in sys.modules if m.startswith(('PySide6', 'shiboken6'))"
            " or m == 'matplotlib.backends.backend_qtagg')\n"
            "print(bad); sys.exit(1 if bad else 0)")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert run.returncode == 0, run.stdout + run.stderr
