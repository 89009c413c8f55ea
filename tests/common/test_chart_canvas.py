"""The chart widget draws on its own thread: the GUI thread keeps running meanwhile."""
from __future__ import annotations

import threading
import time

from PySide6.QtCore import QTimer

from views.common.chart_canvas import LazyChartCanvas, wait_for_drawing


def slow_line(label: str, seconds: float = 0.0, calls: list | None = None):
    def draw(fig) -> None:
        if calls is not None:
            calls.append(label)
        time.sleep(seconds)
        ax = fig.add_subplot(111)
        ax.plot([0, 1, 2], [1, 3, 2])
        ax.set_title(label)
    return draw


def test_a_figure_draws_on_its_own_thread_while_the_gui_thread_runs(qtbot):
    chart = LazyChartCanvas(figsize=(6, 3))
    qtbot.addWidget(chart)
    chart.resize(600, 300)
    chart.show()
    qtbot.waitExposed(chart)
    gui_ticked = threading.Event()
    seen = {}

    def draw(fig):
        seen["thread"] = threading.current_thread()
        # the draw waits for a timer of the GUI thread: it returns True only if the GUI
        # thread kept handling events while this figure was being drawn
        seen["gui ran meanwhile"] = gui_ticked.wait(5)
        slow_line("slow")(fig)

    heartbeat = QTimer(interval=10)
    heartbeat.timeout.connect(lambda: "thread" in seen and gui_ticked.set())
    heartbeat.start()
    with qtbot.waitSignal(chart.drawn, timeout=10000):
        chart.plot(draw)
    heartbeat.stop()
    assert seen["thread"] is not threading.main_thread() and seen["gui ran meanwhile"]
    assert chart.figure.axes[0].get_title() == "slow"
    assert chart.drawn_with_data and not chart.busy


def test_a_hidden_chart_draws_only_when_shown(qtbot):
    calls: list[str] = []
    chart = LazyChartCanvas()
    qtbot.addWidget(chart)
    chart.plot(slow_line("first", calls=calls))
    wait_for_drawing()
    qtbot.wait(20)
    assert calls == [] and chart.figure is None and chart.busy
    with qtbot.waitSignal(chart.drawn, timeout=10000):
        chart.show()
    assert calls == ["first"] and chart.draw_count == 1


def test_only_the_newest_plot_reaches_the_screen(qtbot):
    chart = LazyChartCanvas()
    qtbot.addWidget(chart)
    chart.show()
    qtbot.waitExposed(chart)
    chart.plot(slow_line("old", 0.2))
    with qtbot.waitSignal(chart.drawn, timeout=10000):
        chart.plot(slow_line("new"))
    wait_for_drawing()
    qtbot.wait(50)
    assert chart.figure.axes[0].get_title() == "new" and chart.draw_count == 1


def test_a_chart_that_fails_says_so_in_its_place(qtbot, capsys):
    def broken(fig):
        raise ValueError("no data for week 3")
    chart = LazyChartCanvas()
    qtbot.addWidget(chart)
    chart.show()
    chart.plot(broken)
    wait_for_drawing()
    qtbot.waitUntil(lambda: not chart.busy, timeout=5000)
    assert chart.figure is None and "no data for week 3" in chart._message
    assert "ValueError" in capsys.readouterr().err  # logged with its traceback, not shown


def test_a_resize_draws_again_at_the_new_size(qtbot):
    chart = LazyChartCanvas()
    qtbot.addWidget(chart)
    chart.resize(400, 250)
    chart.show()
    with qtbot.waitSignal(chart.drawn, timeout=10000):
        chart.plot(slow_line("sized"))
    first = chart.figure.get_size_inches()
    with qtbot.waitSignal(chart.drawn, timeout=10000):
        chart.resize(800, 250)
    assert chart.figure.get_size_inches()[0] > first[0] * 1.8


def test_a_chart_resized_while_hidden_draws_again_when_shown(qtbot):
    chart = LazyChartCanvas()
    qtbot.addWidget(chart)
    chart.resize(400, 250)
    chart.show()
    with qtbot.waitSignal(chart.drawn, timeout=10000):
        chart.plot(slow_line("sized"))
    first = chart.figure.get_size_inches()
    chart.hide()
    chart.resize(800, 250)
    with qtbot.waitSignal(chart.drawn, timeout=10000):
        chart.show()
    assert chart.figure.get_size_inches()[0] > first[0] * 1.8 and chart.draw_count == 2
