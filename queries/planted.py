"""Check the patterns planted in a generated world against what the named queries found.

Used by ``jiandu demo`` (a ✓ or ✗ per pattern) and by the tests. The generated background is
clean, so for a world made with noise 0 each query must find exactly what was planted: no
pattern missed, nothing extra.
"""

from __future__ import annotations

from typing import Any

from jiandu.graph.store import Store
from jiandu.queries.library import run_named

WINDOWED = {"collapse_clusters", "sector_clusters"}  # these take since/until rather than as_of


def _run(store: Store, query: str, as_of: str, **params: Any) -> list[dict[str, Any]]:
    if query in WINDOWED:
        params["until"] = as_of
    elif query not in ("case_clusters", "case_links"):
        params["as_of"] = as_of
    return run_named(query, store, **params).records()


def _collapse(rows, p):
    found = sorted((r["unit_id"], r["leader_ids"], r["case_ids"], r["top_leader_ids"]) for r in rows)
    planted = sorted((e["unit"], e["leaders"], e["cases"], [e["top_leader"]]) for e in p["collapse_clusters"])
    return found, planted


def _sector(rows, p):
    found = sorted((r["parent_id"], r["sector"], r["unit_ids"], r["leader_ids"], r["case_ids"]) for r in rows)
    planted = sorted((e["parent"], e["sector"], e["units"], e["leaders"], e["cases"]) for e in p["sector_clusters"])
    return found, planted


def _same_level(rows, p):
    found = sorted((r["party_id"], r["leader_id"]) for r in rows)
    return found, sorted((e["party"], leader) for e in p["same_level_gaps"] for leader in e["leaders"])


def _superior(rows, p):
    found = sorted((r["leader_id"], r["unit_id"]) for r in rows)
    return found, sorted((e["leader"], e["unit"]) for e in p["superior_gaps"])


def _audit(rows, p):
    planted = [("long_tenure", e["leader"], e["unit"]) for e in p.get("audit_gaps.long_tenure", [])]
    planted += [("no_exit_audit", e["leader"], e["unit"]) for e in p.get("audit_gaps.no_exit_audit", [])]
    return sorted((r["gap"], r["leader_id"], r["unit_id"]) for r in rows), sorted(planted)


def _clues(rows, p):
    planted = []
    for e in p.get("clue_backlog.undisposed", []):  # three channels: both a backlog and a repeated signal
        planted += [("undisposed", e["leader"], e["clues"], None), ("multi_channel", e["leader"], e["clues"], None)]
    for e in p.get("clue_backlog.closed_then_case", []):
        planted.append(("closed_then_case", e["leader"], [e["clue"]], e["case"]))
    return sorted((r["kind"], r["leader_id"], r["clue_ids"], r["case_id"]) for r in rows), sorted(planted, key=str)


def _overdue(rows, p):
    found = (sorted({r["unit_id"] for r in rows}), sorted(f for r in rows for f in r["finding_ids"]),
             sorted(i for r in rows for i in r["ledger_ids"]))
    entries, items = p.get("overdue_rectification", []), p.get("ledger.overdue", [])
    units = {u for e in entries for u in e["units"]} | {e["unit"] for e in items}
    return found, (sorted(units), sorted(f for e in entries for f in e["findings"]), sorted(e["item"] for e in items))


def _clusters(rows, p):
    planted = [e["cases"] for e in (*p.get("case_links", []), *p.get("collapse_clusters", []))]
    return sorted(r["case_ids"] for r in rows), sorted(planted)


CHECKS = {  # query: (planted keys it answers, comparison)
    "collapse_clusters": (("collapse_clusters",), _collapse),
    "sector_clusters": (("sector_clusters",), _sector),
    "same_level_gaps": (("same_level_gaps",), _same_level),
    "superior_gaps": (("superior_gaps",), _superior),
    "audit_gaps": (("audit_gaps.long_tenure", "audit_gaps.no_exit_audit"), _audit),
    "clue_backlog": (("clue_backlog.undisposed", "clue_backlog.closed_then_case"), _clues),
    "overdue_rectification": (("overdue_rectification", "ledger.overdue"), _overdue),
    "case_clusters": (("case_links",), _clusters),
}


def check(store: Store, planted: dict[str, list[dict]], as_of: str) -> list[tuple[str, bool, Any, Any]]:
    """(query, ok, found, planted) for every planted pattern, run as of the world's date."""
    report = []
    for query, (keys, compare) in CHECKS.items():
        if any(key in planted for key in keys):
            found, expected = compare(_run(store, query, as_of), planted)
            report.append((query, found == expected, found, expected))
    for entry in planted.get("case_links", []):
        first, second = entry["cases"]
        found = [(r["other_id"], r["reasons"]) for r in _run(store, "case_links", as_of, case_id=first)]
        expected = [(second, ["overlapping_tenure", "shared_person"])]
        report.append(("case_links", found == expected, found, expected))
    return report
