"""A reusable import wizard: file → preview → column mapping → (an extra page) → import → report.

One wizard serves every table-shaped import (the audit's work-item logs, the
low-code request ledger): an :class:`ImportSpec` says which fields to map and
supplies three functions, ``preview``, ``read`` and ``commit``. Reading and
committing run in ``desktop.tasks`` workers behind a cancellable progress
dialog, so the GUI thread never waits on a file or the database. Everything is
all or nothing: ``read`` and ``commit`` either succeed or raise
``LogError`` (every problem, with line, column and value), and the report
page then says that nothing was stored.

Flow::

    FILE (path, delimiter, sheet, preview)  --needs_mapping-->  MAPPING (columns, date format)
        --read in a worker-->  EXTRA (optional, e.g. the audit's status map)
        --commit in a worker-->  REPORT
    A read or commit that fails jumps to REPORT with the problems; Back returns
    to fix the mapping. After a successful commit Back is disabled.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import Any, Callable, Sequence

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from models.audit.readers import MAX_SHOWN_PROBLEMS, Cancelled as ReadCancelled, LogError, LogPreview, Problem
from models.audit.dates import best_formats
from views.common.style import tone

ProgressFn = Callable[[int, int], None]
CancelFn = Callable[[], bool]

#: Delimiters the user may force on a CSV file (None = detected).
DELIMITERS = ((None, "Detect"), (",", "Comma  ,"), (";", "Semicolon  ;"), ("\t", "Tab"), ("|", "Pipe  |"))
DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}
FORMAT_NAMES = {"csv": "CSV text", "xlsx": "Excel workbook", "jira": "Jira JSON export (with changelog)"}
NOT_MAPPED = "(not in the file)"
OTHER_FORMAT = "other"
ISO = "iso"
#: Between the paths of several files in the path field.
PATH_SEPARATOR = "; "
#: how long typing in the path field pauses before the file typed is read
TYPING_MS = 400


def source_name(source: str | Sequence[str]) -> str:
    """How messages name one file or several."""
    paths = [source] if isinstance(source, str) else list(source)
    return ", ".join(Path(p).name for p in paths)


# --------------------------------------------------------------------------- the spec

@dataclass(frozen=True)
class MappedField:
    """One field the import needs from the file."""

    key: str
    label: str
    required: bool = False
    #: a timestamp/date column: its values decide the date-format choice
    is_date: bool = False
    hint: str = ""


@dataclass(frozen=True)
class ImportRequest:
    """Everything the user chose, handed to ``commit`` with the records read."""

    path: str
    sheet: str | None
    delimiter: str | None
    mapping: dict[str, str]
    date_format: str | None
    preview: LogPreview
    records: Sequence[Any]
    #: what the extra page adds (the audit: the stage map)
    extra: dict[str, Any] = field(default_factory=dict)
    #: every file when several were read together (``path`` is the first)
    paths: tuple[str, ...] = ()


class ExtraPage(QWizardPage):
    """Base of the optional page between the mapping and the import.

    ``set_records`` receives what was read; ``options`` returns what the page
    adds to the request (``ImportRequest.extra``). Leaving the page commits.
    """

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setButtonText(QWizard.WizardButton.NextButton, "Import")

    def set_records(self, request: ImportRequest) -> None:
        raise NotImplementedError

    def options(self) -> dict[str, Any]:
        return {}

    def show_notice(self, text: str) -> None:
        """A one-line message (e.g. after a cancel); subclasses show it."""

    def validatePage(self) -> bool:
        return self.wizard().commit_from_extra()


@dataclass
class ImportSpec:
    """How one kind of import reads and stores its data.

    ``preview(path, sheet, delimiter)`` → ``LogPreview`` (first rows, columns,
    guessed mapping, date formats) or raises ``LogError``; it runs in a worker.
    With ``multiple_files``, ``path`` may be a tuple of paths (read together).
    ``read(path, mapping, date_format, sheet, progress, is_cancelled, delimiter)``
    → the records, or raises ``LogError`` (never partial data) / ``Cancelled``;
    it runs in a worker. ``commit(request, progress, is_cancelled)`` stores the
    records in one transaction and returns a result, or raises ``LogError`` /
    ``Cancelled`` having stored nothing; it runs in a worker.
    ``accepted(request, result)`` runs on the GUI thread after a successful
    commit (push the undo command here). ``summarise(request, result)`` gives the
    report's lines (rows imported, items, date range…).
    """

    title: str
    fields: tuple[MappedField, ...]
    preview: Callable[..., LogPreview]
    read: Callable[..., Sequence[Any]]
    commit: Callable[[ImportRequest, ProgressFn, CancelFn], Any]
    summarise: Callable[[ImportRequest, Any], list[str]]
    accepted: Callable[[ImportRequest, Any], None] | None = None
    file_filter: str = "Logs (*.csv *.txt *.tsv *.xlsx *.json);;All files (*)"
    intro: str = ""
    #: False for sources that carry their own structure (a Jira export)
    needs_mapping: Callable[[LogPreview], bool] = lambda p: p.format != "jira"
    extra_page: Callable[[], ExtraPage] | None = None
    #: undo a commit that finished just as the user pressed Cancel (runs in the worker)
    discard: Callable[[ImportRequest, Any], None] | None = None
    #: what a record is called in messages ("rows", "requests")
    noun: str = "rows"
    #: several files may be chosen at once (``preview`` and ``read`` get a tuple of paths)
    multiple_files: bool = False


@dataclass(frozen=True)
class ImportReport:
    stored: bool
    lines: tuple[str, ...]
    problems: tuple[Problem, ...] = ()
    total_problems: int = 0
    result: Any = None


# --------------------------------------------------------------------------- small models

class PreviewModel(QAbstractTableModel):
    """The first rows of the file, as text."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self._columns: tuple[str, ...] = ()
        self._rows: tuple[tuple[str, ...], ...] = ()

    def set_rows(self, columns: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
        self.beginResetModel()
        self._columns = tuple(columns)
        self._rows = tuple(tuple(r) for r in rows)
        self.endResetModel()

    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._columns)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            return self._columns[section] if 0 <= section < len(self._columns) else None
        return str(section + 1)

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return None
        row = self._rows[index.row()]
        return row[index.column()] if index.column() < len(row) else ""


