"""The places a document names, in order, and what a bare 市, 县 or 镇 means at each point.

A bare level character means "the one this document is about": it is settled from the places
the document names, never from a global guess.
"""

from __future__ import annotations

import bisect
import re
from collections import Counter
from dataclasses import dataclass

from jiandu.ingest.text.lexicon import BODIES, DEPARTMENT_STEMS, DEPARTMENT_SUFFIXES, TITLES, function_words
from jiandu.ingest.text.places import MAX_NAME, Gazetteer, LocalGazetteer, Place, gazetteer

LEVEL_CHARS = {"省": "省", "市": "市", "县": "县", "区": "县", "镇": "乡", "乡": "乡"}
_PLACE_ENDS = set("省市县区州盟旗镇乡道")
_ABOVE = {"市": "省", "县": "市", "乡": "县"}

# A place the gazetteer lacks is taken only by its structure: two characters and a level
# character, followed by what follows a place in an organisation's or a post's name (a body, a
# department, a title, or the next place of a chain: 岚港市鹭屿区委).
_CJK = "\u4e00-\u9fff"
_FOLLOWS = "|".join(sorted({*BODIES, *TITLES, *(f"{stem}(?:{'|'.join(DEPARTMENT_SUFFIXES)})" for stem in
                                                  DEPARTMENT_STEMS)}, key=len, reverse=True))
_UNKNOWN = re.compile(f"([{_CJK}]{{2}})([市县区镇乡])(?=(?:[{_CJK}]{{2}}[县区镇乡村])?(?:{_FOLLOWS}))")
# Characters no place name of two characters holds: function words, pronouns, quantities, levels.
_NOT_IN_PLACE = set("的了在是和与及或等对向把被将为于从任到原经由据各全本该我此其这那每某两多几个省市县区镇乡村年月日号"
                    "一二三四五六七八九十百千万曾时现前后副正上下中内外委党组部局厅办")


# words that put a place next: 对梅岭镇党委书记, 任石溪县副县长, 在…, …和…
_BEFORE_PLACE = set("对在任的和与及向从由据经给将把被、")


def _is_cjk(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff"


@dataclass
class PlaceMention:
    start: int
    end: int
    place: Place


class PlaceMentions:
    """The places a document names, in order, and what 市/县/镇 mean at each point."""

    def __init__(self, text: str, gaz: Gazetteer | None = None):
        self.gaz = gaz or gazetteer()
        self._settle(text)
        unknown = self._unknown(text)
        if unknown:
            self.gaz = LocalGazetteer(self.gaz, unknown)
            self._settle(text)

    def _settle(self, text: str) -> None:
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

    def _unknown(self, text: str) -> list[Place]:
        """Places the gazetteer lacks, found by their structure; each under the place of the level
        above that the text named last before it, else the document's main one of that level."""
        made: dict[tuple[str, str], Place] = {}
        covered = {i for m in self.mentions for i in range(m.start, m.end)}
        known = [(m.start, m.place) for m in self.mentions]  # in text order, with the places made here
        # a place of a level the document already names is one the gazetteer knows; a bare 市委
        # after two other characters (召开市委常委会) is that place's, not a new one
        levels = {m.place.level for m in self.mentions}
        words = function_words()
        matches = [m for m in _UNKNOWN.finditer(text) if not set(m.group(1)) & _NOT_IN_PLACE
                   and LEVEL_CHARS[m.group(2)] not in levels and m.group(1) not in words]
        seen = Counter(m.group() for m in matches)
        accepted: set[int] = set()  # where the places taken here end (石溪县梅岭镇: the second follows the first)
        for match in matches:
            stem, char = match.group(1), match.group(2)
            name, level = stem + char, LEVEL_CHARS[char]
            start, end = match.start(), match.end()
            if start in covered or end - 1 in covered:
                continue  # (a name the gazetteer has elsewhere, unsettled here, is this document's own)
            # Two characters before 市委 may as well be the end of a clause (召开市委常委会): a
            # name seen once counts only right after a break or a place
            if seen[name] < 2 and not (start == 0 or not _is_cjk(text[start - 1]) or text[start - 1] in _BEFORE_PLACE
                                       or start in self.ends or start in accepted):
                continue
            accepted.add(end)
            if (name, level) not in made:
                made[(name, level)] = Place(name, level, f"doc:{name}", self._above(known, start, level))
            bisect.insort(known, (start, made[(name, level)]), key=lambda k: k[0])
        return list(made.values())

    def _above(self, known: list[tuple[int, Place]], pos: int, level: str) -> Place | None:
        wanted = _ABOVE.get(level)
        if wanted is None:
            return None
        i = bisect.bisect_left(known, pos, key=lambda k: k[0])
        for _, place in reversed(known[max(0, i - 200):i]):
            if (above := place.ancestor(wanted)) is not None:
                return above
        return self.primary.get(wanted) or next((p.ancestor(wanted) for _, p in known
                                                 if p.ancestor(wanted) is not None), None)

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
        i = bisect.bisect_left(self._starts, pos)
        for m in reversed(self.mentions[max(0, i - 200):i]):  # the nearest ones; far back, the main place
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
