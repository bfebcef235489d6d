"""Reference answers for every named query, in plain Python over networkx.

Written from each query's question (its header), not from its Cypher: when the two disagree on
a random graph, one of them is wrong. Nodes are keyed (label, id); dates are ISO strings, which
order correctly as text.
"""

from __future__ import annotations

import calendar
import datetime as dt
import statistics
from collections import Counter, defaultdict
from typing import Any

import networkx as nx

from jiandu.graph.store import Store

TALKS = {"谈话提醒", "廉政谈话", "约谈", "诫勉谈话"}
ECONOMIC_AUDITS = {"任期经济责任审计", "离任经济责任审计"}


# -- the graph --------------------------------------------------------------------------------
def export(store: Store) -> nx.MultiDiGraph:
    g = nx.MultiDiGraph()
    for labels, props in store.run("MATCH (n) RETURN labels(n), properties(n)").rows:
        g.add_node((labels[0], props["id"]), label=labels[0], **props)
    rows = store.run("MATCH (a)-[r]->(b) RETURN labels(a)[0], a.id, type(r), labels(b)[0], b.id, properties(r)").rows
    for la, ia, rtype, lb, ib, props in rows:
        g.add_edge((la, ia), (lb, ib), type=rtype, **props)
    return g


def nodes(g, label):
    return [n for n, d in g.nodes(data=True) if d["label"] == label]


def out(g, n, rtype, label=None):
    return [(t, d) for _, t, d in g.out_edges(n, data=True)
            if d["type"] == rtype and (label is None or g.nodes[t]["label"] == label)]


def into(g, n, rtype, label=None):
    return [(s, d) for s, _, d in g.in_edges(n, data=True)
            if d["type"] == rtype and (label is None or g.nodes[s]["label"] == label)]


def prop(g, n, name):
    return g.nodes[n].get(name)


def within(value, low, high):
    return value is not None and low <= value <= high


def current(post, day):
    return (post.get("start") is None or post["start"] <= day) and (post.get("end") is None or post["end"] >= day)


def minus(day: str, *, years=0, months=0, days=0) -> str:
    d = dt.date.fromisoformat(day)
    if days:
        return (d - dt.timedelta(days=days)).isoformat()
    total = d.year * 12 + d.month - 1 - years * 12 - months
    year, month = divmod(total, 12)
    month += 1
    return dt.date(year, month, min(d.day, calendar.monthrange(year, month)[1])).isoformat()


def plus_days(day: str, days: int) -> str:
    return (dt.date.fromisoformat(day) + dt.timedelta(days=days)).isoformat()


def reach(g, start, rtype, hops):
    """Nodes reachable from start along rtype edges in at most `hops` steps (start included)."""
    seen, frontier = {start}, {start}
    for _ in range(hops):
        frontier = {t for n in frontier for t, _ in out(g, n, rtype)} - seen
        seen |= frontier
    return seen


# -- the questions ------------------------------------------------------------------------------
def collapse_clusters(g, min_leaders, since, until, subtree):
    groups = defaultdict(lambda: {"leaders": {}, "cases": set(), "tops": set()})
    for c in nodes(g, "Case"):
        opened = prop(g, c, "opened")
        if not within(opened, since, until):
            continue
        involved = [who for who, _ in into(g, c, "INVOLVED_IN", "Leader")]
        for d, _ in out(g, c, "CONCERNS", "Unit"):
            units = {u for u in reach(g, d, "SUBORDINATE_TO", 3) if prop(g, u, "label") == "Unit"} if subtree else {d}
            for u in units:
                for who in involved:
                    entry = groups[u]
                    entry["leaders"][who[1]] = prop(g, who, "name")
                    entry["cases"].add(c[1])
                    if any(p.get("top_leader") is True and current(p, opened) for t, p in out(g, who, "HOLDS_POST")
                           if t == u):
                        entry["tops"].add(who[1])
    # leader_names is in step with leader_ids: the i-th name is the i-th leader's
    return [(u[1], prop(g, u, "name"), len(e["leaders"]), sorted(e["leaders"]),
             [e["leaders"][k] for k in sorted(e["leaders"])], sorted(e["cases"]),
             bool(e["tops"]), sorted(e["tops"])) for u, e in groups.items() if len(e["leaders"]) >= min_leaders]


