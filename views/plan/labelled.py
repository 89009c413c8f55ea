"""Choices shown by a label but stored by a key: a step shows "Audit bottlenecks" and
stores "audit", a layer shows "Front of house" and stores "front".

The kit (``views.common``) offers a choice as its own text; the plan and the
ownership map need labels, in table cells, filters and the row dialog alike.
"""
from __future__ import annotations

from typing import Any, Mapping

from PySide6.QtWidgets import QComboBox, QWidget

from models.core.fields import Entity
from views.common.row_dialog import RowDialog


def keyed_combo(parent: QWidget | None, labels: Mapping[Any, str]) -> QComboBox:
    """A combo box showing each label, its key as the item's data."""
    combo = QComboBox(parent)
    for key, label in labels.items():
        combo.addItem(label, key)
    return combo


def pick(combo: QComboBox, key: Any) -> None:
    """Select the item whose key is *key* (the first when none is)."""
    combo.setCurrentIndex(max(combo.findData(key), 0))


class LabelledRowDialog(RowDialog):
    """The kit's row dialog, where the choice fields in *labels* (field key -> {choice: label})
    show their labels; ``values()`` still gives the choices themselves."""

    def __init__(self, entity: Entity, initial: dict[str, Any], *, labels: Mapping[str, Mapping[str, str]], **kw):
        super().__init__(entity, initial, **kw)
        self._labels = labels
        for key, names in labels.items():
            combo: QComboBox = self.editors[key]
            for i in range(combo.count()):
                choice = combo.itemText(i)
                combo.setItemData(i, choice)
                combo.setItemText(i, names.get(choice, choice))
        self._initial = self.values()

    def values(self) -> dict[str, Any]:
        values = super().values()
        for key in getattr(self, "_labels", {}):
            values[key] = self.editors[key].currentData()
        return values
