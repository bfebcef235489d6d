"""The organisations a document names, resolved to full regional names.

An organisation mention is a place prefix and a body: 秦皇岛市 + 纪委监委, 青龙 + 公安局,
县 + 卫健局. The prefix may be a full place name, a short form (青龙), or a bare level
character (市, 县, 镇, 村) that means "the one this document is about"; the latter two are
settled from the places the document names, never from a global guess.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

from jiandu.ingest.text.lexicon import (
    BODIES,
    DEPARTMENT_STEMS,
    DEPARTMENT_SUFFIXES,
    MEDIA_SUFFIXES,
    NATIONAL_BODIES,
    SUB_UNIT_ENDINGS,
    SUB_UNIT_WORDS,
    TITLES,
    UNIT_ENDINGS,
)
from jiandu.ingest.text.place_mentions import LEVEL_CHARS, PlaceMention, PlaceMentions
from jiandu.ingest.text.places import Place

_CJK = r"\u4e00-\u9fff"
# one character of a sub-unit's own name: never a function word (向, 和, 的, 对 …)
_NAME_CHAR = f"(?:(?![向和的对与及在每为将把被是])[{_CJK}])"


@dataclass
class Org:
    """One organisation: every mention of it in the document folds into one of these."""
    name: str                     # formal, qualified: 秦皇岛市纪律检查委员会监察委员会
    kind: str
    place: Place | None
    aliases: list[str] = field(default_factory=list)
    spans: list[tuple[int, int]] = field(default_factory=list)
    parent: str | None = None     # the organisation a sub-unit belongs to

    def add_alias(self, *names: str) -> None:
        for name in names:
            if name and name != self.name and name not in self.aliases:
                self.aliases.append(name)


@dataclass
class OrgMention:
    start: int
    end: int
    org: Org
    short: str                    # the qualified short form people write: 秦皇岛市纪委监委


_STEMS = sorted(DEPARTMENT_STEMS, key=len, reverse=True)  # longest first: 卫生健康 before 卫生


def _body_pattern() -> re.Pattern[str]:
    departments = f"(?:{'|'.join(_STEMS)})(?:{'|'.join(DEPARTMENT_SUFFIXES)})"
    bodies = "|".join(sorted(BODIES, key=len, reverse=True))
    return re.compile(f"(?P<dept>{departments})|(?P<body>{bodies})")


_BODY = _body_pattern()
_NATIONAL = re.compile("|".join(sorted(NATIONAL_BODIES, key=len, reverse=True)))
_MEDIA = re.compile(f"[{_CJK}]{{2,6}}?(?:{'|'.join(MEDIA_SUFFIXES)})")
_STATIONED = re.compile(f"驻[{_CJK}]{{2,16}}?纪检监察组")
_SUB_UNIT = re.compile(f"(?:第[一二三四五六七八九十]+|{_NAME_CHAR}{{0,6}}?)(?:{'|'.join(SUB_UNIT_ENDINGS)})"
                       f"|(?:第[一二三四五六七八九十]+)?(?:{'|'.join(SUB_UNIT_WORDS)})")
# A firm named after its place whose name says it is the state's (城投, 国有资本, 交通投资 …);
# a firm without such a word may as well be the briber's, and is left alone.
_STATE_WORDS = "城投|城建|国有资本|国有资产|国资|交通投资|交投|建设投资|发展投资|产业投资|水务|能源投资|控股"
_STATE_FIRM = re.compile(f"{_NAME_CHAR}{{0,8}}?(?:{_STATE_WORDS}){_NAME_CHAR}{{0,8}}?"
                         "(?:集团有限公司|有限责任公司|有限公司|集团|公司)")
_ANY_TITLE = f"原?(?:{'|'.join(TITLES)})"
_TITLE_AT = re.compile(_ANY_TITLE)
# a unit's own name may hold 和 (文化和广电旅游体育局), unlike a sub-unit's
_UNIT_CHAR = f"(?:(?![向的对与及在每为将把被是了原])[{_CJK}])"
_BY_STRUCTURE = re.compile(f"(?P<unit>(?:第[一二三四五六七八九十]+)?{_UNIT_CHAR}{{1,10}}?"
                           f"(?:{'|'.join(sorted(UNIT_ENDINGS, key=len, reverse=True))}))"
                           f"(?={_ANY_TITLE})")
# a bare level character after a break or a function word: 对县财政局, 了市委
_BARE_LEVEL = re.compile(f"(?:^|(?<=[^{_CJK}])|(?<=[对了任的原和及与在由向属将把给从据经]))([市县区镇乡])")
_VILLAGE = re.compile(f"[{_CJK}]{{1,4}}?(?:村|社区)(?![民委务级干支两组])")


class Organisations:
    """Every organisation mention of a document, folded into one ``Org`` per organisation."""

    def __init__(self, text: str, places: PlaceMentions):
        self.text = text
        self.places = places
        self.by_name: dict[str, Org] = {}
        self.mentions: list[OrgMention] = []
        self.villages: list[tuple[int, Org]] = []
        self._scan()

    # -- scanning ---------------------------------------------------------------------------
    def _scan(self) -> None:
        text = self.text
        for m in self.places.mentions:
            if m.place.level == "乡":
                self._village_after(m)
        taken: set[int] = set()
        for match in _NATIONAL.finditer(text):
            formal, kind = NATIONAL_BODIES[match.group()]
            self._mention(match.start(), match.end(), formal, kind, None, match.group(), taken)
        for match in _BODY.finditer(text):
            if match.start() in taken:
                continue
            self._body(match, taken)
        for m in self.places.mentions:  # 广元市城市建设投资集团有限公司: a state-owned enterprise
            firm = _STATE_FIRM.match(text, m.end)
            if firm and taken.isdisjoint(range(m.start, firm.end())):
                begin = self._chain_start(m.start)
                name = m.place.qualified() + firm.group()
                org = self._org(name, "soe", m.place)
                org.add_alias(text[begin:firm.end()], m.place.name + firm.group())
                org.spans.append((begin, firm.end()))
                taken.update(range(begin, firm.end()))
                self.mentions.append(OrgMention(begin, firm.end(), org, name))
        self._by_structure(taken)
        for match in _MEDIA.finditer(text):
            start = self._media_start(match)
            if start is not None and taken.isdisjoint(range(start, match.end())):
                name = text[start:match.end()]
                self._mention(start, match.end(), name, "other", None, name, taken)
        self.mentions.sort(key=lambda m: m.start)
        self._starts = [m.start for m in self.mentions]
        self.by_start = {m.start: m for m in self.mentions}
        self._by_end = {m.end: m for m in self.mentions}

    def _by_structure(self, taken: set[int]) -> None:
        """A unit no table lists, known by its shape: a place or an organisation already found,
        then a name ending like a unit's, then a title (云栖县文化馆馆长, 民政局社会救助股原股长):
        a unit of the place, or a sub-unit of the organisation."""
        text = self.text
        heads = [(m.start, m.end, m.place, None) for m in self.places.mentions]
        heads += [(m.start, m.end, m.org.place, m) for m in self.mentions]
        for bare in _BARE_LEVEL.finditer(text):  # 约谈了县文化和广电旅游体育局局长: the document's county
            char, at = bare.group(1), bare.start(1)
            if at not in self.places.ends and at + 1 not in self.places.ends:
                place = self.places.before(at, LEVEL_CHARS[char], "区" if char == "区" else None)
                heads.append((at, at + 1, place, None))
        for start, end, place, parent in sorted(heads, key=lambda h: (h[1], -h[0])):
            match = _BY_STRUCTURE.match(text, end)
            if place is None or match is None or _TITLE_AT.match(text, end) \
                    or not taken.isdisjoint(range(end, match.end("unit"))):  # 委员会党组书记: a title
                continue
            surface = match.group("unit")
            if parent is None:
                begin = self._chain_start(start)
                name, kind = place.qualified() + surface, "government_department"
            else:
                begin, name, kind = parent.start, parent.org.name + surface, parent.org.kind
            org = self._org(name, kind, place)
            if parent is not None:
                org.parent = parent.org.name
                org.add_alias(parent.short + surface)
            org.add_alias(text[begin:match.end("unit")], place.name + surface)
            org.spans.append((begin, match.end("unit")))
            taken.update(range(begin, match.end("unit")))
            self.mentions.append(OrgMention(begin, match.end("unit"), org, text[begin:match.end("unit")]))

    def branch(self, village: Org, word: str) -> Org:
        """A village's party branch or committee (北洼村党支部, 北洼村村委会), named in a title."""
        org = self._org(village.name + word, "village_or_community", village.place)
        org.parent = village.name
        org.add_alias(*(alias + word for alias in village.aliases))
        return org

    def government_of(self, place: Place) -> Org:
        """The people's government of `place` (常务副市长 serves in it, not in the 市委)."""
        org = self._org(place.qualified() + "人民政府", "government_department", place)
        org.add_alias(place.name + "人民政府", place.name + "政府")
        return org

    def _village_after(self, town: PlaceMention) -> None:
        match = _VILLAGE.match(self.text, town.end)
        if not match:
            return
        name = town.place.qualified() + match.group()
        org = self._org(name, "village_or_community", town.place)
        org.add_alias(town.place.name + match.group(), (town.place.parent.name if town.place.parent else "")
                      + town.place.name + match.group())
        org.spans.append((town.start, match.end()))
        self.mentions.append(OrgMention(town.start, match.end(), org, name))
        self.villages.append((town.start, org))

    def _prefix(self, start: int, previous: OrgMention | None) -> tuple[int, Place | None, str]:
        """Where the organisation's name begins, its place, and a level character repeated after
        the place name (青龙满族自治县县委 → 县), if any."""
        text = self.text
        pos, redundant = start, ""
        # 青龙满族自治县县委: a level character repeated after the full place name
        if pos >= 1 and text[pos - 1] in LEVEL_CHARS and pos - 1 in self.places.ends:
            redundant, pos = text[pos - 1], pos - 1
        mention = self.places.ends.get(pos)
        if mention is not None:
            begin = self._chain_start(mention.start)
            return begin, mention.place, redundant
        short = self.places.short_form(text, start)
        if short is not None:
            return short[0], short[1], ""
        if start >= 1 and text[start - 1] in LEVEL_CHARS:
            if start >= 2 and text[start - 2] in "县区市乡镇各":  # 县区委书记, 各市: many places, none in particular
                return start, None, ""
            char = text[start - 1]
            place = self.places.before(start, LEVEL_CHARS[char], "区" if char == "区" else None)
            return start - 1, place, ""
        if previous is not None and previous.end >= start - 2 and previous.org.place is not None:
            return start, previous.org.place, ""  # 县委和公安局: the second shares the first's place
        return start, None, ""

    def _chain_start(self, start: int) -> int:
        """Where a chain of places written together begins (秦皇岛市海港区 for 海港区 at `start`)."""
        while start in self.places.ends:
            start = self.places.ends[start].start
        return start

    def _body(self, match: re.Match[str], taken: set[int]) -> None:
        text, start, end = self.text, match.start(), match.end()
        surface = match.group()
        previous = next((m for m in reversed(self.mentions) if m.end <= start), None)
        if previous is not None and previous.end >= start - 1 and text[previous.end:start] in ("和", "、", "及", ""):
            near = previous
        else:
            near = None
        begin, place, redundant = self._prefix(start, near)
        if place is None:
            return  # 党委 or 公安局 with no place: too generic to be one organisation
        if match.group("dept"):
            stem = next(s for s in _STEMS if surface.startswith(s))
            formal = place.qualified() + DEPARTMENT_STEMS[stem] + surface[len(stem):]
            kind = "court_procuratorate_police" if stem in ("公安", "司法") else "government_department"
            if stem in ("审计", "信访"):
                kind = "oversight_body"
        else:
            template, kind = BODIES[surface]
            formal = template.format(place=place.qualified())
        plain = place.name + redundant + surface
        qualified = place.qualified() + redundant + surface
        org = self._org(formal, kind, place)
        org.add_alias(text[begin:end], plain, qualified, (place.name + "委") if surface in ("委", "党委") else "")
        parent_name, end = formal, self._extend(end, org)
        if end != match.end():  # a sub-unit: 市纪委监委党风政风监督室
            sub_surface = text[match.end():end]
            sub = self._org(formal + sub_surface, "oversight_body" if kind == "oversight_body" else kind, place)
            sub.parent = parent_name
            sub.add_alias(text[begin:end], qualified + sub_surface, plain + sub_surface)
            org, qualified = sub, qualified + sub_surface
        org.spans.append((begin, end))
        taken.update(range(begin, end))
        self.mentions.append(OrgMention(begin, end, org, qualified))

    def _extend(self, end: int, org: Org) -> int:
        if org.kind not in ("oversight_body", "party_committee"):
            return end
        for pattern in (_STATIONED, _SUB_UNIT):
            match = pattern.match(self.text, end)
            if match:
                return match.end()
        return end

    def _media_start(self, match: re.Match[str]) -> int | None:
        """A newspaper's name starts at a place (河北日报, 广元日报); anything else is not a paper."""
        suffix = max((s for s in MEDIA_SUFFIXES if match.group().endswith(s)), key=len, default="")
        head_end = match.end() - len(suffix)
        for start in range(match.start(), head_end):
            head = self.text[start:head_end]
            if self.places.gaz.candidates(head, short=True) or self.places.gaz.candidates(head):
                return start
        return None

    def _mention(self, start: int, end: int, formal: str, kind: str, place: Place | None, short: str,
                 taken: set[int]) -> None:
        org = self._org(formal, kind, place)
        org.add_alias(self.text[start:end])
        org.spans.append((start, end))
        taken.update(range(start, end))
        self.mentions.append(OrgMention(start, end, org, short))

    def _org(self, name: str, kind: str, place: Place | None) -> Org:
        org = self.by_name.get(name)
        if org is None:
            org = self.by_name[name] = Org(name, kind, place)
        return org

    # -- lookups ----------------------------------------------------------------------------
    def ending_at(self, pos: int) -> OrgMention | None:
        return self._by_end.get(pos)

    def within(self, start: int, end: int) -> list[OrgMention]:
        first = bisect.bisect_left(self._starts, start)
        last = bisect.bisect_left(self._starts, end)
        return [m for m in self.mentions[first:last] if m.end <= end]

    def latest_before(self, pos: int, suffix: str) -> OrgMention | None:
        """该局: the organisation ending in ``suffix`` the document named last before ``pos``."""
        return next((m for m in reversed(self.mentions[:bisect.bisect_left(self._starts, pos)])
                     if m.org.name.endswith(suffix)), None)

    def village_before(self, pos: int) -> Org | None:
        return next((org for start, org in reversed(self.villages) if start < pos), None)
