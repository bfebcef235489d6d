"""Killing the embedded server in the middle of an ingest, then ingesting again, loses nothing."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

from conftest import ROOT, snapshot

from jiandu.graph.connect import open_store
from jiandu.graph.embedded import _pid_alive
from jiandu.ingest.generator import generate
from jiandu.ingest.loader import ingest


def test_sigkill_mid_ingest_then_rerun_equals_an_uninterrupted_run(tmp_path):
    data = tmp_path / "world"
    generate(data, scale=0.25, seed=11, noise=0.05)

    clean_url = f"falkordb+embedded://{tmp_path / 'clean'}"
    with open_store(clean_url) as clean:
        report = ingest(clean, [data], rejects_dir=tmp_path / "r1")
        assert report.rejected == 0
        expected = snapshot(clean)
    assert len(expected[0]) > 2000 and len(expected[1]) > 8000

    url = f"falkordb+embedded://{tmp_path / 'crash'}"
    watcher = open_store(url)  # holds the server while the ingest process writes into it
    pid = watcher.server.server_pid()
    command = [sys.executable, "-m", "jiandu", "--store", url, "ingest", str(data), "--batch-size", "100"]
    proc = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 120
    written = 0
    while time.monotonic() < deadline:
        written = watcher.run("MATCH (n) RETURN count(n)").scalar() + \
            watcher.run("MATCH ()-[r]->() RETURN count(r)").scalar()
        if written > 3000:
            break
        time.sleep(0.01)
    os.kill(pid, signal.SIGKILL)
    out, err = proc.communicate(timeout=120)
    watcher.close()
    assert 3000 < written < len(expected[0]) + len(expected[1]), "the kill must land in the middle of the ingest"
    assert proc.returncode == 1, (out, err)
    assert "run the same ingest again" in err

    with open_store(url) as again:
        partial = again.run("MATCH (n) RETURN count(n)").scalar()
        assert 0 < partial <= len(expected[0])
        report = ingest(again, [data], rejects_dir=tmp_path / "r2")
        assert report.rejected == 0
        assert snapshot(again) == expected
        pid = again.server.server_pid()
    assert not _pid_alive(pid)
