"""The HTTP API with FastAPI's test client against a real embedded store holding the sample."""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter

import pytest
import reference
from conftest import ROOT, SAMPLES
from fastapi.testclient import TestClient

from jiandu.api.app import create_app
from jiandu.api.keys import KeyStore
from jiandu.graph.ontology import ONTOLOGY
from jiandu.ingest.loader import ingest
from jiandu.ingest.text.document import read_document
from jiandu.ingest.text.load import ingest_documents, source_name
from jiandu.queries.library import data_day, library
from jiandu.settings import Settings

META = json.loads((SAMPLES / "_planted.json").read_text(encoding="utf-8"))
AS_OF = META["as_of"]


@pytest.fixture
def api(store, tmp_path):
    ingest(store, [SAMPLES], rejects_dir=tmp_path / "rejects")
    keys = KeyStore(tmp_path / "api_keys.json")
    tokens = {role: keys.create(role, f"test {role}") for role in ("viewer", "investigator", "admin")}
    with TestClient(create_app(Settings(data_dir=tmp_path, cypher_timeout_ms=3000), store=store)) as client:
        yield client, tokens, keys, tmp_path, store


def _h(token):
    return {"X-API-Key": token}


def test_health_needs_no_key(api):
    client, *_ = api
    body = client.get("/health").json()
    assert body["status"] == "ok" and body["nodes"] == sum(v for k, v in META["counts"].items() if not k.isupper())


def test_every_data_endpoint_needs_a_valid_unrevoked_key(api):
    client, tokens, keys, *_ = api
    leader = META["planted"]["collapse_clusters"][0]["top_leader"]
    url = f"/api/v1/leaders/{leader}/neighbourhood"
    assert client.get(url).status_code == 401
    assert client.get(url, headers=_h("jd_nope_nope")).status_code == 401
    assert client.get(url, headers=_h(tokens["viewer"])).status_code == 200
    keys.revoke(tokens["viewer"].split("_")[1])
    assert client.get(url, headers=_h(tokens["viewer"])).status_code == 401
    for path in ("/api/v1/patterns", "/api/v1/search?q=x"):
        assert client.get(path).status_code == 401
    assert client.post("/api/v1/cypher", json={"query": "RETURN 1"}).status_code == 401


def test_roles_nest(api):
    client, tokens, _keys, tmp, _store = api
    query = {"query": "MATCH (l:Leader) RETURN count(l) AS n"}
    assert client.post("/api/v1/cypher", json=query, headers=_h(tokens["viewer"])).status_code == 403
    assert client.post("/api/v1/cypher", json=query, headers=_h(tokens["investigator"])).json()["rows"] == \
        [[META["counts"]["Leader"]]]
    record = {"records": [{"label": "Leader", "id": "LX", "name": "测试某"}]}
    assert client.post("/api/v1/ingest", json=record, headers=_h(tokens["investigator"])).status_code == 403
    done = client.post("/api/v1/ingest", json=record, headers=_h(tokens["admin"]))
    assert done.status_code == 200 and done.json()["nodes"] == 1
    assert client.post("/api/v1/keys", json={"role": "viewer"}, headers=_h(tokens["investigator"])).status_code == 403
    new = client.post("/api/v1/keys", json={"role": "viewer"}, headers=_h(tokens["admin"])).json()["key"]
    assert client.get("/api/v1/patterns", headers=_h(new)).status_code == 200
    assert client.delete(f"/api/v1/keys/{new.split('_')[1]}", headers=_h(tokens["admin"])).json() == {"revoked": True}
    assert client.get("/api/v1/patterns", headers=_h(new)).status_code == 401
    lines = [json.loads(x) for x in (tmp / "audit.jsonl").read_text(encoding="utf-8").splitlines()]
    created, revoked = [entry for entry in lines if entry["endpoint"].startswith("/api/v1/keys")][-2:]
    assert created["created_role"] == "viewer" and created["outcome"] == "ok" and created["role"] == "admin"
    assert revoked["revoked"] == new.split("_")[1] and revoked["method"] == "DELETE"


