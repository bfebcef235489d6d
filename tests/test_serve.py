"""`jiandu serve --workers N` as a user starts it: a real process on a loopback port, several
workers, connections dealt out evenly, and nothing left running after Ctrl-C."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from browser import CHROMIUM, SHOTS, visit
from served import free_port, sample_db, serve, stop, workers_of

from jiandu.api.keys import KeyStore
from jiandu.cli.service import default_workers
from jiandu.graph.embedded import EmbeddedServer

needs_browser = pytest.mark.skipif(CHROMIUM is None, reason="chromium not installed (make test installs it)")


def _established(pid: int, port: int) -> int:
    """Established TCP connections on `port` that process `pid` holds (read from /proc)."""
    inodes = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            target = os.readlink(fd)
        except OSError:
            continue
        if target.startswith("socket:["):
            inodes.add(target[8:-1])
    count = 0
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            local_port, state, inode = int(fields[1].rsplit(":", 1)[1], 16), fields[3], fields[9]
            count += local_port == port and state == "01" and inode in inodes
    return count


def test_serve_uses_the_cores_by_default(tmp_path):
    """Without --workers: two workers per core, at most four (one worker kept 1.1-1.3 of two cores busy)."""
    db = sample_db(tmp_path)
    server = serve(db, free_port())
    workers: list[int] = []
    try:
        workers = workers_of(server.pid)
        assert len(workers) == default_workers() == min(4, 2 * len(os.sched_getaffinity(0)))
    finally:
        stop(server, workers, db)


def test_workers_share_connections_evenly_and_stop_cleanly(tmp_path):
    db = sample_db(tmp_path)
    token = KeyStore(db / "api_keys.json").create("viewer", "serve test")
    port = free_port()
    server = serve(db, port, "--workers", "2")
    workers: list[int] = []
    try:
        base = f"http://127.0.0.1:{port}"
        workers = workers_of(server.pid)
        assert len(workers) == 2, workers
        # four clients, each on its own keep-alive connection, all answered
        clients, home = [], {}
        try:
            for i in range(4):
                clients.append(httpx.Client(base_url=base, headers={"X-API-Key": token}))
                before = {pid: _established(pid, port) for pid in workers}
                for _ in range(3):
                    view = clients[i].get("/api/v1/leaders/L000097/neighbourhood?depth=2")
                    assert view.status_code == 200 and view.json()["nodes"]
                home[i] = next(pid for pid in workers if _established(pid, port) > before[pid])
            # dealt by the parent: two connections each (uvicorn's shared accept can give one worker all four)
            assert sorted(_established(pid, port) for pid in workers) == [2, 2]
            # closes are reported back: after one worker's two clients leave, new ones go to that worker
            quiet = home[0]
            for i in [i for i in home if home[i] == quiet]:
                clients[i].close()
            time.sleep(0.5)
            for _ in range(2):
                clients.append(httpx.Client(base_url=base, headers={"X-API-Key": token}))
                assert clients[-1].get("/api/v1/leaders/L000097/neighbourhood").status_code == 200
            assert {pid: _established(pid, port) for pid in workers} == dict.fromkeys(workers, 2)
        finally:
            for client in clients:
                client.close()
        # a worker that dies after it started serving is replaced, and the server keeps answering
        os.kill(workers[0], signal.SIGKILL)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:  # one reading of /proc per look: a dying worker is still listed
            replaced = workers_of(server.pid)
            if len(replaced) == 2 and workers[0] not in replaced:
                break
            time.sleep(0.2)
        assert len(replaced) == 2 and workers[0] not in replaced
        workers = replaced
        with httpx.Client(base_url=base, headers={"X-API-Key": token}) as client:
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:  # the new worker opens the store, then serves
                answers = [client.get("/api/v1/leaders/L000097/neighbourhood").status_code for _ in range(4)]
                if answers == [200] * 4:
                    break
            assert answers == [200] * 4
    finally:
        stop(server, workers, db)


def test_workers_that_cannot_start_stop_the_server_with_a_message(tmp_path):
    port = free_port()
    dead = f"falkordb://127.0.0.1:{free_port()}"  # nothing listens there
    done = subprocess.run([sys.executable, "-m", "jiandu", "--store", dead, "serve", "--port", str(port),
                           "--workers", "2"], cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert done.returncode == 1 and "停止服务 (stopping)" in done.stderr


def _raw(port: int, request: bytes) -> tuple[str, bytes]:
    """Send bytes as they are (no client library would send raw UTF-8 in a URL); the head and body."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as conn:
        conn.sendall(request)
        reply = b""
        while chunk := conn.recv(65536):
            reply += chunk
    head, _, body = reply.partition(b"\r\n\r\n")
    return head.decode("latin-1"), body


@pytest.mark.parametrize("workers", ["1", "2"])
def test_raw_chinese_in_a_url_gets_a_json_error(tmp_path, workers):
    db = sample_db(tmp_path)
    port = free_port()
    server = serve(db, port, "--workers", workers)
    try:
        head, body = _raw(port, "GET /api/v1/search?q=王 HTTP/1.1\r\nHost: x\r\n\r\n".encode())
        assert head.startswith("HTTP/1.1 400") and "application/json" in head.lower()
        assert "URL 编码" in json.loads(body)["detail"]
    finally:
        stop(server, workers_of(server.pid), db)


@needs_browser
def test_docs_work_offline_and_health_follows_the_store(tmp_path):
    db = sample_db(tmp_path)
    port = free_port()
    server = serve(db, port, "--workers", "1")
    try:
        seen = visit(f"http://127.0.0.1:{port}/docs", SHOTS / "docs.png", wait_for=".opblock-summary-path")
        assert seen.external == [] and seen.failed == [] and seen.console_errors == []
        assert "/api/v1/cypher" in seen.text and "jiandu" in seen.text
        assert httpx.get(f"http://127.0.0.1:{port}/health").status_code == 200
        EmbeddedServer(db).stop()  # as `jiandu server stop` does
        down = httpx.get(f"http://127.0.0.1:{port}/health", timeout=30)
        assert down.status_code == 503 and down.json()["status"] == "down"
        EmbeddedServer(db).start()  # as `jiandu server start` does: the API reconnects by itself
        back = httpx.get(f"http://127.0.0.1:{port}/health", timeout=30)
        assert back.status_code == 200 and back.json()["status"] == "ok" and back.json()["nodes"] > 0
    finally:
        stop(server, workers_of(server.pid), db, kept=True)
