"""The named query library: planted patterns found exactly, engines agree with networkx, bad
parameters are refused clearly."""

from __future__ import annotations

import dataclasses
import json
import random
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
import reference
from conftest import ROOT, SAMPLES
from random_graphs import write_random_graph

from jiandu.ingest.generator import generate
from jiandu.ingest.loader import ingest
from jiandu.queries import planted
from jiandu.queries.library import QueryError, library, run_named

META = json.loads((SAMPLES / "_planted.json").read_text(encoding="utf-8"))


@pytest.fixture
def sample(store, tmp_path):
    """The sample world, on each backend (Neo4j when NEO4J_URI is set)."""
    ingest(store, [SAMPLES], rejects_dir=tmp_path / "rejects")
    return store


def test_every_query_is_documented():
    for q in library().values():
        assert q.zh and q.en and q.title, q.name
        assert q.columns and all(q.columns.values()), q.name
        assert all(p.doc for p in q.params.values()), q.name
        assert "EXISTS {" not in q.cypher and "COUNT {" not in q.cypher, "not portable to FalkorDB"
        assert "datetime(" not in q.cypher and "duration(" not in q.cypher, "date arithmetic belongs in Python"


def test_every_planted_pattern_is_found_exactly(sample):
    report = planted.check(sample, META["planted"], META["as_of"])
    assert {query for query, *_ in report} >= {
        "collapse_clusters", "sector_clusters", "same_level_gaps", "superior_gaps", "audit_gaps", "clue_backlog",
        "overdue_rectification", "case_clusters", "case_links"}
    for query, ok, found, expected in report:
        assert ok, f"{query}: found {found}, planted {expected}"


def test_collapse_flags_the_top_leader_and_subtree_widens_the_view(sample):
    entry = META["planted"]["collapse_clusters"][0]
    rows = run_named("collapse_clusters", sample, until=META["as_of"]).records()
    assert [(r["unit_id"], r["top_leader_involved"], r["top_leader_ids"]) for r in rows] == \
        [(entry["unit"], True, [entry["top_leader"]])]
    # with subordinate units, the 卫健局 of the sector cluster (five health-centre heads) shows up too
    wide = run_named("collapse_clusters", sample, until=META["as_of"], subtree=True).records()
    assert META["planted"]["sector_clusters"][0]["parent"] in {r["unit_id"] for r in wide}


def test_leader_dossier_tells_one_life(sample):
    top = META["planted"]["collapse_clusters"][0]["top_leader"]
    rows = run_named("leader_dossier", sample, leader_id=top).records()
    sections = Counter(r["section"] for r in rows)
    assert sections["post"] >= 1 and sections["case"] == 1 and sections["sanction"] == 1 and sections["supervised"] > 3


def test_unit_portrait_ranks_and_scores(sample):
    rows = run_named("unit_portrait", sample, as_of=META["as_of"], limit=10).records()
    assert len(rows) == 10 and rows == sorted(rows, key=lambda r: (-r["score"], r["unit_id"]))
    assert all(0 <= r["score"] <= 100 and 0 <= r["coverage"] <= 1 for r in rows)
    one = run_named("unit_portrait", sample, unit_id=rows[0]["unit_id"], as_of=META["as_of"]).records()
    assert one == rows[:1]


def test_unit_portraits_bound_decides_without_every_units_leaders(sample, monkeypatch):
    """The ranking scores the units with a case, clue or overdue finding first and reads every
    unit's leaders only when the limit-th of them scores 20.01 or less. Forced either way where the
    bound holds, it gives the same rows; on the sample's first three the bound holds (the short
    way is the one taken)."""
    from jiandu.queries import library as lib

    query = lib.get("unit_portrait")
    gate = "size(sparse) < $limit OR sparse[$limit - 1][8] <= 20.01 AS all"
    assert gate in query.cypher

    def rows(forced: str | None, **params):
        if forced:
            changed = dataclasses.replace(query, cypher=query.cypher.replace(gate, f"{forced} AS all"))
            monkeypatch.setattr(lib, "get", lambda name: changed)
        try:
            return run_named("unit_portrait", sample, as_of=META["as_of"], **params).rows
        finally:
            monkeypatch.undo()

    draws = [{"limit": k, "months": m} for k in range(1, 60, 4) for m in (3, 12)] + [{"level": "县", "limit": 20}]
    for params in draws:
        usual, every = rows(None, **params), rows("true", **params)
        assert usual == every, params
    # the sample is small: its first three need no other unit's leaders
    assert rows("false", limit=3) == rows("true", limit=3), "the bound did not decide"