class ProblemModel(QAbstractTableModel):
    """Problems found in a file: line, column, value, what is wrong."""

    HEADERS = ("Line", "Column", "Value", "Problem")

    def __init__(self, parent=None):
        super().__init__(parent)
        self._rows: tuple[Problem, ...] = ()

    def set_rows(self, problems: Sequence[Problem]) -> None:
        self.beginResetModel()
        self._rows = tuple(problems)
        self.endResetModel()

    def problem(self, row: int) -> Problem:
        return self._rows[row]

    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.HEADERS[section]
        return None

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        p = self._rows[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            col = index.column()
            if col == 0:
                issue = f"issue {p.item}" if p.item else ""
                if p.line is not None:
                    return f"{p.line} ({issue})" if issue else str(p.line)
                return issue
            if col == 1:
                return p.column or ""
            if col == 2:
                return "" if p.value is None else p.value
            return p.message
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() == 0:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None


def _plain(label: QLabel) -> QLabel:
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(True)
    return label


# --------------------------------------------------------------------------- date formats

def format_example(fmt: str, value: str) -> str:
    """How *value* reads with the strptime format *fmt* ('' if it does not parse)."""
    try:
        dt = datetime.strptime(value, fmt)
    except ValueError:
        return ""
    text = dt.strftime("%d %b %Y")
    if dt.hour or dt.minute or dt.second:
        text += dt.strftime(" %H:%M")
    return text.lstrip("0")


def candidate_formats(values: Sequence[str]) -> tuple[str, ...]:
    """The common formats that read the most of *values*, tolerating a few typos
    (at most 10 %, like the reader); () when none reads at least half."""
    return tuple(best_formats(list(values)))


def ambiguous_example(formats: Sequence[str], values: Sequence[str]) -> str | None:
    """A value that the candidate formats read differently, or None if they all agree."""
    if len(formats) < 2:
        return None
    for v in values:
        seen = set()
        for f in formats:
            try:
                seen.add(datetime.strptime(v, f))
            except ValueError:
                seen.add(None)
        if len(seen) > 1:
            return v
    return None


# --------------------------------------------------------------------------- pages

class FilePage(QWizardPage):
    """Choose the file; see what was detected and its first rows."""

    def __init__(self, wizard: ImportWizard):
        super().__init__()
        self._wiz = wizard
        self.setTitle("Choose the file")
        self.setSubTitle(wizard.spec.intro or "CSV (any delimiter or encoding), Excel .xlsx, or a Jira JSON export.")
        self.path_edit = QLineEdit()
        self.path_edit.setPlaceholderText("Path to a .csv, .xlsx or Jira .json file")
        # a path typed is read once typing pauses (or on Enter): Next needs no Enter
        self.path_edit.textChanged.connect(self._path_edited)
        self.path_edit.editingFinished.connect(self._path_typed)
        self._typing = QTimer(self, singleShot=True, interval=TYPING_MS)
        self._typing.timeout.connect(self._path_typed)
        self.browse_button = QPushButton("Browse…")
        self.browse_button.clicked.connect(self.browse)
        self.delimiter_combo = QComboBox()
        for value, label in DELIMITERS:
            self.delimiter_combo.addItem(label, value)
        self.delimiter_combo.currentIndexChanged.connect(lambda _i: self._reload())
        self.sheet_combo = QComboBox()
        self.sheet_combo.currentIndexChanged.connect(lambda _i: self._reload())
        self.sheet_label = QLabel("Sheet")
        self.delimiter_label = QLabel("Delimiter")
        self.detected = _plain(QLabel())
        self.detected.setObjectName("detected")
        self.status = _plain(QLabel())
        self.status.setObjectName("muted")
        self.model = PreviewModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setDefaultSectionSize(130)
        self.table.verticalHeader().setDefaultSectionSize(22)

        row = QHBoxLayout()
        row.addWidget(self.path_edit, 1)
        row.addWidget(self.browse_button)
        options = QHBoxLayout()
        options.addWidget(self.delimiter_label)
        options.addWidget(self.delimiter_combo)
        options.addSpacing(16)
        options.addWidget(self.sheet_label)
        options.addWidget(self.sheet_combo)
        options.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(self.detected)
        layout.addLayout(options)
        layout.addWidget(self.status)
        layout.addWidget(self.table, 1)
        self.preview: LogPreview | None = None
        self._loading = False
        self._path = ""
        self._show_options(None)

    # ----------------------------------------------------------------- loading
    def browse(self) -> None:
        source = self.source()
        first = source if isinstance(source, str) else (source[0] if source else "")
        start = str(Path(first).parent) if first else str(Path.home())
        if self._wiz.spec.multiple_files:
            paths, _ = QFileDialog.getOpenFileNames(self, "Choose the file, or the pages of a Jira search",
                                                    start, self._wiz.spec.file_filter)
        else:
            path, _ = QFileDialog.getOpenFileName(self, "Choose a file to import", start,
                                                  self._wiz.spec.file_filter)
            paths = [path] if path else []
        if paths:
            self.set_path(paths)

    def _path_edited(self, text: str) -> None:
        if text.strip() == self._path:
            return  # set_path showing the file it reads, or an edit that came back to it
        self._typing.start()
        self.completeChanged.emit()  # Next waits for the file typed

    def _path_typed(self) -> None:
        self._typing.stop()
        text = self.path_edit.text().strip()
        if text == self._path:  # focus leaving the field is not a new file
            self.completeChanged.emit()
            return
        source = self.source()
        missing = [p for p in ([source] if isinstance(source, str) else list(source or ())) if not Path(p).is_file()]
        if not text or missing:
            self._path = ""
            self.preview = None
            self._loading = False
            self.model.set_rows((), ())
            self.detected.setText("")
            self._show_options(None)
            self.status.setText(f"No file at {missing[0]}." if missing else "")
            self.completeChanged.emit()
            self._wiz.preview_changed()
            return
        self.set_path(text)

    def source(self) -> str | tuple[str, ...] | None:
        """The file typed or chosen, or several (separated by ';') when the import takes several."""
        text = self.path_edit.text().strip()
        if not text or not self._wiz.spec.multiple_files or Path(text).exists():
            return text or None
        paths = tuple(p.strip() for p in text.split(PATH_SEPARATOR.strip()) if p.strip())
        return paths[0] if len(paths) == 1 else paths

    def set_path(self, path: str | Sequence[str]) -> None:
        paths = [path] if isinstance(path, str) else [str(p) for p in path]
        path = PATH_SEPARATOR.join(p for p in paths if p)
        if not path:
            return
        self._path = path
        self.path_edit.setText(path)
        for combo in (self.sheet_combo, self.delimiter_combo):
            combo.blockSignals(True)
        self.sheet_combo.clear()
        self.delimiter_combo.setCurrentIndex(0)
        for combo in (self.sheet_combo, self.delimiter_combo):
            combo.blockSignals(False)
        self._reload()

    def _reload(self) -> None:
        path = self.source()
        if not path:
            return
        sheet = self.sheet_combo.currentText() or None
        delimiter = self.delimiter_combo.currentData()
        self.preview = None
        self._loading = True
        self.status.setText("Reading the first rows…")
        self.completeChanged.emit()
        self._wiz.preview_file(path, sheet, delimiter, self._preview_done)

    def _preview_done(self, path: str | tuple[str, ...], outcome: LogPreview | LogError) -> None:
        if path != self.source():
            return  # the user chose another file meanwhile
        self._loading = False
        if isinstance(outcome, LogError):
            self.preview = None
            self.model.set_rows((), ())
            self.detected.setText("")
            self._show_options(None)
            self.status.setText("Cannot read this file:\n" + str(outcome))
        else:
            self.preview = outcome
            self.model.set_rows(outcome.columns, outcome.rows)
            self.detected.setText(self._describe(outcome))
            self._show_options(outcome)
            n = len(outcome.rows)
            self.status.setText(f"The first {n} rows:" if n else "The file has a header but no rows.")
        self.completeChanged.emit()
        self._wiz.preview_changed()

    def _describe(self, p: LogPreview) -> str:
        parts = [f"Format: {FORMAT_NAMES.get(p.format, p.format)}"]
        if p.paths:
            parts.append(f"{len(p.paths)} files")
        if p.encoding:
            parts.append(f"encoding {p.encoding}")
        if p.delimiter:
            parts.append(f"delimiter {DELIMITER_NAMES.get(p.delimiter, repr(p.delimiter))}")
        if p.sheet:
            parts.append(f"sheet {p.sheet!r}")
        parts.append(f"{len(p.columns)} columns")
        return " · ".join(parts)

    def _show_options(self, p: LogPreview | None) -> None:
        csv = p is not None and p.format == "csv"
        xlsx = p is not None and p.format == "xlsx"
        for w in (self.delimiter_label, self.delimiter_combo):
            w.setVisible(csv)
        for w in (self.sheet_label, self.sheet_combo):
            w.setVisible(xlsx)
        if xlsx and [self.sheet_combo.itemText(i) for i in range(self.sheet_combo.count())] != list(p.sheets):
            self.sheet_combo.blockSignals(True)
            self.sheet_combo.clear()
            self.sheet_combo.addItems(list(p.sheets))
            self.sheet_combo.setCurrentText(p.sheet or "")
            self.sheet_combo.blockSignals(False)

    def isComplete(self) -> bool:
        return (self.preview is not None and not self._loading and not self._typing.isActive()
                and self.path_edit.text().strip() == self._path)

    def show_notice(self, text: str) -> None:
        self.status.setText(text)

    def validatePage(self) -> bool:
        # Sources that need no mapping are read as soon as the user goes on.
        if self._wiz.spec.needs_mapping(self.preview):
            return True
        return self._wiz.read_then_continue(self)

    def nextId(self) -> int:
        if self.preview is not None and not self._wiz.spec.needs_mapping(self.preview):
            return self._wiz.after_read_id()
        return ImportWizard.MAPPING


class MappingPage(QWizardPage):
    """Which column holds each field, and how its dates are written."""

    def __init__(self, wizard: ImportWizard):
        super().__init__()
        self._wiz = wizard
        self.setTitle("Match the columns")
        self.setSubTitle("Say which column holds each field. Fields marked * are required.")
        self.combos: dict[str, QComboBox] = {}
        self.samples: dict[str, QLabel] = {}
        grid = QGridLayout()
        grid.addWidget(QLabel("<b>Field</b>"), 0, 0)
        grid.addWidget(QLabel("<b>Column in the file</b>"), 0, 1)
        grid.addWidget(QLabel("<b>First value</b>"), 0, 2)
        for r, f in enumerate(wizard.spec.fields, start=1):
            label = QLabel(f.label + (" *" if f.required else ""))
            if f.hint:
                label.setToolTip(f.hint)
            combo = QComboBox()
            combo.setMinimumWidth(220)
            combo.currentIndexChanged.connect(lambda _i, key=f.key: self._column_changed(key))
            sample = _plain(QLabel())
            sample.setObjectName("muted")
            sample.setWordWrap(False)
            grid.addWidget(label, r, 0)
            grid.addWidget(combo, r, 1)
            grid.addWidget(sample, r, 2)
            self.combos[f.key] = combo
            self.samples[f.key] = sample
        grid.setColumnStretch(2, 1)

        self.date_combo = QComboBox()
        self.date_combo.setMinimumWidth(320)
        self.date_combo.currentIndexChanged.connect(lambda _i: self._date_changed())
        self.date_edit = QLineEdit()
        self.date_edit.setPlaceholderText("e.g. %d/%m/%Y %H:%M:%S  (Python strptime codes)")
        self.date_edit.textChanged.connect(lambda _t: self._date_changed())
        self.date_note = _plain(QLabel())
        self.date_note.setObjectName("dateNote")
        self.problem = _plain(QLabel())
        tone(self.problem, "danger")
        self.choice_note = _plain(QLabel())
        self.choice_note.setObjectName("choiceNote")
        date_form = QFormLayout()
        date_form.addRow("Date format", self.date_combo)
        date_form.addRow("Your format", self.date_edit)
        self._date_form = date_form

        layout = QVBoxLayout(self)
        layout.addWidget(self.choice_note)
        layout.addLayout(grid)
        layout.addSpacing(8)
        layout.addLayout(date_form)
        layout.addWidget(self.date_note)
        layout.addWidget(self.problem)
        layout.addStretch(1)
        self._date_values: list[str] = []
        self._ambiguous: str | None = None
        self._filling = False

    # ----------------------------------------------------------------- set-up
    def initializePage(self) -> None:
        p = self._wiz.preview
        if p is None:
            return
        self._filling = True
        for f in self._wiz.spec.fields:
            combo = self.combos[f.key]
            combo.blockSignals(True)
            combo.clear()
            combo.addItem(NOT_MAPPED, "")
            for c in p.columns:
                combo.addItem(c, c)
            guess = p.guessed_mapping.get(f.key, "")
            combo.setCurrentIndex(max(combo.findData(guess), 0))
            combo.blockSignals(False)
        self._filling = False
        for f in self._wiz.spec.fields:
            self._update_sample(f.key)
        self._refresh_dates()

    def mapping(self) -> dict[str, str]:
        return {k: c.currentData() for k, c in self.combos.items() if c.currentData()}

    def date_format(self) -> str | None:
        """The strptime format chosen, or None for ISO 8601 (and real date cells)."""
        data = self.date_combo.currentData()
        if data == OTHER_FORMAT:
            return self.date_edit.text().strip() or None
        return None if data == ISO else (data or None)

    def _column_values(self, column: str) -> list[str]:
        p = self._wiz.preview
        if p is None or column not in p.columns:
            return []
        i = p.columns.index(column)
        return [r[i] for r in p.rows if i < len(r) and r[i].strip()]

    def _update_sample(self, key: str) -> None:
        column = self.combos[key].currentData()
        values = self._column_values(column) if column else []
        self.samples[key].setText(values[0] if values else "")

    def _column_changed(self, key: str) -> None:
        if self._filling:
            return
        self._update_sample(key)
        if any(f.key == key and f.is_date for f in self._wiz.spec.fields):
            self._refresh_dates()
        self._check()

    def _refresh_dates(self) -> None:
        """Offer the date formats that read the sampled values of the date columns."""
        p = self._wiz.preview
        date_keys = [f.key for f in self._wiz.spec.fields if f.is_date]
        columns = [self.combos[k].currentData() for k in date_keys if self.combos[k].currentData()]
        values: list[str] = []
        for c in columns:
            values.extend(self._column_values(c))
        non_iso = [v for v in values if not _is_iso(v)]
        guessed = [p.guessed_mapping.get(k) for k in date_keys] if p else []
        if not non_iso:
            formats: tuple[str, ...] = ()
        elif p is not None and p.date_formats and columns == [g for g in guessed if g]:
            formats = tuple(p.date_formats)  # checked by the reader on a bigger sample
        else:
            formats = candidate_formats(non_iso)
        self._date_values = non_iso
        self._ambiguous = ambiguous_example(formats, non_iso)
        mostly_iso = len(values) - len(non_iso) >= len(non_iso)  # also true with no values
        combo = self.date_combo
        combo.blockSignals(True)
        combo.clear()
        if self._ambiguous is not None:
            combo.addItem("Choose how to read the dates…", "")
        iso_item = "ISO 8601, as in the file (e.g. 2024-03-01 09:15)"
        some_iso = not values or len(non_iso) < len(values)
        if not formats and mostly_iso:
            combo.addItem(iso_item, ISO)
        example_value = self._ambiguous or (non_iso[0] if non_iso else "")
        for f in formats:
            example = format_example(f, example_value)
            combo.addItem(f"{f}   ('{example_value}' = {example})" if example else f, f)
        if some_iso and combo.findData(ISO) < 0:
            combo.addItem(iso_item, ISO)
        combo.addItem("Another format…", OTHER_FORMAT)
        if not formats and not mostly_iso:
            combo.setCurrentIndex(combo.findData(OTHER_FORMAT))
        else:
            combo.setCurrentIndex(0)
        combo.blockSignals(False)
        self._date_changed()

    def _date_changed(self) -> None:
        other = self.date_combo.currentData() == OTHER_FORMAT
        self.date_edit.setVisible(other)
        self._date_form.labelForField(self.date_edit).setVisible(other)
        fmt = self.date_format()
        if not [f for f in self._wiz.spec.fields if f.is_date]:
            self.date_note.setText("")
        elif self._ambiguous is not None and self.date_combo.currentData() == "":
            self.date_note.setText(
                f"The dates are ambiguous: '{self._ambiguous}' could be day/month or month/day. "
                "Choose the format the file uses.")
        elif other and not self._date_values and not fmt:
            self.date_note.setText("Type a format such as %d/%m/%Y %H:%M.")
        elif other:
            if not fmt:
                self.date_note.setText("No known format reads these dates; type the format they use, "
                                       "such as %d/%m/%Y %H:%M:%S.")
            else:
                sample = self._date_values[:200]
                bad = [v for v in sample if not format_example(fmt, v)]
                if not sample:
                    self.date_note.setText("")
                elif bad:
                    self.date_note.setText(f"{len(bad)} of the {len(sample)} sampled dates do not match "
                                           f"{fmt}, for example '{bad[0]}'.")
                else:
                    self.date_note.setText(f"'{sample[0]}' reads as {format_example(fmt, sample[0])}.")
        elif fmt is None:
            self.date_note.setText("Dates are ISO 8601 (or real Excel dates). Times without an offset are "
                                   "read in the plan's time zone.")
        else:
            v = self._date_values[0] if self._date_values else ""
            self.date_note.setText(f"'{v}' reads as {format_example(fmt, v)}." if v else "")
        self._check()

    def _check(self) -> None:
        self.problem.setText(self.problem_text() or "")
        self.choice_note.setText(self.choice_text())
        self.choice_note.setVisible(bool(self.choice_note.text()))
        self.completeChanged.emit()

    def choice_text(self) -> str:
        """Why a field was not guessed: several columns could hold it (until one is chosen)."""
        p = self._wiz.preview
        if p is None:
            return ""
        mapping = self.mapping()
        fields = {f.key: f for f in self._wiz.spec.fields}
        lines = []
        for key, columns in p.ambiguous.items():
            f = fields.get(key)
            if key in mapping or f is None:
                continue
            what = f"{f.label} ({f.hint.lower()})" if f.hint else f.label
            lines.append(f"Several columns could be the {what}: {', '.join(columns)}. "
                         "Choose one: the import will not guess.")
        return "\n".join(lines)

    def problem_text(self) -> str | None:
        mapping = self.mapping()
        missing = [f.label for f in self._wiz.spec.fields if f.required and f.key not in mapping]
        if missing:
            return "Choose a column for: " + ", ".join(missing) + "."
        used: dict[str, str] = {}
        for f in self._wiz.spec.fields:
            c = mapping.get(f.key)
            if c and c in used:
                return f"The column '{c}' is chosen for both {used[c]} and {f.label}."
            if c:
                used[c] = f.label
        if [f for f in self._wiz.spec.fields if f.is_date]:
            data = self.date_combo.currentData()
            if data == "":
                return "Choose the date format."
            if data == OTHER_FORMAT and not self.date_edit.text().strip():
                return "Type the date format."
        return None

    def isComplete(self) -> bool:
        return self._wiz.preview is not None and self.problem_text() is None

    def show_notice(self, text: str) -> None:
        self.problem.setText(text)

    def validatePage(self) -> bool:
        return self._wiz.read_then_continue(self)

    def nextId(self) -> int:
        return self._wiz.after_read_id()


#: at most one progress report per this many seconds: each report is a Python call on
#: the GUI thread, and each costs it a wait for the GIL while the worker runs
PROGRESS_INTERVAL_S = 0.1


def throttled(progress) -> ProgressFn:
    """``progress.report`` for a worker, sent at most every ``PROGRESS_INTERVAL_S``
    (always when done == total); the cancel check stays on every call."""
    last = [0.0]

    def report(done: int, total: int) -> None:
        now = time.monotonic()
        if done >= total > 0 or now - last[0] >= PROGRESS_INTERVAL_S:
            last[0] = now
            progress.report(done, total)
        elif progress.cancelled:
            progress.report(done, total)  # raises the runner's Cancelled

    return report


def _is_iso(value: str) -> bool:
    try:
        datetime.fromisoformat(value)
    except ValueError:
        return value.endswith((" UTC", " GMT")) and _is_iso(value[:-4] + "+00:00")
    return True


class ReportPage(QWizardPage):
    """What was stored, or why nothing was."""

    def __init__(self, wizard: ImportWizard):
        super().__init__()
        self._wiz = wizard
        self.setTitle("Import report")
        self.headline = _plain(QLabel())
        self.headline.setObjectName("reportHeadline")
        self.summary = _plain(QLabel())
        self.model = ProblemModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.setWordWrap(False)
        hh = self.table.horizontalHeader()
        hh.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        hh.setStretchLastSection(True)
        for col, width in enumerate((70, 130, 150)):
            self.table.setColumnWidth(col, width)
        self.more = _plain(QLabel())
        layout = QVBoxLayout(self)
        layout.addWidget(self.headline)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 10)
        layout.addWidget(self.more)
        layout.addStretch(1)  # keeps the text at the top when there is no table
        self.setFinalPage(True)

    def initializePage(self) -> None:
        report = self._wiz.report
        if report is None:
            return
        tone(self.headline, "ok" if report.stored else "danger", "font-weight:bold; font-size:15px;")
        self.headline.setText("Imported." if report.stored else "Nothing was stored.")
        self.summary.setText("\n".join(report.lines))
        self.model.set_rows(report.problems)
        self.table.setVisible(bool(report.problems))
        extra = report.total_problems - len(report.problems)
        self.more.setText(f"…and {extra} more problems. Fix the file (or go Back and change the mapping), "
                          "then import again." if extra > 0 else
                          ("Fix the file (or go Back and change the mapping), then import again."
                           if not report.stored else ""))

    def nextId(self) -> int:
        return -1


