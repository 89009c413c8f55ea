"""A write-only worksheet with the house style of a status pack.

openpyxl's write-only sheets must know column widths and frozen panes before
the first row; tables, conditional formats, page breaks and charts may follow
at the end. ``PackSheet`` keeps that order, tracks the current row and lays the
printed pages out itself:

- one font family (``FONT``), every number with a number format, the headers
  of number and date columns aligned right like their numbers, and text that
  starts next to a right-aligned number indented so the two never touch;
- text longer than its column wraps, and its row is given the height of its
  lines (neither Excel nor LibreOffice grows a row for a merged cell);
- every row's height is known, so the sheet knows what a page holds at the
  fit-to-width scale and places every page break itself: a heading stays with
  what follows it, a table that fits on a page is not split, a long table
  leaves no page with fewer than ``MIN_ROWS`` of its rows, a chart never
  straddles a break;
- charts cover whole cells (a two-cell anchor) and take at least
  ``CHART_SHARE`` of a page's height; the rows they are drawn from go below the
  print area ("the data behind the charts"), so the printed pages stay short.

A builder ends with ``finish()``, which writes that data, adds the charts and
sets the print area. The charts' look is in ``models.core.pack_charts``.
"""
from __future__ import annotations

import math
import os
import tempfile
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any, Callable, Sequence

from models.core.cells import clean_text, excel_value, is_risky

#: the one font family of a pack. LibreOffice draws Arial with the metric-compatible
#: Liberation Sans, so a pack turned into a PDF there breaks its pages where Excel does.
FONT = "Arial"
FONT_SIZE = 10
TITLE_SIZE = 16
HEADING_SIZE = 12

DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
PERCENT_FORMAT = "0%"
DAYS_FORMAT = "#,##0.0"
COUNT_FORMAT = "#,##0"
DECIMAL_FORMAT = "0.00"
SIGNED_FORMAT = "+0;-0;0"

HEADER_FILL = "23313F"
HEADER_FONT = "FFFFFF"
MUTED = "616161"
DANGER = "B71C1C"

#: a printed row of one line of text, in points
ROW_PT = 15.0
#: A4 landscape less the side margins set below
PRINTABLE_WIDTH_CM = 29.7 - 2 * 2.54 * 0.5
#: the height a page gives rows at 100 %: A4 landscape less the top and bottom margins
#: (17.4 cm, 494 pt), kept a little short so neither Excel nor LibreOffice breaks first
BODY_PT = 470.0
#: no page holds fewer rows of a table than this, unless the whole table is shorter
MIN_ROWS = 3
#: the space before a heading, and what a blank line takes
GAP_PT = 9.0
#: a chart's height, as a share of a page
CHART_SHARE = 0.42


@dataclass(frozen=True)
class Column:
    title: str
    width: float
    #: a number format makes the column a number column: right-aligned, its header too
    format: str | None = None
    #: the alignment of the column and its header, when it is neither text (left) nor numbers (right)
    align: str | None = None


@dataclass(frozen=True)
class Figure:
    """One line of a block of figures: label, value (with its format), an optional target, a note."""

    label: str
    value: Any
    format: str | None = None
    note: str = ""
    target: Any = None
    colour: str | None = None


@dataclass(frozen=True)
class Styled:
    """A table value with a style of its own (``PackSheet.cell`` keywords)."""

    value: Any
    bold: bool = False
    colour: str | None = None
    fill: str | None = None
    align: str | None = None


def with_unit(fmt: str, unit: str) -> str:
    """Number format *fmt* followed by *unit* ("2.10 days", "2.10%")."""
    unit = unit.replace('"', "").replace("\\", "").strip()
    if not unit:
        return fmt
    return f'{fmt}"{"" if unit in ("%", "‰") else " "}{unit}"'


def pack_workbook(scratch: Path | None = None):
    """A write-only workbook whose sheets stream into *scratch* (a folder Ninety owns and
    removes) instead of the system's temporary folder, where a killed export would leave
    megabytes behind."""
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    wb._ninety_scratch = scratch
    _house_font(wb)
    return wb


