"""Small random graphs that obey the ontology but nothing else: missing dates, odd kinds,
cycles, self-supervision. The generator's worlds are realistic; these find the edge cases."""

from __future__ import annotations

import datetime as dt
import json
import random
from pathlib import Path

from jiandu.graph.ontology import ONTOLOGY

DAYS = [(dt.date(2021, 1, 1) + dt.timedelta(days=d)).isoformat() for d in range(0, 2200, 37)]
WORDS = ["甲", "乙", "丙", "丁"]


def _value(rng: random.Random, prop):
    if prop.values:
        return rng.choice(prop.values)
    return {
        "str": lambda: rng.choice(WORDS),
        "int": lambda: rng.randint(0, 5),
        "float": lambda: rng.random(),
        "bool": lambda: rng.random() < 0.6,
        "date": lambda: rng.choice(DAYS),
        "list": lambda: rng.sample(WORDS, k=rng.randint(0, 2)),
    }[prop.type]()


def _props(rng: random.Random, kind) -> dict:
    out = {}
    for prop in kind.properties.values():
        if prop.required or rng.random() < 0.7:
            out[prop.name] = _value(rng, prop)
    return out


def write_random_graph(path: Path, seed: int, nodes: int = 80, rels: int = 400) -> Path:
    """A JSON Lines file of random records; ids are few so that patterns pile up."""
    rng = random.Random(seed)
    pools: dict[str, list[str]] = {}
    records = []
    for label, kind in ONTOLOGY.nodes.items():
        count = max(1, round(nodes / len(ONTOLOGY.nodes) * rng.uniform(0.3, 1.7)))
        pools[label] = [f"{label[0]}{i}" for i in range(count)]
        for node_id in pools[label]:
            records.append({"label": label, "id": node_id, **_props(rng, kind)})
    types = list(ONTOLOGY.relationships.items())
    for _ in range(rels):
        rtype, rel = rng.choice(types)
        source, target = rng.choice(rel.sources), rng.choice(rel.targets)
        a, b = rng.choice(pools[source]), rng.choice(pools[target])
        if rel.hierarchy:  # trees point upwards only: no self-loops, no cycles
            if a == b:
                continue
            a, b = sorted((a, b), key=lambda i: -int(i[1:]))
        records.append({"type": rtype, "from": a, "from_label": source, "to": b, "to_label": target,
                        **_props(rng, rel)})
    with path.open("w", encoding="utf-8") as fh:
        for record in records:
            fh.write(json.dumps(record, ensure_ascii=False) + "\n")
    return path
