"""Parts of the plan document (``plan dump``/``load``) that every feature shares.

A feature owns one top-level key of the document through a ``Section``;
``DocReader`` validates values so every error names the field path.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, Callable

from sqlalchemy.orm import Session

from models.core.validation import PlanError, check_day


class TransferError(PlanError):
    pass


@dataclass(frozen=True)
class Section:
    """A part of the document owned by one feature (audit, squad, low-code, ownership…).

    ``dump(session, plan_id, keep_ids)`` returns JSON-ready data, or None when the
    plan has none (the key is then left out). ``load(session, plan_id, value, reader,
    keep_ids)`` stores it inside the load's transaction and raises through
    ``reader.fail(where, message)``. With ``keep_ids`` (undo snapshots only) rows
    carry their database ids and must be restored with them.
    """

    key: str
    dump: Callable[[Session, int, bool], Any]
    load: Callable[[Session, int, Any, "DocReader", bool], None]


class DocReader:
    """Validates a document's values; every error names the field path."""

    def __init__(self, source: str):
        self.source = source

    def fail(self, where: str, message: str) -> TransferError:
        return TransferError(f"{self.source}: {where}: {message}")

    def obj(self, value: Any, where: str, keys: tuple[str, ...], required: tuple[str, ...]) -> dict:
        if not isinstance(value, dict):
            raise self.fail(where, "must be an object")
        unknown = sorted(set(value) - set(keys))
        if unknown:
            raise self.fail(where, f"unknown field {unknown[0]!r}")
        for key in required:
            if key not in value:
                raise self.fail(f"{where}.{key}", "is missing")
        return value

    def text(self, d: dict, key: str, where: str, *, required: bool = False) -> str:
        value = d.get(key, "")
        if value is None:
            value = ""
        if not isinstance(value, str):
            raise self.fail(f"{where}.{key}", "must be text")
        if required and not value.strip():
            raise self.fail(f"{where}.{key}", "must not be empty")
        return value

    def day(self, d: dict, key: str, where: str, *, optional: bool = False) -> date | None:
        value = d.get(key)
        if value is None and optional:
            return None
        if not isinstance(value, str):
            raise self.fail(f"{where}.{key}", "must be a date YYYY-MM-DD")
        try:
            return check_day(date.fromisoformat(value), "the date")
        except PlanError as exc:
            raise self.fail(f"{where}.{key}", str(exc)) from None
        except ValueError:
            raise self.fail(f"{where}.{key}", f"{value!r} is not a date YYYY-MM-DD") from None

    def choice(self, d: dict, key: str, where: str, options: tuple[str, ...]) -> str:
        value = d.get(key)
        if value not in options:
            raise self.fail(f"{where}.{key}", f"{value!r} is not one of {', '.join(options)}")
        return value

    def integer(self, d: dict, key: str, where: str) -> int:
        value = d.get(key)
        if not isinstance(value, int) or isinstance(value, bool):
            raise self.fail(f"{where}.{key}", "must be a whole number")
        return value
