"""Small widgets the step pages share: plain-text labels and headline figure cards.

Colours are roles (``views.common.palette``) that follow the light or dark scheme.
"""
from __future__ import annotations

from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import QComboBox, QFrame, QLabel, QSizePolicy, QVBoxLayout, QWidget

from views.common.style import on_scheme_change, resolve, tone

#: the colour of a figure that is neither good nor bad
NEUTRAL = "text"
#: label names whose text is secondary: shown in the "muted" role
MUTED_NAMES = ("muted", "cardCaption", "hint")


def plain_label(text: str = "", *, wrap: bool = True, name: str | None = None) -> QLabel:
    """A label that shows text exactly as typed (never as rich text)."""
    label = QLabel(text)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(wrap)
    if name:
        label.setObjectName(name)
        if name in MUTED_NAMES:
            tone(label, "muted")
    return label


def title_label(text: str) -> QLabel:
    """A panel's title: one line of plain text in bold (the checklist's, the recent changes')."""
    label = plain_label(text, wrap=False)
    font = label.font()
    font.setBold(True)
    label.setFont(font)
    return label


def panel_style(selector: str, dark: bool, border: str = "grid") -> str:
    """A panel's frame: the surface colour with a thin border, text in the text role.
    Child labels stay transparent, so they show the panel's ground."""
    return (f"{selector} {{ background: {resolve('surface', dark)}; color: {resolve('text', dark)}; "
            f"border: 1px solid {resolve(border, dark)}; border-radius: 4px; }}"
            f"{selector} QLabel {{ background: transparent; border: none; color: {resolve('text', dark)}; }}")


def panel(widget: QWidget, name: str) -> None:
    """Style *widget* (a QFrame) as a panel named *name*, in the current scheme and the next."""
    widget.setObjectName(name)
    on_scheme_change(widget, lambda w, dark: w.setStyleSheet(panel_style(f"#{name}", dark)))


class FigureCard(QFrame):
    """One headline figure: a big value over a caption. Long captions wrap, so a row of
    cards never makes the window wider."""

    def __init__(self, caption: str, parent=None):
        super().__init__(parent)
        panel(self, "figureCard")
        self.value = plain_label("–", wrap=False, name="cardValue")
        self.caption = plain_label(caption, wrap=True, name="cardCaption")
        self.caption.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.caption.setMinimumWidth(80)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 6, 10, 6)
        layout.setSpacing(1)
        layout.addWidget(self.value)
        layout.addWidget(self.caption)
        tone(self.value, NEUTRAL)

    def set(self, value: str, caption: str | None = None, colour: str = NEUTRAL, tip: str = "") -> None:
        """Show *value*; *colour* is a role ("ok", "danger"…) or a role's light hex."""
        self.value.setText(value)
        tone(self.value, colour)
        if caption is not None:
            self.caption.setText(caption)
            self.caption.setToolTip(caption)
        self.setToolTip(tip)


class ElidedLabel(QLabel):
    """One line of plain text cut with "…" to the width it is given (the whole text in its
    tooltip), so a long plan name never makes the window wider. ``text()`` is the whole text."""

    def __init__(self, text: str = "", parent=None):
        super().__init__(parent)
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self._full = ""
        self.setText(text)

    def text(self) -> str:  # noqa: D401 - Qt's name
        return self._full

    def setText(self, text: str) -> None:
        self._full = text
        self._elide()

    def minimumSizeHint(self):
        hint = super().minimumSizeHint()
        hint.setWidth(min(hint.width(), 60))
        return hint

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._elide()

    def changeEvent(self, event) -> None:
        super().changeEvent(event)
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange):
            self._elide()

    def _elide(self) -> None:
        shown = self.fontMetrics().elidedText(self._full, Qt.TextElideMode.ElideRight, max(self.width(), 40))
        QLabel.setText(self, shown)
        self.setToolTip(self._full if shown != self._full else "")


def elided_label(text: str = "", *, name: str | None = None) -> ElidedLabel:
    label = ElidedLabel(text)
    if name:
        label.setObjectName(name)
        if name in MUTED_NAMES:
            tone(label, "muted")
    return label


def compact_combo(combo: QComboBox, chars: int) -> QComboBox:
    """A combo box about *chars* characters wide whatever its items, its list as wide as
    its longest item: a long choice does not widen the row it sits in."""
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    combo.setMinimumContentsLength(chars)
    return wide_list(combo)


def wide_list(combo: QComboBox) -> QComboBox:
    """Open *combo*'s list as wide as its longest item, whatever the combo's own width."""
    fm = combo.fontMetrics()
    longest = max((fm.horizontalAdvance(combo.itemText(i)) for i in range(combo.count())), default=0)
    combo.view().setMinimumWidth(longest + 32)
    return combo
