"""Facts derived from the graph and materialised on its nodes: the ontology's ``derived:``
properties (``Leader.supervised_on``, the dates of the supervisory acts on a leader).

A derived property is the sorted, distinct list of one property of the node's relationships of
one type. It is recomputed from the graph itself for every node a write touched, so it stays right
however the data arrives: in parts, again, or corrected. Queries read one node property instead of
every relationship, which on FalkorDB is several times cheaper (docs/design.md).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from jiandu.graph.ontology import ONTOLOGY, Ontology, Property
from jiandu.graph.store import Store


def _feeding(prop: Property, rel: str = "") -> str:
    """The pattern of `n`'s relationships that `prop` is derived from (named `rel` when given)."""
    d = prop.derived
    assert d is not None
    return f"(n)<-[{rel}:{d.rel}]-()" if d.end == "target" else f"(n)-[{rel}:{d.rel}]->()"


def refresh_cypher(label: str, prop: Property, rows: str = "ids") -> str:
    """Recompute `label.prop` for the nodes whose ids are in parameter `rows`; returns `written`."""
    value = prop.derived.value
    # sorted and distinct, so that both engines store the same list (neither has a list sort)
    ordered = ("reduce(acc = [], v IN values | [x IN acc WHERE x < v] + CASE WHEN v IN acc THEN [] ELSE [v] END"
               " + [x IN acc WHERE x > v])")
    return (f"UNWIND ${rows} AS id MATCH (n:{label} {{id: id}}) "
            f"WITH n, [{_feeding(prop, 'r')} WHERE r.{value} IS NOT NULL | r.{value}] AS values "
            f"SET n.{prop.name} = {ordered} RETURN count(n) AS written")


class Touched:
    """The nodes whose derived properties a write may have changed, gathered as the write goes."""

    def __init__(self, onto: Ontology = ONTOLOGY):
        self._facts = onto.derived()
        self._ids: dict[tuple[str, str], set[str]] = defaultdict(set)

    def note(self, rel_type: str, source_label: str, target_label: str, rows: Iterable[dict[str, Any]]) -> None:
        """Relationship rows (with ``from`` and ``to`` ids) of `rel_type` between these labels."""
        for label, prop in self._facts:
            d = prop.derived
            end_label, key = (target_label, "to") if d.end == "target" else (source_label, "from")
            if d.rel == rel_type and end_label == label:
                self._ids[(label, prop.name)].update(row[key] for row in rows)

    def parts(self, batch_size: int = 5000, numbered_from: int | None = None) -> list[tuple[str, list[str]]]:
        """(cypher, ids) batches that bring every touched node's derived properties up to date.
        Each reads parameter ``ids``, or ``rows{n}`` numbered from `numbered_from` (for
        ``Store.write_together``)."""
        out: list[tuple[str, list[str]]] = []
        props = {(label, p.name): (label, p) for label, p in self._facts}
        for key, ids in sorted(self._ids.items()):
            ordered = sorted(ids)
            for i in range(0, len(ordered), batch_size):
                param = "ids" if numbered_from is None else f"rows{numbered_from + len(out)}"
                out.append((refresh_cypher(*props[key], rows=param), ordered[i:i + batch_size]))
        return out

    def note_missing(self, store: Store) -> None:
        """Also the nodes that have the relationships but not yet the property: a graph written
        before the property was declared gets it on its next write."""
        for label, prop in self._facts:
            found = store.run(f"MATCH {_feeding(prop)} WHERE n:{label} AND n.{prop.name} IS NULL RETURN DISTINCT n.id",
                              read_only=True).rows
            self._ids[(label, prop.name)].update(row[0] for row in found)

    def refresh(self, store: Store, batch_size: int = 5000) -> int:
        """Recompute them now; returns how many nodes were brought up to date."""
        done = 0
        for cypher, ids in self.parts(batch_size):
            done += int(store.run(cypher, {"ids": ids}).scalar() or 0)
        self._ids.clear()
        return done
