"""Picture benchmark: seconds to build the HTML for 200, 2,000 and 10,000-node subgraphs, and
seconds until headless Chromium (network blocked) reports the network drawn.

    python bench/viz.py --scale 100

Subgraphs are neighbourhoods of one city's region node (depth 3), cut at the node count.
Goal: 2,000 nodes built in ≤ 2 s and drawn in ≤ 5 s.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

from jiandu.graph.connect import open_store
from jiandu.ingest.generator import generate
from jiandu.ingest.loader import ingest
from jiandu.views import ReadModel
from jiandu.visualizations import render

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from browser import visit  # noqa: E402 - the tests' headless Chromium helper


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=float, default=100)
    parser.add_argument("--sizes", type=int, nargs="+", default=[200, 2000, 10000])
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="jiandu-vbench-"))
    try:
        generate(work / "data", scale=args.scale, seed=1, noise=0.02)
        with open_store(f"falkordb+embedded://{work / 'db'}") as store:
            report = ingest(store, [work / "data"], rejects_dir=work / "rejects")
            print(f"scale {args.scale}: {report.nodes:,} nodes, {report.relationships:,} relationships")
            for size in args.sizes:
                t = time.perf_counter()
                sub = ReadModel(store).neighbourhood("Region", "R000002", depth=3, limit=size, per_node=None)
                fetched = time.perf_counter() - t
                t = time.perf_counter()
                html = render.page(sub, f"{size} nodes")
                built = time.perf_counter() - t
                path = work / f"v{size}.html"
                path.write_text(html, encoding="utf-8")
                seen = visit(path, wait_drawn=True, timeout_ms=120_000)
                print(f"{len(sub.nodes):>6} nodes, {len(sub.edges):>6} edges: fetched {fetched:5.2f} s, "
                      f"built {built:5.2f} s, drawn in Chromium {seen.drawn_ms / 1000:5.2f} s, "
                      f"{len(html) / 1e6:.1f} MB, errors {len(seen.console_errors)}, external {len(seen.external)}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
