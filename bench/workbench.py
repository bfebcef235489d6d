"""Workbench benchmark: a view of 10,000 nodes and 50,000 relationships in headless Chromium.

    python bench/workbench.py [--nodes 10000 --relationships 50000]

Prints, for the workbench (sigma.js, WebGL) and beside it the static pyvis picture of the same
graph (vis-network, 2D canvas): time from asking for the view to its first frame, and frames per
second while panning (the camera glides across the graph for 3 s; and a mouse drag), with the
layout paused and with it running in its worker. Goal: first frame ≤ 2 s, ≥ 30 frames/s panning.

The view is a random graph with the ontology's kinds and types (dates, kinds of act), served as
JSON from a loopback server with the built bundle, as `jiandu serve` serves both.
"""

from __future__ import annotations

import argparse
import functools
import http.server
import json
import random
import shutil
import sys
import tempfile
import threading
import time
from pathlib import Path

from jiandu.api.routes.workbench import bundle_folder, display_ontology
from jiandu.graph.ontology import ONTOLOGY
from jiandu.views import Subgraph
from jiandu.visualizations import render

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from browser import ARGS, CHROMIUM, visit  # noqa: E402 - the tests' headless Chromium helper

SHARES = {"Leader": 40, "Unit": 18, "Case": 8, "Clue": 14, "OversightBody": 3, "Audit": 5, "Finding": 6,
          "Region": 2, "Person": 4}
DAY = "2025-12-31"


def random_view(nodes: int, relationships: int, seed: int = 1) -> dict:
    """An API view ({nodes, edges}) with the ontology's kinds, types and dated properties."""
    rng = random.Random(seed)
    labels = rng.choices(list(SHARES), weights=list(SHARES.values()), k=nodes)
    by_label: dict[str, list[str]] = {}
    out_nodes = []
    for i, label in enumerate(labels):
        node_id = f"{label[0]}{i:06d}"
        by_label.setdefault(label, []).append(node_id)
        props = {"id": node_id, "name": f"{ONTOLOGY.node(label).zh}{i}"}
        since = ONTOLOGY.node(label).style.get("since")
        if since:
            props[since] = _day(rng)
        out_nodes.append({"id": node_id, "label": label, "name": props["name"], "properties": props})
    types = [t for t in ONTOLOGY.relationships.values()
             if any(s in by_label for s in t.sources) and any(x in by_label for x in t.targets)]
    edges = []
    for i in range(relationships):
        rel = rng.choice(types)
        source = rng.choice([s for s in rel.sources if s in by_label])
        target = rng.choice([t for t in rel.targets if t in by_label])
        props: dict = {"id": f"r{i}"}
        if "start" in rel.properties:
            props["start"] = _day(rng)
            if rng.random() < 0.5:
                props["end"] = max(props["start"], _day(rng))
        elif "date" in rel.properties:
            props["date"] = _day(rng)
        if "kind" in rel.properties and rel.properties["kind"].values:
            props["kind"] = rng.choice(rel.properties["kind"].values)
        edges.append({"source": _skewed(rng, by_label[source]), "source_label": source,
                      "target": _skewed(rng, by_label[target]),
                      "target_label": target, "type": rel.type, "properties": props})
    return {"nodes": out_nodes, "edges": edges, "left_out": 0, "as_of": None}


def _skewed(rng: random.Random, ids: list[str]) -> str:
    """Early ids far more often: a few hubs, as real graphs have (a 纪委 with thousands of acts)."""
    return ids[int(len(ids) * rng.random() ** 3)]


def _day(rng: random.Random) -> str:
    return f"{rng.randint(2012, 2025)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"


@functools.cache
def _quiet_handler(folder: str):
    class Handler(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *a, **k):
            super().__init__(*a, directory=folder, **k)

        def log_message(self, *_):
            pass

    return Handler


class Site:
    """The bundle and the view on a loopback port, for as long as the block lasts."""

    def __init__(self, folder: Path):
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _quiet_handler(str(folder)))
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> Site:
        self.thread.start()
        return self

    def __exit__(self, *_) -> None:
        self.server.shutdown()
        self.server.server_close()


FIRST_FRAME = """async (ontology) => {
  jiandu.boot(ontology);
  const started = performance.now();
  const data = await (await fetch('view.json')).json();
  const parsed = performance.now();
  const r = jiandu.canvas.renderer;
  const drawn = new Promise((done) => r.once('afterRender', () => done(performance.now())));
  jiandu.load(data);
  const first = await drawn;
  const px = new Uint8Array(4);  // reading a pixel back waits until the GPU has drawn the frame
  for (const gl of Object.values(r.webGLContexts)) gl.readPixels(0, 0, 1, 1, gl.RGBA, gl.UNSIGNED_BYTE, px);
  const finished = performance.now();
  await new Promise((done) => requestAnimationFrame(() => done()));
  return {fetched: parsed - started, first: finished - started, submitted: first - started,
          presented: performance.now() - started,
          nodes: jiandu.view.graph.order, edges: jiandu.view.graph.size};
}"""

GLIDE = """async (ms) => {
  const r = jiandu.canvas.renderer, camera = r.getCamera();
  let frames = 0;
  const count = () => frames++;
  r.on('afterRender', count);
  const s = camera.getState(), started = performance.now();
  await camera.animate({x: s.x + 0.4, y: s.y + 0.3}, {duration: ms, easing: 'linear'});
  const took = performance.now() - started;
  r.off('afterRender', count);
  return frames / took * 1000;
}"""

