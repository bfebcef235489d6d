"""FalkorDB's parameters travel as Cypher text: the fast way (the C JSON encoder) must write the
same text as the careful one, and awkward values must come back from the engine unchanged."""

from __future__ import annotations

import random

from jiandu.graph.connect import open_store
from jiandu.graph.falkordb_store import _json_literal, _param, literal

PIECES = ['a', '"', '\\', ':', ',', '{', '}', '[', ']', '\n', '\t', '\r', '\x01', '\x1f', '\x7f', '中文',
          'u', 'id', '"id":', '\\u0041', '\u2028', '`', ' ', "'"]
# what sends a value the slow way: control characters the JSON encoder writes as \u00XX, a
# backslash-u, and a quote before a colon (taken for a map key)
FAST_PIECES = [p for p in PIECES if p not in ('\x01', '\x1f', '"id":', '\\u0041', ':', 'u')]
KEYS = ['id', 'p', 'line', 'd_date', 'x_1', 'a b', '中', '']


def _text(rng: random.Random, pieces: list[str] = PIECES) -> str:
    return "".join(rng.choice(pieces) for _ in range(rng.randint(0, 8)))


def _value(rng: random.Random, depth: int = 0):
    roll = rng.random()
    if depth < 3 and roll < 0.2:
        return {rng.choice(KEYS + [_text(rng)]): _value(rng, depth + 1) for _ in range(rng.randint(0, 4))}
    if depth < 3 and roll < 0.35:
        return [_value(rng, depth + 1) for _ in range(rng.randint(0, 4))]
    return rng.choice([_text(rng), _text(rng), 1, -2.5, 1e20, 0.1, True, False, None, 0, 2**40])


def test_the_fast_way_writes_the_same_text_as_the_careful_one():
    rng = random.Random(7)
    fast = 0
    for _ in range(20_000):
        value = [_value(rng, 1) for _ in range(rng.randint(0, 3))] if rng.random() < 0.5 else {"k": _value(rng, 1)}
        text = _json_literal(value)
        if text is not None:
            fast += 1
            assert text == literal(value), value
        assert _param(value) == literal(value)
    assert fast > 10_000, "the fast way should take most values"


def test_awkward_values_come_back_unchanged(tmp_path):
    rng = random.Random(11)
    rows = [{"id": f"n{i}", "text": _text(rng), "tags": [_text(rng) for _ in range(3)], "n": i, "f": i / 4}
            for i in range(300)]
    rows += [{"id": "quotes", "text": 'say "id": 1, {"p": [\\"x\\"]}', "tags": ['"', "\\", "\\\\u0041"], "n": -1,
              "f": 0.5}]
    plain = [{"id": f"m{i}", "text": _text(rng, FAST_PIECES), "tags": [_text(rng, FAST_PIECES) for _ in range(3)],
              "n": 1000 + i, "f": i / 8} for i in range(300)]
    assert _json_literal(plain) is not None and _json_literal(rows) is None
    with open_store(f"falkordb+embedded://{tmp_path}") as store:
        for batch in (rows, plain):
            store.write_batch("UNWIND $rows AS row CREATE (n:T) SET n = row RETURN count(n)", batch)
        back = store.run("MATCH (n:T) RETURN n.id, n.text, n.tags, n.n, n.f ORDER BY n.n", read_only=True).rows
    expected = sorted(([r["id"], r["text"], r["tags"], r["n"], r["f"]] for r in rows + plain), key=lambda r: r[3])
    assert back == expected
