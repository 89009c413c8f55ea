"""The low-code step's tables: settings, requests and the tool shortlist."""
from __future__ import annotations

from datetime import date

from sqlalchemy import Date, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from models.core.schema import Base
from models.core.versioning import Versioned


class LowcodeSettings(Versioned, Base):
    __tablename__ = "lowcode_settings"
    __table_args__ = {"info": {"label": "low-code target"}}

    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"), primary_key=True)
    target_share: Mapped[float] = mapped_column(default=0.8)


class LowcodeRequest(Versioned, Base):
    __tablename__ = "lowcode_requests"
    __table_args__ = {"info": {"label": "low-code request"}}

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


class LowcodeTool(Versioned, Base):
    __tablename__ = "lowcode_tools"
    __table_args__ = {"info": {"label": "low-code tool"}}

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    capability: Mapped[str] = mapped_column(String(50), default="other")
    owner: Mapped[str] = mapped_column(String(200), default="")
    trained: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[str] = mapped_column(String(16), default="evaluating")
