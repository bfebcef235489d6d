"""How fast the ledger lists, with many items, on each engine side by side.

    python bench/ledger.py [--items 100000] [--runs 20] [--store falkordb,neo4j]

Builds a ledger of `items` items (about four entries each, every state of the loop, deadlines
spread over two years around the day asked about) at 2,000 units, ingests it into each engine
fresh, then times `Ledger.list` as `jiandu ledger list` calls it: the first page (50 rows) with
the counts by state and colour, unfiltered and with each filter, `runs` times after a warm-up.
Each case is timed right after a write (cold) and asked again (warm: the counts and the data's
day are remembered by the store until the next write). Also the whole `jiandu ledger list`
command once (it adds the Python start-up). Goal: every cold median under 100 ms on the
embedded store with 100,000 items.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from engines import names, running

from jiandu.graph.connect import open_store
from jiandu.graph.ontology import ONTOLOGY
from jiandu.ingest.loader import Records, ingest
from jiandu.ledger import Ledger

AS_OF = "2026-06-30"
UNITS = 2_000
PATHS = {"open": [], "assigned": ["assign"], "in_rectification": ["assign", "letter", "note"],
         "submitted": ["assign", "note", "submit"], "accepted": ["assign", "note", "submit", "accept"],
         "closed": ["assign", "note", "submit", "accept", "close"]}
CASES = {"default": {}, "overdue": {"overdue": True}, "colour 红": {"colour_name": "红"},
         "state in_rectification": {"state": "in_rectification"}, "unit": {"unit": "U00042"}}


def ledger_records(items: int, seed: int = 1) -> list[dict]:
    """Units, items, entries and their relationships, every entry a step the rules allow."""
    rng = random.Random(seed)
    rules = ONTOLOGY.ledger
    day0 = dt.date.fromisoformat(AS_OF)
    out: list[dict] = [{"label": "Unit", "id": f"U{u:05d}", "name": f"单位{u}", "kind": "部门"} for u in range(UNITS)]
    for n in range(items):
        item, unit = f"LB{n:07d}", f"U{rng.randrange(UNITS):05d}"
        opened = day0 - dt.timedelta(days=rng.randint(30, 720))
        deadline = opened + dt.timedelta(days=rng.choice((90, 180, 365)))
        out.append({"label": "LedgerItem", "id": item, "name": f"问题{n}", "origin": "日常监督",
                    "opened": opened.isoformat(), "deadline": deadline.isoformat()})
        out.append({"type": "RESPONSIBLE_UNIT", "from": item, "to": unit})
        state, day = None, opened
        for seq, step in enumerate(["open", *PATHS[rng.choice(list(PATHS))]], start=1):
            after = rules.steps[step].after(state)
            entry = f"{item}#{seq:04d}"
            out.append({"label": "LedgerEntry", "id": entry, "name": step, "seq": seq, "step": rules.steps[step].zh,
                        "date": min(day, day0).isoformat(), "actor": "bench", "to_state": after, "from_state": state,
                        "owner": "甲" if step == "assign" else None, "note": "进展" if step == "note" else None})
            out.append({"type": "ENTRY_OF", "from": entry, "to": item})
            state, day = after, day + dt.timedelta(days=rng.randint(3, 30))
    return out


def time_list(url: str, runs: int) -> dict[str, tuple[float, float, float, int]]:
    """Per case: the median seconds of a list right after a write (cold: the store's remembered
    counts and data day no longer hold), its p90, the median of a list asked again (warm), and
    the items the filters keep."""
    found = {}
    with open_store(url) as store:
        ledger = Ledger(store)
        for name, filters in [*CASES.items(), ("default, as_of from the data", {"as_of": None})]:
            given = {"as_of": AS_OF, **filters}
            listing = ledger.list(**given)  # warm-up: plans cached
            cold, warm = [], []
            for _ in range(runs):
                store.run("RETURN 1")  # a write as far as the version knows: what was remembered is stale
                t = time.perf_counter()
                ledger.list(**given)
                cold.append(time.perf_counter() - t)
                t = time.perf_counter()
                ledger.list(**given)
                warm.append(time.perf_counter() - t)
            found[name] = (statistics.median(cold), statistics.quantiles(cold, n=10, method="inclusive")[-1],
                           statistics.median(warm), listing.total)
    return found


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--items", type=int, default=100_000)
    ap.add_argument("--runs", type=int, default=20)
    ap.add_argument("--store", default="falkordb", help="falkordb, neo4j or both: falkordb,neo4j")
    args = ap.parse_args()
    engines = names(args.store)
    work = Path(tempfile.mkdtemp(prefix="jiandu-ledger-bench-"))
    try:
        started = time.perf_counter()
        records = ledger_records(args.items)
        print(f"{args.items:,} items, {len(records):,} records made in {time.perf_counter() - started:.1f} s")
        found, command = {}, {}
        for engine in engines:
            with running(engine, work) as e:
                with open_store(e.url) as store:
                    t = time.perf_counter()
                    report = ingest(store, [Records("bench", records)], rejects_dir=work / "rejects")
                    print(f"  {engine}: {report.nodes:,} nodes, {report.relationships:,} relationships in "
                          f"{time.perf_counter() - t:.0f} s, {report.rejected} rejected")
                found[engine] = time_list(e.url, args.runs)
                t = time.perf_counter()
                done = subprocess.run([sys.executable, "-m", "jiandu", "--store", e.url, "ledger", "list",
                                       "--as-of", AS_OF, "--json"], capture_output=True, timeout=600)
                command[engine] = (time.perf_counter() - t, done.returncode)
        head = "".join(f"{e + ' cold':>16}{'p90':>8}{'warm':>8}" for e in engines) + (
            "   ratio" if len(engines) == 2 else "")
        print(f"  {'ledger list (ms)':<32}{head}    items")
        for name in found[engines[0]]:
            cells = "".join(f"{found[e][name][0] * 1000:16.1f}{found[e][name][1] * 1000:8.1f}"
                            f"{found[e][name][2] * 1000:8.1f}" for e in engines)
            ratio = f"{found[engines[1]][name][0] / found[engines[0]][name][0]:8.2f}" if len(engines) == 2 else ""
            totals = "/".join(str(found[e][name][3]) for e in engines)
            flag = "" if found[engines[0]][name][0] <= 0.1 else "  ← over the goal"
            print(f"  {name:<32}{cells}{ratio}  {totals:>8}{flag}")
        for engine, (seconds, code) in command.items():
            print(f"  `jiandu ledger list --json` on {engine}, whole process: {seconds * 1000:.0f} ms (exit {code})")
        print(f"  goal: {engines[0]} cold median ≤ 100 ms with {args.items:,} items; cold = the first list after "
              "a write, warm = asked again (counts and the data's day remembered until the next write)"
              + (f"; ratio = {engines[1]} / {engines[0]} cold medians" if len(engines) == 2 else ""))
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
