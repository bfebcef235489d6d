"""The supervision ledger on both engines: every legal and illegal step, the colours at each
threshold's boundary, alerts run again, two writers at once, and the ledger surviving a re-ingest
of the same sources; then the CLI on the sample as a newcomer runs it, and the API's roles.

The expected transitions are written out here from the loop as the issue states it, not read
from the ontology: the test checks the ontology's rules against them."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from conftest import SAMPLES, snapshot
from fastapi.testclient import TestClient
from openpyxl import load_workbook

from jiandu.api.app import create_app
from jiandu.api.keys import KeyStore
from jiandu.graph.connect import open_store
from jiandu.graph.ontology import ONTOLOGY
from jiandu.graph.store import together
from jiandu.ingest.loader import Records, ingest
from jiandu.ledger import IllegalStep, Ledger, MissingField, VersionConflict, colour, run_alerts
from jiandu.ledger.book import entry_write
from jiandu.ledger.intake import by_hand, from_findings, uncollected_findings
from jiandu.settings import Settings
from jiandu.views import ReadModel
from jiandu.visualizations.report import write_report

META = json.loads((SAMPLES / "_planted.json").read_text(encoding="utf-8"))
AS_OF = META["as_of"]
STATES = ["open", "assigned", "in_rectification", "submitted", "accepted", "closed"]
STEPS = ["assign", "letter", "note", "submit", "accept", "close", "reopen"]
LEGAL = {  # (state, step) -> the state it leaves; every other pair is refused
    ("open", "assign"): "assigned", ("open", "note"): "open",
    ("assigned", "assign"): "assigned", ("assigned", "letter"): "in_rectification",
    ("assigned", "note"): "in_rectification", ("assigned", "submit"): "submitted",
    ("in_rectification", "assign"): "in_rectification", ("in_rectification", "letter"): "in_rectification",
    ("in_rectification", "note"): "in_rectification", ("in_rectification", "submit"): "submitted",
    ("submitted", "note"): "submitted", ("submitted", "accept"): "accepted",
    ("submitted", "reopen"): "in_rectification",
    ("accepted", "note"): "accepted", ("accepted", "close"): "closed", ("accepted", "reopen"): "in_rectification",
    ("closed", "reopen"): "in_rectification",
}
TO = {"assigned": ["assign"], "in_rectification": ["assign", "letter"], "submitted": ["assign", "submit"],
      "accepted": ["assign", "submit", "accept"], "closed": ["assign", "submit", "accept", "close"], "open": []}
FIELDS = {"owner": "整改责任人", "note": "说明"}


def _units(store, n: int = 2) -> list[str]:
    rows = store.run("MATCH (u:Unit) RETURN u.id ORDER BY u.id LIMIT $n", {"n": n}).rows
    return [r[0] for r in rows]


@pytest.fixture
def sample(store, tmp_path):
    ingest(store, [SAMPLES], rejects_dir=tmp_path / "rejects")
    return store


def _item_at(ledger: Ledger, unit: str, state: str, tag: str) -> str:
    (item_id,), _ = by_hand(ledger, unit=unit, name=f"问题{tag}", opened="2026-01-05", deadline="2026-04-05",
                            origin="日常监督", actor="测试", source="test")
    for step in TO[state]:
        ledger.take(item_id, step, actor="测试", date="2026-02-01", **FIELDS)
    assert ledger.show(item_id).state == state
    return item_id


def test_the_ontology_declares_the_loop_the_issue_describes():
    rules = ONTOLOGY.ledger
    assert list(rules.states) == STATES
    for state in STATES:
        for step in STEPS:
            spec = rules.steps[step]
            allowed = step in rules.allowed(state)
            assert allowed == ((state, step) in LEGAL), (state, step)
            if allowed:
                assert spec.after(state) == LEGAL[(state, step)], (state, step)
    assert {s: rules.steps[s].role for s in STEPS} == {"assign": "investigator", "letter": "investigator",
                                                       "note": "investigator", "submit": "investigator",
                                                       "accept": "supervisor", "close": "supervisor",
                                                       "reopen": "supervisor"}


def test_every_legal_and_illegal_step(store, tmp_path):
    ingest(store, [_records_unit()], rejects_dir=tmp_path)
    ledger = Ledger(store)
    for state in STATES:
        for step in STEPS:
            item_id = _item_at(ledger, "U1", state, f"{state}-{step}")
            before = ledger.show(item_id)
            if (state, step) in LEGAL:
                after = ledger.take(item_id, step, actor="测试", date="2026-03-01", version=before.version, **FIELDS)
                assert (after.state, after.version) == (LEGAL[(state, step)], before.version + 1), (state, step)
                last = after.entries[-1]
                assert (last["from_state"], last["to_state"], last["actor"], last["date"]) == (
                    state, after.state, "测试", "2026-03-01")
            else:
                with pytest.raises(IllegalStep) as refused:
                    ledger.take(item_id, step, actor="测试", date="2026-03-01", **FIELDS)
                message = str(refused.value)
                assert item_id in message and state in message, message
                for allowed in ONTOLOGY.ledger.allowed(state):
                    assert allowed in message, message
                assert ledger.show(item_id).as_json() == before.as_json(), "a refused step changed nothing"


def test_steps_that_need_a_field_say_so(store, tmp_path):
    ingest(store, [_records_unit()], rejects_dir=tmp_path)
    ledger = Ledger(store)
    item = _item_at(ledger, "U1", "open", "x")
    with pytest.raises(MissingField, match="owner"):
        ledger.take(item, "assign", actor="测试")
    with pytest.raises(MissingField, match="note"):
        ledger.take(item, "note", actor="测试")
    closed = _item_at(ledger, "U1", "closed", "y")
    with pytest.raises(MissingField, match="note"):
        ledger.take(closed, "reopen", actor="测试")
    assert ledger.show(closed).state == "closed" and ledger.show(item).version == 1


def _records_unit() -> Records:
    return Records("test", [{"label": "Unit", "id": "U1", "name": "甲局", "kind": "部门"}])


def _add_months(day: str, months: int) -> str:
    """Independent of the product: day plus months, clamped to the month's end."""
    d = dt.date.fromisoformat(day)
    y, m = divmod(d.year * 12 + d.month - 1 + months, 12)
    last = (dt.date(y + (m + 1) // 12, (m + 1) % 12 + 1, 1) - dt.timedelta(days=1)).day
    return dt.date(y, m + 1, min(d.day, last)).isoformat()


def _before(day: str) -> str:
    return (dt.date.fromisoformat(day) - dt.timedelta(days=1)).isoformat()


@pytest.mark.parametrize("deadline", ["2026-01-31", "2026-03-15", "2024-02-29", "2025-08-31"])
def test_colour_at_each_threshold_boundary(deadline):
    months = (1, 3, 6)
    assert colour(deadline, "assigned", deadline, months) is None  # due today: on time
    assert colour(deadline, "assigned", (dt.date.fromisoformat(deadline) + dt.timedelta(days=1)).isoformat(),
                  months) is None  # overdue, not yet a month
    for name, lesser, m in (("蓝", None, 1), ("黄", "蓝", 3), ("红", "黄", 6)):
        day = _add_months(deadline, m)
        assert colour(deadline, "in_rectification", day, months) == name, (deadline, day)
        assert colour(deadline, "in_rectification", _before(day), months) == lesser, (deadline, _before(day))
    assert colour(deadline, "closed", _add_months(deadline, 12), months) is None
    assert colour(deadline, "open", _add_months(deadline, 2), (2, 4, 8)) == "蓝"  # thresholds from settings
    assert colour(deadline, "open", _before(_add_months(deadline, 2)), (2, 4, 8)) is None


def test_listing_filters_colours_on_the_same_boundaries(store, tmp_path):
    ingest(store, [_records_unit()], rejects_dir=tmp_path)
    ledger = Ledger(store)
    deadline = "2026-01-31"
    items = {}
    for tag, state in (("a", "open"), ("b", "in_rectification"), ("c", "closed")):
        (items[tag],), _ = by_hand(ledger, unit="U1", name=f"问题{tag}", opened="2025-12-01", deadline=deadline,
                                   origin="日常监督", actor="测试", source="test")
        for step in TO[state]:
            ledger.take(items[tag], step, actor="测试", date="2026-01-10", **FIELDS)
    open_ids = sorted([items["a"], items["b"]])
    for name, m in (("蓝", 1), ("黄", 3), ("红", 6)):
        day = _add_months(deadline, m)
        assert sorted(i.id for i in ledger.list(colour_name=name, as_of=day).items) == open_ids, (name, day)
        assert ledger.list(colour_name=name, as_of=_before(day)).items == [], (name, _before(day))
        listing = ledger.list(as_of=day)
        assert listing.by_colour == {name: 2, "无": 1}
    assert sorted(i.id for i in ledger.list(colour_name="none", as_of="2026-02-27").items) == sorted(items.values())
    overdue = ledger.list(overdue=True, as_of="2026-02-01")
    assert sorted(i.id for i in overdue.items) == open_ids and all(i.overdue_days == 1 for i in overdue.items)


def test_alerts_run_again_update_instead_of_duplicating(sample, tmp_path):
    ledger = Ledger(sample)
    first = {r.alert: r for r in run_alerts(ledger, as_of=AS_OF)}
    assert first["same_level_gaps"].new and not first["same_level_gaps"].unchanged
    listed = ledger.list(as_of=AS_OF, limit=None).as_json()
    graph, version = snapshot(sample), sample.version()
    again = {r.alert: r for r in run_alerts(ledger, as_of=AS_OF)}
    for name, run in again.items():
        assert not run.new and sorted(run.unchanged) == sorted(first[name].new) and not run.gone, name
    assert ledger.list(as_of=AS_OF, limit=None).as_json() == listed
    assert snapshot(sample) == graph, "a second run with the same data writes nothing new"
    assert sample.version() == version, "nor anything at all: what readers remembered still holds"
    # one planted gap mended: the same-level body acts on one leader; that item is gone, the rest stay
    gap = META["planted"]["same_level_gaps"][0]
    mended = gap["leaders"][0]
    ingest(sample, [Records("mend", [{"type": "SUPERVISED", "from": gap["body"], "from_label": "OversightBody",
                                       "to": mended, "to_label": "Leader", "kind": "谈话提醒", "date": AS_OF}])],
           rejects_dir=tmp_path)
    third = {r.alert: r for r in run_alerts(ledger, ["same_level_gaps"], as_of=AS_OF)}["same_level_gaps"]
    gone = [i for i in first["same_level_gaps"].new if mended in ledger.show(i).source]
    assert third.gone == gone and len(gone) == 1 and not third.new
    # an alert item walked to 销号 whose row comes back is reported, not opened again
    item = first["superior_gaps"].new[0]
    for step in ("assign", "submit", "accept", "close"):
        ledger.take(item, step, actor="测试", date=AS_OF, **FIELDS)
    fourth = {r.alert: r for r in run_alerts(ledger, ["superior_gaps"], as_of=AS_OF)}["superior_gaps"]
    assert fourth.closed_again == [item] and item not in fourth.unchanged and not fourth.new
    assert ledger.show(item).state == "closed"


def test_an_alert_item_names_its_unit_leader_and_committee(sample):
    ledger = Ledger(sample)
    runs = {r.alert: r for r in run_alerts(ledger, ["superior_gaps"], as_of=AS_OF)}
    planted = {(e["leader"], e["unit"]) for e in META["planted"]["superior_gaps"]}
    items = [ledger.show(i) for i in runs["superior_gaps"].new]
    assert {(i.source.split(":")[1], i.unit_id) for i in items} == planted
    for item in items:
        assert item.state == "open" and item.version == 1 and item.origin == "预警"
        assert item.leader_id == item.source.split(":")[1]  # the gap is about the unit's 一把手
        kind = sample.run("MATCH (u:Unit {id: $id}) RETURN u.kind", {"id": item.committee_id}).scalar()
        assert kind == "党委"
        assert item.deadline == _add_months(AS_OF, Settings().ledger_term_months)


def _race(make_ledger, item: str, seen: int, writers: int = 6) -> list:
    results: list = []
    gate = threading.Barrier(writers)

    def write(k: int) -> None:
        ledger = make_ledger()
        gate.wait()
        try:
            results.append(ledger.take(item, "note", actor=f"w{k}", note=f"n{k}", version=seen).version)
        except VersionConflict:
            results.append("conflict")

    threads = [threading.Thread(target=write, args=(k,)) for k in range(writers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def test_two_writers_at_once_one_wins_and_nothing_is_lost(store, request, tmp_path):
    ingest(store, [_records_unit()], rejects_dir=tmp_path)
    ledger = Ledger(store)
    item = _item_at(ledger, "U1", "assigned", "race")
    url = store.url
    graph = getattr(store, "graph_name", None)

    def make():  # each writer its own connection, as two API workers would have
        own = open_store(url, graph=graph) if graph else open_store(url)
        request.addfinalizer(own.close)
        return Ledger(own)

    results = _race(make, item, seen=2)
    assert results.count(3) == 1 and results.count("conflict") == 5, results
    after = ledger.show(item)
    assert after.version == 3 and [e["seq"] for e in after.entries] == [1, 2, 3]
    winner = after.entries[-1]["actor"]
    # a loser reads again and writes on top: both notes are there
    loser = "w0" if winner != "w0" else "w1"
    again = ledger.take(item, "note", actor=loser, note="again", version=after.version)
    assert [e["actor"] for e in again.entries[-2:]] == [winner, loser] and again.version == 4


@pytest.mark.neo4j
def test_two_overlapping_transactions_on_neo4j_write_one_entry(neo4j_env, tmp_path):
    """On Neo4j both writers can read the same version before either commits (FalkorDB runs one
    write at a time, so there the version check alone decides): held open by hand, the second
    transaction waits on the first's entry and then writes nothing."""
    store = open_store(neo4j_env)
    try:
        store.clear()
        ingest(store, [_records_unit()], rejects_dir=tmp_path)
        ledger = Ledger(store)
        item = _item_at(ledger, "U1", "assigned", "overlap")
        note = {"name": "进展 note", "step": "进展", "from_state": "assigned", "to_state": "in_rectification"}
        first = _statement(item, {**note, "actor": "甲", "note": "A"})
        second = _statement(item, {**note, "actor": "乙", "note": "B"})
        got: dict[str, int] = {}
        with store.driver.session(database=store.database) as one, store.driver.session(database=store.database) \
                as two:
            tx = one.begin_transaction()
            assert tx.run(first[0], first[1]).single()[0] == 1

            def other() -> None:
                with two.begin_transaction() as tx2:
                    got["written"] = tx2.run(second[0], second[1]).single()[0]
                    tx2.commit()

            thread = threading.Thread(target=other)
            thread.start()
            thread.join(2.0)
            waited = thread.is_alive()
            tx.commit()
            thread.join(60)
        assert waited, "the second transaction waits for the first's entry"
        assert got["written"] == 0
        after = ledger.show(item)
        assert after.version == 3 and [e.get("note") for e in after.entries][-1] == "A"
    finally:
        store.clear()
        store.close()


def _statement(item: str, entry: dict) -> tuple[str, dict]:
    """The one statement a step on an item at version 2 sends, and its parameters."""
    parts, params = entry_write(item, 2, entry, AS_OF, None, "test")
    return together(parts, **params)


def test_the_ledger_survives_a_reingest_of_the_same_sources(sample, tmp_path):
    ledger = Ledger(sample)
    runs = run_alerts(ledger, as_of=AS_OF)
    alert_item = runs[0].new[0]
    ledger.take(alert_item, "assign", actor="测试", owner="甲", date=AS_OF)
    planted = next(e["item"] for e in META["planted"]["ledger.items"] if e["state"] == "assigned")
    ledger.take(planted, "note", actor="测试", note="推进中", date=AS_OF)
    collected, _ = from_findings(ledger, uncollected_findings(ledger)[:3], actor="测试", source="test")
    before = {i: ledger.show(i).as_json() for i in (alert_item, planted, *collected)}
    graph = snapshot(sample)
    report = ingest(sample, [SAMPLES], rejects_dir=tmp_path / "rejects")
    assert report.rejected == 0
    assert {i: ledger.show(i).as_json() for i in before} == before
    assert before[planted]["state"] == "in_rectification" and before[planted]["version"] == 3
    assert snapshot(sample) == graph, "re-ingesting the sources changed nothing, the ledger included"


def test_findings_enter_the_ledger_once_and_overdue_rectification_counts_them_there(sample):
    ledger = Ledger(sample)
    planted = META["planted"]["overdue_rectification"][0]["findings"]
    opened, had = from_findings(ledger, planted, actor="测试", source="test")
    assert len(opened) == len(planted) and not had
    assert from_findings(ledger, planted, actor="测试", source="test") == ([], opened)
    from jiandu.queries.library import run_named

    rows = run_named("overdue_rectification", sample, as_of=AS_OF).records()
    assert not any(set(r["finding_ids"]) & set(planted) for r in rows), "a finding in the ledger counts there"
    tracked = {i for r in rows for i in r["ledger_ids"]}
    assert set(opened) <= tracked
    body_rows = [r for r in rows if set(opened) & set(r["ledger_ids"])]
    assert all(r["body_id"] for r in body_rows), "the body whose round found the finding"
    item = ledger.show(opened[0])
    assert item.origin == "巡视巡察" and item.source.startswith("Finding:")


def test_the_leader_file_the_unit_portrait_and_the_report_show_the_ledger(sample, tmp_path):
    model = ReadModel(sample)
    red = next(e for e in META["planted"]["ledger.overdue"] if e["colour"] == "红")
    item = Ledger(sample).show(red["item"])
    file = model.leader_file(item.leader_id)
    assert [e.with_id for e in file.section("ledger")] == [item.id]
    portrait = model.unit_portrait(red["unit"], {"as_of": AS_OF})
    assert [(i["id"], i["colour"]) for i in portrait.ledger] == [(item.id, "红")]
    index = write_report(model, tmp_path / "report", {"overdue_rectification": {"as_of": AS_OF}})
    page = (index.parent / "ledger.html").read_text(encoding="utf-8")
    assert all(e["item"] in page for e in META["planted"]["ledger.items"])
    assert "id='ledger'" in index.read_text(encoding="utf-8")


# -- the CLI, as a newcomer runs it after the demo ---------------------------------------------------
def _jiandu(store_url: str, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    done = subprocess.run([sys.executable, "-m", "jiandu", "--store", store_url, *args], capture_output=True,
                          text=True, timeout=300)
    if check:
        assert done.returncode == 0, done.stderr[-2000:]
    return done


def test_cli_after_the_demo_alerts_twice_close_refused_and_overdue_colours(tmp_path):
    url = f"falkordb+embedded://{tmp_path / 'db'}"
    demo = _jiandu(url, "demo", "--out", str(tmp_path / "out"))
    assert "台账逾期项与颜色与预置一致" in demo.stdout and (tmp_path / "out" / "ledger.html").exists()
    _jiandu(url, "alerts", "run")
    first = _jiandu(url, "ledger", "list", "--json", "--all").stdout
    _jiandu(url, "alerts", "run")
    assert _jiandu(url, "ledger", "list", "--json", "--all").stdout == first
    listed = json.loads(first)
    assert listed["as_of"] == AS_OF and listed["total"] == len(listed["items"])
    assert {i["state"] for i in listed["items"]} == set(STATES)
    not_accepted = next(i for i in listed["items"] if i["state"] == "submitted")
    refused = _jiandu(url, "ledger", "close", not_accepted["id"], check=False)
    assert refused.returncode != 0 and not_accepted["id"] in refused.stderr and "accept" in refused.stderr
    assert _jiandu(url, "ledger", "list", "--json", "--all").stdout == first, "a refused close changed nothing"
    overdue = json.loads(_jiandu(url, "ledger", "list", "--overdue", "--json").stdout)
    assert sorted((i["id"], i["colour"]) for i in overdue["items"]) == sorted(
        (e["item"], e["colour"]) for e in META["planted"]["ledger.overdue"])
    table = _jiandu(url, "ledger", "list", "--overdue").stdout
    assert all(c in table for c in ("蓝", "黄", "红"))
    # the loop through the CLI, with a stale version refused
    item = not_accepted["id"]
    stale = _jiandu(url, "ledger", "accept", item, "--version", str(not_accepted["version"] - 1), check=False)
    assert stale.returncode == 3 and "version" in stale.stderr
    _jiandu(url, "ledger", "accept", item, "--version", str(not_accepted["version"]), "--actor", "监督员")
    _jiandu(url, "ledger", "close", item, "--note", "对账销号", "--date", AS_OF)
    shown = json.loads(_jiandu(url, "ledger", "show", item, "--json").stdout)
    assert shown["state"] == "closed" and [e["step"] for e in shown["entries"][-2:]] == ["验收", "销号"]
    assert shown["entries"][-2]["actor"] == "监督员"
    # exports offices exchange
    _jiandu(url, "ledger", "export", "--format", "xlsx", "-o", str(tmp_path / "ledger.xlsx"))
    book = load_workbook(tmp_path / "ledger.xlsx")
    assert book.sheetnames == ["台账", "记录"] and book["台账"].max_row == listed["total"] + 1
    _jiandu(url, "ledger", "export", "--format", "csv", "-o", str(tmp_path / "ledger.csv"))
    rows = Path(tmp_path / "ledger.csv").read_text(encoding="utf-8-sig").splitlines()
    assert len(rows) == listed["total"] + 1 and rows[0].startswith("编号 id,问题 name")


# -- the API: roles, conflicts, the audit log -----------------------------------------------------------
@pytest.fixture
def api(sample, tmp_path):
    keys = KeyStore(tmp_path / "api_keys.json")
    tokens = {role: {"X-API-Key": keys.create(role, f"测试 {role}")}
              for role in ("viewer", "investigator", "supervisor", "admin")}
    with TestClient(create_app(Settings(data_dir=tmp_path), store=sample)) as client:
        yield client, tokens, tmp_path


def test_api_roles_for_each_step(api):
    client, h, tmp = api
    page = client.get("/api/v1/ledger", params={"state": "submitted", "as_of": AS_OF}, headers=h["viewer"]).json()
    item = page["items"][0]
    url = f"/api/v1/ledger/{item['id']}"
    assert client.get(url, headers=h["viewer"]).json()["entries"][0]["step"] == "立账"
    body = {"version": item["version"], "date": AS_OF}
    assert client.post(f"{url}/accept", json=body, headers=h["viewer"]).status_code == 403
    assert client.post(f"{url}/accept", json=body, headers=h["investigator"]).status_code == 403
    assert client.post(f"{url}/close", json=body, headers=h["supervisor"]).status_code == 400  # not yet accepted
    done = client.post(f"{url}/accept", json=body, headers=h["supervisor"])
    assert done.status_code == 200 and done.json()["state"] == "accepted"
    assert client.post(f"{url}/nope", json=body, headers=h["supervisor"]).status_code == 404
    assert client.get("/api/v1/ledger/LA-none", headers=h["viewer"]).status_code == 404
    log = [json.loads(line) for line in (tmp / "audit.jsonl").read_text(encoding="utf-8").splitlines()]
    accepted = [e for e in log if e.get("ledger") == "accept" and e["outcome"] == "ok"]
    assert len(accepted) == 1 and accepted[0]["role"] == "supervisor" and accepted[0]["item"] == item["id"]
    xlsx = client.get("/api/v1/ledger/export", params={"format": "xlsx"}, headers=h["viewer"])
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"


def test_api_two_clients_one_gets_409_and_nothing_is_lost(api):
    client, h, _ = api
    item = client.get("/api/v1/ledger", params={"state": "assigned"}, headers=h["viewer"]).json()["items"][0]
    url = f"/api/v1/ledger/{item['id']}/note"
    answers = []
    gate = threading.Barrier(2)

    def send(k: int) -> None:
        gate.wait()
        answers.append(client.post(url, json={"version": item["version"], "note": f"客户端{k}"},
                                   headers=h["investigator"]))

    threads = [threading.Thread(target=send, args=(k,)) for k in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(a.status_code for a in answers) == [200, 409]
    lost = next(a for a in answers if a.status_code == 409)
    assert "version" in lost.json()["detail"]
    now = client.get(f"/api/v1/ledger/{item['id']}", headers=h["viewer"]).json()
    retry = client.post(url, json={"version": now["version"], "note": "重试 retry"}, headers=h["investigator"])
    assert retry.status_code == 200
    notes = [e.get("note") for e in retry.json()["entries"]]
    assert "重试 retry" in notes and sum(n.startswith("客户端") for n in notes if n) == 1
    assert retry.json()["version"] == item["version"] + 2


def test_api_alerts_and_open(api):
    client, h, _ = api
    runs = client.post("/api/v1/alerts/run", json={"names": ["same_level_gaps"]}, headers=h["investigator"]).json()
    assert len(runs) == 1 and len(runs[0]["new"]) == len(META["planted"]["same_level_gaps"][0]["leaders"])
    again = client.post("/api/v1/alerts/run", json={"names": ["same_level_gaps"]}, headers=h["investigator"]).json()
    assert again[0]["new"] == [] and sorted(again[0]["unchanged"]) == sorted(runs[0]["new"])
    assert client.post("/api/v1/alerts/run", json={"names": ["case_links"]},
                       headers=h["investigator"]).status_code == 400
    finding = META["planted"]["overdue_rectification"][0]["findings"][0]
    opened = client.post("/api/v1/ledger", json={"finding_ids": [finding]}, headers=h["investigator"]).json()
    assert len(opened["opened"]) == 1
    assert client.post("/api/v1/ledger", json={"finding_ids": [finding]}, headers=h["viewer"]).status_code == 403
