"""The read model: what the CLI, the API, the pictures and the report show, built from one store.

Every view is built here and nowhere else. A ``ReadModel`` holds the store and the hub rows
of the process that owns it; it keeps no other state, so two models never see each other's.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from jiandu.graph.ontology import ONTOLOGY
from jiandu.graph.store import Store
from jiandu.ledger import Ledger
from jiandu.queries.library import Answer, NoSuchNode, QueryError, answer, data_day, get
from jiandu.settings import Settings
from jiandu.views.expand import expand, neighbours
from jiandu.views.hubs import PER_NODE, HubRows
from jiandu.views.pinyin import PinyinIndex, is_pinyin_query
from jiandu.views.pinyin import keys as pinyin_keys
from jiandu.views.subgraph import Key, Subgraph

EXCERPT_CONTEXT = 40  # characters of a document quoted on each side of a source span

# result column -> the labels its ids may belong to: how a pattern's rows become a picture
ID_COLUMNS = {
    "leader_id": ("Leader",), "leader_ids": ("Leader",), "top_leader_ids": ("Leader",),
    "unit_id": ("Unit",), "unit_ids": ("Unit",), "party_id": ("Unit",), "parent_id": ("Unit", "Region"),
    "body_id": ("OversightBody",), "case_id": ("Case",), "case_ids": ("Case",), "other_id": ("Case",),
    "clue_ids": ("Clue",), "finding_ids": ("Finding",), "ledger_ids": ("LedgerItem",),
    "region_id": ("Region",), "with_id": tuple(ONTOLOGY.nodes),
}


class Ambiguous(QueryError):
    """A name that fits several nodes: ``candidates`` lists them (id, name)."""

    def __init__(self, message: str, candidates: list[tuple[str, str]]):
        super().__init__(message)
        self.candidates = candidates


@dataclass(frozen=True)
class FileEntry:
    """One line of a leader's file: a post, an act received, a clue, an audit, a finding, a case."""

    section: str
    date: str | None
    until: str | None
    what: str | None
    with_id: str | None
    with_name: str | None
    note: str | None
    sources: list[str] | None = None  # where the tie was read: "FILE#LINE" or "DOC#START-END"


@dataclass(frozen=True)
class LeaderFile:
    """一人一档: the leader's own properties and every entry of the file, by section and date."""

    leader: dict[str, Any]
    entries: list[FileEntry]

    def section(self, name: str) -> list[FileEntry]:
        return [e for e in self.entries if e.section == name]


