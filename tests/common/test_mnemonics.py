"""Desktop habit: in every dialog and wizard page, each Alt+letter reaches one thing.

Walks every label with a buddy and every visible button (the wizard's Back, Next and
Finish included) of each dialog the plan, ownership and low-code rooms open. OK and
Cancel count as O and C even where this platform gives them no mnemonic: GNOME and KDE do.
"""
from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtWidgets import QAbstractButton, QDialogButtonBox, QGroupBox, QLabel, QWidget, QWizard

from models.lowcode.service import RequestDraft
from views.common.row_dialog import mnemonic
from views.lowcode.dialogs import RequestDialog, ToolDialog
from views.ownership.dialogs import CapabilityDialog
from views.plan.dialogs import AddMilestoneDialog, EditPlanDialog, NewPlanWizard

TODAY = date(2026, 3, 16)


def letters(top: QWidget, within: QWidget | None = None) -> list[tuple[str, str]]:
    """(letter, text) of every mnemonic a user can reach in *top*, looking at *within*'s
    labels and group boxes (default: all of *top*) and all of *top*'s visible buttons."""
    within = within or top
    found = []
    for label in within.findChildren(QLabel):
        if label.buddy() is not None and label.isVisibleTo(top):
            found.append((mnemonic(label.text()), label.text()))
    for box in within.findChildren(QGroupBox):
        if box.isVisibleTo(top):
            found.append((mnemonic(box.title()), box.title()))
    for button in top.findChildren(QAbstractButton):
        if button.isVisibleTo(top):
            found.append((mnemonic(button.text()), button.text()))
    for box in top.findChildren(QDialogButtonBox):
        for std, letter in ((QDialogButtonBox.StandardButton.Ok, "o"), (QDialogButtonBox.StandardButton.Cancel, "c")):
            button = box.button(std)
            if button is not None and mnemonic(button.text()) is None:
                found.append((letter, f"{button.text()} (elsewhere &{letter.upper()})"))
    return [(m, t) for m, t in found if m is not None]


def assert_distinct(found: list[tuple[str, str]]) -> None:
    seen: dict[str, str] = {}
    for m, text in found:
        assert m not in seen, f"Alt+{m.upper()} reaches both {seen[m]!r} and {text!r}"
        seen[m] = text


def test_the_new_plan_wizard_gives_each_letter_once_on_every_page(qtbot):
    wizard = NewPlanWizard(TODAY)
    qtbot.addWidget(wizard)
    wizard.show()
    qtbot.waitExposed(wizard)
    wizard.name.setText("Loyalty relaunch")
    pages = 0
    while True:
        page = wizard.currentPage()
        found = letters(wizard, page)
        assert ("n", "&Next >") in found or wizard.currentId() == wizard.pageIds()[-1]
        assert_distinct(found)
        pages += 1
        if wizard.currentId() == wizard.pageIds()[-1]:
            break
        wizard.next()
    assert pages == 3
    assert wizard.button(QWizard.WizardButton.FinishButton).isVisible()


@pytest.mark.parametrize("make", [
    lambda: EditPlanDialog(*_plan()),
    lambda: AddMilestoneDialog(TODAY),
    lambda: CapabilityDialog(layer="front"),
    lambda: RequestDialog({"requested": TODAY}, tool_names=["PageCraft"], teams=["CRM"]),
    lambda: RequestDialog({**RequestDraft("x", TODAY, route="developer").__dict__}, editing=True),
    lambda: ToolDialog(),
], ids=["edit plan", "add milestone", "capability", "add request", "edit request", "tool"])
def test_each_dialog_gives_each_letter_once(qtbot, make):
    dialog = make()
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    found = letters(dialog)
    assert len(found) >= 3  # the fields are reachable from the keyboard at all
    assert_distinct(found)


def _plan():
    from models.plan.service import PhaseInfo, PlanInfo, default_phases

    plan = PlanInfo(id=1, name="P", start=TODAY, organisation="O", sponsor="S", revenue_architect="R",
                    horizon_days=90, timezone="")
    phases = [PhaseInfo(i + 1, 1, step, start, end, goal)
              for i, (step, (start, end, goal)) in enumerate(default_phases(TODAY).items())]
    return plan, phases


def test_mnemonic_reads_the_letter_after_a_single_ampersand():
    assert mnemonic("&Next >") == "n" and mnemonic("Or&ganisation") == "g"
    assert mnemonic("R&&D") is None and mnemonic("R&&D &plan") == "p" and mnemonic("Cancel") is None