def sector_clusters(g, min_units, parent, since, until):
    groups = defaultdict(lambda: (set(), set(), set()))
    for c in nodes(g, "Case"):
        if not within(prop(g, c, "opened"), since, until):
            continue
        leaders = [who for who, _ in into(g, c, "INVOLVED_IN", "Leader")]
        if not leaders:
            continue
        for d, _ in out(g, c, "CONCERNS", "Unit"):
            sector = prop(g, d, "sector")
            if sector is None:
                continue
            for p, _ in out(g, d, "SUBORDINATE_TO", "Unit"):
                if parent is not None and p[1] != parent:
                    continue
                units, ls, cases = groups[(p, sector)]
                units.add(d[1])
                ls.update(who[1] for who in leaders)
                cases.add(c[1])
    return [(p[1], prop(g, p, "name"), sector, len(units), sorted(units), sorted(ls), sorted(cases))
            for (p, sector), (units, ls, cases) in groups.items() if len(units) >= min_units]


def regional_outliers(g, level, since, until, min_z):
    rows = []
    for r in nodes(g, "Region"):
        if prop(g, r, "level") != level:
            continue
        below = {x for x in nodes(g, "Region") if r in reach(g, x, "PART_OF", 3)}
        units = {u for x in below for u, _ in into(g, x, "IN_REGION", "Unit")}
        leaders, involved = set(), set()
        for u in units:
            for who, p in into(g, u, "HOLDS_POST", "Leader"):
                if (p.get("start") is None or p["start"] <= until) and (p.get("end") is None or p["end"] >= since):
                    leaders.add(who)
                    if any(within(prop(g, c, "opened"), since, until) for c, _ in out(g, who, "INVOLVED_IN", "Case")):
                        involved.add(who)
        for parent, _ in out(g, r, "PART_OF", "Region"):
            rows.append({"r": r, "parent": parent, "leaders": len(leaders), "involved": len(involved),
                         "rate": len(involved) / len(leaders) if leaders else None})
    out_rows = []
    for row in rows:
        others = [o["rate"] for o in rows if o is not row and o["parent"] == row["parent"] and o["rate"] is not None]
        mean = sum(others) / len(others) if others else None
        std = None
        if len(others) >= 2:
            std = (sum((x - mean) ** 2 for x in others) / len(others)) ** 0.5
        z = (row["rate"] - mean) / std if row["rate"] is not None and std else None
        if min_z is not None and (z is None or z < min_z):
            continue
        out_rows.append((row["r"][1], prop(g, row["r"], "name"), row["parent"][1], row["leaders"], row["involved"],
                         row["rate"], mean, std, z))
    return out_rows


def _last_act(g, leader, sources, as_of, kinds=None):
    dates = [d["date"] for s, d in into(g, leader, "SUPERVISED") if s in sources and d.get("date") is not None
             and d["date"] <= as_of and (kinds is None or d.get("kind") in kinds)]
    return max(dates) if dates else None


def same_level_gaps(g, months, as_of):
    rows = []
    since = minus(as_of, months=months)
    for b in nodes(g, "OversightBody"):
        if prop(g, b, "kind") != "纪委监委":
            continue
        for party, o in out(g, b, "OVERSEES", "Unit"):
            if o.get("mode") != "同级" or prop(g, party, "kind") != "党委":
                continue
            regions = {r for r, _ in out(g, party, "IN_REGION")}
            level = prop(g, party, "admin_level")
            departments = {d for r in regions for d, _ in into(g, r, "IN_REGION", "Unit")
                           if prop(g, d, "kind") == "部门" and level is not None and prop(g, d, "admin_level") == level}
            for u in {party} | departments:
                for who, p in into(g, u, "HOLDS_POST", "Leader"):
                    if not current(p, as_of):
                        continue
                    member = p.get("committee") is True if u == party else p.get("top_leader") is True
                    if not member:
                        continue
                    if any(t == b and current(q, as_of) for t, q in out(g, who, "HOLDS_POST")):
                        continue
                    last = _last_act(g, who, {b}, as_of)
                    if last is None or last < since:
                        rows.append((party[1], prop(g, party, "name"), b[1], prop(g, b, "name"), who[1],
                                     prop(g, who, "name"), u[1], prop(g, u, "name"), p.get("title"), last))
    return rows


