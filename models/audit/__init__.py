"""Audit bottlenecks: transition-log analysis and log readers (pure Python).

``analysis`` computes the figures; ``readers`` turns CSV / xlsx / Jira JSON
files into :class:`Transition` lists and stage maps.  No Qt here.
"""

from .analysis import (
    INTAKE,
    KINDS,
    AuditResult,
    CumulativeFlow,
    HandoffFigure,
    Stage,
    StatusFigure,
    Transition,
    UnknownStatusError,
    analyse,
    cumulative_flow,
    median,
    percentile,
)
from .readers import (
    COMMON_DATE_FORMATS,
    FIELDS,
    REQUIRED_FIELDS,
    Cancelled,
    LogError,
    LogPreview,
    Problem,
    TransitionList,
    check_statuses,
    detect_date_formats,
    guess_mapping,
    preview,
    read_stage_map_csv,
    read_transitions,
)

__all__ = [
    "INTAKE",
    "KINDS",
    "AuditResult",
    "CumulativeFlow",
    "HandoffFigure",
    "Stage",
    "StatusFigure",
    "Transition",
    "UnknownStatusError",
    "analyse",
    "cumulative_flow",
    "median",
    "percentile",
    "COMMON_DATE_FORMATS",
    "FIELDS",
    "REQUIRED_FIELDS",
    "Cancelled",
    "LogError",
    "LogPreview",
    "Problem",
    "TransitionList",
    "check_statuses",
    "detect_date_formats",
    "guess_mapping",
    "preview",
    "read_stage_map_csv",
    "read_transitions",
]
