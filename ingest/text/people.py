"""People and their posts: "旺苍县委常委、县纪委书记、县监委主任袁达成" is one person with
three posts in three organisations; "原局长" is a former post; a byline names reporters.

A name is only taken where something vouches for it: a title right before it, a masked
form (郝某某), a list of names before a case (张三、李四严重违纪违法案), or a byline.
A bare two- or three-character string is never guessed to be a person.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

from jiandu.ingest.text.lexicon import (
    AFTER_NAME,
    CASE_TRIGGER,
    COMPOUND_SURNAMES,
    MASK,
    NOT_IN_NAME,
    REPORTER_TITLES,
    SURNAMES,
    TITLES,
    common_words,
    verbs,
)
from jiandu.ingest.text.organisations import Org, Organisations

_TITLE = re.compile("|".join(TITLES))
_CLAUSE_BREAK = set("，。；：！？,;:!?\n“”（）()《》")
_LEVEL_ONLY = {"村": "village", "镇": "town", "乡": "town"}
_MASKED = re.compile(f"(?:{'|'.join(COMPOUND_SURNAMES)}|[{''.join(sorted(SURNAMES))}])某某?")
_BYLINE = re.compile(r"[（(]\s*((?:(?:记者|通讯员|特约记者|见习记者|实习生|文|图)[\s/:：]*)?[\u4e00-\u9fff]{2,4}"
                     r"(?:\s+(?:(?:记者|通讯员|特约记者)\s*)?[\u4e00-\u9fff]{2,4})*)\s*[)）]\s*$", re.M)
# the first word of a title held in a village's branch or committee → that body's name
_BRANCH_WORDS = {"党支部": "党支部", "支部": "党支部", "党总支": "党总支", "村委会": "村委会", "居委会": "居委会"}
_GOVERNMENT_TITLE = re.compile("(?:常务)?副?[省市县区镇乡]长")
# A career written after the person: 曾任…，…; 2019年9月至2023年12月任…; 2021年3月起任….
_CAREER = re.compile(r"(?P<former>曾任|历任|先后任|先后担任|曾担任|在?担任(?=[^。，；]*期间)|利用(?:其)?(?:先后)?担任"
                     r"|(?:\d{4}年(?:\d{1,2}月)?)?至\d{4}年(?:\d{1,2}月)?任)"
                     r"|(?P<current>(?:\d{4}年(?:\d{1,2}月)?)?起任|现任)")
_COMPLAINT = re.compile("反映|举报|投诉|信访|来访|控告")


@dataclass
class Post:
    unit: Org | None
    unit_surface: str
    titles: list[str]
    former: bool


@dataclass
class Person:
    name: str
    masked: bool
    role: str = "subject"         # subject, reporter or complainant (complainants never become nodes)
    posts: list[Post] = field(default_factory=list)
    spans: list[tuple[int, int]] = field(default_factory=list)

    def add_post(self, post: Post) -> None:
        for known in self.posts:
            # the same organisation, or (neither known) the same words
            if known.unit is post.unit and (post.unit is not None or known.unit_surface == post.unit_surface):
                known.titles.extend(t for t in post.titles if t not in known.titles)
                known.former = known.former and post.former
                return
        self.posts.append(post)


def name_at(text: str, pos: int) -> str | None:
    """The person's name starting at ``pos``, if one plausibly does: a surname, one or two more
    characters, then a word that ends names (介绍, 表示, punctuation) or the masked form 某/某某."""
    surname = next((s for s in COMPOUND_SURNAMES if text.startswith(s, pos)), None)
    if surname is None:
        if pos >= len(text) or text[pos] not in SURNAMES:
            return None
        surname = text[pos]
    after = pos + len(surname)
    if text.startswith(MASK, after):
        masked = MASK * 2 if text.startswith(MASK * 2, after) else MASK
        return surname + masked
    for given in (2, 1):
        end = after + given
        chunk = text[after:end]
        if len(chunk) < given or any(ch in NOT_IN_NAME for ch in chunk):
            continue
        if end < len(text) and not (any(text.startswith(w, end) for w in AFTER_NAME)
                                    or text[end:end + 2] in common_words() or text[end:end + 3] in common_words()):
            continue  # the name must end where a known word begins (介绍, 违规, 进行)
        name = text[pos:end]
        if name in common_words():
            continue
        return name
    return None


class People:
    def __init__(self, text: str, orgs: Organisations):
        self.text = text
        self.orgs = orgs
        self.by_name: dict[str, Person] = {}
        self._named: list[tuple[int, Person]] | None = None  # every subject's mentions, by start (careers)
        self._named_starts: list[int] = []
        self._bylines()
        self._titled()
        self._masked()
        self._case_lists()
        self._mentions()
        self._careers()  # after every mention is known: a career follows the person's own paragraph

    def _person(self, name: str) -> Person:
        person = self.by_name.get(name)
        if person is None:
            person = self.by_name[name] = Person(name, masked=MASK in name)
        return person

    def _bylines(self) -> None:
        for match in _BYLINE.finditer(self.text):
            title = None
            for token in re.split(r"[\s/:：]+", match.group(1)):
                if token in REPORTER_TITLES or token in ("文", "图"):
                    title = token if token in REPORTER_TITLES else "记者"
                    continue
                if len(token) <= 4 and name_at(token + "。", 0) == token:
                    person = self._person(token)
                    person.role = "reporter"
                    person.posts = [Post(None, "", [title or "记者"], False)]

    def _titled(self) -> None:
        text = self.text
        for match in _TITLE.finditer(text):
            name = name_at(text, match.end())
            if name is None or self.by_name.get(name, Person(name, False)).role == "reporter":
                continue
            person = self._person(name)
            person.spans.append((match.end(), match.end() + len(name)))
            for post in self._chain(match.start(), match.end()):
                person.add_post(post)
            if any(p.titles == ["村民"] or p.titles == ["群众"] for p in person.posts) and _COMPLAINT.search(
                    text, match.end(), self._clause_end(match.end())):
                person.role = "complainant"

    def _chain(self, title_start: int, title_end: int, *, within: bool = False) -> list[Post]:
        """The posts written before a name: parts separated by 、, each an organisation and
        titles; a part without an organisation shares the one before it. With `within`, the
        chain is the text from `title_start` (a clause of a career) rather than the clause."""
        text = self.text
        begin = title_start
        while not within and begin > 0 and text[begin - 1] not in _CLAUSE_BREAK:
            begin -= 1
        parts: list[tuple[int, int]] = []
        cursor = title_end
        for piece in reversed(re.split("(、)", text[begin:title_end])):
            if piece == "、":
                cursor -= 1
                continue
            parts.append((cursor - len(piece), cursor))
            cursor -= len(piece)
        posts: list[Post] = []
        for start, end in parts:  # nearest part first
            post = self._part(start, end)
            if post is None:
                break
            posts.append(post)
        posts.reverse()
        for i, post in enumerate(posts):  # 党组书记、局长: a part without a unit takes the one before
            if post.unit is None and not post.unit_surface and i > 0:
                post.unit, post.unit_surface = posts[i - 1].unit, posts[i - 1].unit_surface
                if post.unit is not None and post.unit.parent and post.unit.kind == "village_or_community":
                    post.unit = self.orgs.by_name.get(post.unit.parent, post.unit)  # 党支部书记、村委会主任
                place = post.unit.place if post.unit is not None else None
                if place is not None and _GOVERNMENT_TITLE.fullmatch(post.titles[0]) \
                        and post.unit.kind == "party_committee":  # 市委常委、常务副市长: the government
                    post.unit = self.orgs.government_of(place)
            self._village_branch(post)
            if i > 0 and posts[0].former:  # 原党组书记、局长: 原 governs the whole chain
                post.former = True
        return posts

    def _part(self, start: int, end: int) -> Post | None:
        """One part of a chain, read from its end: titles, then 原, then the organisation."""
        text, titles, pos = self.text, [], end
        while pos > start:
            match = next((t for t in TITLES if text.startswith(t, pos - len(t)) and pos - len(t) >= start), None)
            if match is None:
                break
            titles.insert(0, match)
            pos -= len(match)
        if not titles:
            return None
        former = text[pos - 1:pos] == "原" and pos - 1 >= start
        if former:
            pos -= 1
        mention = self.orgs.ending_at(pos)
        if mention is None and not former:  # 岭湖镇党委书记: the organisation ends inside the title 党委书记
            mention = next((m for m in self.orgs.within(pos - 30, pos + len(titles[0]))
                            if m.start < pos < m.end < pos + len(titles[0])), None)
            if mention is not None:
                titles[0] = titles[0][mention.end - pos:]
        if mention is not None:  # 原杉湾市…公司董事长: 原 before the unit governs the post too
            former = former or text[mention.start - 1:mention.start] == "原"
            return Post(mention.org, text[mention.start:mention.end], titles, former)
        place = self.orgs.places.ends.get(pos)
        if place is not None and _GOVERNMENT_TITLE.fullmatch(titles[0]):  # 石溪县副县长: its government
            return Post(self.orgs.government_of(place.place), text[place.start:pos], titles, former)
        if pos - 2 >= start and text[pos - 2] == "该" and text[pos - 1] in "局委院厅办":  # 该局副局长
            earlier = self.orgs.latest_before(pos - 2, text[pos - 1])
            if earlier is not None:
                return Post(earlier.org, text[pos - 2:pos], titles, former)
        if pos - 1 >= start and text[pos - 1] in _LEVEL_ONLY:
            village = self.orgs.village_before(pos) if text[pos - 1] == "村" else None
            if village is not None:
                return Post(village, "村", titles, former)
        return Post(None, "", titles, former)

    def _village_branch(self, post: Post) -> None:
        """北洼村 + 党支部书记: the post is in the village's party branch (or committee), as 书记."""
        if post.unit is None or post.unit.kind != "village_or_community" or post.unit.parent:
            return
        title = post.titles[0]
        word = next((w for w in _BRANCH_WORDS if title.startswith(w) and len(title) > len(w)), None)
        if word is not None:
            post.unit, post.titles[0] = self.orgs.branch(post.unit, _BRANCH_WORDS[word]), title[len(word):]

    def _careers(self) -> None:
        """曾任岚港市发展和改革委员会党组书记、主任，岚港市鹭屿区委书记: the posts of the person
        the paragraph is about (the last one named before), each part an organisation and titles."""
        text = self.text
        for match in _CAREER.finditer(text):
            person = self._named_before(match.start())
            if person is None:
                continue
            end = match.end()
            while end < len(text) and text[end] not in "。；;\n":
                end += 1
            cursor = match.end()
            for piece in re.split("[，,]", text[match.end():end]):
                start, cursor = cursor, cursor + len(piece) + 1
                piece = re.sub("(?:等?职务上的便利|等?职务|期间|时)$", "", piece)  # 在担任…局长期间
                if piece:
                    for post in self._chain(start, start + len(piece), within=True):
                        post.former = post.former or bool(match.group("former"))
                        person.add_post(post)

    def _named_before(self, pos: int) -> Person | None:
        """The person whose name appears last before ``pos`` in the same paragraph."""
        if self._named is None:
            # by start alone: two names may start at one place (one inside the other), and people do not compare
            self._named = sorted(((s, person) for person in self.by_name.values() if person.role == "subject"
                                  for s, _ in person.spans), key=lambda named: named[0])
            self._named_starts = [s for s, _ in self._named]
        i = bisect.bisect_left(self._named_starts, pos)
        start = self.text.rfind("\n", 0, pos) + 1
        return self._named[i - 1][1] if i and self._named_starts[i - 1] >= start else None

    def _clause_end(self, pos: int) -> int:
        while pos < len(self.text) and self.text[pos] not in "。！？!?\n":
            pos += 1
        return pos

    def _masked(self) -> None:
        for match in _MASKED.finditer(self.text):
            start = match.start()
            if start > 0 and self.text[start - 1] in SURNAMES and self.text[start - 1] not in "的了":
                continue  # part of a longer word
            person = self._person(match.group())
            if (start, match.end()) not in person.spans:
                person.spans.append((start, match.end()))

    def _case_lists(self) -> None:
        """张三、李四严重违纪违法案: a list of names right before a case."""
        for match in re.finditer(CASE_TRIGGER, self.text):  # (a problem under review names its person by title)
            pos, names = match.start(), []
            while True:
                found = None
                for length in (4, 3, 2):
                    start = pos - length
                    # no title vouches for these: a verb after a surname (东 + 涉嫌) is not a name
                    if start >= 0 and name_at(self.text[start:pos] + "、", 0) == self.text[start:pos] \
                            and self.text[pos - 2:pos] not in verbs():
                        found = (start, pos)
                        break
                if found is None:
                    break
                names.append(found)
                pos = found[0]
                if pos > 0 and self.text[pos - 1] == "、":
                    pos -= 1
                    continue
                break
            for start, end in names:
                    self._person(self.text[start:end]).spans.append((start, end))

    def _mentions(self) -> None:
        """Later mentions of a known name (the title is usually written only once)."""
        for name, person in self.by_name.items():
            known = set(person.spans)
            for match in re.finditer(re.escape(name), self.text):
                span = (match.start(), match.end())
                if span not in known:
                    person.spans.append(span)
            person.spans.sort()

    def persons(self) -> list[Person]:
        return sorted(self.by_name.values(), key=lambda p: p.spans[0] if p.spans else (0, 0))
