"""Issue 40's attacks replayed on a real `jiandu serve` over a real embedded store: no 5xx but a
store that is down, no input row lost, the graph unchanged by what is refused, every request in
the audit log with its true status, the log bounded, and a log that survives a killed server."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import parse_qs

import httpx
from conftest import ROOT
from served import free_port, sample_db, serve, stop, workers_of

from jiandu.api.audit import VALUE_CHARS
from jiandu.api.keys import KeyStore
from jiandu.graph.embedded import EmbeddedServer

LINE_BOUND = 8 * VALUE_CHARS  # an audit line's size, whatever the request held


class Asker:
    """Requests against the server, each tagged `probe=<n>` so its audit line can be found."""

    def __init__(self, base: str, keys: dict[str, str]):
        self.client = httpx.Client(base_url=base, timeout=60)
        self.keys = keys
        self.sent: dict[str, int] = {}  # probe → the status the client saw

    def __call__(self, method: str, url: str, role: str | None = None, *, key: str | None = None,
                 **kw) -> httpx.Response:
        probe = str(len(self.sent))
        headers = {"X-API-Key": key if key is not None else self.keys[role]} if (role or key) else {}
        tagged = f"{url}{'&' if '?' in url else '?'}probe={probe}"
        done = self.client.request(method, tagged, headers=headers, **kw)
        self.sent[probe] = done.status_code
        return done

    def close(self) -> None:
        self.client.close()


def _audit_lines(db: Path) -> list[str]:
    files = sorted(db.glob("audit.jsonl*"), key=lambda p: -int(p.suffix[1:]) if p.suffix[1:].isdigit() else 0)
    return [line for f in files for line in f.read_text(encoding="utf-8").splitlines()]


def _probes(lines: list[str]) -> dict[str, list[dict]]:
    found: dict[str, list[dict]] = {}
    for line in lines:
        entry = json.loads(line)
        for probe in parse_qs(entry.get("url_query", "")).get("probe", []):
            found.setdefault(probe, []).append(entry)
    return found


def _stats(ask: Asker) -> tuple[int, int]:
    nodes = ask("post", "/api/v1/cypher", "investigator", json={"query": "MATCH (n) RETURN count(n)"})
    rels = ask("post", "/api/v1/cypher", "investigator", json={"query": "MATCH ()-[r]->() RETURN count(r)"})
    return nodes.json()["rows"][0][0], rels.json()["rows"][0][0]


def _attack_files(folder: Path) -> dict[str, int]:
    """CSV rows that broke the old reader, each id with its line: a field over the limit, an open
    quote, a short row, a conflicting duplicate; and an empty file."""
    folder.mkdir()
    lines = ["id,name,gender", "ZQ0,丁,男", f"ZQ1,{'甲' * 3000},男", 'ZQ2,"乙,女', "ZQ3,丙,男", "ZQ4,戊",
             "ZQ5,己,女", "ZQ5,己,男", "ZQ6,庚,男"]
    (folder / "Leader.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (folder / "Unit.csv").write_text("", encoding="utf-8")
    return {line.split(",")[0]: n for n, line in enumerate(lines, 1) if n > 1}


def _ingest(db: Path, folder: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "JIANDU_MAX_FIELD_CHARS": "1024"}
    return subprocess.run([sys.executable, "-m", "jiandu", "--store", f"falkordb+embedded://{db}", "ingest",
                           str(folder)], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)


def test_the_attacks_on_a_real_server(tmp_path):
    db = sample_db(tmp_path)
    store = KeyStore(db / "api_keys.json")
    keys = {role: store.create(role, "reliability") for role in ("viewer", "investigator", "admin")}
    port = free_port()
    server = serve(db, port, "--workers", "2")
    ask = Asker(f"http://127.0.0.1:{port}", keys)
    kept = False
    try:
        before = _stats(ask)
        leader = "L000001"
        refused = {
            401: [ask("get", f"/api/v1/leaders/{leader}/file", key="jd_not-a-key"),
                  ask("get", f"/api/v1/leaders/{leader}/file")],
            403: [ask("post", "/api/v1/ingest", "viewer", json={"records": [{"label": "Leader", "id": "X1"}]}),
                  ask("post", "/api/v1/ledger/LI-1/close", "viewer", json={"version": 1})],
            404: [ask("get", "/api/v1/leaders/NOPE/file", "viewer"), ask("get", "/api/v1/nowhere", "viewer")],
            422: [ask("get", f"/api/v1/leaders/{leader}/neighbourhood?since={day}", "viewer")
                  for day in ("2025-13-45", "2025-02-30", "garbage")],
            413: [ask("post", "/api/v1/cypher", "investigator",
                      json={"query": "RETURN 1", "params": {"x": "a" * (20 * 1024 * 1024)}})],
            400: [ask("post", "/api/v1/cypher", "investigator", json={"query": "CREATE (n:Leader {id: 'X2'})"})],
        }
        for status, answers in refused.items():
            assert [a.status_code for a in answers] == [status] * len(answers), (status, [a.text for a in answers])
        assert refused[413][0].json()["limit_bytes"] == 16 * 1024 * 1024
        assert _stats(ask) == before, "a refused request changed the graph"

        file = ask("get", f"/api/v1/leaders/{leader}/file", "viewer")
        assert file.status_code == 200 and "site-packages" not in file.text and str(ROOT) not in file.text
        assert '"ingest/samples/' in file.text  # the sources are there, named from the package

        # the API's ingest: the good record lands, the bad one is a reject, the repeated one a conflict
        records = [{"label": "Leader", "id": "ZA1", "name": "辛", "gender": "男"},
                   {"label": "Leader", "id": "ZA1", "name": "辛", "gender": "女"},
                   {"label": "Leadr", "id": "ZA2", "name": "壬"}]
        done = ask("post", "/api/v1/ingest", "admin", json={"records": records})
        assert done.status_code == 200, done.text
        assert done.json()["conflicts"] == 1 and done.json()["rejected"] == 1 and done.json()["nodes"] == 2
        za = ask("post", "/api/v1/cypher", "investigator",
                 json={"query": "MATCH (l:Leader) WHERE l.id STARTS WITH 'ZA' RETURN l.id, l.gender"}).json()
        assert za["rows"] == [["ZA1", "女"]]

        # the CLI's ingest on the server's own store, while it serves
        rows = _attack_files(tmp_path / "attack")
        run = _ingest(db, tmp_path / "attack")
        assert run.returncode == 2, run.stderr  # a conflict: the exit code says so
        assert "Unit.csv" in run.stdout + run.stderr and "rejected records kept in" in run.stderr
        landed = ask("post", "/api/v1/cypher", "investigator",
                     json={"query": "MATCH (l:Leader) WHERE l.id STARTS WITH 'ZQ' RETURN l.id, l.gender"}).json()
        genders = dict(landed["rows"])
        rejected = {r["line"] for f in (db / "rejects").glob("*.jsonl")
                    for r in map(json.loads, f.read_text(encoding="utf-8").splitlines())
                    if r.get("kind") != "conflict" and "Leader.csv" in r.get("source", r.get("file", ""))}
        lost = [i for i, line in rows.items() if i not in genders and line not in rejected]
        assert lost == [], f"rows neither in the graph nor in the rejects: {lost}"
        assert set(genders) == {"ZQ0", "ZQ3", "ZQ5", "ZQ6"} and genders["ZQ5"] == "男"  # the later wins

        # the store goes down mid-session: 503 with Retry-After, then back by itself
        EmbeddedServer(db).stop()
        for method, url, role, body in (("get", f"/api/v1/leaders/{leader}/neighbourhood", "viewer", None),
                                        ("post", "/api/v1/patterns/collapse_clusters", "viewer", {}),
                                        ("post", "/api/v1/cypher", "investigator", {"query": "RETURN 1"}),
                                        ("get", "/health", None, None)):
            down = ask(method, url, role, json=body)
            assert down.status_code == 503, (url, down.status_code, down.text)
            assert url == "/health" or down.headers.get("retry-after") == "5", url
        EmbeddedServer(db).start()
        kept = True
        assert ask("get", f"/api/v1/leaders/{leader}/neighbourhood", "viewer").status_code == 200

        statuses = list(ask.sent.values())
        assert [s for s in statuses if s >= 500] == [503] * 4, "a 5xx other than the store being down"

        lines = _audit_lines(db)
        assert max(len(line.encode("utf-8")) for line in lines) < LINE_BOUND
        logged = _probes(lines)
        assert {p: [e["status"] for e in logged.get(p, [])] for p in ask.sent} == \
            {p: [s] for p, s in ask.sent.items()}, "a request missing from the audit log, or logged twice"
        wrong_key = logged[next(p for p, s in ask.sent.items() if s == 401)][0]
        assert wrong_key["key_id"].startswith("unknown") and wrong_key["outcome"] == "refused 401"
        assert logged[next(p for p, s in ask.sent.items() if s == 413)][0]["outcome"] == "refused 413"
    finally:
        ask.close()
        stop(server, workers_of(server.pid), db, kept=kept)


def test_a_server_killed_mid_write_leaves_a_log_whose_answered_requests_are_all_there(tmp_path):
    """kill -9 of the whole server while eight clients ask: every answer a client received is in
    the log, and the next server's lines are whole. (A SIGKILL cannot cut one `write` to a local
    file in two, so the torn line a full disk or a power cut leaves is written here by hand.)"""
    db = sample_db(tmp_path)
    token = KeyStore(db / "api_keys.json").create("investigator", "kill test")
    port = free_port()
    server = serve(db, port, "--workers", "2")
    workers = workers_of(server.pid)
    answered: dict[str, int] = {}
    lock = threading.Lock()
    counter = iter(range(10**9))
    halt = threading.Event()

    def client() -> None:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", headers={"X-API-Key": token}, timeout=10) as c:
            while not halt.is_set():
                with lock:
                    probe = str(next(counter))
                try:
                    done = c.post("/api/v1/cypher", params={"probe": probe},
                                  json={"query": "RETURN $x AS x", "params": {"x": "x" * 3000}})
                except httpx.HTTPError:
                    continue
                with lock:
                    answered[probe] = done.status_code

    threads = [threading.Thread(target=client) for _ in range(8)]
    try:
        for t in threads:
            t.start()
        deadline = time.monotonic() + 30
        while len(answered) < 200 and time.monotonic() < deadline:
            time.sleep(0.05)
        for pid in [server.pid, *workers]:
            os.kill(pid, signal.SIGKILL)
        server.wait(timeout=30)
        halt.set()
        for t in threads:
            t.join(timeout=30)
        assert len(answered) >= 200 and set(answered.values()) == {200}
        logged = _probes(_audit_lines(db))
        assert [p for p in answered if p not in logged] == [], "an answered request missing from the log"

        with open(db / "audit.jsonl", "ab") as fh:
            fh.write(b'{"time": "2026-01-01T00:00:00", "endpoint": "/torn')
        again = serve(db, port, "--workers", "1")
        try:
            with httpx.Client(base_url=f"http://127.0.0.1:{port}", headers={"X-API-Key": token}) as c:
                done = c.post("/api/v1/cypher", params={"probe": "after"}, json={"query": "RETURN 1"})
                assert done.status_code == 200
        finally:
            stop(again, workers_of(again.pid), db)
        lines = (db / "audit.jsonl").read_text(encoding="utf-8").splitlines()
        torn = [n for n, line in enumerate(lines) if line.endswith('"/torn')]
        assert len(torn) == 1
        after = [json.loads(line) for line in lines[torn[0] + 1:]]
        assert after and any("probe=after" in e.get("url_query", "") for e in after)
    finally:
        halt.set()
        for t in threads:
            if t.is_alive():
                t.join(timeout=30)
        for pid in [server.pid, *workers]:
            if Path(f"/proc/{pid}").exists():
                os.kill(pid, signal.SIGKILL)
        if EmbeddedServer(db).server_pid() is not None:  # the killed server's database, after a failure
            EmbeddedServer(db).stop()