def test_views_and_patterns(api):
    client, tokens, *_ = api
    h = _h(tokens["viewer"])
    planted = META["planted"]
    leader = planted["collapse_clusters"][0]["top_leader"]
    view = client.get(f"/api/v1/leaders/{leader}/neighbourhood?depth=2", headers=h).json()
    assert {n["id"] for n in view["nodes"]} >= {leader, planted["collapse_clusters"][0]["unit"]}
    only = client.get(f"/api/v1/leaders/{leader}/neighbourhood?types=HOLDS_POST", headers=h).json()
    assert {e["type"] for e in only["edges"]} == {"HOLDS_POST"}
    page = client.get(f"/api/v1/leaders/{leader}/neighbourhood?format=html", headers=h)
    assert page.status_code == 200 and "vis.Network" in page.text and "cdnjs" not in page.text
    tree = client.get(f"/api/v1/units/{planted['collapse_clusters'][0]['unit']}/tree", headers=h).json()
    assert any(e["type"] == "OVERSEES" for e in tree["edges"]) and any(e["type"] == "HOLDS_POST" for e in tree["edges"])
    first, second = planted["case_links"][0]["cases"]
    links = client.get(f"/api/v1/cases/{first}/links", headers=h).json()
    assert {first, second, planted["case_links"][0]["briber"]} <= {n["id"] for n in links["nodes"]}
    route = client.get(f"/api/v1/path?from_label=Case&from_id={first}&to_label=Case&to_id={second}", headers=h).json()
    assert planted["case_links"][0]["briber"] in {n["id"] for n in route["nodes"]} and len(route["edges"]) == 2
    assert client.get("/api/v1/leaders/L-NOPE/neighbourhood", headers=h).status_code == 404
    names = {p["name"] for p in client.get("/api/v1/patterns", headers=h).json()}
    assert names == set(library())
    rows = client.post("/api/v1/patterns/same_level_gaps", json={"params": {"as_of": AS_OF}, "limit": 3}, headers=h)
    body = rows.json()
    assert body["total"] == 8 and len(body["rows"]) == 3
    rest = client.post("/api/v1/patterns/same_level_gaps", json={"params": {"as_of": AS_OF}, "limit": 10, "offset": 3},
                       headers=h).json()
    assert len(rest["rows"]) == 5 and not {tuple(r) for r in rest["rows"]} & {tuple(r) for r in body["rows"]}
    assert client.post("/api/v1/patterns/same_level_gaps", json={"limit": 5000}, headers=h).status_code == 422
    bad = client.post("/api/v1/patterns/same_level_gaps", json={"params": {"months": -1}}, headers=h)
    assert bad.status_code == 400 and "must be ≥ 1" in bad.json()["detail"]
    assert client.post("/api/v1/patterns/nope", json={}, headers=h).status_code == 404
    graph = client.post("/api/v1/patterns/collapse_clusters/graph", json={"params": {"until": AS_OF}}, headers=h).json()
    assert set(planted["collapse_clusters"][0]["leaders"]) <= {n["id"] for n in graph["nodes"]}
    unit_name = tree["nodes"][0]["name"]
    hits = client.get(f"/api/v1/search?q={unit_name[:4]}&label=Unit", headers=h).json()
    assert any(hit["name"] == unit_name for hit in hits)


ORDINARY = [
    "MATCH (l:Leader) RETURN count(l) AS n",
    "MATCH (l:Leader)-[p:HOLDS_POST {top_leader: true}]->(u:Unit) RETURN l.name, u.name LIMIT 10",
    "MATCH (c:Case)<-[:INVOLVED_IN]-(l:Leader) RETURN c.id, collect(l.id) AS who",
    "MATCH (u:Unit)-[:SUBORDINATE_TO*1..3]->(p:Unit) RETURN u.id, p.id LIMIT 20",
    "MATCH (x:Clue) WHERE x.status = '待处置' RETURN x.id, x.channel",
    "MATCH (f:Finding) WHERE f.deadline < date($d) AND f.closed IS NULL RETURN count(f)",
    "MATCH (b:OversightBody)-[o:OVERSEES]->(u:Unit) RETURN o.mode, count(*) ORDER BY o.mode",
    "MATCH (l:Leader {id: $id}) RETURN l",
    "MATCH (a:Audit)-[:AUDITS]->(l:Leader) RETURN a.kind, count(*)",
    "MATCH (r:Region)-[:PART_OF]->(p:Region) RETURN r.name, p.name",
    "MATCH (s:OversightBody)-[act:SUPERVISED]->(l:Leader) WHERE act.date >= date('2026-01-01') RETURN count(act)",
    "MATCH (n) RETURN labels(n)[0] AS label, count(*) AS n ORDER BY n DESC",
    "MATCH ()-[r]->() RETURN type(r), count(*)",
    "MATCH (l:Leader) WHERE l.name STARTS WITH '王' RETURN l.name LIMIT 5",
    "UNWIND [1, 2, 3] AS x RETURN x * 2",
    "MATCH (c:Case) RETURN c.name, c.opened ORDER BY c.opened DESC LIMIT 3",
    "MATCH (c:Case)-[:CONCERNS]->(u:Unit) WITH u, count(c) AS cases WHERE cases > 1 RETURN u.name, cases",
    "MATCH (l:Leader)-[:INVOLVED_IN]->(c:Case) OPTIONAL MATCH (l)<-[:ABOUT]-(x:Clue) RETURN l.id, count(x)",
    "MATCH p=(a:Case)<-[:INVOLVED_IN]-(x)-[:INVOLVED_IN]->(b:Case) WHERE a.id < b.id RETURN a.id, b.id, x.id",
    "// a comment first\nMATCH (u:Unit {kind: '党委'}) RETURN u.name",
    "MATCH (i:Inspection)-[:FOUND]->(f:Finding) RETURN i.name, count(f)",
]