def _house_font(wb) -> None:
    """Make ``FONT`` the workbook's default (the Normal style's), which also sets the unit of column widths."""
    from openpyxl.styles import Font
    from openpyxl.utils.indexed_list import IndexedList

    if wb._fonts[0].name != FONT:
        # Font 0 is the Normal style's; its theme scheme would let Excel swap in the theme's font.
        wb._fonts = IndexedList([Font(name=FONT, size=FONT_SIZE, family=2), *list(wb._fonts)[1:]])


def _stream_into(ws, folder: Path | None) -> None:
    """Make write-only sheet *ws* keep its rows in a file in *folder* until the save."""
    if folder is None:
        return
    from openpyxl.worksheet import _writer

    def get_writer() -> None:  # openpyxl's own, with the file placed in *folder*
        if ws._writer is None:
            fd, name = tempfile.mkstemp(prefix="sheet-", suffix=".xml", dir=folder)
            os.close(fd)
            _writer.ALL_TEMP_FILES.append(name)  # openpyxl's cleanup removes it from this list
            ws._writer = _writer.WorksheetWriter(ws, out=name)
            ws._writer.write_top()

    ws._get_writer = get_writer


class ChartData:
    """Rows a chart is drawn from, written below the print area by ``PackSheet.finish``."""

    def __init__(self, ws, columns: Sequence[Column], rows: Sequence[Sequence[Any]]):
        self.ws, self.columns, self.rows = ws, list(columns), [list(r) for r in rows]
        self.first = self.last = 0  # the header row and the last row, once written

    def values(self, col: int, last_col: int | None = None, *, titled: bool = True):
        """Column *col* (1-based; to *last_col*), with its header as the series title when *titled*."""
        from openpyxl.chart import Reference

        return Reference(self.ws, min_col=col, max_col=last_col or col,
                         min_row=self.first if titled else self.first + 1, max_row=self.last)

    def span(self, col: int, start: int, stop: int):
        """Rows *start* to *stop* (0-based positions in ``rows``, inclusive) of column *col*."""
        from openpyxl.chart import Reference

        return Reference(self.ws, min_col=col, min_row=self.first + 1 + start, max_row=self.first + 1 + stop)

    def categories(self, col: int = 1):
        return self.values(col, titled=False)


