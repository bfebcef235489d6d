"""Ingest benchmark: our end-to-end rate on each engine, and against FalkorDB's bare UNWIND … CREATE
on the same rows.

    python bench/ingest.py --scale 10 --store falkordb,neo4j
    python bench/ingest.py --scale 100 --skip-raw --rounds 1   # peak memory at 1M nodes / ~5M relationships

Each phase runs in a child process on a fresh store, so its peak memory is its own; the server's
peak is read from /proc. Each phase runs `--rounds` times, ours and raw alternating, and the fastest
of each counts: this host's speed drifts by a third from one minute to the next. Prints items per
second, peak memory of our process and of the database server, and the ratios, all from one run.
"""

from __future__ import annotations

import argparse
import csv
import json
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from jiandu.graph.connect import open_store
from jiandu.graph.ontology import ONTOLOGY


def phase_ours(data: Path, url: str, batch: int) -> dict:
    from jiandu.ingest.loader import ingest

    with open_store(url) as store:
        started = time.perf_counter()
        report = ingest(store, [data], rejects_dir=data.parent / f"rejects-{store.backend}", batch_size=batch)
        seconds = time.perf_counter() - started
    return {"items": report.nodes + report.relationships, "rejected": report.rejected, "seconds": seconds}


def _rows(path: Path):
    with path.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            yield {k: v for k, v in row.items() if v != ""}


def phase_raw(data: Path, url: str, batch: int) -> dict:
    """The same rows, as the engine's fastest path: bare CREATE, only the id index for endpoint lookups."""
    with open_store(url) as store:
        for label in ONTOLOGY.nodes:
            store.run(f"CREATE INDEX FOR (n:{label}) ON (n.id)")
        items = 0
        started = time.perf_counter()
        for label in ONTOLOGY.nodes:
            path = data / f"{label}.csv"
            if path.exists():
                items += _send(store, f"UNWIND $rows AS row CREATE (n:{label}) SET n = row", _rows(path), batch)
        for rtype, rel in ONTOLOGY.relationships.items():
            path = data / f"{rtype}.csv"
            if not path.exists():
                continue
            groups: dict[tuple[str, str], list] = {}
            for row in _rows(path):
                key = (row.pop("from_label", rel.sources[0]), row.pop("to_label", rel.targets[0]))
                groups.setdefault(key, []).append(row)
                if len(groups[key]) >= batch:
                    items += _send_rel(store, rtype, key, groups.pop(key))
            for key, rows in groups.items():
                items += _send_rel(store, rtype, key, rows)
        seconds = time.perf_counter() - started
    return {"items": items, "seconds": seconds}


def _send(store, cypher: str, rows, batch: int) -> int:
    buf, n = [], 0
    for row in rows:
        buf.append(row)
        if len(buf) >= batch:
            store.run(cypher, {"rows": buf})
            n, buf = n + len(buf), []
    if buf:
        store.run(cypher, {"rows": buf})
        n += len(buf)
    return n


def _send_rel(store, rtype: str, ends: tuple[str, str], rows: list) -> int:
    source, target = ends
    for row in rows:
        row["a"], row["b"] = row.pop("from"), row.pop("to")
    cypher = (f"UNWIND $rows AS row MATCH (a:{source} {{id: row.a}}) MATCH (b:{target} {{id: row.b}}) "
              f"CREATE (a)-[r:{rtype}]->(b) SET r = row")
    store.run(cypher, {"rows": rows})
    return len(rows)


def _child(phase: str, data: Path, url: str, batch: int) -> dict:
    done = subprocess.run([sys.executable, __file__, "--phase", phase, "--data", str(data), "--url", url,
                           "--batch-size", str(batch)], capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def _measured(engine: str, folder: Path, phase: str, work: Path, args: argparse.Namespace) -> dict:
    """One phase on a fresh `engine` in `folder`, with the server's peak memory."""
    from engines import running

    with running(engine, folder) as running_engine:
        result = _child(phase, work / "data", running_engine.url, args.batch_size)
        result["server_peak"] = running_engine.peak_rss()
    return result


def _fastest(runs: list[dict]) -> dict:
    return min(runs, key=lambda r: r["seconds"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=float, default=10)
    parser.add_argument("--batch-size", type=int, default=5000)
    parser.add_argument("--store", default="falkordb", help="engines, comma-separated: falkordb,neo4j")
    parser.add_argument("--skip-raw", action="store_true")
    parser.add_argument("--rounds", type=int, default=2, help="runs of each phase; the fastest counts")
    parser.add_argument("--phase", choices=["ours", "raw"])
    parser.add_argument("--data", type=Path)
    parser.add_argument("--url")
    args = parser.parse_args()

    if args.phase:  # inside a child process
        result = (phase_ours if args.phase == "ours" else phase_raw)(args.data, args.url, args.batch_size)
        result["peak_rss"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
        print(json.dumps(result))
        return

    from engines import names

    from jiandu.ingest.generator import generate

    work = Path(tempfile.mkdtemp(prefix="jiandu-bench-"))
    mib = 1 << 20
    try:
        started = time.perf_counter()
        meta = generate(work / "data", scale=args.scale, seed=1, noise=0.02)
        rows = sum(meta["counts"].values())
        print(f"generated scale {args.scale}: {rows:,} rows in {time.perf_counter() - started:.1f} s")
        results = {}
        for engine in names(args.store):
            rounds: dict[str, list[dict]] = {"ours": [], "raw": []}
            for n in range(args.rounds):  # alternated, so that both see the same drift of the host's speed
                rounds["ours"].append(_measured(engine, work / f"{engine}-{n}", "ours", work, args))
                if engine == "falkordb" and not args.skip_raw:
                    rounds["raw"].append(_measured(engine, work / f"raw-{n}", "raw", work, args))
            ours = results[engine] = _fastest(rounds["ours"])
            if rounds["raw"]:
                results["raw"] = _fastest(rounds["raw"])
            rate = ours["items"] / ours["seconds"]
            print(f"{engine:<9}: {ours['items']:>10,} items in {ours['seconds']:7.1f} s = {rate:>9,.0f} items/s; "
                  f"peak memory: ours {ours['peak_rss'] / mib:,.0f} MiB, server {ours['server_peak'] / mib:,.0f} "
                  f"MiB; rejected {ours['rejected']}")
        if "neo4j" in results and "falkordb" in results:
            f, n = results["falkordb"], results["neo4j"]
            speed = (n["items"] / n["seconds"]) / (f["items"] / f["seconds"])
            print(f"ratio neo4j / falkordb: ingest rate {speed:.2f}, "
                  f"server peak memory {n['server_peak'] / f['server_peak']:.2f}, "
                  f"our process {n['peak_rss'] / f['peak_rss']:.2f}")
        if "raw" in results:
            raw, ours = results["raw"], results["falkordb"]
            raw_rate = raw["items"] / raw["seconds"]
            print(f"raw      : {raw['items']:>10,} items in {raw['seconds']:7.1f} s = {raw_rate:>9,.0f} items/s; "
                  f"peak memory: client {raw['peak_rss'] / mib:,.0f} MiB, server {raw['server_peak'] / mib:,.0f} MiB")
            print(f"ratio: ours / raw (falkordb) = {ours['items'] / ours['seconds'] / raw_rate:.0%} (goal ≥ 40%)")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
