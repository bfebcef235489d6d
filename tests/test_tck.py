"""The TCK harness reads what the openCypher TCK expects: every scenario, every expected cell."""

from __future__ import annotations

from tck import FEATURES, canon, parse_value, scenarios


def test_every_feature_file_and_expected_value_is_read():
    found = scenarios()
    assert len(list(FEATURES.rglob("*.feature"))) == 220
    assert len({(s.feature, s.name.split(" #")[0]) for s in found}) > 1500  # the TCK's ~1,600 scenarios
    assert all(s.query for s in found), [s.name for s in found if not s.query][:5]
    assert all(s.expect in ("rows", "empty", "error") for s in found)
    unread = []
    for s in found:
        for row in s.rows:
            for cell in row:
                try:
                    parse_value(cell)
                except (ValueError, IndexError):
                    unread.append((s.feature, s.name, cell))
    assert unread == []


def test_values_compare_as_the_tck_means_them():
    assert canon(parse_value("1")) != canon(parse_value("1.0"))
    assert canon(parse_value("[1, 2]")) != canon(parse_value("[2, 1]"))
    assert canon(parse_value("[1, 2]"), unordered_lists=True) == canon(parse_value("[2, 1]"), unordered_lists=True)
    node = parse_value("(:A:B {name: 'x', n: [1, null]})")
    assert canon(node) == canon(parse_value("(:B:A {n: [1, null], name: 'x'})"))
    path = parse_value("<(:A)-[:T {k: 'v'}]->(:B)<-[:U]-()>")
    assert [r.kind for r in path.rels] == ["T", "U"] and len(path.nodes) == 3
    assert parse_value("'it\\'s'") == "it's" and parse_value("-Inf") == float("-inf")