class PackSheet:
    def __init__(self, wb, title: str, widths: Sequence[float], *, header: str, label: str,
                 freeze: str | None = None):
        from openpyxl.worksheet.properties import PageSetupProperties

        _house_font(wb)
        self.wb = wb
        self.ws = wb.create_sheet(title)
        _stream_into(self.ws, getattr(wb, "_ninety_scratch", None))
        self.title = title
        self.widths = list(widths)
        self.row_no = 0
        self._styles = _Styles()
        for i, width in enumerate(widths, start=1):
            self.ws.column_dimensions[_col(i)].width = width
        if freeze:
            self.ws.freeze_panes = freeze
        ws = self.ws
        ws.page_setup.orientation = "landscape"
        ws.page_setup.paperSize = "9"  # A4
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
        ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
        ws.print_options.gridLines = False
        ws.page_margins.left = ws.page_margins.right = 0.5
        ws.page_margins.top = ws.page_margins.bottom = 0.7
        parts = [(ws.oddHeader.center, header, 9, FONT), (ws.oddHeader.right, label, 9, f"{FONT},Bold"),
                 (ws.oddFooter.left, title, 8, FONT)]
        for part, text, size, font in parts:
            if text:
                part.text = clean_text(text).replace("&", "&&")
                part.size, part.font = size, font
        ws.oddFooter.right.text = "Page &P of &N"
        ws.oddFooter.right.size, ws.oddFooter.right.font = 8, FONT
        # Fit to width: Excel shrinks the sheet to the page's width (whole percents), so a page
        # holds BODY_PT / scale points of rows. A column w wide is 7w pixels at 96 dpi (w counts
        # Arial 10's 7-pixel digits); LibreOffice draws it a little wider and so fits more on a page.
        width_cm = sum(7 * w for w in self.widths) / 96 * 2.54
        self.scale = min(1.0, math.floor(100 * PRINTABLE_WIDTH_CM / width_cm) / 100)
        self.page_pt = BODY_PT / self.scale
        self._used = 0.0  # points used on the current page
        self._breaks: list[int] = []
        self._heading: str | None = None
        self._data: list[ChartData] = []
        self._charts: list[tuple[int, int, int, int, Callable[[], Any]]] = []

    # ----------------------------------------------------------------- cells
    def cell(self, value: Any, *, bold: bool = False, italic: bool = False, size: float | None = None,
             colour: str | None = None, fill: str | None = None, fmt: str | None = None,
             align: str | None = None, indent: int = 0):
        """A styled write-only cell: text stays text, numbers always get a format. (Text that does
        not fit its column is wrapped when its row is made.)"""
        from openpyxl.cell import WriteOnlyCell

        value = excel_value(value)
        cell = WriteOnlyCell(self.ws, value=value)
        if isinstance(value, str) and (is_risky(value) or cell.data_type != "s"):
            cell.data_type = "s"
        cell.font = self._styles.font(bold, italic, size or FONT_SIZE, colour)
        if fill:
            cell.fill = self._styles.fill(fill)
        if fmt is None and not isinstance(value, (str, bool)) and value is not None:
            fmt = (DATETIME_FORMAT if isinstance(value, datetime) else DATE_FORMAT if isinstance(value, date)
                   else COUNT_FORMAT if isinstance(value, int) else DECIMAL_FORMAT)
        if fmt:
            cell.number_format = fmt
        if align or indent:
            cell.alignment = self._styles.alignment(align, indent, False)
        return cell

    # ----------------------------------------------------------------- rows
    def append(self, values: Sequence[Any], *, span: bool = False, **style) -> int:
        """A row of values (or cells). With *span*, the last value runs to the last column (merged, wrapped)."""
        cells, height, merge = self._row(values, span=span, **style)
        self._flush_heading(height)
        return self._put(cells, height, merge)

    def append_plain(self, values: Sequence[Any]) -> int:
        """Fast path for large, unprinted tables: only risky strings get a cell object."""
        from models.core.cells import safe_row

        self.ws.append(safe_row(self.ws, values))
        self.row_no += 1
        return self.row_no

    def together(self, rows: Sequence[tuple[Sequence[Any], dict]]) -> None:
        """Rows (values, ``append`` keywords) that stay on one page."""
        made = [self._row(values, **style) for values, style in rows]
        total = sum(h for _c, h, _m in made)
        self._flush_heading(total)
        self._keep(total)
        for cells, height, merge in made:
            self._put(cells, height, merge)

    def blank(self, n: int = 1) -> None:
        for _ in range(n):
            if self._used > 0:  # no blank line at the top of a page
                self._put([], GAP_PT)

    def title_row(self, text: str) -> int:
        return self.append([text], bold=True, size=TITLE_SIZE, span=True)

    def heading(self, text: str) -> None:
        """A section's heading: written with what follows, so it never ends a page."""
        self._flush_heading(0)
        self._heading = text

    def note(self, text: str, **style) -> int:
        """A paragraph across the sheet's width."""
        return self.append([text], span=True, **style)

    def empty(self, text: str) -> int:
        """The line that stands for a section with nothing to show."""
        return self.note(text, italic=True, colour=MUTED)

    def header_row(self, titles: Sequence[str], numeric: Sequence[bool] = ()) -> int:
        cells, height, merge = self._header(titles, numeric)
        self._flush_heading(height + ROW_PT)
        return self._put(cells, height, merge)

    def figures(self, figures: Sequence[Figure], *, header: Sequence[str] = ()) -> None:
        """Label, value, [target,] note: a number sits right-aligned in the value column and its note
        runs from the next column (or the one after the target) to the last, indented off the number;
        a text value reads from the value column on, its note after it in brackets."""
        with_target = len(header) == 4
        note_col = 3 if with_target else 2
        rows = []
        for f in figures:
            row = [self.cell(f.label, bold=True)]
            if isinstance(f.value, str):
                row.append(self.cell(f.value + (f" ({f.note})" if f.note else ""), indent=1, colour=f.colour))
            else:
                row.append(self._value(f.value, f.format, f.colour))
                if with_target:
                    row.append(self._value(f.target, f.format, None, blank=True))
                if f.note:
                    row += [None] * (note_col - len(row)) + [self.cell(f.note, indent=1, colour=f.colour)]
            rows.append(self._row(row, span=isinstance(f.value, str) or bool(f.note)))
        first = sum(h for _c, h, _m in rows[:MIN_ROWS])
        if header:
            cells, height, merge = self._header(list(header), [False, True, True, False][:len(header)], span=True)
            self._flush_heading(height + first)
            self._put(cells, height, merge)
        self._flush_heading(first)
        for cells, height, merge in rows:
            self._put(cells, height, merge)

    def _value(self, value: Any, fmt: str | None, colour: str | None, blank: bool = False):
        if value is None:
            return None if blank else self.cell("–", align="right", colour=MUTED)
        return self.cell(value, fmt=fmt, colour=colour)

    def table(self, name: str | None, columns: Sequence[Column], rows: Sequence[Sequence[Any]], *,
              empty: str, repeat_header: bool = False, plain: bool = False) -> tuple[int, int] | None:
        """A table (a filterable Excel table when *name* is given); returns (header row, last row),
        or None when there are no rows: then only the line *empty* stands for it."""
        if not rows:
            self.empty(empty)
            return None
        numeric = [c.format is not None for c in columns]
        header = self._header([c.title for c in columns], numeric, [c.align for c in columns])
        indents = _indents(numeric)
        body = []
        for r in rows:
            if plain:
                body.append(self._row(r, plain=True))
            else:
                body.append(self._row([self._table_cell(v, c, ind) for v, c, ind in zip(r, columns, indents)]))
        heights = [h for _c, h, _m in body]
        whole = header[1] + sum(heights)
        self._flush_heading(whole if whole <= self.page_pt else header[1] + sum(heights[:MIN_ROWS]))
        first = self._put(*header)
        breaks = self._plan_breaks(heights)
        for i, (cells, height, merge) in enumerate(body):
            if i in breaks:
                self.page_break()
            self._put(cells, height, merge)
        last = self.row_no
        if repeat_header and breaks:
            if self.ws.print_title_rows:
                raise ValueError(f"{self.title}: only one table per sheet repeats its header")
            self.ws.print_title_rows = f"{first}:{first}"
        if name:
            self._excel_table(name, [c.title for c in columns], f"A{first}:{_col(len(columns))}{last}")
        return first, last

    def _table_cell(self, value: Any, column: Column, indent: int):
        style: dict[str, Any] = {"align": column.align}
        if isinstance(value, Styled):
            style.update(bold=value.bold, colour=value.colour, fill=value.fill, align=value.align or column.align)
            value = value.value
        return None if value is None else self.cell(value, fmt=column.format, indent=0 if style["align"] else indent,
                                                    **style)

    def _excel_table(self, name: str, titles: Sequence[str], ref: str, *, stripes: bool = True) -> None:
        from openpyxl.worksheet.filters import AutoFilter
        from openpyxl.worksheet.table import Table, TableColumn, TableStyleInfo

        table = Table(displayName=name, ref=ref)
        # write-only sheets cannot read the header cells back: name the columns here
        table.tableColumns = [TableColumn(id=i, name=t) for i, t in enumerate(titles, start=1)]
        table.autoFilter = AutoFilter(ref=ref)
        table.tableStyleInfo = TableStyleInfo(name="TableStyleLight9" if stripes else "TableStyleLight1",
                                              showRowStripes=stripes)
        # add_table() warns in write-only mode even when the columns are named, as here.
        if self.wb._duplicate_name(name):
            raise ValueError(f"table name {name!r} is used twice")
        self.ws.tables.add(table)

    # ----------------------------------------------------------------- charts
    def chart_data(self, columns: Sequence[Column], rows: Sequence[Sequence[Any]]) -> ChartData:
        """Rows for a chart, written below the print area when the sheet is finished."""
        data = ChartData(self.ws, columns, rows)
        self._data.append(data)
        return data

    def chart(self, make: Callable[[], Any], *, share: float = CHART_SHARE) -> None:
        """Keep room for a chart across the sheet's width here; ``make()`` builds it once its data is written."""
        self.charts([make], share=share)

    def charts(self, makes: Sequence[Callable[[], Any]], *, share: float = CHART_SHARE) -> None:
        """Charts side by side, each over an equal share of the columns, on one page."""
        rows = max(1, math.ceil(self.page_pt * share / ROW_PT))
        if self._heading is None and self._used > 0:
            self._keep(GAP_PT + rows * ROW_PT)
            if self._used > 0:
                self._put([], GAP_PT)
        self._flush_heading(rows * ROW_PT)
        self._keep(rows * ROW_PT)
        top = self.row_no  # 0-based row of the chart's top edge
        for _ in range(rows):
            self._put([], ROW_PT)
        bounds = _split(self.widths, len(makes))
        for make, (left, right) in zip(makes, bounds):
            self._charts.append((left, top, right, top + rows, make))

    # ----------------------------------------------------------------- layout
    def page_break(self) -> None:
        from openpyxl.worksheet.pagebreak import Break

        if self.row_no > 0 and self._used > 0 and self.row_no not in self._breaks:
            self._breaks.append(self.row_no)
            self.ws.row_breaks.append(Break(id=self.row_no))
        self._used = 0.0

    def finish(self, *, print_area: bool = True) -> None:
        """Write the charts' data below the print area, add the charts, set the print area."""
        from openpyxl.drawing.spreadsheet_drawing import AnchorMarker, TwoCellAnchor

        self._flush_heading(0)
        if print_area:
            self.ws.print_area = f"A1:{_col(len(self.widths))}{max(1, self.row_no)}"
        if self._data:
            self._put([], ROW_PT, paginate=False)
            self._put(*self._row(["The data behind the charts (not printed)"], bold=True), paginate=False)
        for data in self._data:
            self._put([], ROW_PT, paginate=False)
            data.first = self._put(*self._header([c.title for c in data.columns], [c.format is not None
                                                                                  for c in data.columns]),
                                   paginate=False)
            for r in data.rows:
                self._put(*self._row([self.cell(v, fmt=c.format) if v is not None else None
                                      for v, c in zip(r, data.columns)]), paginate=False)
            data.last = self.row_no
        for left, top, right, bottom, make in self._charts:
            chart = make()
            anchor = TwoCellAnchor()
            anchor._from = AnchorMarker(col=left, row=top)
            anchor.to = AnchorMarker(col=right, row=bottom)
            self.ws.add_chart(chart, anchor)

    # ----------------------------------------------------------------- internals
    def _header(self, titles: Sequence[str], numeric: Sequence[bool], aligns: Sequence[str | None] = (), *,
                span: bool = False):
        """Header cells aligned as their columns: right over numbers, indented over text that follows numbers."""
        numeric = list(numeric) + [False] * (len(titles) - len(numeric))
        aligns = list(aligns) + [None] * (len(titles) - len(aligns))
        cells = [self.cell(t, bold=True, colour=HEADER_FONT, fill=HEADER_FILL,
                           align=align or ("right" if num else None), indent=0 if align else ind)
                 for t, num, ind, align in zip(titles, numeric, _indents(numeric), aligns)]
        return self._row(cells, span=span)

    def _row(self, values: Sequence[Any], *, span: bool = False, plain: bool = False, **style):
        """(cells, height in points, merged range or None) for a row about to be written: text
        longer than its column wraps and the row grows to hold its lines."""
        from openpyxl.cell.cell import Cell

        if plain:
            from models.core.cells import safe_row

            return safe_row(self.ws, values), ROW_PT, None
        cells = [v if isinstance(v, Cell) or v is None else self.cell(v, **style) for v in values]
        last = max((i for i, c in enumerate(cells) if c is not None), default=-1)
        merge, height = None, ROW_PT
        for i, c in enumerate(cells):
            if c is None or not isinstance(c.value, str):
                continue
            spans = span and i == last
            if spans and i < len(self.widths) - 1:
                merge = f"{_col(i + 1)}{{row}}:{_col(len(self.widths))}{{row}}"
            width = sum(self.widths[i:]) if spans else self._width(i)
            size = c.font.sz or FONT_SIZE
            n = _lines(c.value, width, size, bool(c.font.b), int(c.alignment.indent))
            if n > 1 or spans:
                c.alignment = self._styles.alignment(c.alignment.horizontal, int(c.alignment.indent), True)
            height = max(height, _height(n, size))
        if height > _height(1, max((c.font.sz or FONT_SIZE for c in cells if c is not None), default=FONT_SIZE)):
            for c in cells:  # a row of several lines reads from its top
                if c is not None:
                    c.alignment = self._styles.alignment(c.alignment.horizontal, int(c.alignment.indent),
                                                         bool(c.alignment.wrap_text), top=True)
        return cells, height, merge

    def _width(self, i: int) -> float:
        return self.widths[i] if i < len(self.widths) else 8.43

    def _put(self, cells: Sequence[Any], height: float, merge: str | None = None, *,
             paginate: bool = True) -> int:
        if paginate:
            self._keep(height)
            self._used += height
        row = self.row_no + 1
        self.ws.row_dimensions[row].height = round(height, 2)
        if merge:
            self.ws.merged_cells.add(merge.format(row=row))
        self.ws.append(list(cells))
        self.row_no = row
        return row

    def _keep(self, height: float) -> None:
        """Start a new page unless *height* points still fit on this one."""
        if self._used > 0 and self._used + height > self.page_pt:
            self.page_break()

    def _flush_heading(self, following: float) -> None:
        """Write the pending heading, after a gap, on the page where the next *following* points fit with it."""
        if self._heading is None:
            return
        text, self._heading = self._heading, None
        cells, height, merge = self._row([text], span=True, bold=True, size=HEADING_SIZE)
        gap = GAP_PT if self._used > 0 else 0.0
        self._keep(gap + height + min(following, self.page_pt - height - gap))
        if self._used > 0:
            self._put([], gap)
        self._put(cells, height, merge)

    def _plan_breaks(self, heights: Sequence[float]) -> set[int]:
        """Where a table's rows would break (indices of the first row on a new page), the last
        break moved up so that no page ends the table with fewer than MIN_ROWS rows."""
        used, breaks = self._used, []
        for i, h in enumerate(heights):
            if used > 0 and used + h > self.page_pt:
                breaks.append(i)
                used = 0.0
            used += h
        if breaks and len(heights) - breaks[-1] < MIN_ROWS:
            earlier = len(heights) - MIN_ROWS
            if earlier > (breaks[-2] if len(breaks) > 1 else 0) + MIN_ROWS:
                breaks[-1] = earlier
        return set(breaks)


