"""Generated announcement lists (their truth known) and people resolved across sources: the
inferred places and ranks, the planted surges, the planted matches, the near misses that must
stay apart, masked names, explain-merge and the undo rule."""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
import subprocess
import sys

import pytest
from conftest import SAMPLES

from jiandu.ingest.announcements.parse import parse_row
from jiandu.ingest.announcements.position import unit_name
from jiandu.ingest.announcements.records import import_list
from jiandu.ingest.announcements.table import read_table
from jiandu.ingest.generator.announcements import LIST_FILE, TENURE_FILE, TRUTH_FILE, agreement, generate_announcements
from jiandu.ingest.loader import ingest
from jiandu.ingest.resolution import Rules, Span, period, span
from jiandu.ingest.text.places import gazetteer
from jiandu.queries.library import run_named


def test_the_generator_is_deterministic_and_messy(tmp_path):
    a = generate_announcements(tmp_path / "a", 600, seed=3)
    b = generate_announcements(tmp_path / "b", 600, seed=3)
    assert a == b
    for name in (LIST_FILE, TENURE_FILE):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()
    text = (tmp_path / "a" / LIST_FILE).read_text(encoding="utf-8")
    for messy in ("(女)", "某", "原", "时任", "曾任", "、", "，", "年", "."):
        assert messy in text, messy
    assert len(a["matches"]) >= 20 and {why for *_, why in a["apart"]} == {
        "another region", "another post", "another time", "masked name"}


def test_places_and_ranks_of_twenty_thousand_blank_rows_are_inferred(tmp_path):
    meta = generate_announcements(tmp_path, 20_000, seed=11, blank=True)
    gaz = gazetteer()
    rows = list(read_table(tmp_path / LIST_FILE))
    assert all(not (r.cells.get(k)) for r in rows for k in ("province", "prefecture", "county", "rank"))
    parsed = {row.number: parse_row(row, gaz) for row in rows}
    score = agreement(meta, parsed)
    share = {k: right / total for k, (right, total) in score.items()}
    assert share["province"] >= 0.95 and share["prefecture"] >= 0.90 and share["rank"] >= 0.85, share
    rejected = {n for n, a in parsed.items() if not hasattr(a, "province")}
    assert rejected == set(meta["rejects"])  # the rows planted without a name or position, and only those


@pytest.fixture
def imported(store, tmp_path):
    meta = generate_announcements(tmp_path / "gen", 2500, seed=5, blank=True)
    lists = import_list(store, tmp_path / "gen" / LIST_FILE, source="list.csv", rejects_dir=tmp_path / "rejects")
    tenures = import_list(store, tmp_path / "gen" / TENURE_FILE, source="tenures.csv",
                          rejects_dir=tmp_path / "rejects", tenures=True)
    return store, meta, lists, tenures


def _holders(store) -> dict[str, str]:
    """Source row → the Leader it landed on."""
    rows = store.run("MATCH (l:Leader) RETURN l.id, l.sources", read_only=True).rows
    return {row: lid for lid, sources in rows for row in sources or []}


def test_planted_matches_merge_and_near_misses_do_not(imported):
    store, meta, lists, tenures = imported
    assert lists.report.rejected == len(meta["rejects"]) and tenures.report.rejected == 0
    where = _holders(store)
    for a, t in meta["matches"]:
        assert where[f"list.csv#L{a}"] == where[f"tenures.csv#L{t}"], (a, t)
    for a, t, why in meta["apart"]:
        assert where[f"list.csv#L{a}"] != where[f"tenures.csv#L{t}"], (a, t, why)
    assert len(tenures.resolution.merged) == len(meta["matches"])
    masked = store.run("MATCH (l:Leader) WHERE l.masked = true RETURN l.id, l.sources, l.merges", read_only=True).rows
    assert masked and all(len(sources) == 1 and not merges for _, sources, merges in masked)
    merged = store.run("MATCH (l:Leader) WHERE size(coalesce(l.merges, [])) > 0 RETURN l.merges", read_only=True).rows
    assert len(merged) == len(meta["matches"])
    words = ("姓名 name", "地区 region", "职务 post", "∩")
    assert all(all(word in m for word in words) for (ms,) in merged for m in ms)


def test_planted_surges_rank_first(imported):
    store, meta, *_ = imported
    rows = run_named("case_surges", store, level="prefecture", period="year", min_cases=3).records()
    top = {(r["region"], r["period"]) for r in rows[:len(meta["surges"])]}
    assert top == {(s["region"], s["period"]) for s in meta["surges"]}
    first = rows[0]
    assert first["score"] == min(first["ratio"], first["peer_ratio"]) and str(first["cases"]) in first["why"]