def test_the_queries_open_findings_are_every_status_before_closing():
    """Queries name open findings by their statuses (for the status index); a status added to the
    ontology must be added to them."""
    from jiandu.graph.ontology import ONTOLOGY

    statuses = ONTOLOGY.nodes["Finding"].properties["status"].values
    named = [re.findall(r"'([^']+)'", found) for path in sorted((ROOT / "queries").glob("*.cypher"))
             for found in re.findall(r"f\.status IN \[([^\]]*)\]", path.read_text(encoding="utf-8"))]
    assert len(named) >= 2 and all(n == [s for s in statuses if s != "对账销号"] for n in named), named


@pytest.mark.parametrize("name,params,fragment", [
    ("no_such_query", {}, "no such query"),
    ("same_level_gaps", {"months": "abc"}, "must be int"),
    ("same_level_gaps", {"months": -3}, "must be ≥ 1"),
    ("audit_gaps", {"as_of": "2024-13-01"}, "must be date"),
    ("collapse_clusters", {"min_leader": 3}, "unknown parameter"),
    ("case_links", {"case_id": "C-NOPE"}, "no Case with this id"),
    ("case_links", {}, "is required"),
    ("leader_dossier", {"leader_id": "L-NOPE"}, "no Leader with this id"),
    ("unit_portrait", {"unit_id": "U-NOPE"}, "no Unit with this id"),
    ("case_surges", {"period": "week"}, "must be one of year, month"),
    ("case_surges", {"level": "district"}, "must be one of"),
])
def test_bad_parameters_are_refused_clearly(sample, name, params, fragment):
    with pytest.raises(QueryError, match=fragment):
        run_named(name, sample, **params)


def test_level_names_in_english_are_the_listed_values(sample):
    for name, english, chinese in (("case_surges", "prefecture", "市"), ("unit_portrait", "county", "县")):
        params = {"min_cases": 1} if name == "case_surges" else {"as_of": META["as_of"]}
        rows = run_named(name, sample, level=chinese, **params).rows
        assert rows and run_named(name, sample, level=english, **params).rows == rows


def _cli(*args, stdin=None):
    return subprocess.run([sys.executable, "-m", "jiandu", *args], cwd=ROOT, capture_output=True, text=True,
                          input=stdin, timeout=120)


def test_cli_query_cypher_and_listing(tmp_path):
    url = f"falkordb+embedded://{tmp_path}"
    assert _cli("--store", url, "ingest", str(SAMPLES)).returncode == 0
    listing = _cli("--store", url, "queries")
    assert listing.returncode == 0 and all(name in listing.stdout for name in library())
    done = _cli("--store", url, "query", "same_level_gaps", "--param", f"as_of={META['as_of']}", "--json")
    assert done.returncode == 0, done.stderr
    assert {r["leader_id"] for r in json.loads(done.stdout)} == set(META["planted"]["same_level_gaps"][0]["leaders"])
    csv_out = _cli("--store", url, "query", "overdue_rectification", "-p", f"as_of={META['as_of']}", "--csv")
    assert csv_out.stdout.splitlines()[0].startswith("body_id,body,unit_id")
    bad = _cli("--store", url, "query", "same_level_gaps", "--param", "months=-1")
    assert bad.returncode == 2 and "must be ≥ 1" in bad.stderr and "Traceback" not in bad.stderr
    mine = _cli("--store", url, "cypher", "MATCH (l:Leader) WHERE l.id = $id RETURN l.name AS name", "-p",
                f"id={META['planted']['superior_gaps'][0]['leader']}", "--json")
    assert mine.returncode == 0 and len(json.loads(mine.stdout)) == 1
    piped = _cli("--store", url, "cypher", "--json", stdin="MATCH (c:Case) RETURN count(c) AS n")
    assert json.loads(piped.stdout) == [{"n": META["counts"]["Case"]}]
    write = _cli("--store", url, "cypher", "CREATE (:Leader {id: 'x', name: 'x'})")
    assert write.returncode == 2 and "not allowed in read mode" in write.stderr  # the guard, before the engine
    count = _cli("--store", url, "cypher", "MATCH (l:Leader) RETURN count(l) AS n", "--json")
    assert json.loads(count.stdout) == [{"n": META["counts"]["Leader"]}]


# -- differential: the engine against networkx on random graphs -------------------------------
GRAPHS = (
    [("empty", None)]
    + [("regions_only", ("regions", 3))]
    + [("fuzz", (seed, size)) for seed, size in enumerate((5, 20, 40, 60, 80, 100, 120, 150, 200, 250))]
    + [("world", (seed, scale, noise)) for seed, scale, noise in (
        (1, 0.04, 0.0), (2, 0.04, 0.3), (3, 0.08, 0.1), (4, 0.08, 0.4), (5, 0.12, 0.05), (6, 0.12, 0.2),
        (7, 0.16, 0.15), (8, 0.2, 0.3))]
)


