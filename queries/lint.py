"""Warnings for Cypher that would run but mislead: constructs the two engines treat differently,
and names the ontology does not have (a misspelt label matches nothing, silently).

Warnings never stop a query; `guard.check` is what refuses. Each warning names the construct
and says what to write instead. The checks read the query with strings and comments blanked,
so a name inside a string literal never warns.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from jiandu.graph.ontology import ONTOLOGY, Ontology
from jiandu.queries.guard import bare_text

# (pattern, construct, why and what instead); the pattern runs on the bare query
DIALECT = (
    (re.compile(r"=~"), "=~ (正则 regular expression)",
     "FalkorDB 不支持 (the embedded engine does not support it); 可移植写法 portable: "
     "STARTS WITH / ENDS WITH / CONTAINS, toLower(x) CONTAINS 'y'"),
    (re.compile(r"\bMATCH\b(?:(?!\b(?:WITH|RETURN)\b).)*?\b(?:all)?shortestPath\s*\(", re.I | re.S),
     "MATCH … shortestPath(…)",
     "FalkorDB 只在 WITH/RETURN 中支持, 且只支持有向 (only in WITH/RETURN, directed only); 可移植写法 "
     "portable: MATCH p = (a {id: $a})-[*..6]-(b {id: $b}) RETURN p ORDER BY length(p) LIMIT 1, "
     "或 or GET /api/v1/path"),
    (re.compile(r"[-+]\s*duration\s*\(|\bduration\s*\(.*?\)\s*[-+]|\bduration\.(?:between|inDays|inMonths)\b",
                re.I | re.S),
     "日期运算 date arithmetic (date ± duration, duration.between)",
     "FalkorDB 与 Neo4j 结果不同 (月底 2026-06-30 − 4 个月: FalkorDB 2026-03-02, Neo4j 2026-02-28; "
     "闰日差一天 a day off across leap days; duration.between 未实现 missing); 可移植写法 portable: "
     "在查询外算好日期, 以 $参数 传入 compute the dates outside and pass them as $parameters "
     "(named queries: `// let:`)"),
)

_NODE = re.compile(r"(?<![\w.])\(\s*(\w*)\s*((?::\s*`?\w+`?\s*)+)")
_REL = re.compile(r"\[\s*(\w*)\s*:\s*((?:`?\w+`?\s*\|?\s*:?\s*)+)")
_BOUND = re.compile(r"(?<![\w.])([(\[])\s*([A-Za-z_]\w*)\s*[:{)\]]")
_PROPERTY = re.compile(r"\b([A-Za-z_]\w*)\.(`?)([A-Za-z_]\w*)\2(?!\s*\()")
_MAP_KEY = re.compile(r"(?<![\w.])[(\[]\s*\w*\s*(?::\s*\w+\s*)*\{([^{}]*)\}")
_WHERE_LABEL = re.compile(r"\b([A-Za-z_]\w*)\s*:\s*([A-Za-z_]\w*)")
_KEY = re.compile(r"([A-Za-z_]\w*)\s*:")


@dataclass(frozen=True)
class Warning:
    construct: str
    message: str
    kind: str = "dialect"  # or "name": a label, type or property the ontology lacks

    def __str__(self) -> str:
        return f"{self.construct}: {self.message}"


def lint(query: str, ontology: Ontology = ONTOLOGY) -> list[Warning]:
    """What in `query` may silently mislead; empty when nothing does."""
    bare = bare_text(query)
    found = [Warning(construct, why) for pattern, construct, why in DIALECT if pattern.search(bare)]
    return found + _names(bare, ontology)


def _names(bare: str, onto: Ontology) -> list[Warning]:
    labels, types = set(onto.nodes), set(onto.relationships)
    every_prop = {"id", "name", *onto.provenance}
    for kind in (*onto.nodes.values(), *onto.relationships.values()):
        every_prop.update(kind.properties)
    bound: dict[str, set[str]] = {}  # pattern variable -> labels or types it was given
    node_vars: set[str] = set()
    seen_labels: list[str] = []
    seen_types: list[str] = []
    for var, chain in _NODE.findall(bare):
        names = [n.strip("` ") for n in chain.split(":") if n.strip("` ")]
        seen_labels += names
        if var:
            bound.setdefault(var, set()).update(names)
            node_vars.add(var)
    for var, chain in _REL.findall(bare):
        names = [n.strip("` ") for n in re.split(r"[|:]", chain) if n.strip("` ")]
        seen_types += names
        if var:
            bound.setdefault(var, set()).update(names)
    for bracket, var in _BOUND.findall(bare):
        bound.setdefault(var, set())
        if bracket == "(":
            node_vars.add(var)
    for var, label in _WHERE_LABEL.findall(bare):
        if var in node_vars and label[0].isupper():
            seen_labels.append(label)
            bound[var].add(label)
    out = []
    for name in dict.fromkeys(seen_labels):
        if name not in labels:
            out.append(_unknown("标签 label", name, labels))
    for name in dict.fromkeys(seen_types):
        if name not in types:
            out.append(_unknown("关系类型 relationship type", name, types))
    props = [(var, prop) for var, _, prop in _PROPERTY.findall(bare) if var in bound]
    props += [("", key) for block in _MAP_KEY.findall(bare) for key in _KEY.findall(block)]
    for var, prop in dict.fromkeys(props):
        known = _properties_of(bound.get(var, set()), onto) or every_prop
        if prop not in known:
            out.append(_unknown("属性 property", prop, known))
    return out


def _properties_of(kinds: set[str], onto: Ontology) -> set[str]:
    known: set[str] = set()
    for kind in kinds:
        spec = onto.nodes.get(kind) or onto.relationships.get(kind)
        if spec is None:
            return set()  # an unknown label already warns; judge its properties by the whole ontology
        known.update(spec.properties)
        known.update({"id", *onto.provenance} | ({"name"} if kind in onto.nodes else set()))
    return known


def _unknown(what: str, name: str, known: set[str]) -> Warning:
    close = difflib.get_close_matches(name, sorted(known), n=3, cutoff=0.6)
    hint = f"; 是否指 did you mean {', '.join(close)}?" if close else ""
    return Warning(f"{what} {name}", f"本体中没有, 只会得到空结果 (not in the ontology: it matches nothing){hint} "
                                     f"已知 known: {', '.join(sorted(known))}", "name")
