"""How problems come into the ledger (汇总问题建立台账): named-query alerts, findings and clues,
and problems an officer records by hand.

Item ids come from what the item is about, so that bringing the same problem in again finds the
item it already has: an alert's row by the alert's name and the row's key ("LA…"), a finding or
a clue by its id ("LN…"), a hand-made item by its unit, name and day ("LM…").
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from jiandu.ledger.book import Ledger, NewItem, alert_fields
from jiandu.ledger.loop import CLOSED, LedgerError, date_plus_months, valid_day
from jiandu.queries.library import NamedQuery, answer, get, library, on_day


def _digest(text: str) -> str:
    return hashlib.blake2b(text.encode("utf-8"), digest_size=5).hexdigest()


def alert_queries() -> dict[str, NamedQuery]:
    """The named queries whose rows can become ledger items (their header has an ``alert:`` line)."""
    return {name: q for name, q in library().items() if q.alert}


@dataclass
class AlertRun:
    """What one alert's run did: items opened, items found again, items it no longer finds."""

    alert: str
    as_of: str
    params: dict[str, Any]
    rows: int
    new: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    gone: list[str] = field(default_factory=list)  # open items of this alert whose row is no longer there
    closed_again: list[str] = field(default_factory=list)  # closed (销号) items whose row is back

    def as_json(self) -> dict[str, Any]:
        return dict(self.__dict__)


def _text(value: Any) -> str:
    if isinstance(value, list):
        return "、".join(map(str, value))
    return "" if value is None else str(value)


def run_alerts(ledger: Ledger, names: list[str] | None = None, *, as_of: str | None = None,
               params: dict[str, Any] | None = None, actor: str = "alerts") -> list[AlertRun]:
    """Run each alert (all of them when `names` is empty) as of one day and bring its rows into
    the ledger: a row with no item opens one; a row with one notes the row again. `params` go to
    every alert that has them."""
    known = alert_queries()
    for name in names or []:
        if name not in known:
            get(name)  # an unknown name: the library's message with the known ones
            raise LedgerError(f"{name} 不是预警 (has no alert: line); 可用 (alerts): {', '.join(known)}")
    day = ledger.as_of(as_of)
    runs = []
    for name in names or list(known):
        query = known[name]
        given = {k: v for k, v in (params or {}).items() if k in query.params} | on_day(query, day)
        found = answer(name, ledger.store, given, day)
        runs.append(_bring_in(ledger, query, found.params, found.result.records(), day, actor))
    return runs


def _bring_in(ledger: Ledger, query: NamedQuery, params: dict[str, Any], rows: list[dict[str, Any]], day: str,
              actor: str) -> AlertRun:
    alert = query.alert
    assert alert is not None
    keyed: dict[str, tuple[str, dict[str, Any]]] = {}
    # a column that lists ledger items (audit_gaps' ledger_ids) is the ledger seeing itself, not
    # what the alert found: kept out, so a run after the one that opened the item finds the same row
    rows = [{k: v for k, v in row.items() if k != "ledger_ids"} for row in rows]
    for row in rows:
        subject = row.get(alert.column)
        if subject is None:
            continue
        key = f"{alert.label}:{subject}" + "".join(f"|{c}={_text(row.get(c))}" for c in alert.extra)
        keyed.setdefault(f"LA{_digest(query.name + '|' + key)}", (key, row))
    leaders = [row[alert.column] for _, row in keyed.values() if alert.label == "Leader" and not row.get("unit_id")]
    posts = leader_units(ledger, leaders, day)
    items = []
    for item_id, (key, row) in sorted(keyed.items()):
        subject = row[alert.column]
        unit = row.get("unit_id") or (subject if alert.label == "Unit" else posts.get(subject))
        title = alert.title.format_map(defaultdict(str, {k: _text(v) for k, v in {**params, **row}.items()}))
        items.append(NewItem(item_id, title, "预警", day, date_plus_months(day, ledger.settings.ledger_term_months),
                             unit, (alert.label, subject), alert_fields(query.name, key, params, row, day)))
    states = dict(ledger.store.run("MATCH (i:LedgerItem {alert: $a}) RETURN i.id, i.state", {"a": query.name},
                                   read_only=True).rows)
    opened, _ = ledger.open(items, actor=actor, source=f"alert:{query.name}@{day}")
    run = AlertRun(query.name, day, params, len(rows), new=opened)
    for item in items:
        if item.id in states:
            (run.closed_again if states[item.id] == CLOSED else run.unchanged).append(item.id)
    run.gone = sorted(i for i, state in states.items() if i not in keyed and state != CLOSED)
    return run


