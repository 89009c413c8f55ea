"""Team server under load (issue 17): 4 client processes, 200 edits each, one PostgreSQL.

Starts its own PostgreSQL 16 (``pgserver``) in a temporary folder, or uses
``NINETY_TEST_PG_URL``; creates a fresh database and pushes the demo plan to it.
Each client process opens the workspace as its own user and makes its edits:
half on shared rows (the plan's first four milestones, which every client edits),
half on a milestone of its own. An edit reads the row (what a page shows), then
appends a token (``|c2e117``) to its notes, so every accepted edit leaves a trace.
A refused edit (``StaleEdit``: someone changed the row since it was read) is
counted as a conflict and not retried.

Prints edits per second (all clients, wall clock), conflicts, and the final check:
every accepted token is in the database and no refused one is.

    .venv/bin/python bench/team.py [--clients 4] [--edits 200]
"""
from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import shutil
import sys
import tempfile
import time
import warnings
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SHARED = 4


def client(url: str, number: int, edits: int, start: mp.Event, out: mp.Queue) -> None:
    from models.core.versioning import StaleEdit
    from models.core.workspace import open_workspace
    from models.plan import service as svc

    ws = open_workspace(url)
    ws.versions.user = f"client {number}"
    plan = svc.find_plan(ws)
    ids = [m.id for m in svc.list_milestones(ws, plan.id)]
    shared, own = ids[:SHARED], ids[SHARED + number]
    accepted, refused = [], []
    start.wait()
    for i in range(edits):
        row = shared[i // 2 % SHARED] if i % 2 == 0 else own
        token = f"|c{number}e{i}"
        m = svc.get_milestone(ws, row)  # what the page shows
        try:
            svc.update_milestone(ws, row, {"notes": m.notes + token})
            accepted.append((row, token))
        except StaleEdit:
            refused.append((row, token))
    ws.close()
    out.put((number, accepted, refused))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--edits", type=int, default=200)
    args = parser.parse_args()

    from desktop.features import FEATURES
    from models.core.server import open_server
    from models.core.workspace import create_workspace
    from models.plan import service as svc
    from models.plan.demo import populate_demo
    from models.plan.transfer import copy_plans

    folder = tempfile.mkdtemp(prefix="ninety-bench-team-")
    server = None
    try:
        base = os.environ.get("NINETY_TEST_PG_URL")
        if not base:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                import pgserver

                server = pgserver.get_server(str(Path(folder) / "pg"), cleanup_mode="stop")
            base = server.get_uri()
        import psycopg
        from sqlalchemy.engine import make_url

        name = f"ninety_bench_{os.getpid()}"
        admin = make_url(base).set(drivername="postgresql")
        with psycopg.connect(admin.render_as_string(hide_password=False), autocommit=True) as con:
            con.execute(f'CREATE DATABASE "{name}"')
        url = admin.set(database=name).render_as_string(hide_password=False)

        demo = create_workspace(Path(folder) / "demo.ninety")
        populate_demo(demo, FEATURES, date.today())
        with open_server(url, create=True) as team:
            copy_plans(demo, team, FEATURES)
            plan = svc.find_plan(team)
            count = len(svc.list_milestones(team, plan.id))
        demo.close()
        if count < SHARED + args.clients:
            print(f"the demo plan has {count} milestones; need {SHARED + args.clients}")
            return 1

        ctx = mp.get_context("spawn")
        start, out = ctx.Event(), ctx.Queue()
        procs = [ctx.Process(target=client, args=(url, n, args.edits, start, out)) for n in range(args.clients)]
        for p in procs:
            p.start()
        time.sleep(3)  # let every client import and connect before the clock starts
        began = time.perf_counter()
        start.set()
        results = [out.get(timeout=600) for _ in procs]
        elapsed = time.perf_counter() - began
        for p in procs:
            p.join()

        accepted = [a for _, acc, _ in results for a in acc]
        refused = [r for _, _, ref in results for r in ref]
        with open_server(url, read_only=True) as team:
            notes = {m.id: m.notes for m in svc.list_milestones(team, svc.find_plan(team).id)}

        def present(row: int, token: str) -> bool:
            return f"{token}|" in notes[row] + "|"

        lost = [a for a in accepted if not present(*a)]
        leaked = [r for r in refused if present(*r)]
        total = args.clients * args.edits
        shared_edits = sum(1 for row, _ in accepted + refused if row in sorted(notes)[:SHARED])
        print(f"team server: {args.clients} clients x {args.edits} edits = {total} in {elapsed:.2f} s: "
              f"{total / elapsed:.0f} edits/s ({len(accepted) / elapsed:.0f} accepted/s)")
        print(f"conflicts reported: {len(refused)} of {shared_edits} edits on shared rows "
              f"({len(refused) / max(shared_edits, 1):.0%}); accepted {len(accepted)}")
        ok = not lost and not leaked and len(accepted) + len(refused) == total
        print(f"final check: {'OK' if ok else 'FAILED'}: {len(accepted) - len(lost)}/{len(accepted)} accepted "
              f"edits in the database, {len(leaked)} refused edits in it")
        return 0 if ok else 1
    finally:
        if server is not None:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                server.cleanup()
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
