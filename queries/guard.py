"""Read-only Cypher, checked before it reaches the store.

Three layers, each enough on its own for writes:
1. `neo4j-guard` 0.1.1 (pinned), a parser generated from Neo4j's Cypher grammar, in read mode:
   it rejects every writing clause (CREATE, MERGE, SET, DELETE, REMOVE, FOREACH, LOAD CSV …),
   admin and schema commands, and procedures outside a short read-only list. We chose it
   because it parses rather than pattern-matches, so comments and strings cannot hide a write.
2. Our own rules on top: one statement only, every variable-length pattern bounded (≤ 6 hops).
3. The store refuses writes itself (FalkorDB GRAPH.RO_QUERY, Neo4j read access mode), and the
   query runs with a time limit and a row cap.
"""

from __future__ import annotations

import re

from neo4j_guard._checker import GuardError, check_query
from neo4j_guard._rules import Rules

MAX_HOPS = 6
_RULES = Rules.build("read", allow=(), disallow=())
_STRINGS_AND_COMMENTS = re.compile(r"'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"|`[^`]*`|//[^\n]*|/\*.*?\*/", re.S)
_VAR_LENGTH = re.compile(r"\[[^\[\]]*?\*\s*(\d*)\s*(\.\.\s*(\d*))?\s*[^\[\]]*?\]")


class Rejected(ValueError):
    """The query may not run; the message says why, in words a user can act on."""


def bare_text(query: str) -> str:
    """`query` with its strings, quoted names and comments blanked: what the rules read."""
    return _STRINGS_AND_COMMENTS.sub(" ", query)


def check(query: str) -> None:
    """Raise `Rejected` unless `query` is one bounded, read-only statement."""
    if not query or not query.strip():
        raise Rejected("查询为空 (empty query)")
    if len(query) > 20_000:
        raise Rejected("查询过长 (query longer than 20,000 characters)")
    bare = bare_text(query)
    if ";" in bare.strip().rstrip(";"):
        raise Rejected("只允许一条语句 (only one statement is allowed)")
    try:
        check_query(query, _RULES)
    except GuardError as exc:
        raise Rejected(f"不允许的查询 (not allowed): {exc}") from None
    for match in _VAR_LENGTH.finditer(bare):
        low, has_range, high = match.group(1), match.group(2), match.group(3)
        upper = high if has_range else low
        if not upper:
            raise Rejected(f"变长路径必须有上限 (variable-length patterns need an upper bound, at most "
                           f"*..{MAX_HOPS}): {match.group(0)}")
        if int(upper) > MAX_HOPS:
            raise Rejected(f"变长路径最多 {MAX_HOPS} 跳 (at most {MAX_HOPS} hops): {match.group(0)}")
    if re.search(r"\b(allShortestPaths|shortestPath)\s*\(", bare, re.I) and not _VAR_LENGTH.search(bare):
        raise Rejected("最短路径必须有上限 (shortest paths need a bounded pattern)")
