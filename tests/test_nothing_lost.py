"""Issue 40's points, each against a real store and a real app: nothing lost, nothing hidden."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from jiandu.api.app import create_app
from jiandu.api.audit import VALUE_CHARS, AuditLog
from jiandu.api.keys import KeyStore
from jiandu.graph.store import Store
from jiandu.ingest.loader import ingest
from jiandu.queries.library import answer
from jiandu.settings import Settings

HEADER = "id,name,gender\n"


def _leaders(store: Store) -> dict[str, dict]:
    rows = store.run("MATCH (n:Leader) RETURN n.id, n.name, n.gender, n.sources", read_only=True).rows
    return {i: {"name": n, "gender": g, "sources": s} for i, n, g, s in rows}


def _rejects(report) -> list[dict]:
    if report.rejects_path is None:
        return []
    return [json.loads(line) for line in report.rejects_path.read_text(encoding="utf-8").splitlines()]


def _load(store: Store, tmp_path: Path, name: str, text: str, **kw):
    folder = tmp_path / "in"
    folder.mkdir(exist_ok=True)
    (folder / name).write_text(text, encoding="utf-8")
    return ingest(store, [folder / name], rejects_dir=tmp_path / "rejects", **kw)


def test_a_field_over_the_limit_is_one_reject_and_the_rows_after_it_land(store, tmp_path):
    big = "甲" * 2000
    report = _load(store, tmp_path, "Leader.csv", f"{HEADER}ZQ0,丁,男\nZQ1,{big},男\nZQ2,乙,女\n", max_field=1024)
    assert set(_leaders(store)) == {"ZQ0", "ZQ2"}
    (reject,) = _rejects(report)
    assert reject["line"] == 3 and "1024" in reject["reason"] and big in reject["record"]


def test_an_unterminated_quote_is_a_reject_naming_its_line(store, tmp_path):
    report = _load(store, tmp_path, "Leader.csv", f'{HEADER}ZQ1,"甲,男\nZQ2,乙,女\nZQ3,丙,男\n')
    assert {i: v["name"] for i, v in _leaders(store).items()} == {"ZQ2": "乙", "ZQ3": "丙"}
    (reject,) = _rejects(report)
    assert reject["line"] == 2 and "引号" in reject["reason"] and reject["record"] == 'ZQ1,"甲,男'


def test_a_quote_closed_by_a_later_row_is_a_reject_too(store, tmp_path):
    report = _load(store, tmp_path, "Leader.csv", f'{HEADER}ZQ1,"甲,男\nZQ2,乙,女\nZQ3,"丙",男\n')
    assert set(_leaders(store)) == {"ZQ2", "ZQ3"} and [r["line"] for r in _rejects(report)] == [2]


def test_a_conflicting_duplicate_is_reported_with_both_values_and_the_later_wins(store, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "Leader.csv").write_text(f"{HEADER}L1,甲,男\nL2,乙,女\nL1,甲,女\n", encoding="utf-8")
    (folder / "more.jsonl").write_text(json.dumps({"label": "Leader", "id": "L2", "name": "乙某"}, ensure_ascii=False),
                                       encoding="utf-8")
    report = ingest(store, [folder], rejects_dir=tmp_path / "rejects")
    leaders = _leaders(store)
    assert leaders["L1"]["gender"] == "女" and leaders["L2"]["name"] == "乙某"
    assert report.conflicts == 2 and report.rejected == 0
    kept = {(c["record"]["id"], c["field"]): c["record"] for c in _rejects(report) if c["kind"] == "conflict"}
    assert kept[("L1", "gender")]["earlier"] == "男" and kept[("L1", "gender")]["later"] == "女"
    assert kept[("L1", "gender")]["earlier_sources"][0].endswith("Leader.csv#L2")
    assert kept[("L1", "gender")]["later_source"].endswith("Leader.csv#L4")
    assert kept[("L2", "name")]["later_source"].endswith("more.jsonl#L1")
    again = ingest(store, [folder / "Leader.csv"], rejects_dir=tmp_path / "rejects")  # the same, in a run of its own
    assert again.conflicts == 1  # L1 twice in one file is still a conflict; L2 agrees with what it wrote before


def test_identical_duplicates_are_no_conflict(store, tmp_path):
    report = _load(store, tmp_path, "Leader.csv", f"{HEADER}L1,甲,男\nL1,甲,男\n")
    assert report.conflicts == 0 and report.rejected == 0 and len(_leaders(store)) == 1


def test_a_short_row_is_a_reject_and_an_empty_file_a_notice(store, tmp_path):
    report = _load(store, tmp_path, "Leader.csv", f"{HEADER}L1,甲\nL2,乙,女\n")
    assert set(_leaders(store)) == {"L2"} and "少于" in _rejects(report)[0]["reason"]
    empty = _load(store, tmp_path, "Unit.csv", "")
    assert any("Unit.csv" in n and "没有记录" in n for n in empty.notices)


def test_sources_never_name_the_machines_folders(store, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    outside = tmp_path.parent / f"{tmp_path.name}-outside" / "records"
    outside.mkdir(parents=True)
    (outside / "Leader.csv").write_text(f"{HEADER}L1,甲,男\n", encoding="utf-8")
    ingest(store, [outside], rejects_dir=tmp_path / "rejects")
    assert _leaders(store)["L1"]["sources"] == ["records/Leader.csv#L2"]


def test_paired_columns_stay_paired_with_namesakes(store, tmp_path):
    records = [{"label": "Unit", "id": "U1", "name": "某局", "kind": "部门"},
               *({"label": "Leader", "id": i, "name": n} for i, n in (("L3", "同名"), ("L1", "同名"), ("L2", "甲某"))),
               *({"label": "Case", "id": f"C{i}", "name": f"案{i}", "opened": "2024-01-0" + str(i)} for i in (1, 2, 3)),
               *({"type": "CONCERNS", "from": f"C{i}", "from_label": "Case", "to": "U1", "to_label": "Unit"}
                 for i in (1, 2, 3)),
               *({"type": "INVOLVED_IN", "from": f"L{i}", "from_label": "Leader", "to": f"C{i}", "role": "主要涉案人"}
                 for i in (1, 2, 3))]
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "w.jsonl").write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records), encoding="utf-8")
    assert ingest(store, [folder], rejects_dir=tmp_path / "rejects").rejected == 0
    row = answer("collapse_clusters", store, {"min_leaders": 3}).result.records()[0]
    names = dict(zip(row["leader_ids"], row["leader_names"], strict=True))
    assert row["leader_ids"] == ["L1", "L2", "L3"] and names == {"L1": "同名", "L2": "甲某", "L3": "同名"}


def test_csv_output_writes_booleans_as_the_ontology_does(tmp_path):
    from jiandu.graph.store import Result
    done = subprocess.run([sys.executable, "-c", (
        "from jiandu.cli.output import print_result; from jiandu.graph.store import Result; "
        "print_result(Result(['a', 'b', 'c'], [[True, False, ['x', True]]]), 'csv')")],
        capture_output=True, text=True, check=True)
    assert done.stdout.splitlines() == ["a,b,c", "true,false,x|true"]
    assert Result  # the type printed above


@pytest.fixture
def app(store, tmp_path):
    ingest(store, [Path(__file__).parent.parent / "ingest" / "samples"], rejects_dir=tmp_path / "rejects")
    keys = KeyStore(tmp_path / "api_keys.json")
    tokens = {role: keys.create(role) for role in ("viewer", "investigator", "admin")}
    settings = Settings(data_dir=tmp_path, max_body_mb=1)
    with TestClient(create_app(settings, store=store), raise_server_exceptions=False) as client:
        yield client, {r: {"X-API-Key": t} for r, t in tokens.items()}, tmp_path


def _log(tmp_path: Path) -> list[dict]:
    return [json.loads(line) for line in (tmp_path / "audit.jsonl").read_text(encoding="utf-8").splitlines()]


def test_a_body_over_the_limit_is_413_and_logged_bounded(app):
    client, h, tmp_path = app
    huge = {"query": "RETURN 1", "params": {"x": "a" * (2 * 1024 * 1024)}}
    done = client.post("/api/v1/cypher", json=huge, headers=h["investigator"])
    assert done.status_code == 413 and done.json()["limit_bytes"] == 1024 * 1024
    entry = _log(tmp_path)[-1]
    assert entry["status"] == 413 and entry["endpoint"] == "/api/v1/cypher"
    near = {"query": "RETURN $x AS x", "params": {"x": "b" * 500_000}}
    assert client.post("/api/v1/cypher", json=near, headers=h["investigator"]).status_code == 200
    line = (tmp_path / "audit.jsonl").read_text(encoding="utf-8").splitlines()[-1]
    logged = json.loads(line)["params"]
    assert len(line) < 4 * VALUE_CHARS and logged["chars"] > 500_000 and len(logged["sha256"]) == 64


def test_an_impossible_date_is_422(app):
    client, h, _ = app
    for day in ("2025-13-45", "2025-02-30", "garbage"):
        done = client.get(f"/api/v1/leaders/L000001/neighbourhood?since={day}", headers=h["viewer"])
        assert done.status_code == 422, day
    assert client.get("/api/v1/leaders/L000001/neighbourhood?since=2024-02-29", headers=h["viewer"]).status_code == 200


def test_a_store_that_is_down_is_503_with_retry_after_and_logged(app, monkeypatch):
    from jiandu.graph.store import StoreUnavailable
    client, h, tmp_path = app
    store = client.app.state.ctx.store

    def down(*_a, **_k):
        raise StoreUnavailable("lost the connection")

    monkeypatch.setattr(store, "run", down)  # the real loss is tested on a real server in test_reliability
    monkeypatch.setattr(store, "version", down)
    for method, url, body in (("get", "/api/v1/leaders/L000001/neighbourhood", None),
                              ("post", "/api/v1/patterns/collapse_clusters", {}),
                              ("post", "/api/v1/cypher", {"query": "RETURN 1"})):
        done = client.request(method, url, json=body, headers=h["investigator"])
        assert done.status_code == 503 and done.headers["retry-after"], url
        assert _log(tmp_path)[-1]["status"] == 503


def test_the_audit_log_rotates_by_size_and_mends_a_torn_line(tmp_path):
    log = AuditLog(tmp_path / "audit.jsonl", rotate_bytes=2000, keep=2)
    for i in range(100):
        log.write(endpoint="/x", n=i)
    log.close()
    files = sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("audit.jsonl"))
    assert files == ["audit.jsonl", "audit.jsonl.1", "audit.jsonl.2"]
    assert all((tmp_path / f).stat().st_size <= 2200 for f in files)
    with open(tmp_path / "audit.jsonl", "a", encoding="utf-8") as fh:
        fh.write('{"time": "torn')  # what a process killed in the middle of a line leaves
    AuditLog(tmp_path / "audit.jsonl").write(endpoint="/after")
    last = (tmp_path / "audit.jsonl").read_text(encoding="utf-8").splitlines()[-1]
    assert json.loads(last)["endpoint"] == "/after"
