"""The ledger in the graph: list it, show an item, open items, take a step, export.

Every change is one statement that writes the entry and brings the item's derived state up to
date together. An entry's id is its item's id and its number (``LA1f…#0004``) and ids are unique
per label, so of two writers who both saw version 3 only one can write entry 4: the other is told
so (``VersionConflict``) and nothing of its change is written.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import secrets
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from typing import Any

from jiandu.graph.derived import refresh_cypher
from jiandu.graph.ontology import ONTOLOGY, csv_cell
from jiandu.graph.store import Store
from jiandu.ingest.validate import identity
from jiandu.ledger.loop import (
    CLOSED,
    COLOURS,
    RULES,
    LedgerError,
    NoSuchItem,
    VersionConflict,
    bounds,
    check_step,
    colour,
    overdue_days,
    step_of,
    valid_day,
)
from jiandu.queries.library import data_day
from jiandu.settings import Settings

COLOUR_NAMES = {"blue": "蓝", "yellow": "黄", "red": "红", "none": "无", **{c: c for c in (*COLOURS, "无")}}
_DERIVED = [p for label, p in ONTOLOGY.derived() if label == "LedgerItem"]
_COMMITTEE_HOPS = 4  # how far up SUBORDINATE_TO a unit's superior Party committee is looked for


@dataclass
class Item:
    """One ledger item as of a date: its facts, where it stands, who answers for it."""

    id: str
    name: str
    origin: str | None
    state: str | None
    version: int
    opened: str | None
    deadline: str | None
    state_date: str | None
    colour: str | None
    overdue_days: int | None
    unit_id: str | None = None
    unit: str | None = None
    leader_id: str | None = None
    leader: str | None = None
    committee_id: str | None = None
    committee: str | None = None
    source: str | None = None  # "Label:id" of what it was raised from
    alert: str | None = None
    alert_key: str | None = None
    next_steps: list[str] = field(default_factory=list)
    entries: list[dict[str, Any]] = field(default_factory=list)

    @property
    def state_zh(self) -> str:
        return RULES.states[self.state][0] if self.state in RULES.states else ""

    @property
    def loop(self) -> str:
        return RULES.states[self.state][1] if self.state in RULES.states else ""

    def as_json(self) -> dict[str, Any]:
        return {**asdict(self), "state_zh": self.state_zh, "loop": self.loop}


@dataclass
class Listing:
    """A page of the ledger and, for everything the filters kept, counts by state and by colour."""

    as_of: str
    items: list[Item]
    total: int
    by_state: dict[str, int]
    by_colour: dict[str, int]

    def as_json(self) -> dict[str, Any]:
        return {"as_of": self.as_of, "total": self.total, "by_state": self.by_state, "by_colour": self.by_colour,
                "items": [i.as_json() for i in self.items]}


@dataclass(frozen=True)
class NewItem:
    """What opening an item needs; `unit` may be None (the responsible leader is then unknown)."""

    id: str
    name: str
    origin: str
    opened: str
    deadline: str
    unit: str | None
    source: tuple[str, str] | None  # (label, id)
    alert: dict[str, Any] = field(default_factory=dict)  # alert, alert_key, alert_params, alert_row, alert_seen


_RETURN_ITEM = ("i.id, i.name, i.origin, i.state, i.version, i.opened, i.deadline, i.state_date, i.alert, "
                "i.alert_key, [(i)-[:RESPONSIBLE_UNIT]->(u:Unit) | [u.id, u.name]] AS units, "
                "[(i)-[:RESPONSIBLE_LEADER]->(l:Leader) | [l.id, l.name]] AS leaders, "
                "[(i)-[:REPORTED_TO]->(c:Unit) | [c.id, c.name]] AS committees, "
                "[(i)-[:RAISED_FROM]->(s) | labels(s)[0] + ':' + s.id] AS sources")


def _first(pairs: list) -> tuple[str | None, str | None]:
    """The (id, name) with the smallest id of a list of [id, name] pairs (several in odd data)."""
    pairs = sorted((p for p in pairs or [] if p and p[0] is not None), key=lambda p: p[0])
    return (pairs[0][0], pairs[0][1]) if pairs else (None, None)


class Ledger:
    """The ledger of one store; ``settings`` give the colour thresholds and the default term."""

    def __init__(self, store: Store, settings: Settings | None = None):
        self.store = store
        self.settings = settings or Settings()
        self._schema_checked = False

    # -- reading ---------------------------------------------------------------------------
    def as_of(self, given: str | None = None) -> str:
        """The reference date: the one given, else the latest date the data has seen."""
        return valid_day("as_of", given) if given else data_day(self.store) or dt.date.today().isoformat()

    def _item(self, row: list[Any], as_of: str) -> Item:
        (item_id, name, origin, state, version, opened, deadline, state_date, alert, alert_key,
         units, leaders, committees, sources) = row
        unit_id, unit = _first(units)
        leader_id, leader = _first(leaders)
        committee_id, committee = _first(committees)
        return Item(item_id, name, origin, state, int(version or 0), opened, deadline, state_date,
                    colour(deadline, state, as_of, self.settings.ledger_colour_months),
                    overdue_days(deadline, state, as_of), unit_id, unit, leader_id, leader, committee_id, committee,
                    min(sources) if sources else None, alert, alert_key, RULES.allowed(state))

    def _filters(self, state: str | None, colour_name: str | None, overdue: bool) -> list[str]:
        where = []
        if state:
            if state not in RULES.states:
                raise LedgerError(f"没有状态 {state!r} (no such state); 可用 (known): {', '.join(RULES.states)}")
            where.append("i.state = $state")
        if colour_name:
            wanted = COLOUR_NAMES.get(colour_name.lower())
            if wanted is None:
                raise LedgerError(f"没有颜色 {colour_name!r} (no such colour); 可用 (known): 蓝 blue, 黄 yellow, "
                                  "红 red, 无 none")
            open_ = "coalesce(i.state, '') <> 'closed'"
            ranges = {"红": "i.deadline <= red", "黄": "i.deadline > red AND i.deadline <= yellow",
                      "蓝": "i.deadline > yellow AND i.deadline <= blue"}
            where.append(f"({open_} AND {ranges[wanted]})" if wanted in ranges
                         else f"NOT ({open_} AND i.deadline <= blue)")
        if overdue:
            where.append("coalesce(i.state, '') <> 'closed' AND i.deadline < day")
        return where

    def _match(self, unit: str | None, leader: str | None, where: list[str]) -> str:
        dates = "WITH date($as_of) AS day, date($red) AS red, date($yellow) AS yellow, date($blue) AS blue "
        start = "MATCH (i:LedgerItem) "
        # from the one unit or leader, with the items' filter after a WITH: a filter on the items
        # in the MATCH makes FalkorDB start from every item instead of from the unit's index entry
        if unit:
            start = "MATCH (:Unit {id: $unit})<-[:RESPONSIBLE_UNIT]-(i:LedgerItem) WITH i, day, red, yellow, blue "
        elif leader:
            start = ("MATCH (:Leader {id: $leader})<-[:RESPONSIBLE_LEADER]-(i:LedgerItem) "
                     "WITH i, day, red, yellow, blue ")
        return dates + start + ("WHERE " + " AND ".join(where) + " " if where else "")

    def list(self, *, state: str | None = None, colour_name: str | None = None, unit: str | None = None,
             leader: str | None = None, overdue: bool = False, as_of: str | None = None, limit: int | None = 50,
             offset: int = 0) -> Listing:
        """Items most urgent first (those not closed before the closed, each by deadline), `limit`
        of them from `offset` (None: all), with counts by state and colour of everything the
        filters keep."""
        day = self.as_of(as_of)
        params: dict[str, Any] = {"as_of": day, "state": state, "unit": unit, "leader": leader,
                                  **{({"红": "red", "黄": "yellow", "蓝": "blue"}[c]): d
                                     for c, d in bounds(day, self.settings.ledger_colour_months)}}
        where = self._filters(state, colour_name, overdue)
        # counted by the deadline's side of each bound, not by a CASE per item: on FalkorDB the
        # comparisons are most of the cost, and grouping on them costs no more
        count = (self._match(unit, leader, where) + "WITH i.state AS s, i.deadline AS d, red, yellow, blue "
                 "RETURN s, d <= red, d <= yellow, d <= blue, count(*)")
        with ThreadPoolExecutor(1) as pool:  # the counts and the first part of the page, each a scan, at once
            counting = pool.submit(self.store.remembered, f"ledger counts {count} {json.dumps(params, sort_keys=True)}",
                                   lambda: self.store.run(count, params, read_only=True).rows)
            ids = self._ids(unit, leader, [*where, "coalesce(i.state, '') <> 'closed'"], params, offset, limit)
            counted = counting.result()
        by_state: dict[str, int] = {}
        by_colour: dict[str, int] = {}
        for st, red, yellow, blue, n in counted:
            found = None if st == CLOSED else "红" if red else "黄" if yellow else "蓝" if blue else None
            by_state[st or "—"] = by_state.get(st or "—", 0) + n
            by_colour[found or "无"] = by_colour.get(found or "无", 0) + n
        if by_state.get(CLOSED) and (limit is None or len(ids) < limit):  # the page runs on into the closed
            skip = max(0, offset - (sum(by_state.values()) - by_state[CLOSED]))
            ids += self._ids(unit, leader, [*where, "i.state = 'closed'"], params, skip,
                             None if limit is None else limit - len(ids))
        rows = self.store.run(f"UNWIND $ids AS id MATCH (i:LedgerItem {{id: id}}) RETURN {_RETURN_ITEM}",
                              {"ids": ids}, read_only=True).rows
        items = sorted((self._item(row, day) for row in rows),
                       key=lambda i: (i.state == CLOSED, i.deadline is None, i.deadline or "", i.id))
        return Listing(day, items, sum(by_state.values()), by_state, by_colour)

    def _ids(self, unit: str | None, leader: str | None, where: list[str], params: dict[str, Any], skip: int,
             limit: int | None) -> list[str]:
        """Ids of the items `where` keeps, by deadline, `limit` of them after the first `skip`."""
        return [r[0] for r in self.store.run(
            self._match(unit, leader, where) + f"WITH i.deadline AS d, i.id AS id ORDER BY d, id SKIP {int(skip)}"
            + ("" if limit is None else f" LIMIT {int(limit)}") + " RETURN id", params, read_only=True).rows]

    def show(self, item_id: str, as_of: str | None = None) -> Item:
        """One item with every entry, in order."""
        day = self.as_of(as_of)
        rows = self.store.run(f"MATCH (i:LedgerItem {{id: $id}}) RETURN {_RETURN_ITEM}", {"id": item_id},
                              read_only=True).rows
        if not rows:
            raise NoSuchItem(f"台账中没有 {item_id} (no ledger item with this id)")
        return self.with_entries([self._item(rows[0], day)])[0]

    def with_entries(self, items: list[Item]) -> list[Item]:
        """The items, each with every one of its entries in order (one read for all of them)."""
        rows = self.store.run(
            "UNWIND $ids AS id MATCH (e:LedgerEntry)-[:ENTRY_OF]->(:LedgerItem {id: id}) "
            "RETURN id, properties(e) ORDER BY id, e.seq", {"ids": [i.id for i in items]}, read_only=True).rows
        entries: dict[str, list[dict[str, Any]]] = {}
        for item_id, props in rows:
            entries.setdefault(item_id, []).append(dict(props))
        for item in items:
            item.entries = entries.get(item.id, [])
        return items

    # -- writing ---------------------------------------------------------------------------
    def _schema(self) -> None:
        if not self._schema_checked:  # the entry ids' uniqueness is what makes two writers safe
            self.store.ensure_schema()
            self._schema_checked = True

    def take(self, item_id: str, step: str, *, actor: str, date: str | None = None, version: int | None = None,
             note: str | None = None, owner: str | None = None, due: str | None = None,
             source: str = "cli") -> Item:
        """Take `step` on the item: check it against the item's state, write the entry and the
        new state together. `version`, when given, is the version the caller saw: if the item has
        moved on since, nothing is written (VersionConflict). Returns the item as it now stands."""
        spec = step_of(step)
        if spec.name == "open":
            raise LedgerError("立账请用 ledger open (open items with `ledger open` or `alerts run`)")
        day = valid_day("date", date) if date else dt.date.today().isoformat()
        item = self.show(item_id, as_of=day)  # the step's day: finding the data's latest costs a scan
        if version is not None and version != item.version:
            raise VersionConflict(f"台账 {item_id} 已被他人修改 (changed by someone else): 你看到的版本 you saw "
                                  f"version {version}, 现为 now {item.version}; 请重新读取 (read it again)")
        fields = {"note": note, "owner": owner, "due": due}
        to_state = check_step(item_id, item.state, spec, fields)
        if due:
            valid_day("due", due)
        entry = {"name": f"{spec.zh} {spec.name}", "step": spec.zh, "actor": actor, "from_state": item.state,
                 "to_state": to_state, "note": note, "owner": owner}
        self._schema()
        parts, params = entry_write(item_id, item.version, entry, day, due, source)
        written, _ = self.store.write_together(parts, **params)
        if not written:
            now = self.show(item_id, as_of=day)
            raise VersionConflict(f"台账 {item_id} 已被他人修改 (changed by someone else at the same time): 版本 "
                                  f"version {item.version} → {now.version}, 状态 state {now.state}; 未写入 nothing "
                                  "was written; 请重新读取 (read it again)")
        return self.show(item_id, as_of=day)

    def open(self, items: list[NewItem], *, actor: str, source: str,
             batch: int = 1000) -> tuple[list[str], list[str]]:
        """Open the items the ledger lacks (立账, with their unit's 一把手 on the day and its
        superior Party committee); for those it has, only note the alert's latest row and day.
        Returns (opened ids, ids already there)."""
        self._schema()
        ids = [i.id for i in items]
        have: dict[str, list] = {}  # id -> the alert row and day it holds
        for k in range(0, len(ids), batch):
            have.update((r[0], r[1:]) for r in self.store.run(
                "UNWIND $ids AS id MATCH (i:LedgerItem {id: id}) RETURN i.id, i.alert_row, i.alert_seen",
                {"ids": ids[k:k + batch]}, read_only=True).rows)
        fresh = [i for i in items if i.id not in have]
        # a row found again as it was, on the same day, writes nothing (and leaves the version alone)
        again = [i for i in items if i.id in have and i.alert
                 and have[i.id] != [i.alert.get("alert_row"), i.alert.get("alert_seen")]]
        for k in range(0, len(fresh), batch):
            self._write_new(fresh[k:k + batch], actor, source)
        for k in range(0, len(again), batch):
            rows = [{"id": i.id, "row": i.alert.get("alert_row"), "seen": i.alert.get("alert_seen")}
                    for i in again[k:k + batch]]
            self.store.run("UNWIND $rows AS row MATCH (i:LedgerItem {id: row.id}) "
                           "SET i.alert_row = row.row, i.alert_seen = date(row.seen)", {"rows": rows})
        return [i.id for i in fresh], [i.id for i in items if i.id in have]

    def _write_new(self, items: list[NewItem], actor: str, source: str) -> None:
        units = {i.unit for i in items if i.unit}
        leaders = self.top_leaders({(i.unit, i.opened) for i in items if i.unit})
        committees = self.committees(units)
        entry_of = ONTOLOGY.relationship("ENTRY_OF")
        rows, links = [], {"RESPONSIBLE_UNIT": {}, "RESPONSIBLE_LEADER": {}, "REPORTED_TO": {}}
        raised: dict[str, list[dict]] = {}
        for i in items:
            entry = f"{i.id}#0001"
            props = {"name": i.name, "origin": i.origin,
                     **{k: v for k, v in i.alert.items() if k != "alert_seen" and v is not None}}
            rows.append({"id": i.id, "p": props, "opened": i.opened, "deadline": i.deadline,
                         "seen": i.alert.get("alert_seen"), "entry": entry,
                         "e": {"name": "立账 open", "seq": 1, "step": "立账", "actor": actor, "to_state": "open",
                               "recorded": "open"},
                         "rel": identity(entry_of, entry, i.id, {})})
            targets = {"RESPONSIBLE_UNIT": i.unit, "RESPONSIBLE_LEADER": leaders.get((i.unit, i.opened)),
                       "REPORTED_TO": committees.get(i.unit)}
            for rtype, target in targets.items():
                if target:
                    links[rtype].setdefault("Unit" if rtype != "RESPONSIBLE_LEADER" else "Leader", []).append(
                        {"from": i.id, "to": target, "id": identity(ONTOLOGY.relationship(rtype), i.id, target, {})})
            if i.source:
                label, node_id = i.source
                raised.setdefault(label, []).append(
                    {"from": i.id, "to": node_id,
                     "id": identity(ONTOLOGY.relationship("RAISED_FROM"), i.id, node_id, {})})
        seen_set = ", i.alert_seen = date(row.seen)" if any(r["seen"] for r in rows) else ""
        parts = [("UNWIND $rows0 AS row MERGE (i:LedgerItem {id: row.id}) "
                  "ON CREATE SET i += row.p, i.opened = date(row.opened), i.deadline = date(row.deadline), "
                  f"i.sources = [$source]{seen_set} "
                  "MERGE (e:LedgerEntry {id: row.entry}) ON CREATE SET e += row.e, e.date = date(row.opened), "
                  "e.sources = [$source] "
                  "MERGE (e)-[r:ENTRY_OF {id: row.rel}]->(i) ON CREATE SET r.sources = [$source] "
                  "RETURN count(r) AS written", rows)]
        grouped = [(rtype, label, found) for rtype, by_label in links.items() for label, found in by_label.items()]
        grouped += [("RAISED_FROM", label, found) for label, found in raised.items()]
        for rtype, label, found in grouped:
            n = len(parts)
            parts.append((f"UNWIND $rows{n} AS row MATCH (i:LedgerItem {{id: row.from}}) "
                          f"MATCH (t:{label} {{id: row.to}}) MERGE (i)-[r:{rtype} {{id: row.id}}]->(t) "
                          "ON CREATE SET r.sources = [$source] RETURN count(r) AS written", found))
        parts.append((refresh_cypher("LedgerItem", _DERIVED, rows=f"rows{len(parts)}"), [i.id for i in items]))
        self.store.write_together(parts, source=source)

    # -- who answers for a unit --------------------------------------------------------------
    def top_leaders(self, wanted: Iterable[tuple[str, str]]) -> dict[tuple[str, str], str]:
        """(unit, day) -> the unit's 一把手 on that day (the latest to take the post, if several)."""
        pairs = [{"unit": u, "day": d} for u, d in wanted]
        rows = self.store.run(
            "UNWIND $pairs AS w MATCH (l:Leader)-[p:HOLDS_POST {top_leader: true}]->(:Unit {id: w.unit}) "
            "WHERE (p.start IS NULL OR p.start <= date(w.day)) AND (p.end IS NULL OR p.end >= date(w.day)) "
            "RETURN w.unit, w.day, l.id, p.start", {"pairs": pairs}, read_only=True).rows
        best: dict[tuple[str, str], tuple[str, str]] = {}
        for unit, day, leader, start in rows:
            key, rank = (unit, day), (start or "", leader)
            if key not in best or rank > best[key]:
                best[key] = rank
        return {k: v[1] for k, v in best.items()}

    def committees(self, units: Iterable[str]) -> dict[str, str]:
        """unit -> the nearest 党委 above it (SUBORDINATE_TO, up to four hops; the smallest id
        among equally near ones)."""
        found: dict[str, str] = {}
        frontier = {u: {u} for u in units}  # unit -> the units reached at this hop
        for _ in range(_COMMITTEE_HOPS):
            here = sorted({x for reached in frontier.values() for x in reached})
            if not here:
                break
            rows = self.store.run("UNWIND $ids AS id MATCH (:Unit {id: id})-[:SUBORDINATE_TO]->(a:Unit) "
                                  "RETURN id, a.id, a.kind", {"ids": here}, read_only=True).rows
            up: dict[str, list[tuple[str, str]]] = {}
            for child, parent, kind in rows:
                up.setdefault(child, []).append((parent, kind))
            nxt = {}
            for unit, reached in frontier.items():
                parents = [p for x in reached for p in up.get(x, [])]
                parties = sorted(p for p, kind in parents if kind == "党委")
                if parties:
                    found[unit] = parties[0]
                elif parents:
                    nxt[unit] = {p for p, _ in parents}
            frontier = nxt
        return found

    # -- export ----------------------------------------------------------------------------
    EXPORT_COLUMNS = (("id", "编号"), ("name", "问题"), ("origin", "来源"), ("unit", "整改单位"),
                      ("leader", "第一责任人"), ("committee", "报送上级党委"), ("state_zh", "状态"), ("loop", "环节"),
                      ("opened", "立账日期"), ("deadline", "整改期限"), ("state_date", "状态日期"),
                      ("colour", "预警颜色"), ("overdue_days", "逾期天数"), ("version", "版本"), ("source", "问题出处"))
    ENTRY_COLUMNS = (("item", "台账编号"), ("seq", "序号"), ("step", "环节"), ("date", "日期"), ("actor", "经办人"),
                     ("from_state", "原状态"), ("to_state", "新状态"), ("owner", "责任人"), ("due", "任务期限"),
                     ("note", "说明"))

    def export_rows(self, listing: Listing) -> list[list[Any]]:
        """The listing's items as export rows (the header is EXPORT_COLUMNS' Chinese names)."""
        return [[i.as_json()[k] for k, _ in self.EXPORT_COLUMNS] for i in listing.items]


    def to_csv(self, listing: Listing) -> str:
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\n")
        writer.writerow([f"{zh} {k}" for k, zh in self.EXPORT_COLUMNS])
        writer.writerows([[csv_cell(v) for v in row] for row in self.export_rows(listing)])
        return buf.getvalue()

    def to_xlsx(self, listing: Listing) -> bytes:
        """A workbook: sheet 台账 (the items) and sheet 记录 (every entry of them, in order)."""
        from openpyxl import Workbook

        book = Workbook()
        sheet = book.active
        sheet.title = "台账"
        sheet.append([zh for _, zh in self.EXPORT_COLUMNS])
        for row in self.export_rows(listing):
            sheet.append(row)
        entries = book.create_sheet("记录")
        entries.append([zh for _, zh in self.ENTRY_COLUMNS])
        for item in self.with_entries(listing.items):
            for e in item.entries:
                entries.append([item.id, *(e.get(k) for k, _ in self.ENTRY_COLUMNS[1:])])
        buf = io.BytesIO()
        book.save(buf)
        return buf.getvalue()


