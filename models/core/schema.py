"""The workspace schema (SQLAlchemy 2.x ORM), as of the newest migration.

Alembic migrations in ``models/core/migrations/versions`` are the source of truth for
how a file reaches this shape; this module describes the head revision so the
services can query it. Views never see these classes: services hand out frozen
dataclasses (see ``models.plan.service``).
"""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

#: ``PRAGMA application_id`` of every Ninety workspace ("N90W").
APPLICATION_ID = 0x4E393057

STEPS = ("audit", "squad", "lowcode")
STEP_NAMES = {
    "audit": "Audit bottlenecks",
    "squad": "Pilot one squad",
    "lowcode": "Empower with low-code",
}
STEP_SHORT_NAMES = {"audit": "1 Audit", "squad": "2 Squad", "lowcode": "3 Low-code"}
MILESTONE_STATUSES = ("not started", "in progress", "done", "blocked")


class Base(DeclarativeBase):
    pass


class Plan(Base):
    __tablename__ = "plans"
    __table_args__ = (
        CheckConstraint("horizon_days BETWEEN 1 AND 730", name="ck_plans_horizon"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    organisation: Mapped[str] = mapped_column(String(200), default="")
    sponsor: Mapped[str] = mapped_column(String(200), default="")
    revenue_architect: Mapped[str] = mapped_column(String(200), default="")
    start_date: Mapped[date] = mapped_column(Date)
    horizon_days: Mapped[int] = mapped_column(Integer, default=90)
    timezone: Mapped[str] = mapped_column(String(64), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime)

    phases: Mapped[list[Phase]] = relationship(
        back_populates="plan", cascade="all, delete-orphan", passive_deletes=True
    )
    milestones: Mapped[list[Milestone]] = relationship(
        back_populates="plan", cascade="all, delete-orphan", passive_deletes=True
    )


class Phase(Base):
    __tablename__ = "phases"
    __table_args__ = (UniqueConstraint("plan_id", "step", name="uq_phases_plan_step"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"), index=True)
    step: Mapped[str] = mapped_column(String(16))
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date] = mapped_column(Date)
    goal: Mapped[str] = mapped_column(Text, default="")

    plan: Mapped[Plan] = relationship(back_populates="phases")


class Milestone(Base):
    __tablename__ = "milestones"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"), index=True)
    step: Mapped[str] = mapped_column(String(16))
    title: Mapped[str] = mapped_column(String(300))
    owner: Mapped[str] = mapped_column(String(200), default="")
    due_date: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16), default="not started")
    done_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    notes: Mapped[str] = mapped_column(Text, default="")
    baseline_due: Mapped[date | None] = mapped_column(Date, nullable=True)
    depends_on_id: Mapped[int | None] = mapped_column(
        ForeignKey("milestones.id", ondelete="SET NULL"), nullable=True
    )

    plan: Mapped[Plan] = relationship(back_populates="milestones")


# --------------------------------------------------------------------------- step 1: audit
AUDIT_KINDS = ("active", "queue", "done")


class AuditStage(Base):
    """Stage map: each workflow status, its department and kind."""

    __tablename__ = "audit_stages"
    __table_args__ = (UniqueConstraint("plan_id", "status", name="uq_audit_stages_plan_status"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(200))
    department: Mapped[str] = mapped_column(String(200), default="")
    kind: Mapped[str] = mapped_column(String(16), default="queue")
    position: Mapped[int] = mapped_column(Integer, default=0)


class AuditImport(Base):
    """One imported log (or the hand-tracked stalls): its transitions hang off it."""

    __tablename__ = "audit_imports"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"), index=True)
    source: Mapped[str] = mapped_column(String(500), default="")
    format: Mapped[str] = mapped_column(String(16), default="csv")
    imported_at: Mapped[datetime] = mapped_column(DateTime)
    row_count: Mapped[int] = mapped_column(Integer, default=0)
    #: the column mapping, date format and sheet used, as JSON text
    settings: Mapped[str] = mapped_column(Text, default="{}")


class AuditTransition(Base):
    __tablename__ = "audit_transitions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    import_id: Mapped[int] = mapped_column(ForeignKey("audit_imports.id", ondelete="CASCADE"), index=True)
    item: Mapped[str] = mapped_column(String(200))
    #: ISO 8601 with its UTC offset, as read (kept as text so the offset survives)
    at: Mapped[str] = mapped_column(String(40))
    from_status: Mapped[str | None] = mapped_column(String(200), nullable=True)
    to_status: Mapped[str] = mapped_column(String(200))
    title: Mapped[str | None] = mapped_column(String(500), nullable=True)
    type: Mapped[str | None] = mapped_column(String(100), nullable=True)
    line: Mapped[int | None] = mapped_column(Integer, nullable=True)


class AuditStall(Base):
    """Tracked by hand: an item sat in a stage from entered to left (open while left is empty)."""

    __tablename__ = "audit_stalls"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"), index=True)
    item: Mapped[str] = mapped_column(String(200))
    stage: Mapped[str] = mapped_column(String(200))
    entered: Mapped[str] = mapped_column(String(40))
    left: Mapped[str | None] = mapped_column(String(40), nullable=True)
    note: Mapped[str] = mapped_column(Text, default="")


class AuditChoice(Base):
    """The handoff the leader chose to attack first."""

    __tablename__ = "audit_choices"

    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"), primary_key=True)
    from_department: Mapped[str] = mapped_column(String(200))
    to_department: Mapped[str] = mapped_column(String(200))
    chosen_on: Mapped[date] = mapped_column(Date)
    milestone_id: Mapped[int | None] = mapped_column(
        ForeignKey("milestones.id", ondelete="SET NULL"), nullable=True)


# --------------------------------------------------------------------------- step 2: squad
class Squad(Base):
    __tablename__ = "squads"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    problem: Mapped[str] = mapped_column(Text, default="")
    metric_name: Mapped[str] = mapped_column(String(200), default="")
    metric_unit: Mapped[str] = mapped_column(String(50), default="")
    direction: Mapped[str] = mapped_column(String(8), default="up")
    baseline: Mapped[float | None] = mapped_column(nullable=True)
    baseline_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    target: Mapped[float | None] = mapped_column(nullable=True)
    target_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    reporting_line: Mapped[str] = mapped_column(String(200), default="")
    verdict: Mapped[str | None] = mapped_column(String(16), nullable=True)
    verdict_rationale: Mapped[str] = mapped_column(Text, default="")
    verdict_date: Mapped[date | None] = mapped_column(Date, nullable=True)


class SquadAutonomy(Base):
    __tablename__ = "squad_autonomy"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    squad_id: Mapped[int] = mapped_column(ForeignKey("squads.id", ondelete="CASCADE"), index=True)
    decision: Mapped[str] = mapped_column(String(300))
    granted: Mapped[bool] = mapped_column(default=False)
    position: Mapped[int] = mapped_column(Integer, default=0)


class SquadMember(Base):
    __tablename__ = "squad_members"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    squad_id: Mapped[int] = mapped_column(ForeignKey("squads.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(100))
    department: Mapped[str] = mapped_column(String(200), default="")
    allocation: Mapped[float] = mapped_column(default=100.0)


class SquadCheckIn(Base):
    __tablename__ = "squad_checkins"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    squad_id: Mapped[int] = mapped_column(ForeignKey("squads.id", ondelete="CASCADE"), index=True)
    date: Mapped[date] = mapped_column(Date)
    value: Mapped[float]
    confidence: Mapped[int] = mapped_column(Integer, default=5)
    morale: Mapped[int] = mapped_column(Integer, default=3)
    blockers: Mapped[str] = mapped_column(Text, default="")
    note: Mapped[str] = mapped_column(Text, default="")


class SquadChange(Base):
    __tablename__ = "squad_changes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    squad_id: Mapped[int] = mapped_column(ForeignKey("squads.id", ondelete="CASCADE"), index=True)
    date: Mapped[date] = mapped_column(Date)
    title: Mapped[str] = mapped_column(String(300))
    hypothesis: Mapped[str] = mapped_column(Text, default="")
    expected_effect: Mapped[str] = mapped_column(String(300), default="")
    outcome: Mapped[str] = mapped_column(String(16), default="pending")
    measured_effect: Mapped[str] = mapped_column(String(300), default="")


# --------------------------------------------------------------------------- step 3: low-code
class LowcodeSettings(Base):
    __tablename__ = "lowcode_settings"

    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"), primary_key=True)
    target_share: Mapped[float] = mapped_column(default=0.8)


class LowcodeRequest(Base):
    __tablename__ = "lowcode_requests"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(300))
    type: Mapped[str] = mapped_column(String(50), default="other")
    team: Mapped[str] = mapped_column(String(200), default="")
    requested: Mapped[date] = mapped_column(Date)
    delivered: Mapped[date | None] = mapped_column(Date, nullable=True)
    route: Mapped[str] = mapped_column(String(16), default="self-serve")
    tool: Mapped[str] = mapped_column(String(200), default="")
    reason: Mapped[str] = mapped_column(String(50), default="")


class LowcodeTool(Base):
    __tablename__ = "lowcode_tools"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    capability: Mapped[str] = mapped_column(String(50), default="other")
    owner: Mapped[str] = mapped_column(String(200), default="")
    trained: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[str] = mapped_column(String(16), default="evaluating")


# --------------------------------------------------------------------------- ownership map
class OwnershipDepartment(Base):
    __tablename__ = "ownership_departments"
    __table_args__ = (UniqueConstraint("plan_id", "name", name="uq_ownership_departments_plan_name"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    position: Mapped[int] = mapped_column(Integer, default=0)


class OwnershipCapability(Base):
    __tablename__ = "ownership_capabilities"
    __table_args__ = (UniqueConstraint("plan_id", "name", name="uq_ownership_capabilities_plan_name"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    layer: Mapped[str] = mapped_column(String(8))
    #: systems it spans, one per line
    systems: Mapped[str] = mapped_column(Text, default="")
    #: who a problem escalates to: "" | "revenue_architect" | "squad:<id>" | a person's name
    escalation: Mapped[str] = mapped_column(String(200), default="")
    position: Mapped[int] = mapped_column(Integer, default=0)


class OwnershipAssignment(Base):
    __tablename__ = "ownership_assignments"

    capability_id: Mapped[int] = mapped_column(
        ForeignKey("ownership_capabilities.id", ondelete="CASCADE"), primary_key=True)
    department_id: Mapped[int] = mapped_column(
        ForeignKey("ownership_departments.id", ondelete="CASCADE"), primary_key=True)
    letter: Mapped[str] = mapped_column(String(1))


# --------------------------------------------------------------------------- status packs
class ExportRecord(Base):
    """Each status pack written, so the leader sees what stakeholders received."""

    __tablename__ = "exports"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    as_of: Mapped[date] = mapped_column(Date)
    path: Mapped[str] = mapped_column(String(1000))
    sheets: Mapped[str] = mapped_column(String(500), default="")
    label: Mapped[str] = mapped_column(String(200), default="")
