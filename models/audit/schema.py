"""The audit's tables: the stage map, imported logs and their transitions, hand-tracked stalls, the chosen handoff."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from models.core.schema import Base
from models.core.versioning import Versioned


AUDIT_KINDS = ("active", "queue", "done")


class AuditStage(Versioned, Base):
    """Stage map: each workflow status, its department and kind."""

    __tablename__ = "audit_stages"
    __table_args__ = (UniqueConstraint("plan_id", "status", name="uq_audit_stages_plan_status"),
                      {"info": {"label": "stage", "describe": "status"}})

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


class AuditStall(Versioned, Base):
    """Tracked by hand: an item sat in a stage from entered to left (open while left is empty)."""

    __tablename__ = "audit_stalls"
    __table_args__ = {"info": {"label": "stall", "describe": "item"}}

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"), index=True)
    item: Mapped[str] = mapped_column(String(200))
    stage: Mapped[str] = mapped_column(String(200))
    entered: Mapped[str] = mapped_column(String(40))
    left: Mapped[str | None] = mapped_column(String(40), nullable=True)
    note: Mapped[str] = mapped_column(Text, default="")


class AuditChoice(Versioned, Base):
    """The handoff the leader chose to attack first."""

    __tablename__ = "audit_choices"
    __table_args__ = {"info": {"label": "chosen handoff"}}

    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"), primary_key=True)
    from_department: Mapped[str] = mapped_column(String(200))
    to_department: Mapped[str] = mapped_column(String(200))
    chosen_on: Mapped[date] = mapped_column(Date)
    milestone_id: Mapped[int | None] = mapped_column(
        ForeignKey("milestones.id", ondelete="SET NULL"), nullable=True)


class AuditCostOfDelay(Versioned, Base):
    """The plan's cost of delay: what one item waiting one week costs (the silo tax in money)."""

    __tablename__ = "audit_costs_of_delay"
    __table_args__ = {"info": {"label": "cost of delay"}}

    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"), primary_key=True)
    currency: Mapped[str] = mapped_column(String(8))
    per_week: Mapped[float]


class AuditTypeCost(Versioned, Base):
    """A cost of delay of its own for one item type of the log."""

    __tablename__ = "audit_type_costs"
    __table_args__ = (UniqueConstraint("plan_id", "item_type", name="uq_audit_type_costs_plan_type"),
                      {"info": {"label": "cost of delay for item type", "plural": "costs of delay for item types",
                                "describe": "item_type"}})

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"), index=True)
    item_type: Mapped[str] = mapped_column(String(100))
    per_week: Mapped[float]


class AuditScenario(Versioned, Base):
    """A what-if the leader saved: departments merged into the squad, waits between them scaled."""

    __tablename__ = "audit_scenarios"
    __table_args__ = (UniqueConstraint("plan_id", "name", name="uq_audit_scenarios_plan_name"),
                      {"info": {"label": "what-if scenario"}})

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    #: the merged departments, as a JSON list
    departments: Mapped[str] = mapped_column(Text, default="[]")
    factor: Mapped[float] = mapped_column(default=0.0)
