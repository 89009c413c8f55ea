"""The status-pack export log."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, DateTime, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from models.core.schema import Base


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
