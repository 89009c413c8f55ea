"""The rule for one line of a stage map, in one place: the Audit page and its import
(``models.audit.store``) and ``ninety audit --stages`` (``models.audit.readers``) apply the
same one, so a map the app accepts is never refused by the command line, or the reverse.

A line has a status and a kind (``active``, ``queue`` or ``done``); its department is
required for an active or a queue status, where waits are charged to departments, and may
be blank for a done status (Live, Cancelled), which no figure charges to anybody.
"""
from __future__ import annotations

from models.audit.analysis import KINDS


def department_required(kind: str) -> bool:
    """An active or queue status needs its department; a done status does not."""
    return kind.strip().lower() != "done"


def stage_problems(status: str, department: str, kind: str) -> list[tuple[str, str]]:
    """What is wrong with one stage-map line, as (field, message) pairs; [] when it is fine."""
    problems = []
    if not status.strip():
        problems.append(("status", "missing status"))
    if not kind.strip():
        problems.append(("kind", "missing kind"))
    elif kind.strip().lower() not in KINDS:
        problems.append(("kind", f"bad kind '{kind.strip()}' (expected {', '.join(KINDS[:-1])} or {KINDS[-1]})"))
    elif department_required(kind) and not department.strip():
        kind = kind.strip().lower()
        article = "an" if kind[0] in "aeiou" else "a"
        problems.append(("department", f"missing department ({article} {kind} status needs one; "
                                       "only a done status may leave it blank)"))
    return problems
