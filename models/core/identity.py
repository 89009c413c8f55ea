"""What makes a file a Ninety workspace, told without SQLAlchemy: SQLite's header, its
application id and the newest schema revision this build ships. Standard library only,
so start-up can recognise a current workspace before the database layer is loaded
(``models.plan.glance``); ``models.core.workspace`` checks files with the same pieces."""
from __future__ import annotations

#: the first 16 bytes of every SQLite database file
SQLITE_HEADER = b"SQLite format 3\x00"

#: ``PRAGMA application_id`` of every Ninety workspace ("N90W").
APPLICATION_ID = 0x4E393057


def is_wal_header(header: bytes) -> bool:
    """Whether SQLite's 100-byte file header says WAL mode (read and write versions 2)."""
    return header[18:19] == b"\x02"


def is_rollback_header(header: bytes) -> bool:
    """Whether it says rollback-journal mode (read and write versions 1): the mode a
    Ninety file rests in when nothing has it open for writing."""
    return header[18:20] == b"\x01\x01"


def header_application_id(header: bytes) -> int:
    """The application id SQLite's file header holds (bytes 68-71, big-endian)."""
    return int.from_bytes(header[68:72], "big")

#: the newest migration this build ships (tests/core/test_workspace.py checks it against
#: the migrations folder): a workspace already there opens without loading Alembic at all
HEAD_REVISION = "0006"
