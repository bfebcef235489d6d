"""Every named query's full answer on the sample world, against the answers recorded before the
queries were reshaped for speed (tests/answers/sample.json), on both engines.

The record was written once, by the queries as they stood before: a reshaped query must give
the same rows in the same order. `python tests/test_query_answers.py --write` writes it again;
do that only when a query's meaning changes on purpose, and say so in the commit.
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

import pytest
from conftest import SAMPLES

from jiandu.graph.connect import open_store
from jiandu.graph.store import Store
from jiandu.ingest.loader import ingest
from jiandu.queries.library import library, run_named

RECORD = Path(__file__).parent / "answers" / "sample.json"
META = json.loads((SAMPLES / "_planted.json").read_text(encoding="utf-8"))
AS_OF = META["as_of"]
EARLIER = "2025-09-30"

# Each query with its defaults (as of the sample's date), and with other values that change
# which branch of the query carries the answer.
VARIANTS: dict[str, list[dict]] = {
    "audit_gaps": [{"as_of": AS_OF}, {"as_of": EARLIER, "years": 1, "months": 0}],
    "case_clusters": [{}, {"days": 30}],
    "case_surges": [{}, {"level": "市", "period": "month", "min_cases": 1},
                    {"level": "县", "min_rank": "乡科级", "min_cases": 1}],
    "case_links": [{"case_id": META["planted"]["case_links"][0]["cases"][0]}],
    "clue_backlog": [{"as_of": AS_OF}, {"as_of": EARLIER, "days": 30}],
    "collapse_clusters": [{"until": AS_OF}, {"until": AS_OF, "subtree": True, "min_leaders": 2},
                          {"since": "2025-01-01", "until": EARLIER}],
    "leader_dossier": [{"leader_id": META["planted"]["collapse_clusters"][0]["top_leader"]}],
    "overdue_rectification": [{"as_of": AS_OF}, {"as_of": EARLIER}],
    "regional_outliers": [{"until": AS_OF}, {"until": AS_OF, "level": "市"},
                          {"until": EARLIER, "since": "2024-01-01", "level": "乡"}],
    "same_level_gaps": [{"as_of": AS_OF}, {"as_of": EARLIER, "months": 3}],
    "sector_clusters": [{}, {"min_units": 2}],
    "superior_gaps": [{"as_of": AS_OF}, {"as_of": EARLIER, "months": 2}, {"as_of": AS_OF, "months": 24}],
    "unit_portrait": [{"as_of": AS_OF}, {"as_of": EARLIER, "months": 3, "limit": 500},
                      {"as_of": AS_OF, "level": "县", "limit": 20}],
}


def variants_for(planted: dict) -> dict[str, list[dict]]:
    """VARIANTS with the ids that name one case or leader taken from another world's planted list."""
    ids = {"case_id": planted["case_links"][0]["cases"][0],
           "leader_id": planted["collapse_clusters"][0]["top_leader"]}
    return {name: [{k: ids.get(k, v) for k, v in params.items()} for params in variants]
            for name, variants in VARIANTS.items()}


def answers(store: Store, variants: dict[str, list[dict]] = VARIANTS) -> dict[str, list]:
    """Every variant's columns and rows, keyed by query and variant."""
    out = {}
    for name, sets in variants.items():
        for i, params in enumerate(sets):
            result = run_named(name, store, **params)
            out[f"{name}#{i}"] = json.loads(json.dumps([result.columns, result.rows], ensure_ascii=False,
                                                       default=str))
    return out


def test_every_query_has_variants():
    assert set(VARIANTS) <= set(library()), "a variant names no query"
    recorded = {key.split("#")[0] for key in json.loads(RECORD.read_text(encoding="utf-8"))}
    assert recorded == set(VARIANTS)


@pytest.fixture
def sample(store, tmp_path):
    ingest(store, [SAMPLES], rejects_dir=tmp_path / "rejects")
    return store


def test_answers_are_the_recorded_ones(sample):
    recorded = json.loads(RECORD.read_text(encoding="utf-8"))
    found = answers(sample)
    assert sum(len(rows) for _, rows in recorded.values()) > 200, "the record holds too little to compare"
    found, recorded = comparable(found), comparable(recorded)
    for key, (columns, rows) in recorded.items():
        assert found[key][0] == columns, f"{key}: columns"
        assert found[key][1] == rows, f"{key}: {len(found[key][1])} rows, recorded {len(rows)}"


def comparable(answers: dict[str, list]) -> dict[str, list]:
    """Answers with the rows of queries that leave the order to the engine sorted."""
    return {key: [columns, rows if ordered(key.split("#")[0]) else sorted(rows, key=repr)]
            for key, (columns, rows) in answers.items()}


def ordered(name: str) -> bool:
    """Whether the query's rows come in an order of its own (ORDER BY, or a Python finishing step)."""
    query = library()[name]
    return bool(query.finish) or "ORDER BY" in query.cypher


if __name__ == "__main__" and sys.argv[1:] == ["--write"]:
    with tempfile.TemporaryDirectory() as work, open_store(f"falkordb+embedded://{work}") as s:
        ingest(s, [SAMPLES], rejects_dir=Path(work) / "rejects")
        RECORD.parent.mkdir(exist_ok=True)
        RECORD.write_text(json.dumps(answers(s), ensure_ascii=False, indent=0, sort_keys=True) + "\n",
                          encoding="utf-8")
    print(f"wrote {RECORD}")
