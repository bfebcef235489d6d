"""Ingest benchmark: our end-to-end rate against the engine's bare UNWIND … CREATE on the same rows.

    python bench/ingest.py --scale 10
    python bench/ingest.py --scale 100 --skip-raw     # peak memory at 1M nodes / ~5M relationships

Each phase runs in a child process on a fresh embedded FalkorDB, so its peak memory is its own.
Prints items per second for both, their ratio, and peak memory (our process and the server).
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


def _server_peak(store) -> int:
    return int(store.db.connection.info("memory")["used_memory_peak"])


def phase_ours(data: Path, db: Path, batch: int) -> dict:
    from jiandu.ingest.loader import ingest

    with open_store(f"falkordb+embedded://{db}") as store:
        started = time.perf_counter()
        report = ingest(store, [data], rejects_dir=db / "rejects", batch_size=batch)
        seconds = time.perf_counter() - started
        peak = _server_peak(store)
    return {"items": report.nodes + report.relationships, "rejected": report.rejected, "seconds": seconds,
            "server_peak": peak}


def _rows(path: Path):
    with path.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            yield {k: v for k, v in row.items() if v != ""}


def phase_raw(data: Path, db: Path, batch: int) -> dict:
    """The same rows, as the engine's fastest path: bare CREATE, only the id index for endpoint lookups."""
    with open_store(f"falkordb+embedded://{db}") as store:
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
        peak = _server_peak(store)
    return {"items": items, "seconds": seconds, "server_peak": peak}


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


def _child(phase: str, data: Path, db: Path, batch: int) -> dict:
    done = subprocess.run([sys.executable, __file__, "--phase", phase, "--data", str(data), "--db", str(db),
                           "--batch-size", str(batch)], capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=float, default=10)
    parser.add_argument("--batch-size", type=int, default=5000)
    parser.add_argument("--skip-raw", action="store_true")
    parser.add_argument("--phase", choices=["ours", "raw"])
    parser.add_argument("--data", type=Path)
    parser.add_argument("--db", type=Path)
    args = parser.parse_args()

    if args.phase:  # inside a child process
        result = (phase_ours if args.phase == "ours" else phase_raw)(args.data, args.db, args.batch_size)
        result["peak_rss"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
        print(json.dumps(result))
        return

    from jiandu.ingest.generator import generate

    work = Path(tempfile.mkdtemp(prefix="jiandu-bench-"))
    try:
        started = time.perf_counter()
        meta = generate(work / "data", scale=args.scale, seed=1, noise=0.02)
        rows = sum(meta["counts"].values())
        print(f"generated scale {args.scale}: {rows:,} rows in {time.perf_counter() - started:.1f} s")
        ours = _child("ours", work / "data", work / "ours", args.batch_size)
        mib = 1 << 20
        rate = ours["items"] / ours["seconds"]
        print(f"ours : {ours['items']:>10,} items in {ours['seconds']:7.1f} s = {rate:>9,.0f} items/s; "
              f"peak memory: ours {ours['peak_rss'] / mib:,.0f} MiB, server {ours['server_peak'] / mib:,.0f} MiB; "
              f"rejected {ours['rejected']}")
        if not args.skip_raw:
            raw = _child("raw", work / "data", work / "raw", args.batch_size)
            raw_rate = raw["items"] / raw["seconds"]
            print(f"raw  : {raw['items']:>10,} items in {raw['seconds']:7.1f} s = {raw_rate:>9,.0f} items/s; "
                  f"peak memory: client {raw['peak_rss'] / mib:,.0f} MiB, server {raw['server_peak'] / mib:,.0f} MiB")
            ratio = rate / raw_rate
            print(f"ratio: ours / raw = {ratio:.0%} (goal ≥ 40%)")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
