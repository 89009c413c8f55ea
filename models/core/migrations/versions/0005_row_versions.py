"""Rows several people edit carry a version, who changed them last and when
(``models.core.versioning``): milestones, squad members, check-ins and changes, RACI cells.

Columns are added in place (``ALTER TABLE ... ADD COLUMN``): no table is rebuilt.
Existing rows start at version 1, changed by nobody known.

Revision ID: 0005
Revises: 0004
"""
import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

VERSIONED = ("milestones", "squad_members", "squad_checkins", "squad_changes", "ownership_assignments")


def upgrade() -> None:
    for table in VERSIONED:
        with op.batch_alter_table(table, recreate="never") as batch:
            batch.add_column(sa.Column("version", sa.Integer(), nullable=False, server_default="1"))
            batch.add_column(sa.Column("changed_by", sa.String(200), nullable=False, server_default=""))
            batch.add_column(sa.Column("changed_at", sa.DateTime(), nullable=True))


def downgrade() -> None:
    raise NotImplementedError("Ninety workspaces are never downgraded")
