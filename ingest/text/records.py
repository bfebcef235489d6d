"""Turn one document's extraction into graph records and write them, merged with the graph.

Merging rules:
- an organisation is the node already in the graph with the same name (its formal name or any
  form the document wrote), else a new node keyed by its formal name;
- a person is the Leader already in the graph with the same name who holds a post in the same
  unit; else a new Leader keyed by name and unit, so two documents naming the same person in the
  same unit meet in one node. Masked names (郝某某) are keyed by name, unit and case, and a
  person with neither unit nor case by name and document: never merged by name alone;
- reporters and complainants are never written (a complainant's identity is protected);
- every node and relationship gets ``DOC#start-end`` in its ``sources`` and a MENTIONED_IN
  link to the Document node.

Every record is built and validated before anything is written, and the whole document is
written in one statement (``Store.write_together``), so a document that fails leaves nothing
behind.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

from jiandu.graph.derived import Touched
from jiandu.graph.ontology import ONTOLOGY, FieldError
from jiandu.graph.store import Store
from jiandu.ingest.loader import SPAN_SOURCE, node_merge_cypher, rel_merge_cypher
from jiandu.ingest.text.extract import Extraction
from jiandu.ingest.text.lexicon import TOP_TITLES
from jiandu.ingest.text.organisations import Org
from jiandu.ingest.text.places import Place
from jiandu.ingest.validate import node_row, rel_row

_COMMITTEE_TITLES = ("常委", "党组书记", "党组副书记", "党组成员", "党委书记", "党委副书记")
_SUPERVISED_KINDS = set(ONTOLOGY.relationship("SUPERVISED").properties["kind"].values or ())


def _digest(*parts: str) -> str:
    return hashlib.blake2b("\x1f".join(parts).encode("utf-8"), digest_size=6).hexdigest()


def _graph_date(date: str | None) -> tuple[str | None, str | None]:
    """An act's date as the graph's ISO date, with a note when the text gave only the month
    ("2024-03" → 2024-03-01); None for none, or a day without its year."""
    if not date or date.startswith("-"):
        return None, None
    if len(date) == 7:
        return date + "-01", "日期仅到月份 (the text gives the month only)"
    return date, None


def _at(spans: list[tuple[int, int]] | tuple[int, int]) -> str:
    if spans and isinstance(spans[0], int):
        spans = [spans]  # type: ignore[list-item]
    return ",".join(f"{s}-{e}" for s, e in spans[:20])  # type: ignore[misc]


@dataclass
class GraphIndex:
    """What the graph already holds that a document may refer to."""
    units: dict[str, tuple[str, str]] = field(default_factory=dict)    # name or alias → (label, id)
    leaders: dict[tuple[str, str], str] = field(default_factory=dict)  # (name, unit id) → leader id
    # (leader id, unit id) → the tenures the graph records there: (relationship id, title)
    posts: dict[tuple[str, str], list[tuple[str, str]]] = field(default_factory=dict)
    regions: dict[tuple[str, str], str] = field(default_factory=dict)  # (name, level) → region id

    @classmethod
    def load(cls, store: Store, names: list[str], people: list[str], regions: list[dict]) -> GraphIndex:
        """``regions``: the graph's Region records (``graph_regions``), read once per ingest run."""
        index = cls(regions={(r["name"], r["level"]): r["id"] for r in reversed(regions)})
        wanted = set(names)
        for label in ("Unit", "OversightBody"):
            # one scan per label: the graph's aliases (岭湖镇党委) are how reports write names
            rows = store.run(f"MATCH (n:{label}) WHERE n.name IN $names OR "
                             "any(a IN coalesce(n.aliases, []) WHERE a IN $names) RETURN n.name, n.aliases, n.id",
                             {"names": names}, read_only=True).rows if names else []
            for name, aliases, node_id in rows:
                for known in (name, *(aliases or [])):
                    if known in wanted:
                        index.units.setdefault(known, (label, node_id))
        if people:
            rows = store.run("UNWIND $names AS nm MATCH (l:Leader {name: nm})-[p:HOLDS_POST]->(u) "
                             "RETURN nm, u.id, l.id, p.id, p.title", {"names": people}, read_only=True).rows
            for name, unit, leader, post_id, title in rows:
                index.leaders[(name, unit)] = leader
                index.posts.setdefault((leader, unit), []).append((post_id, title or ""))
        return index


