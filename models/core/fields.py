"""A field declared once: what it is called, what it holds and which values it takes.

A feature declares each entity (a check-in, a member, a request…) as an
``Entity`` of ``Field``s. The declaration drives the service's validation
(``Entity.clean``), plan dump/load (``Entity.dump`` / ``Entity.load``), and in
``views.common.rows`` the table column, its editor and the row dialog. A range
or a list of choices therefore lives in one place. Plain Python, no Qt.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, fields as dc_fields
from datetime import date
from typing import Any, Mapping

from models.core.validation import PlanError, clean_date, clean_text

KINDS = ("text", "longtext", "int", "float", "percent", "date", "choice", "bool")
NUMBERS = ("int", "float", "percent")
#: default length limits per text kind (a Field's ``limit`` overrides them)
TEXT_LIMITS = {"text": 200, "longtext": 5000}


class FieldError(PlanError):
    """A refused value, with the key of the field it was typed into (load names the path)."""

    def __init__(self, key: str, message: str):
        super().__init__(message)
        self.key = key


@dataclass(frozen=True)
class Field:
    key: str
    #: how messages name the field ("confidence must be from 0 to 10")
    label: str
    kind: str = "text"
    #: a value must be given: blank text or None is refused, and a document must hold the key
    required: bool = False
    #: None is allowed (numbers, dates and choices; text is "" when empty)
    optional: bool = False
    low: float | None = None
    high: float | None = None
    #: the allowed values of a choice; for text, suggestions only
    choices: tuple[str, ...] = ()
    help: str = ""
    limit: int | None = None
    #: column header and dialog caption; the label, capitalised, when empty
    title: str = ""
    editable: bool = True
    width: int = 120

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown field kind {self.kind!r}")

    @property
    def caption(self) -> str:
        return self.title or self.label[:1].upper() + self.label[1:]

    @property
    def ranged(self) -> bool:
        return self.low is not None and self.high is not None

    # ----------------------------------------------------------------- cleaning
    def clean(self, value: Any) -> Any:
        """The stored form of *value*, or ``PlanError`` with a message naming the label."""
        kind, label = self.kind, self.label
        if kind in TEXT_LIMITS:
            limit = self.limit if self.limit is not None else TEXT_LIMITS[kind]
            return clean_text(value, label, required=self.required, limit=limit)
        if value is None or (isinstance(value, str) and not value.strip()):
            if self.optional and not self.required:
                return None
            if kind == "date":
                return clean_date(value, label)
            raise PlanError(f"{label} is required")
        if kind == "date":
            return clean_date(value, label)
        if kind == "choice":
            if value not in self.choices:
                raise PlanError(f"{label} must be one of {', '.join(self.choices)}, not {value!r}")
            return value
        if kind == "bool":
            if not isinstance(value, (bool, int)) or value not in (0, 1):
                raise PlanError(f"{label} must be true or false, not {value!r}")
            return bool(value)
        if kind == "int":
            return self._whole(value)
        return self._number(value)

    def _whole(self, value: Any) -> int:
        label, low, high = self.label, self.low, self.high
        span = f" from {low:g} to {high:g}" if self.ranged else ""
        try:
            if isinstance(value, bool):
                raise TypeError
            number = int(value)
        except (TypeError, ValueError):
            raise PlanError(f"{label} must be a whole number{span}, not {value!r}") from None
        if number != value and not isinstance(value, str):
            raise PlanError(f"{label} must be a whole number{span}, not {value!r}")
        if self.ranged and not low <= number <= high:
            raise PlanError(f"{label} must be from {low:g} to {high:g}, not {number}")
        return number

    def _number(self, value: Any) -> float:
        label = self.label
        if isinstance(value, bool):
            raise PlanError(f"{label} must be a number, not {value!r}")
        try:
            number = float(value.strip().replace(",", ".") if isinstance(value, str) else value)
        except (TypeError, ValueError):
            raise PlanError(f"{label} must be a number, not {value!r}") from None
        if not math.isfinite(number):
            raise PlanError(f"{label} must be a finite number")
        if self.ranged and not self.low <= number <= self.high:
            unit = " %" if self.kind == "percent" else ""
            raise PlanError(f"{label} must be between {self.low:g} and {self.high:g}{unit}, not {number:g}")
        return number

    # ----------------------------------------------------------------- documents (JSON)
    def dump(self, value: Any) -> Any:
        return value.isoformat() if isinstance(value, date) else value

    def load(self, raw: Any) -> Any:
        """A value read from a JSON document: its JSON type is checked first, then ``clean``."""
        kind = self.kind
        if raw is None and (self.optional or kind in TEXT_LIMITS):
            return self.clean(raw)
        if kind in TEXT_LIMITS and not isinstance(raw, str):
            raise PlanError("must be text")
        if kind in TEXT_LIMITS and self.required and not raw.strip():
            raise PlanError("must not be empty")
        if kind == "date":
            if not isinstance(raw, str):
                raise PlanError("must be a date YYYY-MM-DD")
            try:
                day = date.fromisoformat(raw)
            except ValueError:
                raise PlanError(f"{raw!r} is not a date YYYY-MM-DD") from None
            return self.clean(day)  # within the range every entry point accepts
        if kind == "choice" and raw not in self.choices:
            raise PlanError(f"{raw!r} is not one of {', '.join(self.choices)}")
        if kind == "bool" and not isinstance(raw, bool):
            raise PlanError("must be true or false")
        if kind == "int" and (not isinstance(raw, int) or isinstance(raw, bool)):
            raise PlanError("must be a whole number")
        if kind in ("float", "percent") and (isinstance(raw, bool) or not isinstance(raw, (int, float))):
            raise PlanError("must be a number")
        return self.clean(raw)


@dataclass(frozen=True)
class Entity:
    """A kind of row: its name in messages ("check-in") and its fields, in display order."""

    name: str
    fields: tuple[Field, ...]

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(f.key for f in self.fields)

    @property
    def required_keys(self) -> tuple[str, ...]:
        return tuple(f.key for f in self.fields if f.required)

    def field(self, key: str) -> Field:
        for f in self.fields:
            if f.key == key:
                return f
        raise PlanError(f"unknown {self.name} field {key!r}")

    def clean(self, changes: Mapping[str, Any]) -> dict[str, Any]:
        """Each value cleaned by its field, in the order given; the first refusal raises
        ``FieldError`` (a ``PlanError``) naming the field."""
        out = {}
        for key, value in changes.items():
            f = self.field(key)
            try:
                out[key] = f.clean(value)
            except FieldError:
                raise
            except PlanError as exc:
                raise FieldError(key, str(exc)) from None
        return out

    def clean_all(self, source: Any) -> dict[str, Any]:
        """Every field, read from a mapping or an object (a draft dataclass), cleaned."""
        return self.clean(self.values_of(source))

    def values_of(self, source: Any) -> dict[str, Any]:
        if isinstance(source, Mapping):
            return {k: source.get(k) for k in self.keys}
        return {k: getattr(source, k) for k in self.keys}

    # ----------------------------------------------------------------- rows and documents
    def to_dict(self, row: Any) -> dict[str, Any]:
        """The declared fields of a frozen dataclass row (its ``id`` and parent left out)."""
        return {k: getattr(row, k) for k in self.keys}

    def from_dict(self, cls: type, values: Mapping[str, Any], **extra: Any):
        """A *cls* dataclass built from *values* and *extra* (``id``, the parent id)."""
        names = {f.name for f in dc_fields(cls)}
        return cls(**{k: v for k, v in {**values, **extra}.items() if k in names})

    def dump(self, row: Any) -> dict[str, Any]:
        """A row as JSON-ready values (dates as ISO text), in field order."""
        return {f.key: f.dump(getattr(row, f.key)) for f in self.fields}

    def load(self, doc: Mapping[str, Any]) -> dict[str, Any]:
        """The fields present in a JSON object, type-checked and cleaned; a refusal
        raises ``FieldError`` whose ``key`` names the field."""
        out = {}
        for f in self.fields:
            if f.key in doc:
                try:
                    out[f.key] = f.load(doc[f.key])
                except PlanError as exc:
                    raise FieldError(f.key, str(exc)) from None
        return out