def leader_units(ledger: Ledger, leaders: list[str], day: str) -> dict[str, str]:
    """leader -> the unit of the post they hold on `day`: a 一把手 post first, then the latest taken."""
    if not leaders:
        return {}
    rows = ledger.store.run(
        "UNWIND $ids AS id MATCH (:Leader {id: id})-[p:HOLDS_POST]->(u:Unit) "
        "WHERE (p.start IS NULL OR p.start <= date($day)) AND (p.end IS NULL OR p.end >= date($day)) "
        "RETURN id, u.id, p.top_leader, p.start", {"ids": sorted(set(leaders)), "day": day}, read_only=True).rows
    best: dict[str, tuple] = {}
    for leader, unit, top, start in rows:
        rank = (top is True, start or "", unit)
        if leader not in best or rank > best[leader]:
            best[leader] = rank
    return {leader: rank[2] for leader, rank in best.items()}


# -- findings, clues and problems recorded by hand -----------------------------------------------
_FINDINGS = ("UNWIND $ids AS id MATCH (f:Finding {id: id}) "
             "RETURN f.id, f.name, f.found, f.deadline, [(f)-[:CONCERNS]->(u:Unit) | u.id] AS units, "
             "[(x)-[:FOUND]->(f) | labels(x)[0]] AS by")
_CLUES = ("UNWIND $ids AS id MATCH (c:Clue {id: id}) "
          "RETURN c.id, c.name, c.received, c.summary, [(c)-[:ABOUT]->(u:Unit) | u.id] AS units, "
          "[(c)-[:ABOUT]->(l:Leader) | l.id] AS leaders")


def from_findings(ledger: Ledger, ids: list[str], *, actor: str, source: str) -> tuple[list[str], list[str]]:
    """Open an item for each finding (its name, found date, deadline and unit; from an inspection:
    巡视巡察, from an audit: 审计, else 日常监督). Returns (opened, already there)."""
    rows = ledger.store.run(_FINDINGS, {"ids": ids}, read_only=True).rows
    _missing(ids, rows, "Finding")
    origins = {"Inspection": "巡视巡察", "Audit": "审计"}
    items = [NewItem(f"LN{_digest('Finding:' + fid)}", name, origins.get(min(by) if by else "", "日常监督"), found,
                     deadline or date_plus_months(found, ledger.settings.ledger_term_months),
                     min(units) if units else None, ("Finding", fid))
             for fid, name, found, deadline, units, by in rows]
    return ledger.open(items, actor=actor, source=source)


def from_clues(ledger: Ledger, ids: list[str], *, actor: str, source: str) -> tuple[list[str], list[str]]:
    """Open an item for each clue (问题线索), at the unit it is about or its leader's unit then."""
    rows = ledger.store.run(_CLUES, {"ids": ids}, read_only=True).rows
    _missing(ids, rows, "Clue")
    items = []
    for cid, name, received, summary, units, leaders in rows:
        unit = min(units) if units else (leader_units(ledger, [min(leaders)], received).get(min(leaders))
                                          if leaders else None)
        items.append(NewItem(f"LN{_digest('Clue:' + cid)}", f"线索 {name}" + (f"：{summary}" if summary else ""),
                             "问题线索", received, date_plus_months(received, ledger.settings.ledger_term_months),
                             unit, ("Clue", cid)))
    return ledger.open(items, actor=actor, source=source)


def by_hand(ledger: Ledger, *, unit: str, name: str, opened: str, deadline: str | None, origin: str, actor: str,
            source: str) -> tuple[list[str], list[str]]:
    """Open one item an officer describes (日常监督 by default). Returns (opened, already there)."""
    valid_day("date", opened)
    if deadline:
        valid_day("deadline", deadline)
    if not ledger.store.run("MATCH (u:Unit {id: $id}) RETURN count(u)", {"id": unit}, read_only=True).scalar():
        raise LedgerError(f"没有 id 为 {unit!r} 的单位 (no Unit with this id)")
    item_id = f"LM{_digest(f'{unit}|{name}|{opened}')}"
    return ledger.open([NewItem(item_id, name, origin, opened,
                                deadline or date_plus_months(opened, ledger.settings.ledger_term_months), unit,
                                ("Unit", unit))], actor=actor, source=source)


def uncollected_findings(ledger: Ledger) -> list[str]:
    """Findings not closed (not 对账销号, no closing date) that no ledger item was raised from."""
    rows = ledger.store.run("MATCH (f:Finding) WHERE f.status <> '对账销号' AND f.closed IS NULL "
                            "AND NOT (f)<-[:RAISED_FROM]-(:LedgerItem) RETURN f.id ORDER BY f.id",
                            read_only=True).rows
    return [r[0] for r in rows]


def _missing(ids: list[str], rows: list[list[Any]], label: str) -> None:
    absent = sorted(set(ids) - {r[0] for r in rows})
    if absent:
        raise LedgerError(f"没有这些 {label} (no {label} with these ids): {', '.join(absent)}")