def superior_gaps(g, months, as_of):
    rows = []
    since = minus(as_of, months=months)
    for who in nodes(g, "Leader"):
        for u, p in out(g, who, "HOLDS_POST", "Unit"):
            if p.get("top_leader") is not True or not current(p, as_of):
                continue
            above = {b for b, o in into(g, u, "OVERSEES", "OversightBody") if o.get("mode") == "上级"}
            for w, _ in out(g, u, "SUBORDINATE_TO", "Unit"):
                above |= {boss for boss, q in into(g, w, "HOLDS_POST", "Leader")
                          if q.get("top_leader") is True and current(q, as_of)}
            last = _last_act(g, who, above, as_of, TALKS)
            if last is None or last < since:
                rows.append((who[1], prop(g, who, "name"), u[1], prop(g, u, "name"), p.get("title"), p.get("start"),
                             last))
    return rows


def audit_gaps(g, years, months, as_of):
    rows = []
    for who in nodes(g, "Leader"):
        for u, p in out(g, who, "HOLDS_POST", "Unit"):
            if p.get("top_leader") is not True:
                continue
            audits = [(a, prop(g, a, "kind"), prop(g, a, "date")) for a, _ in into(g, who, "AUDITS", "Audit")
                      if any(t == u for t, _ in out(g, a, "COVERS"))]
            start, end = p.get("start"), p.get("end")
            long_tenure = start is not None and start <= minus(as_of, years=years) and (end is None or end >= as_of)
            tracked = sorted({i[1] for i, _ in into(g, who, "RAISED_FROM", "LedgerItem")
                              if prop(g, i, "state") != "closed"
                              and (prop(g, i, "alert") == "audit_gaps" or prop(g, i, "origin") == "审计")
                              and any(t == u for t, _ in out(g, i, "RESPONSIBLE_UNIT"))})
            row = (who[1], prop(g, who, "name"), u[1], prop(g, u, "name"), p.get("title"), start, end, tracked)
            if long_tenure and not any(k in ECONOMIC_AUDITS and within(date, start, as_of) for _, k, date in audits):
                rows.append(("long_tenure", *row))
            left = end is not None and end < minus(as_of, months=months)
            if left and not any(k == "离任经济责任审计" and (start is None or (date is not None and date >= start))
                                for _, k, date in audits):
                rows.append(("no_exit_audit", *row))
    return rows


def clue_backlog(g, days, window_days, as_of):
    rows = []
    leaders = nodes(g, "Leader")
    for who in leaders:
        is_top = any(p.get("top_leader") is True and current(p, as_of) for _, p in out(g, who, "HOLDS_POST", "Unit"))
        clues = [c for c, _ in into(g, who, "ABOUT", "Clue")]
        waiting = [c for c in clues if prop(g, c, "status") == "待处置" and prop(g, c, "received") is not None
                   and prop(g, c, "received") <= minus(as_of, days=days)]
        if is_top and waiting:
            rows.append(("undisposed", who[1], prop(g, who, "name"), sorted({c[1] for c in waiting}),
                         sorted({prop(g, c, "channel") for c in waiting} - {None}), None,
                         min(prop(g, c, "received") for c in waiting)))
        recent = [c for c in clues if within(prop(g, c, "received"), minus(as_of, days=window_days), as_of)]
        channels = {prop(g, c, "channel") for c in recent} - {None}
        if len(channels) >= 2:
            rows.append(("multi_channel", who[1], prop(g, who, "name"), sorted({c[1] for c in recent}),
                         sorted(channels), None, min(prop(g, c, "received") for c in recent)))
        for c in {c for c, _ in into(g, who, "ABOUT", "Clue")}:  # one row per clue and later case
            if prop(g, c, "status") != "予以了结":
                continue
            after = prop(g, c, "disposed") if prop(g, c, "disposed") is not None else prop(g, c, "received")
            for k in {k for k, _ in out(g, who, "INVOLVED_IN", "Case")}:
                opened = prop(g, k, "opened")
                if opened is not None and after is not None and after < opened <= as_of:
                    channel = prop(g, c, "channel")
                    rows.append(("closed_then_case", who[1], prop(g, who, "name"), [c[1]],
                                 [channel] if channel is not None else [], k[1], prop(g, c, "received")))
    return rows


