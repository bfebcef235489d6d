"""The workbench at `/` as an investigator uses it, in headless Chromium against a real
`jiandu serve` on the demo graph: log in, search by pinyin, read a dossier, expand a unit, move
through time, open a group, undo, run a pattern and export, reopen a view from its URL.

Every request the page makes outside the server's own origin is blocked and counted, and the
page must write no console error. Screenshots of each step go to browser.SHOTS (a temporary folder)."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import struct
import subprocess
import zlib
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from xml.etree import ElementTree

import httpx
import pytest
from browser import ARGS, CHROMIUM, SHOTS
from conftest import ROOT
from pypinyin import lazy_pinyin
from served import free_port, sample_db, serve, stop, workers_of

from jiandu.api.keys import KeyStore
from jiandu.graph.connect import open_store

needs_browser = pytest.mark.skipif(CHROMIUM is None, reason="chromium not installed (make test installs it)")


@dataclass
class Served:
    base: str
    key: str
    unit: dict  # a unit whose 一把手 changed: id, name, posts [(leader id, name, start, end, top)]
    body: dict  # the oversight body that supervised the most leaders: id, name
    reported: tuple[str, str, str]  # a leader whose post was read from the sample report: id, name, span
    data_day: str


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("workbench")
    db = sample_db(tmp, reports=True)
    key = KeyStore(db / "api_keys.json").create("investigator", "workbench test")
    with open_store(f"falkordb+embedded://{db}") as store:
        unit_id, unit_name, posts = store.run(
            "MATCH (l:Leader)-[p:HOLDS_POST]->(u:Unit) WHERE p.start IS NOT NULL "
            "WITH u, collect([l.id, l.name, p.start, p.end, p.top_leader]) AS posts "
            "WHERE size([x IN posts WHERE x[4] AND x[3] IS NOT NULL]) > 0 "
            "AND size([x IN posts WHERE x[4] AND x[3] IS NULL]) > 0 "
            "RETURN u.id, u.name, posts ORDER BY size(posts) DESC, u.id LIMIT 1", read_only=True).rows[0]
        body = store.run("MATCH (b:OversightBody)-[:SUPERVISED]->(l:Leader) WITH b, count(DISTINCT l) AS n "
                         "RETURN b.id, b.name ORDER BY n DESC, b.id LIMIT 1", read_only=True).rows[0]
        reported = next((i, n, src) for i, n, sources in store.run(
            "MATCH (l:Leader)-[p:HOLDS_POST]->() RETURN l.id, l.name, p.sources ORDER BY l.id", read_only=True).rows
            for src in sources or () if re.search(r"#\d+-\d+", src))
    port = free_port()
    server = serve(db, port, "--workers", "1")
    try:
        base = f"http://127.0.0.1:{port}"
        day = httpx.get(f"{base}/api/v1/ontology", headers={"X-API-Key": key}).json()["data_day"]
        yield Served(base + "/", key, {"id": unit_id, "name": unit_name, "posts": posts},
                     {"id": body[0], "name": body[1]}, reported, day)
    finally:
        stop(server, workers_of(server.pid), db)


@dataclass
class Session:
    page: object
    external: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def shot(self, name: str) -> None:
        SHOTS.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(SHOTS / f"workbench-{name}.png"))

    def js(self, expression: str):
        return self.page.evaluate(expression)

    def status(self, name: str) -> int:
        return int(self.page.get_attribute("#status", f"data-{name}"))

    def view_keys(self) -> set[str]:
        return set(self.js("() => [...jiandu.view.nodes.keys()]"))


@contextmanager
def workbench(served: Served, viewport=(1400, 900)):
    """A fresh browser on the workbench: requests off the server's origin are refused and
    counted, console errors collected; both must be empty when the block ends."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            context = browser.new_context(viewport={"width": viewport[0], "height": viewport[1]},
                                          accept_downloads=True)
            session = Session(None)

            def route(r):
                if r.request.url.startswith((served.base, "data:", "blob:")):
                    r.continue_()
                else:
                    session.external.append(r.request.url)
                    r.abort()

            context.route("**/*", route)
            session.page = context.new_page()
            session.page.on("console", lambda m: session.errors.append(m.text) if m.type == "error" else None)
            session.page.on("pageerror", lambda e: session.errors.append(str(e)))
            yield session
            assert session.external == [], session.external
            assert session.errors == [], session.errors
        finally:
            browser.close()


