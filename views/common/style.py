"""The look in the light or the dark scheme, from the colour roles of ``views.common.palette``.

Two layers:

- ``style_sheet(dark)``: the application's style sheet, ``resources/style.qss`` (sizes and
  fonts, no colour that depends on the scheme) followed by the rules whose colours come
  from the roles (muted text, panels, cards). ``follow_scheme(app, base)`` applies it and
  applies it again when the desktop switches between light and dark.
- Widgets that colour themselves (a checklist's marks, a card's value, a finding's
  border) register a restyle function with ``on_scheme_change``; ``tone`` colours one
  label's text by role. Both run again on every switch, so nothing keeps the colours of
  the scheme it was drawn in (a light background under light text).

A switch is seen from ``QStyleHints.colorSchemeChanged`` and from the application's
palette changing (platforms that only change the palette, and tests that set one).
"""
from __future__ import annotations

from typing import Callable

import shiboken6

from PySide6.QtCore import QEvent, QObject, Signal
from PySide6.QtGui import QColor, QGuiApplication
from PySide6.QtWidgets import QWidget

from views.common.palette import ROLES, hex_of, is_dark

#: light value of a role -> the role: a colour given as the light hex of a role
#: (older code: "#2e7d32") follows the scheme like the role itself
_BY_LIGHT = {light.lower(): role for role, (light, _dark) in ROLES.items()}


def resolve(colour: str, dark: bool | None = None) -> str:
    """The hex colour for *colour* in the scheme: a role name, a role's light value, or any
    other colour (returned as given)."""
    dark = is_dark() if dark is None else dark
    role = colour if colour in ROLES else _BY_LIGHT.get(colour.lower())
    return hex_of(role, dark) if role is not None else colour


def mix(role: str, over: str, share: float, dark: bool | None = None) -> str:
    """*share* of the colour of *role* laid over the colour of the role *over*: a tint
    (a cell that marks a problem) that stays a tint in both schemes."""
    a, b = QColor(resolve(role, dark)), QColor(resolve(over, dark))
    blend = [round(x * share + y * (1 - share)) for x, y in ((a.red(), b.red()), (a.green(), b.green()),
                                                              (a.blue(), b.blue()))]
    return QColor(*blend).name()


def _rules(dark: bool) -> str:
    def c(role: str) -> str:
        return hex_of(role, dark)
    return f"""
QLabel#muted, QLabel#cardCaption, QLabel#hint, QLabel#emptyState {{ color: {c("muted")}; }}
"""


def style_sheet(dark: bool, base: str = "") -> str:
    """The application's style sheet in the light or the dark scheme: *base* (the text of
    ``resources/style.qss``) followed by the rules coloured by role."""
    return base + _rules(dark)


class _Scheme(QObject):
    """Watches for a switch between light and dark and tells whoever registered."""

    changed = Signal(bool)

    def __init__(self, app: QGuiApplication):
        super().__init__(app)
        self.dark = is_dark()
        #: the text of resources/style.qss once ``follow_scheme`` took the sheet over
        self.base: str | None = None
        self._restylers: list[tuple[QWidget, Callable[[QWidget, bool], None]]] = []
        self._pruned_at = 0
        app.installEventFilter(self)
        app.styleHints().colorSchemeChanged.connect(lambda _scheme: self.check())

    def eventFilter(self, obj, event) -> bool:
        if obj is self.parent() and event.type() == QEvent.Type.ApplicationPaletteChange:
            self.check()
        return False

    def check(self) -> None:
        dark = is_dark()
        if dark == self.dark:
            return
        self.dark = dark
        app = self.parent()
        if self.base is not None:
            app.setStyleSheet(style_sheet(dark, self.base))
        elif app.styleSheet():
            # widgets under a style sheet keep the palette they were polished with: polish again
            app.setStyleSheet(app.styleSheet())
        self._prune()
        for widget, restyle in self._restylers:
            restyle(widget, dark)
        self.changed.emit(dark)

    def register(self, widget: QWidget, restyle: Callable[[QWidget, bool], None]) -> None:
        self._restylers.append((widget, restyle))
        if len(self._restylers) > 2 * self._pruned_at + 64:
            self._prune()

    def _prune(self) -> None:
        """Forget widgets whose C++ side is gone."""
        self._restylers = [(w, r) for w, r in self._restylers if shiboken6.isValid(w)]
        self._pruned_at = len(self._restylers)


_SCHEME: _Scheme | None = None


def scheme() -> _Scheme | None:
    """The one watcher (created with the application; None before there is one)."""
    global _SCHEME
    app = QGuiApplication.instance()
    if app is None:
        return None
    if _SCHEME is None or _SCHEME.parent() is not app:
        _SCHEME = _Scheme(app)
    return _SCHEME


def on_scheme_change(widget: QWidget, restyle: Callable[[QWidget, bool], None]) -> None:
    """Call ``restyle(widget, dark)`` now and after every switch of scheme while *widget* lives."""
    watcher = scheme()
    restyle(widget, is_dark())
    if watcher is not None:
        watcher.register(widget, restyle)


def tone(widget: QWidget, colour: str, extra: str = "") -> None:
    """Colour *widget*'s text by role (or by a role's light hex), in every scheme;
    *extra* is more style for the same widget ("font-weight: bold;")."""
    first = getattr(widget, "_ninety_tone", None) is None
    widget._ninety_tone = (colour, extra)
    if first:
        on_scheme_change(widget, _apply_tone)
    else:
        _apply_tone(widget, is_dark())


def _apply_tone(widget: QWidget, dark: bool) -> None:
    colour, extra = widget._ninety_tone
    widget.setStyleSheet(f"color: {resolve(colour, dark)}; {extra}" if colour else extra)


def follow_scheme(app: QGuiApplication, base: str = "") -> None:
    """Give *app* the style sheet of its scheme, and the other one's when it switches."""
    watcher = scheme()
    watcher.base = base
    app.setStyleSheet(style_sheet(is_dark(), base))
