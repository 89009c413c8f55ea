"""The one dialog that adds or edits a row: a form built from an ``Entity``'s fields.

It collects values only (the page turns them into an undo command). Before it
closes, every value goes through ``Field.clean``; a refusal is shown under the
form and the dialog stays open, so nothing the user typed is lost.
"""
from __future__ import annotations

from typing import Any, Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLabel, QVBoxLayout, QWidget

from models.core.fields import Entity, Field, FieldError
from views.common.field_editors import changed_signal, editor_value, make_editor, set_editor_value


def captions(fields: Sequence[Field]) -> list[str]:
    """Form captions with a range hint ("Confidence (0–10)") and a distinct mnemonic each."""
    used: set[str] = set()
    out = []
    for f in fields:
        text = f.caption + (f" ({f.low:g}–{f.high:g})" if f.kind == "int" and f.ranged else "")
        pos = next((i for i, ch in enumerate(text) if ch.isalnum() and ch.lower() not in used), None)
        if pos is not None:
            used.add(text[pos].lower())
            text = text[:pos] + "&" + text[pos:]
        out.append(text)
    return out


class RowDialog(QDialog):
    """Add or edit one row of *entity*; ``initial`` fills the editors (missing keys stay empty)."""

    def __init__(self, entity: Entity, initial: dict[str, Any], *, title: str,
                 keys: Sequence[str] | None = None, choices: dict[str, tuple[str, ...]] | None = None,
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.entity = entity
        self.setWindowTitle(title)
        self.setMinimumWidth(460)
        fields = [entity.field(k) for k in keys] if keys is not None else list(entity.fields)
        self.editors: dict[str, QWidget] = {}
        form = QFormLayout()
        for f, caption in zip(fields, captions(fields)):
            editor = make_editor(f, None, (choices or {}).get(f.key))
            set_editor_value(editor, f, initial.get(f.key))
            if f.help:
                editor.setToolTip(f.help)
            self.editors[f.key] = editor
            form.addRow(caption, editor)
        self.error = QLabel()
        self.error.setTextFormat(Qt.TextFormat.PlainText)
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color:#c62828;")
        self.error.setVisible(False)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
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
            self.entity.clean(self.values())
        except FieldError as exc:
            self.editors[exc.key].setFocus()
            return str(exc)[:1].upper() + str(exc)[1:]
        return None

    def accept(self) -> None:
        problem = self.problem_text()
        self.error.setText(problem or "")
        self.error.setVisible(bool(problem))
        if problem is None:
            super().accept()
