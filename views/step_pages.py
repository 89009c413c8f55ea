"""Pages that later issues fill. Until then each says plainly what will come,
and shows only real data from the plan (its phase dates, goal and milestones)."""
from __future__ import annotations

from datetime import date
from typing import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from models.plan.service import list_milestones, list_phases
from views.common.document import WorkspaceDocument

COMING = {
    "audit": ("1 · Audit bottlenecks",
              "Where does work stall, and between which departments? This page will import work-item logs "
              "(CSV, XLSX, Jira JSON), map each status to a department and to active, queue or done time, and "
              "measure the wait at every handoff: the silo tax. It will propose the handoff to attack first."),
    "squad": ("2 · Pilot one squad",
              "One cross-functional growth squad, one metric, 90 days. This page will hold the charter, the "
              "members and their roles, weekly check-ins, changes shipped, the forecast and the day-90 verdict."),
    "lowcode": ("3 · Empower with low-code",
                "Marketers ship most ideas self-serve; developers keep the complex work. This page will keep the "
                "ledger of requests, their route and lead time, the tools in use, and the self-serve share "
                "against its target."),
    "ownership": ("Ownership",
                  "Who is responsible and who is accountable for shared functions such as order management, "
                  "across front, middle and back of house. This page will hold the RACI map and flag capabilities "
                  "that nobody, or everybody, owns."),
    "export": ("Export",
               "The status pack stakeholders read instead of the app: an Excel workbook with native charts, "
               "filterable tables and pages that print. This page will choose the sheets and write the pack."),
}


class ComingPage(QWidget):
    def __init__(self, doc: WorkspaceDocument, key: str, today: Callable[[], date] = date.today, parent=None):
        super().__init__(parent)
        self.doc = doc
        self.key = key
        self._today = today
        title, text = COMING[key]
        heading = QLabel(title)
        heading.setObjectName("pageTitle")
        self.phase_label = QLabel()
        self.phase_label.setTextFormat(Qt.TextFormat.PlainText)
        self.phase_label.setWordWrap(True)
        intro = QLabel(text)
        intro.setWordWrap(True)
        notice = QLabel("Not built yet in this version: nothing on this page is sample data.")
        notice.setObjectName("muted")
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(self.phase_label)
        layout.addWidget(intro)
        layout.addWidget(notice)
        layout.addStretch(1)
        doc.changed.connect(self.refresh)

    def refresh(self) -> None:
        plan = self.doc.plan()
        if plan is None or self.key not in ("audit", "squad", "lowcode"):
            self.phase_label.setText("")
            return
        phase = next((p for p in list_phases(self.doc.ws, plan.id) if p.step == self.key), None)
        ms = [m for m in list_milestones(self.doc.ws, plan.id) if m.step == self.key]
        if phase is None:
            self.phase_label.setText("")
            return
        done = sum(m.status == "done" for m in ms)
        self.phase_label.setText(
            f"{phase.start:%d %b} → {phase.end:%d %b %Y}   ·   {done} of {len(ms)} milestones done\n"
            f"Goal: {phase.goal or '(none yet)'}")
