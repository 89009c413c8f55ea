"""Beside the RACI grid: the findings (each with what to do), the colour
legend, and the roles capabilities can escalate to."""
from __future__ import annotations

from typing import Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QPixmap
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QScrollArea, QVBoxLayout, QWidget

from models.ownership.service import EscalationChoice, OwnershipMap, escalation_label
from models.ownership.checks import Finding
from views.common.style import on_scheme_change, resolve, tone
from views.common.widgets import elided_label, plain_label
from views.ownership.grid import SEVERITY_ROLES, severity_colour

RULE_TITLES = {
    "no_accountable": "No A",
    "multiple_accountable": "More than one A",
    "no_responsible": "No R",
    "diffuse": "Everybody and nobody",
    "accountability_bottleneck": "Bottleneck by design",
}


NO_FINDINGS = ("No findings: every capability has one A and someone doing the work, "
               "and no department is a bottleneck.")
NOT_FILLED_IN = ("The map is not filled in yet. Select a cell and type R, A, C or I: who does the work, "
                 "who owns the outcome (one per capability), who is consulted, who is informed. "
                 "The checks start with the first letter.")


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
            on_scheme_change(swatch, lambda w, dark, sev=severity: w.setPixmap(
                _swatch(severity_colour(sev, strong=True, dark=dark))))
            swatch.setToolTip(tip)
            label = QLabel(text)
            label.setToolTip(tip)
            row.addWidget(swatch)
            row.addWidget(label)
            row.addSpacing(8)
        row.addWidget(elided_label("darker cells cause the finding", name="muted"), 1)
        row.addStretch(1)


def card_style(severity: str, dark: bool) -> str:
    """A finding's card: the surface with a thin border and a thick one in the severity's
    colour on the left; a ring in the highlight colour when it has the focus."""
    edge = resolve(SEVERITY_ROLES[severity], dark)
    return (f"QFrame#findingCard {{ border: 1px solid {resolve('grid', dark)}; border-left: 5px solid {edge}; "
            f"border-radius: 3px; background: {resolve('surface', dark)}; color: {resolve('text', dark)}; }}"
            f"QFrame#findingCard:focus {{ border: 1px solid {resolve('info', dark)}; border-left: 5px solid {edge}; }}"
            f"QLabel {{ border: none; background: transparent; color: {resolve('text', dark)}; }}")


class FindingCard(QFrame):
    """One finding: what is wrong and what to do. Click (or Enter) shows its cells."""

    activated = Signal()

    def __init__(self, finding: Finding, parent=None):
        super().__init__(parent)
        self.finding = finding
        self.setObjectName("findingCard")
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        on_scheme_change(self, lambda card, dark: card.setStyleSheet(card_style(card.finding.severity, dark)))
        self.title = QLabel(RULE_TITLES[finding.rule])
        self.title.setStyleSheet("font-weight: bold;")
        self.problem = QLabel(finding.problem)
        self.advice = QLabel("→ " + finding.advice)
        tone(self.advice, "info")
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
        self.empty = plain_label(name="muted")
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
        layout.addStretch(0)  # what there is sits at the top when there are no cards
        layout.addSpacing(6)
        layout.addWidget(roles_title)
        layout.addWidget(self.roles)
        self.findings: list[Finding] = []
        self.cards: list[FindingCard] = []

    def set_map(self, m: OwnershipMap, choices: Sequence[EscalationChoice]) -> None:
        self.findings = m.findings() if m.filled_in else []
        self.title.setText(f"Findings ({len(self.findings)})" if m.filled_in else "Findings")
        if not m.capabilities:
            self.one_a.setText("Add capabilities to check the map.")
        elif not m.filled_in:
            self.one_a.setText("")  # the text under it says it all
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
        self.one_a.setVisible(bool(self.one_a.text()))
        self.empty.setText(NOT_FILLED_IN if not m.filled_in else NO_FINDINGS)
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