HOSTILE = [
    "CREATE (n:Leader {id: 'evil', name: 'x'})",
    "MERGE (n:Leader {id: 'evil'})",
    "MATCH (n) DETACH DELETE n",
    "MATCH (n:Leader) DELETE n",
    "MATCH (n:Leader) SET n.name = 'x'",
    "MATCH (n:Leader) SET n += {name: 'x'}",
    "MATCH (n:Leader) REMOVE n.name",
    "MATCH (n:Leader) REMOVE n:Leader",
    "MATCH (n:Leader) SET n:Evil",
    "MATCH (a:Leader), (b:Unit) CREATE (a)-[:HOLDS_POST]->(b)",
    "MATCH (n) FOREACH (x IN [1] | SET n.x = 1)",
    "UNWIND range(1, 10) AS i CREATE (:Leader {id: toString(i)})",
    "LOAD CSV FROM 'file:///etc/passwd' AS row RETURN row",
    "LOAD CSV WITH HEADERS FROM 'http://example.invalid/x.csv' AS row CREATE (:X)",
    "MATCH (n) RETURN n; MATCH (m) DETACH DELETE m",
    "RETURN 1; CREATE (:X)",
    "MATCH (n) RETURN n /* ; */ ; CREATE (:X)",
    "MATCH (n) WITH n CREATE (:X)",
    "CALL db.idx.fulltext.createNodeIndex('Leader', 'name')",
    "CALL db.idx.fulltext.drop('Leader')",
    "CALL dbms.procedures()",
    "CALL dbms.security.createUser('x', 'y', false)",
    "CALL apoc.periodic.iterate('MATCH (n) RETURN n', 'DELETE n', {})",
    "CALL apoc.cypher.runWrite('CREATE (:X)', {})",
    "CALL apoc.load.json('http://example.invalid')",
    "CALL db.createLabel('Evil')",
    "CREATE INDEX FOR (n:Leader) ON (n.name)",
    "DROP INDEX ON :Leader(name)",
    "CREATE CONSTRAINT c FOR (n:Leader) REQUIRE n.name IS UNIQUE",
    "DROP CONSTRAINT c",
    "SHOW USERS",
    "CREATE DATABASE evil",
    "STOP DATABASE neo4j",
    "GRANT ALL ON DATABASE * TO PUBLIC",
    "TERMINATE TRANSACTIONS 'x'",
    "MATCH (a)-[*]->(b) RETURN count(*)",
    "MATCH (a)-[*1..]->(b) RETURN count(*)",
    "MATCH (a)-[:SUBORDINATE_TO*]->(b) RETURN count(*)",
    "MATCH (a)-[r*..100]->(b) RETURN count(*)",
    "MATCH p = shortestPath((a:Leader)-[*]-(b:Leader)) RETURN p",
    "MATCH (a)-[* 2..]-(b) RETURN a",
    "MATCH (a), (b), (c), (d) WHERE a.id <> d.id RETURN count(*)",  # Neo4j counts a bare product from its count store
    "UNWIND range(1, 100000000) AS x UNWIND range(1, 1000) AS y RETURN count(*)",
    "MATCH (a)-[*1..6]-(b) MATCH (c)-[*1..6]-(d) RETURN count(*)",
    "",
    "   ",
    "EXPLAIN CREATE (:X)",
    "PROFILE MATCH (n) DELETE n",
    "CYPHER runtime=slotted CREATE (:X)",
    "USE system SHOW DATABASES",
    "MATCH (n) CALL { WITH n DELETE n } RETURN 1",
    "MATCH (n) CALL (n) { SET n.x = 1 } RETURN 1",
    "WITH 1 AS x CALL { CREATE (:X) } RETURN x",
]


