"""A real `jiandu serve` on the sample graph, started and stopped as a user does: on a loopback
port, with Ctrl-C, leaving no worker or database behind."""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
from conftest import ROOT, SAMPLES

from jiandu.graph.connect import open_store
from jiandu.graph.embedded import EmbeddedServer
from jiandu.ingest.loader import ingest
from jiandu.ingest.text.load import document_files, ingest_documents

REPORTS = ROOT / "ingest" / "sample_reports"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def workers_of(pid: int) -> list[int]:
    """The worker processes `pid` started (multiprocessing's spawned children)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                status = (entry / "status").read_text()
            except OSError:
                continue
            if f"\nPPid:\t{pid}\n" in status and b"spawn_main" in (entry / "cmdline").read_bytes():
                found.append(int(entry.name))
    return found


def serve(db: Path, port: int, *options: str) -> subprocess.Popen:
    """`jiandu serve` on the sample graph in `db`, once its /health answers ok."""
    server = subprocess.Popen([sys.executable, "-m", "jiandu", "--store", f"falkordb+embedded://{db}", "serve",
                               "--port", str(port), *options], cwd=ROOT,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/health", timeout=2).json().get("status") == "ok":
                break
        except httpx.HTTPError:
            time.sleep(0.2)
    return server


def stop(server: subprocess.Popen, workers: list[int], db: Path, kept: bool = False) -> None:
    """Ctrl-C, as a user stops it: the server, its workers and the embedded database all end; a
    database `jiandu server start` began (`kept`) goes on, until it is stopped as that command's
    user stops it."""
    server.send_signal(signal.SIGINT)
    _, errors = server.communicate(timeout=60)
    print(errors)  # shown by pytest when the test fails: what the server said
    assert server.returncode == 0, errors
    assert not [pid for pid in workers if Path(f"/proc/{pid}").exists()], "a worker outlived the server"
    if kept:
        assert EmbeddedServer(db).server_pid() is not None, "the API server stopped a database it did not start"
        EmbeddedServer(db).stop()
    deadline = time.monotonic() + 10
    while EmbeddedServer(db).server_pid() is not None and time.monotonic() < deadline:
        time.sleep(0.1)
    assert EmbeddedServer(db).server_pid() is None, "the embedded database outlived the API server"


def sample_db(tmp_path: Path, reports: bool = False) -> Path:
    """The sample records in an embedded store at tmp_path/db; with `reports`, the sample reports
    too (the demo graph)."""
    db = tmp_path / "db"
    with open_store(f"falkordb+embedded://{db}") as store:
        ingest(store, [SAMPLES], rejects_dir=tmp_path / "rejects")
        if reports:
            ingest_documents(store, list(document_files([REPORTS])), rejects_dir=tmp_path / "rejects")
    return db