# --------------------------------------------------------------------------- the wizard

class ImportWizard(QWizard):
    FILE, MAPPING, EXTRA, REPORT = range(4)

    #: Emitted on the GUI thread after a successful commit, with the commit's result.
    imported = Signal(object)
    #: Emitted when a worker step ends (read, commit, cancel or failure): tests wait on it.
    stepFinished = Signal(str)

    def __init__(self, spec: ImportSpec, tasks, parent: QWidget | None = None):
        super().__init__(parent)
        self.spec = spec
        self.tasks = tasks
        self.setWindowTitle(spec.title)
        self.setWizardStyle(QWizard.WizardStyle.ClassicStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnStartPage, True)
        self.setOption(QWizard.WizardOption.HaveHelpButton, False)
        self.resize(860, 600)
        self.file_page = FilePage(self)
        self.mapping_page = MappingPage(self)
        self.extra_page = spec.extra_page() if spec.extra_page else None
        self.report_page = ReportPage(self)
        self.setPage(self.FILE, self.file_page)
        self.setPage(self.MAPPING, self.mapping_page)
        if self.extra_page is not None:
            self.setPage(self.EXTRA, self.extra_page)
        else:
            self.mapping_page.setButtonText(QWizard.WizardButton.NextButton, "Import")
        self.setPage(self.REPORT, self.report_page)
        self.setStartId(self.FILE)
        self.request: ImportRequest | None = None
        self.report: ImportReport | None = None
        self.result: Any = None
        self._read_key: tuple | None = None
        self._proceed = False
        self._busy = False
        self._task = None
        self._close_requested = False
        self._preview_serial = 0
        self._previews = 0

    # ----------------------------------------------------------------- state
    @property
    def preview(self) -> LogPreview | None:
        return self.file_page.preview

    @property
    def busy(self) -> bool:
        return self._busy

    def set_path(self, path: str | Path | Sequence[str | Path]) -> None:
        """Choose a file, or several (when the spec takes several)."""
        self.file_page.set_path(str(path) if isinstance(path, (str, Path)) else [str(p) for p in path])

    def preview_changed(self) -> None:
        self._read_key = None

    def after_read_id(self) -> int:
        if self.report is not None and not self.report.stored:
            return self.REPORT
        return self.EXTRA if self.extra_page is not None else self.REPORT

    def _settings(self) -> tuple:
        p = self.preview
        needs = self.spec.needs_mapping(p)
        mapping = self.mapping_page.mapping() if needs else dict(p.guessed_mapping)
        date_format = self.mapping_page.date_format() if needs else None
        return (p.paths or p.path, p.sheet, p.delimiter if p.format == "csv" else None,
                tuple(sorted(mapping.items())), date_format)

    # ----------------------------------------------------------------- workers
    def preview_file(self, path: str | tuple[str, ...], sheet: str | None, delimiter: str | None,
                     done: Callable[[str, Any], None]) -> None:
        self._preview_serial += 1
        serial = self._preview_serial
        spec = self.spec
        self._previews += 1
        self.setCursor(Qt.CursorShape.BusyCursor)  # reading the first rows; the wizard stays usable

        def work(_progress):
            try:
                return spec.preview(path, sheet, delimiter)
            except LogError as exc:
                return exc

        def finished(outcome):
            self._previews -= 1
            if not self._previews and not self._busy:
                self.unsetCursor()
            if serial == self._preview_serial:
                done(path, outcome)
            self.stepFinished.emit("preview")

        self.tasks.run("Reading the file…", work, on_done=finished, show_dialog=False, workspace=False,
                       on_error=lambda msg: finished(LogError([Problem(source_name(path), None, None, None, msg)])))

    def read_then_continue(self, page: QWizardPage) -> bool:
        """validatePage of the page before the read: read in a worker, then go on."""
        if self._proceed:
            self._proceed = False
            return True
        if self._busy or self.preview is None:
            return False
        self.report = None
        key = self._settings()
        if key == self._read_key and self.request is not None:
            if self.extra_page is not None:
                return True
            # nothing between reading and committing: commit now
            self._commit(self.request)
            return False
        path, sheet, delimiter, mapping, date_format = key
        mapping = dict(mapping)
        spec = self.spec
        preview = self.preview

        def work(progress):
            try:
                records = spec.read(path, mapping, date_format, sheet, throttled(progress),
                                    lambda: progress.cancelled, delimiter)
            except LogError as exc:
                return exc
            except ReadCancelled:
                return None  # progress.cancelled is set: the runner reports a cancel
            return records

        def done(outcome):
            if isinstance(outcome, LogError):
                self._fail(outcome, "read")
                return
            self.request = ImportRequest(preview.path, sheet, delimiter, mapping, date_format, preview, outcome,
                                         paths=preview.paths)
            self._read_key = key
            self.report = None
            if self.extra_page is not None:
                self.extra_page.set_records(self.request)
                self._advance("read")
            else:
                self.stepFinished.emit("read")
                self._commit(self.request)

        self.report = None
        self._run(f"Reading {source_name(path)}…", work, "read", page, done)
        return False

    def commit_from_extra(self) -> bool:
        """validatePage of the extra page: commit in a worker, then show the report."""
        if self._proceed:
            self._proceed = False
            return True
        if self._busy or self.request is None:
            return False
        extra = self.extra_page.options() if self.extra_page is not None else {}
        self.request = replace(self.request, extra=extra)
        self._commit(self.request)
        return False

    def _commit(self, request: ImportRequest) -> None:
        spec = self.spec
        total = len(request.records)
        state: dict[str, Any] = {}

        def work(progress):
            try:
                result = spec.commit(request, throttled(progress), lambda: progress.cancelled)
            except LogError as exc:
                return ("error", exc)
            except ReadCancelled:
                return None  # progress.cancelled is set: the runner reports a cancel
            if progress.cancelled and spec.discard is not None:
                # Cancel pressed as the commit ended: take the rows back out, so that
                # "nothing was stored" stays true.
                spec.discard(request, result)
                return None
            state["result"] = result  # stored: a cancel arriving now is too late
            return ("ok", result)

        def done(outcome):
            kind, value = outcome
            if kind == "error":
                self._fail(value, "commit")
                return
            self.result = value
            self.report = ImportReport(True, tuple(spec.summarise(request, value)), result=value)
            if spec.accepted is not None:
                spec.accepted(request, value)
            if self.extra_page is not None:
                self.extra_page.setCommitPage(True)  # Back is disabled after a stored import
            else:
                self.mapping_page.setCommitPage(True)
                self.file_page.setCommitPage(True)
            self.imported.emit(value)
            self._advance("commit")

        def cancelled():
            if "result" in state:
                done(("ok", state["result"]))
            else:
                self._cancelled(self.currentPage(), "commit")

        self._run(f"Storing {total:,} {spec.noun}…", work, "commit", self.currentPage(), done, cancelled)

    def _run(self, title: str, work, step: str, page: QWizardPage | None, on_done,
             on_cancel: Callable[[], None] | None = None) -> None:
        """Run a read or commit in a worker with the cancellable progress dialog.

        While it runs, Back and Next are off; Cancel (or closing the wizard) cancels
        the worker first and closes the wizard once it has stopped.
        """
        def finish(handler):
            def call(*args):
                self._busy = False
                self._task = None
                if not self._previews:
                    self.unsetCursor()
                handler(*args)
                if self._busy:
                    return  # the handler started the next step (a commit right after the read)
                if self.currentPage() is not None:
                    self.currentPage().completeChanged.emit()  # lets QWizard set the buttons again
                if self._close_requested:
                    self._close_requested = False
                    QWizard.reject(self)
            return call

        self._busy = True
        self.setCursor(Qt.CursorShape.BusyCursor)
        for which in (QWizard.WizardButton.BackButton, QWizard.WizardButton.NextButton,
                      QWizard.WizardButton.FinishButton):
            self.button(which).setEnabled(False)
        self._task = self.tasks.run(
            title, work, on_done=finish(on_done),
            on_error=finish(lambda msg: self._crashed(msg, step)),
            on_cancel=finish(on_cancel or (lambda: self._cancelled(page, step))))

    def reject(self) -> None:
        if self._busy and self._task is not None:
            self._close_requested = True  # closes once the worker has stopped
            self._task.cancel()
            return
        super().reject()

    # ----------------------------------------------------------------- outcomes
    def _advance(self, step: str) -> None:
        self._proceed = True
        self.next()
        self._proceed = False
        self.stepFinished.emit(step)

    def _fail(self, error: LogError, step: str) -> None:
        problems = error.problems
        shown = tuple(problems[:MAX_SHOWN_PROBLEMS])
        n = len(problems)
        lines = [f"{n} problem{'s' if n != 1 else ''} found in {source_name(self.preview.paths or self.preview.path)}; "
                 f"the import is all or nothing, so nothing was stored."]
        self.report = ImportReport(False, tuple(lines), shown, n)
        self._advance(step)

    def _crashed(self, message: str, step: str) -> None:
        name = source_name(self.preview.paths or self.preview.path) if self.preview else ""
        self._fail(LogError([Problem(name, None, None, None, message)]), step)

    def _cancelled(self, page: QWizardPage | None, step: str) -> None:
        if step == "commit":
            text = "Import cancelled: nothing was stored."
        else:
            text = "Reading cancelled."
        if page is not None and hasattr(page, "show_notice"):
            page.show_notice(text)
        self.stepFinished.emit("cancelled")

