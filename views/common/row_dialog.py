"""The one dialog that adds or edits a row: a form built from an ``Entity``'s fields.

It collects values only (the page turns them into an undo command). Before it
closes, every value goes through ``Field.clean`` and the rules between fields
(``check``); a refusal is shown under the form and the dialog stays open, so
nothing the user typed is lost.
"""
from __future__ import annotations

from typing import Any, Callable, Iterable, Mapping, Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLabel, QVBoxLayout, QWidget

from models.core.fields import Entity, Field, FieldError
from models.core.validation import PlanError
from views.common.field_editors import changed_signal, editor_value, make_editor, set_editor_value
from views.common.style import tone


#: letters left to the dialog's buttons: OK and Cancel take O and C on desktops that give
#: them mnemonics (GNOME, KDE), whichever platform the dialog runs on
BUTTON_LETTERS = frozenset("oc")


def mnemonic(text: str) -> str | None:
    """The letter Alt+ reaches in *text* ("&Owner" -> "o"), lower case; None without one."""
    i = 0
    while i < len(text) - 1:
        if text[i] == "&":
            if text[i + 1] != "&":
                return text[i + 1].lower()
            i += 1
        i += 1
    return None


def captions(fields: Sequence[Field], reserved: Iterable[str] = BUTTON_LETTERS) -> list[str]:
    """Form captions with a range hint ("Confidence (0–10)") and a distinct mnemonic each,
    none of them a *reserved* letter (the buttons')."""
    used: set[str] = {x.lower() for x in reserved}
    out = []
    for f in fields:
        text = f.caption + (f" ({f.low:g}–{f.high:g})" if f.kind == "int" and f.ranged else "")
        pos = next((i for i, ch in enumerate(text) if ch.isalnum() and ch.lower() not in used), None)
        if pos is not None:
            used.add(text[pos].lower())
            text = text[:pos] + "&" + text[pos:]
        out.append(text)
    return out


def error_label() -> QLabel:
    """The red line under a form that says why it cannot close yet (hidden until then)."""
    label = QLabel()
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(True)
    tone(label, "danger")
    label.setVisible(False)
    return label


def sentence(message: str) -> str:
    """A service message as the first word of a sentence: "Effort must be…"."""
    return message[:1].upper() + message[1:]


def ok_cancel(dialog: QDialog) -> QDialogButtonBox:
    """OK and Cancel, wired to the dialog's ``accept`` and ``reject``."""
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
    buttons.accepted.connect(dialog.accept)
    buttons.rejected.connect(dialog.reject)
    return buttons


class CheckedDialog(QDialog):
    """A dialog that stays open while ``problem_text()`` says why it cannot close yet,
    showing the reason in ``self.error`` (an ``error_label()`` the subclass lays out)."""

    error: QLabel

    def problem_text(self) -> str | None:
        return None

    def accept(self) -> None:
        problem = self.problem_text()
        self.error.setText(problem or "")
        self.error.setVisible(bool(problem))
        if problem is None:
            super().accept()


class RowDialog(CheckedDialog):
    """Add or edit one row of *entity*; ``initial`` fills the editors (missing keys stay empty).

    ``choices`` replaces a field's choices (text fields: suggestions); ``editors`` gives
    a field its own editor (``factory(parent) -> QWidget``); ``check(cleaned values)``
    applies the rules between fields and raises ``PlanError``.
    """

    def __init__(self, entity: Entity, initial: dict[str, Any], *, title: str,
                 keys: Sequence[str] | None = None, choices: dict[str, tuple[str, ...]] | None = None,
                 editors: Mapping[str, Callable[[QWidget | None], QWidget]] | None = None,
                 check: Callable[[dict[str, Any]], Any] | None = None,
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.entity = entity
        self._check = check
        self.setWindowTitle(title)
        self.setMinimumWidth(460)
        fields = [entity.field(k) for k in keys] if keys is not None else list(entity.fields)
        self.editors: dict[str, QWidget] = {}
        form = QFormLayout()
        for f, caption in zip(fields, captions(fields)):
            factory = (editors or {}).get(f.key)
            editor = factory(None) if factory is not None else make_editor(f, None, (choices or {}).get(f.key))
            set_editor_value(editor, f, initial.get(f.key))
            if f.help and not editor.toolTip():
                editor.setToolTip(f.help)
            self.editors[f.key] = editor
            form.addRow(caption, editor)
        self.error = error_label()
        buttons = ok_cancel(self)
        self._ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        #: what the editors showed at first (numbers as rounded by their spin boxes)
        self._initial = self.values()
        self._required = [f.key for f in fields if f.required]
        for key in self._required:
            changed_signal(self.editors[key]).connect(self._update_ok)
        self._update_ok()

    def _update_ok(self, *_args) -> None:
        values = self.values()
        self._ok.setEnabled(all(str(values[k]).strip() for k in self._required))

    def values(self) -> dict[str, Any]:
        return {key: editor_value(ed) for key, ed in self.editors.items()}

    def changed_values(self) -> dict[str, Any]:
        """Only the fields the user changed: an untouched spin box never rounds a stored value."""
        return {k: v for k, v in self.values().items() if v != self._initial[k]}

    def problem_text(self) -> str | None:
        """Why the dialog cannot close yet (the first refused field), or None."""
        try:
            cleaned = self.entity.clean(self.values())
            if self._check is not None:
                self._check(cleaned)
        except FieldError as exc:
            self.editors[exc.key].setFocus()
            return sentence(str(exc))
        except PlanError as exc:
            return sentence(str(exc))
        return None
