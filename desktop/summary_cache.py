"""The last answers of ``ninety summary``, kept so that a script polling plans gets
an unchanged plan's summary without loading SQLAlchemy (50 ms instead of 600).

Standard library only: a hit imports nothing of the app. An answer is kept in the
user's cache folder, never in or beside the workspace, with the key it was
computed under, and is used only when that key still holds exactly:

* the workspace file's identity and state, read without SQLite: device, inode,
  size, modification time and its 100-byte header (whose "file change
  counter" SQLite increments with every transaction in rollback mode, the mode
  Ninety's files rest in); for a file open for writing elsewhere (WAL mode), the
  same of its ``-wal`` and its header, and the ``-shm``'s two copies of the WAL
  index header (a counter that changes with every transaction, the last valid
  frame and its checksum). With a ``-journal`` present (a transaction under way,
  or one to roll back), or a ``-wal`` without a readable ``-shm``, or two copies
  that differ (a commit under way), nothing is read from or written to the cache;
* the plan asked for, the as-of date (today's, when not given), and the code:
  Python's version and the size and modification time of every source file of
  the app (a bundle: its executable), so an upgrade or an edit is never answered
  from an older computation;
* the answer's length and CRC, so a file cut short by a crash is a miss.

An answer is stored only if the workspace's key was the same before and after it
was computed (else a writer committed meanwhile); it is written to a temporary
file in the cache folder and renamed into place.
"""
from __future__ import annotations

import json
import os
import stat
import sys
import zlib
from pathlib import Path

#: bump when the cache's layout or key changes
FORMAT = 1
#: answers kept at most; the oldest go first
MAX_ENTRIES = 200
_APP_ROOT = Path(__file__).resolve().parent.parent
#: the packages whose code shapes a summary
_CODE_PACKAGES = ("desktop", "models")


def cache_dir() -> Path:
    """``NINETY_CACHE_DIR``; else ``cache`` in ``NINETY_DATA_DIR`` (tests and scripts that
    redirect the data folder redirect this too); else the platform's cache folder."""
    explicit = os.environ.get("NINETY_CACHE_DIR")
    if explicit:
        return Path(explicit)
    data = os.environ.get("NINETY_DATA_DIR")
    if data:
        return Path(data) / "cache" / "summaries"
    if sys.platform == "win32":
        base = Path(os.environ.get("LOCALAPPDATA") or Path.home() / "AppData" / "Local")
        return base / "Ninety" / "Ninety" / "cache" / "summaries"
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Caches" / "Ninety" / "Ninety" / "summaries"
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "Ninety" / "Ninety" / "summaries"


def _regular(path: str) -> os.stat_result | None:
    """stat of *path* when it is a regular file; None when there is none; raises
    ``ValueError`` when something else is there (a FIFO must never be opened)."""
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return None
    if not stat.S_ISREG(st.st_mode):
        raise ValueError(path)
    return st


def _head(path: str, size: int) -> str:
    with open(path, "rb") as fh:
        return fh.read(size).hex()


def workspace_state(path: str | os.PathLike) -> list | None:
    """What identifies the committed content of the workspace at *path*, read without
    SQLite; None when it cannot be told now (see the module's docstring)."""
    try:
        name = str(Path(path).resolve())
        main = _regular(name)
        if main is None or _regular(f"{name}-journal") is not None:
            return None
        # Not the change times: SQLite running as root chowns the -wal on every open (a
        # reader's too), which moves its ctime without changing a byte.
        state: list = [name, main.st_dev, main.st_ino, main.st_size, main.st_mtime_ns, _head(name, 100)]
        wal = _regular(f"{name}-wal")
        if wal is not None:
            state += [wal.st_ino, wal.st_size, wal.st_mtime_ns, _head(f"{name}-wal", 32)]
            if wal.st_size > 0:
                if _regular(f"{name}-shm") is None:
                    return None
                index = _head(f"{name}-shm", 96)
                if len(index) < 192 or index[:96] != index[96:]:
                    return None
                state.append(index)
        return state
    except (OSError, ValueError):
        return None