def login(s: Session, served: Served, url: str | None = None) -> None:
    s.page.goto(url or served.base)
    s.page.fill("#key", served.key)
    s.page.click("#login-button")
    s.page.wait_for_selector("body[data-ready='1']", state="attached")
    s.page.wait_for_selector("#login", state="hidden")


def day_number(iso: str) -> int:
    return (date.fromisoformat(iso) - date(1970, 1, 1)).days


def tenures_on(posts: list, day: str) -> int:
    """Tenures in force on `day`: started by then and not ended before (this test's own count)."""
    return sum(1 for _, _, start, end, _ in posts if start <= day and (end is None or end >= day))


@needs_browser
def test_the_walkthrough(served):
    unit, day = served.unit, served.data_day
    top = next(p for p in unit["posts"] if p[4] and p[3] is None)  # the 一把手 now
    spelled = "".join(lazy_pinyin(top[1]))
    with workbench(served) as s:
        s.page.goto(served.base)
        s.page.wait_for_selector("#login-form")
        s.shot("01-login")
        login(s, served)
        assert s.page.input_value("#asof") == str(day_number(day)), "the slider starts on the data's latest day"

        # search by pinyin: results grouped by kind
        s.page.fill("#search", spelled)
        hit = f".hit[data-id='{top[0]}']"
        s.page.wait_for_selector(hit)
        assert "领导干部" in s.page.inner_text("#results")
        s.shot("02-search-pinyin")
        s.page.click(hit)
        s.page.wait_for_selector("#by-type .chip")
        assert s.view_keys() == {f"Leader:{top[0]}"}

        # 一人一档: posts, acts and cases on one timeline, each with its source
        s.page.click("#open-file")
        s.page.wait_for_selector("#dossier li")
        entries = httpx.get(f"{served.base}api/v1/leaders/{top[0]}/file",
                            headers={"X-API-Key": served.key}).json()["entries"]
        assert s.page.locator("#dossier li").count() == len(entries)
        posts = sum(e["section"] == "post" for e in entries)
        assert s.page.locator("#dossier li[data-section='post']").count() == posts
        assert s.page.locator("#dossier .source").count() == sum(bool(e["sources"]) for e in entries)
        s.shot("03-dossier")

        # from the file to the unit, expanded: every leader it had is drawn
        s.page.click(f"#dossier li[data-section='post'] a[data-id='{unit['id']}']")
        s.page.wait_for_selector("#open-portrait")
        s.page.click("#expand-all")
        leaders = {f"Leader:{p[0]}" for p in unit["posts"]}
        s.page.wait_for_function(f"() => {json.dumps(sorted(leaders))}.every(k => jiandu.view.nodes.has(k))")
        s.page.wait_for_timeout(1500)  # the layout settles
        s.shot("04-unit-expanded")
        # the edge between the unit and its 一把手 opens into its timeline: one line per relationship
        edge = f"Leader:{top[0]}>Unit:{unit['id']}"
        members = s.js(f"() => jiandu.view.graph.getEdgeAttribute({json.dumps(edge)}, 'members').length")
        s.js(f"() => jiandu.canvas.renderer.emit('clickEdge', {{edge: {json.dumps(edge)}}})")
        s.page.wait_for_selector("#edge-timeline li")
        assert s.page.locator("#edge-timeline li").count() == members >= 1
        assert "任职" in s.page.inner_text("#edge-timeline")
        s.js(f"() => jiandu.canvas.renderer.emit('clickNode', {{node: 'Unit:{unit['id']}'}})")
        s.page.wait_for_selector("#open-portrait")
        s.page.click("#open-portrait")
        s.page.wait_for_selector("#unit-tenures li")
        assert s.page.locator("#unit-tenures li").count() == len(unit["posts"])
        s.shot("05-unit-portrait")

        # the as-of slider: tenures in force change with the day
        assert s.status("tenures") == tenures_on(unit["posts"], day)
        earlier = next(d for d in sorted({p[2] for p in unit["posts"]})
                       if tenures_on(unit["posts"], d) != tenures_on(unit["posts"], day))
        s.page.locator("#asof").fill(str(day_number(earlier)))
        assert s.page.inner_text("#asof-label") == earlier
        assert s.status("tenures") == tenures_on(unit["posts"], earlier)
        s.shot("06-time-slider")
        # the 一把手 badge follows the day: the former 一把手 wears it during that tenure, the present one not yet
        former = next(p for p in unit["posts"] if p[4] and p[3] is not None and p[2] < top[2])
        s.page.locator("#asof").fill(str(day_number(former[2])))
        tops = set(s.js("() => [...jiandu.view.tops]"))
        assert f"Leader:{former[0]}" in tops and f"Leader:{top[0]}" not in tops
        s.page.locator("#asof").fill(str(day_number(day)))
        assert s.status("tenures") == tenures_on(unit["posts"], day)
        # ▶ steps through time from the start of the range, and stops when pressed again
        s.page.locator("#asof").fill(s.page.get_attribute("#asof", "min"))
        start = s.page.inner_text("#asof-label")
        s.page.click("#play")
        s.page.wait_for_function(f"() => document.querySelector('#asof-label').textContent > '{start}'")
        s.page.click("#play")
        stepped = s.page.inner_text("#asof-label")
        s.page.wait_for_timeout(800)
        assert s.page.inner_text("#asof-label") == stepped > start
        assert s.status("tenures") == tenures_on(unit["posts"], stepped)
        s.page.locator("#asof").fill(str(day_number(day)))

        # a saved view reopens from its URL in a new tab (which logs in first)
        s.page.click("#share")
        url = s.page.input_value("#share-url")
        assert url.startswith(served.base) and "#view=" in url and served.key not in url
        saved = s.view_keys()
        other = s.page.context.new_page()
        other.on("console", lambda m: s.errors.append(m.text) if m.type == "error" else None)
        reopened = Session(other)
        login(reopened, served, url)
        other.wait_for_function(f"() => jiandu.view.nodes.size === {len(saved)}")
        assert reopened.view_keys() == saved
        other.close()

        # exports: the view as GraphML and JSON, the canvas as PNG
        with s.page.expect_download() as got:
            s.page.click("#export-graphml")
        tree = ElementTree.parse(got.value.path())
        ns = {"g": "http://graphml.graphdrawing.org/xmlns"}
        assert {n.get("id") for n in tree.getroot().iterfind(".//g:node", ns)} == saved
        with s.page.expect_download() as got:
            s.page.click("#export-json")
        exported = json.loads(got.value.path().read_text(encoding="utf-8"))
        assert {f"{n['label']}:{n['id']}" for n in exported["nodes"]} == saved and exported["as_of"] == day
        with s.page.expect_download() as got:
            s.page.click("#export-png")
        assert got.value.suggested_filename.endswith(".png")
        width, height, pixels = _png(got.value.path().read_bytes())
        canvas = s.js("() => { const c = document.querySelector('#canvas'); return [c.clientWidth, c.clientHeight]; }")
        assert (width, height) == tuple(canvas)
        assert len(set(pixels)) > 20, "the PNG is blank"
        s.shot("07-exported")