def _indents(numeric: Sequence[bool]) -> list[int]:
    """Text right after a right-aligned number column starts one indent in, so the two never touch."""
    return [1 if not num and i and numeric[i - 1] else 0 for i, num in enumerate(numeric)]


#: advance widths of the printable ASCII characters (32 to 126) in Arial (and Liberation Sans),
#: thousandths of an em, regular then bold; other characters count as OTHER_WIDTH
_ADVANCE = tuple(tuple(int(w) for w in row.split()) for row in (
    "278 278 355 556 556 889 667 191 333 333 389 584 278 333 278 278 556 556 556 556 556 556 556 556 556 556 "
    "278 278 584 584 584 556 1015 667 667 722 722 667 611 778 722 278 500 667 556 833 722 778 667 778 722 667 "
    "611 722 667 944 667 667 611 278 278 278 469 556 333 556 556 500 556 556 278 556 556 222 222 500 222 833 "
    "556 556 556 556 333 500 278 556 500 722 500 500 500 334 260 334 584",
    "278 333 474 556 556 889 722 238 333 333 389 584 278 333 278 278 556 556 556 556 556 556 556 556 556 556 "
    "333 333 584 584 584 611 975 722 722 722 722 667 611 778 722 278 556 722 611 833 722 778 667 778 722 667 "
    "611 722 667 944 667 667 611 333 278 333 584 556 333 556 611 556 611 556 333 611 611 278 278 556 278 889 "
    "611 611 611 611 389 556 333 611 556 778 556 556 500 389 280 389 584"))
