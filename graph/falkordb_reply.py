"""Reading FalkorDB's compact replies in one pass.

A compact reply is ``[header, rows, statistics]``; every value in a row is a pair
``[type, value]`` whose type is one of the tags below (FalkorDB's ``ResultSetScalarTypes``).
The client's reader resolves every value through several calls and builds ordered dicts, and a
second walk then turned dates into text: together most of the Python time a view took. Here
strings, numbers, lists, maps and dates are read in one pass; a reply holding nodes, edges or
paths is handed to the client's reader instead.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from falkordb.edge import Edge
from falkordb.node import Node
from falkordb.path import Path as FalkorPath
from falkordb.query_result import QueryResult

from jiandu.graph.store import plain

# value tags of a compact reply
NULL = 1
STRING = 2
INTEGER = 3
BOOLEAN = 4
DOUBLE = 5
ARRAY = 6
MAP = 10
DATETIME = 13
DATE = 14

STATISTICS = {"Nodes created": "nodes_created", "Relationships created": "relationships_created",
              "Properties set": "properties_set", "Nodes deleted": "nodes_deleted"}


class _Entity(Exception):
    """A reply holds nodes, edges, paths or rarer types: read it through the client instead."""


def cell(pair: list) -> Any:
    """One value, [tag, value], as a plain Python value (dates as ISO text)."""
    tag, value = pair
    if tag in (STRING, INTEGER):
        return value
    # maps and lists: strings, the most common values, without a call each; zip without `strict`:
    # the two halves of one flat list pair up, and the keyword slows each call
    if tag == MAP:  # key, value, key, value …
        return {k: c[1] if c[0] == STRING else cell(c) for k, c in zip(value[::2], value[1::2])}  # noqa: B905
    if tag == ARRAY:
        return [c[1] if c[0] == STRING else cell(c) for c in value]
    if tag == NULL:
        return None
    if tag == BOOLEAN:
        return value == "true"
    if tag == DOUBLE:
        return float(value)
    if tag == DATE:  # seconds since the epoch
        return _day(value)
    if tag == DATETIME:
        return dt.datetime.fromtimestamp(value, tz=dt.UTC).isoformat()
    raise _Entity


_DAYS: dict[int, str] = {}  # a graph holds a few thousand distinct days; a view reads hundreds of dates
_EPOCH = dt.datetime(1970, 1, 1)


def _day(seconds: int) -> str:
    """ISO text of a date value, remembered: converting each afresh was half of a hop's decoding."""
    text = _DAYS.get(seconds)
    if text is None:
        if len(_DAYS) > 100_000:
            _DAYS.clear()
        text = _DAYS[seconds] = (_EPOCH + dt.timedelta(seconds=seconds)).date().isoformat()
    return text


def table(reply: list, graph: Any) -> tuple[list[str], list[list[Any]]]:
    """The columns and rows of a reply."""
    if len(reply) < 3:  # statistics only
        return [], []
    columns = [name for _, name in reply[0]]
    try:
        return columns, [[cell(c) for c in row] for row in reply[1]]
    except _Entity:
        return columns, [[_plain(v) for v in row] for row in QueryResult(graph, reply).result_set]


def statistics(reply: list) -> dict[str, int]:
    """The write counts a reply reports ("Nodes created: 3"), under our names."""
    stats = {}
    for line in reply[-1]:
        name, _, value = line.partition(": ")
        if name in STATISTICS and (count := int(float(value.split()[0]))):
            stats[STATISTICS[name]] = count
    return stats


def _plain(value: Any) -> Any:
    if isinstance(value, Node):
        return {"id": value.properties.get("id"), "labels": list(value.labels or []),
                "properties": plain(value.properties)}
    if isinstance(value, Edge):
        return {"type": value.relation, "source": value.src_node, "target": value.dest_node,
                "properties": plain(value.properties)}
    if isinstance(value, FalkorPath):
        return {"nodes": [_plain(n) for n in value.nodes()], "edges": [_plain(e) for e in value.edges()]}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return plain(value)