@needs_browser
def test_groups_open_on_double_click_and_undo_restores(served):
    with workbench(served) as s:
        login(s, served)
        s.page.fill("#search", served.body["name"])
        s.page.click(f".hit[data-id='{served.body['id']}']")
        s.page.wait_for_selector("#by-type .chip[data-type='SUPERVISED']")
        s.page.click("#by-type .chip[data-type='SUPERVISED']")  # expand by one relationship type
        s.page.wait_for_function("() => jiandu.view.groups.size > 0")
        group = s.js("() => [...jiandu.view.groups.keys()][0]")
        members = s.js(f"() => jiandu.view.groups.get({json.dumps(group)}).nodes.map(n => n.key)")
        assert len(members) >= 9 and not any(m in s.view_keys() for m in members)
        label = s.js(f"() => jiandu.view.graph.getNodeAttribute({json.dumps(group)}, 'label')")
        assert label == f"领导干部 ×{len(members)}"
        s.shot("08-group")
        # double-click the group where it is drawn, with the layout paused and the whole graph in view
        s.page.click("#layout")
        s.page.click("#fit")
        s.page.wait_for_timeout(400)
        x, y = s.js(f"""() => {{ const box = document.querySelector('#canvas').getBoundingClientRect();
            const p = jiandu.canvas.renderer.graphToViewport(jiandu.view.graph.getNodeAttributes({json.dumps(group)}));
            return [box.left + p.x, box.top + p.y]; }}""")
        s.page.mouse.dblclick(x, y)
        s.page.wait_for_function(f"() => !jiandu.view.groups.has({json.dumps(group)})")
        assert set(members) <= s.view_keys()
        s.shot("09-group-opened")
        s.page.click("#undo")
        assert s.js(f"() => jiandu.view.groups.has({json.dumps(group)})")
        assert not set(members) & s.view_keys()

        # collapse: the group and the neighbours tied to the body alone go, the body stays
        body = f"OversightBody:{served.body['id']}"
        s.js(f"() => jiandu.canvas.renderer.emit('clickNode', {{node: {json.dumps(body)}}})")
        s.page.click("#by-type .chip[data-type='HANDLES']")  # the cases it handles: too few to fold
        s.page.wait_for_function("() => [...jiandu.view.nodes.keys()].some(k => k.startsWith('Case:'))")
        alone = s.js(f"""() => [...jiandu.view.nodes.keys()].filter(k => k !== {json.dumps(body)} &&
            [...jiandu.view.edges.values()].filter(e => e.source === k || e.target === k)
              .every(e => e.source === {json.dumps(body)} || e.target === {json.dumps(body)}))""")
        assert any(k.startswith("Case:") for k in alone)
        s.page.click("text=收起 Collapse")
        assert not s.js("() => jiandu.view.groups.size") and not set(alone) & s.view_keys() and body in s.view_keys()
        s.page.click("#undo")
        assert s.js("() => jiandu.view.groups.size") == 1 and set(alone) <= s.view_keys()

        # pin, then hide, the body
        s.js(f"() => jiandu.canvas.renderer.emit('clickNode', {{node: {json.dumps(body)}}})")
        s.page.wait_for_selector("#pin")
        s.page.click("#pin")
        assert s.js(f"() => jiandu.view.graph.getNodeAttribute({json.dumps(body)}, 'fixed')") is True
        s.page.click("text=隐藏 Hide")
        assert body not in s.view_keys()