def graph_regions(store: Store) -> list[dict]:
    """The graph's Region records: id, name, level, parent, code."""
    return [dict(zip(("id", "name", "level", "parent", "code"), row, strict=True)) for row in store.run(
        "MATCH (r:Region) RETURN r.id, r.name, r.level, r.parent, r.code", read_only=True).rows]


_BODY_KIND = (("纪检监察组", "派驻纪检监察组"), ("巡察", "巡察机构"), ("审计", "审计机关"), ("组织部", "组织部"),
              ("信访", "信访部门"), ("纪", "纪委监委"), ("监察委员会", "纪委监委"))


def _unit_kind(org: Org) -> str | None:
    if org.kind == "party_committee":
        return "党委"
    if org.kind == "government_department":
        return "政府" if org.name.endswith("人民政府") else "部门"
    if org.kind == "court_procuratorate_police":
        return "政法机关"
    if org.kind == "village_or_community":
        return "村"
    if org.kind == "soe":
        return "国企"
    return None


class DocumentRecords:
    """The records of one document: nodes and relationships, ready for the loader's merges."""

    def __init__(self, extraction: Extraction, index: GraphIndex):
        self.ex = extraction
        self.index = index
        self.doc = extraction.document
        self.nodes: dict[tuple[str, str], dict[str, Any]] = {}
        self.rels: list[dict[str, Any]] = []
        self.known_rels: list[dict[str, Any]] = []  # relationships the graph has: only provenance is added
        self.org_ids: dict[str, tuple[str, str]] = {}
        self.doc_id = "D" + self.doc.sha256[:16]
        self._node("Document", self.doc_id, {"name": self.doc.title or self.doc.name,
                                            "published": self.doc.published, "origin": self.doc.name,
                                            "sha256": self.doc.sha256, "text": self.doc.text},
                   (0, len(self.doc.text)))
        for org in extraction.orgs.by_name.values():
            if org.spans:
                self._org(org)
        person_ids = self._people()
        self._cases(person_ids)
        self._acts(person_ids)

    # -- building blocks -----------------------------------------------------------------------
    def _node(self, label: str, node_id: str, props: dict[str, Any], spans, *, mention: bool = False) -> None:
        key = (label, node_id)
        if key not in self.nodes:
            self.nodes[key] = {"label": label, "id": node_id, **{k: v for k, v in props.items() if v is not None},
                               "_at": _at(spans)}
        if mention:
            self._rel("MENTIONED_IN", (label, node_id), ("Document", self.doc_id), {}, spans)

    def _rel(self, rtype: str, source: tuple[str, str], target: tuple[str, str], props: dict[str, Any], spans) -> None:
        self.rels.append({"type": rtype, "from": source[1], "from_label": source[0], "to": target[1],
                          "to_label": target[0], **{k: v for k, v in props.items() if v is not None},
                          "_at": _at(spans)})

    def _region(self, place: Place | None) -> tuple[str, str] | None:
        if place is None:
            return None
        known = self.index.regions.get((place.name, place.level))
        if known is not None:
            return ("Region", known)
        parent = self._region(place.parent)
        rid = "R" + (place.code if "/" not in place.code else _digest(place.code))
        if ("Region", rid) not in self.nodes:
            self._node("Region", rid, {"name": place.name, "level": place.level, "code": place.code.split("/")[0]
                                      if place.level != "乡" else None, "parent": parent[1] if parent else None},
                       (0, 0))
            if parent is not None:
                self._rel("PART_OF", ("Region", rid), parent, {}, (0, 0))
        return ("Region", rid)

    def _org(self, org: Org) -> tuple[str, str] | None:
        if org.name in self.org_ids:
            return self.org_ids[org.name]
        known = next((self.index.units[n] for n in (org.name, *org.aliases) if n in self.index.units), None)
        unit_kind = _unit_kind(org)
        if known is not None:
            key = known
            self._node(key[0], key[1], {}, org.spans, mention=True)  # keep what the graph says; add provenance
        elif org.kind == "oversight_body":
            kind = next((k for word, k in _BODY_KIND if word in org.name), "其他")
            key = ("OversightBody", "OT" + _digest(org.name))
            self._node(key[0], key[1], {"name": org.name, "aliases": org.aliases, "kind": kind,
                                        "level": org.place.level if org.place else None}, org.spans, mention=True)
        elif unit_kind is not None:
            key = ("Unit", "UT" + _digest(org.name))
            level = "村" if unit_kind == "村" else (org.place.level if org.place else None)
            self._node(key[0], key[1], {"name": org.name, "aliases": org.aliases, "kind": unit_kind,
                                        "admin_level": level}, org.spans, mention=True)
        else:
            return None  # newspapers, committees of the whole: named, but not units anyone supervises
        region = self._region(org.place)
        if region is not None and known is None:
            self.nodes[key]["region"] = region[1]
            self._rel("IN_REGION", key, region, {}, org.spans[:1])
        self.org_ids[org.name] = key
        return key

    # -- people, cases, acts ---------------------------------------------------------------
    def _people(self) -> dict[str, tuple[str, str]]:
        case_of = {name: case.label for case in self.ex.events.cases for name in case.persons}
        ids: dict[str, tuple[str, str]] = {}
        for person in self.ex.people.persons():
            if person.role != "subject":
                continue  # reporters are not subjects; complainants are never stored
            units = [(post, self._org(post.unit)) for post in person.posts if post.unit is not None]
            unit_ids = [key[1] for _, key in units if key is not None]
            leader = next((self.index.leaders[(person.name, u)] for u in unit_ids
                           if (person.name, u) in self.index.leaders), None)
            if leader is None:
                if person.masked:
                    anchor = ["masked", *unit_ids[:1], case_of.get(person.name, ""), "" if unit_ids or
                              person.name in case_of else self.doc.sha256]
                elif unit_ids:
                    anchor = ["unit", unit_ids[0]]
                else:
                    anchor = ["doc", self.doc.sha256, case_of.get(person.name, "")]
                # an official has a post or a case; anyone else named (a briber, 承包商刘某某) is a Person
                label = "Leader" if person.posts or person.name in case_of else "Person"
                leader = ("LT" if label == "Leader" else "PT") + _digest(person.name, *anchor)
                self._node(label, leader, {"name": person.name, "masked": person.masked}, person.spans,
                           mention=True)
            else:
                label = "Leader"
                self._node(label, leader, {}, person.spans, mention=True)
            ids[person.name] = (label, leader)
            for post, unit in units:
                if unit is None or unit[0] not in ("Unit", "OversightBody"):
                    continue
                titles = post.titles
                known = self._known_post(leader, unit[1], titles)
                if known is not None:  # the tenure the graph records: add provenance, keep its facts
                    self.known_rels.append({"type": "HOLDS_POST", "id": known, "from": leader, "from_label": "Leader",
                                            "to": unit[1], "to_label": unit[0], "_at": _at(person.spans[:1])})
                    continue
                self._rel("HOLDS_POST", ("Leader", leader), unit, {
                    "title": "、".join(titles), "former": post.former,
                    "top_leader": any(t in TOP_TITLES for t in titles) and unit[0] == "Unit",
                    "committee": any(t in _COMMITTEE_TITLES for t in titles)}, person.spans[:1])
        return ids

    def _known_post(self, leader: str, unit: str, titles: list[str]) -> str | None:
        """The id of the tenure the graph already records for this leader in this unit under one
        of these titles (a report rarely gives the start date that keys a structured record)."""
        wanted = set(titles)
        for post_id, title in self.index.posts.get((leader, unit), []):
            if post_id and wanted & set(title.split("、")):
                return post_id
        return None

    def _cases(self, person_ids: dict[str, tuple[str, str]]) -> None:
        for case in self.ex.events.cases:
            key = ("Case", "CT" + _digest(case.label))
            self._node("Case", key[1], {"name": case.label}, case.span, mention=True)
            for name in case.persons:
                if name in person_ids and person_ids[name][0] == "Leader":
                    self._rel("INVOLVED_IN", person_ids[name], key, {"role": "主要涉案人"}, case.span)
            for unit in case.units:
                org = self.ex.orgs.by_name.get(unit)
                target = self._org(org) if org else None
                if target is not None and target[0] == "Unit":
                    self._rel("CONCERNS", key, target, {}, case.span)
            for handler in case.handled_by:
                org = self.ex.orgs.by_name.get(handler)
                body = self._org(org) if org else None
                if body is not None and body[0] == "OversightBody":
                    self._rel("HANDLES", body, key, {}, case.span)

    def _sanction(self, act, person_ids: dict[str, tuple[str, str]]) -> None:
        """给予张三开除党籍处分 / 移送检察机关: a sanction on a leader in this document's case."""
        leader = person_ids.get(act.target_ref or "") if act.target_kind == "person" else None
        case = next((c for c in self.ex.events.cases if act.target_ref in c.persons), None)
        if leader is None or leader[0] != "Leader" or case is None:
            return
        if act.type == "移送检察机关":
            kind = "移送检察机关"
        else:
            kind = "政务处分" if ("公职" in act.quote or "政务" in act.quote) and "党" not in act.quote else "党纪处分"
        self._rel("SANCTIONED", leader, ("Case", "CT" + _digest(case.label)),
                  {"kind": kind, "date": _graph_date(act.date)[0]}, act.span)

    def _acts(self, person_ids: dict[str, tuple[str, str]]) -> None:
        for act in self.ex.events.acts:
            if act.type in ("处分", "移送检察机关"):
                self._sanction(act, person_ids)
                continue
            date, note = _graph_date(act.date)
            if date is None:
                date, note = self.doc.published, "日期为报道发布日期 (date of the report)"
            if act.type not in _SUPERVISED_KINDS or date is None or act.actor_ref is None:
                continue  # the graph needs a kind it knows, a date and an actor; the extraction keeps the rest
            actor_org = self.ex.orgs.by_name.get(act.actor_ref)
            actor = self._org(actor_org) if actor_org else None
            if act.target_kind == "person":
                target = person_ids.get(act.target_ref or "")  # a Person is not supervised: skipped below
            elif act.target_kind == "organization":
                org = self.ex.orgs.by_name.get(act.target_ref or "")
                target = self._org(org) if org else None
            else:
                target = None
            if actor is None or actor[0] != "OversightBody" or target is None or target[0] not in ("Leader", "Unit"):
                continue
            self._rel("SUPERVISED", actor, target, {"kind": act.type, "date": date, "note": note}, act.span)

    # -- validation -----------------------------------------------------------------------
    def rows(self) -> tuple[dict[str, list[dict]], dict[tuple[str, str, str], list[dict]]]:
        """Validated loader rows grouped for the merges; raises FieldError on the first bad one."""
        nodes: dict[str, list[dict]] = {}
        for record in self.nodes.values():
            at = record.pop("_at")
            if set(record) <= {"label", "id"}:  # a node the graph already has: only provenance is added
                nodes.setdefault(record["label"], []).append({"id": record["id"], "p": {}, "line": 0, "at": at})
                continue
            row = node_row(record, None, 0)
            row.row["at"] = at
            nodes.setdefault(row.label, []).append(row.row)
        rels: dict[tuple[str, str, str], list[dict]] = {}
        for record in self.rels:
            at = record.pop("_at")
            row = rel_row(record, None, 0)
            row.row["at"] = at
            rels.setdefault((row.type, row.source_label, row.target_label), []).append(row.row)
        for record in self.known_rels:
            rels.setdefault((record["type"], record["from_label"], record["to_label"]), []).append(
                {"id": record["id"], "from": record["from"], "to": record["to"], "p": {}, "line": 0,
                 "at": record["_at"]})
        return nodes, rels


