"""A write-only worksheet with the house style of a status pack.

openpyxl's write-only sheets must know column widths and frozen panes before
the first row; tables, conditional formats, page breaks and charts may follow
at the end. ``PackSheet`` keeps that order and tracks the current row.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Sequence

from models.core.cells import clean_text, excel_value, is_risky

DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
PERCENT_FORMAT = "0%"
DAYS_FORMAT = "0.0"

HEADER_FILL = "23313F"
TITLE_SIZE = 16
#: rows of default height a chart of CHART_HEIGHT_CM occupies, with margin
CHART_HEIGHT_CM = 7.5
CHART_WIDTH_CM = 16.0
CHART_ROWS = 17


@dataclass(frozen=True)
class Column:
    title: str
    width: float
    format: str | None = None


class PackSheet:
    def __init__(self, wb, title: str, widths: Sequence[float], *, header: str, label: str,
                 freeze: str | None = None):
        from openpyxl.worksheet.properties import PageSetupProperties

        self.wb = wb
        self.ws = wb.create_sheet(title)
        self.title = title
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
        centre = clean_text(header)
        ws.oddHeader.center.text = centre.replace("&", "&&")
        ws.oddHeader.center.size = 9
        if label:
            ws.oddHeader.right.text = clean_text(label).replace("&", "&&")
            ws.oddHeader.right.size = 9
            ws.oddHeader.right.font = "Calibri,Bold"
        ws.oddFooter.left.text = clean_text(title).replace("&", "&&")
        ws.oddFooter.left.size = 8
        ws.oddFooter.right.text = "Page &P of &N"
        ws.oddFooter.right.size = 8
        self._breaks: list[int] = []

    # ----------------------------------------------------------------- rows
    def _cell(self, value: Any, *, bold: bool = False, size: float | None = None, fill: str | None = None,
              colour: str | None = None, fmt: str | None = None, wrap: bool = False):
        from openpyxl.cell import WriteOnlyCell

        value = excel_value(value)
        cell = WriteOnlyCell(self.ws, value=value)
        if isinstance(value, str) and (is_risky(value) or cell.data_type != "s"):
            cell.data_type = "s"
        if bold or size or colour:
            cell.font = self._styles.font(bold, size, colour)
        if fill:
            cell.fill = self._styles.fill(fill)
        if fmt:
            cell.number_format = fmt
        elif isinstance(value, datetime):
            cell.number_format = DATETIME_FORMAT
        elif isinstance(value, date):
            cell.number_format = DATE_FORMAT
        if wrap:
            cell.alignment = self._styles.wrap()
        return cell

    def append(self, values: Sequence[Any], **style) -> int:
        self.ws.append([self._cell(v, **style) if v is not None else None for v in values])
        self.row_no += 1
        return self.row_no

    def append_plain(self, values: Sequence[Any]) -> int:
        """Fast path for large tables: only risky strings get a cell object."""
        from models.core.cells import safe_row

        self.ws.append(safe_row(self.ws, values))
        self.row_no += 1
        return self.row_no

    def blank(self, n: int = 1) -> None:
        for _ in range(n):
            self.ws.append([])
            self.row_no += 1

    def title_row(self, text: str) -> int:
        return self.append([text], bold=True, size=TITLE_SIZE)

    def heading(self, text: str) -> int:
        return self.append([text], bold=True, size=12)

    def header_row(self, titles: Sequence[str]) -> int:
        return self.append(titles, bold=True, colour="FFFFFF", fill=HEADER_FILL)

    def table(self, name: str, columns: Sequence[Column], rows: Sequence[Sequence[Any]], *,
              style: str = "TableStyleLight9", plain: bool = False) -> tuple[int, int]:
        """A filterable Excel table; returns (header row, last row)."""
        from openpyxl.worksheet.filters import AutoFilter
        from openpyxl.worksheet.table import Table, TableColumn, TableStyleInfo

        first = self.append([c.title for c in columns], bold=True)
        for r in rows:
            if plain:
                self.append_plain(r)
            else:
                self.ws.append([self._cell(v, fmt=c.format) if v is not None else None
                                for v, c in zip(r, columns)])
                self.row_no += 1
        last = self.row_no
        if rows:
            ref = f"A{first}:{_col(len(columns))}{last}"
            table = Table(displayName=name, ref=ref)
            # write-only sheets cannot read the header cells back: name the columns here
            table.tableColumns = [TableColumn(id=i, name=c.title) for i, c in enumerate(columns, start=1)]
            table.autoFilter = AutoFilter(ref=ref)
            table.tableStyleInfo = TableStyleInfo(name=style, showRowStripes=True)
            # add_table() warns in write-only mode even when the columns are named, as here.
            if self.wb._duplicate_name(name):
                raise ValueError(f"table name {name!r} is used twice")
            self.ws.tables.add(table)
        return first, last

    # ----------------------------------------------------------------- layout
    def page_break(self) -> None:
        from openpyxl.worksheet.pagebreak import Break

        if self.row_no > 0 and self.row_no not in self._breaks:
            self._breaks.append(self.row_no)
            self.ws.row_breaks.append(Break(id=self.row_no))

    def chart(self, chart, *, column: str = "A", new_page: bool = True) -> None:
        """Anchor a chart below the current row on a fresh page so it never straddles a break."""
        if new_page:
            self.page_break()
        chart.height = CHART_HEIGHT_CM
        chart.width = CHART_WIDTH_CM
        self.ws.add_chart(chart, f"{column}{self.row_no + 1}")
        self.blank(CHART_ROWS)

    def print_titles(self, rows: str) -> None:
        self.ws.print_title_rows = rows


class _Styles:
    """Shared style objects: openpyxl dedupes them, but creating fewer is faster."""

    def __init__(self):
        self._fonts: dict = {}
        self._fills: dict = {}
        self._wrap = None

    def font(self, bold: bool, size: float | None, colour: str | None):
        from openpyxl.styles import Font

        key = (bold, size, colour)
        if key not in self._fonts:
            self._fonts[key] = Font(bold=bold, size=size, color=colour)
        return self._fonts[key]

    def fill(self, colour: str):
        from openpyxl.styles import PatternFill

        if colour not in self._fills:
            self._fills[colour] = PatternFill("solid", start_color=colour, end_color=colour)
        return self._fills[colour]

    def wrap(self):
        from openpyxl.styles import Alignment

        if self._wrap is None:
            self._wrap = Alignment(wrap_text=True, vertical="top")
        return self._wrap


def _col(i: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(i)


col_letter = _col
