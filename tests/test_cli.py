"""The command line as a user runs it: real processes, real embedded server, nothing left behind."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections import Counter

import pytest
from conftest import ROOT, SAMPLES
from pypinyin import lazy_pinyin

from jiandu.api.keys import KeyStore
from jiandu.graph.embedded import EmbeddedServer
from jiandu.queries.library import library


def _jiandu(*args, cwd, timeout=300):
    return subprocess.run([sys.executable, "-m", "jiandu", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=timeout, env={**os.environ, "JIANDU_STORE": ""})


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """A folder where a store first held someone else's data: the demo refuses it and keeps it,
    then builds the sample there when given --reset."""
    folder = tmp_path_factory.mktemp("demo")
    (folder / "Leader.csv").write_text("id,name\nX1,别人的数据\n", encoding="utf-8")
    assert _jiandu("ingest", "Leader.csv", cwd=folder).returncode == 0
    refused = _jiandu("demo", "--out", str(folder / "out"), cwd=folder)
    kept = _jiandu("cypher", "MATCH (l:Leader {id: 'X1'}) RETURN l.name", cwd=folder)
    built = _jiandu("demo", "--reset", "--out", str(folder / "out"), cwd=folder)
    return folder, refused, kept, built


def test_demo_refuses_a_store_holding_other_data_and_keeps_it(demo):
    _, refused, kept, _ = demo
    assert refused.returncode != 0
    assert "--reset" in refused.stderr and "falkordb+embedded://" in refused.stderr
    assert "节点 nodes 1" in refused.stderr and "非样例 not from the sample: 1 节点 nodes" in refused.stderr
    assert kept.returncode == 0 and "别人的数据" in kept.stdout


def test_demo_builds_the_sample_graph_and_stops_its_server(demo):
    folder, _, _, built = demo
    assert built.returncode == 0, built.stdout + built.stderr
    assert "graph matches the sample files" in built.stdout
    assert "✗" not in built.stdout
    assert EmbeddedServer(folder / ".jiandu").server_pid() is None
    again = _jiandu("stats", "--json", cwd=folder)  # the graph persisted in ./.jiandu
    assert again.returncode == 0 and '"Leader": ' in again.stdout and '"Leader": 0' not in again.stdout
    assert _jiandu("cypher", "MATCH (l:Leader {id: 'X1'}) RETURN count(l)", cwd=folder).stdout.count("│ 0 ")


def test_report_covers_every_named_query(demo):
    folder = demo[0]
    done = _jiandu("report", "-o", "out/report", cwd=folder)
    assert done.returncode == 0, done.stderr
    index = (folder / "out" / "report" / "index.html").read_text(encoding="utf-8")
    for name in library():
        assert f"<section id='{name}'>" in index and f"src='{name}.html'" in index
        assert (folder / "out" / "report" / f"{name}.html").stat().st_size > 1000
    assert "需要参数" not in index


def test_a_query_prints_the_data_day_it_used(demo):
    folder = demo[0]
    done = _jiandu("query", "audit_gaps", cwd=folder)
    assert done.returncode == 0, done.stderr
    day = re.search(r"基准日 as of (\d{4}-\d{2}-\d{2})", done.stdout)
    assert day, done.stdout[:500]
    sample_days = set(re.findall(r"\d{4}-\d{2}-\d{2}", "".join(p.read_text(encoding="utf-8")
                                                                for p in SAMPLES.glob("*.csv"))))
    assert day.group(1) in sample_days and day.group(1) == max(
        d for d in sample_days if d <= json.loads((SAMPLES / "_planted.json").read_text())["as_of"])
    other = _jiandu("query", "audit_gaps", "-p", "as_of=2020-01-01", cwd=folder)
    assert "基准日 as of 2020-01-01" in other.stdout


def test_viz_takes_a_name_or_pinyin_and_lists_candidates_when_ambiguous(demo):
    folder = demo[0]
    names = [row.split(",")[1] for row in (SAMPLES / "Leader.csv").read_text(encoding="utf-8").splitlines()[1:]]
    unique = next(n for n in names if names.count(n) == 1 and len(n) >= 2)
    done = _jiandu("viz", "leader", unique, "-o", "by-name.html", cwd=folder)
    assert done.returncode == 0, done.stderr
    assert f"{unique} → L" in done.stdout and (folder / "by-name.html").exists()
    spelled = "".join(lazy_pinyin(unique))
    if sum("".join(lazy_pinyin(n)) == spelled for n in names) == 1:
        done = _jiandu("viz", "leader", spelled, "-o", "by-pinyin.html", cwd=folder)
        assert done.returncode == 0 and f"{spelled} → L" in done.stdout, done.stderr
    surname = Counter(n[0] for n in names).most_common(1)[0][0]
    done = _jiandu("viz", "leader", surname, "-o", "ambiguous.html", cwd=folder)
    assert done.returncode != 0 and not (folder / "ambiguous.html").exists()
    assert sum(line.strip().startswith("L0") for line in done.stderr.splitlines()) >= 2, done.stderr


def test_cypher_warns_about_dialect_and_unknown_names_and_refuses_unbounded_paths(demo):
    folder = demo[0]
    done = _jiandu("cypher", "MATCH (l:Leadr)-[:HOLD_POST]->(u) RETURN l.nmae", cwd=folder)
    assert done.returncode == 0
    assert "标签 label Leadr" in done.stderr and "did you mean Leader" in done.stderr
    assert "关系类型 relationship type HOLD_POST" in done.stderr and "HOLDS_POST" in done.stderr
    assert "属性 property nmae" in done.stderr
    done = _jiandu("cypher", "MATCH (l:Leader) WHERE l.name =~ '张.*' RETURN l.id", cwd=folder)
    assert done.returncode == 2 and "=~" in done.stderr and "STARTS WITH" in done.stderr  # warned, then refused
    done = _jiandu("cypher", "MATCH (a:Leader)-[*]->(b) RETURN count(b)", cwd=folder, timeout=60)
    assert done.returncode == 2 and "变长路径必须有上限" in done.stderr
    done = _jiandu("cypher", "MATCH (l:Leader)-[h:HOLDS_POST]->(u:Unit) RETURN count(h)", cwd=folder)
    assert done.returncode == 0 and "警告" not in done.stderr


def test_a_parameter_outside_its_values_is_refused_with_the_values(demo):
    done = _jiandu("query", "unit_portrait", "-p", "level=district", cwd=demo[0])
    assert done.returncode != 0
    assert "level" in done.stderr and all(v in done.stderr for v in ("省", "市", "县", "乡", "村"))


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


def test_keys_go_where_serve_reads_them_for_the_same_store(tmp_path):
    """`jiandu --store falkordb+embedded://DB keys create` writes DB/api_keys.json, the file `jiandu
    serve` on that store reads; without --store, ./.jiandu as before."""
    made = _jiandu("--store", f"falkordb+embedded://{tmp_path / 'db'}", "keys", "create", "--role", "viewer",
                   cwd=tmp_path)
    assert made.returncode == 0 and made.stdout.startswith("jd_")
    assert KeyStore(tmp_path / "db" / "api_keys.json").verify(made.stdout.strip()) is not None
    assert not (tmp_path / ".jiandu").exists()
    plain = _jiandu("keys", "create", cwd=tmp_path)
    assert KeyStore(tmp_path / ".jiandu" / "api_keys.json").verify(plain.stdout.strip()) is not None


def test_server_start_keeps_the_server_until_stop(tmp_path):
    """`jiandu server start` keeps the embedded server when the next ordinary command ends."""
    started = _jiandu("server", "start", "--path", ".jiandu", cwd=tmp_path)
    assert started.returncode == 0, started.stderr
    try:
        assert _jiandu("stats", cwd=tmp_path).returncode == 0
        status = _jiandu("server", "status", "--path", ".jiandu", cwd=tmp_path)
        assert "运行中" in status.stdout and "kept" in status.stdout
    finally:
        stopped = _jiandu("server", "stop", "--path", ".jiandu", cwd=tmp_path)
    assert stopped.returncode == 0
    assert "未运行" in _jiandu("server", "status", "--path", ".jiandu", cwd=tmp_path).stdout
