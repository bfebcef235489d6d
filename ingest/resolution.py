"""Entity resolution across sources: a person a new list names becomes the person the graph
already has when the name, the region and an overlapping post agree.

A post agrees when the unit's name (as ``unit_name`` writes it) and one title are the same and
the times overlap. A time is an interval: a tenure's start and end; a list's announcement date
for a post held then; before that date for a former post (原). Dates a list gives as a year or a
month count as the whole year or month; a stored date on 1 January or on the 1st of a month is
read the same way, as lists store their dates so. A post without any date never agrees: an
unknown time cannot be shown to overlap.

Masked names (王某) never merge. A person with two agreeing candidates is left alone and
reported. Every merge is written on the person (``Leader.merges``: "ROW ← evidence"), and a rule
``apart PERSON_ID ROW`` in the rules file keeps that row apart, undoing a merge made before.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from jiandu.graph.store import Store

RULES_FILE = "merge-rules.txt"
_BATCH = 2000
_FAR_PAST, _FAR_FUTURE = dt.date(1900, 1, 1), dt.date(2999, 12, 31)


@dataclass(frozen=True)
class Span:
    """When a post was held, as far as a source tells: [low, high]."""
    low: dt.date
    high: dt.date

    def overlaps(self, other: Span) -> bool:
        return self.low <= other.high and other.low <= self.high

    def text(self) -> str:
        low = "…" if self.low == _FAR_PAST else self.low.isoformat()
        high = "…" if self.high == _FAR_FUTURE else self.high.isoformat()
        return f"{low}–{high}"


def period(value: str | dt.date | None, *, stored: bool = False) -> tuple[dt.date, dt.date] | None:
    """The first and last day a date names: "2014" is the whole year, "2014-03" the month.
    ``stored``: an ISO date from the graph, where the 1st stands for its month and 1 January for
    its year."""
    if value is None or value == "":
        return None
    text = value.isoformat() if isinstance(value, dt.date) else str(value)[:10]
    parts = [int(p) for p in text.split("-")]
    if stored and len(parts) == 3 and parts[2] == 1:
        parts = parts[:1] if parts[1] == 1 else parts[:2]
    if len(parts) == 1:
        return dt.date(parts[0], 1, 1), dt.date(parts[0], 12, 31)
    if len(parts) == 2:
        nxt = dt.date(parts[0] + parts[1] // 12, parts[1] % 12 + 1, 1)
        return dt.date(parts[0], parts[1], 1), nxt - dt.timedelta(days=1)
    day = dt.date(*parts)
    return day, day


def span(start=None, end=None, announced=None, former: bool = False, *, stored: bool = False) -> Span | None:
    """The interval a post was held in: from its tenure dates, else from an announcement."""
    first, last = period(start, stored=stored), period(end, stored=stored)
    if first or last:
        return Span(first[0] if first else _FAR_PAST, last[1] if last else _FAR_FUTURE)
    seen = period(announced, stored=stored)
    if seen is None:
        return None
    return Span(_FAR_PAST, seen[1]) if former else Span(seen[0], seen[1])


@dataclass
class Post:
    unit: str                 # the unit's name as unit_name writes it
    titles: tuple[str, ...]
    when: Span | None
    # for a post already in the graph: the rows that gave it, and its unit's region chain
    sources: tuple[str, ...] = ()
    region: dict[str, str] = field(default_factory=dict)


@dataclass
class Mention:
    """A person as one source names them: the node id it would get, and what identifies them."""
    node_id: str
    name: str
    masked: bool
    region: dict[str, str]    # level → name: {"省": "湖南省", "市": "衡阳市"}
    posts: list[Post]
    rows: list[str]           # provenance: "FILE#L12"


@dataclass
class Candidate:
    node_id: str
    posts: list[Post]


@dataclass
class Resolution:
    merged: dict[str, str] = field(default_factory=dict)      # incoming id → existing id
    evidence: dict[str, str] = field(default_factory=dict)    # incoming id → why
    ambiguous: dict[str, list[str]] = field(default_factory=dict)
    kept_apart: list[tuple[str, str]] = field(default_factory=list)  # (existing id, row) by a rule


def shared_region(a: dict[str, str], b: dict[str, str]) -> str | None:
    """The region two chains share (湖南省衡阳市), or None when they share no level or differ on one."""
    shared = [lv for lv in ("省", "市", "县", "乡") if lv in a and lv in b]
    if not shared or any(a[lv] != b[lv] for lv in shared):
        return None
    return "".join(a[lv] for lv in shared)


def agreeing_post(m: Mention, theirs: list[Post]) -> tuple[Post, Post, str] | None:
    """A post of the mention and one of ``theirs`` that agree, in a region both share; posts
    that only the mention's own rows gave (an earlier import of them) do not count."""
    for q in theirs:
        region = shared_region(m.region, q.region)
        if region is None or (q.sources and set(q.sources) <= set(m.rows)):
            continue
        for p in m.posts:
            if p.unit == q.unit and set(p.titles) & set(q.titles) and p.when and q.when and p.when.overlaps(q.when):
                return p, q, region
    return None


