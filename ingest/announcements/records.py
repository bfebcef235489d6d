"""Announcements → graph records: per row a Leader, a Case (its status and date), INVOLVED_IN, each
post's Unit with its Region chain, and HOLDS_POST with the former flag and the rank; every record
carries the row ("FILE#L12") as provenance.

Ids come from the content, so importing the same list again changes nothing. Units and regions
get the ids the text extractor gives them (a unit by its formal name, a region by its code), so
a list and a report that name the same unit meet in one node. A person is keyed by name and
first unit; a masked name (王某) by the row as well: two 王某 are never taken for one.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from jiandu.graph.store import Store
from jiandu.ingest.announcements.parse import Announcement, Rejected, parse_row, rank_base
from jiandu.ingest.announcements.position import is_top
from jiandu.ingest.announcements.table import read_table
from jiandu.ingest.loader import IngestReport, Records, Reject, ingest, keep_reject, source_name
from jiandu.ingest.text.places import Gazetteer, Place, gazetteer
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
    """The records of one list, gathered row by row; nodes once each, by id."""

    def __init__(self, source: str, gaz: Gazetteer):
        self.source = source
        self.gaz = gaz
        self.nodes: dict[tuple[str, str], dict[str, Any]] = {}
        self.rels: dict[tuple[str, str, str], dict[str, Any]] = {}

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
        key = (rtype, a[1], b[1] + "|" + str(props.get("title", "")))
        rel = self.rels.setdefault(key, {"type": rtype, "from": a[1], "from_label": a[0], "to": b[1],
                                         "to_label": b[0], "sources": []})
        rel.update({k: v for k, v in props.items() if v is not None and k not in rel})
        if self._at(row) not in rel["sources"]:
            rel["sources"].append(self._at(row))

    def _region(self, place: Place, row: int) -> tuple[str, str]:
        rid = "R" + (place.code if "/" not in place.code else digest(place.code))
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

    def add(self, a: Announcement) -> None:
        place = self._place(a)
        region = self._region(place, a.row) if place is not None else None
        units = []
        for post in a.posts:
            if not post["unit"]:
                continue
            name = post["unit"]
            label = "OversightBody" if any(w in name for w in _BODY_WORDS) else "Unit"
            uid = ("OT" if label == "OversightBody" else "UT") + digest(name)
            props = {"kind": "纪委监委"} if label == "OversightBody" else {"kind": unit_kind(name)}
            level = place.level if place is not None else None
            unit = self._node(label, uid, a.row, name=name, aliases=[post["as_written"]] if post["as_written"] != name
                              else None, region=region[1] if region else None,
                              **({"level": level} if label == "OversightBody" else {"admin_level": level}), **props)
            if region is not None:
                self._rel("IN_REGION", unit, region, a.row)
            units.append((unit, post))
        anchor = [units[0][0][1]] if units else [a.position]
        if a.masked:
            anchor += [self.source, str(a.row)]
        leader = self._node("Leader", "LA" + digest(a.name, *anchor), a.row, name=a.name, masked=a.masked,
                            gender=a.gender if a.gender in ("男", "女") else None)
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
                      former=post["former"], rank=a.rank, top_leader=top)


def import_list(store: Store, path: Path, *, source: str | None = None, rejects_dir: Path) -> IngestReport:
    """Parse the list at ``path`` and write it; rejected rows are kept in the report's rejects file."""
    gaz = gazetteer()
    name = source or source_name(path)
    records = ListRecords(name, gaz)
    report = IngestReport()
    for row in read_table(path):
        parsed = parse_row(row, gaz)
        if isinstance(parsed, Rejected):
            keep_reject(report, rejects_dir, Reject(name, parsed.row, parsed.field, parsed.reason, parsed.cells))
        else:
            records.add(parsed)
    written = ingest(store, [Records(name, records.items())], rejects_dir=rejects_dir)
    written.rejected += report.rejected
    written.first_rejects[:0] = report.first_rejects
    written.rejects_path = written.rejects_path or report.rejects_path
    return written
