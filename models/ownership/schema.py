"""The ownership map's tables: departments, capabilities and the RACI letters between them."""
from __future__ import annotations

from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from models.core.schema import Base
from models.core.versioning import Versioned


class OwnershipDepartment(Versioned, Base):
    __tablename__ = "ownership_departments"
    __table_args__ = (UniqueConstraint("plan_id", "name", name="uq_ownership_departments_plan_name"),
                      {"info": {"label": "department"}})

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    position: Mapped[int] = mapped_column(Integer, default=0)


class OwnershipCapability(Versioned, Base):
    __tablename__ = "ownership_capabilities"
    __table_args__ = (UniqueConstraint("plan_id", "name", name="uq_ownership_capabilities_plan_name"),
                      {"info": {"label": "capability"}})

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    layer: Mapped[str] = mapped_column(String(8))
    #: systems it spans, one per line
    systems: Mapped[str] = mapped_column(Text, default="")
    #: who a problem escalates to: "" | "revenue_architect" | "squad:<id>" | a person's name
    escalation: Mapped[str] = mapped_column(String(200), default="")
    position: Mapped[int] = mapped_column(Integer, default=0)


class OwnershipAssignment(Versioned, Base):
    __tablename__ = "ownership_assignments"
    __table_args__ = {"info": {"label": "RACI letter"}}

    capability_id: Mapped[int] = mapped_column(
        ForeignKey("ownership_capabilities.id", ondelete="CASCADE"), primary_key=True)
    department_id: Mapped[int] = mapped_column(
        ForeignKey("ownership_departments.id", ondelete="CASCADE"), primary_key=True)
    letter: Mapped[str] = mapped_column(String(1))
