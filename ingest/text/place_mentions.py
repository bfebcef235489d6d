"""The places a document names, in order, and what a bare 市, 县 or 镇 means at each point.

A bare level character means "the one this document is about": it is settled from the places
the document names, never from a global guess.
"""

from __future__ import annotations

import bisect
from collections import Counter
from dataclasses import dataclass

from jiandu.ingest.text.places import MAX_NAME, Gazetteer, Place, gazetteer

LEVEL_CHARS = {"省": "省", "市": "市", "县": "县", "区": "县", "镇": "乡", "乡": "乡"}
_PLACE_ENDS = set("省市县区州盟旗镇乡道")


@dataclass
class PlaceMention:
    start: int
    end: int
    place: Place


class PlaceMentions:
    """The places a document names, in order, and what 市/县/镇 mean at each point."""

    def __init__(self, text: str, gaz: Gazetteer | None = None):
        self.gaz = gaz or gazetteer()
        raw = self._scan(text)
        unique = list(dict.fromkeys(cands[0] for _, _, cands in raw if len(cands) == 1 and cands[0].level != "乡"))
        self.mentions: list[PlaceMention] = []
        for start, end, cands in raw:
            place = self.gaz.resolve(cands, unique)
            if place is not None and (place.level != "乡" or self._anchored(place, unique)):
                self.mentions.append(PlaceMention(start, end, place))
        self.ends = {m.end: m for m in self.mentions}
        self._starts = [m.start for m in self.mentions]
        self.named = list(dict.fromkeys(m.place for m in self.mentions))  # each place once, in order
        counts: Counter[Place] = Counter()
        for m in self.mentions:
            for p in m.place.chain():
                counts[p] += 1
        self.primary = {lvl: max((p for p in counts if p.level == lvl), key=lambda p: counts[p], default=None)
                        for lvl in ("省", "市", "县")}
        if self.primary["市"] is not None:  # the province is the one the main city lies in
            self.primary["省"] = self.primary["市"].ancestor("省")

    def main_city(self) -> str | None:
        """The city the document is about: the one its places lie in most often."""
        city = self.primary.get("市")
        return city.name if city else None

    def _scan(self, text: str) -> list[tuple[int, int, list[Place]]]:
        found: list[tuple[int, int, list[Place]]] = []
        last_end = -1
        for i, ch in enumerate(text):
            if ch not in _PLACE_ENDS:
                continue
            # two-character names only for counties (攸县, 沛县): 城区, 新区 are words as often as places
            for length in range(min(MAX_NAME, i + 1), 1 if ch == "县" else 2, -1):
                start = i - length + 1
                cands = self.gaz.candidates(text[start:i + 1])
                if cands and start >= last_end:
                    found.append((start, i + 1, cands))
                    last_end = i + 1
                    break
        return found

    @staticmethod
    def _anchored(place: Place, context: list[Place]) -> bool:
        """A township counts only when its county or city is named in the document too."""
        return any(ctx in place.chain() for ctx in context)

    def before(self, pos: int, level: str, suffix: str | None = None) -> Place | None:
        """The place of ``level`` this document last named before ``pos`` (or its main one)."""
        for m in reversed(self.mentions[:bisect.bisect_left(self._starts, pos)]):
            p = m.place.ancestor(level)
            if p is not None and (suffix is None or p.name.endswith(suffix)):
                return p
        primary = self.primary.get(level)
        if primary is not None and (suffix is None or primary.name.endswith(suffix)):
            return primary
        return None

    def short_form(self, text: str, end: int) -> tuple[int, Place] | None:
        """A short place name (青龙, 广元) ending at ``end``, settled by the document's places."""
        context = self.named
        for length in (4, 3, 2):
            start = end - length
            if start < 0:
                continue
            cands = self.gaz.candidates(text[start:end], short=True)
            place = self.gaz.resolve(cands, context) if cands else None
            if place is not None:
                return start, place
        return None