OTHER_WIDTH = 700


def _text_width(text: str, bold: bool) -> int:
    """*text*'s width in thousandths of an em."""
    table = _ADVANCE[bold]
    return sum(table[ord(ch) - 32] if 32 <= ord(ch) < 127 else OTHER_WIDTH for ch in text)


def _lines(text: str, width: float, size: float = FONT_SIZE, bold: bool = False, indent: int = 0) -> int:
    """Lines *text* takes when wrapped in a column *width* units wide (a unit is 7 pixels, plus 5 for
    the column), words laid out with the font's own widths, with a little to spare."""
    room = ((7 * width + 5) - 7 - 9 * indent) * 0.75 / size * 1000 * 0.96  # thousandths of an em
    space = _ADVANCE[bold][0]
    total = 0
    for paragraph in str(text).split("\n"):
        lines, used = 1, 0.0
        for word in paragraph.split(" "):
            w = _text_width(word, bold)
            if used and used + space + w <= room:
                used += space + w
                continue
            if used:
                lines += 1
            extra, used = divmod(w, room) if w > room else (0, w)
            lines += int(extra)
        total += lines
    return total


def _height(lines: int, size: float = FONT_SIZE) -> float:
    """A row's height for *lines* lines of text in *size* points."""
    return max(ROW_PT, round(lines * size * 1.25 + 4, 2)) if lines > 1 or size > FONT_SIZE else ROW_PT