def test_ordinary_investigator_queries_pass(api):
    client, tokens, *_ = api
    leader = META["planted"]["collapse_clusters"][0]["top_leader"]
    for query in ORDINARY:
        done = client.post("/api/v1/cypher", json={"query": query, "params": {"d": AS_OF, "id": leader}},
                           headers=_h(tokens["investigator"]))
        assert done.status_code == 200, (query, done.json())
    assert len(ORDINARY) >= 20


def test_hostile_queries_are_rejected_or_stopped_and_nothing_changes(api):
    client, tokens, _keys, _tmp, store = api
    before = store.counts()
    outcomes = {}
    for query in HOSTILE:
        done = client.post("/api/v1/cypher", json={"query": query}, headers=_h(tokens["investigator"]))
        outcomes[query] = done.status_code
        assert done.status_code in (400, 408), (query, done.status_code, done.text)
        assert "Traceback" not in done.text and "/work" not in done.text and ".py" not in done.text
    assert len(HOSTILE) >= 50
    assert store.counts() == before
    assert outcomes["MATCH (a)-[*]->(b) RETURN count(*)"] == 400
    assert outcomes["UNWIND range(1, 100000000) AS x UNWIND range(1, 1000) AS y RETURN count(*)"] in (400, 408)


def test_row_cap_and_time_limit_are_reported(api):
    client, tokens, *_ = api
    done = client.post("/api/v1/cypher", json={"query": "MATCH (l:Leader) RETURN l.id", "limit": 10},
                       headers=_h(tokens["investigator"])).json()
    assert len(done["rows"]) == 10 and done["truncated"] is True and done["row_cap"] == 10
    assert done["timeout_ms"] == 3000
    product = "UNWIND range(1, 30000) AS x UNWIND range(1, 30000) AS y RETURN sum(x * y)"  # 9e8 rows: slow anywhere
    slow = client.post("/api/v1/cypher", json={"query": product}, headers=_h(tokens["investigator"]))
    assert slow.status_code == 408 and "timed out" in slow.json()["detail"]


def test_the_audit_log_records_who_asked_what(api):
    client, tokens, _keys, tmp, _store = api
    inv = _h(tokens["investigator"])
    client.post("/api/v1/cypher", json={"query": "MATCH (l:Leader) RETURN count(l)"}, headers=inv)
    client.post("/api/v1/cypher", json={"query": "CREATE (:X)"}, headers=_h(tokens["investigator"]))
    client.post("/api/v1/patterns/same_level_gaps", json={"params": {"as_of": AS_OF}}, headers=_h(tokens["viewer"]))
    client.post("/api/v1/cypher", json={"query": "RETURN 1"}, headers=_h(tokens["viewer"]))  # refused: 403
    client.get("/api/v1/patterns", headers=_h("jd_nosuchkey_secret"))  # refused: 401, the secret never logged
    client.get("/api/v1/no-such-path", headers=inv)
    lines = [json.loads(line) for line in (tmp / "audit.jsonl").read_text(encoding="utf-8").splitlines()]
    first, refused, pattern, forbidden, unknown, missing = lines[-6:]
    inv = tokens["investigator"].split("_")[1]
    assert first["key_id"] == inv and first["role"] == "investigator" and first["endpoint"] == "/api/v1/cypher"
    assert first["query"] == "MATCH (l:Leader) RETURN count(l)" and first["rows"] == 1 and first["outcome"] == "ok"
    assert first["duration_ms"] >= 0 and "time" in first
    assert refused["query"] == "CREATE (:X)" and refused["outcome"] == "refused 400"
    assert pattern["pattern"] == "same_level_gaps" and pattern["params"] == {"as_of": AS_OF} and pattern["rows"] == 8
    assert pattern["role"] == "viewer"
    assert forbidden["status"] == 403 and forbidden["outcome"] == "refused 403" and forbidden["role"] == "viewer"
    assert unknown["status"] == 401 and unknown["key_id"] == "unknown:nosuchkey" and "secret" not in json.dumps(unknown)
    assert missing["status"] == 404 and missing["outcome"] == "refused 404"


