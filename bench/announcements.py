"""Reading and importing an announcement list of N rows, with its place and rank columns blank.

    python bench/announcements.py [--rows 20000]

The rows are built from the package's gazetteer: a random county or city, one of its bodies or
departments, a title, 原 sometimes, a date and a reason; the place chain each row was built from
is the truth the inferred columns are compared with. Prints rows per second for parsing and for
importing into a fresh embedded FalkorDB, and the share of rows whose inferred province and
prefecture agree with the truth. Goals: 20,000 rows parse in ≤ 5 s and import in ≤ 30 s.
"""

from __future__ import annotations

import argparse
import csv
import random
import shutil
import tempfile
import time
from pathlib import Path

from jiandu.graph.connect import open_store
from jiandu.ingest.announcements.parse import Announcement, parse_row
from jiandu.ingest.announcements.records import import_list
from jiandu.ingest.announcements.table import read_table
from jiandu.ingest.text.places import gazetteer

BODIES = [("委", ["书记", "副书记", "常委"]), ("人民政府", ["{head}", "副{head}", "常务副{head}"]),
          ("人大常委会", ["主任", "副主任"]), ("政协", ["主席", "副主席"]), ("财政局", ["局长", "副局长"]),
          ("交通运输局", ["党组书记、局长", "副局长"]), ("自然资源局", ["局长"]), ("卫生健康委员会", ["主任"])]
REASONS = ["涉嫌严重违纪违法，目前正接受纪律审查和监察调查", "受到开除党籍、开除公职处分", "受到党内严重警告处分"]


def build(path: Path, rows: int, seed: int = 1) -> list[tuple[str, str | None]]:
    gaz = gazetteer()
    places = [p for ps in gaz.by_name.values() for p in ps if p.level in ("市", "县")]
    rng = random.Random(seed)
    truth = []
    with open(path, "w", encoding="utf-8", newline="") as fh:
        out = csv.writer(fh)
        out.writerow(["姓名", "省份", "地市", "职务", "事由", "日期"])
        for i in range(rows):
            place = rng.choice(places)
            body, titles = rng.choice(BODIES)
            head = {"市": "市长", "县": "县长" if place.name.endswith("县") else "区长"}[place.level]
            title = rng.choice(titles).format(head=head)
            written = (place.chain()[0].name if rng.random() < 0.3 else "") + place.qualified()
            out.writerow([f"甲{i}", "", "", f"{written}{body}{'原' if rng.random() < 0.4 else ''}{title}",
                          rng.choice(REASONS), f"{rng.randint(2013, 2024)}.{rng.randint(1, 12)}"])
            city = place.ancestor("市")
            truth.append((place.chain()[0].name, city.name if city and city is not place.chain()[0] else None))
    return truth


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rows", type=int, default=20_000)
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="jiandu-abench-"))
    try:
        path = work / "list.csv"
        truth = build(path, args.rows)
        gaz = gazetteer()
        started = time.perf_counter()
        parsed = [parse_row(row, gaz) for row in read_table(path)]
        parse_s = time.perf_counter() - started
        good = [(a, t) for a, t in zip(parsed, truth, strict=True) if isinstance(a, Announcement)]
        province = sum(a.province == t[0] for a, t in good) / len(truth)
        with_city = [(a, t) for a, t in good if t[1]]
        prefecture = sum(a.prefecture == t[1] for a, t in with_city) / max(len(with_city), 1)
        with open_store(f"falkordb+embedded://{work / 'fdb'}") as store:
            started = time.perf_counter()
            report = import_list(store, path, source="list.csv", rejects_dir=work / "rejects")
            import_s = time.perf_counter() - started
        print(f"rows {args.rows:,}: parse {parse_s:.2f} s ({args.rows / parse_s:,.0f} rows/s, goal ≤ 5 s); "
              f"import {import_s:.2f} s ({args.rows / import_s:,.0f} rows/s, goal ≤ 30 s); "
              f"{report.nodes:,} nodes, {report.relationships:,} relationships, {report.rejected} rejected")
        print(f"inferred province agrees on {province:.1%} of rows; prefecture on {prefecture:.1%} of rows "
              "whose truth has one")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
