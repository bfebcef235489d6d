"""Reading, inferring and importing a generated announcement list, its place and rank cells blank.

    python bench/announcements.py [--rows 20000] [--seed 1]

`jiandu generate --announcements N --blank` makes the list and its tenure list, with the truth
beside them (the place chain and rank each row was built from, the planted surges and matches).
Prints, measured in one run: parse time and rows per second, import time of both lists into a
fresh embedded FalkorDB, the share of rows whose inferred province, prefecture and rank agree
with the truth, the planted matches merged and the near misses kept apart, and where the planted
surges rank in case_surges. Goals: 20,000 rows parse in ≤ 5 s and import in ≤ 30 s; province
≥ 95%, prefecture ≥ 90%, rank ≥ 85%.
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from pathlib import Path

from jiandu.graph.connect import open_store
from jiandu.ingest.announcements.parse import parse_row
from jiandu.ingest.announcements.records import import_list
from jiandu.ingest.announcements.table import read_table
from jiandu.ingest.generator.announcements import LIST_FILE, TENURE_FILE, agreement, generate_announcements
from jiandu.ingest.text.places import gazetteer
from jiandu.queries.library import run_named


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rows", type=int, default=20_000)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="jiandu-abench-"))
    try:
        meta = generate_announcements(work / "gen", args.rows, seed=args.seed, blank=True)
        gaz = gazetteer()
        started = time.perf_counter()
        parsed = {row.number: parse_row(row, gaz) for row in read_table(work / "gen" / LIST_FILE)}
        parse_s = time.perf_counter() - started
        score = agreement(meta, parsed)
        with open_store(f"falkordb+embedded://{work / 'fdb'}") as store:
            started = time.perf_counter()
            listed = import_list(store, work / "gen" / LIST_FILE, source="list.csv", rejects_dir=work / "rejects")
            import_s = time.perf_counter() - started
            started = time.perf_counter()
            tenures = import_list(store, work / "gen" / TENURE_FILE, source="tenures.csv",
                                  rejects_dir=work / "rejects", tenures=True)
            tenure_s = time.perf_counter() - started
            holders = {row: lid for lid, sources in store.run("MATCH (l:Leader) RETURN l.id, l.sources").rows
                       for row in sources or []}
            surges = run_named("case_surges", store, level="市", period="year", min_cases=3).records()
        report = listed.report
        print(f"rows {args.rows:,}: parse {parse_s:.2f} s ({args.rows / parse_s:,.0f} rows/s, goal ≤ 5 s); "
              f"import {import_s:.2f} s ({args.rows / import_s:,.0f} rows/s, goal ≤ 30 s); "
              f"{report.nodes:,} nodes, {report.relationships:,} relationships, {report.rejected} rejected "
              f"({len(meta['rejects'])} planted)")
        for key, goal in (("province", 0.95), ("prefecture", 0.90), ("rank", 0.85)):
            right, total = score[key]
            print(f"inferred {key} agrees on {right:,} of {total:,} rows = {right / total:.2%} (goal ≥ {goal:.0%})")
        same = lambda a, t: holders.get(f"list.csv#L{a}") == holders.get(f"tenures.csv#L{t}")  # noqa: E731
        merged = sum(same(a, t) for a, t in meta["matches"])
        wrong = sum(same(a, t) for a, t, _ in meta["apart"])
        print(f"tenure list ({tenure_s:.2f} s): planted matches merged {merged} of {len(meta['matches'])}; "
              f"near misses merged {wrong} of {len(meta['apart'])}; ambiguous {len(tenures.resolution.ambiguous)}")
        ranks = {(r["region"], r["period"]): i + 1 for i, r in enumerate(surges)}
        print("planted surges (prefecture, year) rank in case_surges: " + ", ".join(
            f"{s['region']} {s['period']} #{ranks.get((s['region'], s['period']), '—')}" for s in meta["surges"])
            + f"; the next score: {surges[len(meta['surges'])]['score'] if len(surges) > len(meta['surges']) else '—'}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
