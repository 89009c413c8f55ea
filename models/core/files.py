"""Files that are whole or absent, and paths that are checked before they are touched.

Work goes to a temporary file in the target's folder (same filesystem, so the
final rename is atomic), is flushed to disk, gets the permissions a normally
created file would have (it is private while being written), then replaces the target.
Temporary files carry a recognisable name, ``.<target>~<pid>@<host>~<random>.ninety-tmp``
(plus SQLite's ``-wal``/``-shm``/``-journal``), so one left by a killed process is
removed by the next run that writes to the same folder (``sweep_stale``).

Inputs are checked with ``lstat``/``stat`` before they are opened: a FIFO would
block ``open()`` forever, a folder or a device is never a workspace, and a
dangling or looping link is refused rather than replaced.
"""
from __future__ import annotations

import errno
import os
import re
import stat
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

_UMASK = os.umask(0)
os.umask(_UMASK)

TEMP_SUFFIX = ".ninety-tmp"
#: SQLite's files beside a database: part of it while they exist
SIDECARS = ("-wal", "-shm", "-journal")
#: a temporary file from another computer (pid unknowable) is stale after this long
STALE_AFTER_S = 24 * 3600
_TEMP_NAME = re.compile(r"^\.(?P<name>.+)~(?P<pid>\d+)@(?P<host>[^~]*)~[0-9a-f]+"
                        + re.escape(TEMP_SUFFIX) + r"(?:-wal|-shm|-journal)?$")
_SCRATCH_NAME = re.compile(r"^(?P<pid>\d+)@(?P<host>[^~]*)~[0-9a-f]+$")
_NO_SPACE = {errno.ENOSPC, errno.EFBIG, getattr(errno, "EDQUOT", errno.ENOSPC)}


class FileError(Exception):
    """A file could not be used; the message names it and is meant for the user."""


#: a workspace given as a server address instead of a path (models/core/server.py)
SERVER_SCHEMES = ("postgresql://", "postgres://", "postgresql+psycopg://")


def is_server_url(text: object) -> bool:
    """Whether *text* names a team workspace on a server rather than a file (cheap: no imports)."""
    return isinstance(text, str) and text.strip().lower().startswith(SERVER_SCHEMES)


def _host() -> str:
    import socket

    return re.sub(r"[^A-Za-z0-9.-]", "", socket.gethostname())[:40] or "host"


def pid_alive(pid: int) -> bool:
    """Whether process *pid* exists on this computer (unsure counts as alive)."""
    if pid <= 0:
        return False
    if os.name == "nt":  # os.kill(pid, 0) would terminate it on Windows
        import ctypes

        handle = ctypes.windll.kernel32.OpenProcess(0x100000, False, pid)  # SYNCHRONIZE
        if not handle:
            return False
        try:
            return ctypes.windll.kernel32.WaitForSingleObject(handle, 0) == 0x102  # WAIT_TIMEOUT
        finally:
            ctypes.windll.kernel32.CloseHandle(handle)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True


# --------------------------------------------------------------------------- messages

def no_space(exc: BaseException) -> bool:
    """Whether *exc* (or what caused it) means the disk or the file size limit is full."""
    while exc is not None:
        if isinstance(exc, OSError) and exc.errno in _NO_SPACE:
            return True
        text = str(exc).lower()
        if "disk is full" in text or "no space left" in text or "file too large" in text:
            return True
        exc = exc.__cause__ or exc.__context__
    return False


def space_exhausted(folder: Path) -> bool:
    """Whether writing in *folder* likely failed for lack of space: under 1 MiB free, or a
    file size limit (``ulimit -f``) in force. SQLite reports both as a plain I/O error."""
    try:
        import shutil

        if shutil.disk_usage(folder).free < 1 << 20:
            return True
    except OSError:
        pass
    try:
        import resource
    except ImportError:  # Windows
        return False
    return resource.getrlimit(resource.RLIMIT_FSIZE)[0] != resource.RLIM_INFINITY


