"""Ownership: who is responsible and who is accountable for shared commerce
capabilities (order management, returns, inventory availability...), checked.

The RACI grid on the left (capabilities grouped by layer, departments as
columns), the findings beside it, each saying what to do. Every edit is an
undo command; a plan with no map yet is offered the default one.
"""
from __future__ import annotations

from datetime import date
from typing import Any, Callable

from PySide6.QtCore import QItemSelectionModel, QPoint, Qt
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QMenu,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from models.ownership import service as svc
from models.ownership.checks import LAYERS, LETTERS
from views.common.refresh import ScopedRefresh
from views.common.document import WorkspaceDocument
from views.ownership.commands import (
    AddCapability,
    AddDepartment,
    EditCapability,
    MoveCapability,
    MoveDepartment,
    RemoveCapability,
    RemoveDepartment,
    RenameDepartment,
    SetCells,
    StartDefaultMap,
)
from views.ownership.dialogs import CapabilityDialog
from views.ownership.findings import FindingsPanel, LegendWidget
from views.ownership.grid import OwnershipDelegate, OwnershipGridModel, OwnershipGridView
from views.common.page_header import page_title
from views.common.widgets import plain_label
from views.plan.widgets import button, no_plan_label, under_tools

REMOVE = {"department": RemoveDepartment, "capability": RemoveCapability}
MOVE = {"department": MoveDepartment, "capability": MoveCapability}

INTRO = ("Who is Responsible, Accountable, Consulted and Informed for each shared capability, from the "
         "storefront to the ERP. Select cells and type R, A, C or I; Delete clears; double-click or "
         "right-click for choices. Every edit can be undone.")


