"""Facts derived from the graph and materialised on its nodes: the ontology's ``derived:``
properties (``Leader.supervised_on``, the dates of the supervisory acts on a leader;
``Leader.supervised_by``, "date|Label:id" of each act and who acted).

A derived property is the sorted, distinct list of one property (or of several parts joined) of
the node's relationships of one type, or the one value of the newest of them (a ledger item's
state is its latest entry's). It is recomputed from the graph itself for every node a
write touched, so it stays right however the data arrives: in parts, again, or corrected.
Queries read one node property instead of every relationship, which on FalkorDB is several
times cheaper (docs/design.md).
"""

from __future__ import annotations

import copy
from collections import defaultdict
from collections.abc import Collection, Iterable
from typing import Any

from jiandu.graph.ontology import ONTOLOGY, OTHER, Derivation, Ontology, Property
from jiandu.graph.store import Store


def _feeding(d: Derivation, rel: str = "", other: str = "") -> str:
    """The pattern of `n`'s relationships that `d` reads (named `rel` and `other` when given)."""
    return f"(n)<-[{rel}:{d.rel}]-({other})" if d.end == "target" else f"(n)-[{rel}:{d.rel}]->({other})"


def _quoted(text: str) -> str:
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


def _part(p: str, r: str, o: str) -> str:
    """A part's Cypher: relationship `r`'s property, or (``other.p``) the other end `o`'s."""
    return f"{o}.{p[len(OTHER) + 1:]}" if p.startswith(OTHER + ".") else f"{r}.{p}"


def _value(d: Derivation, r: str, o: str) -> str:
    """The Cypher for one relationship's entry (relationship `r`, other end `o`); with `latest`,
    the pair [latest, value]."""
    if d.latest:
        return f"[{_part(d.latest, r, o)}, {_part(d.value, r, o)}]"
    if isinstance(d.value, str):
        return _part(d.value, r, o)
    parts = [f"labels({o})[0] + ':' + {o}.id" if p == OTHER else f"toString({_part(p, r, o)})" for p in d.value]
    return " + '|' + ".join(parts)


def _conditions(d: Derivation, r: str, o: str) -> list[str]:
    """The conditions on relationship `r` (other end `o`) for it to have an entry."""
    conditions = [f"{_part(p, r, o)} IS NOT NULL" for p in (*d.parts, *([d.latest] if d.latest else []))
                  if p != OTHER]
    return conditions + [f"{_part(k, r, o)} IN [{', '.join(_quoted(v) for v in values)}]" for k, values in d.where]


def _newest(pairs: str) -> str:
    """The value of the [latest, value] pair with the largest latest, ties going to the larger value
    (null for none)."""
    return (f"reduce(best = null, x IN {pairs} | CASE WHEN best IS NULL OR x[0] > best[0] "
            "OR (x[0] = best[0] AND x[1] > best[1]) THEN x ELSE best END)[1]")


def _sorted(values: str, backend: str | None = None) -> str:
    """Sorted and distinct, so that both engines store the same list. FalkorDB has list
    functions (a third of a leader's refresh went to sorting by hand); Neo4j without APOC has none."""
    if backend == "falkordb":
        return f"list.sort(list.dedup({values}))"
    return (f"reduce(acc = [], v IN {values} | CASE WHEN v IN acc THEN acc"
            " ELSE [x IN acc WHERE x < v] + [v] + [x IN acc WHERE x > v] END)")


def refresh_cypher(label: str, props: list[Property], rows: str = "ids", via: str | None = None,
                   backend: str | None = None) -> str:
    """Recompute `label`'s derived `props` (read from the same relationships) for the nodes whose
    ids are in parameter `rows`, in one statement; returns `written`. With `via` (a label at the
    other end), the ids are of those nodes, and their neighbours are recomputed. `backend` (a
    store's) may choose engine-specific functions; without it the text runs on both."""
    # The relationships are read once (one pattern comprehension) into one entry each: the
    # distinct values and conditions of all the properties, each computed once (the lists of
    # one group mostly share them); each property's list is then taken from the entries.
    conditions = [_conditions(p.derived, "r", "o") for p in props]
    common = [c for c in conditions[0] if all(c in cs for cs in conditions[1:])]
    atoms: list[str] = []

    def slot(expr: str) -> str:
        if expr not in atoms:
            atoms.append(expr)
        return f"e[{atoms.index(expr)}]"

    sets = []
    for p, own in zip(props, conditions, strict=True):
        value = slot(_value(p.derived, "r", "o"))
        rest = " AND ".join(slot(c) for c in own if c not in common)
        entries = f"[e IN rs{' WHERE ' + rest if rest else ''} | {value}]"
        sets.append(f"n.{p.name} = {_newest(entries) if p.derived.latest else _sorted(entries, backend)}")
    head = f"MATCH (n:{label} {{id: id}})" if via is None else \
        f"MATCH {_feeding(props[0].derived, other=f'o:{via} {{id: id}}')} WHERE n:{label} WITH DISTINCT n"
    where = f" WHERE {' AND '.join(common)}" if common else ""
    return (f"UNWIND ${rows} AS id {head} WITH n, [{_feeding(props[0].derived, 'r', 'o')}{where} | "
            f"[{', '.join(atoms)}]] AS rs SET {', '.join(sets)} RETURN count(n) AS written")


