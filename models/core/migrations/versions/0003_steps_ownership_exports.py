"""Tables for the three steps, the ownership map and the record of status packs.

Revision ID: 0003
Revises: 0002
"""
import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'audit_stages',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('plan_id', sa.Integer(), sa.ForeignKey('plans.id', ondelete='CASCADE'), nullable=False),
        sa.Column('status', sa.String(200), nullable=False),
        sa.Column('department', sa.String(200), nullable=False),
        sa.Column('kind', sa.String(16), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.UniqueConstraint('plan_id', 'status', name='uq_audit_stages_plan_status'),
    )
    op.create_index('ix_audit_stages_plan_id', 'audit_stages', ['plan_id'])
    op.create_table(
        'audit_imports',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('plan_id', sa.Integer(), sa.ForeignKey('plans.id', ondelete='CASCADE'), nullable=False),
        sa.Column('source', sa.String(500), nullable=False),
        sa.Column('format', sa.String(16), nullable=False),
        sa.Column('imported_at', sa.DateTime(), nullable=False),
        sa.Column('row_count', sa.Integer(), nullable=False),
        sa.Column('settings', sa.Text(), nullable=False),
    )
    op.create_index('ix_audit_imports_plan_id', 'audit_imports', ['plan_id'])
    op.create_table(
        'audit_transitions',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('import_id', sa.Integer(), sa.ForeignKey('audit_imports.id', ondelete='CASCADE'), nullable=False),
        sa.Column('item', sa.String(200), nullable=False),
        sa.Column('at', sa.String(40), nullable=False),
        sa.Column('from_status', sa.String(200), nullable=True),
        sa.Column('to_status', sa.String(200), nullable=False),
        sa.Column('title', sa.String(500), nullable=True),
        sa.Column('type', sa.String(100), nullable=True),
        sa.Column('line', sa.Integer(), nullable=True),
    )
    op.create_index('ix_audit_transitions_import_id', 'audit_transitions', ['import_id'])
    op.create_table(
        'audit_stalls',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('plan_id', sa.Integer(), sa.ForeignKey('plans.id', ondelete='CASCADE'), nullable=False),
        sa.Column('item', sa.String(200), nullable=False),
        sa.Column('stage', sa.String(200), nullable=False),
        sa.Column('entered', sa.String(40), nullable=False),
        sa.Column('left', sa.String(40), nullable=True),
        sa.Column('note', sa.Text(), nullable=False),
    )
    op.create_index('ix_audit_stalls_plan_id', 'audit_stalls', ['plan_id'])
    op.create_table(
        'audit_choices',
        sa.Column('plan_id', sa.Integer(), sa.ForeignKey('plans.id', ondelete='CASCADE'), primary_key=True),
        sa.Column('from_department', sa.String(200), nullable=False),
        sa.Column('to_department', sa.String(200), nullable=False),
        sa.Column('chosen_on', sa.Date(), nullable=False),
        sa.Column('milestone_id', sa.Integer(), sa.ForeignKey('milestones.id', ondelete='SET NULL'), nullable=True),
    )
    op.create_table(
        'squads',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('plan_id', sa.Integer(), sa.ForeignKey('plans.id', ondelete='CASCADE'), nullable=False),
        sa.Column('name', sa.String(200), nullable=False),
        sa.Column('problem', sa.Text(), nullable=False),
        sa.Column('metric_name', sa.String(200), nullable=False),
        sa.Column('metric_unit', sa.String(50), nullable=False),
        sa.Column('direction', sa.String(8), nullable=False),
        sa.Column('baseline', sa.Double(), nullable=True),
        sa.Column('baseline_date', sa.Date(), nullable=True),
        sa.Column('target', sa.Double(), nullable=True),
        sa.Column('target_date', sa.Date(), nullable=True),
        sa.Column('reporting_line', sa.String(200), nullable=False),
        sa.Column('verdict', sa.String(16), nullable=True),
        sa.Column('verdict_rationale', sa.Text(), nullable=False),
        sa.Column('verdict_date', sa.Date(), nullable=True),
    )
    op.create_index('ix_squads_plan_id', 'squads', ['plan_id'])
    op.create_table(
        'squad_autonomy',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('squad_id', sa.Integer(), sa.ForeignKey('squads.id', ondelete='CASCADE'), nullable=False),
        sa.Column('decision', sa.String(300), nullable=False),
        sa.Column('granted', sa.Boolean(), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
    )
    op.create_index('ix_squad_autonomy_squad_id', 'squad_autonomy', ['squad_id'])
    op.create_table(
        'squad_members',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('squad_id', sa.Integer(), sa.ForeignKey('squads.id', ondelete='CASCADE'), nullable=False),
        sa.Column('name', sa.String(200), nullable=False),
        sa.Column('role', sa.String(100), nullable=False),
        sa.Column('department', sa.String(200), nullable=False),
        sa.Column('allocation', sa.Double(), nullable=False),
    )
    op.create_index('ix_squad_members_squad_id', 'squad_members', ['squad_id'])
    op.create_table(
        'squad_checkins',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('squad_id', sa.Integer(), sa.ForeignKey('squads.id', ondelete='CASCADE'), nullable=False),
        sa.Column('date', sa.Date(), nullable=False),
        sa.Column('value', sa.Double(), nullable=False),
        sa.Column('confidence', sa.Integer(), nullable=False),
        sa.Column('morale', sa.Integer(), nullable=False),
        sa.Column('blockers', sa.Text(), nullable=False),
        sa.Column('note', sa.Text(), nullable=False),
    )
    op.create_index('ix_squad_checkins_squad_id', 'squad_checkins', ['squad_id'])
    op.create_table(
        'squad_changes',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('squad_id', sa.Integer(), sa.ForeignKey('squads.id', ondelete='CASCADE'), nullable=False),
        sa.Column('date', sa.Date(), nullable=False),
        sa.Column('title', sa.String(300), nullable=False),
        sa.Column('hypothesis', sa.Text(), nullable=False),
        sa.Column('expected_effect', sa.String(300), nullable=False),
        sa.Column('outcome', sa.String(16), nullable=False),
        sa.Column('measured_effect', sa.String(300), nullable=False),
    )
    op.create_index('ix_squad_changes_squad_id', 'squad_changes', ['squad_id'])
    op.create_table(
        'lowcode_settings',
        sa.Column('plan_id', sa.Integer(), sa.ForeignKey('plans.id', ondelete='CASCADE'), primary_key=True),
        sa.Column('target_share', sa.Double(), nullable=False),
    )
    op.create_table(
        'lowcode_requests',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('plan_id', sa.Integer(), sa.ForeignKey('plans.id', ondelete='CASCADE'), nullable=False),
        sa.Column('title', sa.String(300), nullable=False),
        sa.Column('type', sa.String(50), nullable=False),
        sa.Column('team', sa.String(200), nullable=False),
        sa.Column('requested', sa.Date(), nullable=False),
        sa.Column('delivered', sa.Date(), nullable=True),
        sa.Column('route', sa.String(16), nullable=False),
        sa.Column('tool', sa.String(200), nullable=False),
        sa.Column('reason', sa.String(50), nullable=False),
    )
    op.create_index('ix_lowcode_requests_plan_id', 'lowcode_requests', ['plan_id'])
    op.create_table(
        'lowcode_tools',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('plan_id', sa.Integer(), sa.ForeignKey('plans.id', ondelete='CASCADE'), nullable=False),
        sa.Column('name', sa.String(200), nullable=False),
        sa.Column('capability', sa.String(50), nullable=False),
        sa.Column('owner', sa.String(200), nullable=False),
        sa.Column('trained', sa.Integer(), nullable=False),
        sa.Column('status', sa.String(16), nullable=False),
    )
    op.create_index('ix_lowcode_tools_plan_id', 'lowcode_tools', ['plan_id'])
    op.create_table(
        'ownership_departments',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('plan_id', sa.Integer(), sa.ForeignKey('plans.id', ondelete='CASCADE'), nullable=False),
        sa.Column('name', sa.String(200), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.UniqueConstraint('plan_id', 'name', name='uq_ownership_departments_plan_name'),
    )
    op.create_index('ix_ownership_departments_plan_id', 'ownership_departments', ['plan_id'])
    op.create_table(
        'ownership_capabilities',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('plan_id', sa.Integer(), sa.ForeignKey('plans.id', ondelete='CASCADE'), nullable=False),
        sa.Column('name', sa.String(200), nullable=False),
        sa.Column('layer', sa.String(8), nullable=False),
        sa.Column('systems', sa.Text(), nullable=False),
        sa.Column('escalation', sa.String(200), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.UniqueConstraint('plan_id', 'name', name='uq_ownership_capabilities_plan_name'),
    )
    op.create_index('ix_ownership_capabilities_plan_id', 'ownership_capabilities', ['plan_id'])
    op.create_table(
        'ownership_assignments',
        sa.Column('capability_id', sa.Integer(), sa.ForeignKey('ownership_capabilities.id', ondelete='CASCADE'), primary_key=True),
        sa.Column('department_id', sa.Integer(), sa.ForeignKey('ownership_departments.id', ondelete='CASCADE'), primary_key=True),
        sa.Column('letter', sa.String(1), nullable=False),
    )
    op.create_table(
        'exports',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('plan_id', sa.Integer(), sa.ForeignKey('plans.id', ondelete='CASCADE'), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('as_of', sa.Date(), nullable=False),
        sa.Column('path', sa.String(1000), nullable=False),
        sa.Column('sheets', sa.String(500), nullable=False),
        sa.Column('label', sa.String(200), nullable=False),
    )
    op.create_index('ix_exports_plan_id', 'exports', ['plan_id'])


def downgrade() -> None:
    raise NotImplementedError("Ninety workspaces are never downgraded")
