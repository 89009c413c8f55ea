"""The dialog for adding or editing a capability of the ownership map: the kit's row
dialog over the declared capability fields, layers shown by their names."""
from __future__ import annotations

from models.ownership.entities import CAPABILITY, LAYER_NAMES
from models.ownership.service import CapabilityInfo
from views.plan.labelled import LabelledRowDialog


class CapabilityDialog(LabelledRowDialog):
    def __init__(self, capability: CapabilityInfo | None = None, layer: str = "middle", parent=None):
        initial = ({"name": capability.name, "layer": capability.layer, "systems": ", ".join(capability.systems)}
                   if capability else {"layer": layer})
        super().__init__(CAPABILITY, initial, title="Edit capability" if capability else "Add capability",
                         keys=("name", "layer", "systems"), labels={"layer": LAYER_NAMES}, parent=parent)