def _read_on_other(d: Derivation) -> set[str]:
    """The properties of the node at the other end that `d` reads (a change to them changes it)."""
    return {p[len(OTHER) + 1:] for p in (*d.parts, d.latest or "", *(k for k, _ in d.where))
            if p.startswith(OTHER + ".")}


class Touched:
    """The nodes whose derived properties a write may have changed, gathered as the write goes:
    by label and the relationship type the properties are read from."""

    def __init__(self, onto: Ontology = ONTOLOGY, backend: str | None = None):
        self._backend = backend  # the store's, for refresh_cypher
        self._groups: dict[tuple[str, str, str], list[Property]] = defaultdict(list)
        for label, prop in onto.derived():
            self._groups[(label, prop.derived.rel, prop.derived.end)].append(prop)
        self._ids: dict[tuple[str, str, str], set[str]] = defaultdict(set)
        # nodes whose own properties feed a derivation (an audit's date): their neighbours' lists
        self._feeders: dict[str, list[tuple[str, str, str]]] = defaultdict(list)
        for group, props in self._groups.items():
            read = {name for p in props for name in _read_on_other(p.derived)}
            rel = onto.relationships[group[1]]
            for other in (rel.sources if group[2] == "target" else rel.targets):
                if read & set(onto.nodes[other].properties):
                    self._feeders[other].append(group)
        self._fed: dict[tuple[tuple[str, str, str], str], set[str]] = defaultdict(set)

    def note(self, rel_type: str, source_label: str, target_label: str, rows: Iterable[dict[str, Any]]) -> None:
        """Relationship rows (with ``from`` and ``to`` ids) of `rel_type` between these labels."""
        for group in self._groups:
            label, rel, end = group
            end_label, key = (target_label, "to") if end == "target" else (source_label, "from")
            if rel == rel_type and end_label == label:
                self._ids[group].update(row[key] for row in rows)

    def note_nodes(self, label: str, rows: Iterable[dict[str, Any]]) -> None:
        """Node rows (with ``id``) of `label`: written again, their properties may have changed."""
        if label in self._feeders:
            ids = {row["id"] for row in rows}
            for group in self._feeders[label]:
                self._fed[(group, label)].update(ids)

    def take(self, rel_types: Collection[str]) -> Touched:
        """The groups read from `rel_types`, moved out into a Touched of their own (this one
        stops gathering for them): a load refreshes those while it goes on writing others."""
        taken = copy.copy(self)
        taken._groups = {g: p for g, p in self._groups.items() if g[1] in rel_types}
        taken._ids = defaultdict(set, {g: self._ids.pop(g) for g in list(self._ids) if g[1] in rel_types})
        taken._fed = defaultdict(set, {k: self._fed.pop(k) for k in list(self._fed) if k[0][1] in rel_types})
        self._groups = {g: p for g, p in self._groups.items() if g not in taken._groups}
        for label, groups in list(self._feeders.items()):
            self._feeders[label] = [g for g in groups if g in self._groups]
        taken._feeders = defaultdict(list)  # it gathers nothing more
        return taken

    def __bool__(self) -> bool:
        return bool(self._groups)

    def parts(self, batch_size: int = 5000, numbered_from: int | None = None) -> list[tuple[str, list[str]]]:
        """(cypher, ids) batches that bring every touched node's derived properties up to date.
        Each reads parameter ``ids``, or ``rows{n}`` numbered from `numbered_from` (for
        ``Store.write_together``)."""
        out: list[tuple[str, list[str]]] = []
        asked = [((group, None), ids) for group, ids in sorted(self._ids.items())]
        for (group, via), ids in asked + sorted(self._fed.items()):
            ordered = sorted(ids)
            for i in range(0, len(ordered), batch_size):
                param = "ids" if numbered_from is None else f"rows{numbered_from + len(out)}"
                cypher = refresh_cypher(group[0], self._groups[group], rows=param, via=via, backend=self._backend)
                out.append((cypher, ordered[i:i + batch_size]))
        return out

    def note_missing(self, store: Store) -> None:
        """Also the nodes that have the relationships but not yet every property: a graph written
        before a property was declared gets it on its next write."""
        for group, props in self._groups.items():
            label = group[0]
            missing = " OR ".join(f"n.{p.name} IS NULL" for p in props)
            cypher = f"MATCH {_feeding(props[0].derived)} WHERE n:{label} AND ({missing}) RETURN DISTINCT n.id"
            found = store.run(cypher, read_only=True).rows
            self._ids[group].update(row[0] for row in found)

    def refresh(self, store: Store, batch_size: int = 5000) -> int:
        """Recompute them now; returns how many nodes were brought up to date. The neighbours of
        nodes written again are looked up first, so a node touched both ways is recomputed once."""
        for (group, via), ids in sorted(self._fed.items()):
            props, ordered = self._groups[group], sorted(ids)
            find = (f"UNWIND $ids AS id MATCH {_feeding(props[0].derived, other=f'o:{via} {{id: id}}')} "
                    f"WHERE n:{group[0]} RETURN DISTINCT n.id")
            for i in range(0, len(ordered), batch_size):
                found = store.run(find, {"ids": ordered[i:i + batch_size]}, read_only=True).rows
                self._ids[group].update(row[0] for row in found)
        self._fed.clear()
        done = 0
        for cypher, ids in self.parts(batch_size):
            done += int(store.run(cypher, {"ids": ids}).scalar() or 0)
        self._ids.clear()
        return done
