"""Records of one ingest run that name the same node or relationship: seen, compared, reported.

The rule: a later record wins for every property it gives (a later line of a file, a later
file); properties it leaves out keep their value. Where two records give one property two
values, the run reports a *conflict* with both values and their sources, and keeps it beside
the rejects. A relationship id names one relationship: a later record that gives it other
endpoints is refused, and the earlier one stands.
"""

from __future__ import annotations

from array import array
from dataclasses import dataclass
from typing import Any

_EMPTY = 0


class SeenKeys:
    """Which keys a run has seen, in 16 bytes a key: an open-addressing table of 64-bit hashes.

    A set of Python ints would take about 70 bytes a key (6 million keys at scale 100). Two
    keys that share a hash are taken as one: the later record is then compared with the store,
    finds nothing there to differ from (or the same node), and is written as usual.
    """

    def __init__(self) -> None:
        self._slots = array("Q", bytes(8 * 1024))
        self._mask = 1023
        self._count = 0

    def __len__(self) -> int:
        return self._count

    def add(self, key: Any) -> bool:
        """Record `key`; True if it was not seen before."""
        h = (hash(key) & 0xFFFF_FFFF_FFFF_FFFF) or 1
        slots, mask = self._slots, self._mask
        i = h & mask
        while True:
            held = slots[i]
            if held == _EMPTY:
                slots[i] = h
                self._count += 1
                if 2 * self._count > mask:
                    self._grow()
                return True
            if held == h:
                return False
            i = (i + 1) & mask

    def _grow(self) -> None:
        old = self._slots
        self._mask = mask = 2 * (self._mask + 1) - 1
        self._slots = slots = array("Q", bytes(8 * (mask + 1)))
        for h in old:
            if h != _EMPTY:
                i = h & mask
                while slots[i] != _EMPTY:
                    i = (i + 1) & mask
                slots[i] = h


@dataclass
class Conflict:
    """One property that two records of a run give different values."""

    kind: str  # a label or a relationship type
    id: str
    field: str
    earlier: Any
    earlier_sources: list[str]
    later: Any
    later_source: str

    def record(self) -> dict[str, Any]:
        return {"kind": self.kind, "id": self.id, "field": self.field, "earlier": self.earlier,
                "earlier_sources": self.earlier_sources, "later": self.later, "later_source": self.later_source}


def given_values(row: dict[str, Any]) -> dict[str, Any]:
    """The properties a row sets: its plain ones and the dates it gives."""
    dates = {k[2:]: v for k, v in row.items() if k.startswith("d_") and v is not None}
    return {**row["p"], **dates}


def differences(stored: dict[str, Any], row: dict[str, Any]) -> list[tuple[str, Any, Any]]:
    """(property, stored value, row's value) wherever both have a value and they differ."""
    found = []
    for name, value in given_values(row).items():
        before = stored.get(name)
        if before is not None and _same(before) != _same(value):
            found.append((name, before, value))
    return found


def _same(value: Any) -> Any:
    # the store gives a float back for 2.0 written as an int, and lists as lists
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, list):
        return [_same(v) for v in value]
    return value
