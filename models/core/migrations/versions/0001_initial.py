"""The first released schema: plans, their three phases and milestones.

Revision ID: 0001
"""
import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":  # a file's mark; a server database has none
        op.execute("PRAGMA application_id = 1312370775")  # 0x4E393057, "N90W"
    op.create_table(
        "plans",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(200), nullable=False, unique=True),
        sa.Column("organisation", sa.String(200), nullable=False, server_default=""),
        sa.Column("sponsor", sa.String(200), nullable=False, server_default=""),
        sa.Column("revenue_architect", sa.String(200), nullable=False, server_default=""),
        sa.Column("start_date", sa.Date, nullable=False),
        sa.Column("horizon_days", sa.Integer, nullable=False, server_default="90"),
        sa.Column("created_at", sa.DateTime, nullable=False),
    )
    op.create_table(
        "phases",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("plan_id", sa.Integer, sa.ForeignKey("plans.id", ondelete="CASCADE"), nullable=False),
        sa.Column("step", sa.String(16), nullable=False),
        sa.Column("start_date", sa.Date, nullable=False),
        sa.Column("end_date", sa.Date, nullable=False),
        sa.Column("goal", sa.Text, nullable=False, server_default=""),
        sa.UniqueConstraint("plan_id", "step", name="uq_phases_plan_step"),
    )
    op.create_index("ix_phases_plan_id", "phases", ["plan_id"])
    op.create_table(
        "milestones",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("plan_id", sa.Integer, sa.ForeignKey("plans.id", ondelete="CASCADE"), nullable=False),
        sa.Column("step", sa.String(16), nullable=False),
        sa.Column("title", sa.String(300), nullable=False),
        sa.Column("owner", sa.String(200), nullable=False, server_default=""),
        sa.Column("due_date", sa.Date, nullable=False),
        sa.Column("status", sa.String(16), nullable=False, server_default="not started"),
        sa.Column("done_date", sa.Date, nullable=True),
        sa.Column("notes", sa.Text, nullable=False, server_default=""),
    )
    op.create_index("ix_milestones_plan_id", "milestones", ["plan_id"])


def downgrade() -> None:
    raise NotImplementedError("Ninety workspaces are never downgraded")
