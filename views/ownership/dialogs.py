"""The dialog for adding or editing a capability of the ownership map."""
from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QDialog, QDialogButtonBox, QFormLayout, QLineEdit

from models.ownership.service import LAYER_NAMES, CapabilityInfo
from models.ownership.checks import LAYERS


class CapabilityDialog(QDialog):
    def __init__(self, capability: CapabilityInfo | None = None, layer: str = "middle", parent=None):
        super().__init__(parent)
        self.setWindowTitle("Edit capability" if capability else "Add capability")
        form = QFormLayout(self)
        self.name = QLineEdit(capability.name if capability else "")
        self.name.setPlaceholderText("e.g. Click and collect")
        self.layer = QComboBox()
        for key in LAYERS:
            self.layer.addItem(LAYER_NAMES[key], key)
        self.layer.setCurrentIndex(LAYERS.index(capability.layer if capability else layer))
        self.systems = QLineEdit(", ".join(capability.systems) if capability else "")
        self.systems.setPlaceholderText("Systems it spans, separated by commas (e.g. OMS, WMS)")
        form.addRow("&Name", self.name)
        form.addRow("&Layer", self.layer)
        form.addRow("&Systems", self.systems)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        self._ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.name.textChanged.connect(lambda t: self._ok.setEnabled(bool(t.strip())))
        self._ok.setEnabled(bool(self.name.text().strip()))
        self.resize(420, self.sizeHint().height())

    def values(self) -> dict:
        return {"name": self.name.text().strip(), "layer": self.layer.currentData(),
                "systems": self.systems.text()}
