"""The plan itself (roadmap, phases, milestones): the root every other feature hangs off.

Its document keys, summary keys and checklist items are built in by
``models.plan.transfer``, ``summary`` and ``status``; here it adds its sheets.
"""
from models.core.feature import Feature
from models.plan.sheet import SHEETS

FEATURE = Feature(key="plan", label="Overview", sheets=SHEETS)
