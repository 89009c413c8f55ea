"""The workspace engine under many threads: the GUI thread reads while short-lived
workers come and go (QThreadPool threads expire after 30 s idle)."""
from __future__ import annotations

import threading

from sqlalchemy.pool import QueuePool

from models.plan.service import list_plans
from models.squad.service import list_squads, squad_state

from tests.conftest import TODAY


def test_engine_pool_is_safe_across_threads(demo_ws):
    # SingletonThreadPool (what a "sqlite://" URL picks) closes other threads' connections.
    assert isinstance(demo_ws.engine.pool, QueuePool)


def test_main_thread_reads_while_200_short_lived_threads_read_once(demo_ws):
    plan_id = list_plans(demo_ws)[0].id
    squad_id = list_squads(demo_ws, plan_id)[0].id
    expected = squad_state(demo_ws, squad_id, TODAY)
    errors: list[BaseException] = []
    results: list[int] = []

    def worker() -> None:
        try:
            results.append(len(list_plans(demo_ws)))
        except BaseException as exc:  # noqa: BLE001 - collected and asserted below
            errors.append(exc)

    threads = []
    for i in range(200):
        t = threading.Thread(target=worker)
        t.start()
        threads.append(t)
        # the GUI thread keeps reading while workers start and die around it
        assert squad_state(demo_ws, squad_id, TODAY) == expected
        if i % 20 == 19:
            for old in threads:
                old.join()
    for t in threads:
        t.join()
    assert errors == []
    assert results == [1] * 200
    assert squad_state(demo_ws, squad_id, TODAY) == expected


def test_database_executor_runs_workspace_tasks_one_at_a_time(qtbot):
    from desktop.tasks import TaskRunner

    runner = TaskRunner()
    lock = threading.Lock()
    running = [0]
    peak = [0]
    finished: list[int] = []

    def work(_progress, n=0):
        with lock:
            running[0] += 1
            peak[0] = max(peak[0], running[0])
        threading.Event().wait(0.02)
        with lock:
            running[0] -= 1
        return n

    for n in range(6):
        runner.run("work", lambda p, n=n: work(p, n), on_done=finished.append, show_dialog=False)
    qtbot.waitUntil(lambda: len(finished) == 6, timeout=10000)
    assert peak[0] == 1
    assert sorted(finished) == list(range(6))
