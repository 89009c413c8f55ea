"""Beside the RACI grid: the findings (each with what to do), the colour
legend, and the roles capabilities can escalate to."""
from __future__ import annotations

from typing import Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QPixmap
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QScrollArea, QVBoxLayout, QWidget

from models.ownership.service import EscalationChoice, OwnershipMap, escalation_label
from models.ownership.checks import Finding
from views.ownership.grid import SEVERITY_COLOURS

RULE_TITLES = {
    "no_accountable": "No A",
    "multiple_accountable": "More than one A",
    "no_responsible": "No R",
    "diffuse": "Everybody and nobody",
    "accountability_bottleneck": "Bottleneck by design",
}


def _swatch(colour: str, size: int = 12) -> QPixmap:
    pix = QPixmap(size, size)
    pix.fill(QColor(colour))
    return pix


def finding_text(f: Finding) -> str:
    """Plain text for one finding: what is wrong, then what to do."""
    return f"{RULE_TITLES[f.rule]}: {f.problem}\n→ {f.advice}"


class LegendWidget(QWidget):
    """What the tints in the grid mean (short, so the page fits a laptop screen)."""

    def __init__(self, parent=None):
        super().__init__(parent)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(4)
        for severity, text, tip in (
                ("error", "Problem", "No A, more than one A, or no R"),
                ("warning", "Warning", "Work spread over 3 or more departments, or a department "
                                       "accountable for more than half of a layer")):
            swatch = QLabel()
            swatch.setPixmap(_swatch(SEVERITY_COLOURS[severity][1]))
            swatch.setToolTip(tip)
            label = QLabel(text)
            label.setToolTip(tip)
            row.addWidget(swatch)
            row.addWidget(label)
            row.addSpacing(8)
        note = QLabel("darker cells cause the finding")
        note.setObjectName("muted")
        row.addWidget(note)
        row.addStretch(1)


class FindingCard(QFrame):
    """One finding: what is wrong and what to do. Click (or Enter) shows its cells."""

    activated = Signal()

    def __init__(self, finding: Finding, parent=None):
        super().__init__(parent)
        self.finding = finding
        self.setObjectName("findingCard")
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        colour = SEVERITY_COLOURS[finding.severity][1]
        self.setStyleSheet(
            f"QFrame#findingCard {{ border: 1px solid #d8dee4; border-left: 5px solid {colour}; "
            "border-radius: 3px; background: #ffffff; }"
            f"QFrame#findingCard:focus {{ border: 1px solid #3d5a75; border-left: 5px solid {colour}; }}"
            "QLabel { border: none; background: transparent; }")
        self.title = QLabel(RULE_TITLES[finding.rule])
        self.title.setStyleSheet("font-weight: bold;")
        self.problem = QLabel(finding.problem)
        self.advice = QLabel("→ " + finding.advice)
        self.advice.setStyleSheet("color: #2f4f6f;")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 5, 6, 6)
        layout.setSpacing(2)
        for label in (self.title, self.problem, self.advice):
            label.setTextFormat(Qt.TextFormat.PlainText)  # names come from the user
            label.setWordWrap(True)
            layout.addWidget(label)
        self.setToolTip("Click to show the cells in the grid")

    def text(self) -> str:
        return finding_text(self.finding)

    def mousePressEvent(self, event) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self.setFocus()
            self.activated.emit()
            event.accept()
            return
        super().mousePressEvent(event)

    def keyPressEvent(self, event) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Space):
            self.activated.emit()
            event.accept()
            return
        super().keyPressEvent(event)


class FindingsPanel(QFrame):
    """Findings as cards; activating one asks the page to show its cells."""

    #: (capability name or "", department name or "")
    findingActivated = Signal(str, str)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("findingsPanel")
        self.title = QLabel()
        self.title.setStyleSheet("font-weight: bold; font-size: 14px;")
        self.one_a = QLabel()
        self.one_a.setTextFormat(Qt.TextFormat.PlainText)
        self.one_a.setWordWrap(True)
        self._cards_box = QWidget()
        self._cards_layout = QVBoxLayout(self._cards_box)
        self._cards_layout.setContentsMargins(0, 0, 4, 0)
        self._cards_layout.setSpacing(6)
        self._cards_layout.addStretch(1)
        self.scroll = QScrollArea()
        self.scroll.setObjectName("findingsList")
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.scroll.setWidget(self._cards_box)
        self.empty = QLabel("No findings: every capability has one A and someone doing the work, "
                            "and no department is a bottleneck.")
        self.empty.setWordWrap(True)
        self.empty.setObjectName("muted")
        roles_title = QLabel("Escalation roles")
        roles_title.setStyleSheet("font-weight: bold; font-size: 14px;")
        self.roles = QLabel()
        self.roles.setTextFormat(Qt.TextFormat.PlainText)
        self.roles.setWordWrap(True)
        self.roles.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 0, 0, 0)
        layout.addWidget(self.title)
        layout.addWidget(self.one_a)
        layout.addWidget(self.scroll, 1)
        layout.addWidget(self.empty)
        layout.addSpacing(6)
        layout.addWidget(roles_title)
        layout.addWidget(self.roles)
        self.findings: list[Finding] = []
        self.cards: list[FindingCard] = []

    def set_map(self, m: OwnershipMap, choices: Sequence[EscalationChoice]) -> None:
        self.findings = m.findings()
        self.title.setText(f"Findings ({len(self.findings)})")
        if not m.capabilities:
            self.one_a.setText("Add capabilities to check the map.")
        elif m.every_capability_has_one_a():
            self.one_a.setText("✔ Every capability has exactly one A.")
        else:
            caps, depts, cells = m.check_input()
            wrong = sum(1 for c in caps if sum(cells.get((c.name, d)) == "A" for d in depts) != 1)
            self.one_a.setText(f"✘ {wrong} of {len(caps)} capabilities do not have exactly one A.")
        for card in self.cards:
            self._cards_layout.removeWidget(card)
            card.deleteLater()
        self.cards = []
        for f in self.findings:
            card = FindingCard(f)
            card.activated.connect(lambda f=f: self.findingActivated.emit(f.capability or "", f.department or ""))
            self._cards_layout.insertWidget(self._cards_layout.count() - 1, card)
            card.show()  # at once, not on the layout's queued show, so the panel never flashes empty
            self.cards.append(card)
        self.scroll.setVisible(bool(self.findings))
        self.empty.setVisible(not self.findings and bool(m.capabilities))
        self.roles.setText(self._roles_text(m, choices))

    @staticmethod
    def _roles_text(m: OwnershipMap, choices: Sequence[EscalationChoice]) -> str:
        lines = []
        for choice in choices:
            if not choice.value:
                continue
            names = [c.name for c in m.capabilities if c.escalation == choice.value]
            lines.append(f"{choice.label}: " + (", ".join(names) if names else "no capability yet"))
        people: dict[str, list[str]] = {}
        known = {c.value for c in choices}
        for c in m.capabilities:
            if c.escalation and c.escalation not in known:
                people.setdefault(escalation_label(c.escalation, choices), []).append(c.name)
        for person, names in people.items():
            lines.append(f"{person}: " + ", ".join(names))
        unset = sum(1 for c in m.capabilities if not c.escalation)
        if unset:
            lines.append(f"{unset} capabilities escalate to nobody yet (double-click “Escalates to”).")
        return "\n".join(lines)
