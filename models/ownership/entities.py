"""The ownership map's fields, declared once: the service validates names and
layers with them and the capability dialog builds its form from them.

A name must also fit on one line, systems are a list and an escalation may
name a squad of the plan: ``models.ownership.service`` adds those rules.
"""
from __future__ import annotations

from models.core.fields import Entity, Field
from models.ownership.checks import LAYERS

NAME_LIMIT = 200
MAX_SYSTEMS = 20
LAYER_NAMES = {"front": "Front of house", "middle": "Middle of house", "back": "Back of house"}

DEPARTMENT = Entity("department", (
    Field("name", "department name", required=True, limit=NAME_LIMIT),
))

CAPABILITY = Entity("capability", (
    Field("name", "capability name", required=True, limit=NAME_LIMIT, help="e.g. Click and collect"),
    Field("layer", "layer", "choice", required=True, choices=LAYERS),
    # one line of text in a form; the service reads it as a list
    Field("systems", "systems", limit=MAX_SYSTEMS * (NAME_LIMIT + 2),
          help="Systems it spans, separated by commas (e.g. OMS, WMS)"),
    Field("escalation", "escalation", limit=NAME_LIMIT),
))