@needs_browser
def test_a_pattern_runs_from_its_form_and_exports_csv(served):
    with workbench(served) as s:
        login(s, served)
        s.page.click("#btn-patterns")
        s.page.wait_for_selector("#pattern-name")
        names = s.page.eval_on_selector_all("#pattern-name option", "os => os.map(o => o.value)")
        listed = httpx.get(f"{served.base}api/v1/patterns", headers={"X-API-Key": served.key}).json()
        assert names == [p["name"] for p in listed]
        s.page.select_option("#pattern-name", "collapse_clusters")
        fields = s.page.eval_on_selector_all("#pattern-form [name]", "xs => xs.map(x => x.name)")
        assert fields == list(next(p for p in listed if p["name"] == "collapse_clusters")["parameters"])
        s.page.fill("#param-min_leaders", "2")
        s.page.click("#run-pattern")
        s.page.wait_for_selector("#pattern-table tbody tr")
        answer = httpx.post(f"{served.base}api/v1/patterns/collapse_clusters", json={"params": {"min_leaders": 2}},
                            headers={"X-API-Key": served.key}).json()
        assert s.page.locator("#pattern-table tbody tr").count() == answer["total"] > 0
        with s.page.expect_download() as got:
            s.page.click("#export-csv")
        rows = list(csv.reader(io.StringIO(got.value.path().read_text(encoding="utf-8-sig"))))
        assert rows[0] == answer["columns"]
        assert rows[1:] == [["|".join(map(str, v)) if isinstance(v, list) else _cell(v) for v in r]
                            for r in answer["rows"]]
        s.page.click("#pattern-graph")
        ids = {v for r in answer["rows"] for c, v in zip(answer["columns"], r, strict=True) if c == "unit_id"}
        s.page.wait_for_function(f"() => {json.dumps(sorted(ids))}.every(i => jiandu.view.nodes.has('Unit:' + i))")
        s.page.wait_for_timeout(1500)
        s.shot("10-pattern")


@needs_browser
def test_a_wrong_key_is_refused_with_a_message(served):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            page = browser.new_page()
            page.goto(served.base)
            page.fill("#key", "jd_nope_nope")
            page.click("#login-button")
            page.wait_for_function("() => document.querySelector('#login-error').textContent !== ''")
            assert "密钥无效" in page.inner_text("#login-error")
            assert page.is_visible("#login") and page.get_attribute("body", "data-ready") is None
        finally:
            browser.close()


