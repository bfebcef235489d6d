"""Median latency of every named query, at generator scales, on each engine side by side.

    python bench/queries.py --scale 10 --scale 100 [--runs 5] [--store falkordb,neo4j]

Each scale: generate a world (seed 1, noise 0.02), ingest it into each engine fresh, then run
every named query `runs` times (after one warm-up) as of the world's date. With two engines,
the table gives both medians and their ratio, measured in one run.
Goal: every query under 1 s median at scale 100 on 2 cores.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from engines import names, running

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


def medians_on(url: str, data: Path, planted: dict, runs: int) -> tuple[dict[str, float], dict[str, int]]:
    """Ingest `data` into the store at `url`, then each query's median seconds and row count."""
    with open_store(url) as store:
        started = time.perf_counter()
        report = ingest(store, [data], rejects_dir=data.parent / f"rejects-{store.backend}")
        print(f"  {store.backend}: {report.nodes:,} nodes, {report.relationships:,} relationships "
              f"loaded in {time.perf_counter() - started:.0f} s")
        medians, rows = {}, {}
        for name, query in library().items():
            params = _params(name, query, planted)
            rows[name] = len(run_named(name, store, **params).rows)  # warm-up (plan cache)
            times = []
            for _ in range(runs):
                t = time.perf_counter()
                run_named(name, store, **params)
                times.append(time.perf_counter() - t)
            medians[name] = statistics.median(times)
    return medians, rows


def bench_scale(scale: float, runs: int, goal: float, engines: list[str]) -> dict[str, dict[str, float]]:
    work = Path(tempfile.mkdtemp(prefix="jiandu-qbench-"))
    try:
        meta = generate(work / "data", scale=scale, seed=1, noise=0.02)
        print(f"scale {scale}:")
        found, counted = {}, {}
        for engine in engines:
            with running(engine, work) as e:
                found[engine], counted[engine] = medians_on(e.url, work / "data", meta["planted"], runs)
        head = "".join(f"{e + ' ms':>14}" for e in engines) + ("   ratio" if len(engines) == 2 else "")
        print(f"  {'query':<24}{head}      rows")
        for name in library():
            cells = "".join(f"{found[e][name] * 1000:14.1f}" for e in engines)
            ratio = f"{found[engines[1]][name] / found[engines[0]][name]:8.2f}" if len(engines) == 2 else ""
            rows = "/".join(str(counted[e][name]) for e in engines)
            flag = "" if all(found[e][name] <= goal for e in engines) else "  ← over the goal"
            print(f"  {name:<24}{cells}{ratio}  {rows:>8}{flag}")
        if len(engines) == 2:
            print(f"  ratio = {engines[1]} / {engines[0]}; rows must agree")
        return found
    finally:
        shutil.rmtree(work, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=float, action="append")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--goal", type=float, default=1.0, help="seconds")
    parser.add_argument("--store", default="falkordb", help="engines, comma-separated: falkordb,neo4j")
    args = parser.parse_args()
    for scale in args.scale or [10, 100]:
        bench_scale(scale, args.runs, args.goal, names(args.store))


if __name__ == "__main__":
    main()