def entry_write(item_id: str, seen: int, entry: dict[str, Any], day: str, due: str | None,
                source: str) -> tuple[list[tuple[str, list]], dict[str, Any]]:
    """The parts and parameters (``Store.write_together``) that write `entry` as number seen + 1
    of the item and bring its derived state up to date, if the item is still at version `seen`.

    The entry's id holds its number and ids are unique, so of two writers who saw the same version
    one creates the entry; the other's MERGE finds it, its receipt is not the one it wrote, and
    the first part counts nothing written."""
    seq = seen + 1
    entry_id = f"{item_id}#{seq:04d}"
    receipt = f"{dt.datetime.now(dt.UTC).isoformat(timespec='microseconds')} {secrets.token_hex(6)}"
    props = {k: v for k, v in {**entry, "seq": seq, "recorded": receipt}.items() if v is not None}
    due_set = ", e.due = date($due)" if due else ""
    write = ("MATCH (i:LedgerItem {id: $item}) WHERE coalesce(i.version, 0) = $seen "
             "MERGE (e:LedgerEntry {id: $entry}) "
             f"ON CREATE SET e += $props, e.date = date($day){due_set}, e.sources = [$source] "
             "WITH i, e WHERE e.recorded = $receipt "
             "MERGE (e)-[r:ENTRY_OF {id: $rel}]->(i) ON CREATE SET r.sources = [$source] "
             "RETURN count(r) AS written")
    parts = [(write, []), (refresh_cypher("LedgerItem", _DERIVED, rows="rows1"), [item_id])]
    return parts, {"item": item_id, "seen": seen, "entry": entry_id, "props": props, "day": day, "due": due,
                   "source": source, "receipt": receipt,
                   "rel": identity(ONTOLOGY.relationship("ENTRY_OF"), entry_id, item_id, {})}


def alert_fields(alert: str, key: str, params: dict[str, Any], row: dict[str, Any], seen: str) -> dict[str, Any]:
    """An alert item's own properties (JSON text for the parameters and the row)."""
    return {"alert": alert, "alert_key": key,
            "alert_params": json.dumps(params, ensure_ascii=False, sort_keys=True, default=str),
            "alert_row": json.dumps(row, ensure_ascii=False, sort_keys=True, default=str), "alert_seen": seen}