def test_ingest_reports_rejects_like_the_cli(api):
    client, tokens, *_ = api
    records = [{"label": "Leader", "id": "LN1", "name": "新某"}, {"label": "Leader", "name": "无号"},
               {"type": "HOLDS_POST", "from": "LN1", "to": "U-NOPE", "to_label": "Unit", "title": "x",
                "top_leader": True}]
    body = client.post("/api/v1/ingest", json={"records": records}, headers=_h(tokens["admin"])).json()
    assert body["nodes"] == 1 and body["relationships"] == 0 and body["rejected"] == 2
    assert {(r["line"], r["field"]) for r in body["rejects"]} == {(2, "id"), (3, "to")}


def test_admin_posts_a_report_and_it_joins_the_graph(api):
    client, tokens, _, tmp_path, store = api
    text = (SAMPLES.parent / "sample_reports" / "北州区住建系统案件通报.txt").read_text(encoding="utf-8")
    body = {"name": "通报.txt", "text": text}
    assert client.post("/api/v1/ingest/document", json=body, headers=_h(tokens["investigator"])).status_code == 403
    done = client.post("/api/v1/ingest/document", json=body, headers=_h(tokens["admin"]))
    assert done.status_code == 200, done.text
    assert done.json()["nodes"] > 0 and done.json()["relationships"] > 0
    linked = store.run("MATCH (:Leader {id: 'L000097'})-[:MENTIONED_IN]->(d:Document) RETURN d.origin",
                       read_only=True).rows
    assert linked == [["api:通报.txt"]]
    bad = client.post("/api/v1/ingest/document", json={"name": "x.txt", "text": "   "}, headers=_h(tokens["admin"]))
    assert bad.status_code == 400 and "empty file" in bad.text
    log = [json.loads(line) for line in (tmp_path / "audit.jsonl").read_text(encoding="utf-8").splitlines()]
    entry = next(e for e in log if e.get("endpoint", "").endswith("/ingest/document") and e.get("outcome") == "ok")
    assert entry["role"] == "admin"


def test_search_by_pinyin_prefix_and_initials(api):
    client, tokens, *_ = api
    h = _h(tokens["viewer"])
    for q in ("liangranying", "LiangRan", "liang ran", "lry"):
        hits = client.get(f"/api/v1/search?q={q}&label=Leader&limit=200", headers=h).json()
        assert {"id": "L000097", "label": "Leader", "name": "梁然英", "aliases": []} in hits, q
        assert all(h["label"] == "Leader" for h in hits)
    assert client.get("/api/v1/search?q=zzzzqx", headers=h).json() == []
    # a node added through the API is found by pinyin without waiting for a rebuild
    records = [{"label": "Leader", "id": "LP1", "name": "曾明"}, {"label": "Leader", "id": "LP2", "name": "单明"}]
    assert client.post("/api/v1/ingest", json={"records": records}, headers=_h(tokens["admin"])).status_code == 200
    # every reading of a polyphonic surname is indexed: 曾 zeng/ceng, 单 shan/dan
    for q, node in (("zengming", "LP1"), ("cengm", "LP1"), ("zm", "LP1"), ("shanming", "LP2"), ("danm", "LP2")):
        assert any(hit["id"] == node for hit in client.get(f"/api/v1/search?q={q}", headers=h).json()), q


def test_views_are_cached_until_the_graph_changes(api, monkeypatch):
    client, tokens, _, tmp_path, store = api
    h = _h(tokens["viewer"])
    views = client.app.state.ctx.views
    url = "/api/v1/leaders/L000097/neighbourhood?depth=1"
    reads = []
    read_version = store.version
    monkeypatch.setattr(store, "version", lambda: reads.append(1) or read_version())
    first = client.get(url, headers=h)
    assert len(reads) == 1  # built afresh: the version read for the cache is the one the build uses
    hits = views.hits
    again = client.get(url, headers=h)
    assert again.status_code == 200 and again.content == first.content and views.hits == hits + 1
    deeper = client.get(url.replace("depth=1", "depth=2"), headers=h)  # other parameters: computed, not reused
    assert views.hits == hits + 1 and len(deeper.json()["nodes"]) > len(first.json()["nodes"])
    # a write through any jiandu store changes the version: the next view sees the new data
    before = store.version()
    records = [{"label": "Unit", "id": "UNEW", "name": "新单位", "kind": "部门"},
               {"type": "HOLDS_POST", "from": "L000097", "to": "UNEW", "to_label": "Unit", "title": "兼任组长",
                "top_leader": False}]
    assert client.post("/api/v1/ingest", json={"records": records}, headers=_h(tokens["admin"])).status_code == 200
    assert store.version() != before
    fresh = client.get(url, headers=h).json()
    assert "UNEW" in {n["id"] for n in fresh["nodes"]}
    log = [json.loads(line) for line in (tmp_path / "audit.jsonl").read_text(encoding="utf-8").splitlines()]
    views_logged = [e for e in log if e.get("endpoint") == "/api/v1/leaders/L000097/neighbourhood"]
    assert len(views_logged) == 4 and sum(e.get("cached", False) for e in views_logged) == 1  # hits audited too