class Rules:
    """``apart PERSON_ID ROW`` lines: the row never merges into that person. Lines starting with
    # are comments, as is what follows " #"."""

    def __init__(self, pairs: Iterable[tuple[str, str]] = ()):
        self.pairs = set(pairs)

    @classmethod
    def read(cls, path: Path | None) -> Rules:
        if path is None or not path.exists():
            return cls()
        pairs = []
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            # a comment is a line starting with #, or what follows " #" (rows hold a # of their own)
            words = re.split(r"\s#", line, maxsplit=1)[0].split() if not line.lstrip().startswith("#") else []
            if not words:
                continue
            if len(words) != 3 or words[0] != "apart":
                raise ValueError(f"{path}:{number}: 规则应为 (a rule reads) 'apart PERSON_ID ROW': {line.strip()!r}")
            pairs.append((words[1], words[2]))
        return cls(pairs)

    def forbids(self, target: str, rows: list[str]) -> str | None:
        return next((row for row in rows if (target, row) in self.pairs), None)


def candidates(store: Store, names: list[str], unit_key: Callable[[str], str]) -> dict[str, list[Candidate]]:
    """The graph's unmasked leaders with these names, each with its posts (units named by
    ``unit_key``, as the incoming posts are), each post with its unit's region."""
    found: dict[str, dict[str, Candidate]] = {}
    for i in range(0, len(names), _BATCH):
        rows = store.run(
            "UNWIND $names AS n MATCH (l:Leader {name: n}) WHERE l.masked IS NULL OR l.masked = false "
            "MATCH (l)-[h:HOLDS_POST]->(u) "
            "OPTIONAL MATCH (u)-[:IN_REGION]->(r:Region) OPTIONAL MATCH (r)-[:PART_OF]->(r2:Region) "
            "OPTIONAL MATCH (r2)-[:PART_OF]->(r3:Region) OPTIONAL MATCH (r3)-[:PART_OF]->(r4:Region) "
            "RETURN l.id, l.name, u.name, h.title, h.start, h.end, h.announced, h.former, h.sources, "
            "[x IN [r, r2, r3, r4] WHERE x IS NOT NULL | [x.level, x.name]]",
            {"names": names[i:i + _BATCH]}).rows
        for lid, name, unit, title, start, end, announced, former, sources, chain in rows:
            c = found.setdefault(name, {}).setdefault(lid, Candidate(lid, []))
            when = span(start, end, announced, bool(former), stored=True)
            c.posts.append(Post(unit_key(unit or ""), tuple(t for t in (title or "").split("、") if t), when,
                                tuple(sources or ()), {lv: nm for lv, nm in chain if lv and nm}))
    return {name: list(by_id.values()) for name, by_id in found.items()}


def resolve(store: Store, mentions: list[Mention], rules: Rules,
            unit_key: Callable[[str], str] = lambda name: name) -> Resolution:
    """Which incoming people are people the graph already has; ``unit_key`` names the graph's
    units the way the mentions' posts name theirs."""
    out = Resolution()
    named = [m for m in mentions if not m.masked]
    known = candidates(store, sorted({m.name for m in named}), functools.lru_cache(maxsize=None)(unit_key))
    for m in named:
        hits = []
        for c in known.get(m.name, []):
            agreed = agreeing_post(m, c.posts) if c.node_id != m.node_id else None
            if agreed is None:
                continue
            row = rules.forbids(c.node_id, m.rows)
            if row is not None:
                out.kept_apart.append((c.node_id, row))
                continue
            hits.append((c, agreed))
        if len(hits) > 1:
            out.ambiguous[m.node_id] = [c.node_id for c, _ in hits]
        elif hits:
            (c, (mine, theirs, region)), = hits
            title = next(iter(set(mine.titles) & set(theirs.titles)))
            out.merged[m.node_id] = c.node_id
            out.evidence[m.node_id] = (f"姓名 name {m.name} · 地区 region {region} · 职务 post {mine.unit} {title} "
                                       f"({mine.when.text()} ∩ {theirs.when.text()})")
    return out