def _split(widths: Sequence[float], n: int) -> list[tuple[int, int]]:
    """Split the columns into *n* runs of about equal width: (first column, column after the last), 0-based."""
    total, edges, acc = sum(widths), [0], 0.0
    for i, w in enumerate(widths):
        acc += w
        if len(edges) < n and acc >= total * len(edges) / n and i + 1 < len(widths):
            edges.append(i + 1)
    edges.append(len(widths))
    return list(zip(edges, edges[1:]))


class _Styles:
    """Shared style objects: openpyxl dedupes them, but creating fewer is faster."""

    def __init__(self):
        self._fonts: dict = {}
        self._fills: dict = {}
        self._alignments: dict = {}

    def font(self, bold: bool, italic: bool, size: float, colour: str | None):
        from openpyxl.styles import Font

        key = (bold, italic, size, colour)
        if key not in self._fonts:
            self._fonts[key] = Font(name=FONT, family=2, bold=bold, italic=italic, size=size, color=colour)
        return self._fonts[key]

    def fill(self, colour: str):
        from openpyxl.styles import PatternFill

        if colour not in self._fills:
            self._fills[colour] = PatternFill("solid", start_color=colour, end_color=colour)
        return self._fills[colour]

    def alignment(self, horizontal: str | None, indent: int, wrap: bool, top: bool = False):
        from openpyxl.styles import Alignment

        key = (horizontal, indent, wrap, top)
        if key not in self._alignments:
            self._alignments[key] = Alignment(horizontal=horizontal or ("left" if indent else None),
                                              indent=indent, wrap_text=wrap or None,
                                              vertical="top" if top else None)
        return self._alignments[key]


def _col(i: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(i)


col_letter = _col