def os_problem(exc: OSError) -> str:
    """A few words for an ``OSError``: "no space left", "permission denied"…"""
    if no_space(exc):
        return "no space left on the disk"
    if exc.errno in (errno.EACCES, errno.EPERM):
        return "permission denied"
    if exc.errno == errno.EROFS:
        return "the disk is read-only"
    return (exc.strerror or str(exc)).lower()


# --------------------------------------------------------------------------- checking paths

def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "is a folder"
    if stat.S_ISFIFO(mode):
        return "is a named pipe, not a file"
    if stat.S_ISSOCK(mode):
        return "is a socket, not a file"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "is a device, not a file"
    return "is not a regular file"


def _link_problem(path: Path) -> str | None:
    """Why the link at *path* cannot be followed, or None if it is not a broken link."""
    try:
        if not stat.S_ISLNK(os.lstat(path).st_mode):
            return None
    except OSError:
        return None
    try:
        os.stat(path)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return "is a link that loops back on itself"
        if exc.errno == errno.ENOENT:
            return f"is a link to a missing file ({os.readlink(path)})"
        return f"is a link that cannot be followed ({os_problem(exc)})"
    return None


def existing_file(path: str | os.PathLike) -> os.stat_result:
    """The ``stat`` of *path* if it is a regular file (links followed); else ``FileError``.

    Never opens the file, so a FIFO or a device cannot block or be read.
    """
    path = Path(path)
    broken = _link_problem(path)
    if broken:
        raise FileError(f"{path}: {broken}")
    try:
        st = os.stat(path)
    except FileNotFoundError:
        raise FileError(f"{path}: no such file") from None
    except NotADirectoryError:
        raise FileError(f"{path}: no such file (a part of the path is not a folder)") from None
    except OSError as exc:
        raise FileError(f"{path}: cannot be read ({os_problem(exc)})") from None
    if not stat.S_ISREG(st.st_mode):
        raise FileError(f"{path}: {_kind(st.st_mode)}")
    return st


def new_target(path: str | os.PathLike, *, replace: bool) -> Path:
    """Check that *path* may be written: its folder exists and is writable, and what
    is there (if anything) is a regular file that may be replaced. Returns the path
    to write: a link to an existing file is followed, so the link itself survives."""
    path = Path(path)
    broken = _link_problem(path)
    if broken:
        raise FileError(f"{path}: {broken}; choose another name")
    if os.path.lexists(path):
        st = os.stat(path)
        if not stat.S_ISREG(st.st_mode):
            raise FileError(f"{path}: {_kind(st.st_mode)}; choose another name")
        if not replace:
            raise FileError(f"{path}: already exists; choose a new file name")
        path = Path(os.path.realpath(path))
    folder = path.parent
    if not folder.is_dir():
        raise FileError(f"{folder}: no such folder")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise FileError(f"{folder}: this folder is not writable; choose another place")
    return path


# --------------------------------------------------------------------------- temporary files

