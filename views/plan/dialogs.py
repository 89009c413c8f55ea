"""Plan dialogs: the New Plan wizard, the Edit plan form and the Add milestone form."""
from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QDateEdit,
    QDialog,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
    QWizard,
    QWizardPage,
)

from models.plan.entities import MILESTONE
from models.plan.info import STEP_NAMES, STEPS
from models.plan.service import DEFAULT_HORIZON, MilestoneDraft, PhaseInfo, PlanDraft, PlanInfo, default_phases
from views.common.row_dialog import ok_cancel
from views.common.style import tone
from views.plan.labelled import LabelledRowDialog


def to_qdate(d: date) -> QDate:
    return QDate(d.year, d.month, d.day)


def from_qdate(q: QDate) -> date:
    return date(q.year(), q.month(), q.day())


def date_edit(d: date) -> QDateEdit:
    edit = QDateEdit(to_qdate(d))
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("yyyy-MM-dd")
    return edit


class PhaseEditor(QGroupBox):
    """Start, end and goal for each of the three steps."""

    def __init__(self, phases: dict[str, tuple[date, date, str]], parent=None):
        super().__init__("The three steps", parent)
        grid = QGridLayout(self)
        grid.addWidget(QLabel("<b>Step</b>"), 0, 0)
        grid.addWidget(QLabel("<b>Start</b>"), 0, 1)
        grid.addWidget(QLabel("<b>End</b>"), 0, 2)
        grid.addWidget(QLabel("<b>Goal</b>"), 0, 3)
        self.rows: dict[str, tuple[QDateEdit, QDateEdit, QLineEdit]] = {}
        for r, step in enumerate(STEPS, start=1):
            start, end, goal = phases[step]
            s, e, g = date_edit(start), date_edit(end), QLineEdit(goal)
            g.setCursorPosition(0)
            g.setToolTip(goal)
            g.setMinimumWidth(260)
            grid.addWidget(QLabel(STEP_NAMES[step]), r, 0)
            grid.addWidget(s, r, 1)
            grid.addWidget(e, r, 2)
            grid.addWidget(g, r, 3)
            self.rows[step] = (s, e, g)

    def set_phases(self, phases: dict[str, tuple[date, date, str]]) -> None:
        for step, (start, end, _goal) in phases.items():
            s, e, _g = self.rows[step]
            s.setDate(to_qdate(start))
            e.setDate(to_qdate(end))

    def values(self) -> dict[str, tuple[date, date, str]]:
        return {step: (from_qdate(s.date()), from_qdate(e.date()), g.text().strip())
                for step, (s, e, g) in self.rows.items()}

    def problem(self) -> str | None:
        for step, (start, end, _goal) in self.values().items():
            if end < start:
                return f"{STEP_NAMES[step]} ends before it starts."
        return None


