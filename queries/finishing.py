"""Python finishing steps (a header's ``finish:`` line) for named queries whose last step Cypher does badly.

Each takes the Cypher result and the bound parameters and returns the final result.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from typing import Any

import networkx as nx

from jiandu.graph.store import Result


def regional_outliers(result: Result, params: dict[str, Any]) -> Result:
    """z = (rate − mean of the siblings' rates) / population std of the siblings' rates.

    Siblings share the parent region; regions with no leaders have no rate and are left out
    of every comparison. z is None with fewer than two siblings or when they do not vary.
    """
    rows = result.records()
    for row in rows:
        row["rate"] = row["involved"] / row["leaders"] if row["leaders"] else None
    by_parent: dict[Any, list[dict]] = defaultdict(list)
    for row in rows:
        by_parent[row["parent_id"]].append(row)
    out = []
    for row in rows:
        others = [r["rate"] for r in by_parent[row["parent_id"]] if r is not row and r["rate"] is not None]
        # plain floats: statistics.pstdev computes in exact fractions, which took longer than the query
        mean = math.fsum(others) / len(others) if others else None
        std = math.sqrt(math.fsum((x - mean) ** 2 for x in others) / len(others)) if len(others) >= 2 else None
        z = None
        if row["rate"] is not None and std:
            z = round((row["rate"] - mean) / std, 6)
        if params.get("min_z") is not None and (z is None or z < params["min_z"]):
            continue
        out.append([row["region_id"], row["region"], row["parent_id"], row["leaders"], row["involved"],
                    None if row["rate"] is None else round(row["rate"], 6),
                    None if mean is None else round(mean, 6), None if std is None else round(std, 6), z])
    out.sort(key=lambda r: (r[8] is None, -(r[8] or 0), r[0]))
    columns = ["region_id", "region", "parent_id", "leaders", "involved", "rate", "siblings_mean", "siblings_std", "z"]
    return Result(columns, out)


def _near(opened: str | None, other_opened: str | None, days: int) -> bool:
    """Two openings at most ``days`` apart (both known)."""
    if opened is None or other_opened is None:
        return False
    return abs((dt.date.fromisoformat(opened) - dt.date.fromisoformat(other_opened)).days) <= days


def case_links(result: Result, params: dict[str, Any]) -> Result:
    """One row per linked case, its reasons and what it is linked through."""
    linked: dict[str, dict[str, Any]] = {}
    for other_id, other, reason, via, opened, other_opened in result.rows:
        if reason == "shared_unit" and not _near(opened, other_opened, params["days"]):
            continue
        entry = linked.setdefault(other_id, {"other": other, "reasons": set(), "via": set()})
        entry["reasons"].add(reason)
        entry["via"].add(f"{reason}:{via}")
    rows = [[params["case_id"], other_id, e["other"], sorted(e["reasons"]), sorted(e["via"])]
            for other_id, e in sorted(linked.items())]
    return Result(["case_id", "other_id", "other", "reasons", "via"], rows)


def case_clusters(result: Result, params: dict[str, Any]) -> Result:
    """Connected groups of linked cases, largest first."""
    graph = nx.Graph()
    for a, b, reason, a_opened, b_opened in result.rows:
        if reason == "shared_unit" and not _near(a_opened, b_opened, params["days"]):
            continue
        if graph.has_edge(a, b):
            graph[a][b]["reasons"].add(reason)
        else:
            graph.add_edge(a, b, reasons={reason})
    groups = sorted((sorted(c) for c in nx.connected_components(graph)), key=lambda c: (-len(c), c[0]))
    rows = []
    for number, cases in enumerate(groups, start=1):
        sub = graph.subgraph(cases)
        reasons = sorted(set().union(*(d["reasons"] for _, _, d in sub.edges(data=True))))
        rows.append([number, len(cases), cases, reasons, sub.number_of_edges()])
    return Result(["cluster", "size", "case_ids", "reasons", "links"], rows)


# unit_portrait.cypher repeats these weights, unrounded, to send only the units near the top
WEIGHTS = {"cases": 30, "top_involved": 20, "clue_density": 15, "overdue": 15, "uncovered": 20}


def portrait_score(cases: int, top_involved: bool, clue_density: float, overdue: int, coverage: float) -> float:
    """The combined political-ecology score, 0–100; higher needs more attention."""
    return round(WEIGHTS["cases"] * min(cases, 3) / 3 + WEIGHTS["top_involved"] * bool(top_involved)
                 + WEIGHTS["clue_density"] * min(clue_density, 1.0) + WEIGHTS["overdue"] * min(overdue, 5) / 5
                 + WEIGHTS["uncovered"] * (1 - coverage), 2)


def unit_portrait(result: Result, params: dict[str, Any]) -> Result:
    rows = []
    for r in result.records():
        density = round(r["clues"] / r["leaders"], 6) if r["leaders"] else 0.0
        coverage = round(r["covered"] / r["leaders"], 6) if r["leaders"] else 1.0
        score = portrait_score(r["cases"], r["top_involved"], density, r["overdue"], coverage)
        rows.append([r["unit_id"], r["unit"], r["cases"], bool(r["top_involved"]), r["leaders"], density,
                     r["overdue"], coverage, score])
    rows.sort(key=lambda r: (-r[8], r[0]))
    columns = ["unit_id", "unit", "cases", "top_involved", "leaders", "clue_density", "overdue", "coverage", "score"]
    return Result(columns, rows[: params["limit"]])


def _periods(first: str, last: str, monthly: bool) -> list[str]:
    """Every period from ``first`` to ``last``: years ("2014") or months ("2014-03")."""
    if not monthly:
        return [str(y) for y in range(int(first), int(last) + 1)]
    out, (y, m) = [], map(int, first.split("-"))
    while f"{y:04d}-{m:02d}" <= last:
        out.append(f"{y:04d}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def case_surges(result: Result, params: dict[str, Any]) -> Result:
    """Each region's cases per period against its own other periods and its peers' same period.

    The span of periods runs from the first to the last period any region of the level has a
    case in; a period without cases counts as 0 for baseline and peers alike.
    """
    names: dict[str, str] = {}
    counts: dict[tuple[str, str], int] = defaultdict(int)
    for region_id, region, period, cases in result.rows:
        names[region_id] = region
        if period is not None:
            counts[(region_id, period)] += int(cases)
    columns = ["region_id", "region", "period", "cases", "baseline", "peers", "ratio", "peer_ratio", "score", "why"]
    if not counts:
        return Result(columns, [])
    seen = sorted({p for _, p in counts})
    span = _periods(seen[0], seen[-1], params["period"] == "month")
    by_period = {p: [counts.get((r, p), 0) for r in names] for p in span}
    out = []
    for (region_id, period), cases in counts.items():
        if cases < params["min_cases"]:
            continue
        own = [counts.get((region_id, p), 0) for p in span if p != period]
        others = list(by_period[period])
        others.remove(cases)
        baseline = _median(own)
        peers = _median(others)
        ratio = round(cases / max(baseline, 1), 6) if baseline is not None else None
        peer_ratio = round(cases / max(peers, 1), 6) if peers is not None else None
        known = [x for x in (ratio, peer_ratio) if x is not None]
        score = min(known) if known else None
        why = (f"{cases} 件 cases; 本地区其他 {len(own)} 期中位数 own median {_text(baseline)} (×{_text(ratio)}); "
               f"同级 {len(others)} 个地区同期中位数 peers' median {_text(peers)} (×{_text(peer_ratio)})")
        out.append([region_id, names[region_id], period, cases, baseline, peers, ratio, peer_ratio, score, why])
    out.sort(key=lambda r: (r[8] is None, -(r[8] or 0), -r[3], r[0], r[2]))
    return Result(columns, out)


def _median(values: list[int]) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    mid = len(ordered) // 2
    return float(ordered[mid]) if len(ordered) % 2 else (ordered[mid - 1] + ordered[mid]) / 2


def _text(value: float | None) -> str:
    return "—" if value is None else f"{value:g}"


DOSSIER_SECTIONS = ("post", "supervised", "clue", "audit", "finding", "case", "sanction", "ledger")


def leader_dossier(result: Result, params: dict[str, Any]) -> Result:
    """Each entry's sources sorted (the graph keeps them in the order they were loaded, which
    differs between one load and several), the entries by section, then date."""
    at = result.columns.index("sources")
    rows = [[*row[:at], sorted(row[at]) if row[at] else row[at], *row[at + 1:]] for row in result.rows]
    rows.sort(key=lambda r: (DOSSIER_SECTIONS.index(r[0]), r[1] or "", r[4] or "", repr(r[:at]), repr(r[at:])))
    return Result(result.columns, rows)
