"""The RACI grid: a table model over an ``OwnershipMap``, its view and editors.

Rows are the capabilities grouped under one header row per layer (front,
middle, back of house); columns are the capability, one per department, who it
escalates to, and the systems it spans. Cells with a finding are tinted (the
row lightly, the cells that cause it strongly).

The model never writes: edits go to callbacks that push undo commands, and the
page hands the model a fresh map after every change.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Mapping, Sequence

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHeaderView,
    QStyledItemDelegate,
    QTableView,
    QWidget,
)

from models.ownership.entities import LAYER_NAMES
from models.ownership.service import (
    LETTER_NAMES,
    CapabilityInfo,
    EscalationChoice,
    OwnershipMap,
    escalation_label,
)
from models.ownership.checks import LAYERS, LETTERS
from views.common.rows import fit_editor
from views.common.style import mix, resolve
from views.common.widgets import wide_list
from views.plan.labelled import keyed_combo

CAPABILITY_ID_ROLE = Qt.ItemDataRole.UserRole + 1
DEPARTMENT_ID_ROLE = Qt.ItemDataRole.UserRole + 2
SEVERITY_ROLE = Qt.ItemDataRole.UserRole + 3
LAYER_ROLE = Qt.ItemDataRole.UserRole + 4

#: the colour role of each severity (views.common.palette); its "-bg" role tints a row
SEVERITY_ROLES = {"error": "danger", "warning": "warning"}
#: how much of the severity's colour the cells that cause a finding take over the row's tint
STRONG_SHARE = {"error": 0.3, "warning": 0.22}
LAYER_BACKGROUND = "grid"
#: letters on a plain cell (on a tinted cell every letter is in the text role)
LETTER_ROLES = {"A": "info", "R": "text", "C": "muted", "I": "muted"}
SEVERITY_WORDS = {"error": "Problem", "warning": "Warning"}


def severity_colour(severity: str, strong: bool, dark: bool | None = None) -> str:
    """The tint of a row with a finding of *severity*, or (*strong*) of the cells that cause
    it, in the light or dark scheme; text on either reads in the "text" role."""
    role = SEVERITY_ROLES[severity]
    return mix(role, f"{role}-bg", STRONG_SHARE[severity], dark) if strong else resolve(f"{role}-bg", dark)


def _brush(colour: str) -> QBrush:
    return QBrush(QColor(colour))

CellEdit = Callable[[dict[tuple[int, int], str]], bool]
CapabilityEdit = Callable[[int, dict[str, Any], str], bool]


@dataclass(frozen=True)
class GridRow:
    layer: str
    capability: CapabilityInfo | None = None  # None: the layer's header row

    @property
    def is_header(self) -> bool:
        return self.capability is None


def header_label(name: str, width: int = 11) -> str:
    """A department name broken over two lines when it is long, so columns stay narrow."""
    if len(name) <= width or " " not in name:
        return name
    spaces = [i for i, ch in enumerate(name) if ch == " "]
    cut = min(spaces, key=lambda i: abs(i - len(name) / 2))
    return name[:cut] + "\n" + name[cut + 1:]


class OwnershipGridModel(QAbstractTableModel):
    def __init__(self, edit_cells: CellEdit | None = None, edit_capability: CapabilityEdit | None = None,
                 parent=None):
        super().__init__(parent)
        self._map: OwnershipMap | None = None
        self._rows: list[GridRow] = []
        self._departments: list = []
        self._choices: list[EscalationChoice] = []
        self._severity: dict = {}
        self._problems: dict[str, list[str]] = {}
        self._edit_cells = edit_cells
        self._edit_capability = edit_capability
        self._editable = edit_cells is not None

    # ----------------------------------------------------------------- data in
    def set_map(self, m: OwnershipMap | None, choices: Sequence[EscalationChoice] = (),
                editable: bool = True) -> None:
        """Show *m*. When rows and columns are the same as before, cells are
        updated in place so the selection and current cell survive an edit.
        A map not filled in yet (no letter anywhere) is shown without findings."""
        rows: list[GridRow] = []
        if m is not None:
            for layer in LAYERS:
                caps = [c for c in m.capabilities if c.layer == layer]
                rows.append(GridRow(layer))
                rows.extend(GridRow(layer, c) for c in caps)
        departments = list(m.departments) if m is not None else []
        same_shape = (
            [(r.layer, r.capability.id if r.capability else None) for r in rows]
            == [(r.layer, r.capability.id if r.capability else None) for r in self._rows]
            and [d.id for d in departments] == [d.id for d in self._departments]
        )
        if not same_shape:
            self.beginResetModel()
        self._map = m
        self._rows = rows
        self._departments = departments
        self._choices = list(choices)
        self._editable = editable and self._edit_cells is not None
        self._severity = {}
        self._problems = {}
        if m is not None and m.filled_in:
            names = m.severities()
            for c in m.capabilities:
                if c.name in names:
                    self._severity[c.id] = names[c.name]
                for d in m.departments:
                    if (c.name, d.name) in names:
                        self._severity[(c.id, d.id)] = names[(c.name, d.name)]
            for f in m.findings():
                key = f.capability if f.capability is not None else f"dept:{f.department}"
                self._problems.setdefault(key, []).append(f.problem)
        if not same_shape:
            self.endResetModel()
        elif self.rowCount() and self.columnCount():
            self.dataChanged.emit(self.index(0, 0), self.index(self.rowCount() - 1, self.columnCount() - 1))
            self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, self.columnCount() - 1)

    def ownership_map(self) -> OwnershipMap | None:
        return self._map

    def row_info(self, row: int) -> GridRow:
        return self._rows[row]

    def escalation_choices(self) -> list[EscalationChoice]:
        return list(self._choices)

    # ----------------------------------------------------------------- geometry
    @property
    def escalation_column(self) -> int:
        return len(self._departments) + 1

    @property
    def systems_column(self) -> int:
        return len(self._departments) + 2

    def department_at(self, column: int):
        if 1 <= column <= len(self._departments):
            return self._departments[column - 1]
        return None

    def column_of_department(self, department_id: int) -> int:
        for i, d in enumerate(self._departments):
            if d.id == department_id:
                return i + 1
        return -1

    def row_of_capability(self, capability_id: int) -> int:
        for i, r in enumerate(self._rows):
            if r.capability is not None and r.capability.id == capability_id:
                return i
        return -1

    def cell_key(self, index: QModelIndex) -> tuple[int, int] | None:
        """(capability id, department id) of a letter cell, else None."""
        if not index.isValid() or index.model() is not self:
            return None
        row = self._rows[index.row()]
        dept = self.department_at(index.column())
        if row.capability is None or dept is None:
            return None
        return (row.capability.id, dept.id)

    # ----------------------------------------------------------------- Qt API
    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() or self._map is None else len(self._departments) + 3

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < self.columnCount():
            return None
        dept = self.department_at(section)
        if role == Qt.ItemDataRole.DisplayRole:
            if dept is not None:
                return header_label(dept.name)
            if section == 0:
                return "Capability"
            return "Escalates to" if section == self.escalation_column else "Systems"
        if role == Qt.ItemDataRole.ToolTipRole:
            if dept is not None:
                extra = self._problems.get(f"dept:{dept.name}", [])
                return "\n".join([dept.name] + extra)
            if section == self.escalation_column:
                return "Who a problem with the capability goes to: the Revenue Architect, a squad, or a person"
            if section == self.systems_column:
                return "The systems the capability spans, separated by commas"
        if role == Qt.ItemDataRole.TextAlignmentRole and dept is not None:
            return int(Qt.AlignmentFlag.AlignCenter)
        return None

    def flags(self, index):
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        if self._rows[index.row()].is_header:
            return Qt.ItemFlag.NoItemFlags  # skipped by the arrow keys, never selected
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if self._editable:
            base |= Qt.ItemFlag.ItemIsEditable
        return base

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not (0 <= index.row() < len(self._rows)):
            return None
        row = self._rows[index.row()]
        col = index.column()
        if row.is_header:
            return self._header_row_data(row, col, role)
        cap = row.capability
        dept = self.department_at(col)
        if dept is not None:
            return self._cell_data(cap, dept, role)
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            if col == 0:
                return cap.name
            if col == self.escalation_column:
                if role == Qt.ItemDataRole.EditRole:
                    return cap.escalation
                return escalation_label(cap.escalation, self._choices)
            return ", ".join(cap.systems)
        if role == CAPABILITY_ID_ROLE:
            return cap.id
        if role == LAYER_ROLE:
            return cap.layer
        if role == SEVERITY_ROLE and col == 0:
            return self._severity.get(cap.id)
        if role == Qt.ItemDataRole.BackgroundRole and col == 0 and cap.id in self._severity:
            return _brush(severity_colour(self._severity[cap.id], strong=True))
        if role == Qt.ItemDataRole.ForegroundRole and col == 0 and cap.id in self._severity:
            return _brush(resolve("text"))
        if role == Qt.ItemDataRole.ToolTipRole:
            if col == 0:
                lines = [cap.name, LAYER_NAMES[cap.layer]]
                if cap.systems:
                    lines.append("Systems: " + ", ".join(cap.systems))
                lines += self._problems.get(cap.name, [])
                return "\n".join(lines)
            if col == self.escalation_column:
                label = escalation_label(cap.escalation, self._choices) or "Nobody yet"
                return f"Escalates to: {label}\nDouble-click to choose the Revenue Architect, a squad, or type a name"
        return None

    def _header_row_data(self, row: GridRow, col: int, role):
        if role == Qt.ItemDataRole.DisplayRole and col == 0:
            return LAYER_NAMES[row.layer]
        if role == Qt.ItemDataRole.BackgroundRole:
            return _brush(resolve(LAYER_BACKGROUND))
        if role == Qt.ItemDataRole.ForegroundRole:
            return _brush(resolve("text"))
        if role == Qt.ItemDataRole.FontRole:
            font = QFont()
            font.setBold(True)
            return font
        if role == LAYER_ROLE:
            return row.layer
        return None

    def _cell_data(self, cap: CapabilityInfo, dept, role):
        letter = self._map.letter(cap.id, dept.id)
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            return letter
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignCenter)
        if role == CAPABILITY_ID_ROLE:
            return cap.id
        if role == DEPARTMENT_ID_ROLE:
            return dept.id
        severity = self._severity.get((cap.id, dept.id))
        row_severity = self._severity.get(cap.id)
        if role == SEVERITY_ROLE:
            return severity
        if role == Qt.ItemDataRole.BackgroundRole:
            if severity:
                return _brush(severity_colour(severity, strong=True))
            if row_severity:
                return _brush(severity_colour(row_severity, strong=False))
            return None
        if role == Qt.ItemDataRole.ForegroundRole and letter:
            return _brush(resolve("text" if severity or row_severity else LETTER_ROLES[letter]))
        if role == Qt.ItemDataRole.FontRole and letter:
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.ToolTipRole:
            what = f"{dept.name}: {LETTER_NAMES[letter]} ({letter})" if letter else f"{dept.name}: blank"
            lines = [f"{what} for {cap.name}"]
            if severity:
                lines.append(SEVERITY_WORDS[severity] + " here:")
            lines += self._problems.get(cap.name, [])
            if severity and not self._problems.get(cap.name):
                lines += self._problems.get(f"dept:{dept.name}", [])
            lines.append("Type R, A, C or I; Delete clears; right-click for more")
            return "\n".join(lines)
        return None

    def setData(self, index, value, role=Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or not index.isValid() or not self._editable:
            return False
        row = self._rows[index.row()]
        if row.is_header:
            return False
        cap = row.capability
        key = self.cell_key(index)
        if key is not None:
            letter = "" if value is None else str(value).strip().upper()
            if letter == self._map.letter(*key):
                return False
            return bool(self._edit_cells({key: letter}))
        if self._edit_capability is None:
            return False
        col = index.column()
        text = "" if value is None else str(value).strip()
        if col == 0:
            if text == cap.name:
                return False
            return bool(self._edit_capability(cap.id, {"name": text}, "Rename capability"))
        if col == self.escalation_column:
            if text == cap.escalation:
                return False
            return bool(self._edit_capability(cap.id, {"escalation": text}, "Change escalation"))
        if col == self.systems_column:
            if text == ", ".join(cap.systems):
                return False
            return bool(self._edit_capability(cap.id, {"systems": text}, "Edit systems"))
        return False


class OwnershipDelegate(QStyledItemDelegate):
    """A letter combo for department cells, the escalation choices (or a
    person's name typed in) for "Escalates to", line edits elsewhere."""

    NAMES = (("", "(blank)"),) + tuple((x, f"{x}  {LETTER_NAMES[x]}") for x in LETTERS)

    def __init__(self, model: OwnershipGridModel, parent=None):
        super().__init__(parent)
        self._model = model

    def createEditor(self, parent: QWidget, option, index):
        if self._model.cell_key(index) is not None:
            combo = self._combo(parent, "letterEditor", dict(self.NAMES))
            QTimer.singleShot(0, combo, combo.showPopup)
            return combo
        if index.column() == self._model.escalation_column:
            combo = self._combo(parent, "escalationEditor",
                                {c.value: c.label for c in self._model.escalation_choices()})
            combo.setEditable(True)
            combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
            combo.lineEdit().setPlaceholderText("or type a person's name")
            return combo
        return super().createEditor(parent, option, index)

    def updateEditorGeometry(self, editor, option, index):
        fit_editor(editor, option)

    def _combo(self, parent: QWidget, name: str, labels: dict[str, str]) -> QComboBox:
        """A combo of *labels* that commits as soon as an item is chosen."""
        combo = keyed_combo(parent, labels)
        combo.setObjectName(name)
        wide_list(combo)
        combo.activated.connect(lambda _i, c=combo: self._commit(c))
        return combo

    def _commit(self, editor: QWidget) -> None:
        self.commitData.emit(editor)
        self.closeEditor.emit(editor, QStyledItemDelegate.EndEditHint.NoHint)

    def setEditorData(self, editor, index):
        if isinstance(editor, QComboBox):
            value = index.data(Qt.ItemDataRole.EditRole) or ""
            pos = editor.findData(value)
            if pos >= 0:
                editor.setCurrentIndex(pos)
            elif editor.isEditable():
                editor.setCurrentIndex(-1)
                editor.setEditText(value)
            return
        super().setEditorData(editor, index)

    def setModelData(self, editor, model, index):
        if isinstance(editor, QComboBox):
            if editor.isEditable():
                text = editor.currentText().strip()
                pos = editor.findText(text, Qt.MatchFlag.MatchFixedString)
                value = editor.itemData(pos) if pos >= 0 else text
            else:
                value = editor.currentData()
            model.setData(index, value, Qt.ItemDataRole.EditRole)
            return
        super().setModelData(editor, model, index)


class OwnershipGridView(QTableView):
    """Keyboard editing of letter cells: R, A, C or I (either case) sets the
    selected letter cells; Delete, Backspace or Space clears them; arrow keys
    move as usual. Layer header rows span the table and are skipped."""

    letterTyped = Signal(str)
    clearRequested = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("ownershipGrid")
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked
                             | QAbstractItemView.EditTrigger.EditKeyPressed)
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.verticalHeader().setVisible(False)
        self.setWordWrap(False)
        self.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.horizontalHeader().setDefaultAlignment(Qt.AlignmentFlag.AlignCenter)

    def setModel(self, model) -> None:
        super().setModel(model)
        model.modelReset.connect(self.apply_spans)
        self.apply_spans()

    def apply_spans(self) -> None:
        self.clearSpans()
        model = self.model()
        if model is None:
            return
        for row in range(model.rowCount()):
            if model.row_info(row).is_header and model.columnCount() > 1:
                self.setSpan(row, 0, 1, model.columnCount())

    def letter_cells(self) -> list[tuple[int, int]]:
        """(capability id, department id) of the selected letter cells, or of the current one."""
        model = self.model()
        keys = [model.cell_key(i) for i in self.selectionModel().selectedIndexes()] if self.selectionModel() else []
        keys = [k for k in keys if k is not None]
        if not keys:
            key = model.cell_key(self.currentIndex())
            keys = [key] if key is not None else []
        return sorted(set(keys))

    def keyPressEvent(self, event) -> None:
        if self.state() != QAbstractItemView.State.EditingState:
            mods = event.modifiers() & ~(Qt.KeyboardModifier.ShiftModifier | Qt.KeyboardModifier.KeypadModifier)
            if mods == Qt.KeyboardModifier.NoModifier and self.letter_cells():
                text = event.text().strip().upper()
                if text in LETTERS:
                    self.letterTyped.emit(text)
                    event.accept()
                    return
                if event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace, Qt.Key.Key_Space):
                    self.clearRequested.emit()
                    event.accept()
                    return
        super().keyPressEvent(event)


def layer_rows(model: OwnershipGridModel) -> Mapping[str, list[int]]:
    """Rows of each layer's capabilities (for tests and selection helpers)."""
    out: dict[str, list[int]] = {layer: [] for layer in LAYERS}
    for i in range(model.rowCount()):
        info = model.row_info(i)
        if not info.is_header:
            out[info.layer].append(i)
    return out
