"""What every feature's schema shares: the declarative base (the file's application id is in
``models.core.identity``).

Each feature declares its own tables in ``models/<feature>/schema.py`` on this
``Base``; importing a feature registers them (``desktop.features`` imports them all).

Alembic migrations in ``models/core/migrations/versions`` are the source of truth for
how a file reaches this shape; this module describes the head revision so the
services can query it. Views never see these classes: services hand out frozen
dataclasses (see ``models.plan.service``).
"""
from __future__ import annotations

from sqlalchemy.orm import DeclarativeBase

class Base(DeclarativeBase):
    pass