def test_workers_share_cached_views_through_the_data_folder(api):
    client, tokens, _, tmp_path, store = api
    h = _h(tokens["viewer"])
    url = "/api/v1/units/U000018/tree"
    first = client.get(url, headers=h)
    # a second worker of the same server: its own process state, the same data folder
    with TestClient(create_app(Settings(data_dir=tmp_path), store=store)) as other:
        views = other.app.state.ctx.views
        again = other.get(url, headers=h)
        assert again.status_code == 200 and again.content == first.content and views.hits == 1
        folder = views.folder / store.version()
        assert len(list(folder.iterdir())) == 1
        store.run("CREATE (:Region {id: 'RNEW', name: '新区'})")  # any write moves the version on
        assert other.get(url, headers=h).content == first.content and views.hits == 1  # recomputed
        assert not folder.exists()  # the old version's views are removed
        # bounded: a worker that finds the folder over its bound empties it
        views.max_bytes = 20_000
        leaders = [r[0] for r in store.run("MATCH (l:Leader) RETURN l.id LIMIT 60", read_only=True).rows]
        served = sum(len(other.get(f"/api/v1/leaders/{lid}/neighbourhood", headers=h).content) for lid in leaders)
        views.trimmer.join()  # the last measurement has finished
        kept = sum(f.stat().st_size for f in (views.folder / store.version()).glob("*"))
        assert served > 2 * views.max_bytes and 0 < kept <= views.max_bytes * 5 // 4  # measured every quarter


def test_health_says_when_the_hubs_are_counted(api):
    import time

    client, tokens, *_, store = api
    assert client.get("/health").json()["hubs_warm"] is False  # a caller's store: nothing counted at start
    ctx = client.app.state.ctx
    ctx.warm_hubs(store.version(), settle=0)
    deadline = time.monotonic() + 60
    while not client.get("/health").json()["hubs_warm"] and time.monotonic() < deadline:
        time.sleep(0.1)
    assert client.get("/health").json()["hubs_warm"] is True
    store.run("CREATE (:Region {id: 'RNEW', name: '新区'})")
    assert client.get("/health").json()["hubs_warm"] is False  # a new version: counted again after views ask


def test_each_worker_builds_its_views_one_at_a_time(api, monkeypatch):
    import asyncio
    import threading
    import time
    from concurrent.futures import ThreadPoolExecutor

    from jiandu.views import ReadModel

    client, tokens, _keys, _tmp, store = api
    leaders = [r[0] for r in store.run("MATCH (l:Leader) RETURN l.id LIMIT 6", read_only=True).rows]
    building, most = [0], [0]
    lock = threading.Lock()
    real = ReadModel.neighbourhood

    def slow(*args, **kwargs):
        with lock:
            building[0] += 1
            most[0] = max(most[0], building[0])
        time.sleep(0.2)
        try:
            return real(*args, **kwargs)
        finally:
            with lock:
                building[0] -= 1

    monkeypatch.setattr(ReadModel, "neighbourhood", slow)

    def views_at_once(at_once: int, ids: list[str]) -> int:
        client.app.state.ctx.builds = asyncio.Semaphore(at_once)
        most[0] = 0
        with ThreadPoolExecutor(3) as pool:
            codes = list(pool.map(lambda i: client.get(f"/api/v1/leaders/{i}/neighbourhood",
                                                       headers=_h(tokens["viewer"])).status_code, ids))
        assert codes == [200] * 3
        return most[0]

    assert views_at_once(1, leaders[:3]) == 1
    assert views_at_once(3, leaders[3:]) > 1  # without the gate they overlap: the test can tell


