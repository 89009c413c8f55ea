"""What the log readers report: one :class:`Problem` per thing wrong with an
input file, gathered into one :class:`LogError` (reading is all or nothing)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Mapping

__all__ = ["MAX_SHOWN_PROBLEMS", "Problem", "LogError", "MappingNeeded", "Cancelled", "file_name"]

MAX_SHOWN_PROBLEMS = 20


def file_name(path: str | Path) -> str:
    """The name a message shows for a file (its last part)."""
    return Path(path).name or str(path)


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input file.

    ``line`` is the physical line (CSV, header = 1), the sheet row (xlsx) or,
    for Jira JSON, the line where the issue's key stands; ``item`` names the
    Jira issue, whose ``column`` is a JSON field.
    """

    file: str
    line: int | None
    column: str | None
    value: str | None
    message: str
    item: str | None = None

    def __str__(self) -> str:
        parts = [self.file]
        if self.line is not None:
            parts.append(f"line {self.line}")
        if self.item is not None:
            parts.append(f"issue {self.item}")
        if self.column is not None:
            parts.append(f"{'field' if self.item is not None else 'column'} '{self.column}'")
        return ", ".join(parts) + ": " + self.message


class LogError(Exception):
    """Reading failed; ``problems`` lists everything that was wrong."""

    def __init__(self, problems: Iterable[Problem]):
        self.problems: list[Problem] = list(problems)
        super().__init__(self.problems)

    def __str__(self) -> str:
        shown = [str(p) for p in self.problems[:MAX_SHOWN_PROBLEMS]]
        extra = len(self.problems) - MAX_SHOWN_PROBLEMS
        if extra > 0:
            shown.append(f"and {extra} more")
        return "\n".join(shown)


class MappingNeeded(LogError):
    """Several columns could hold a field and none was chosen: the reader will
    not guess.  ``choices`` maps each such field to its candidate columns."""

    def __init__(self, problems: Iterable[Problem], choices: Mapping[str, tuple[str, ...]]):
        super().__init__(problems)
        self.choices: dict[str, tuple[str, ...]] = dict(choices)


class Cancelled(Exception):
    """``is_cancelled()`` returned true while reading."""
