"""The fictional world generator: deterministic, sized as promised, and the source of the sample."""

from __future__ import annotations

import filecmp
import json

import pytest
from conftest import SAMPLES

from jiandu.graph.ontology import ONTOLOGY
from jiandu.ingest.generator import PLANTED_FILE, generate, write_planted_doc


def _totals(meta):
    nodes = sum(v for k, v in meta["counts"].items() if not k.isupper())
    rels = sum(v for k, v in meta["counts"].items() if k.isupper())
    return nodes, rels


def test_same_seed_same_world_other_seed_other_world(tmp_path):
    a = generate(tmp_path / "a", scale=0.2, seed=3)
    b = generate(tmp_path / "b", scale=0.2, seed=3)
    c = generate(tmp_path / "c", scale=0.2, seed=4)
    files = sorted(p.name for p in (tmp_path / "a").iterdir())
    match, mismatch, errors = filecmp.cmpfiles(tmp_path / "a", tmp_path / "b", files, shallow=False)
    assert not mismatch and not errors and a == b
    assert not filecmp.cmp(tmp_path / "a" / "Leader.csv", tmp_path / "c" / "Leader.csv", shallow=False)
    assert c["counts"] != a["counts"] or c["planted"] != a["planted"]


def test_scale_one_is_about_ten_thousand_nodes(tmp_path):
    nodes, rels = _totals(generate(tmp_path, scale=1))
    assert 8_000 <= nodes <= 13_000
    assert 4 * nodes <= rels <= 6 * nodes  # about five relationships a node, as at scale 100


def test_committed_sample_is_what_the_generator_makes(tmp_path):
    """The sample in the repo and its PLANTED.md come from the generator, unedited."""
    meta = json.loads((SAMPLES / PLANTED_FILE).read_text(encoding="utf-8"))
    again = generate(tmp_path, scale=meta["scale"], seed=meta["seed"], noise=meta["noise"])
    write_planted_doc(tmp_path, again)
    names = sorted(p.name for p in SAMPLES.iterdir())
    assert names == sorted(p.name for p in tmp_path.iterdir())
    _, mismatch, errors = filecmp.cmpfiles(SAMPLES, tmp_path, names, shallow=False)
    assert not mismatch and not errors


def test_sample_is_a_province_sized_world_with_every_pattern_planted():
    meta = json.loads((SAMPLES / PLANTED_FILE).read_text(encoding="utf-8"))
    assert meta["noise"] == 0
    assert 300 <= meta["counts"]["Leader"] <= 1000
    assert set(meta["planted"]) == {
        "collapse_clusters", "sector_clusters", "same_level_gaps", "audit_gaps.long_tenure",
        "audit_gaps.no_exit_audit", "clue_backlog.undisposed", "clue_backlog.closed_then_case",
        "overdue_rectification", "case_links", "superior_gaps", "ledger.overdue", "ledger.items",
    }
    collapse = meta["planted"]["collapse_clusters"][0]
    assert len(collapse["leaders"]) == 3 and collapse["top_leader"] in collapse["leaders"]
    assert len(meta["planted"]["sector_clusters"][0]["units"]) >= 3
    assert meta["planted"]["overdue_rectification"][0]["findings"]
    for label in ("Region", "Unit", "OversightBody", "SUPERVISED", "Clue", "Audit", "Inspection", "Finding", "Case",
                  "LedgerItem", "LedgerEntry"):
        assert meta["counts"][label] > 0, label
    ledger = meta["planted"]["ledger.items"]
    assert {e["state"] for e in ledger} == set(ONTOLOGY.ledger.states), "an item in every state of the loop"
    assert {e["colour"] for e in meta["planted"]["ledger.overdue"]} == {"蓝", "黄", "红", None}


def test_sample_names_are_invented():
    """Sample people must not come from the seed articles (real people)."""
    from conftest import SHARED
    seeds = SHARED / "seeds"
    if not seeds.is_dir():
        pytest.skip("../shared/seeds not present")
    text = "".join(p.read_text(encoding="utf-8") for p in seeds.glob("*.txt"))
    names = [line.split(",")[1] for line in (SAMPLES / "Leader.csv").read_text(encoding="utf-8").splitlines()[1:]]
    clashes = sorted({n for n in names if len(n) >= 3 and n in text})
    assert not clashes, f"sample names that appear in the seed articles: {clashes}"
