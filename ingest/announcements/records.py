"""Lists → graph records. An announcement row gives a Leader, a Case (its status and date),
INVOLVED_IN, each post's Unit with its Region chain, and HOLDS_POST with the former flag, the rank
and the announcement date; a tenure row (name,post,unit,region,start,end) gives the Leader, the
Unit and its Region chain, and HOLDS_POST with its dates. Every record carries its row
("FILE#L12") as provenance.

Ids come from the content, so importing the same list again changes nothing. Units are named by
``unit_name`` (衡阳市委 and 中共衡阳市委员会 are one unit) and regions by their code, so two lists
that name the same unit meet in one node. Within a list a person is keyed by name and first unit;
a masked name (王某) by the row as well: two 王某 are never taken for one. Across sources, people
meet through ``jiandu.ingest.resolution``.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jiandu.graph.store import Store
from jiandu.ingest import resolution
from jiandu.ingest.announcements.parse import Announcement, Rejected, clean_date, clean_name, parse_row, rank_base
from jiandu.ingest.announcements.position import is_top, read_places, unit_name
from jiandu.ingest.announcements.table import TENURE_FIELDS, Row, read_table
from jiandu.ingest.loader import IngestReport, Records, Reject, ingest, keep_reject, source_name
from jiandu.ingest.text.lexicon import MASK
from jiandu.ingest.text.load import known_places
from jiandu.ingest.text.places import Gazetteer, Place
from jiandu.ingest.text.records import _digest as digest

_UNIT_KINDS = (("人民代表大会", "人大"), ("人大", "人大"), ("政治协商会议", "政协"), ("政协", "政协"),
               ("人民政府", "政府"), ("法院", "政法机关"), ("检察院", "政法机关"), ("公安", "政法机关"),
               ("银行", "国企"), ("集团", "国企"), ("公司", "国企"), ("村", "村"), ("镇", "乡镇"), ("乡", "乡镇"),
               ("局", "部门"), ("厅", "部门"), ("委员会", "部门"), ("委", "部门"), ("办公室", "部门"), ("办", "部门"))
_BODY_WORDS = ("纪律检查", "纪委", "监察委员会", "监委")


def unit_kind(name: str) -> str:
    if name.startswith("中共") and name.endswith("委员会"):
        return "党委"
    return next((kind for word, kind in _UNIT_KINDS if word in name), "事业单位")


def announced(date: str | None) -> tuple[str | None, str | None]:
    """(ISO date, precision) of a YYYY, YYYY-MM or YYYY-MM-DD text; a day that does not exist
    (2014-02-30) keeps its month."""
    if not date:
        return None, None
    parts = date.split("-")
    if len(parts) == 3:
        try:
            return dt.date(*map(int, parts)).isoformat(), "day"
        except ValueError:
            parts = parts[:2]
    if len(parts) == 2:
        return f"{parts[0]}-{parts[1]}-01", "month"
    return f"{parts[0]}-01-01", "year"


class ListRecords:
    """The records of one list, gathered row by row; nodes once each, by id; and the people it
    names, for resolution."""

    def __init__(self, source: str, gaz: Gazetteer):
        self.source = source
        self.gaz = gaz
        self.nodes: dict[tuple[str, str], dict[str, Any]] = {}
        self.rels: dict[tuple[str, ...], dict[str, Any]] = {}
        self.mentions: dict[str, resolution.Mention] = {}

    def items(self) -> list[dict[str, Any]]:
        return [*self.nodes.values(), *self.rels.values()]

    def _at(self, row: int) -> str:
        return f"{self.source}#L{row}"

    def _node(self, label: str, node_id: str, row: int, **props: Any) -> tuple[str, str]:
        node = self.nodes.setdefault((label, node_id), {"label": label, "id": node_id, "sources": []})
        node.update({k: v for k, v in props.items() if v is not None and k not in node})
        if self._at(row) not in node["sources"]:
            node["sources"].append(self._at(row))
        return label, node_id

    def _rel(self, rtype: str, a: tuple[str, str], b: tuple[str, str], row: int, **props: Any) -> None:
        key = (rtype, a[1], b[1], str(props.get("title", "")), str(props.get("start", "")))
        rel = self.rels.setdefault(key, {"type": rtype, "from": a[1], "from_label": a[0], "to": b[1],
                                         "to_label": b[0], "sources": []})
        rel.update({k: v for k, v in props.items() if v is not None and k not in rel})
        if self._at(row) not in rel["sources"]:
            rel["sources"].append(self._at(row))

    def _region(self, place: Place, row: int) -> tuple[str, str]:
        rid = self.gaz.graph_ids.get(place) or "R" + (place.code if "/" not in place.code else digest(place.code))
        parent = self._region(place.parent, row) if place.parent is not None else None
        if parent is not None and parent[1] == rid:
            return parent  # a city without counties lists itself as its own county (东莞市): one region
        key = self._node("Region", rid, row, name=place.name, level=place.level,
                         code=place.code.split("/")[0] if place.level != "乡" else None,
                         parent=parent[1] if parent else None)
        if parent is not None:
            self._rel("PART_OF", key, parent, row)
        return key

    def _place(self, a: Announcement) -> Place | None:
        """The deepest place the row names (its columns, as parsed), found in the gazetteer."""
        chain: Place | None = None
        for name, level in ((a.province, "省"), (a.prefecture, "市"), (a.county, "县")):
            if not name:
                continue
            options = [p for p in self.gaz.candidates(name) + self.gaz.candidates(name, short=True)
                       if p.level == level and (chain is None or chain in p.chain())]
            if len(options) == 1 or (options and chain is not None):
                chain = options[0]
        return chain

    def _unit(self, written: str, place: Place | None, row: int) -> tuple[str, str]:
        name = unit_name(written, self.gaz, place.chain() if place else None)
        label = "OversightBody" if any(w in name for w in _BODY_WORDS) else "Unit"
        uid = ("OT" if label == "OversightBody" else "UT") + digest(name)
        props = {"kind": "纪委监委"} if label == "OversightBody" else {"kind": unit_kind(name)}
        level = place.level if place is not None else None
        region = self._region(place, row) if place is not None else None
        unit = self._node(label, uid, row, name=name, aliases=[written] if written != name else None,
                          region=region[1] if region else None,
                          **({"level": level} if label == "OversightBody" else {"admin_level": level}), **props)
        if region is not None:
            self._rel("IN_REGION", unit, region, row)
        return unit

    def _mention(self, leader: tuple[str, str], name: str, masked: bool, place: Place | None, row: int,
                 post: resolution.Post | None) -> None:
        m = self.mentions.setdefault(leader[1], resolution.Mention(
            leader[1], name, masked, {p.level: p.name for p in place.chain()} if place else {}, [], []))
        if self._at(row) not in m.rows:
            m.rows.append(self._at(row))
        if post is not None:
            m.posts.append(post)

    def add(self, a: Announcement) -> None:
        place = self._place(a)
        units = [(self._unit(post["as_written"], place, a.row), post) for post in a.posts if post["unit"]]
        anchor = [units[0][0][1]] if units else [a.position]
        if a.masked:
            anchor += [self.source, str(a.row)]
        leader = self._node("Leader", "LA" + digest(a.name, *anchor), a.row, name=a.name, masked=a.masked,
                            gender=a.gender if a.gender in ("男", "女") else None)
        self._mention(leader, a.name, a.masked, place, a.row, None)
        day, precision = announced(a.date)
        case = self._node("Case", "CA" + digest(a.name, a.position, a.date or "", a.status or "", *anchor[1:]), a.row,
                          name=f"{a.name}（{a.position}）{a.status or '通报'}", status=a.status, announced=day,
                          rank=rank_base(a.rank),
                          announced_precision=precision, outcome=a.reason)
        self._rel("INVOLVED_IN", leader, case, a.row, role="主要涉案人")
        for unit, post in units:
            self._rel("CONCERNS", case, unit, a.row)
            top = unit[0] == "Unit" and any(map(is_top, post["titles"]))
            self._rel("HOLDS_POST", leader, unit, a.row, title="、".join(post["titles"]) or "职务不明",
                      former=post["former"], rank=a.rank, top_leader=top, announced=day)
            self._mention(leader, a.name, a.masked, place, a.row, resolution.Post(
                self.nodes[unit]["name"], tuple(post["titles"]),
                resolution.span(announced=a.date, former=post["former"])))

    def add_tenure(self, row: Row) -> Reject | None:
        """One tenure row; a Reject naming the field when it cannot be used."""
        cells = row.cells
        name, gender = clean_name(cells.get("name", ""))
        for key, value in (("name", name), ("post", cells.get("post", "").strip()),
                           ("unit", cells.get("unit", "").strip())):
            if not value:
                return Reject(self.source, row.number, key, f"{key} 为空 ({key} is empty)", cells)
        start, end = clean_date(cells.get("start", "")), clean_date(cells.get("end", ""))
        for key, raw, value in (("start", cells.get("start", ""), start), ("end", cells.get("end", ""), end)):
            if raw.strip() and value is None:
                return Reject(self.source, row.number, key, f"日期无法识别 (not a date): {raw!r}", cells)
        places, _, _ = read_places(re.sub(r"\s+", "", cells.get("region", "")), self.gaz, [])
        place = places[-1] if places else None
        unit = self._unit(cells["unit"].strip(), place, row.number)
        masked = MASK in name
        anchor = [unit[1]] + ([self.source, str(row.number)] if masked else [])
        leader = self._node("Leader", "LT" + digest(name, *anchor), row.number, name=name, masked=masked,
                            gender=gender)
        titles = [t for t in re.split(r"[、，,；;]", cells["post"]) if t.strip()]
        self._rel("HOLDS_POST", leader, unit, row.number, title="、".join(titles),
                  top_leader=unit[0] == "Unit" and any(map(is_top, titles)),
                  start=announced(start)[0], end=announced(end)[0])
        self._mention(leader, name, masked, place, row.number, resolution.Post(
            self.nodes[unit]["name"], tuple(titles), resolution.span(start, end)))
        return None


@dataclass
class ListImport:
    report: IngestReport
    resolution: resolution.Resolution
    undone: list[tuple[str, str]]


def import_list(store: Store, path: Path, *, source: str | None = None, rejects_dir: Path,
                rules: Path | None = None, tenures: bool = False) -> ListImport:
    """Parse the list at ``path`` (an announcement list, or with ``tenures`` a tenure list) and
    write it, its people merged with the graph's where they agree (``rules``: the rules file);
    rejected rows are kept in the report's rejects file."""
    store.ensure_schema()
    gaz = known_places(store).gazetteer  # the graph's own regions too: its places keep their ids
    name = source or source_name(path)
    records = ListRecords(name, gaz)
    report = IngestReport()
    for row in read_table(path, TENURE_FIELDS if tenures else None):
        if tenures:
            rejected = records.add_tenure(row)
        else:
            parsed = parse_row(row, gaz)
            rejected = Reject(name, parsed.row, parsed.field, parsed.reason, parsed.cells) \
                if isinstance(parsed, Rejected) else records.add(parsed)
        if rejected is not None:
            keep_reject(report, rejects_dir, rejected)
    mentions = list(records.mentions.values())
    rule_set = resolution.Rules.read(rules)
    undone = resolution.apply_rules(store, mentions, rule_set)
    found = resolution.resolve(store, mentions, rule_set, lambda unit: unit_name(unit, gaz))
    resolution.retire(store, mentions, found)
    written = ingest(store, [Records(name, resolution.remap(records.items(), found))], rejects_dir=rejects_dir)
    resolution.record_merges(store, mentions, found)
    written.rejected += report.rejected
    written.first_rejects[:0] = report.first_rejects
    written.rejects_path = written.rejects_path or report.rejects_path
    return ListImport(written, found, undone)
