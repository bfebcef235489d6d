"""Derived properties (graph/derived.py) stay right however the data arrives: half a world and
then the rest gives what one full ingest gives, ingesting the same files again changes nothing,
a document's acts update them in the same statement, and a graph written without them gets them
on its next ingest. On both engines."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from conftest import SAMPLES
from test_query_answers import answers, comparable, variants_for

from jiandu.graph.derived import Touched
from jiandu.graph.ontology import ONTOLOGY, OTHER
from jiandu.ingest.generator import generate
from jiandu.ingest.loader import ingest
from jiandu.ingest.text.load import ingest_documents
from jiandu.views import ReadModel

DERIVED = ONTOLOGY.derived()
REPORT = SAMPLES.parent / "sample_reports" / "北州区住建系统案件通报.txt"


def derived_values(store) -> dict[str, list]:
    """Every derived property of every node that has one, by label.property and node id."""
    out = {}
    for label, prop in DERIVED:
        rows = store.run(f"MATCH (n:{label}) WHERE n.{prop.name} IS NOT NULL RETURN n.id, n.{prop.name}",
                         read_only=True).rows
        out[f"{label}.{prop.name}"] = sorted([row[0], [str(v) for v in row[1]] if isinstance(row[1], list)
                                              else str(row[1])] for row in rows)
    return out


def _part(p: str, rel: dict, other: str, other_props: dict):
    if p == OTHER:
        return other
    return other_props.get(p[len(OTHER) + 1:]) if p.startswith(OTHER + ".") else rel.get(p)


def recomputed(store) -> dict[str, list]:
    """The same, computed from the relationships in Python: what the properties must hold."""
    out = {}
    for label, prop in DERIVED:
        d = prop.derived
        arrow = f"(n:{label})<-[r:{d.rel}]-(o)" if d.end == "target" else f"(n:{label})-[r:{d.rel}]->(o)"
        rows = store.run(f"MATCH {arrow} RETURN n.id, properties(r), labels(o)[0] + ':' + o.id, properties(o)",
                         read_only=True).rows
        values: dict[str, set] = {}
        for node_id, rel, other, other_props in rows:
            values.setdefault(node_id, set())  # a node with such relationships has the list, maybe empty
            if any(_part(k, rel, other, other_props) not in allowed for k, allowed in d.where):
                continue
            parts = [_part(p, rel, other, other_props) for p in (*d.parts, *([d.latest] if d.latest else []))]
            if any(v is None for v in parts):
                continue
            values[node_id].add((parts[-1], parts[0]) if d.latest else "|".join(str(v) for v in parts))
        if d.latest:  # the one value of the newest: the largest (latest, value)
            out[f"{label}.{prop.name}"] = sorted([k, str(max(v)[1])] for k, v in values.items() if v)
        else:
            out[f"{label}.{prop.name}"] = sorted([k, sorted(v)] for k, v in values.items())
    return out


def split(full: Path, first: Path, rest: Path) -> None:
    """Every node file and the first half of each relationship file into `first`, the other halves
    into `rest`: half a world, whose relationships all find their ends."""
    first.mkdir()
    rest.mkdir()
    for path in sorted(full.glob("*.csv")):
        with open(path, encoding="utf-8", newline="") as fh:
            header, *rows = list(csv.reader(fh))
        is_rel = path.stem in ONTOLOGY.relationships
        cut = len(rows) // 2 if is_rel else len(rows)
        for folder, part in ((first, rows[:cut]), (rest, rows[cut:])):
            if part:
                with open(folder / path.name, "w", encoding="utf-8", newline="") as fh:
                    csv.writer(fh).writerows([header, *part])


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    work = tmp_path_factory.mktemp("derived-world")
    meta = generate(work / "full", scale=0.2, seed=5, noise=0.05)
    split(work / "full", work / "first", work / "rest")
    return work, variants_for(meta["planted"])


def _unsourced(found: dict[str, list]) -> dict[str, list]:
    """Answers without a `sources` column: the parts are other files, so their rows name other files and lines."""
    out = {}
    for key, (columns, rows) in found.items():
        keep = [i for i, c in enumerate(columns) if c != "sources"]
        out[key] = [[columns[i] for i in keep], [[row[i] for i in keep] for row in rows]]
    return out


def test_a_world_in_two_parts_and_again_gives_what_one_ingest_gives(store, world, tmp_path):
    work, variants = world
    assert DERIVED, "the ontology declares no derived property"
    ingest(store, [work / "first"], rejects_dir=tmp_path / "r1")
    assert derived_values(store) == recomputed(store)
    answers(store, variants)  # queried between the parts, as a user would
    ingest(store, [work / "rest"], rejects_dir=tmp_path / "r2")
    in_parts, in_parts_derived = _unsourced(comparable(answers(store, variants))), derived_values(store)

    store.clear()
    ingest(store, [work / "full"], rejects_dir=tmp_path / "r3")
    whole_sourced, whole_derived = comparable(answers(store, variants)), derived_values(store)
    whole = _unsourced(whole_sourced)
    assert whole_derived == recomputed(store)
    assert sum(len(v) for v in whole_derived.values()) > 100, "too few derived values to compare"
    assert in_parts_derived == whole_derived
    assert in_parts == whole

    ingest(store, [work / "full"], rejects_dir=tmp_path / "r4")
    assert derived_values(store) == whole_derived, "ingesting the same files again changed them"
    assert comparable(answers(store, variants)) == whole_sourced  # sources too: the same files, the same lines


def test_a_corrected_act_and_an_old_graph_are_brought_up_to_date(store, tmp_path):
    people = [{"label": "Leader", "id": "L1", "name": "甲"}, {"label": "OversightBody", "id": "B1", "name": "纪委监委",
                                                              "kind": "纪委监委"}]
    act = {"type": "SUPERVISED", "id": "S1", "from": "B1", "from_label": "OversightBody", "to": "L1",
           "to_label": "Leader", "kind": "谈话提醒", "date": "2025-03-01"}
    (tmp_path / "a.jsonl").write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in [*people, act]),
                                      encoding="utf-8")
    ingest(store, [tmp_path / "a.jsonl"], rejects_dir=tmp_path / "r")
    assert derived_values(store)["Leader.supervised_on"] == [["L1", ["2025-03-01"]]]
    assert derived_values(store)["Leader.talked_to_by"] == [["L1", ["2025-03-01|OversightBody:B1"]]]

    corrected = {**act, "date": "2025-04-02"}  # the same act, its date corrected
    letter = {**act, "id": "S2", "kind": "函询", "date": "2025-05-06"}  # an act, not a talk
    (tmp_path / "b.jsonl").write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in [corrected, letter]),
                                      encoding="utf-8")
    ingest(store, [tmp_path / "b.jsonl"], rejects_dir=tmp_path / "r")
    assert derived_values(store)["Leader.supervised_on"] == [["L1", ["2025-04-02", "2025-05-06"]]]
    assert derived_values(store)["Leader.supervised_by"] == [
        ["L1", ["2025-04-02|OversightBody:B1", "2025-05-06|OversightBody:B1"]]]
    assert derived_values(store)["Leader.talked_to_by"] == [["L1", ["2025-04-02|OversightBody:B1"]]]

    store.run("MATCH (n:Leader) REMOVE n.supervised_on")  # as a graph written before the property was
    assert derived_values(store)["Leader.supervised_on"] == []
    (tmp_path / "other.jsonl").write_text(json.dumps({"label": "Leader", "id": "L2", "name": "乙"},
                                                     ensure_ascii=False), encoding="utf-8")
    ingest(store, [tmp_path / "other.jsonl"], rejects_dir=tmp_path / "r")  # any later ingest
    assert derived_values(store) == recomputed(store)
    assert derived_values(store)["Leader.supervised_on"] == [["L1", ["2025-04-02", "2025-05-06"]]]


def test_a_corrected_audit_node_changes_its_leaders_and_units_lists(store, tmp_path):
    """An audit's date and kind are on the audit, not on AUDITS or COVERS: a record that corrects
    only the audit (its relationships not written again) still updates the lists that read them."""
    audit = {"label": "Audit", "id": "A1", "name": "审计", "kind": "任期经济责任审计", "date": "2024-03-01"}
    records = [{"label": "Leader", "id": "L1", "name": "甲"},
               {"label": "Unit", "id": "U1", "name": "某局", "kind": "部门"}, audit,
               {"type": "AUDITS", "from": "A1", "from_label": "Audit", "to": "L1", "to_label": "Leader"},
               {"type": "COVERS", "from": "A1", "from_label": "Audit", "to": "U1", "to_label": "Unit"}]
    (tmp_path / "a.jsonl").write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records), encoding="utf-8")
    ingest(store, [tmp_path / "a.jsonl"], rejects_dir=tmp_path / "r")
    values = derived_values(store)
    assert values["Leader.term_audits"] == [["L1", ["2024-03-01|Audit:A1"]]]
    assert values["Leader.exit_audits"] == [["L1", []]]
    assert values["Unit.audits"] == [["U1", ["Audit:A1"]]]

    (tmp_path / "b.jsonl").write_text(json.dumps({**audit, "kind": "离任经济责任审计", "date": "2024-05-02"},
                                                 ensure_ascii=False), encoding="utf-8")
    ingest(store, [tmp_path / "b.jsonl"], rejects_dir=tmp_path / "r")
    values = derived_values(store)
    assert values["Leader.exit_audits"] == values["Leader.term_audits"] == [["L1", ["2024-05-02|Audit:A1"]]]

    (tmp_path / "c.jsonl").write_text(json.dumps({**audit, "kind": "专项审计"}, ensure_ascii=False), encoding="utf-8")
    ingest(store, [tmp_path / "c.jsonl"], rejects_dir=tmp_path / "r")  # a kind that does not count
    values = derived_values(store)
    assert values["Leader.term_audits"] == [["L1", []]] and values["Unit.audits"] == [["U1", []]]
    assert values == recomputed(store)


def test_a_date_seen_again_after_a_later_one_stays_in_the_list(store, tmp_path):
    """Two bodies acting on the same day, with a later act between them in the engine's order:
    the day is kept once (it was once dropped when it came round the second time)."""
    records = [{"label": "Leader", "id": "L1", "name": "甲"}]
    for body, kind, day in (("B1", "点评", "2022-08-16"), ("B2", "纪检监察建议书", "2026-01-25"),
                            ("B3", "点评", "2022-08-16")):
        records.append({"label": "OversightBody", "id": body, "name": body, "kind": "纪委监委"})
        records.append({"type": "SUPERVISED", "from": body, "from_label": "OversightBody", "to": "L1",
                        "to_label": "Leader", "kind": kind, "date": day})
    (tmp_path / "a.jsonl").write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records), encoding="utf-8")
    ingest(store, [tmp_path / "a.jsonl"], rejects_dir=tmp_path / "r")
    assert derived_values(store)["Leader.supervised_on"] == [["L1", ["2022-08-16", "2026-01-25"]]]
    assert derived_values(store) == recomputed(store)


def test_touched_names_only_the_nodes_at_the_derived_end():
    touched = Touched()
    touched.note("SUPERVISED", "OversightBody", "Leader", [{"from": "B1", "to": "L1"}, {"from": "B1", "to": "L2"}])
    touched.note("HOLDS_POST", "Leader", "Unit", [{"from": "L3", "to": "U1"}])
    (cypher, ids), = touched.parts()
    assert ids == ["L1", "L2"] and "SUPERVISED" in cypher and "$ids" in cypher
    assert [ids for _, ids in touched.parts(batch_size=1, numbered_from=3)] == [["L1"], ["L2"]]
    assert "$rows4" in touched.parts(batch_size=1, numbered_from=3)[1][0]
    touched.note("OVERSEES", "OversightBody", "Unit", [{"from": "B1", "to": "U1"}])
    assert [ids for _, ids in touched.parts()] == [["L1", "L2"], ["U1"]]


def test_a_documents_acts_update_them_in_the_same_write(store, tmp_path):
    ingest(store, [SAMPLES], rejects_dir=tmp_path / "r")
    ingest_documents(store, [REPORT], rejects_dir=tmp_path / "r")
    from_report = store.run("MATCH ()-[r:SUPERVISED]->(l:Leader) WHERE any(s IN r.sources WHERE s CONTAINS $name) "
                            "RETURN l.id, r.date", {"name": REPORT.name}, read_only=True).rows
    assert from_report, "the sample report names no supervisory act"
    assert derived_values(store) == recomputed(store)


def test_views_show_the_acts_not_the_derived_list(store, tmp_path):
    ingest(store, [SAMPLES], rejects_dir=tmp_path / "r")
    leader = store.run("MATCH (l:Leader) WHERE size(l.supervised_on) > 0 RETURN l.id LIMIT 1", read_only=True).scalar()
    view = ReadModel(store).neighbourhood("Leader", leader)
    shown = [n for k, n in view.nodes.items() if k[0] == "Leader"]
    assert shown and all("supervised_on" not in n for n in shown)
    assert any(k[1] == "SUPERVISED" for k in view.edges)