def _finders(g, f):
    """The oversight bodies that conducted the rounds that found finding f."""
    return {b for x, _ in into(g, f, "FOUND") for b, _ in into(g, x, "CONDUCTED", "OversightBody")}


def overdue_rectification(g, as_of):
    groups = defaultdict(lambda: (set(), set()))  # (body, unit) -> (findings, ledger items)
    for f in nodes(g, "Finding"):
        deadline = prop(g, f, "deadline")
        if deadline is None or not deadline < as_of or prop(g, f, "status") in (None, "对账销号") \
                or prop(g, f, "closed") is not None or into(g, f, "RAISED_FROM", "LedgerItem"):
            continue
        for u, _ in out(g, f, "CONCERNS", "Unit"):
            for b in _finders(g, f) or {None}:
                groups[(b, u)][0].add(f)
    for i in nodes(g, "LedgerItem"):
        deadline = prop(g, i, "deadline")
        if deadline is None or not deadline < as_of or prop(g, i, "state") == "closed":
            continue
        bodies = {b for f, _ in out(g, i, "RAISED_FROM", "Finding") for b in _finders(g, f)} or {None}
        for u, _ in out(g, i, "RESPONSIBLE_UNIT", "Unit"):
            for b in bodies:
                groups[(b, u)][1].add(i)
    return [(b[1] if b else None, prop(g, b, "name") if b else None, u[1], prop(g, u, "name"), len(fs) + len(items),
             sorted(f[1] for f in fs), sorted(i[1] for i in items),
             min(prop(g, x, "deadline") for x in (*fs, *items))) for (b, u), (fs, items) in groups.items()]


def _overlap(p, q):
    return ((p.get("start") is None or q.get("end") is None or p["start"] <= q["end"])
            and (q.get("start") is None or p.get("end") is None or q["start"] <= p["end"]))


def _links(g, k, days):
    """(other case, reason, via id) for every link of case k, by the rules of case_links."""
    found = []
    for x, _ in into(g, k, "INVOLVED_IN"):
        reason = "shared_leader" if prop(g, x, "label") == "Leader" else "shared_person"
        found += [(o, reason, x[1]) for o, _ in out(g, x, "INVOLVED_IN", "Case") if o != k]
    opened = prop(g, k, "opened")
    for u, _ in out(g, k, "CONCERNS", "Unit"):
        for o, _ in into(g, u, "CONCERNS", "Case"):
            if o != k and opened is not None and within(prop(g, o, "opened"), minus(opened, days=days),
                                                         plus_days(opened, days)):
                found.append((o, "shared_unit", u[1]))
    for c, _ in into(g, k, "LED_TO", "Clue"):
        found += [(o, "shared_clue", c[1]) for o, _ in out(g, c, "LED_TO", "Case") if o != k]
    for a, _ in into(g, k, "INVOLVED_IN", "Leader"):
        for u, p in out(g, a, "HOLDS_POST"):
            for b, q in into(g, u, "HOLDS_POST", "Leader"):
                if b != a and _overlap(p, q):
                    found += [(o, "overlapping_tenure", u[1]) for o, _ in out(g, b, "INVOLVED_IN", "Case") if o != k]
    return found