def test_importing_again_and_in_the_other_order_gives_the_same_people(store, tmp_path):
    from conftest import snapshot

    generate_announcements(tmp_path / "gen", 800, seed=9)
    paths = {"list.csv": (tmp_path / "gen" / LIST_FILE, False), "tenures.csv": (tmp_path / "gen" / TENURE_FILE, True)}

    def load(order):
        for name in order:
            import_list(store, paths[name][0], source=name, rejects_dir=tmp_path / "rejects", tenures=paths[name][1])

    load(["tenures.csv", "list.csv"])
    tenures_first = {row: len(rows) for row, rows in _groups(store).items()}
    first = snapshot(store)
    load(["tenures.csv", "list.csv"])
    assert snapshot(store) == first
    store.clear()
    load(["list.csv", "tenures.csv"])
    assert {row: len(rows) for row, rows in _groups(store).items()} == tenures_first


def _groups(store) -> dict[str, frozenset[str]]:
    """Each source row → the set of rows on the same person."""
    rows = store.run("MATCH (l:Leader) RETURN l.sources", read_only=True).rows
    return {row: frozenset(sources) for (sources,) in rows for row in sources}


def test_a_tenure_list_merges_with_structured_records(store, tmp_path):
    ingest(store, [SAMPLES], rejects_dir=tmp_path / "rejects")
    units = {r["id"]: r for r in csv.DictReader((SAMPLES / "Unit.csv").open(encoding="utf-8"))}
    regions = {r["id"]: r for r in csv.DictReader((SAMPLES / "Region.csv").open(encoding="utf-8"))}
    leaders = {r["id"]: r for r in csv.DictReader((SAMPLES / "Leader.csv").open(encoding="utf-8"))}
    post = next(h for h in csv.DictReader((SAMPLES / "HOLDS_POST.csv").open(encoding="utf-8"))
                if h["to"] in units and units[h["to"]]["aliases"] and h["start"] and "、" not in h["title"])
    unit, leader = units[post["to"]], leaders[post["from"]]
    other = next(u for u in units.values() if u["aliases"] and u["region"] != unit["region"])

    def chain(rid: str) -> str:
        return (chain(regions[rid]["parent"]) if regions[rid]["parent"] else "") + regions[rid]["name"]

    start = dt.date.fromisoformat(post["start"])
    path = tmp_path / "tenures.csv"
    month = f"{start.year}-{start.month:02d}"
    path.write_text("name,post,unit,region,start,end\n"
                    f"{leader['name']},{post['title']},{unit['aliases'].split('|')[0]},{chain(unit['region'])},{month},\n"
                    f"{leader['name']},{post['title']},{other['aliases'].split('|')[0]},{chain(other['region'])},{month},\n",
                    encoding="utf-8")
    done = import_list(store, path, source="tenures.csv", rejects_dir=tmp_path / "rejects", tenures=True)
    assert done.resolution.merged == {next(iter(done.resolution.merged)): leader["id"]}
    where = _holders(store)
    assert where["tenures.csv#L2"] == leader["id"] and where["tenures.csv#L3"] != leader["id"]


