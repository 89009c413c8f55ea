"""Passwords for a team server follow libpq (issue 17): PGPASSWORD, ~/.pgpass (PGPASSFILE),
else the command line prompts on a terminal (a real pseudo-terminal here) and the app asks in
a dialog, remembering the answer in memory only. Never shown in any output or setting.

On the test server (tests/server/conftest.py) a role gets a password and its own lines at
the top of pg_hba.conf (scram-sha-256 over the socket and TCP), so the server really asks;
the lines are removed again afterwards and every other role keeps its trust login."""
from __future__ import annotations

import os
import pty
import select
import subprocess
import sys
import time
from pathlib import Path

import pytest

from desktop.cli import main
from models.core.identity import HEAD_REVISION
from tests.server.conftest import _admin

PASSWORD = "Tr0ub4dor-and-3"
ROOT = Path(__file__).resolve().parents[2]


def _role_name() -> str:
    return f"ninety_pw_{os.getpid()}"


@pytest.fixture(scope="module")
def password_role(pg_server_url):
    """A login role with a password that the server asks for (scram-sha-256)."""
    role = _role_name()
    marker = f"# ninety test {role}"
    lines = [f"local all {role} scram-sha-256 {marker}",
             f"host all {role} 0.0.0.0/0 scram-sha-256 {marker}",
             f"host all {role} ::/0 scram-sha-256 {marker}"]
    with _admin(pg_server_url) as con:
        hba = Path(con.execute("SHOW hba_file").fetchone()[0])
        if not os.access(hba, os.W_OK):
            pytest.skip(f"cannot edit the test server's {hba} to require a password")
        con.execute(f"DROP ROLE IF EXISTS {role}")
        con.execute(f"CREATE ROLE {role} LOGIN PASSWORD '{PASSWORD}'")
        hba.write_text("\n".join(lines) + "\n" + hba.read_text())
        try:
            con.execute("SELECT pg_reload_conf()")
            ours = con.execute("SELECT count(*) FROM pg_hba_file_rules WHERE %s = ANY(user_name) "
                               "AND auth_method = 'scram-sha-256' AND error IS NULL", (role,)).fetchone()[0]
            assert ours == len(lines), "the server did not take the password lines"
            yield role
        finally:
            hba.write_text("".join(line for line in hba.read_text().splitlines(keepends=True)
                                   if marker not in line))
            con.execute("SELECT pg_reload_conf()")
            con.execute(f"DROP ROLE IF EXISTS {role}")


@pytest.fixture
def pw_url(pg_server_url, pg_url, password_role, monkeypatch, tmp_path):
    """A fresh empty database owned by the role, its address without a password, and libpq
    left with none: no PGPASSWORD, a password file that does not exist."""
    from sqlalchemy.engine import make_url

    name = make_url(pg_url).database
    with _admin(pg_server_url) as con:
        con.execute(f'ALTER DATABASE "{name}" OWNER TO {password_role}')
    monkeypatch.delenv("PGPASSWORD", raising=False)
    monkeypatch.setenv("PGPASSFILE", str(tmp_path / "no-pgpass"))
    # _replace, not set(): the test server's own address carries an empty password ("postgres:@")
    return make_url(pg_url)._replace(username=password_role, password=None).render_as_string(
        hide_password=False)


@pytest.fixture
def demo_file(demo_ws):
    path = demo_ws.path
    demo_ws.close()
    return path


@pytest.fixture(autouse=True)
def _nothing_typed_yet():
    """Each test starts a new run: no password typed at a prompt or in the app yet."""
    from desktop import cli
    from desktop.main_window import MainWindow

    cli._typed_passwords.clear()
    MainWindow._server_passwords.clear()
    yield
    cli._typed_passwords.clear()
    MainWindow._server_passwords.clear()


def run(capsys, *args):
    capsys.readouterr()
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


def _cli_env(**extra) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "PGPASSWORD"}
    env.update(extra)
    return env


def cli_process(*args, **env) -> subprocess.CompletedProcess:
    """``ninety ARGS`` in its own process, stdin not a terminal."""
    return subprocess.run([sys.executable, "-m", "desktop.cli", *map(str, args)], cwd=ROOT, env=_cli_env(**env),
                          stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=120)


