"""Baselines, milestone dependencies, plan time zone and a horizon check.

Adding the CHECK constraint rebuilds ``plans`` (batch mode). Its children
(phases, milestones) reference it with ON DELETE CASCADE, which is why the
workspace runs every migration with foreign keys OFF and checks them after.

Revision ID: 0002
Revises: 0001
"""
import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # SQLite rebuilds the tables; a server alters them in place (a rebuild there would
    # have to drop the primary keys their children's foreign keys depend on)
    recreate = "always" if op.get_bind().dialect.name == "sqlite" else "auto"
    with op.batch_alter_table("plans", recreate=recreate) as batch:
        batch.add_column(sa.Column("timezone", sa.String(64), nullable=False, server_default=""))
        batch.create_check_constraint("ck_plans_horizon", "horizon_days BETWEEN 1 AND 730")
    with op.batch_alter_table("milestones", recreate=recreate) as batch:
        batch.add_column(sa.Column("baseline_due", sa.Date, nullable=True))
        batch.add_column(sa.Column("depends_on_id", sa.Integer, nullable=True))
        batch.create_foreign_key(
            "fk_milestones_depends_on", "milestones", ["depends_on_id"], ["id"], ondelete="SET NULL"
        )


def downgrade() -> None:
    raise NotImplementedError("Ninety workspaces are never downgraded")
