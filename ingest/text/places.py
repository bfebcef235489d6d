"""China's administrative divisions, from the data file that ships inside the `jionlp` wheel.

Why jionlp's file: it is the only offline package here with all five levels (province, city,
county, township, village), the short forms people write (青龙 for 青龙满族自治县), and current
codes; `cpca` stops at counties and guessed 青龙县公安局 as 重庆市. We read the zipped text
file directly instead of importing jionlp: the import costs a second, loads a segmenter we
do not use, and prints a banner.

A name can be ambiguous (there are five 鼓楼区). ``Gazetteer.resolve`` settles it with the
places already named in the same document, and returns nothing rather than guess.
"""

from __future__ import annotations

import importlib.util
import io
import zipfile
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

LEVELS = ("省", "市", "县", "乡")  # the ontology's Region.level for province, city, county, township
MAX_NAME = 16  # longest full name we look for above townships (双江拉祜族佤族布朗族傣族自治县 is 15)


@dataclass(frozen=True, eq=False)  # one object per place: identity is equality, and cheap
class Place:
    name: str            # full name: 青龙满族自治县
    level: str           # 省 / 市 / 县 / 乡
    code: str            # administrative code; townships get their county's code + "/" + name
    parent: Place | None

    def chain(self) -> list[Place]:
        """This place and its ancestors, province first."""
        out: list[Place] = []
        node: Place | None = self
        while node is not None:
            out.append(node)
            node = node.parent
        return out[::-1]

    def ancestor(self, level: str) -> Place | None:
        return next((p for p in self.chain() if p.level == level), None)

    def qualified(self) -> str:
        """The name as a document would write it in full: city, county and township, no province
        (秦皇岛市青龙满族自治县); a province alone stays as it is; a municipality acts as the city
        (北京市海淀区)."""
        chain = self.chain()
        has_city = any(p.level == "市" for p in chain)
        return "".join(p.name for p in chain if p.level != "省" or p is self or not has_city)


def _data_file() -> Path:
    spec = importlib.util.find_spec("jionlp")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("jionlp is not installed; it ships the place-name data (pip install jionlp)")
    return Path(next(iter(spec.submodule_search_locations))) / "dictionary" / "china_location.zip"


class Gazetteer:
    """Lookup of places by full name and by short form."""

    def __init__(self, lines: list[str]):
        self.by_name: dict[str, list[Place]] = {}
        self.by_short: dict[str, list[Place]] = {}
        self.graph_ids: dict[Place, str] = {}  # places the graph has, with its Region ids (with_regions)
        province = city = county = None
        for line in lines:
            depth = len(line) - len(line.lstrip("\t"))
            fields = line.strip().split("\t")
            if depth >= 4 or not fields[0]:
                continue  # villages: too many and too generic to look up by name alone
            if depth == 3:
                if county is not None:
                    self._add(Place(fields[0], "乡", f"{county.code}/{fields[0]}", county), None)
                continue
            if len(fields) != 3:
                continue
            name, code, short = fields
            if depth == 0:
                province = self._add(Place(name, "省", code, None), short)
            elif depth == 1:
                # a municipality is listed as a city under itself: keep one place
                city = province if name == province.name else self._add(Place(name, "市", code, province), short)
            else:
                county = self._add(Place(name, "县", code, city), short)

    def _add(self, place: Place, short: str | None) -> Place:
        self.by_name.setdefault(place.name, []).append(place)
        for alias in (short or "").split("/"):
            if len(alias) >= 2 and alias != place.name:
                self.by_short.setdefault(alias, []).append(place)
        return place

    def with_regions(self, regions: list[dict]) -> Gazetteer:
        """A copy that also knows ``regions`` (Region records: id, name, level, parent), such
        as the graph's own: invented places in sample data, or divisions newer than the package."""
        extended = Gazetteer.__new__(Gazetteer)
        extended.by_name = {k: list(v) for k, v in self.by_name.items()}
        extended.by_short = {k: list(v) for k, v in self.by_short.items()}
        extended.graph_ids = dict(self.graph_ids)
        by_id = {r["id"]: r for r in regions if r.get("id") and r.get("name") and r.get("level") in LEVELS}
        made: dict[str, Place] = {}

        def make(rid: str, depth: int = 0) -> Place | None:
            if rid in made or rid not in by_id or depth > 6:
                return made.get(rid)
            r = by_id[rid]
            parent = make(r["parent"], depth + 1) if r.get("parent") else None
            known = next((p for p in extended.by_name.get(r["name"], []) if p.level == r["level"]
                          and (parent is None or p.parent == parent)), None)
            if known is None:
                short = r["name"][:-1] if len(r["name"]) >= 3 and r["level"] != "乡" else None
                known = extended._add(Place(r["name"], r["level"], r.get("code") or rid, parent), short)
            made[rid] = known
            extended.graph_ids.setdefault(known, rid)
            return known

        for rid in by_id:
            make(rid)
        return extended

    def candidates(self, name: str, *, short: bool = False) -> list[Place]:
        return (self.by_short if short else self.by_name).get(name, [])

    @staticmethod
    def resolve(candidates: list[Place], context: list[Place]) -> Place | None:
        """Pick the candidate that lies inside (or contains) a place named earlier in the document;
        a unique candidate stands on its own; otherwise None."""
        if not candidates:
            return None
        context = list(dict.fromkeys(context))
        related = [c for c in candidates if any(ctx in c.chain() or c in ctx.chain() for ctx in context)]
        if len(related) == 1:
            return related[0]
        if len(related) > 1:  # prefer the one whose nearest ancestor was named most recently
            for ctx in reversed(context):
                hits = [c for c in related if ctx in c.chain()]
                if len(hits) == 1:
                    return hits[0]
            return None
        return candidates[0] if len(candidates) == 1 else None


class LocalGazetteer(Gazetteer):
    """A document's own places, unknown to the package (an invented county, a new district),
    looked up before the base gazetteer's."""

    def __init__(self, base: Gazetteer, places: list[Place]):
        self.base = base
        self.by_name, self.by_short = {}, {}
        self.graph_ids = base.graph_ids
        for place in places:
            self._add(place, place.name[:-1] if len(place.name) >= 3 and place.level != "乡" else None)

    def candidates(self, name: str, *, short: bool = False) -> list[Place]:
        own = (self.by_short if short else self.by_name).get(name)
        found = self.base.candidates(name, short=short)
        return own + found if own else found


@lru_cache(maxsize=1)
def gazetteer() -> Gazetteer:
    with zipfile.ZipFile(_data_file()) as archive:
        name = archive.namelist()[0]
        with archive.open(name) as raw:
            lines = [line for line in io.TextIOWrapper(raw, encoding="utf-8") if not line.startswith("\t\t\t\t")]
    return Gazetteer(lines)