# frames the page showed while the pointer dragged: animation frames in which the picture moved
DRAG_START = """() => { const box = document.querySelector('#canvas'); window.__drag = {frames: 0, last: '', on: true,
  t0: performance.now()};
  const tick = () => { const d = window.__drag; if (!d.on) return;
    if (box.style.transform !== d.last) { d.frames++; d.last = box.style.transform; }
    requestAnimationFrame(tick); };
  requestAnimationFrame(tick); }"""
DRAG_STOP = """() => { const d = window.__drag; d.on = false; d.took = performance.now() - d.t0;
  d.redrawn = new Promise((done) => jiandu.canvas.renderer.once('afterRender', () => done(performance.now())));
  d.released = performance.now(); return d.frames / d.took * 1000; }"""
# until the GPU has finished the new frame: reading a pixel back waits for it
REDRAWN = """async () => { await window.__drag.redrawn; const px = new Uint8Array(4);
  for (const gl of Object.values(jiandu.canvas.renderer.webGLContexts)) {
    gl.readPixels(0, 0, 1, 1, gl.RGBA, gl.UNSIGNED_BYTE, px);
  }
  return performance.now() - window.__drag.released; }"""


def measure_workbench(site: Site, ontology: dict) -> dict:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 900})
            errors: list[str] = []
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.goto(site.url)
            page.wait_for_function("() => window.jiandu && window.jiandu.boot")
            started = time.perf_counter()
            first = page.evaluate(FIRST_FRAME, ontology)
            first["wall"] = (time.perf_counter() - started) * 1000
            running = page.evaluate(GLIDE, 3000)  # the layout is still running in its worker
            page.evaluate("() => jiandu.canvas.stopLayout()")
            page.wait_for_timeout(300)
            paused = page.evaluate(GLIDE, 3000)
            box = page.locator("#canvas").bounding_box()
            x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
            page.mouse.move(x, y)
            page.mouse.down()
            page.evaluate(DRAG_START)
            i, until = 0, time.perf_counter() + 3
            while time.perf_counter() < until:  # 3 s of dragging, moves as fast as they are taken
                page.mouse.move(x + 200 * (i % 60) / 60 - 100, y + 100 * ((i // 60) % 2) - 50)
                i += 1
            dragged = page.evaluate(DRAG_STOP)
            page.mouse.up()
            redrawn = page.evaluate(REDRAWN)
            return {**first, "glide_running": running, "glide_paused": paused, "drag": dragged, "redrawn": redrawn,
                    "errors": errors}
        finally:
            browser.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--nodes", type=int, default=10_000)
    parser.add_argument("--relationships", type=int, default=50_000)
    parser.add_argument("--skip-pyvis", action="store_true", help="only the workbench")
    args = parser.parse_args()
    view = random_view(args.nodes, args.relationships)
    work = Path(tempfile.mkdtemp(prefix="jiandu-wbench-"))
    try:
        shutil.copytree(bundle_folder(), work / "workbench")
        shutil.copy(bundle_folder() / "index.html", work / "index.html")
        (work / "view.json").write_text(json.dumps(view, ensure_ascii=False), encoding="utf-8")
        print(f"view: {len(view['nodes']):,} nodes, {len(view['edges']):,} relationships, "
              f"{(work / 'view.json').stat().st_size / 1e6:.1f} MB of JSON")
        with Site(work) as site:
            ours = measure_workbench(site, display_ontology(DAY))
        print(f"workbench: drawn {ours['nodes']:,} nodes, {ours['edges']:,} edges (bundled), "
              f"console errors {len(ours['errors'])}")
        print(f"{'':28}{'workbench':>12}{'pyvis page':>14}{'ratio':>8}")
        theirs = None if args.skip_pyvis else measure_pyvis(view, work)
        ratio = f"{theirs / ours['first']:>8.1f}" if theirs else ""
        print(f"{'first frame (ms)':28}{ours['first']:>10.0f}{theirs or 0:>14.0f}{ratio}")
        print(f"{'  of which fetch + parse':28}{ours['fetched']:>10.0f}")
        print(f"{'  drawing submitted':28}{ours['submitted']:>10.0f}")
        print(f"{'glide, layout running (fps)':28}{ours['glide_running']:>10.1f}")
        print(f"{'glide, layout paused (fps)':28}{ours['glide_paused']:>10.1f}")
        print(f"{'mouse drag (fps)':28}{ours['drag']:>10.1f}")
        print(f"{'  redrawn after release (ms)':28}{ours['redrawn']:>10.0f}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


def measure_pyvis(view: dict, work: Path) -> float:
    """Milliseconds until the static picture of the same graph says it is drawn."""
    sub = Subgraph()
    for n in view["nodes"]:
        sub.add_node(n["label"], n["properties"])
    for e in view["edges"]:
        sub.edges[((e["source_label"], e["source"]), e["type"], (e["target_label"], e["target"]),
                   e["properties"]["id"])] = e["properties"]
    path = work / "pyvis.html"
    render.write(sub, "bench", path)
    return visit(path, wait_drawn=True, timeout_ms=600_000).drawn_ms


if __name__ == "__main__":
    main()