def case_links(g, case_id, days):
    k = ("Case", case_id)
    by_other = defaultdict(lambda: (set(), set()))
    for o, reason, via in _links(g, k, days):
        reasons, vias = by_other[o]
        reasons.add(reason)
        vias.add(f"{reason}:{via}")
    return [(case_id, o[1], prop(g, o, "name"), sorted(r), sorted(v)) for o, (r, v) in by_other.items()]


def case_clusters(g, days):
    links = nx.Graph()
    for k in nodes(g, "Case"):
        for o, reason, _ in _links(g, k, days):
            a, b = sorted((k[1], o[1]))
            links.add_edge(a, b)
            links[a][b].setdefault("reasons", set()).add(reason)
    groups = sorted((sorted(c) for c in nx.connected_components(links)), key=lambda c: (-len(c), c[0]))
    rows = []
    for i, cases in enumerate(groups, start=1):
        sub = links.subgraph(cases)
        reasons = sorted({r for _, _, d in sub.edges(data=True) for r in d["reasons"]})
        rows.append((i, len(cases), cases, reasons, sub.number_of_edges()))
    return rows


def leader_dossier(g, leader_id):
    who = ("Leader", leader_id)
    rows = []
    for u, p in out(g, who, "HOLDS_POST"):
        rows.append(("post", p.get("start"), p.get("end"), p.get("title"), u[1], prop(g, u, "name"),
                     "一把手" if p.get("top_leader") is True else "", _sorted(p.get("sources"))))
    for x, s in into(g, who, "SUPERVISED"):
        rows.append(("supervised", s.get("date"), None, s.get("kind"), x[1], prop(g, x, "name"), s.get("note") or "",
                     _sorted(s.get("sources"))))
    for c, r in into(g, who, "ABOUT", "Clue"):
        rows.append(("clue", prop(g, c, "received"), prop(g, c, "disposed"), prop(g, c, "channel"), c[1],
                     prop(g, c, "name"), prop(g, c, "status"), _sorted(r.get("sources"))))
    for a, r in into(g, who, "AUDITS", "Audit"):
        rows.append(("audit", prop(g, a, "date"), None, prop(g, a, "kind"), a[1], prop(g, a, "name"), "",
                     _sorted(r.get("sources"))))
    for f, r in into(g, who, "CONCERNS", "Finding"):
        rows.append(("finding", prop(g, f, "found"), prop(g, f, "closed"), prop(g, f, "status"), f[1],
                     prop(g, f, "name"), "", _sorted(r.get("sources"))))
    for k, i in out(g, who, "INVOLVED_IN", "Case"):
        rows.append(("case", prop(g, k, "opened"), prop(g, k, "closed"), i.get("role"), k[1], prop(g, k, "name"),
                     prop(g, k, "stage") or "", _sorted(i.get("sources"))))
    for k, s in out(g, who, "SANCTIONED", "Case"):
        rows.append(("sanction", s.get("date"), None, s.get("kind"), k[1], prop(g, k, "name"), "",
                     _sorted(s.get("sources"))))
    for i, r in into(g, who, "RESPONSIBLE_LEADER", "LedgerItem"):
        state = prop(g, i, "state")
        rows.append(("ledger", prop(g, i, "opened"), prop(g, i, "state_date") if state == "closed" else None, state,
                     i[1], prop(g, i, "name"), prop(g, i, "origin") or "", _sorted(r.get("sources"))))
    return rows


def _sorted(values):
    return sorted(values) if values else values


