"""The request-ledger import: the shared import wizard configured for requests.

Reading (``models.lowcode.importer.read_requests``) and storing
(``models.lowcode.service.import_requests``, one transaction) run in the wizard's
workers; either succeeds whole or stores nothing. After a stored import the
wizard pushes one ``import_requests`` undo step that adopts the stored rows, so
Edit ▸ Undo takes every imported request back out.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

from models.audit.readers import LogError, Problem
from models.lowcode import importer as reader
from models.lowcode import service as svc
from models.lowcode.entities import REQUEST
from models.plan.service import PlanError
from views.common.document import WorkspaceDocument
from views.common.import_wizard import ImportRequest, ImportSpec, ImportWizard, MappedField
from views.lowcode.commands import import_requests

#: how the wizard names a column to map, where it differs from the ledger's column
CAPTIONS = {"title": "Title", "team": "Requesting team", "requested": "Requested on", "delivered": "Delivered on",
            "tool": "Tool used"}
#: hints beyond the declared choices
HINTS = {"title": "What marketing asked for", "delivered": "Empty while the request is open",
         "route": "self-serve or developer (also 'self serve', 'marketing', 'dev'); "
                  "without it, rows with a reason count as developer requests"}
REQUEST_FIELDS = tuple(
    MappedField(f.key, CAPTIONS.get(f.key, f.caption), required=f.required, is_date=f.kind == "date",
                hint=HINTS.get(f.key, ", ".join(f.choices)))
    for f in REQUEST.fields)


def lowcode_import_spec(doc: WorkspaceDocument, plan_id: int) -> ImportSpec:
    """The request import of the Low-code page, for the plan *plan_id*."""
    ws = doc.ws

    def commit(request: ImportRequest, progress, is_cancelled) -> tuple[int, ...]:
        drafts = list(request.records)
        progress(0, len(drafts))
        try:
            ids = svc.import_requests(ws, plan_id, drafts)
        except PlanError as exc:  # the reader checks every rule first; this is a last guard
            raise LogError([Problem(Path(request.path).name, None, None, None, str(exc))]) from None
        progress(len(drafts), len(drafts))
        return ids

    def discard(_request: ImportRequest, ids: tuple[int, ...]) -> None:
        svc.remove_requests(ws, ids)

    def accepted(request: ImportRequest, ids: tuple[int, ...]) -> None:
        doc.execute(import_requests(doc, plan_id, list(request.records), Path(request.path).name, stored=ids))

    def summarise(request: ImportRequest, ids: tuple[int, ...]) -> list[str]:
        drafts = list(request.records)
        developer = sum(d.route == "developer" for d in drafts)
        open_ = sum(d.delivered is None for d in drafts)
        first = min(d.requested for d in drafts)
        last = max(d.requested for d in drafts)
        return [
            f"{len(ids):,} requests imported from {Path(request.path).name}: "
            f"{len(drafts) - developer} self-serve, {developer} developer, {open_} still open.",
            f"Requested from {first.isoformat()} to {last.isoformat()}.",
            "Edit ▸ Undo takes them all back out.",
        ]

    return ImportSpec(
        title="Import requests",
        fields=REQUEST_FIELDS,
        preview=reader.preview_requests,
        read=reader.read_requests,
        commit=commit,
        discard=discard,
        accepted=accepted,
        summarise=summarise,
        file_filter="Spreadsheets (*.csv *.txt *.tsv *.xlsx);;All files (*)",
        intro="One row per request: a CSV in any delimiter or encoding, or an Excel .xlsx sheet. "
              "The import is all or nothing: one bad row stores nothing, and the report names its line "
              "and column.",
        needs_mapping=lambda _p: True,
        noun="requests",
    )


def open_import_wizard(doc: WorkspaceDocument, plan_id: int, tasks: Any, parent=None) -> ImportWizard:
    """Build the wizard (not shown); the caller opens it."""
    return ImportWizard(lowcode_import_spec(doc, plan_id), tasks, parent)
