"""The command line as a user runs it: real processes, real embedded server, nothing left behind."""

from __future__ import annotations

import os
import subprocess
import sys

from conftest import ROOT

from jiandu.graph.embedded import EmbeddedServer


def _jiandu(*args, cwd, timeout=300):
    return subprocess.run([sys.executable, "-m", "jiandu", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=timeout, env={**os.environ, "JIANDU_STORE": ""})


def test_demo_builds_the_sample_graph_and_stops_its_server(tmp_path):
    done = _jiandu("demo", "--out", str(tmp_path / "out"), cwd=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "graph matches the sample files" in done.stdout
    assert "✗" not in done.stdout
    assert EmbeddedServer(tmp_path / ".jiandu").server_pid() is None
    again = _jiandu("stats", "--json", cwd=tmp_path)  # the graph persisted in ./.jiandu
    assert again.returncode == 0 and '"Leader": ' in again.stdout and '"Leader": 0' not in again.stdout


def test_ingest_reports_rejects_with_exit_code_2(tmp_path):
    (tmp_path / "Leader.csv").write_text("id,name\nL1,甲某\n,乙某\n", encoding="utf-8")
    done = _jiandu("ingest", "Leader.csv", cwd=tmp_path)
    assert done.returncode == 2
    assert "Leader.csv:3: 字段 (field) 'id'" in done.stderr
    assert "rejected records kept in" in done.stderr
    assert "节点 nodes 1" in done.stdout


def test_ingest_of_a_missing_file_says_so(tmp_path):
    done = _jiandu("ingest", "nope.csv", cwd=tmp_path)
    assert done.returncode == 2 and "no such file" in done.stderr and "Traceback" not in done.stderr


def test_schema_prints_the_ontology(tmp_path):
    done = _jiandu("schema", cwd=ROOT)
    assert done.returncode == 0 and "HOLDS_POST" in done.stdout and "一把手" in done.stdout
    done = _jiandu("schema", "--json", cwd=ROOT)
    assert done.returncode == 0 and '"Leader"' in done.stdout


def test_bad_store_url_is_a_message_not_a_traceback(tmp_path):
    done = _jiandu("--store", "mysql://x", "stats", cwd=tmp_path)
    assert done.returncode == 1 and "unknown store URL" in done.stderr and "Traceback" not in done.stderr