class NewPlanWizard(QWizard):
    """Name → start date and Revenue Architect → the three phases."""

    def __init__(self, today: date | None = None, parent=None):
        super().__init__(parent)
        self.setWindowTitle("New plan")
        self.setMinimumWidth(720)  # as wide as its widest page from the start: it does not grow on page 3
        today = today or date.today()

        p1 = QWizardPage()
        p1.setTitle("Name the transformation")
        p1.setSubTitle("One plan is one 90-day transformation of how the business ships.")
        f1 = QFormLayout(p1)
        self.name = QLineEdit()
        self.name.setPlaceholderText("e.g. Digital Flagship 90-day transformation")
        self.organisation = QLineEdit()
        self.sponsor = QLineEdit()
        # Alt+N, B and F are the wizard's Next, Back and Finish; O and C are left to OK and Cancel
        f1.addRow("&Plan name*", self.name)
        f1.addRow("Or&ganisation", self.organisation)
        f1.addRow("&Sponsor", self.sponsor)
        p1.registerField("name*", self.name)

        p2 = QWizardPage()
        p2.setTitle("When, and who owns it")
        p2.setSubTitle("The Revenue Architect owns the transformation across marketing and IT, "
                       "between the CMO and the CTO.")
        f2 = QFormLayout(p2)
        self.start = date_edit(today)
        self.horizon = QSpinBox()
        self.horizon.setRange(7, 730)
        self.horizon.setValue(DEFAULT_HORIZON)
        self.horizon.setSuffix(" days")
        self.architect = QLineEdit()
        f2.addRow("&Start date", self.start)
        f2.addRow("Hori&zon", self.horizon)
        f2.addRow("&Revenue Architect", self.architect)

        p3 = QWizardPage()
        p3.setTitle("The three steps")
        p3.setSubTitle("Audit first, pilot one squad, then empower with low-code. Steps may overlap.")
        v3 = QVBoxLayout(p3)
        self.phases = PhaseEditor(default_phases(today))
        v3.addWidget(self.phases)
        self.phase_problem = QLabel()
        tone(self.phase_problem, "danger")
        v3.addWidget(self.phase_problem)
        p3.isComplete = self._phases_ok  # type: ignore[method-assign]
        for s, e, _g in self.phases.rows.values():
            s.dateChanged.connect(p3.completeChanged)
            e.dateChanged.connect(p3.completeChanged)

        self.start.dateChanged.connect(self._reset_phases)
        self.horizon.valueChanged.connect(self._reset_phases)
        for page in (p1, p2, p3):
            self.addPage(page)

    def _reset_phases(self) -> None:
        self.phases.set_phases(default_phases(from_qdate(self.start.date()), self.horizon.value()))

    def _phases_ok(self) -> bool:
        problem = self.phases.problem()
        self.phase_problem.setText(problem or "")
        return problem is None

    def draft(self) -> PlanDraft:
        return PlanDraft(
            name=self.name.text().strip(), start=from_qdate(self.start.date()),
            organisation=self.organisation.text().strip(), sponsor=self.sponsor.text().strip(),
            revenue_architect=self.architect.text().strip(), horizon_days=self.horizon.value(),
            phases=self.phases.values(),
        )


class EditPlanDialog(QDialog):
    def __init__(self, plan: PlanInfo, phases: list[PhaseInfo], parent=None):
        super().__init__(parent)
        self.setWindowTitle("Edit plan")
        self.plan = plan
        self.phase_ids = {p.step: p.id for p in phases}
        self.original = {p.step: (p.start, p.end, p.goal) for p in phases}
        form = QFormLayout()
        self.name = QLineEdit(plan.name)
        self.organisation = QLineEdit(plan.organisation)
        self.sponsor = QLineEdit(plan.sponsor)
        self.architect = QLineEdit(plan.revenue_architect)
        self.start = date_edit(plan.start)
        self.horizon = QSpinBox()
        self.horizon.setRange(7, 730)
        self.horizon.setValue(plan.horizon_days)
        self.horizon.setSuffix(" days")
        form.addRow("Plan &name", self.name)
        form.addRow("Or&ganisation", self.organisation)
        form.addRow("&Sponsor", self.sponsor)
        form.addRow("&Revenue Architect", self.architect)
        form.addRow("S&tart date", self.start)
        form.addRow("&Horizon", self.horizon)
        self.phases = PhaseEditor(self.original)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.phases)
        layout.addWidget(ok_cancel(self))

    def changes(self) -> tuple[dict, dict]:
        new = {
            "name": self.name.text().strip(), "organisation": self.organisation.text().strip(),
            "sponsor": self.sponsor.text().strip(), "revenue_architect": self.architect.text().strip(),
            "start": from_qdate(self.start.date()), "horizon_days": self.horizon.value(),
        }
        plan_changes = {k: v for k, v in new.items() if getattr(self.plan, k) != v}
        phase_changes = {}
        for step, (start, end, goal) in self.phases.values().items():
            old = self.original[step]
            diff = {k: v for k, v, o in zip(("start", "end", "goal"), (start, end, goal), old) if v != o}
            if diff:
                phase_changes[self.phase_ids[step]] = diff
        return plan_changes, phase_changes


class AddMilestoneDialog(LabelledRowDialog):
    """Title, step, owner and due date, from the declared milestone fields."""

    def __init__(self, default_due: date, parent=None):
        super().__init__(MILESTONE, {"step": STEPS[0], "due": default_due}, title="Add milestone",
                         keys=("title", "step", "owner", "due"), labels={"step": STEP_NAMES}, parent=parent)

    def draft(self) -> MilestoneDraft:
        return MilestoneDraft(**self.values())