def temp_beside(target: Path) -> Path:
    """A new, empty, private file beside *target* with a name ``sweep_stale`` recognises."""
    target = Path(target)
    for _ in range(100):
        tmp = target.with_name(f".{target.name}~{os.getpid()}@{_host()}~{os.urandom(4).hex()}{TEMP_SUFFIX}")
        try:
            os.close(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        except FileExistsError:
            continue
        except OSError as exc:
            raise FileError(f"{target}: cannot be written ({os_problem(exc)})") from exc
        return tmp
    raise FileError(f"{target}: cannot make a temporary file beside it")  # pragma: no cover


def remove_with_sidecars(path: Path) -> None:
    for p in (Path(path), *(Path(f"{path}{s}") for s in SIDECARS)):
        try:
            p.unlink()
        except FileNotFoundError:
            pass
        except OSError:
            pass  # a later sweep removes it


def fsync_path(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_folder(folder: Path) -> None:
    if os.name == "nt":
        return
    try:
        fsync_path(folder)
    except OSError:
        pass  # some filesystems cannot sync a folder; the rename itself is atomic


def publish(tmp: Path, target: Path, *, replace: bool = True) -> None:
    """Flush *tmp* to disk, give it ordinary permissions and move it to *target* atomically.

    With ``replace=False`` an existing *target* is never overwritten (``FileError``)."""
    fsync_path(tmp)
    os.chmod(tmp, 0o666 & ~_UMASK)
    if replace:
        os.replace(tmp, target)
    else:
        try:
            os.link(tmp, target)  # fails if target exists: no window where it could be overwritten
        except FileExistsError:
            raise FileError(f"{target}: already exists; choose a new file name") from None
        except OSError:  # filesystems without hard links
            if os.path.lexists(target):
                raise FileError(f"{target}: already exists; choose a new file name") from None
            os.replace(tmp, target)
        else:
            os.unlink(tmp)
    _fsync_folder(Path(target).parent)


@contextmanager
def atomic_file(target: Path, *, replace: bool = True) -> Iterator[Path]:
    """Yield a temporary path; on success it becomes *target*, on any error it is removed."""
    target = Path(target)
    sweep_stale(target.parent, target.name)
    tmp = temp_beside(target)
    try:
        yield tmp
        publish(tmp, target, replace=replace)
    except BaseException:
        remove_with_sidecars(tmp)
        raise


def _stale(folder: Path, pattern: re.Pattern) -> Iterator[tuple[os.DirEntry, re.Match]]:
    """Entries of *folder* named by *pattern* (with ``pid`` and ``host`` groups) whose
    process is gone: ended, on this computer; older than a day, from another one."""
    host, now = _host(), time.time()
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return
    for entry in entries:
        m = pattern.match(entry.name)
        if not m:
            continue
        if m["host"] == host:
            stale = not pid_alive(int(m["pid"]))
        else:
            try:
                stale = now - entry.stat(follow_symlinks=False).st_mtime > STALE_AFTER_S
            except OSError:
                continue
        if stale:
            yield entry, m


def sweep_stale(folder: Path, name: str | None = None) -> list[Path]:
    """Remove temporary files in *folder* (for the target *name*, or any) that no running
    process owns. Returns what was removed."""
    removed: list[Path] = []
    for entry, m in _stale(folder, _TEMP_NAME):
        if name is None or m["name"] == name:
            try:
                os.unlink(entry.path)
                removed.append(Path(entry.path))
            except OSError:
                pass
    return removed


# --------------------------------------------------------------------------- scratch folders

def scratch_root() -> Path:
    """Ninety's own folder for scratch files (``NINETY_SCRATCH_DIR`` overrides it)."""
    override = os.environ.get("NINETY_SCRATCH_DIR")
    if override:
        return Path(override)
    user = os.getuid() if hasattr(os, "getuid") else os.environ.get("USERNAME", "user")
    import tempfile

    return Path(tempfile.gettempdir()) / f"ninety-{user}"


def sweep_scratch() -> list[Path]:
    """Remove scratch folders that no running process owns."""
    removed = []
    for entry, _ in _stale(scratch_root(), _SCRATCH_NAME):
        import shutil

        shutil.rmtree(entry.path, ignore_errors=True)
        removed.append(Path(entry.path))
    return removed


@contextmanager
def scratch_folder() -> Iterator[Path]:
    """A private folder for one job's scratch files, removed afterwards; folders left by
    killed processes are removed first."""
    sweep_scratch()
    root = scratch_root()
    try:
        root.mkdir(mode=0o700, parents=True, exist_ok=True)
        folder = root / f"{os.getpid()}@{_host()}~{os.urandom(4).hex()}"
        folder.mkdir(mode=0o700)
    except OSError as exc:
        raise FileError(f"{root}: cannot hold temporary files ({os_problem(exc)})") from exc
    try:
        yield folder
    finally:
        import shutil

        shutil.rmtree(folder, ignore_errors=True)