def cli_on_terminal(args, answer: str | None, **env) -> tuple[int, str]:
    """``ninety ARGS`` on a pseudo-terminal (stdin, stdout and stderr, and the controlling
    terminal getpass reads from); *answer* is typed at the password prompt. (exit code,
    all the terminal showed)."""
    pid, fd = pty.fork()
    if pid == 0:  # the child: now on the terminal
        try:
            os.chdir(ROOT)
            os.execve(sys.executable, [sys.executable, "-m", "desktop.cli", *map(str, args)], _cli_env(**env))
        finally:
            os._exit(127)
    shown = b""
    typed = False
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.5)
        if not ready:
            continue
        try:
            chunk = os.read(fd, 4096)
        except OSError:  # the child closed the terminal (EIO)
            break
        if not chunk:
            break
        shown += chunk
        if not typed and answer is not None and b"Password for " in shown and shown.rstrip().endswith(b":"):
            time.sleep(0.2)  # getpass turns echo off after writing the prompt
            os.write(fd, answer.encode() + b"\n")
            typed = True
    else:
        os.kill(pid, 9)
    _, status = os.waitpid(pid, 0)
    os.close(fd)
    return os.waitstatus_to_exitcode(status), shown.decode(errors="replace")


def _one_line(text: str) -> str:
    lines = [line for line in text.strip().splitlines() if line.strip()]
    assert len(lines) == 1, text
    assert "Traceback" not in text
    return lines[0]


# --------------------------------------------------------------------------- the command line

def test_pgpassword_is_used(capsys, monkeypatch, pw_url, demo_file):
    monkeypatch.setenv("PGPASSWORD", PASSWORD)
    code, _, err = run(capsys, "workspace", "push", demo_file, pw_url)
    assert code == 0 and "pushed 1 plan" in err
    code, out, err = run(capsys, "summary", pw_url, "--json")
    assert code == 0 and '"plan"' in out
    assert PASSWORD not in out + err


def test_a_pgpass_file_is_used(capsys, monkeypatch, pw_url, demo_file, tmp_path, password_role):
    from sqlalchemy.engine import make_url

    pgpass = tmp_path / "pgpass"
    pgpass.write_text(f"*:*:{make_url(pw_url).database}:{password_role}:{PASSWORD}\n")
    pgpass.chmod(0o600)
    monkeypatch.setenv("PGPASSFILE", str(pgpass))
    code, _, err = run(capsys, "workspace", "push", demo_file, pw_url)
    assert code == 0 and "pushed 1 plan" in err
    code, out, err = run(capsys, "plan", "dump", pw_url)
    assert code == 0 and out.startswith("{") and PASSWORD not in out + err


def test_without_a_password_or_a_terminal_one_line_saying_how(pw_url, demo_file, password_role):
    done = cli_process("workspace", "push", demo_file, pw_url)
    assert done.returncode == 2 and done.stdout == ""
    line = _one_line(done.stderr)
    assert "wants a password" in line and "PGPASSWORD" in line and "~/.pgpass" in line
    assert repr(password_role) in line
    assert PASSWORD not in done.stderr
    # and the same in this process, for the commands reading and writing
    done = cli_process("summary", pw_url)
    assert done.returncode == 2 and "wants a password" in _one_line(done.stderr)


def test_a_wrong_password_is_one_line_without_it(capsys, monkeypatch, pw_url, demo_file):
    from sqlalchemy.engine import make_url

    monkeypatch.setenv("PGPASSWORD", "not-the-Secret-1")
    code, out, err = run(capsys, "workspace", "push", demo_file, pw_url)
    assert code == 2 and out == ""
    line = _one_line(err)
    assert "refused the password in PGPASSWORD" in line and "not-the-Secret-1" not in err
    # in the address itself: neither the password nor the address with it is shown
    monkeypatch.delenv("PGPASSWORD")
    inline = make_url(pw_url)._replace(password="in-the-Addr3ss").render_as_string(hide_password=False)
    code, out, err = run(capsys, "workspace", "pull", inline, Path(demo_file).with_name("copy.ninety"))
    assert code == 2 and "refused the password given" in _one_line(err)
    assert "in-the-Addr3ss" not in err + out
    # a wrong line in the password file
    pgpass = Path(demo_file).with_name("pgpass")
    pgpass.write_text("*:*:*:*:from-the-F1le\n")
    pgpass.chmod(0o600)
    monkeypatch.setenv("PGPASSFILE", str(pgpass))
    code, _, err = run(capsys, "summary", pw_url)
    assert code == 2 and "refused the password from the password file" in _one_line(err)
    assert "from-the-F1le" not in err


def test_on_a_terminal_the_password_is_asked_once_and_not_echoed(pw_url, demo_file, password_role):
    code, shown = cli_on_terminal(["workspace", "push", demo_file, pw_url], PASSWORD)
    assert code == 0, shown
    assert shown.count("Password for ") == 1
    assert f"Password for {password_role}@" in shown and "pushed 1 plan" in shown
    assert PASSWORD not in shown  # getpass turned echo off
    # a command that opens the server for reading and then writing asks once too
    code, shown = cli_on_terminal(["summary", pw_url, "--json"], PASSWORD)
    assert code == 0 and shown.count("Password for ") == 1 and '"plan"' in shown
    assert PASSWORD not in shown


