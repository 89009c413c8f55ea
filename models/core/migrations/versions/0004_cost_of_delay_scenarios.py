"""The plan's cost of delay (the silo tax in money) and the what-if scenarios it saved.

Three new tables; nothing existing is rebuilt.

Revision ID: 0004
Revises: 0003
"""
import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "audit_costs_of_delay",
        sa.Column("plan_id", sa.Integer(), sa.ForeignKey("plans.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("currency", sa.String(8), nullable=False),
        sa.Column("per_week", sa.Double(), nullable=False),
    )
    op.create_table(
        "audit_type_costs",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("plan_id", sa.Integer(), sa.ForeignKey("plans.id", ondelete="CASCADE"), nullable=False),
        sa.Column("item_type", sa.String(100), nullable=False),
        sa.Column("per_week", sa.Double(), nullable=False),
        sa.UniqueConstraint("plan_id", "item_type", name="uq_audit_type_costs_plan_type"),
    )
    op.create_index("ix_audit_type_costs_plan_id", "audit_type_costs", ["plan_id"])
    op.create_table(
        "audit_scenarios",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("plan_id", sa.Integer(), sa.ForeignKey("plans.id", ondelete="CASCADE"), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("departments", sa.Text(), nullable=False),
        sa.Column("factor", sa.Double(), nullable=False),
        sa.UniqueConstraint("plan_id", "name", name="uq_audit_scenarios_plan_name"),
    )
    op.create_index("ix_audit_scenarios_plan_id", "audit_scenarios", ["plan_id"])


def downgrade() -> None:
    raise NotImplementedError("Ninety workspaces are never downgraded")
