"""Who is editing a workspace: a lock file beside it, ``<workspace>.lock``.

The app and every command-line writer take it before writing, so a script
cannot write under an open window. The file says who holds it in QLockFile's
layout (process id, application, host) plus the user; it is held with an OS
lock (``flock``; ``msvcrt.locking`` on Windows) that the system drops when its
process dies, however it dies. A lock left by a dead process is therefore
simply taken over, even when its process id has been reused since.
"""
from __future__ import annotations

import getpass
import os
import socket
import time
from dataclasses import dataclass
from pathlib import Path

APP = "Ninety"

if os.name == "nt":  # pragma: no cover - exercised on Windows only
    import msvcrt

    def _try_lock(fd: int) -> bool:
        try:
            os.lseek(fd, 0, os.SEEK_SET)
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True
else:
    import fcntl

    def _try_lock(fd: int) -> bool:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            return False
        return True


@dataclass(frozen=True)
class Holder:
    pid: int | None
    host: str
    user: str
    app: str

    def __str__(self) -> str:
        who = ", ".join(x for x in (f"user {self.user}" if self.user else "",
                                    self.host or "",
                                    f"process {self.pid}" if self.pid else "") if x)
        # QLockFile records the executable's name ("python3.11"): say what it is
        return f"Ninety ({who})" if who else "Ninety"


def _user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no name for this uid (containers)
        return str(os.getuid()) if hasattr(os, "getuid") else ""


def _owner_of(path: Path) -> str:
    try:
        uid = path.stat().st_uid
    except OSError:
        return ""
    try:
        import pwd

        return pwd.getpwuid(uid).pw_name
    except (ImportError, KeyError):
        return str(uid)


class WorkspaceLock:
    """The lock of one workspace file. ``acquire()`` never blocks; ``wait`` polls."""

    def __init__(self, workspace: str | os.PathLike):
        self.path = Path(f"{workspace}.lock")
        self._fd: int | None = None

    @property
    def held(self) -> bool:
        return self._fd is not None

    def acquire(self) -> bool:
        """Take the lock if nobody (alive) holds it; True when this object holds it.
        Raises ``OSError`` when the lock file cannot be created."""
        if self._fd is not None:
            return True
        for _ in range(5):
            # OSError (a folder we cannot write to) goes to the caller: nobody can edit here
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT | getattr(os, "O_CLOEXEC", 0), 0o644)
            if not _try_lock(fd):
                os.close(fd)
                return False
            try:  # the holder we raced with may have removed the file we opened: start again
                same = os.path.samestat(os.fstat(fd), os.stat(self.path))
            except OSError:
                same = False
            if not same:
                os.close(fd)
                continue
            info = f"{os.getpid()}\n{APP}\n{socket.gethostname()}\n{_user()}\n".encode()
            os.ftruncate(fd, 0)
            os.pwrite(fd, info, 0) if hasattr(os, "pwrite") else os.write(fd, info)
            self._fd = fd
            return True
        return False

    def wait(self, seconds: float, poll: float = 0.2) -> bool:
        """Try for up to *seconds*."""
        deadline = time.monotonic() + seconds
        while not self.acquire():
            if time.monotonic() >= deadline:
                return False
            time.sleep(poll)
        return True

    def holder(self) -> Holder | None:
        """Who holds it, as written in the file (None if it cannot be read)."""
        try:
            lines = self.path.read_text(encoding="utf-8", errors="replace").splitlines()
        except OSError:
            return None
        pid = int(lines[0]) if lines and lines[0].strip().isdigit() else None
        app = lines[1] if len(lines) > 1 else ""
        host = lines[2] if len(lines) > 2 else ""
        # a QLockFile keeps a machine id on line 4, not a user name
        user = lines[3] if len(lines) > 3 and app == APP else _owner_of(self.path)
        return Holder(pid, host, user, app)

    def describe_holder(self) -> str:
        return str(self.holder() or "another program")

    def release(self) -> None:
        if self._fd is None:
            return
        try:
            os.unlink(self.path)  # still holding the OS lock: a racer sees the file change
        except OSError:
            pass
        os.close(self._fd)
        self._fd = None

    def __del__(self):  # a lock must not outlive the object that took it
        fd = getattr(self, "_fd", None)
        if fd is not None:
            try:
                os.close(fd)
            except OSError:
                pass
