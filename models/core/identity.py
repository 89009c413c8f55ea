"""What makes a file a Ninety workspace, told without SQLAlchemy: its application id and
the newest schema revision this build ships. Standard library only, so start-up can
recognise a current workspace before the database layer is loaded (``models.plan.glance``)."""
from __future__ import annotations

#: ``PRAGMA application_id`` of every Ninety workspace ("N90W").
APPLICATION_ID = 0x4E393057

#: the newest migration this build ships (tests/core/test_workspace.py checks it against
#: the migrations folder): a workspace already there opens without loading Alembic at all
HEAD_REVISION = "0006"
