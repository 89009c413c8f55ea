"""Writing files so that readers only ever see a whole file.

Work goes to a temporary file in the target's folder (same filesystem, so the
final rename is atomic); the finished file gets the permissions a normally
created file would have (``mkstemp`` makes it private), then replaces the target.
"""
from __future__ import annotations

import os
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

_UMASK = os.umask(0)
os.umask(_UMASK)


def temp_beside(target: Path, suffix: str = ".tmp") -> Path:
    fd, name = tempfile.mkstemp(prefix=f".{target.name}-", suffix=suffix, dir=target.parent)
    os.close(fd)
    return Path(name)


def publish(tmp: Path, target: Path) -> None:
    """Give *tmp* ordinary permissions and move it over *target* atomically."""
    os.chmod(tmp, 0o666 & ~_UMASK)
    os.replace(tmp, target)


@contextmanager
def atomic_file(target: Path, suffix: str = ".tmp") -> Iterator[Path]:
    """Yield a temporary path; on success it becomes *target*, on any error it is removed."""
    tmp = temp_beside(target, suffix)
    try:
        yield tmp
        publish(tmp, target)
    except BaseException:
        for p in (tmp, Path(f"{tmp}-wal"), Path(f"{tmp}-shm"), Path(f"{tmp}-journal")):
            p.unlink(missing_ok=True)
        raise
