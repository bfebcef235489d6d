"""Cases, supervisory acts and stated statistics, read around the people and organisations
already found in the document."""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

from jiandu.ingest.text.lexicon import ACT_WORDS, CASE_TRIGGER, CASE_UNDER_REVIEW, OBJECT_AFTER, TITLES
from jiandu.ingest.text.organisations import Organisations, OrgMention
from jiandu.ingest.text.people import People, Person

SENTENCE_BREAK = "。！？!?\n"
CLAUSE_BREAK = "，；：。！？,;:!?\n"
_ACT = re.compile("|".join(sorted(ACT_WORDS, key=len, reverse=True)))
# What follows an organisation that is acted on: 公安局主要领导, 县委班子成员.
_ROLE_AFTER = re.compile(r"(?:的)?(?:主要领导|主要负责人|主要负责同志|负责人|领导班子|班子成员"
                         r"|多名领导干部|领导干部|党员干部|成员)")
_CN_DIGITS = {"零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_STAT = re.compile(r"(?<![第\d.])(\d+(?:\.\d+)?|[一二两三四五六七八九十百千万]+)(余|多)?"
                   r"(个|项|条|名|人|类|件|次|起|家|篇|份|批|轮|户|亩|万元|亿元|元|%|分)(?![年月日号])")
_LISTED = re.compile(r"[、+|]|(?:机制|制度|工作|反馈|整改|办法|规则|清单|室|组|办|全会|情况|成果|等)")
_LIST_MARKS = ("、", "+", "|", "“")
_MARKED_PHRASE = re.compile(r"(?:对|为|向)((?:(?!对|为|向)[^，。；：,;:!?！？])+?)"
                            r"(?:进行|予以|开展|实施|给予|实行|及时|存在|发出|$)")
_GROUP_WORDS = re.compile(r"书记|负责人|负责同志|一把手|干部|领导|成员|单位|班子|人员|常委"
                          r"|[0-9一二三四五六七八九十]+[名人个]")
_NOT_OBJECT = re.compile(r"(?:机制|制度|工作|的|传导|压力|并|和)")
_TITLES_AFTER = re.compile(f"原?(?:{'|'.join(TITLES)})(?:、(?:{'|'.join(TITLES)}))*")
_SAME_UNIT = re.compile("该[局委院厅办]")
_CASE_LEAD = re.compile("立案审查调查|立案查处|立案审查|立案调查|查处|查办|根据|开展|关于|通报了?|审理|(?<!针)对")
# What makes a person the subject of a case: discipline, investigation, transfer for prosecution, a sentence.
_SANCTION = re.compile("开除党籍|开除公职|留党察看|撤销党内职务|严重警告|警告处分|记大过|记过处分|降级处分|撤职处分|"
                       "政务处分|党纪处分|立案审查调查|立案审查|立案调查|纪律审查|监察调查|审查调查|留置|"
                       "移送检察机关|提起公诉|判处|有期徒刑")
_DATE = re.compile(r"(?:(?P<year>\d{4})年|(?P<relative>去年|今年|前年))?(?P<month>\d{1,2})月(?:(?P<day>\d{1,2})日)?")
_YEAR = re.compile(r"(\d{4})年")
_RELATIVE_YEARS = {"今年": 0, "去年": -1, "前年": -2}
# acts that the one acted on may undergo (被开除党籍): the others, written passively, name the one acted on
_PASSIVE_ACTS = {"处分", "移送检察机关", "立案审查调查", "留置", "提起公诉", "判决"}
_COURT_ACTS = {"提起公诉", "判决"}  # done by a procuratorate or a court
_SAME_DAY = re.compile("同日|当日|同月|当月|同时")


def bounds(text: str, pos: int, breaks: str) -> tuple[int, int]:
    start = pos
    while start > 0 and text[start - 1] not in breaks:
        start -= 1
    end = pos
    while end < len(text) and text[end] not in breaks:
        end += 1
    return start, end


@dataclass
class Case:
    label: str
    span: tuple[int, int]
    persons: list[str] = field(default_factory=list)
    units: list[str] = field(default_factory=list)
    handled_by: list[str] = field(default_factory=list)


@dataclass
class Act:
    type: str
    span: tuple[int, int]
    actor: str | None
    target: str | None
    target_kind: str | None      # "organization" or "person"
    target_ref: str | None       # the organisation's formal name or the person's name
    actor_ref: str | None
    date: str | None
    quote: str


@dataclass
class Stat:
    subject: str | None
    metric: str
    value: float
    unit: str
    approx: bool
    span: tuple[int, int]
    quote: str