@needs_browser
def test_a_document_span_is_quoted_in_the_dossier(served):
    """A leader read from the sample report: the dossier quotes the report's words for the post."""
    leader_id, name, source = served.reported
    with workbench(served) as s:
        login(s, served)
        s.page.fill("#search", name)
        s.page.click(f".hit[data-id='{leader_id}']")
        s.page.wait_for_selector("#open-file")
        s.page.click("#open-file")
        s.page.wait_for_selector("#dossier .quote")
        s.page.click("#dossier li[data-section='post'] .quote >> nth=0")
        s.page.wait_for_selector("#dossier .excerpt mark")
        excerpt = httpx.get(f"{served.base}api/v1/sources", params={"ref": source},
                            headers={"X-API-Key": served.key}).json()
        assert s.page.inner_text("#dossier .excerpt mark") == excerpt["spans"][0]["text"]
        assert name in s.page.inner_text("#dossier .excerpt")
        s.shot("11-source-quoted")


def _cell(v) -> str:
    return "" if v is None else "true" if v is True else "false" if v is False else str(v)


def _png(data: bytes) -> tuple[int, int, bytes]:
    """Width, height and the inflated pixel rows of a PNG."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    chunks, at = [], 8
    while at < len(data):
        length, kind = struct.unpack(">I4s", data[at:at + 8])
        if kind == b"IDAT":
            chunks.append(data[at + 8:at + 8 + length])
        at += 12 + length
    return width, height, zlib.decompress(b"".join(chunks))


def test_the_committed_bundle_is_what_the_sources_build(tmp_path):
    """The bundle `jiandu serve` ships is rebuilt from the sources and the locked packages (npm ci
    from the registry, as CI installs them) and must match byte for byte."""
    source = ROOT / "visualizations" / "workbench"
    for name in ("package.json", "package-lock.json", "build.mjs"):
        shutil.copy(source / name, tmp_path / name)
    shutil.copytree(source / "src", tmp_path / "src")
    npm = shutil.which("npm")
    assert npm, "npm is needed to rebuild the workbench (Node.js 20 with npm)"
    subprocess.run([npm, "ci", "--no-audit", "--no-fund", "--loglevel=error"], cwd=tmp_path, check=True,
                   capture_output=True, timeout=600)
    subprocess.run(["node", "build.mjs", "rebuilt"], cwd=tmp_path, check=True, capture_output=True, timeout=300)
    built = sorted(p.name for p in (tmp_path / "rebuilt").iterdir())
    assert built == sorted(p.name for p in (source / "dist").iterdir())
    for name in built:
        assert (tmp_path / "rebuilt" / name).read_bytes() == (source / "dist" / name).read_bytes(), (
            f"dist/{name} differs from a fresh build: run `make workbench` and commit dist/")


@needs_browser
def test_every_pattern_runs_from_its_form(served):
    """Each named query from its form with its defaults (an id it requires typed in): as many rows
    as the API gives, and its graph on the canvas, without an error."""
    from jiandu.queries.library import library

    headers = {"X-API-Key": served.key}
    some = {"Leader": served.unit["posts"][0][0], "Unit": served.unit["id"],
            "Case": httpx.post(f"{served.base}api/v1/cypher", headers=headers, json={
                "query": "MATCH (c:Case)<-[:INVOLVED_IN]-() RETURN c.id ORDER BY c.id LIMIT 1"}).json()["rows"][0][0]}
    with workbench(served) as s:
        login(s, served)
        s.page.click("#btn-patterns")
        s.page.wait_for_selector("#pattern-name")
        for name, query in library().items():
            s.page.select_option("#pattern-name", name)
            given = {p: some[label] for p, label, optional in query.requires if not optional}
            for param, value in given.items():
                s.page.fill(f"#param-{param}", value)
            s.page.click("#run-pattern")
            s.page.wait_for_function(f"() => document.querySelector('#table-panel strong')?.textContent"
                                     f".startsWith({json.dumps(query.title)})")
            total = httpx.post(f"{served.base}api/v1/patterns/{name}", headers=headers,
                               json={"params": given}).json()["total"]
            assert s.page.locator("#pattern-table tbody tr").count() == min(total, 1000), name
            assert not s.page.is_visible("#message.error"), (name, s.page.inner_text("#message"))
            s.page.click("#pattern-graph")
            s.page.wait_for_function(f"() => document.querySelector('#message').textContent.startsWith('{name}:')")
            assert not s.page.is_visible("#message.error"), (name, s.page.inner_text("#message"))
            s.page.click("#clear")
