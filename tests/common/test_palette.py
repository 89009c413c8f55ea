"""Colour roles in light and dark, and charts that follow the scheme."""
from __future__ import annotations

import pytest
from matplotlib.colors import to_hex
from PySide6.QtGui import QColor, QGuiApplication, QPalette

from views.common.chart_canvas import LazyChartCanvas, render
from views.common.palette import ROLES, contrast, hex_of, is_dark

TEXT_ROLES = ("text", "muted", "ok", "warning", "danger", "info")


@pytest.mark.parametrize("dark", [False, True])
def test_text_roles_are_readable_on_the_surface_and_on_marked_rows(dark):
    surface = hex_of("surface", dark)
    for role in TEXT_ROLES:
        assert contrast(hex_of(role, dark), surface) >= 4.5, (role, dark)
    for bg in ("ok-bg", "warning-bg", "danger-bg"):
        assert contrast(hex_of("text", dark), hex_of(bg, dark)) >= 4.5, (bg, dark)


def test_every_role_has_a_light_and_a_dark_value():
    for role, (light, dark) in ROLES.items():
        assert QColor(light).isValid() and QColor(dark).isValid() and light != dark, role
    assert contrast("#000000", "#ffffff") == pytest.approx(21.0)


def dark_palette() -> QPalette:
    p = QPalette()
    for role, c in ((QPalette.ColorRole.Window, "#202326"), (QPalette.ColorRole.WindowText, "#e8e8e8"),
                    (QPalette.ColorRole.Base, "#1b1e21"), (QPalette.ColorRole.Text, "#e8e8e8")):
        p.setColor(role, QColor(c))
    return p


@pytest.fixture
def dark_app(qapp):
    before = QGuiApplication.palette()
    qapp.setPalette(dark_palette())
    yield qapp
    qapp.setPalette(before)


def test_the_palette_decides_when_the_platform_does_not_say(dark_app):
    assert is_dark() and not is_dark(QPalette(QColor("#f0f0f0")))


def test_a_dark_figure_has_dark_ground_and_light_text():
    def draw(fig):
        ax = fig.add_subplot(111)
        ax.plot([0, 1], [0, 1])
        ax.set_title("t")
    _image, fig = render(draw, 300, 200, dark=True)
    ax = fig.axes[0]
    assert to_hex(fig.get_facecolor()) == hex_of("surface", True)
    assert to_hex(ax.title.get_color()) == hex_of("text", True)
    assert contrast(to_hex(ax.xaxis.get_ticklabels()[0].get_color()), hex_of("surface", True)) >= 4.5
    _image, light = render(draw, 300, 200, dark=False)
    assert to_hex(light.get_facecolor()) == "#ffffff"


def test_a_shown_chart_draws_again_when_the_scheme_turns_dark(qtbot, qapp):
    chart = LazyChartCanvas()
    qtbot.addWidget(chart)
    chart.show()
    with qtbot.waitSignal(chart.drawn, timeout=10000):
        chart.plot(lambda fig: fig.add_subplot(111).plot([1, 2]))
    assert to_hex(chart.figure.get_facecolor()) == "#ffffff"
    before = QGuiApplication.palette()
    try:
        with qtbot.waitSignal(chart.drawn, timeout=10000):
            qapp.setPalette(dark_palette())
        assert to_hex(chart.figure.get_facecolor()) == hex_of("surface", True)
    finally:
        qapp.setPalette(before)
