"""Latency of every named query, at generator scales, on each engine side by side.

    python bench/queries.py --scale 10 --scale 100 [--runs 10] [--store falkordb,neo4j]

Each scale: generate a world (seed 1, noise 0.02), ingest it into each engine fresh, then run
every named query `runs` times (after one warm-up) as of the world's date. The table gives each
engine's median and 90th percentile, and the ratio of the medians, measured in one run. The
embedded store is measured twice: straight after the ingest, in the server that wrote it (as the
API sees it after an ingest), and again after its server restarted on the same files (as every
`jiandu query` after a `jiandu ingest` sees it: the CLI's server stops with the command). A
freshly written graph answers 20–30% slower; forcing FalkorDB's pending matrix changes through
does not change that, and no background rewrite runs then (docs/performance.md).
Goals (embedded store, 2 cores): every median under 100 ms at scale 10 and under 1 s at scale 100.
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


REOPENED = "reopened"  # the embedded store's column after its server restarted on the same files


def p90(times: list[float]) -> float:
    """The 90th percentile (inclusive method: within the measured range)."""
    return statistics.quantiles(times, n=10, method="inclusive")[-1] if len(times) > 1 else times[0]


def timings_on(url: str, data: Path | None, planted: dict, runs: int
               ) -> tuple[dict[str, tuple[float, float]], dict[str, int]]:
    """Ingest `data` (unless None: the store holds it already) into the store at `url`, then each
    query's (median, p90) seconds and row count."""
    with open_store(url) as store:
        if data is not None:
            started = time.perf_counter()
            report = ingest(store, [data], rejects_dir=data.parent / f"rejects-{store.backend}")
            print(f"  {store.backend}: {report.nodes:,} nodes, {report.relationships:,} relationships "
                  f"loaded in {time.perf_counter() - started:.0f} s")
        timings, rows = {}, {}
        for name, query in library().items():
            params = _params(name, query, planted)
            rows[name] = len(run_named(name, store, **params).rows)  # warm-up (plan cache)
            times = []
            for _ in range(runs):
                t = time.perf_counter()
                run_named(name, store, **params)
                times.append(time.perf_counter() - t)
            timings[name] = (statistics.median(times), p90(times))
    return timings, rows


def bench_scale(scale: float, runs: int, goal: float, engines: list[str]) -> dict[str, dict[str, tuple[float, float]]]:
    work = Path(tempfile.mkdtemp(prefix="jiandu-qbench-"))
    try:
        meta = generate(work / "data", scale=scale, seed=1, noise=0.02)
        print(f"scale {scale}:")
        found, counted = {}, {}
        for engine in engines:
            with running(engine, work) as e:
                found[engine], counted[engine] = timings_on(e.url, work / "data", meta["planted"], runs)
            if engine == "falkordb":  # the same files, served again by a new server (as `jiandu query` sees them)
                with running(engine, work) as e:
                    found[REOPENED], counted[REOPENED] = timings_on(e.url, None, meta["planted"], runs)
        columns = [c for e in engines for c in ([e, REOPENED] if e == "falkordb" else [e])]
        head = "".join(f"{c + ' median':>18}{'p90':>9}" for c in columns) + ("   ratio" if len(engines) == 2 else "")
        print(f"  {'query (ms)':<24}{head}      rows")
        for name in library():
            cells = "".join(f"{found[c][name][0] * 1000:18.1f}{found[c][name][1] * 1000:9.1f}" for c in columns)
            ratio = f"{found[engines[1]][name][0] / found[engines[0]][name][0]:8.2f}" if len(engines) == 2 else ""
            rows = "/".join(str(counted[c][name]) for c in columns)
            over = [c for c in columns[:2] if c in (engines[0], REOPENED) and found[c][name][0] > goal]
            flag = f"  ← over the goal ({', '.join(over)})" if over else ""
            print(f"  {name:<24}{cells}{ratio}  {rows:>8}{flag}")
        print(f"  goal: {engines[0]} median ≤ {goal * 1000:.0f} ms"
              + (f"; ratio = {engines[1]} / {engines[0]} medians (fresh); rows must agree" if len(engines) == 2 else "")
              + (f"; {REOPENED}: the same store after a restart of its server" if "falkordb" in engines else ""))
        return found
    finally:
        shutil.rmtree(work, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=float, action="append")
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--goal", type=float, default=None,
                        help="seconds (default: 0.1 at scale 10 or less, else 1.0)")
    parser.add_argument("--store", default="falkordb", help="engines, comma-separated: falkordb,neo4j")
    args = parser.parse_args()
    for scale in args.scale or [10, 100]:
        goal = args.goal if args.goal is not None else (0.1 if scale <= 10 else 1.0)
        bench_scale(scale, args.runs, goal, names(args.store))


if __name__ == "__main__":
    main()