def write_document(store: Store, extraction: Extraction, index: GraphIndex) -> tuple[int, int]:
    """Build, validate, then write one document's records. Returns (nodes, relationships) written."""
    records = DocumentRecords(extraction, index)
    try:
        nodes, rels = records.rows()
    except FieldError as exc:
        raise ValueError(f"{extraction.document.name}: 抽取结果未通过校验 (extracted record failed validation): "
                         f"{exc.field}: {exc}") from None
    parts = [(node_merge_cypher(label, source=SPAN_SOURCE, rows=f"rows{i}"), rows)
             for i, (label, rows) in enumerate(nodes.items())]
    parts += [(rel_merge_cypher(rtype, source, target, provenance=SPAN_SOURCE, rows=f"rows{len(parts) + i}"), rows)
              for i, ((rtype, source, target), rows) in enumerate(rels.items())]
    touched = Touched(backend=store.backend)
    for label, rows in nodes.items():
        touched.note_nodes(label, rows)
    for (rtype, source, target), rows in rels.items():
        touched.note(rtype, source, target, rows)
    derived = touched.parts(numbered_from=len(parts))  # in the same statement: all lands or none
    written = store.write_together(parts + derived, src=extraction.document.name)
    return sum(written[:len(nodes)]), sum(written[len(nodes):len(parts)])