def _load(store, kind, spec, tmp: Path) -> None:
    if kind == "empty":
        return
    if kind == "fuzz":
        seed, size = spec
        ingest(store, [write_random_graph(tmp / "g.jsonl", seed, nodes=size, rels=size * 5)], rejects_dir=tmp / "r")
        return
    if kind == "regions_only":
        generate(tmp / "w", scale=0.12, seed=spec[1], noise=0)
        ingest(store, [tmp / "w" / "Region.csv", tmp / "w" / "PART_OF.csv"], rejects_dir=tmp / "r")
        return
    seed, scale, noise = spec
    generate(tmp / "w", scale=scale, seed=seed, noise=noise)
    ingest(store, [tmp / "w"], rejects_dir=tmp / "r")


def _params(name: str, rng: random.Random, g) -> dict | None:
    as_of = rng.choice(["2026-06-30", "2025-12-15", "2024-06-15", "2023-03-15"])
    since = rng.choice(["2000-01-01", "2022-01-01", "2024-03-15", "2025-01-01"])
    ids = {label: sorted(n[1] for n in reference.nodes(g, label)) for label in ("Case", "Leader", "Unit")}
    levels = sorted({d.get("admin_level") for _, d in g.nodes(data=True) if d["label"] == "Unit"} - {None})
    choices = {
        "collapse_clusters": dict(min_leaders=rng.randint(1, 3), since=since, until=as_of, subtree=rng.random() < 0.5),
        "sector_clusters": dict(min_units=rng.randint(1, 3), since=since, until=as_of,
                                parent=rng.choice(ids["Unit"]) if ids["Unit"] and rng.random() < 0.3 else None),
        "regional_outliers": dict(level=rng.choice(["县", "市", "乡", "省"]), since=since, until=as_of,
                                  min_z=rng.choice([None, None, 0.5])),
        "same_level_gaps": dict(months=rng.randint(1, 24), as_of=as_of),
        "superior_gaps": dict(months=rng.randint(1, 12), as_of=as_of),
        "audit_gaps": dict(years=rng.randint(1, 4), months=rng.randint(0, 12), as_of=as_of),
        "clue_backlog": dict(days=rng.randint(0, 200), window_days=rng.randint(30, 800), as_of=as_of),
        "overdue_rectification": dict(as_of=as_of),
        "case_links": dict(case_id=rng.choice(ids["Case"]), days=rng.randint(0, 1000)) if ids["Case"] else None,
        "case_clusters": dict(days=rng.randint(0, 1000)),
        "leader_dossier": dict(leader_id=rng.choice(ids["Leader"])) if ids["Leader"] else None,
        "case_surges": dict(level=rng.choice(["省", "市", "县"]), period=rng.choice(["year", "month"]),
                            min_rank=rng.choice([None, None, "厅局级", "县处级"]), min_cases=rng.randint(1, 3)),
        "unit_portrait": dict(unit_id=rng.choice(ids["Unit"]) if ids["Unit"] and rng.random() < 0.3 else None,
                              level=rng.choice(levels) if levels and rng.random() < 0.5 else None,
                              months=rng.randint(1, 24), as_of=as_of,
                              limit=rng.choice([100_000, 1, 2, 5])),  # small: the bounded ranking
    }
    return choices[name]


def _norm(value):
    if isinstance(value, float):
        return round(value, 4)
    if isinstance(value, (list, tuple)):
        return tuple(_norm(v) for v in value)
    return value


@pytest.mark.parametrize("kind,spec", GRAPHS, ids=[f"{k}-{i}" for i, (k, _) in enumerate(GRAPHS)])
def test_engine_agrees_with_networkx(store, tmp_path, kind, spec):
    _load(store, kind, spec, tmp_path)
    g = reference.export(store)
    rng = random.Random(str(spec))
    checked = 0
    for name in library():
        for _ in range(2):  # two parameter draws per query and graph
            params = _params(name, rng, g)
            if params is None:
                continue
            got = run_named(name, store, **params).rows
            if name == "case_surges":
                got = [row[:-1] for row in got]  # `why` is the same figures in words
            want = reference.REFERENCES[name](g, **params)
            assert Counter(map(_norm, got)) == Counter(map(_norm, want)), f"{name} {params}"
            checked += 1
    assert checked >= (20 if kind != "empty" else 18)


def test_the_library_draws_no_warnings_and_misspellings_do():
    from jiandu.queries.lint import lint

    for name, query in library().items():
        assert lint(query.cypher) == [], name
    assert [w.construct for w in lint("MATCH (u:Unit)<-[:OVERSES]-(b) WHERE u.kidn = '党委' RETURN b")] == [
        "关系类型 relationship type OVERSES", "属性 property kidn"]
    assert lint("MATCH (l:Leader) WHERE l.name = 'Leadr:x' // l.nmae\nRETURN l") == []  # strings, comments