def remap(items: list[dict], resolution: Resolution) -> list[dict]:
    """The records with every merged person's id replaced by the existing person's; their node
    records keep only the name and provenance, so the person's own properties stay."""
    ids = resolution.merged
    out = []
    for item in items:
        if "type" in item:
            item = {**item, "from": ids.get(item["from"], item["from"]), "to": ids.get(item["to"], item["to"])}
        elif item["label"] == "Leader" and item["id"] in ids:
            item = {"label": "Leader", "id": ids[item["id"]], "name": item["name"], "sources": item["sources"]}
        out.append(item)
    return out


def record_merges(store: Store, mentions: list[Mention], resolution: Resolution) -> None:
    """Write each merge's evidence on the person, one entry per row (a re-import replaces it)."""
    entries = [{"id": resolution.merged[m.node_id], "prefix": row + " ",
                "text": f"{row} ← {resolution.evidence[m.node_id]}"}
               for m in mentions if m.node_id in resolution.merged for row in m.rows]
    if entries:  # the prefix comes ready-made: FalkorDB reads `x STARTS WITH a + b` as `(x STARTS WITH a) + b`
        store.run("UNWIND $entries AS e MATCH (l:Leader {id: e.id}) "
                  "SET l.merges = [x IN coalesce(l.merges, []) WHERE NOT x STARTS WITH e.prefix] + [e.text]",
                  {"entries": entries})


def undo(store: Store, takes: list[tuple[str, list[str]]]) -> int:
    """Take rows back out of people, each (person id, rows): relationships only those rows gave
    are deleted, and the rows leave the other records' provenance and the person's merges.
    Returns how many relationships were deleted."""
    if not takes:
        return 0
    batch = [{"id": target, "rows": rows, "prefixes": [row + " " for row in rows]} for target, rows in takes]
    deleted = store.run(
        "UNWIND $batch AS t MATCH (l:Leader {id: t.id})-[r]-() WHERE size(coalesce(r.sources, [])) > 0 "
        "AND all(s IN r.sources WHERE s IN t.rows) DELETE r RETURN count(*)", {"batch": batch}).rows[0][0]
    store.run("UNWIND $batch AS t MATCH (l:Leader {id: t.id})-[r]-() "
              "SET r.sources = [s IN coalesce(r.sources, []) WHERE NOT s IN t.rows]", {"batch": batch})
    store.run("UNWIND $batch AS t MATCH (l:Leader {id: t.id}) "
              "SET l.sources = [s IN coalesce(l.sources, []) WHERE NOT s IN t.rows], "
              "l.merges = [x IN coalesce(l.merges, []) WHERE NOT any(p IN t.prefixes WHERE x STARTS WITH p)]",
              {"batch": batch})
    return int(deleted)


def retire(store: Store, mentions: list[Mention], resolution: Resolution) -> None:
    """A merged person's rows leave the node an earlier import (kept apart then) gave them; the
    node goes when nothing else is left on it."""
    gone = [m for m in mentions if m.node_id in resolution.merged]
    if not gone:
        return
    undo(store, [(m.node_id, m.rows) for m in gone])
    store.run("UNWIND $ids AS i MATCH (l:Leader {id: i}) WHERE size(coalesce(l.sources, [])) = 0 "
              "AND NOT (l)--() DELETE l", {"ids": [m.node_id for m in gone]})


def apply_rules(store: Store, mentions: list[Mention], rules: Rules) -> list[tuple[str, str]]:
    """Undo the merges the rules now forbid for the rows of ``mentions``; the (person, row) pairs undone."""
    by_row = {row: m for m in mentions for row in m.rows}
    asked = [(target, row) for target, row in sorted(rules.pairs) if row in by_row]
    if not asked:
        return []
    held = store.run("UNWIND $pairs AS p MATCH (l:Leader {id: p[0]}) WHERE p[1] IN coalesce(l.sources, []) "
                     "RETURN p[0], p[1]", {"pairs": [list(p) for p in asked]}).rows
    undone = [(target, row) for target, row in held]
    undo(store, [(target, by_row[row].rows) for target, row in undone])
    return undone
