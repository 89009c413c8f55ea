"""Two people on one workspace, a file or a team server: a ``Workspace`` each, each with
its own name (what ``StaleEdit`` reports), as tests/core and tests/server need them."""
from __future__ import annotations

from contextlib import contextmanager
from typing import Iterator

from models.core.workspace import Workspace, open_workspace

#: the first client's name, then the second's
USERS = ("Priya Shah", "Sam Lee")


@contextmanager
def two_clients(target) -> Iterator[tuple[Workspace, Workspace]]:
    a, b = open_workspace(target), open_workspace(target)
    a.versions.user, b.versions.user = USERS
    try:
        yield a, b
    finally:
        a.close(), b.close()


def told(refused, who: str) -> None:
    """*refused* (``pytest.raises``) holds the StaleEdit that names *who* and when."""
    assert refused.value.who == who and refused.value.when is not None
    assert str(refused.value).startswith(f"Changed by {who} at ")
    assert str(refused.value).endswith("; your edit was not applied")
