"""Colours by role, each with a light and a dark value.

Widgets and charts ask for a role ("danger", "muted", "grid"…) instead of a hex
colour, so a page stays readable when the desktop switches to a dark scheme.
Whether the scheme is dark comes from ``QStyleHints.colorScheme()``; where the
platform does not say (offscreen, some X11 desktops) the window colour of the
palette decides.
"""
from __future__ import annotations

from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtCore import Qt

#: role -> (light, dark). Text roles keep a WCAG contrast of at least 4.5 against
#: "surface" in both schemes (tests/common/test_palette.py checks it).
ROLES: dict[str, tuple[str, str]] = {
    "text": ("#212121", "#e8e8e8"),
    "muted": ("#5f5f5f", "#a9a9a9"),
    "surface": ("#ffffff", "#1e2226"),
    "grid": ("#e0e0e0", "#3b4147"),
    "ok": ("#2e7d32", "#81c784"),
    "warning": ("#a15c00", "#ffb74d"),
    "danger": ("#c62828", "#ef8a8a"),
    "info": ("#1565c0", "#8ab8f0"),
    # backgrounds that mark a row or a card (text on them uses "text")
    "ok-bg": ("#e8f5e9", "#1f3322"),
    "warning-bg": ("#fff4e0", "#3b2f17"),
    "danger-bg": ("#fdecea", "#3d2020"),
    # chart series
    "series-1": ("#1565c0", "#7fb2ee"),
    "series-2": ("#d9893b", "#f0aa66"),
    "series-3": ("#6a1b9a", "#c792ea"),
    "series-4": ("#37474f", "#b0bec5"),
    "neutral": ("#90a4ae", "#78909c"),
}


def is_dark(palette: QPalette | None = None) -> bool:
    """The desktop's colour scheme is dark (or, if it does not say, the palette is)."""
    app = QGuiApplication.instance()
    if app is not None and palette is None:
        scheme = QGuiApplication.styleHints().colorScheme()
        if scheme == Qt.ColorScheme.Dark:
            return True
        if scheme == Qt.ColorScheme.Light:
            return False
    if palette is None:
        if app is None:
            return False
        palette = QGuiApplication.palette()
    return palette.color(QPalette.ColorRole.Window).lightness() < 128


def hex_of(role: str, dark: bool) -> str:
    light, dark_value = ROLES[role]
    return dark_value if dark else light


def color(role: str, dark: bool | None = None) -> QColor:
    return QColor(hex_of(role, is_dark() if dark is None else dark))


def contrast(a: str | QColor, b: str | QColor) -> float:
    """WCAG 2 contrast ratio of two colours (1 to 21)."""
    def luminance(c: QColor) -> float:
        def channel(v: float) -> float:
            return v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4
        return 0.2126 * channel(c.redF()) + 0.7152 * channel(c.greenF()) + 0.0722 * channel(c.blueF())
    la, lb = sorted((luminance(QColor(a)), luminance(QColor(b))), reverse=True)
    return (la + 0.05) / (lb + 0.05)