def code_state() -> list:
    """Python's version and the app's code: each source file's size and mtime (a bundle:
    its executable's)."""
    if getattr(sys, "frozen", False):
        st = os.stat(sys.executable)
        return [sys.version, sys.executable, st.st_size, st.st_mtime_ns]
    crc = 0
    count = 0
    pending = [str(_APP_ROOT / package) for package in _CODE_PACKAGES]
    while pending:
        with os.scandir(pending.pop()) as entries:
            for entry in sorted(entries, key=lambda e: e.name):
                if entry.is_dir(follow_symlinks=False):
                    if entry.name != "__pycache__":
                        pending.append(entry.path)
                elif entry.name.endswith(".py"):
                    st = entry.stat()
                    crc = zlib.crc32(f"{entry.path}\0{st.st_size}\0{st.st_mtime_ns}\n".encode(), crc)
                    count += 1
    return [sys.version, str(_APP_ROOT), count, crc]


class SummaryCache:
    """The cached answer for one workspace, plan and date (``for_query``)."""

    def __init__(self, query: list, entry: Path):
        self.query = query
        self.entry = entry

    @classmethod
    def for_query(cls, path: str | os.PathLike, plan: str | None, as_of: str) -> SummaryCache:
        query = [FORMAT, str(Path(path).resolve()), plan, as_of]
        name = f"{zlib.crc32(json.dumps(query).encode()):08x}{zlib.adler32(json.dumps(query).encode()):08x}"
        return cls(query, cache_dir() / f"{name}.txt")

    def key(self) -> str | None:
        """The full key as it stands now; None when the cache must not be used."""
        state = workspace_state(self.query[1])
        if state is None:
            return None
        return json.dumps([self.query, state, code_state()])

    def read(self, key: str | None) -> str | None:
        """The answer stored under *key*, or None."""
        if key is None:
            return None
        try:
            with open(self.entry, encoding="utf-8", newline="") as fh:
                stored_key = fh.readline()
                check = fh.readline()
                text = fh.read()
        except (OSError, UnicodeDecodeError):
            return None
        if stored_key != key + "\n" or check != _check(text):
            return None
        return text

    def write(self, key: str | None, text: str) -> bool:
        """Store *text* under *key* if the workspace still has that key; False if not stored."""
        if key is None or self.key() != key:
            return False  # a writer committed while the summary was computed
        import tempfile

        folder = self.entry.parent
        try:
            folder.mkdir(parents=True, exist_ok=True, mode=0o700)
            fd, tmp = tempfile.mkstemp(prefix=".summary-", suffix=".tmp", dir=folder)
            try:
                with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
                    fh.write(key + "\n" + _check(text) + text)
                os.replace(tmp, self.entry)
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise
            _prune(folder)
        except OSError:
            return False  # a cache that cannot be written is no cache, not an error
        return True


def _check(text: str) -> str:
    data = text.encode("utf-8")
    return f"{len(data)} {zlib.crc32(data):08x}\n"


def _prune(folder: Path) -> None:
    entries = [e for e in os.scandir(folder) if e.name.endswith(".txt")]
    if len(entries) <= MAX_ENTRIES:
        return
    entries.sort(key=lambda e: e.stat().st_mtime_ns)
    for old in entries[:len(entries) - MAX_ENTRIES]:
        try:
            os.unlink(old.path)
        except OSError:
            pass


def warm_in_background(path: str | os.PathLike):
    """Start ``ninety summary --warm PATH`` in a process of its own and return at once (the
    ``Popen``, or None if it could not start). It fills the cache for every plan of the
    workspace as it stands, at low priority; nothing waits for it, nothing depends on it."""
    import subprocess

    argv = [sys.executable] if getattr(sys, "frozen", False) else [sys.executable, "-m", "desktop.cli"]
    options: dict = {}
    if sys.platform == "win32":
        options["creationflags"] = subprocess.CREATE_NO_WINDOW | subprocess.CREATE_NEW_PROCESS_GROUP
    else:
        options["start_new_session"] = True  # not in the app's process group: a Ctrl+C is the app's
    try:
        child = subprocess.Popen([*argv, "summary", "--warm", str(path)], stdin=subprocess.DEVNULL,
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, close_fds=True,
                                 cwd=str(_APP_ROOT), **options)
    except OSError:
        return None
    import threading

    # reaped when it ends, whether or not anyone still holds the Popen (no zombie, no warning)
    threading.Thread(target=child.wait, name="summary --warm", daemon=True).start()
    return child
