"""Every other table people edit carries a version, who changed it last and when
(``models.core.versioning``), as 0005 did for milestones, squad rows and RACI cells: plans and
their phases, squads and their autonomy checklist, ownership departments and capabilities,
the audit's stage map, stalls, chosen handoff, costs of delay and scenarios, low-code
settings, requests and tools.

Columns are added in place (``ALTER TABLE ... ADD COLUMN``): no table is rebuilt.
Existing rows start at version 1, changed by nobody known.

Revision ID: 0006
Revises: 0005
"""
import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

VERSIONED = (
    "plans", "phases",
    "squads", "squad_autonomy",
    "ownership_departments", "ownership_capabilities",
    "audit_stages", "audit_stalls", "audit_choices", "audit_costs_of_delay", "audit_type_costs",
    "audit_scenarios",
    "lowcode_settings", "lowcode_requests", "lowcode_tools",
)


def upgrade() -> None:
    for table in VERSIONED:
        with op.batch_alter_table(table, recreate="never") as batch:
            batch.add_column(sa.Column("version", sa.Integer(), nullable=False, server_default="1"))
            batch.add_column(sa.Column("changed_by", sa.String(200), nullable=False, server_default=""))
            batch.add_column(sa.Column("changed_at", sa.DateTime(), nullable=True))


def downgrade() -> None:
    raise NotImplementedError("Ninety workspaces are never downgraded")