class OwnershipPage(QWidget):
    def __init__(self, doc: WorkspaceDocument, today: Callable[[], date] = date.today, tasks=None, parent=None):
        super().__init__(parent)
        self.doc = doc
        self._today = today

        heading = page_title("Ownership")
        intro = plain_label(INTRO, name="muted")

        # --- no plan / no map yet
        self.no_plan_label = no_plan_label()
        start_box = QWidget()
        start_text = QLabel(
            "This plan has no ownership map yet. Start from the default map: eleven capabilities in the "
            "front, middle and back of house (storefront to supplier management) and seven departments "
            "(eCommerce, Marketing, IT, Supply Chain, Store Operations, Customer Service, Finance), all "
            "cells blank. You can rename, add and remove both afterwards.")
        start_text.setWordWrap(True)
        self.start_button = button("Start from the default map", self.start_default_map)
        card = QWidget()
        card.setMaximumWidth(620)
        cl = QVBoxLayout(card)
        cl.addWidget(start_text)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.start_button)
        buttons.addStretch(1)
        cl.addLayout(buttons)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(card)
        row.addStretch(1)
        sl = QVBoxLayout(start_box)
        sl.addStretch(1)
        sl.addLayout(row)
        sl.addStretch(2)

        # --- the map
        self.model = OwnershipGridModel(edit_cells=self._edit_cells, edit_capability=self._edit_capability,
                                        parent=self)
        self.grid = OwnershipGridView()
        self.grid.setModel(self.model)
        self.grid.setItemDelegate(OwnershipDelegate(self.model, self.grid))
        self.grid.letterTyped.connect(self.set_selected)
        self.grid.clearRequested.connect(lambda: self.set_selected(""))
        self.grid.customContextMenuRequested.connect(self._show_cell_menu)
        header = self.grid.horizontalHeader()
        header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header.customContextMenuRequested.connect(self._show_header_menu)
        header.sectionDoubleClicked.connect(self._header_double_clicked)
        self.model.modelReset.connect(self._size_columns)

        self.findings = FindingsPanel()
        self.findings.setMinimumWidth(250)
        self.findings.findingActivated.connect(self.show_finding)

        self.add_capability_button = button("Add capability…", self.add_capability)
        self.add_department_button = button("Add department…", self.add_department,
                                            "A new column, for example a Commerce Operations team "
                                            "given the mandate over order management")
        tools = QHBoxLayout()
        tools.addWidget(LegendWidget(), 1)
        tools.addWidget(self.add_capability_button)
        tools.addWidget(self.add_department_button)

        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(under_tools(tools, self.grid))
        self.splitter.addWidget(self.findings)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.setSizes([820, 270])

        self.body = QStackedWidget()
        self.body.addWidget(self.no_plan_label)
        self.body.addWidget(start_box)
        self.body.addWidget(self.splitter)
        self.start_panel = start_box

        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(intro)
        layout.addWidget(self.body, 1)

        self.refresher = ScopedRefresh(self, doc, ("ownership", "squad"), self.refresh)
        self.refresh()

    # ----------------------------------------------------------------- refresh
    def schedule_refresh(self) -> None:
        self.refresher.schedule()

    def refresh(self) -> None:
        plan = self.doc.plan()
        writable = not self.doc.read_only
        if plan is None:
            self.body.setCurrentWidget(self.no_plan_label)
            self.model.set_map(None)
            return
        m, choices = svc.map_view(self.doc.ws, plan.id)  # one read for the map and the escalations
        if m.is_empty:
            self.body.setCurrentWidget(self.start_panel)
            self.start_button.setEnabled(writable)
            self.model.set_map(None)
            return
        self.body.setCurrentWidget(self.splitter)
        current = self._current_key()
        self.model.set_map(m, choices, editable=writable)
        self._restore_current(current)
        self.findings.set_map(m, choices)
        for push in (self.add_capability_button, self.add_department_button):
            push.setEnabled(writable)

    def _current_key(self) -> tuple[int | None, int | str | None]:
        index = self.grid.currentIndex()
        if not index.isValid():
            return (None, None)
        info = self.model.row_info(index.row())
        cap_id = info.capability.id if info.capability else None
        dept = self.model.department_at(index.column())
        if dept is not None:
            return (cap_id, dept.id)
        col = index.column()
        return (cap_id, "escalation" if col == self.model.escalation_column
                else "systems" if col == self.model.systems_column else "capability")

    def _restore_current(self, key) -> None:
        cap_id, col_key = key
        if cap_id is None or self.grid.currentIndex().isValid():
            return
        row = self.model.row_of_capability(cap_id)
        if row < 0:
            return
        if isinstance(col_key, int):
            col = self.model.column_of_department(col_key)
        else:
            col = {"escalation": self.model.escalation_column, "systems": self.model.systems_column}.get(col_key, 0)
        if col >= 0:
            self.grid.setCurrentIndex(self.model.index(row, col))

    def _size_columns(self) -> None:
        """Capability, escalation and systems as wide as their text (within bounds, long
        systems lists are cut and shown whole in the tooltip); departments as their header."""
        if self.model.columnCount() == 0:
            return
        header = self.grid.horizontalHeader()
        # the escalation column fits the longest role offered, even before it is chosen
        fm = self.grid.fontMetrics()
        offered = max((fm.horizontalAdvance(c.label) + 16 for c in self.model.escalation_choices()), default=150)
        for col, (low, high) in ((0, (150, 230)), (self.model.escalation_column, (min(max(150, offered), 260), 260)),
                                 (self.model.systems_column, (140, 260))):
            self.grid.resizeColumnToContents(col)
            self.grid.setColumnWidth(col, min(max(self.grid.columnWidth(col) + 8, low), high))
        for col in range(1, self.model.escalation_column):
            self.grid.setColumnWidth(col, max(header.sectionSizeHint(col) - 6, 56))

    # ----------------------------------------------------------------- editing
    def _run(self, make: Callable[[int], Any]) -> bool:
        """Execute the step ``make(plan_id)`` builds, when a plan is open."""
        plan_id = self.doc.plan_id
        return plan_id is not None and self.doc.execute(make(plan_id))

    def _edit_cells(self, letters: dict[tuple[int, int], str]) -> bool:
        return self._run(lambda plan_id: SetCells(self.doc, plan_id, letters))

    def _edit_capability(self, capability_id: int, changes: dict[str, Any], text: str) -> bool:
        return self.doc.execute(EditCapability(self.doc, capability_id, changes, text))

    def set_selected(self, letter: str) -> bool:
        """Set every selected letter cell (or the current one) to *letter*; '' clears."""
        m = self.model.ownership_map()
        if m is None or self.doc.read_only:
            return False
        changes = {key: letter for key in self.grid.letter_cells() if m.letter(*key) != letter}
        return bool(changes) and self._edit_cells(changes)

    def start_default_map(self) -> None:
        self._run(lambda plan_id: StartDefaultMap(self.doc, plan_id))

    def add_department(self) -> None:
        if self.doc.plan_id is None:
            return
        name, ok = QInputDialog.getText(self, "Add department",
                                        "Department or team (e.g. Commerce Operations):")
        if ok and name.strip():
            self._run(lambda plan_id: AddDepartment(self.doc, plan_id, name))

    def rename_department(self, department_id: int) -> None:
        m = self.model.ownership_map()
        dept = m.department(department_id) if m else None
        if dept is None:
            return
        name, ok = QInputDialog.getText(self, "Rename department", "New name:", text=dept.name)
        if ok and name.strip() and name.strip() != dept.name:
            self.doc.execute(RenameDepartment(self.doc, department_id, name))

    def add_capability(self) -> None:
        if self.doc.plan_id is None:
            return
        index = self.grid.currentIndex()
        layer = self.model.row_info(index.row()).layer if index.isValid() else "middle"
        dialog = CapabilityDialog(layer=layer, parent=self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            v = dialog.values()
            self._run(lambda plan_id: AddCapability(self.doc, plan_id, v["name"], v["layer"], v["systems"]))

    def edit_capability(self, capability_id: int) -> None:
        m = self.model.ownership_map()
        cap = m.capability(capability_id) if m else None
        if cap is None:
            return
        dialog = CapabilityDialog(cap, parent=self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        changes = {k: val for k, val in dialog.values().items()
                   if (", ".join(cap.systems) if k == "systems" else getattr(cap, k)) != val}
        if changes:
            self.doc.execute(EditCapability(self.doc, capability_id, changes, "Edit capability"))

    def remove(self, kind: str, row_id: int) -> None:
        """Remove the department or capability (*kind*) *row_id* shown in the grid."""
        m = self.model.ownership_map()
        item = getattr(m, kind)(row_id) if m else None
        if item is not None:
            self.doc.execute(REMOVE[kind](self.doc, row_id, item.name))

    def move(self, kind: str, row_id: int, offset: int) -> None:
        """Move a department left or right (offset < 0: left), a capability up or down."""
        self._run(lambda plan_id: MOVE[kind](self.doc, plan_id, row_id, offset))

    # ----------------------------------------------------------------- menus
    def cell_menu(self, index) -> QMenu:
        """The context menu for a grid cell (built separately so tests can trigger its actions)."""
        menu = QMenu(self)
        writable = not self.doc.read_only and self.model.ownership_map() is not None
        if index.isValid() and not self.model.row_info(index.row()).is_header:
            sel = self.grid.selectionModel()
            if not sel.isSelected(index):
                self.grid.setCurrentIndex(index)
            cells = self.grid.letter_cells()
            if cells:
                for letter in LETTERS:
                    act = menu.addAction(f"{letter}   {svc.LETTER_NAMES[letter]}")
                    act.setObjectName(f"set{letter}")
                    act.triggered.connect(lambda _c=False, x=letter: self.set_selected(x))
                clear = menu.addAction("Clear")
                clear.setObjectName("clear")
                clear.triggered.connect(lambda: self.set_selected(""))
                menu.addSeparator()
            cap = self.model.row_info(index.row()).capability
            self._capability_actions(menu, cap.id)
            dept = self.model.department_at(index.column())
            if dept is not None:
                menu.addSeparator()
                self._department_actions(menu, dept.id)
        for act in menu.actions():
            act.setEnabled(writable and act.isEnabled())
        return menu

    @staticmethod
    def _add(menu: QMenu, text: str, slot: Callable[[], Any], name: str = ""):
        act = menu.addAction(text)
        act.triggered.connect(lambda _checked=False: slot())
        if name:
            act.setObjectName(name)
        return act

    def _capability_actions(self, menu: QMenu, capability_id: int) -> None:
        rows = [i for i in range(self.model.rowCount())
                if not self.model.row_info(i).is_header]
        row = self.model.row_of_capability(capability_id)
        layer = self.model.row_info(row).layer
        same = [i for i in rows if self.model.row_info(i).layer == layer]
        self._add(menu, "Edit capability…", lambda: self.edit_capability(capability_id), "editCapability")
        up = self._add(menu, "Move capability up", lambda: self.move("capability", capability_id, -1))
        up.setEnabled(row != same[0])
        down = self._add(menu, "Move capability down", lambda: self.move("capability", capability_id, 1))
        down.setEnabled(row != same[-1])
        self._add(menu, "Remove capability", lambda: self.remove("capability", capability_id), "removeCapability")

    def _department_actions(self, menu: QMenu, department_id: int) -> None:
        col = self.model.column_of_department(department_id)
        self._add(menu, "Rename department…", lambda: self.rename_department(department_id), "renameDepartment")
        left = self._add(menu, "Move department left", lambda: self.move("department", department_id, -1), "moveLeft")
        left.setEnabled(col > 1)
        right = self._add(menu, "Move department right", lambda: self.move("department", department_id, 1), "moveRight")
        right.setEnabled(col < self.model.escalation_column - 1)
        self._add(menu, "Remove department", lambda: self.remove("department", department_id), "removeDepartment")

    def header_menu(self, section: int) -> QMenu:
        menu = QMenu(self)
        dept = self.model.department_at(section)
        if dept is not None:
            self._department_actions(menu, dept.id)
            menu.addSeparator()
        add = self._add(menu, "Add department…", self.add_department)
        for act in menu.actions():
            act.setEnabled(not self.doc.read_only and act.isEnabled())
        add.setEnabled(not self.doc.read_only)
        return menu

    def _show_cell_menu(self, pos: QPoint) -> None:
        menu = self.cell_menu(self.grid.indexAt(pos))
        if menu.actions():
            menu.exec(self.grid.viewport().mapToGlobal(pos))
        menu.deleteLater()

    def _header_double_clicked(self, section: int) -> None:
        dept = self.model.department_at(section)
        if dept is not None and not self.doc.read_only:
            self.rename_department(dept.id)

    def _show_header_menu(self, pos: QPoint) -> None:
        header = self.grid.horizontalHeader()
        menu = self.header_menu(header.logicalIndexAt(pos))
        menu.exec(header.mapToGlobal(pos))
        menu.deleteLater()

    # ----------------------------------------------------------------- findings
    def show_finding(self, capability: str, department: str) -> None:
        """Select the cells a finding is about: the capability's row, or the
        A cells that make a department a bottleneck."""
        m = self.model.ownership_map()
        if m is None:
            return
        cap = next((c for c in m.capabilities if c.name == capability), None)
        dept = next((d for d in m.departments if d.name == department), None)
        targets = []
        if cap is not None:
            targets = [self.model.index(self.model.row_of_capability(cap.id), 0)]
        elif dept is not None:
            col = self.model.column_of_department(dept.id)
            for layer in LAYERS:
                caps = [c for c in m.capabilities if c.layer == layer]
                held = [c for c in caps if m.letter(c.id, dept.id) == "A"]
                if 2 * len(held) > len(caps):  # the bottleneck rule of models.ownership.checks
                    targets += [self.model.index(self.model.row_of_capability(c.id), col) for c in held]
        if not targets:
            return
        self.grid.setCurrentIndex(targets[0])
        selection = self.grid.selectionModel()
        for index in targets[1:]:
            selection.select(index, QItemSelectionModel.SelectionFlag.Select)
        self.grid.scrollTo(targets[0])
        self.grid.setFocus()