def _jiandu(*args, cwd):
    return subprocess.run([sys.executable, "-m", "jiandu", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=300, env={**os.environ, "JIANDU_STORE": ""})


def test_explain_merge_and_the_undo_rule_through_the_cli(tmp_path):
    assert _jiandu("generate", "--announcements", "600", "--seed", "4", "--out", "gen", cwd=tmp_path).returncode == 0
    meta = json.loads((tmp_path / "gen" / TRUTH_FILE).read_text(encoding="utf-8"))
    assert _jiandu("announcements", "import", "gen/announcements.csv", "--source", "list.csv",
                   cwd=tmp_path).returncode == (2 if meta["rejects"] else 0)  # 2: rows were rejected
    done = _jiandu("tenures", "import", "gen/tenures.csv", "--source", "tenures.csv", cwd=tmp_path)
    assert done.returncode == 0 and f"merged with people already in the graph): {len(meta['matches'])}" in done.stdout
    a, t = meta["matches"][0]
    why = _jiandu("explain-merge", f"tenures.csv#L{t}", cwd=tmp_path)
    assert why.returncode == 0 and f"list.csv#L{a}" in why.stdout and "姓名 name" in why.stdout
    rule = next(line.split("'")[1] for line in why.stdout.splitlines() if "apart " in line)
    person = rule.split()[1]
    (tmp_path / ".jiandu" / "merge-rules.txt").write_text(f"# checked by hand\n{rule}  # two people\n",
                                                         encoding="utf-8")
    again = _jiandu("tenures", "import", "gen/tenures.csv", "--source", "tenures.csv", cwd=tmp_path)
    assert again.returncode == 0 and "撤销 undone: 1" in again.stdout
    apart = _jiandu("explain-merge", person, cwd=tmp_path)
    assert f"tenures.csv#L{t}" not in apart.stdout and f"list.csv#L{a}" in apart.stdout
    other = _jiandu("explain-merge", f"tenures.csv#L{t}", cwd=tmp_path)
    assert person not in other.stdout and "未与其他来源合并" in other.stdout
    (tmp_path / ".jiandu" / "merge-rules.txt").write_text("apart only-two-words\n", encoding="utf-8")
    bad = _jiandu("tenures", "import", "gen/tenures.csv", "--source", "tenures.csv", cwd=tmp_path)
    assert bad.returncode == 2 and "merge-rules.txt:1" in bad.stderr and "Traceback" not in bad.stderr
    assert _jiandu("explain-merge", "L-NOPE", cwd=tmp_path).returncode == 2


def test_tenure_rows_that_cannot_be_used_are_rejected_with_the_field(store, tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("姓名,职务,单位,地区,任职开始,任职结束\n"
                    "周立新,局长,衡南县财政局,湖南省衡阳市衡南县,2015-03,2019\n"
                    ",局长,衡南县财政局,湖南省衡阳市衡南县,2015,\n"
                    "李四,,衡南县财政局,湖南省衡阳市衡南县,2015,\n"
                    "王五,局长,衡南县财政局,湖南省衡阳市衡南县,去年,\n", encoding="utf-8")
    done = import_list(store, path, source="t.csv", rejects_dir=tmp_path / "rejects", tenures=True)
    assert [(r.line, r.field) for r in done.report.first_rejects] == [(3, "name"), (4, "post"), (5, "start")]
    kept = [json.loads(line) for line in done.report.rejects_path.read_text(encoding="utf-8").splitlines()]
    assert len(kept) == 3
    landed = store.run("MATCH (l:Leader)-[h:HOLDS_POST]->(u:Unit) RETURN l.name, toString(h.start), u.name",
                       read_only=True).rows
    assert landed == [["周立新", "2015-03-01", "衡阳市衡南县财政局"]]


@pytest.mark.parametrize("written, formal", [
    ("衡阳市委", "中共衡阳市委员会"), ("中共衡阳市委员会", "中共衡阳市委员会"),
    ("衡南县财政局", "衡阳市衡南县财政局"), ("湖南省衡阳市衡南县财政局", "衡阳市衡南县财政局"),
    ("衡阳市政府", "衡阳市人民政府"), ("衡阳市", "衡阳市人民政府"),
    ("衡阳市政协", "中国人民政治协商会议衡阳市委员会"),
    ("中国人民政治协商会议衡阳市委员会", "中国人民政治协商会议衡阳市委员会"),
    ("衡阳市人大常委会", "衡阳市人民代表大会常务委员会"), ("某县财政局", "某县财政局"),
])
def test_one_name_for_a_unit_however_it_is_written(written, formal):
    assert unit_name(written, gazetteer()) == formal


def test_spans_read_partial_dates_as_whole_periods():
    assert period("2014") == (dt.date(2014, 1, 1), dt.date(2014, 12, 31))
    assert period("2014-02") == (dt.date(2014, 2, 1), dt.date(2014, 2, 28))
    assert period(dt.date(2014, 3, 1), stored=True) == (dt.date(2014, 3, 1), dt.date(2014, 3, 31))
    assert period(dt.date(2014, 3, 2), stored=True) == (dt.date(2014, 3, 2), dt.date(2014, 3, 2))
    held = span("2010-05", "2014")
    assert held.overlaps(span(announced="2014-11")) and not held.overlaps(span(announced="2015-01"))
    assert held.overlaps(span(announced="2020", former=True))  # a former post: held some time before
    assert not span("2016-03").overlaps(span(announced="2015-12"))
    assert span() is None and isinstance(held, Span)


def test_rules_keep_comments_apart_from_rows(tmp_path):
    path = tmp_path / "rules.txt"
    path.write_text("# a comment\n\napart L1 list.csv#L12  # same name, not the same man\n", encoding="utf-8")
    rules = Rules.read(path)
    assert rules.pairs == {("L1", "list.csv#L12")}
    assert rules.forbids("L1", ["list.csv#L12"]) == "list.csv#L12" and rules.forbids("L2", ["list.csv#L12"]) is None
    assert Rules.read(tmp_path / "missing.txt").pairs == set()
    path.write_text("merge L1 L2\n", encoding="utf-8")
    with pytest.raises(ValueError, match="rules.txt:1"):
        Rules.read(path)