def chinese_number(text: str) -> float | None:
    """Digits or simple Chinese numerals: 67, 57.14, 十, 十二, 二十六, 三百."""
    try:
        return float(text)
    except ValueError:
        pass
    total, current = 0, 0
    for ch in text:
        if ch in _CN_DIGITS:
            current = _CN_DIGITS[ch]
        elif ch in "十百千万":
            unit = {"十": 10, "百": 100, "千": 1000, "万": 10000}[ch]
            total += (current or 1) * unit
            current = 0
        else:
            return None
    return float(total + current)


class Events:
    def __init__(self, text: str, orgs: Organisations, people: People, *, region: str | None,
                 published: str | None):
        self.text, self.orgs, self.people = text, orgs, people
        self.region = region
        self.year = published[:4] if published else None
        self.person_at: dict[int, Person] = {}
        for person in people.persons():
            for start, _ in person.spans:
                self.person_at.setdefault(start, person)
        self._mentioned = sorted(self.person_at.items(), key=lambda x: x[0])
        self._mention_starts = [s for s, _ in self._mentioned]
        self.cases = self._cases()
        self.acts = self._acts()
        self.stats = self._stats()

    # -- cases ------------------------------------------------------------------------------
    def _cases(self) -> list[Case]:
        text, cases = self.text, []
        for match in re.finditer(f"{CASE_TRIGGER}|{CASE_UNDER_REVIEW}", text):
            begin, _ = bounds(text, match.start(), CLAUSE_BREAK + "“”《》")
            lead = _CASE_LEAD.search(text, begin, match.start())
            while lead:  # 立案查处青龙公安局…案: the case starts after the verb
                begin = lead.end()
                lead = _CASE_LEAD.search(text, begin, match.start())
            persons = [(s, p) for s, p in self._people_between(begin, match.start()) if p.role == "subject"]
            units = self.orgs.within(begin, match.start())
            if not persons and not units:
                continue  # 违纪案件下降: a statistic about cases, not one case
            first = min([s for s, _ in persons] + [m.start for m in units])
            sent_start, _ = bounds(text, match.start(), SENTENCE_BREAK)
            handlers = [m.org.name for m in self.orgs.within(sent_start, begin) if m.org.kind == "oversight_body"]
            case = Case(text[first:match.end()], (first, match.end()),
                        list(dict.fromkeys(p.name for _, p in sorted(persons, key=lambda x: x[0]))),
                        list(dict.fromkeys(m.org.name for m in units)), list(dict.fromkeys(handlers)))
            known = next((c for c in cases if (set(c.persons) & set(case.persons))
                          or (not c.persons and not case.persons and set(c.units) & set(case.units))), None)
            if known is None:
                cases.append(case)
            else:
                known.handled_by.extend(h for h in case.handled_by if h not in known.handled_by)
        self._sanctioned(cases)
        return cases

    def _people_between(self, start: int, end: int) -> list[tuple[int, Person]]:
        """(position, person) of each mention between start and end, in order."""
        return self._mentioned[bisect.bisect_left(self._mention_starts, start):
                               bisect.bisect_left(self._mention_starts, end)]

    def _sanctioned(self, cases: list[Case]) -> None:
        """A person put under investigation, sanctioned or charged is the subject of a case, even
        where the text never writes 案 (典型问题通报 list one per item): one case per such person,
        with the masked persons of the same paragraph (the briber, the accomplice) and the units
        of the person's posts."""
        text = self.text
        in_cases = {name for c in cases for name in c.persons}

        def within(start: int, end: int) -> list[Person]:
            return [p for _, p in self._people_between(start, end) if p.role == "subject"]

        for match in _SANCTION.finditer(text):
            s_start, s_end = bounds(text, match.start(), SENTENCE_BREAK)
            before = [p for p in within(s_start, match.start()) if not p.masked]
            after = [p for p in within(match.end(), s_end) if not p.masked]
            person = before[-1] if before else (after[-1] if after else None)
            if person is None or person.name in in_cases:
                continue
            in_cases.add(person.name)
            p_start, p_end = bounds(text, match.start(), "\n")
            others = [q.name for q in within(p_start, p_end) if q.masked and q is not person]
            units = [post.unit.name for post in person.posts if post.unit is not None]
            handlers = [m.org.name for m in self.orgs.within(s_start, match.start()) if m.org.kind == "oversight_body"]
            cases.append(Case(f"{person.name}案", (match.start(), match.end()),
                              list(dict.fromkeys([person.name, *others])), list(dict.fromkeys(units)),
                              list(dict.fromkeys(handlers))))


    # -- supervisory acts -------------------------------------------------------------------
    def _acts(self) -> list[Act]:
        text, acts = self.text, []
        for match in _ACT.finditer(text):
            kind = ACT_WORDS[match.group()]
            c_start, c_end = bounds(text, match.start(), CLAUSE_BREAK)
            s_start, s_end = bounds(text, match.start(), SENTENCE_BREAK)
            passive = text[match.start() - 1:match.start()] == "被"
            if (_LISTED.match(text, match.end()) or text[match.start() - 1:match.start()] in _LIST_MARKS
                    or (passive and kind not in _PASSIVE_ACTS)):
                continue  # 审查调查、巡视巡察 (kinds of work in a list) or 被巡察 (the one acted on): not an act here
            if passive:  # 吕长顺被开除党籍, 其涉嫌犯罪问题被移送检察机关: the one named before
                person = self._last_person(match.start())  # (named within the 300 characters before)
                targets = self._subject(s_start, match.start()) or (
                    [(person.name, "person", person.name)] if person else [])
            elif kind in OBJECT_AFTER:
                targets = self._objects(match.end(), c_end) or self._marked_object(c_start, match.start())
            else:
                targets = self._subject(c_start, match.start())
            targets = targets or self._sentence_target(s_start, s_end) or self._phrase_target(
                c_start, match.start(), match.end(), c_end, kind in OBJECT_AFTER)
            if not targets:
                continue  # an act with nobody acted on says how work is done, not who was supervised
            actor = self._actor(s_start, match.start(), targets, kind)
            date = self._date(s_start, s_end, match.start())
            quote = text[c_start:c_end].strip()
            for t_text, t_kind, t_ref in targets:
                acts.append(Act(kind, (match.start(), match.end()), actor[0] if actor else self.region, t_text,
                                t_kind, t_ref, actor[1] if actor else None, date, quote))
        return acts

    def _entity_at(self, pos: int) -> tuple[tuple[str, str, str], int] | None:
        if self.text.startswith("其", pos) and self.text[pos - 1:pos] in "予对将向":  # 给予其处分: the one just named
            person = self._last_person(pos)
            return ((person.name, "person", person.name), pos + 1) if person else None
        mention = self.orgs.by_start.get(pos)
        unit_end = mention.end if mention else (pos + 2 if _SAME_UNIT.match(self.text, pos) else None)
        if unit_end is not None:
            titled = _TITLES_AFTER.match(self.text, unit_end)  # 岭湖镇党委书记贺明, 该局副局长易某某: the person
            person = self.person_at.get(titled.end()) if titled else None
            if person is not None and person.role == "subject":
                return (person.name, "person", person.name), titled.end() + len(person.name)
        if mention is not None:
            return (mention.short, "organization", mention.org.name), mention.end
        person = self.person_at.get(pos)
        if person is not None and person.role == "subject":
            return (person.name, "person", person.name), pos + len(person.name)
        return None

    def _last_person(self, pos: int) -> Person | None:
        starts = [s for s, p in self.person_at.items() if s < pos and p.role == "subject" and pos - s < 300]
        return self.person_at[max(starts)] if starts else None

    def _objects(self, pos: int, end: int) -> list[tuple[str, str, str]]:
        """约谈青龙满族自治县县委和公安局主要领导: the organisations or people right after the verb."""
        out: list[tuple[str, str, str]] = []
        text = self.text
        while pos < end:
            if text.startswith("了", pos):
                pos += 1
            found = self._entity_at(pos)
            if found is None:
                break
            out.append(found[0])
            pos = found[1]
            role = _ROLE_AFTER.match(text, pos)
            if role:
                pos = role.end()
            if pos < end and text[pos] in "和、及与":
                pos += 1
                continue
            break
        return out

    def _marked_object(self, start: int, verb: int) -> list[tuple[str, str, str]]:
        """对张三进行约谈, 将其移送检察机关: the object marked before the verb."""
        for match in re.finditer("对|将|给予", self.text[start:verb]):
            # 对局属县文化馆馆长阮佳函询: the first one named after the mark
            for pos in range(start + match.end(), min(verb, start + match.end() + 8)):
                found = self._entity_at(pos)
                if found is not None:
                    return [found[0]]
        return []

    def _subject(self, start: int, verb: int) -> list[tuple[str, str, str]]:
        """张德学述责述廉: the nearest one before the verb who is not its audience (向市委常委会)."""
        best = None
        for pos in range(start, verb):
            found = self._entity_at(pos)
            # not the audience (向常委会述职), the agent (由监委给予) or an organiser (纪委监委组织…述责述廉)
            if found is not None and self.text[pos - 1:pos] not in ("向", "由") and not (
                    found[0][1] == "organization" and self.orgs.by_start[pos].org.kind == "oversight_body"):
                best = found[0]
        return [best] if best else []

    def _phrase_target(self, c_start: int, verb: int, verb_end: int, c_end: int,
                       object_after: bool) -> list[tuple[str, str, None]]:
        """A group rather than a named one: 对下级党委书记及时约谈, 追责问责党员干部12人."""
        text = self.text
        marked = _MARKED_PHRASE.search(text, c_start, verb)
        if marked and _GROUP_WORDS.search(marked.group(1)):
            return [(marked.group(1), "group", None)]
        if object_after:
            phrase = text[verb_end:c_end].lstrip("了")
            if 2 <= len(phrase) <= 24 and _GROUP_WORDS.search(phrase) and not _NOT_OBJECT.match(phrase):
                return [(phrase, "group", None)]
        return []

    def _sentence_target(self, start: int, end: int) -> list[tuple[str, str, str]]:
        """对于市委常委会及其成员的监督，……及时谈话提醒: the sentence names whom it is about."""
        for match in re.finditer("对(?:于)?", self.text[start:end]):
            found = self._entity_at(start + match.end())
            if found is not None and "监督" in self.text[found[1]:end][:12]:
                return [found[0]]
        return []

    def _actor(self, start: int, verb: int, targets: list, kind: str = "") -> tuple[str, str] | None:
        refs = {t[2] for t in targets if t}
        kinds = ("court_procuratorate_police",) if kind in _COURT_ACTS else ("oversight_body", "party_committee")
        candidates: list[OrgMention] = [m for m in self.orgs.within(start, verb)
                                        if m.org.kind in kinds
                                        and m.org.name not in refs and self.text[m.start - 1:m.start] != "向"]
        # an oversight body is the actor when the sentence names one (not the committee acted on)
        candidates.sort(key=lambda m: (m.org.kind == "oversight_body", m.start))
        if candidates:
            return candidates[-1].short, candidates[-1].org.name
        return None

    def _date(self, start: int, end: int, at: int) -> str | None:
        """The date the sentence gives the act at `at`: the last one before it in the sentence, else
        the first after; a sentence opening 同日/同月 takes the one written before it. ISO, to the
        day or to the month as the text gives it."""
        text = self.text
        found = list(_DATE.finditer(text, start, end))
        match = next((m for m in reversed(found) if m.start() < at), found[0] if found else None)
        if match is None:
            if not _SAME_DAY.match(text, start):
                return None
            found = list(_DATE.finditer(text, max(0, start - 2000), start))
            if not found:
                return None
            match = found[-1]
        month, day = int(match.group("month")), match.group("day")
        if not 1 <= month <= 12 or (day and not 1 <= int(day) <= 31):
            return None
        year = match.group("year") or self._year_at(match)
        if year is None:
            return f"--{month:02d}-{int(day):02d}" if day else None
        return f"{year}-{month:02d}-{int(day):02d}" if day else f"{year}-{month:02d}"

    def _year_at(self, match: re.Match[str]) -> str | None:
        """去年11月 is the year before publication; 3月12日 is in the year the text named last."""
        relative = match.group("relative")
        if relative:
            return str(int(self.year) + _RELATIVE_YEARS[relative]) if self.year else None
        years = _YEAR.findall(self.text, max(0, match.start() - 2000), match.start())
        return years[-1] if years else self.year

    # -- statistics -------------------------------------------------------------------------
    def _stats(self) -> list[Stat]:
        text, out = self.text, []
        for match in _STAT.finditer(text):
            value = chinese_number(match.group(1))
            if value is None:
                continue
            c_start, c_end = bounds(text, match.start(), CLAUSE_BREAK)
            before = re.sub(r"^(近三年|今年|去年|目前|同时|其中|共|累计|先后|此外|并)", "", text[c_start:match.start()])
            after = text[match.end():c_end]
            after = re.split(r"[\d一二两三四五六七八九十]+(?:余|多)?(?:个|项|条|名|人|类|件|次)", after)[0]
            metric = (before[-14:] + after[:12]).strip("“”\"' 、的对向为和")
            if not metric:
                continue
            s_start, _ = bounds(text, match.start(), SENTENCE_BREAK)
            subject = next((m.short for m in reversed(self.orgs.within(s_start, match.start()))), None)
            out.append(Stat(subject or self.region, metric, value, match.group(3), bool(match.group(2)),
                            (match.start(), match.end()), text[c_start:c_end].strip()))
        return out
