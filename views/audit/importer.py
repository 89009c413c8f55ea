"""The audit's log import: the generic import wizard configured with the log
readers, plus a page that maps every status found to a department and a kind.

The stage map chosen on that page is stored with the log in one transaction
(``store.store_import``) and so is remembered for the plan; the whole import is
one undo step (``ImportLog``).
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta, tzinfo
from pathlib import Path
from typing import Any, Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
)

from models.audit import readers, store
from models.audit.analysis import Stage, Transition
from models.audit.log_rows import align_statuses, flow_facts, status_key
from models.audit.readers import LogError
from views.audit.commands import ImportLog, discard_import, store_in_worker
from models.audit.kinds import guess_kind
from views.audit.tables import StageDelegate, StageMapModel, StageRow
from views.common.document import WorkspaceDocument
from views.common.style import tone
from views.common.import_wizard import (
    ExtraPage, ImportRequest, ImportSpec, ImportWizard, MappedField, source_name,
)

LOG_FIELDS = (
    MappedField("item", "Item id", required=True, hint="The work item's key, e.g. SHOP-123"),
    MappedField("at", "Timestamp", required=True, is_date=True, hint="When the status changed"),
    MappedField("from", "From status", hint="Empty on the row that creates the item"),
    MappedField("to", "To status", required=True, hint="The status the item entered"),
    MappedField("title", "Title"),
    MappedField("type", "Type", hint="Story, bug, campaign…"),
    MappedField("created", "Created", is_date=True,
                hint="When the item was created: each item then gets a creation row, and rows with no "
                     "status change describe items that never moved"),
    MappedField("status", "Current status", hint="The status of an item that never moved (with Created)"),
)


@dataclass(frozen=True)
class LogFacts:
    """Read in the worker with the log, so the GUI thread never loops over 100,000 rows."""

    items: int
    first: datetime | None
    last: datetime | None
    #: status -> rows using it (from or to), in flow order (mean position in an item's history)
    statuses: tuple[tuple[str, int], ...]
    #: rows dated after today (a wrong date format, a wrong time zone, or test data), and the latest
    future: int = 0
    today: date | None = None


def end_of_day(day: date, tz: tzinfo | None) -> datetime:
    """The first moment after *day* in *tz* (the computer's zone when None)."""
    after = datetime.combine(day + timedelta(days=1), time.min)
    return after.replace(tzinfo=tz) if tz is not None else after.astimezone()


@dataclass(frozen=True)
class StoredImport:
    info: store.ImportInfo
    previous: dict[str, Stage]
    new_statuses: int
    #: the rows stored: the log's, statuses spelt as in the stage map
    records: readers.TransitionList


def log_facts(transitions: list[Transition], today: date | None = None, tz: tzinfo | None = None) -> LogFacts:
    """Counts, items, date range, the rows dated after *today* (in *tz*) and the statuses in
    flow order, worked out by the column (``models.audit.log_rows.flow_facts``): a million
    rows take no Python loop and leave no per-item lists for the garbage collector to walk."""
    after = end_of_day(today, tz) if today is not None else None
    return LogFacts(*flow_facts(transitions, after), today)


class StatusMapPage(ExtraPage):
    """Map every status found in the log to a department and a kind."""

    def __init__(self, doc: WorkspaceDocument, plan_id: int):
        super().__init__()
        self.doc = doc
        self.plan_id = plan_id
        self.setTitle("Map every status")
        self.setSubTitle("Give each status its department and kind: active (someone works on it), queue (it "
                         "waits) or done (it left the flow). The map is remembered for this plan.")
        self.model = StageMapModel(edit=self._edit, parent=self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setItemDelegate(StageDelegate(self.model, self.table))
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.AllEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.table.verticalHeader().setVisible(False)
        hh = self.table.horizontalHeader()
        hh.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        hh.setStretchLastSection(True)
        for col, width in enumerate((230, 200, 170)):
            self.table.setColumnWidth(col, width)
        self.load_button = QPushButton("Fill from a stage-map CSV…")
        self.load_button.setToolTip("A CSV with the columns status, department, kind")
        self.load_button.clicked.connect(self.load_csv)
        self.summary = QLabel()
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        self.summary.setWordWrap(True)
        self.problem = QLabel()
        self.problem.setTextFormat(Qt.TextFormat.PlainText)
        self.problem.setWordWrap(True)
        tone(self.problem, "danger")
        # rows dated after today: said with their count, imported only once the user agrees
        self.future = QLabel()
        self.future.setTextFormat(Qt.TextFormat.PlainText)
        self.future.setWordWrap(True)
        tone(self.future, "warning")
        self.future_ok = QCheckBox("Import them &anyway")
        self.future_ok.toggled.connect(lambda _on: self.completeChanged.emit())
        future_row = QHBoxLayout()
        future_row.addWidget(self.future, 1)
        future_row.addWidget(self.future_ok, 0, Qt.AlignmentFlag.AlignTop)
        row = QHBoxLayout()
        row.addWidget(self.summary, 1)
        row.addWidget(self.load_button)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addLayout(future_row)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.problem)
        self._future = 0
        self._show_future(None)
        self._stored: dict[str, Stage] = {}
        self._rows: list[StageRow] = []

    # ----------------------------------------------------------------- data
    def set_records(self, request: ImportRequest) -> None:
        facts: LogFacts = request.records.facts
        self._stored = store.get_stage_map(self.doc.ws, self.plan_id)
        stored = {status_key(s): st for s, st in self._stored.items()}
        rows = []
        for status, count in facts.statuses:
            known = stored.get(status_key(status))
            if known is not None:  # the stage map's spelling wins
                rows.append(StageRow(known.status, known.department, known.kind, count))
            else:
                rows.append(StageRow(status, "", guess_kind(status), count, new=True))
        self._rows = rows
        self.model.set_rows(rows)
        new = sum(r.new for r in rows)
        self.summary.setText(
            f"{len(rows)} statuses found in {facts.items:,} items"
            + (f"; {new} are new to this plan (in bold): check the kind guessed and give each a department."
               if new else "; all are in the plan's stage map already."))
        self._show_future(facts)
        self._changed()

    def _show_future(self, facts: LogFacts | None) -> None:
        self._future = facts.future if facts is not None else 0
        n = self._future
        if n:
            when = f"today ({facts.today:%d %b %Y})" if facts.today else "today"
            self.future.setText(
                f"⚠ {n:,} event{'s are' if n != 1 else ' is'} dated after {when}, the latest on "
                f"{facts.last:%d %b %Y %H:%M}. A log from the future usually means the wrong date format or "
                "time zone (go Back to change them); the figures would count up to that moment.")
        else:
            self.future.setText("")
        self.future_ok.setChecked(False)
        self.future.setVisible(bool(n))
        self.future_ok.setVisible(bool(n))

    def future_events(self) -> int:
        """How many events of the log are dated after today (they need the user's consent)."""
        return self._future

    def _edit(self, row: int, key: str, value: Any) -> bool:
        self._rows[row] = replace(self._rows[row], **{key: value})
        self.model.set_rows(self._rows)
        self._changed()
        return True

    def load_csv(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Stage map CSV", str(Path.home()),
                                              "CSV files (*.csv *.txt);;All files (*)")
        if not path:
            return
        self.fill_from(path)

    def fill_from(self, path: str) -> None:
        try:
            stages = readers.read_stage_map_csv(path)
        except LogError as exc:
            self.problem.setText(f"That stage map cannot be used:\n{exc}")
            return
        by_key = {status_key(s): st for s, st in stages.items()}
        hits = 0
        for i, r in enumerate(self._rows):
            st = by_key.get(status_key(r.status))
            if st is not None:
                self._rows[i] = replace(r, status=st.status, department=st.department, kind=st.kind)
                hits += 1
        self.model.set_rows(self._rows)
        self._changed()
        self.summary.setText(f"Filled {hits} of {len(self._rows)} statuses from {Path(path).name}.")

    def missing(self) -> list[str]:
        return [r.status for r in self._rows if r.kind != "done" and not r.department.strip()]

    def _changed(self) -> None:
        missing = self.missing()
        kinds = {r.kind for r in self._rows}
        if missing:
            shown = ", ".join(missing[:4]) + (" …" if len(missing) > 4 else "")
            self.problem.setText(f"{len(missing)} status{'es' if len(missing) != 1 else ''} still need "
                                 f"a department: {shown}")
        elif not {"active", "queue"} <= kinds:
            self.problem.setText("Note: the findings need at least one active and one queue status.")
        else:
            self.problem.setText("")
        self.completeChanged.emit()

    def isComplete(self) -> bool:
        return bool(self._rows) and not self.missing() and (not self._future or self.future_ok.isChecked())

    def show_notice(self, text: str) -> None:
        self.problem.setText(text)

    def stages(self) -> list[Stage]:
        """The plan's map after this import: stored statuses (updated), then the new ones."""
        found = {status_key(r.status): r for r in self._rows}
        out = [found.pop(status_key(s)).stage() if status_key(s) in found else st
               for s, st in self._stored.items()]
        out.extend(r.stage() for r in found.values())  # the new ones
        return out

    def options(self) -> dict[str, Any]:
        return {"stages": self.stages(), "new_statuses": sum(r.new for r in self._rows)}


def audit_import_spec(doc: WorkspaceDocument, plan_id: int,
                      today: Callable[[], date] = date.today) -> ImportSpec:
    """The log import of the Audit page, for the plan *plan_id*; events after ``today()`` (in
    the plan's time zone) are counted and need the user's consent."""
    ws = doc.ws
    tz = store.plan_timezone(ws, plan_id)
    last = store.active_import(ws, plan_id)
    remembered = dict(last.settings.get("mapping") or {}) if last is not None else {}

    def preview(path, sheet=None, delimiter=None):
        p = readers.preview(path, sheet, delimiter=delimiter)
        # the mapping used for this plan's last import wins over the guess when it fits
        if p.format != "jira" and remembered and all(c in p.columns for c in remembered.values()):
            guess = dict(remembered)
            formats = p.date_formats
            if guess.get("at") != p.guessed_mapping.get("at"):
                formats = ()  # recomputed by the mapping page for this column
            p = replace(p, guessed_mapping=guess, date_formats=formats,
                        ambiguous={f: c for f, c in p.ambiguous.items() if f not in guess})
        return p

    def read(path, mapping, date_format, sheet, progress, is_cancelled, delimiter=None):
        records = readers.read_transitions(path, mapping, date_format, sheet, tz=tz, progress=progress,
                                           is_cancelled=is_cancelled, delimiter=delimiter)
        records.facts = log_facts(records, today(), tz)
        return records

    def settings(request: ImportRequest) -> dict:
        p = request.preview
        out = {"mapping": request.mapping if p.format != "jira" else {}, "date_format": request.date_format,
               "sheet": request.sheet, "delimiter": request.delimiter, "encoding": p.encoding}
        if request.paths:
            out["files"] = list(request.paths)
        return out

    def commit(request: ImportRequest, progress, is_cancelled) -> StoredImport:
        stages = request.extra["stages"]
        records = align_statuses(request.records, [st.status for st in stages])
        info, previous = store_in_worker(
            ws, plan_id, stages, records, source=request.path,
            format=request.preview.format, settings=settings(request), progress=progress,
            is_cancelled=is_cancelled)
        return StoredImport(info, previous, request.extra.get("new_statuses", 0), records)

    def discard(request: ImportRequest, result: StoredImport) -> None:
        discard_import(ws, plan_id, (result.info, result.previous))

    def accepted(request: ImportRequest, result: StoredImport) -> None:
        doc.execute(ImportLog(doc, plan_id, request.extra["stages"], result.records,
                              source=request.path, format=request.preview.format,
                              settings=settings(request), stored=(result.info, result.previous)))

    def summarise(request: ImportRequest, result: StoredImport) -> list[str]:
        facts: LogFacts = request.records.facts
        info = result.info
        lines = [f"{info.row_count:,} transitions of {facts.items:,} items imported from "
                 f"{source_name(request.paths or request.path)}."]
        if facts.first and facts.last:
            lines.append(f"They run from {facts.first:%Y-%m-%d %H:%M} to {facts.last:%Y-%m-%d %H:%M} "
                         f"({(facts.last - facts.first).days} days).")
        lines.extend(request.records.notes())
        if facts.future:
            lines.append(f"{facts.future:,} of them are dated after today, as you agreed; the figures count up to "
                         f"{facts.last:%Y-%m-%d %H:%M}.")
        n = len(request.extra["stages"])
        lines.append(f"The stage map ({n} statuses, {result.new_statuses} new) is remembered for this plan.")
        previous = last is not None
        lines.append("This log is now the plan's active log" + (", replacing the previous import" if previous
                                                                 else "") +
                     ". Edit ▸ Undo takes it back out.")
        return lines

    return ImportSpec(
        title="Import a work-item log",
        fields=LOG_FIELDS,
        preview=preview,
        read=read,
        commit=commit,
        discard=discard,
        accepted=accepted,
        summarise=summarise,
        intro="One row per status change (item, timestamp, from, to): CSV in any delimiter or encoding, "
              "an Excel .xlsx sheet, or Jira JSON saved with expand=changelog (choose several files for "
              "the pages of one search).",
        extra_page=lambda: StatusMapPage(doc, plan_id),
        noun="transitions",
        multiple_files=True,
    )


def open_import_wizard(doc: WorkspaceDocument, plan_id: int, tasks, parent=None,
                       today: Callable[[], date] = date.today) -> ImportWizard:
    """Build the wizard (not shown); the caller opens it."""
    return ImportWizard(audit_import_spec(doc, plan_id, today), tasks, parent)