def test_a_wrong_password_typed_is_refused_in_one_line(pw_url, demo_file):
    code, shown = cli_on_terminal(["workspace", "push", demo_file, pw_url], "Wrong-typed-9")
    assert code == 2
    after = shown.split("Password for ", 1)[1].split("\n", 1)[1]  # what came after the prompt line
    assert "refused the password typed" in _one_line(after)
    assert "Wrong-typed-9" not in shown


def test_a_password_found_by_libpq_is_not_asked_for_on_a_terminal(pw_url, demo_file):
    code, shown = cli_on_terminal(["workspace", "push", demo_file, pw_url], None, PGPASSWORD=PASSWORD)
    assert code == 0 and "Password for" not in shown and "pushed 1 plan" in shown


# --------------------------------------------------------------------------- the app

@pytest.fixture
def team(capsys, monkeypatch, pw_url, demo_file):
    monkeypatch.setenv("PGPASSWORD", PASSWORD)
    assert main(["workspace", "push", str(demo_file), pw_url]) == 0
    monkeypatch.delenv("PGPASSWORD")
    return pw_url


@pytest.fixture
def answers(monkeypatch):
    """QInputDialog.getText answers from a list; the questions it was asked are kept."""
    from PySide6.QtWidgets import QInputDialog

    asked: list[str] = []
    replies: list[tuple[str, bool]] = []

    def get_text(parent, title, label, *args, **kwargs):
        asked.append(label)
        return replies.pop(0) if replies else ("", False)

    monkeypatch.setattr(QInputDialog, "getText", staticmethod(get_text))
    return asked, replies


@pytest.fixture
def window(qtbot, settings):
    from desktop.main_window import MainWindow

    w = MainWindow(settings=settings)
    qtbot.addWidget(w)
    yield w
    w.tasks.wait()
    w._close_workspace()


def _settings_text(settings) -> str:
    settings.sync()
    values = [f"{k}={settings.value(k)!r}" for k in settings.allKeys()]
    return "\n".join(values) + Path(settings.fileName()).read_text(errors="replace")


def test_the_app_asks_only_when_needed_and_remembers_for_the_session(window, answers, team, settings):
    asked, replies = answers
    replies.append((PASSWORD, True))
    assert window.open_path(team)
    assert len(asked) == 1 and "wants a password" in asked[0]
    recent = window.recent_files()[0]
    assert PASSWORD not in recent
    window._close_workspace()
    # Open Recent: the same server, no question
    window.recent_menu.actions()[0].trigger()
    assert window.doc is not None and len(asked) == 1
    # another window of the same run too
    from desktop.main_window import MainWindow

    other = MainWindow(settings=settings)
    try:
        assert other.open_path(recent) and len(asked) == 1
    finally:
        other._close_workspace()
        other.deleteLater()
    window.close()  # writes the settings
    assert PASSWORD not in _settings_text(settings)


def test_the_app_asks_again_saying_a_wrong_password_was_refused(window, answers, team):
    asked, replies = answers
    replies.extend([("not-it-42", True), (PASSWORD, True)])
    assert window.open_path(team)
    assert len(asked) == 2 and "wants a password" in asked[0] and "refused" in asked[1]
    assert window.doc is not None and PASSWORD not in window.windowTitle()


def test_the_app_tries_libpq_first_and_cancel_opens_nothing(window, answers, team, monkeypatch):
    asked, _ = answers
    monkeypatch.setenv("PGPASSWORD", PASSWORD)
    assert window.open_path(team) and asked == []
    window._close_workspace()
    monkeypatch.delenv("PGPASSWORD")
    window._server_passwords.clear()
    assert not window.open_path(team)  # the dialog is cancelled
    assert len(asked) == 1 and window.doc is None


def test_the_connect_dialog_asks_the_address_then_a_password_only_when_needed(window, answers, team):
    asked, replies = answers
    replies.extend([(team, True), (PASSWORD, True)])
    window.connect_dialog()
    assert window.doc is not None
    assert len(asked) == 2 and "Server address" in asked[0] and "wants a password" in asked[1]
    assert PASSWORD not in " ".join(window.recent_files())


def test_connecting_from_the_app_sets_up_an_empty_database_and_reopening_does_not_need_to(window, answers, pg_url):
    """File ▸ Connect to team server… on an empty database: it becomes the team's workspace
    (no plan yet); Open Recent then opens it as it is. A database holding other tables is
    still refused untouched (tests/server/test_team_server.py)."""
    import psycopg

    asked, replies = answers
    replies.append((pg_url, True))
    window.connect_dialog()
    assert window.doc is not None and window.doc.plans() == []
    with psycopg.connect(pg_url.replace("postgresql+psycopg://", "postgresql://")) as con:
        assert con.execute("SELECT version_num FROM alembic_version").fetchone()[0] == HEAD_REVISION
    window._close_workspace()
    assert window.open_path(pg_url) and window.doc is not None  # as from Open Recent: no set-up needed
