"""Native charts in the status pack's look: one font (``FONT``), short 12-point titles, axes
shown with level labels, legends below, bar charts with lines over them.

The charts are drawn from ``ChartData`` (rows a ``PackSheet`` writes below its print area)."""
from __future__ import annotations

import math
from typing import Any, Callable, Sequence

from models.core.cells import clean_text
from models.core.sheet import FONT, ChartData

def chart_text(size: float = 9, *, bold: bool = False, rot: int | None = None):
    """Text properties in the pack's font, for a chart's axis labels or legend (*rot* 0 keeps labels level)."""
    from openpyxl.chart.text import RichText
    from openpyxl.drawing.text import Paragraph, ParagraphProperties, RichTextProperties

    props = _char_props(size, bold)
    body = RichTextProperties(rot=rot, vert="horz") if rot is not None else RichTextProperties()
    return RichText(bodyPr=body, p=[Paragraph(pPr=ParagraphProperties(defRPr=props), endParaRPr=props)])


def chart_title(text: str, size: float = 12):
    """A title in the pack's font, *size* points: short, so it leaves the chart its room."""
    from openpyxl.chart.text import RichText, Text
    from openpyxl.chart.title import Title
    from openpyxl.drawing.text import Paragraph, ParagraphProperties, RegularTextRun

    props = _char_props(size, True)
    para = Paragraph(pPr=ParagraphProperties(defRPr=props), r=[RegularTextRun(rPr=props, t=clean_text(text))])
    return Title(tx=Text(rich=RichText(p=[para])), overlay=False)


def _char_props(size: float, bold: bool):
    from openpyxl.drawing.text import CharacterProperties, Font

    return CharacterProperties(sz=int(size * 100), b=bold, latin=Font(typeface=FONT))


def style_chart(chart, title: str, *, x_title: str | None = None, y_title: str | None = None,
                legend: bool = True, axes: Sequence[Any] = ()):
    """The pack's look: a short 12-pt title, 9-pt axes and legend in ``FONT``, axes shown, legend below."""
    chart.title = chart_title(title)
    for axis, name in ((chart.x_axis, x_title), (chart.y_axis, y_title), *((a, None) for a in axes)):
        axis.delete = False
        axis.txPr = chart_text(rot=0)
        if name:
            axis.title = chart_title(name, 9)
    if legend:
        chart.legend.position = "b"
        chart.legend.txPr = chart_text()
    else:
        chart.legend = None
    return chart


def thin_labels(axis, count: int, most: int = 14) -> None:
    """Ask for every n-th category's label, so that at most *most* sit level on the axis (Excel
    follows this; LibreOffice does not: give it ``sparse_labels`` as the categories)."""
    step = max(1, math.ceil(count / most))
    if step > 1:
        axis.tickLblSkip = step
        axis.tickMarkSkip = step


def date_categories(chart, every_days: int) -> None:
    """Give a bar chart over dates a date axis labelled "dd mmm" every *every_days* days, level."""
    from openpyxl.chart.axis import DateAxis

    chart.x_axis = DateAxis(crossAx=chart.y_axis.axId, axId=500, delete=False, numFmt="dd mmm",
                            majorUnit=every_days, majorTimeUnit="days", lblOffset=100, txPr=chart_text(rot=0))
    chart.y_axis.crossAx = 500


def sparse_labels(values: Sequence[Any], text: Callable[[Any], str], most: int = 14) -> list[str | None]:
    """Category labels for a long axis: *text* of every n-th value, None (no label) between them."""
    step = max(1, math.ceil(len(values) / most))
    return [text(v) if i % step == 0 else None for i, v in enumerate(values)]


def bar_chart(data: ChartData, title: str, *, columns: Sequence[int], colours: Sequence[str],
              horizontal: bool = False, stacked: bool = False, overlap: int | None = None,
              gap: int | None = None, x_title: str | None = None, y_title: str | None = None,
              value_format: str = "0", legend: bool = True, categories: int = 1):
    """A native bar chart of *data*'s *columns* (a series each) over the categories in its column
    *categories*; *horizontal* charts list the first category on top."""
    from openpyxl.chart import BarChart

    chart = BarChart()
    chart.type = "bar" if horizontal else "col"
    chart.grouping = "stacked" if stacked else "clustered"
    if stacked or overlap is not None:
        chart.overlap = 100 if stacked else overlap
    if gap is not None:
        chart.gapWidth = gap
    for col in columns:
        chart.add_data(data.values(col), titles_from_data=True)
    chart.set_categories(data.categories(categories))
    for series, colour in zip(chart.series, colours):
        series.graphicalProperties.solidFill = colour
        series.graphicalProperties.line.solidFill = colour
    if horizontal:
        chart.x_axis.scaling.orientation = "maxMin"
    chart.y_axis.number_format = value_format
    chart.y_axis.scaling.min = 0
    style_chart(chart, title, x_title=x_title, y_title=y_title, legend=legend)
    thin_labels(chart.x_axis, len(data.rows), 30 if horizontal else 14)
    return chart


def add_line(chart, data: ChartData, col: int, colour: str, *, dash: bool = False, width: int = 22000,
             marker: str | None = None, secondary: str | None = None, value_format: str | None = None):
    """Draw *data*'s column *col* as a line over *chart* (a bar chart); with *secondary* (its title)
    on an axis of its own at the right."""
    from openpyxl.chart import LineChart

    line = LineChart()
    line.x_axis = chart.x_axis  # the bars' categories (a text or a date axis)
    line.add_data(data.values(col), titles_from_data=True)
    series = line.series[0]
    series.graphicalProperties.line.solidFill = colour
    series.graphicalProperties.line.width = width
    if dash:
        series.graphicalProperties.line.dashStyle = "dash"
    series.marker.symbol = marker or "none"
    if marker:
        series.marker.size = 6
        series.marker.graphicalProperties.solidFill = colour
        series.marker.graphicalProperties.line.solidFill = colour
    series.smooth = False
    if secondary:
        line.y_axis.axId = 200
        line.y_axis.crosses = "max"
        line.y_axis.title = chart_title(secondary, 9)
        line.y_axis.delete = False
        line.y_axis.txPr = chart_text(rot=0)
        line.y_axis.majorGridlines = None
    else:
        line.y_axis.axId = chart.y_axis.axId
        line.y_axis.scaling = chart.y_axis.scaling
    if value_format:
        line.y_axis.number_format = value_format
    chart += line
    return line
