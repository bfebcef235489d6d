from pathlib import Path

import pytest

from jiandu.graph import ontology, schema
from jiandu.graph.ontology import ONTOLOGY, FieldError


def test_design_labels_and_relationships_are_declared():
    for label in ("Leader", "Unit", "Region", "OversightBody", "Case", "Clue", "Audit", "Inspection",
                  "Finding", "Document"):
        assert label in ONTOLOGY.nodes
        assert ONTOLOGY.node(label).prop("name").required
    for rtype in ("HOLDS_POST", "SUBORDINATE_TO", "IN_REGION", "PART_OF", "OVERSEES", "SUPERVISED", "INVOLVED_IN",
                  "CONCERNS", "HANDLES", "SANCTIONED", "ABOUT", "LED_TO", "RECEIVED", "CONDUCTED", "AUDITS",
                  "COVERS", "FOUND"):
        assert rtype in ONTOLOGY.relationships
    post = ONTOLOGY.relationship("HOLDS_POST")
    assert {"title", "top_leader", "start", "end"} <= set(post.properties)
    assert post.prop("top_leader").type == "bool" and post.prop("start").type == "date"
    assert set(ONTOLOGY.relationship("OVERSEES").prop("mode").values) == {"上级", "同级", "派驻"}
    acts = ONTOLOGY.relationship("SUPERVISED")
    assert acts.prop("kind").required and acts.prop("date").required
    assert "sources" in ONTOLOGY.provenance


def test_every_node_kind_is_drawn_its_own_way():
    """One colour per kind, and in the static pictures one shape (with a dashed border setting
    apart two kinds of one shape)."""
    styles = [t.style for t in ONTOLOGY.nodes.values()]
    assert len({s["color"].lower() for s in styles}) == len(styles)
    assert len({(s["shape"], s.get("border")) for s in styles}) == len(styles)


@pytest.mark.parametrize("since", ["name", "nowhere"])
def test_a_kind_enters_the_time_axis_on_one_of_its_dates(tmp_path, since):
    text = (Path(ontology.__file__).with_name("ontology.yaml").read_text(encoding="utf-8")
            .replace("shape: star, since: opened", f"shape: star, since: {since}"))
    (tmp_path / "o.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(ValueError, match=f"Case's style.since '{since}' is not one of its date properties"):
        ontology.load(tmp_path / "o.yaml")


def test_no_complainant_can_be_stored():
    assert not any("complainant" in label.lower() or "举报" in n.zh for label, n in ONTOLOGY.nodes.items())
    for n in ONTOLOGY.nodes.values():
        assert not any(p in n.properties for p in ("complainant", "reporter", "举报人"))


@pytest.mark.parametrize("ptype,raw,expected", [
    ("int", "1970", 1970), ("int", 12.0, 12), ("float", "1.5", 1.5), ("bool", "是", True), ("bool", "false", False),
    ("date", "2024-02-29", "2024-02-29"), ("list", "甲|乙| ", ["甲", "乙"]), ("str", " 张三 ", "张三"),
    ("int", "", None),
])
def test_coercion(ptype, raw, expected):
    from jiandu.graph.ontology import Property
    assert Property("x", ptype).coerce(raw) == expected


@pytest.mark.parametrize("ptype,raw,fragment", [
    ("int", "abc", "expected an integer"), ("date", "2024-02-30", "no such date"), ("date", "2024/01/01", "ISO"),
    ("bool", "maybe", "true/false"), ("int", True, "布尔"), ("str", {"a": 1}, "expected a string"),
])
def test_coercion_errors_name_the_field(ptype, raw, fragment):
    from jiandu.graph.ontology import Property
    with pytest.raises(FieldError) as info:
        Property("birth_year", ptype).coerce(raw)
    assert info.value.field == "birth_year" and fragment in str(info.value)


def test_enumerated_values_are_checked():
    with pytest.raises(FieldError, match="allowed"):
        ONTOLOGY.node("Unit").prop("kind").coerce("外星机构")


def test_schema_is_generated_for_every_label_on_both_backends():
    falkor = "\n".join(schema.falkordb_indexes())
    neo = "\n".join(schema.neo4j_statements())
    for label in ONTOLOGY.nodes:
        assert f"(n:{label}) ON (n.id)" in falkor
        assert f"FOR (n:{label}) REQUIRE n.id IS UNIQUE" in neo
    assert len(schema.falkordb_constraints()) == len(ONTOLOGY.nodes)
    text = schema.describe()
    assert all(name in text for name in (*ONTOLOGY.nodes, *ONTOLOGY.relationships))


def test_store_schema_is_idempotent(store):
    store.ensure_schema()
    store.ensure_schema()
    store.run("CREATE (:Leader {id: 'a', name: '甲'})")
    with pytest.raises(Exception):  # noqa: B017 - either engine's unique-constraint error
        store.run("CREATE (:Leader {id: 'a', name: '乙'})")
    assert store.run("MATCH (n:Leader) RETURN count(n)").scalar() == 1


@pytest.mark.parametrize("derived, fragment", [
    ("{rel: SUPERVISED, end: target, value: [date, nowhere]}", "derived from unknown"),
    ("{rel: SUPERVISED, end: target, value: [date, other], where: {kind: [闲聊]}}", "does not have"),
    ("{rel: OVERSEES, end: target, value: [other]}", "never the target"),
])
def test_a_derivation_must_read_what_its_relationship_has(tmp_path, derived, fragment):
    text = (Path(ontology.__file__).with_name("ontology.yaml").read_text(encoding="utf-8")
            .replace("derived: {rel: SUPERVISED, end: target, value: date}", f"derived: {derived}"))
    (tmp_path / "o.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(ValueError, match=fragment):
        ontology.load(tmp_path / "o.yaml")
