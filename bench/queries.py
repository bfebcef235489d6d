"""Median latency of every named query on the embedded store, at generator scales.

    python bench/queries.py --scale 10 --scale 100 [--runs 5]

Each scale: generate a world (seed 1, noise 0.02), ingest it into a fresh embedded FalkorDB,
then run every named query `runs` times (after one warm-up) as of the world's date.
Goal: every query under 1 s median at scale 100 on 2 cores.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from jiandu.graph.connect import open_store
from jiandu.ingest.generator import AS_OF, generate
from jiandu.ingest.loader import ingest
from jiandu.queries.library import library, on_day, run_named


def _params(name: str, query, planted: dict) -> dict:
    params = on_day(query, AS_OF.isoformat())
    if name == "case_links":
        params["case_id"] = planted["case_links"][0]["cases"][0]
    if name == "leader_dossier":
        params["leader_id"] = planted["collapse_clusters"][0]["top_leader"]
    return params


def bench_scale(scale: float, runs: int, goal: float) -> dict[str, float]:
    work = Path(tempfile.mkdtemp(prefix="jiandu-qbench-"))
    try:
        meta = generate(work / "data", scale=scale, seed=1, noise=0.02)
        with open_store(f"falkordb+embedded://{work / 'db'}") as store:
            started = time.perf_counter()
            report = ingest(store, [work / "data"], rejects_dir=work / "rejects")
            print(f"scale {scale}: {report.nodes:,} nodes, {report.relationships:,} relationships "
                  f"loaded in {time.perf_counter() - started:.0f} s")
            medians = {}
            for name, query in library().items():
                params = _params(name, query, meta["planted"])
                result = run_named(name, store, **params)  # warm-up (plan cache)
                times = []
                for _ in range(runs):
                    t = time.perf_counter()
                    run_named(name, store, **params)
                    times.append(time.perf_counter() - t)
                medians[name] = statistics.median(times)
                flag = "" if medians[name] <= goal else "  ← over the goal"
                print(f"  {name:<24} median {medians[name] * 1000:9.1f} ms  ({len(result.rows):>6} rows){flag}")
            return medians
    finally:
        shutil.rmtree(work, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=float, action="append")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--goal", type=float, default=1.0, help="seconds")
    args = parser.parse_args()
    for scale in args.scale or [10, 100]:
        bench_scale(scale, args.runs, args.goal)


if __name__ == "__main__":
    main()