@dataclass(frozen=True)
class UnitPortrait:
    """单位画像: the unit's own properties, its political-ecology indicators as of a date, and its
    ledger items (most urgent first, with their colour on that date)."""

    unit: dict[str, Any]
    indicators: dict[str, Any]
    as_of: str
    ledger: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class ReadModel:
    store: Store
    hubs: HubRows = field(default_factory=HubRows)
    pinyin: PinyinIndex = field(default_factory=PinyinIndex)
    settings: Settings = field(default_factory=Settings)
    _day: tuple[str | None, str | None] | None = field(default=None, repr=False)  # (version, the data's day)

    # -- search ----------------------------------------------------------------------------
    def search(self, q: str, label: str | None = None, limit: int = 20,
               contains: bool = False) -> list[dict[str, Any]]:
        """Nodes whose name or alias starts with `q`, or whose id is `q`; an ASCII `q` is read as
        pinyin, in full or as initials ("liangr", "lry"). With `contains`, names holding `q`
        anywhere and ids starting with it (a case number) follow, up to `limit`."""
        if is_pinyin_query(q):
            found = self.pinyin.search(self.store, q, label, limit)
            return found + self._containing(q, label, limit - len(found), found) if contains else found
        found = []
        for lb in [label] if label else list(ONTOLOGY.nodes):
            rows = self.store.run(
                f"MATCH (n:{lb}) WHERE n.name STARTS WITH $q OR n.id = $q "
                "OR any(a IN coalesce(n.aliases, []) WHERE a STARTS WITH $q) "
                "RETURN n.id, n.name, n.aliases LIMIT $limit", {"q": q, "limit": limit}, read_only=True).rows
            found += [{"id": i, "label": lb, "name": n, "aliases": a or []} for i, n, a in rows]
        found = found[:limit]
        return found + self._containing(q, label, limit - len(found), found) if contains else found

    def _containing(self, q: str, label: str | None, limit: int, seen: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Nodes whose name holds `q` or whose id starts with it, but for those already `seen`."""
        known = {(hit["label"], hit["id"]) for hit in seen}
        found: list[dict[str, Any]] = []
        for lb in [label] if label else list(ONTOLOGY.nodes):
            if len(found) >= limit:
                break
            rows = self.store.run(
                f"MATCH (n:{lb}) WHERE n.name CONTAINS $q OR n.id STARTS WITH $q "
                "RETURN n.id, n.name, n.aliases LIMIT $limit", {"q": q, "limit": limit + len(known)},
                read_only=True).rows
            found += [{"id": i, "label": lb, "name": n, "aliases": a or []} for i, n, a in rows
                      if (lb, i) not in known]
        return found[:max(limit, 0)]

    def identify(self, label: str, text: str, limit: int = 20) -> str:
        """The id of the one `label` node that `text` names: its id, else its exact name or alias,
        else the only one whose name starts with it, spells it in pinyin (a whole name's spelling or
        initials before a beginning's), or contains it.
        Raises ``Ambiguous`` with the candidates when several fit, QueryError when none does."""
        exact = self.store.run(
            f"MATCH (n:{label}) WHERE n.id = $t OR n.name = $t OR $t IN coalesce(n.aliases, []) "
            "RETURN n.id, n.name, n.id = $t ORDER BY n.id LIMIT $limit", {"t": text, "limit": limit},
            read_only=True).rows
        by_id = [row for row in exact if row[2]]
        if by_id:
            return by_id[0][0]
        found = [(i, n) for i, n, _ in exact]
        if not found:
            found = [(hit["id"], hit["name"]) for hit in self.search(text, label, limit)]
            spelled = text.replace(" ", "").lower()  # a whole name's pinyin beats names it only begins
            whole = [(i, n) for i, n in found if spelled in pinyin_keys(n)]
            found = whole if len(whole) == 1 else found
        if not found:
            found = [tuple(row) for row in self.store.run(
                f"MATCH (n:{label}) WHERE n.name CONTAINS $t RETURN n.id, n.name ORDER BY n.id LIMIT $limit",
                {"t": text, "limit": limit}, read_only=True).rows]
        if len(found) == 1:
            return found[0][0]
        if not found:
            raise NoSuchNode(f"没有名为或编号为 {text!r} 的 {label} (no {label} with this id or name)")
        listed = "; ".join(f"{i} {n}" for i, n in found)
        raise Ambiguous(f"{text!r} 对应多个 {label}，请用 id (several match; use an id): {listed}", found)

    # -- neighbourhoods ------------------------------------------------------------------
    def neighbourhood(self, label: str, node_id: str, depth: int = 1, types: set[str] | None = None,
                      limit: int = 500, per_node: int | None = PER_NODE, version: str | None = None) -> Subgraph:
        """A node and everything within `depth` hops (1–3), optionally only through `types`."""
        if not 1 <= depth <= 3:
            raise QueryError("depth 应为 1–3 (depth must be 1 to 3)")
        seed = (label, node_id)
        sub = Subgraph(version=version or self.store.version())
        frontier = self._expand(sub, {seed}, types, limit, per_node)  # the first hop brings the seed along
        if seed not in sub.nodes:  # no relationships (of `types`), or no such node: the seed alone
            return self._seed(label, node_id, sub.version)
        sub.highlight.add(seed)
        for _ in range(depth - 1):
            if not frontier:
                break
            frontier = self._expand(sub, frontier, types, limit, per_node)
        return sub

    def unit_tree(self, unit_id: str, limit: int = 500, version: str | None = None) -> Subgraph:
        """A unit, its superiors and subordinates (two levels each way), their leaders and overseers."""
        sub = self._seed("Unit", unit_id, version)
        units = set(sub.highlight)
        frontier = set(units)
        for _ in range(2):
            frontier = {k for k in self._expand(sub, frontier, {"SUBORDINATE_TO"}, limit) if k[0] == "Unit"}
            units |= frontier
        self._expand(sub, units, {"HOLDS_POST", "OVERSEES"}, limit)
        return sub

    def case_network(self, case_id: str, limit: int = 500, version: str | None = None) -> Subgraph:
        """A case, the cases linked to it (case_links), and the people, units and clues of both."""
        sub = self._seed("Case", case_id, version)
        linked = answer("case_links", self.store, {"case_id": case_id}).result.records()
        cases = set(sub.highlight) | {("Case", r["other_id"]) for r in linked}
        self._add_nodes(sub, "Case", sorted(k[1] for k in cases - sub.highlight), limit)
        sub.highlight |= cases
        people = self._expand(sub, cases, {"INVOLVED_IN", "CONCERNS", "LED_TO", "HANDLES"}, limit)
        # the posts behind an overlapping-tenure link
        self._expand(sub, {k for k in people if k[0] == "Leader"}, {"HOLDS_POST"}, limit)
        return sub

    def path(self, start: Key, end: Key, max_hops: int = 4, limit: int = 5000,
             version: str | None = None) -> Subgraph:
        """A shortest path between two nodes (either direction), found breadth-first hop by hop."""
        seen = self._seed(*start, version)
        self._seed(*end, seen.version)  # both must exist
        parent: dict[Key, tuple[Key, tuple] | None] = {start: None}
        frontier = {start}
        for _ in range(max_hops):
            new = self._expand(seen, frontier, None, limit)
            for edge in seen.edges:
                s, _r, t, _ = edge
                for here, there in ((s, t), (t, s)):
                    if here in frontier and there in new and there not in parent:
                        parent[there] = (here, edge)
            if end in parent or not new:
                break
            frontier = new
        sub = Subgraph()
        sub.add_node(end[0], seen.nodes.get(end) or {"id": end[1]})
        sub.add_node(start[0], seen.nodes[start])
        sub.highlight = {start, end}
        step = end
        while parent.get(step) is not None:
            previous, edge = parent[step]
            sub.add_node(previous[0], seen.nodes[previous])
            sub.add_node(step[0], seen.nodes[step])
            sub.edges[edge] = seen.edges[edge]
            sub.highlight.add(step)
            step = previous
        return sub

    def degrees(self, label: str, node_id: str) -> dict[str, int]:
        """How many relationships of each type touch a node: what expanding it by type would bring."""
        rows = self.store.run(f"MATCH (n:{label} {{id: $id}})-[r]-() RETURN type(r), count(r)", {"id": node_id},
                              read_only=True).rows
        return {rtype: count for rtype, count in sorted(rows)}

    def induced(self, keys: list[Key], limit: int = 5000, version: str | None = None) -> Subgraph:
        """The nodes `keys` names and every relationship among them: a saved view, reopened."""
        sub = Subgraph(version=version or self.store.version())
        by_label: dict[str, list[str]] = defaultdict(list)
        for label, node_id in keys[:limit]:
            if label in ONTOLOGY.nodes:
                by_label[label].append(node_id)
        for label, ids in sorted(by_label.items()):
            self._add_nodes(sub, label, sorted(set(ids)), limit)
        present = {label: sorted(i for lb, i in sub.nodes if lb == label) for label in by_label}
        for label, ids in sorted(present.items()):
            if not ids:
                continue
            rows = self.store.run(
                f"UNWIND $ids AS i MATCH (n:{label} {{id: i}})-[r]->(m) WHERE m.id IN $all "
                "RETURN type(r), properties(r), labels(m)[0], m.id, n.id",
                {"ids": ids, "all": sorted({i for _, i in sub.nodes})}, read_only=True).rows
            for rtype, rprops, mlabel, mid, nid in rows:
                if (mlabel, mid) in sub.nodes:
                    sub.edges[((label, nid), rtype, (mlabel, mid), str(rprops.get("id") or ""))] = rprops
        return sub

    # -- named patterns ------------------------------------------------------------------
    def data_day(self) -> str | None:
        """The latest date the data has seen (``queries.library.data_day``), read once per graph version."""
        version = self.store.version()
        if self._day is None or version is None or self._day[0] != version:
            self._day = (version, data_day(self.store))
        return self._day[1]

    def pattern(self, name: str, params: dict[str, Any] | None = None) -> Answer:
        """A named query's answer: the query, the parameters in force, and its rows."""
        given = params or {}
        latest = self.data_day() if get(name).needs_latest(given) else None
        return answer(name, self.store, given, latest)

    def pattern_graph(self, found: Answer, limit: int = 500, version: str | None = None) -> Subgraph:
        """The nodes an answer names (highlighted), with the relationships among and around them."""
        wanted: dict[str, set[str]] = defaultdict(set)
        for record in found.result.records():
            for column, labels in ID_COLUMNS.items():
                value = record.get(column)
                for node_id in value if isinstance(value, list) else [value]:
                    if node_id is not None:
                        for label in labels:
                            wanted[label].add(node_id)
        sub = Subgraph(version=version or self.store.version(), as_of=found.as_of)
        for label, ids in wanted.items():
            self._add_nodes(sub, label, sorted(ids), limit, highlight=True)
        self._expand(sub, set(sub.highlight), None, limit)
        return sub

    # -- dossiers --------------------------------------------------------------------------
    def leader_file(self, leader_id: str) -> LeaderFile:
        """一人一档 from the leader_dossier query, with the leader's own properties."""
        leader = self._seed("Leader", leader_id).nodes[("Leader", leader_id)]
        rows = self.pattern("leader_dossier", {"leader_id": leader_id}).result.records()
        return LeaderFile(leader, [FileEntry(**row) for row in rows])

    def unit_portrait(self, unit_id: str, params: dict[str, Any] | None = None) -> UnitPortrait:
        """单位画像 from the unit_portrait query, with the unit's own properties."""
        unit = self._seed("Unit", unit_id).nodes[("Unit", unit_id)]
        found = self.pattern("unit_portrait", {**(params or {}), "unit_id": unit_id})
        rows = found.result.records()
        items = Ledger(self.store, self.settings).list(unit=unit_id, as_of=found.params["as_of"], limit=None).items
        return UnitPortrait(unit, rows[0] if rows else {}, found.params["as_of"], [i.as_json() for i in items])

    def excerpt(self, source: str, context: int = EXCERPT_CONTEXT) -> dict[str, Any] | None:
        """The text a "DOC#START-END[,START-END…]" source points at, with `context` characters each
        side, from the Document node's stored text; None for a record's "FILE#L12" or an unknown document."""
        name, _, spans = source.rpartition("#")
        found = [(int(a), int(b)) for a, b in (part.split("-", 1) for part in spans.split(",")
                                                  if part.count("-") == 1 and part.replace("-", "").isdigit())]
        if not name or not found:
            return None
        rows = self.store.run("MATCH (d:Document {origin: $name}) RETURN d.id, d.name, d.text LIMIT 1", {"name": name},
                              read_only=True).rows
        if not rows or rows[0][2] is None:
            return None
        doc_id, title, text = rows[0]
        return {"document": doc_id, "title": title, "spans": [
            {"start": a, "end": b, "before": text[max(a - context, 0):a], "text": text[a:b],
             "after": text[b:b + context]} for a, b in found if 0 <= a <= b <= len(text)]}

    # -- hubs ------------------------------------------------------------------------------
    def warm_hubs(self, version: str) -> bool:
        """Count every hub of the graph at `version` ahead of the views (see ``HubRows.warm``)."""
        return self.hubs.warm(self.store, version, neighbours)

    # -- building blocks -----------------------------------------------------------------
    def _expand(self, sub: Subgraph, frontier: set[Key], types: set[str] | None, limit: int,
                per_node: int | None = PER_NODE) -> set[Key]:
        return expand(self.store, sub, frontier, types, limit, per_node, self.hubs)

    def _seed(self, label: str, node_id: str, version: str | None = None) -> Subgraph:
        """The subgraph holding one node; `version` is the store's, when the caller has read it already."""
        row = self.store.run(f"MATCH (n:{label} {{id: $id}}) RETURN properties(n)", {"id": node_id},
                             read_only=True).rows
        if not row:
            raise NoSuchNode(f"没有 id 为 {node_id!r} 的 {label} (no {label} with this id)")
        sub = Subgraph(version=version or self.store.version())
        sub.highlight.add(sub.add_node(label, row[0][0]))
        return sub

    def _add_nodes(self, sub: Subgraph, label: str, ids: list[str], limit: int, highlight: bool = False) -> None:
        rows = self.store.run(f"UNWIND $ids AS i MATCH (n:{label} {{id: i}}) RETURN properties(n)", {"ids": ids},
                              read_only=True).rows
        for (props,) in rows:
            if len(sub.nodes) >= limit:
                sub.left_out += 1
                continue
            key = sub.add_node(label, props)
            if highlight:
                sub.highlight.add(key)
