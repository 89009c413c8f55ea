"""The squad's tables: the squad, its autonomy checklist, members, weekly check-ins and its change log."""
from __future__ import annotations

from datetime import date

from sqlalchemy import Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from models.core.schema import Base
from models.core.versioning import Versioned


class Squad(Versioned, Base):
    __tablename__ = "squads"
    __table_args__ = {"info": {"label": "squad"}}

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


class SquadAutonomy(Versioned, Base):
    __tablename__ = "squad_autonomy"
    __table_args__ = {"info": {"label": "autonomy decision", "describe": "decision"}}

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    squad_id: Mapped[int] = mapped_column(ForeignKey("squads.id", ondelete="CASCADE"), index=True)
    decision: Mapped[str] = mapped_column(String(300))
    granted: Mapped[bool] = mapped_column(default=False)
    position: Mapped[int] = mapped_column(Integer, default=0)


class SquadMember(Versioned, Base):
    __tablename__ = "squad_members"
    __table_args__ = {"info": {"label": "squad member"}}

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    squad_id: Mapped[int] = mapped_column(ForeignKey("squads.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(100))
    department: Mapped[str] = mapped_column(String(200), default="")
    allocation: Mapped[float] = mapped_column(default=100.0)


class SquadCheckIn(Versioned, Base):
    __tablename__ = "squad_checkins"
    __table_args__ = {"info": {"label": "check-in", "describe": "date"}}

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    squad_id: Mapped[int] = mapped_column(ForeignKey("squads.id", ondelete="CASCADE"), index=True)
    date: Mapped[date] = mapped_column(Date)
    value: Mapped[float]
    confidence: Mapped[int] = mapped_column(Integer, default=5)
    morale: Mapped[int] = mapped_column(Integer, default=3)
    blockers: Mapped[str] = mapped_column(Text, default="")
    note: Mapped[str] = mapped_column(Text, default="")


class SquadChange(Versioned, Base):
    __tablename__ = "squad_changes"
    __table_args__ = {"info": {"label": "change-log entry"}}

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    squad_id: Mapped[int] = mapped_column(ForeignKey("squads.id", ondelete="CASCADE"), index=True)
    date: Mapped[date] = mapped_column(Date)
    title: Mapped[str] = mapped_column(String(300))
    hypothesis: Mapped[str] = mapped_column(Text, default="")
    expected_effect: Mapped[str] = mapped_column(String(300), default="")
    outcome: Mapped[str] = mapped_column(String(16), default="pending")
    measured_effect: Mapped[str] = mapped_column(String(300), default="")