def unit_portrait(g, unit_id, level, months, as_of, limit):
    since = minus(as_of, months=months)
    rows = []
    for u in nodes(g, "Unit"):
        if (unit_id is not None and u[1] != unit_id) or (level is not None and prop(g, u, "admin_level") != level):
            continue
        leaders = {who for who, p in into(g, u, "HOLDS_POST", "Leader") if current(p, as_of)}
        clues = sum(len({c for c, _ in into(g, who, "ABOUT", "Clue") if within(prop(g, c, "received"), since, as_of)})
                    for who in leaders)
        clues += len({c for c, _ in into(g, u, "ABOUT", "Clue") if within(prop(g, c, "received"), since, as_of)})
        covered = sum(1 for who in leaders
                      if any(within(s.get("date"), since, as_of) for _, s in into(g, who, "SUPERVISED")))
        cases = {c for c, _ in into(g, u, "CONCERNS", "Case") if within(prop(g, c, "opened"), since, as_of)}
        top = any(p.get("top_leader") is True and current(p, prop(g, c, "opened"))
                  for c in cases for t, _ in into(g, c, "INVOLVED_IN", "Leader") for w, p in out(g, t, "HOLDS_POST")
                  if w == u)
        overdue = {f for f, _ in into(g, u, "CONCERNS", "Finding")
                   if prop(g, f, "deadline") is not None and prop(g, f, "deadline") < as_of
                   and prop(g, f, "status") not in (None, "对账销号") and prop(g, f, "closed") is None}
        density = clues / len(leaders) if leaders else 0.0
        coverage = covered / len(leaders) if leaders else 1.0
        score = round(30 * min(len(cases), 3) / 3 + 20 * top + 15 * min(density, 1.0)
                      + 15 * min(len(overdue), 5) / 5 + 20 * (1 - coverage), 2)  # reported to two decimals
        rows.append((u[1], prop(g, u, "name"), len(cases), top, len(leaders), density, len(overdue), coverage, score))
    rows.sort(key=lambda r: (-r[8], r[0]))
    return rows[:limit]


RANK_ORDER = ["省部级", "厅局级", "县处级", "乡科级"]


def case_surges(g, level, period, min_rank, min_cases):
    regions = [r for r in nodes(g, "Region") if prop(g, r, "level") == level]
    counted = set()
    for c in nodes(g, "Case"):
        day = prop(g, c, "announced") or prop(g, c, "opened")
        if day is None:
            continue
        if period == "month" and prop(g, c, "announced") and (prop(g, c, "announced_precision") or "day") == "year":
            continue
        if min_rank is not None and (prop(g, c, "rank") not in RANK_ORDER[:RANK_ORDER.index(min_rank) + 1]):
            continue
        key = str(day)[:7] if period == "month" else str(day)[:4]
        for u, _ in out(g, c, "CONCERNS", "Unit"):
            for x, _ in out(g, u, "IN_REGION", "Region"):
                for r in reach(g, x, "PART_OF", 3):
                    if prop(g, r, "level") == level:
                        counted.add((c, r, key))
    counts = Counter((r, key) for _, r, key in counted)
    if not counts:
        return []
    keys = sorted({key for _, key in counts})
    if period == "month":
        span, y, m = [], int(keys[0][:4]), int(keys[0][5:])
        while f"{y:04d}-{m:02d}" <= keys[-1]:
            span.append(f"{y:04d}-{m:02d}")
            y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    else:
        span = [str(y) for y in range(int(keys[0]), int(keys[-1]) + 1)]
    rows = []
    for (r, key), n in counts.items():
        if n < min_cases:
            continue
        own = [counts.get((r, k), 0) for k in span if k != key]
        peers = [counts.get((o, key), 0) for o in regions if o != r]
        baseline = statistics.median(own) if own else None
        peer = statistics.median(peers) if peers else None
        ratio = n / max(baseline, 1) if baseline is not None else None
        peer_ratio = n / max(peer, 1) if peer is not None else None
        known = [x for x in (ratio, peer_ratio) if x is not None]
        score = min(known) if known else None
        rows.append((r[1], prop(g, r, "name"), key, n, baseline, peer, ratio, peer_ratio, score))
    return rows


REFERENCES: dict[str, Any] = {
    "collapse_clusters": collapse_clusters, "sector_clusters": sector_clusters,
    "regional_outliers": regional_outliers, "same_level_gaps": same_level_gaps, "superior_gaps": superior_gaps,
    "audit_gaps": audit_gaps, "clue_backlog": clue_backlog, "overdue_rectification": overdue_rectification,
    "case_links": case_links, "case_clusters": case_clusters, "leader_dossier": leader_dossier,
    "unit_portrait": unit_portrait, "case_surges": case_surges,
}