def test_a_server_process_freezes_what_it_holds_at_start(tmp_path):
    """Objects alive once a server has started are out of the collector's sight (gc.freeze):
    walking them made every full collection a 100 ms pause in some request."""
    code = ("import gc, sys\n"
            "from fastapi.testclient import TestClient\n"
            "from jiandu.api.app import create_app\n"
            "from jiandu.settings import Settings\n"
            "with TestClient(create_app(Settings(store='falkordb+embedded://' + sys.argv[1]))) as client:\n"
            "    body = client.get('/health').json()\n"
            "    assert (body['status'], body['nodes'], body['relationships']) == ('ok', 0, 0)\n"
            "    print(gc.get_freeze_count())\n")
    done = subprocess.run([sys.executable, "-c", code, str(tmp_path)], cwd=ROOT, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    assert int(done.stdout.split()[-1]) > 50_000  # FastAPI, pydantic, the ontology, the store client …


def test_answers_carry_the_data_day_by_default_and_take_another(api):
    client, tokens, _, _, store = api
    h = _h(tokens["viewer"])
    day = data_day(store)
    rows = client.post("/api/v1/patterns/audit_gaps", json={}, headers=h).json()
    assert rows["as_of"] == day and rows["params"]["as_of"] == day
    assert day in (SAMPLES / "Audit.csv").read_text(encoding="utf-8") + (SAMPLES / "Case.csv").read_text(
        encoding="utf-8") + (SAMPLES / "SUPERVISED.csv").read_text(encoding="utf-8")
    other = client.post("/api/v1/patterns/audit_gaps", json={"params": {"as_of": "2020-01-01"}}, headers=h).json()
    assert other["as_of"] == "2020-01-01"
    graph = client.post("/api/v1/patterns/audit_gaps/graph", json={}, headers=h).json()
    assert graph["as_of"] == day


def test_cypher_answers_say_what_may_mislead(api):
    client, tokens, _, _, store = api
    h = _h(tokens["investigator"])
    body = client.post("/api/v1/cypher", json={"query": "MATCH (l:Leadr) RETURN l.nmae"}, headers=h).json()
    assert body["rows"] == [] and any("Leadr" in w and "Leader" in w for w in body["warnings"])
    assert any("nmae" in w for w in body["warnings"])
    regex = client.post("/api/v1/cypher", json={"query": "MATCH (l:Leader) WHERE l.name =~ '张.*' RETURN l"},
                        headers=h)
    if store.backend == "falkordb":  # the engine refuses it: the answer names the construct and the way
        assert regex.status_code == 400 and "=~" in regex.json()["detail"] and "STARTS WITH" in regex.json()["detail"]
    else:
        assert regex.status_code == 200 and any("=~" in w for w in regex.json()["warnings"])
    body = client.post("/api/v1/cypher", json={"query": "RETURN date('2026-06-30') - duration({months: 4}) AS d"},
                       headers=h).json()
    assert any("日期运算" in w and "$" in w for w in body["warnings"])
    clean = client.post("/api/v1/cypher", json={"query": "MATCH (l:Leader) RETURN count(l)"}, headers=h).json()
    assert clean["warnings"] == []
    bad = client.post("/api/v1/patterns/unit_portrait", json={"params": {"level": "district"}}, headers=h)
    assert bad.status_code == 400 and "省" in bad.json()["detail"] and "村" in bad.json()["detail"]


def test_types_may_be_listed_with_commas(api):
    client, tokens, *_ = api
    h = _h(tokens["viewer"])
    leader = META["planted"]["collapse_clusters"][0]["top_leader"]
    url = f"/api/v1/leaders/{leader}/neighbourhood"
    commas = client.get(f"{url}?types=HOLDS_POST,INVOLVED_IN", headers=h).json()
    repeated = client.get(f"{url}?types=HOLDS_POST&types=INVOLVED_IN", headers=h).json()
    assert {e["type"] for e in commas["edges"]} == {"HOLDS_POST", "INVOLVED_IN"}
    assert commas["nodes"] == repeated["nodes"] and commas["edges"] == repeated["edges"]
    wrong = client.get(f"{url}?types=HOLDS_POST,INVOLVED", headers=h)
    assert wrong.status_code == 400 and "INVOLVED_IN" in wrong.json()["detail"]


def test_unknown_names_are_refused_before_the_body_with_close_matches(api):
    client, tokens, *_ = api
    h = {**_h(tokens["viewer"]), "content-type": "application/json"}
    # the body is not JSON: had it been read, the answer would be 422
    refused = client.post("/api/v1/patterns/colapse_clusters", content=b"{not json" * 1000, headers=h)
    assert refused.status_code == 404 and "collapse_clusters" in refused.json()["did_you_mean"]
    known = client.post("/api/v1/patterns/collapse_clusters", content=b"{not json", headers=h)
    assert known.status_code == 422
    lost = client.get("/api/v1/leaders/L1/neighborhood", headers=h)
    assert lost.status_code == 404 and "/api/v1/leaders/L1/neighbourhood" in lost.json()["did_you_mean"]
    assert client.get("/api/v1/leaders/L-NOPE/file", headers=h).status_code == 404  # a route, an unknown id


def test_what_the_workbench_asks_for(api):
    """The page at /, the ontology for display, a node's degrees and expansion by type, a saved view
    reopened, substring search, and the quoted text of a document span; checked against the graph
    as networkx sees it."""
    client, tokens, _, tmp_path, store = api
    h = _h(tokens["viewer"])
    page = client.get("/")
    assert page.status_code == 200 and "监督图谱工作台" in page.text and 'src="workbench/workbench.js"' in page.text
    assert client.get("/workbench/workbench.js").status_code == 200

    shown = client.get("/api/v1/ontology", headers=h).json()
    assert list(shown["nodes"]) == list(ONTOLOGY.nodes) and shown["data_day"] == data_day(store)
    colours = [k["color"] for k in shown["nodes"].values()]
    assert len(set(colours)) == len(colours), "one colour per kind"
    assert shown["relationships"]["HOLDS_POST"]["group"] is False

    g = reference.export(store)
    top = ("Leader", META["planted"]["collapse_clusters"][0]["top_leader"])
    ties = Counter(d["type"] for _, _, d in [*g.out_edges(top, data=True), *g.in_edges(top, data=True)])
    assert client.get(f"/api/v1/nodes/Leader/{top[1]}/degrees", headers=h).json() == dict(ties)
    unit = next(t for t, d in reference.out(g, top, "HOLDS_POST"))
    posts = reference.into(g, unit, "HOLDS_POST")
    view = client.get(f"/api/v1/nodes/Unit/{unit[1]}/expand?types=HOLDS_POST", headers=h).json()
    assert {e["type"] for e in view["edges"]} == {"HOLDS_POST"}
    assert {(n["label"], n["id"]) for n in view["nodes"]} == {unit, *(s for s, _ in posts)}
    acts = max((n for n in g if n[0] == "OversightBody"), key=lambda n: len(reference.out(g, n, "SUPERVISED")))
    total = len(reference.out(g, acts, "SUPERVISED"))
    few = client.get(f"/api/v1/nodes/OversightBody/{acts[1]}/expand?types=SUPERVISED&per_node=7", headers=h).json()
    assert len(few["edges"]) == 7 and few["left_out"] >= total - 7

    saved = client.post("/api/v1/subgraph", headers=h, json={"nodes": [list(top), list(unit), ["Leader", "L-NONE"],
                                                                       ["Nothing", "x"]]}).json()
    assert {(n["label"], n["id"]) for n in saved["nodes"]} == {top, unit}
    assert {(e["source"], e["type"], e["target"]) for e in saved["edges"]} == {
        (a[1], d["type"], b[1]) for a, b, d in g.edges(data=True) if {a, b} <= {top, unit}}

    name = g.nodes[unit]["name"]
    middle = name[2:5]
    assert (unit[1], "Unit") in {(x["id"], x["label"]) for x in client.get(
        f"/api/v1/search?q={middle}&contains=true&limit=200", headers=h).json()}
    assert not name.startswith(middle)  # so only the substring search finds it
    assert unit[1] not in {x["id"] for x in client.get(f"/api/v1/search?q={middle}&limit=200", headers=h).json()}
    assert {x["label"] for x in client.get("/api/v1/search?q=C0000&contains=true", headers=h).json()} == {"Case"}

    # a document's text is kept for its spans, quoted on request, and never drawn in a view
    report = next((ROOT / "ingest" / "sample_reports").iterdir())
    ingest_documents(store, [report], rejects_dir=tmp_path / "rejects")
    text = read_document(report, source_name(report)).text
    sources = [s for _, _, d in reference.export(store).edges(data=True) for s in d.get("sources") or ()
               if "#" in s and s.rsplit("#", 1)[1][0].isdigit()]
    ref = sources[0]
    start, end = map(int, ref.rsplit("#", 1)[1].split(",")[0].split("-"))
    quoted = client.get("/api/v1/sources", params={"ref": ref}, headers=h).json()
    assert quoted["spans"][0]["text"] == text[start:end] and quoted["spans"][0]["after"] == text[end:end + 40]
    assert client.get("/api/v1/sources", params={"ref": "ingest/samples/Leader.csv#L3"}, headers=h).status_code == 404
    doc = quoted["document"]
    drawn = client.get(f"/api/v1/nodes/Document/{doc}/expand", headers=h).json()
    assert drawn["nodes"] and all("text" not in n["properties"] for n in drawn["nodes"])
