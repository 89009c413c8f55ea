"""Helpers for the robustness tests: real subprocesses, real kills, real limits.

``ninety(...)`` runs the command line in a child process, optionally with a file
size limit (as on a full disk) or without the capabilities that let root ignore
file permissions (``honour_permissions``); ``kill_after`` kills a child with
SIGKILL once it has printed a marker and a delay has passed.
"""
from __future__ import annotations

import ctypes
import os
import re
import resource
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TEMP_NAME = re.compile(r"^\..*\.ninety-tmp(-wal|-shm|-journal)?$")
#: Linux capabilities that let root read and write regardless of permissions
_DAC_CAPS = (1, 2)  # CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH
_PR_CAPBSET_DROP = 24


def child_env(**extra: str) -> dict[str, str]:
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1", "PYTHONPATH": str(ROOT)}
    env.pop("NINETY_DEBUG", None)
    env.update(extra)
    return env


def _limits(fsize: int | None, honour_permissions: bool):
    if fsize is None and not (honour_permissions and os.geteuid() == 0):
        return None

    def apply() -> None:
        if fsize is not None:
            # a write past the limit fails with EFBIG instead of killing the process
            signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
            resource.setrlimit(resource.RLIMIT_FSIZE, (fsize, fsize))
        if honour_permissions and os.geteuid() == 0:
            # root stays root, but the program it runs obeys permission bits like any owner
            libc = ctypes.CDLL(None, use_errno=True)
            for cap in _DAC_CAPS:
                if libc.prctl(_PR_CAPBSET_DROP, cap, 0, 0, 0) != 0:
                    raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP)")

    return apply


def ninety(*args, fsize: int | None = None, honour_permissions: bool = False, env: dict | None = None,
           timeout: float = 60) -> subprocess.CompletedProcess:
    """``python -m desktop.cli ARGS`` in a child process."""
    return subprocess.run([sys.executable, "-m", "desktop.cli", *map(str, args)], capture_output=True, text=True,
                          timeout=timeout, env=env or child_env(), cwd=ROOT,
                          preexec_fn=_limits(fsize, honour_permissions))


def script(code: str, *args, fsize: int | None = None, honour_permissions: bool = False,
           env: dict | None = None, timeout: float = 60) -> subprocess.CompletedProcess:
    """Run Python *code* in a child process (the project on its path)."""
    return subprocess.run([sys.executable, "-c", code, *map(str, args)], capture_output=True, text=True,
                          timeout=timeout, env=env or child_env(), cwd=ROOT,
                          preexec_fn=_limits(fsize, honour_permissions))


def start(argv: list[str], env: dict | None = None, stdin=None) -> subprocess.Popen:
    return subprocess.Popen(argv, stdin=stdin, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env=env or child_env(), cwd=ROOT)


def kill_after(proc: subprocess.Popen, marker: str | None, delay: float) -> bool:
    """Wait for a line starting with *marker* on the child's stdout (None: don't), sleep
    *delay*, then SIGKILL it. True if it was still running when killed."""
    if marker is not None:
        while True:
            line = proc.stdout.readline()
            if not line or line.startswith(marker):
                break
    time.sleep(delay)
    alive = proc.poll() is None
    if alive:
        os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    proc.stdout.close()
    proc.stderr.close()
    return alive


def temp_files(folder: Path) -> list[str]:
    return sorted(p.name for p in Path(folder).iterdir() if TEMP_NAME.match(p.name))


def one_line(stderr: str) -> str:
    """The child's stderr, which must be a short message without a traceback."""
    assert "Traceback" not in stderr and "Exception ignored" not in stderr, stderr
    assert len(stderr) < 8192, f"{len(stderr)} bytes of error text"
    lines = [x for x in stderr.splitlines() if x.strip()]
    assert 1 <= len(lines) <= 3, stderr
    return stderr
