"""The named query library: ``queries/*.cypher`` files, each documented in its header.

Header format (``//`` comment lines at the top of the file)::

    // collapse_clusters · 塌方式腐败 collapse-style clusters
    // zh: 一句话说明它回答什么。
    // en: One sentence saying what it answers.
    // param min_leaders: int = 3 (min 1) · 最少涉案人数 minimum distinct leaders
    // param as_of: date = latest · 基准日 the day "now" means
    // param level: str = null in Unit.admin_level · 行政层级   (only the values the ontology lists)
    // param period: str = year in year|month · 周期            (only the values listed)
    // column unit_id · 单位 id
    // requires: case_id Case          (the id must name an existing Case; "optional" after it:
    //                                   only when given)
    // finish: case_links              (a Python finishing step in queries/finishing.py)
    // alert: Leader leader_id + unit_id · {leader}…   (rows become ledger items: jiandu alerts run)
    // let: window_start = as_of - months months   (a derived date parameter)

Date arithmetic is done here, never in Cypher: FalkorDB 4.x rolls 2026-06-30 minus four
months over to 2026-03-02 where Neo4j (and the calendar) clamp to 2026-02-28, and it is a
day off across a leap day (2024-06-15 minus 176 days gives 2023-12-21). ``let`` lines compute
such dates once, in Python, and pass them as plain date parameters; differences between two
stored dates are taken in a query's ``finish`` step.

Parameters are checked and converted before anything reaches the store. Defaults may be
``latest`` (dates: the latest date the data has seen, see ``data_day``) or ``null``. A query
whose question is a graph algorithm (connected groups of linked cases) or arithmetic Cypher
does badly (z-scores, a combined score) names a ``finish`` step: its Cypher fetches the data
and Python finishes the answer.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from jiandu.graph.ontology import ONTOLOGY, FieldError, canonical, coerce
from jiandu.graph.store import Result, Store
from jiandu.queries import finishing

QUERY_DIR = Path(__file__).resolve().parent
_PARAM = re.compile(r"^param\s+(\w+)\s*:\s*(\w+)\s*=\s*(\S+)\s*(?:\(min\s+(-?\d+)\))?\s*"
                    r"(?:in\s+(?:(\w+)\.(\w+)|(\w+(?:\|\w+)+)))?\s*·\s*(.*)$")
_ALERT = re.compile(r"^alert:\s*(\w+)\s+(\w+)((?:\s*\+\s*\w+)*)\s*·\s*(.+)$")
_LET = re.compile(r"^let:\s*(\w+)\s*=\s*(\w+)\s*-\s*(\w+)\s+(years|months|days)$")


def date_minus(day: str, amount: int, unit: str) -> str:
    """ISO date minus years, months (clamped to the month's last day) or days."""
    d = dt.date.fromisoformat(day)
    if unit == "days":
        return (d - dt.timedelta(days=amount)).isoformat()
    months = amount * 12 if unit == "years" else amount
    year, month = divmod(d.year * 12 + d.month - 1 - months, 12)
    return dt.date(year, month + 1, min(d.day, calendar.monthrange(year, month + 1)[1])).isoformat()


class QueryError(ValueError):
    """A named query could not be run as asked; the message is for the user."""


class NoSuchNode(QueryError):
    """A parameter or path names a node the graph does not hold (the API's 404)."""


@dataclass(frozen=True)
class Param:
    name: str
    type: str  # int, float, str, bool, date
    default: Any
    minimum: int | None
    doc: str
    values: tuple[str, ...] = ()  # the allowed values: an ontology property's, or listed in the header
    synonyms: tuple[tuple[str, str], ...] = ()  # other spellings of them, from the ontology

    def convert(self, raw: Any) -> Any:
        """Check and convert one value (a string from the command line, or a Python value)."""
        if raw is None or (isinstance(raw, str) and raw.strip().lower() in ("", "null", "none")):
            return None
        if self.type == "date" and raw == "today":
            return dt.date.today().isoformat()
        try:
            value = coerce(self.type, self.name, raw)
            value = canonical(self.synonyms, value)
        except FieldError:
            raise QueryError(f"参数 {self.name} 应为 {self.type} (parameter {self.name} must be "
                             f"{self.type}): {raw!r}") from None
        if self.minimum is not None and value < self.minimum:
            raise QueryError(f"参数 {self.name} 不能小于 {self.minimum} (parameter {self.name} must be ≥ "
                             f"{self.minimum}): {raw!r}")
        if self.values and value not in self.values:
            allowed = "/".join(self.values)
            raise QueryError(f"参数 {self.name} 只能取 {allowed} (parameter {self.name} must be one of "
                             f"{', '.join(self.values)}): {raw!r}")
        return value

    def default_value(self, latest: str | None) -> Any:
        """The header's default; ``latest`` is the latest date the data has seen (``data_day``)."""
        if self.default == "latest":
            return latest or dt.date.today().isoformat()
        return self.convert(self.default)


REFERENCE_DATES = ("as_of", "until")  # the parameters that say which day "now" is


def data_day(store: Store) -> str | None:
    """The latest date the data has seen: the last act, case, clue, audit, post … recorded
    (planned dates such as deadlines do not count); None for a graph without dates.

    This, not the machine's clock, is what a reference date left out means: a graph loaded from
    last year's records asked about "now" would otherwise find every tenure long and every clue
    overdue. It is the one place that default is decided. The store remembers it until the next
    write: reading it costs a scan of every dated property.
    """
    return store.remembered("data_day", lambda: _latest_date(store))


def _latest_date(store: Store) -> str | None:
    latest = None
    for kind, (is_rel, names) in ONTOLOGY.observed_dates().items():
        pattern = f"()-[x:{kind}]->()" if is_rel else f"(x:{kind})"
        maxima = ", ".join(f"max(x.{name})" for name in names)
        for day in (store.run(f"MATCH {pattern} RETURN {maxima}", read_only=True).rows or [[]])[0]:
            if day is not None and (latest is None or str(day) > latest):
                latest = str(day)
    return latest


def on_day(query: NamedQuery, day: str | None) -> dict[str, str]:
    """The reference-date parameters `query` has, set to `day` (none when `day` is None)."""
    return {k: day for k in REFERENCE_DATES if k in query.params} if day else {}


@dataclass(frozen=True)
class Alert:
    """How a query's rows become ledger items (``// alert: Leader leader_id + unit_id · title``):
    each row is about the `label` node whose id is in `column`; that id and the `extra` columns'
    values make the key (one item per alert and key); `title` names the item, with {column} and
    {parameter} filled in."""

    label: str
    column: str
    extra: tuple[str, ...]
    title: str


@dataclass(frozen=True)
class NamedQuery:
    name: str
    title: str
    zh: str
    en: str
    params: dict[str, Param]
    columns: dict[str, str]
    cypher: str
    requires: tuple[tuple[str, str, bool], ...] = ()  # (param, label, optional)
    finish: str | None = None
    derived: tuple[tuple[str, str, str, str], ...] = ()  # (name, date param, amount param, unit)
    path: Path = field(default=QUERY_DIR)
    alert: Alert | None = None
    paired: tuple[tuple[str, ...], ...] = ()  # list columns whose i-th items belong together

    def needs_latest(self, given: dict[str, Any]) -> bool:
        """Whether binding `given` takes a default from the data's latest date."""
        return any(p.default == "latest" and given.get(n) in (None, "") for n, p in self.params.items())

    def bind(self, given: dict[str, Any], latest: str | None = None) -> dict[str, Any]:
        """Defaults filled in (``latest``: the data's latest date), every value checked; unknown
        names refused."""
        unknown = sorted(set(given) - set(self.params))
        if unknown:
            raise QueryError(f"{self.name} 没有参数 {', '.join(unknown)} (unknown parameter); "
                             f"可用 (known): {', '.join(self.params) or '无 none'}")
        bound = {}
        for name, param in self.params.items():
            value = param.convert(given[name]) if name in given else None
            bound[name] = value if value is not None else param.default_value(latest)
        for name, date_param, amount_param, unit in self.derived:
            bound[name] = date_minus(bound[date_param], bound[amount_param], unit)
        return bound


def parse(path: Path) -> NamedQuery:
    lines = path.read_text(encoding="utf-8").splitlines()
    header = []
    for line in lines:
        if not line.startswith("//"):
            break
        header.append(line[2:].strip())
    body = "\n".join(lines[len(header):]).strip()
    if not header or "·" not in header[0]:
        raise ValueError(f"{path.name}: the first line must be '// name · title'")
    name, title = (part.strip() for part in header[0].split("·", 1))
    zh = en = ""
    params: dict[str, Param] = {}
    columns: dict[str, str] = {}
    requires: list[tuple[str, str, bool]] = []
    finish = None
    derived: list[tuple[str, str, str, str]] = []
    alert = None
    paired: list[tuple[str, ...]] = []
    for entry in header[1:]:
        if entry.startswith("zh:"):
            zh = (zh + " " + entry[3:].strip()).strip()
        elif entry.startswith("en:"):
            en = (en + " " + entry[3:].strip()).strip()
        elif entry.startswith("param "):
            m = _PARAM.match(entry)
            if not m:
                raise ValueError(f"{path.name}: cannot read {entry!r}")
            pname, ptype, default, minimum, kind, prop, listed, doc = m.groups()
            values, synonyms = _allowed(path, kind, prop) if kind else (tuple((listed or "").split("|")) if listed
                                                                         else (), ())
            params[pname] = Param(pname, ptype, default, int(minimum) if minimum else None, doc.strip(),
                                  values, synonyms)
        elif entry.startswith("column "):
            cname, _, doc = entry[len("column "):].partition("·")
            columns[cname.strip()] = doc.strip()
        elif entry.startswith("requires:"):
            pname, label, *flag = entry[len("requires:"):].split()
            requires.append((pname, label, flag == ["optional"]))
        elif entry.startswith("paired:"):
            paired.append(tuple(entry[len("paired:"):].split()))
        elif entry.startswith("finish:"):
            finish = entry[len("finish:"):].strip()
        elif entry.startswith("alert:"):
            m = _ALERT.match(entry)
            if not m or m.group(1) not in ONTOLOGY.nodes:
                raise ValueError(f"{path.name}: cannot read {entry!r}")
            extra = tuple(c.strip() for c in m.group(3).split("+") if c.strip())
            alert = Alert(m.group(1), m.group(2), extra, m.group(4).strip())
        elif entry.startswith("let:"):
            m = _LET.match(entry)
            if not m:
                raise ValueError(f"{path.name}: cannot read {entry!r}")
            derived.append(m.groups())
    if name != path.stem:
        raise ValueError(f"{path.name}: header names {name!r}")
    if alert and any(c not in columns for c in (alert.column, *alert.extra)):
        raise ValueError(f"{path.name}: the alert names columns the query does not have")
    if any(len(group) < 2 or any(c not in columns for c in group) for group in paired):
        raise ValueError(f"{path.name}: 'paired:' names two or more of the query's columns")
    return NamedQuery(name, title, zh, en, params, columns, body, tuple(requires), finish, tuple(derived), path,
                      alert, tuple(paired))


def _allowed(path: Path, kind: str, prop: str | None) -> tuple[tuple[str, ...], tuple[tuple[str, str], ...]]:
    """The values of the ontology property `kind.prop` (``in Unit.admin_level`` in a header), and
    their synonyms."""
    spec = ONTOLOGY.nodes.get(kind) or ONTOLOGY.relationships.get(kind)
    if spec is None or prop not in spec.properties or not spec.properties[prop].values:
        raise ValueError(f"{path.name}: {kind}.{prop} is not an ontology property with listed values")
    return spec.properties[prop].values, spec.properties[prop].synonyms


@cache
def library() -> dict[str, NamedQuery]:
    """Every named query, by name."""
    return {q.name: q for q in (parse(p) for p in sorted(QUERY_DIR.glob("*.cypher")))}


def get(name: str) -> NamedQuery:
    try:
        return library()[name]
    except KeyError:
        raise QueryError(f"没有名为 {name!r} 的查询 (no such query); 可用 (known): {', '.join(library())}") from None


@dataclass(frozen=True)
class Answer:
    """A named query's answer: the query, the parameters in force (defaults filled in), the rows."""

    query: NamedQuery
    params: dict[str, Any]
    result: Result

    @property
    def as_of(self) -> str | None:
        """The reference date in force (as_of or until), or None for a query without one."""
        return next((self.params[k] for k in REFERENCE_DATES if self.params.get(k)), None)


def answer(name: str, store: Store, params: dict[str, Any], latest: str | None = None) -> Answer:
    """Run a named query with checked parameters. ``latest``: the data's latest date, when the
    caller knows it already (else it is read from the store if a default needs it)."""
    query = get(name)
    if latest is None and query.needs_latest(params):
        latest = data_day(store)
    bound = query.bind(params, latest)
    for pname, label, optional in query.requires:
        if bound.get(pname) is None and optional:
            continue
        if bound.get(pname) is None:
            raise QueryError(f"{name} 需要参数 {pname} (parameter {pname} is required)")
        found = store.run(f"MATCH (n:{label} {{id: $id}}) RETURN count(n)", {"id": bound[pname]}, read_only=True)
        if not found.scalar():
            raise NoSuchNode(f"没有 id 为 {bound[pname]!r} 的 {label} (no {label} with this id)")
    result = store.run(query.cypher, bound, read_only=True)
    if query.finish:
        result = getattr(finishing, query.finish)(result, bound)
    return Answer(query, bound, _tidy(result, query.paired))


def run_named(name: str, store: Store, **params: Any) -> Result:
    """Run a named query and return its rows; the notebook entry point.

    >>> run_named("collapse_clusters", store, min_leaders=3)   # doctest: +SKIP
    """
    return answer(name, store, params).result


def _tidy(result: Result, paired: tuple[tuple[str, ...], ...] = ()) -> Result:
    """Lists of ids and names come back sorted, so output is stable across engines. Paired lists
    (a header's ``paired:`` line) are sorted together, by the first, so their items stay in step."""
    index = {c: i for i, c in enumerate(result.columns)}
    groups = [[index[c] for c in group] for group in paired if all(c in index for c in group)]
    together = {i for group in groups for i in group}
    for row in result.rows:
        for group in groups:
            lists = [row[i] for i in group]
            if all(isinstance(v, list) for v in lists) and len({len(v) for v in lists}) == 1:
                order = sorted(range(len(lists[0])), key=lambda k: str(lists[0][k]))
                for i, values in zip(group, lists, strict=True):
                    row[i] = [values[k] for k in order]
        for i, value in enumerate(row):
            if i not in together and isinstance(value, list) and all(isinstance(v, (str, int, float)) for v in value):
                row[i] = sorted(value)
    return result
