"""The ontology as typed objects, loaded once from ``ontology.yaml``.

Everything that needs to know what a Leader or a HOLDS_POST is asks this module:
validation, schema for each store, ``jiandu schema``, picture styles.

>>> ONTOLOGY.node("Leader").prop("name").required
True
>>> ONTOLOGY.relationship("HOLDS_POST").key
('title', 'start')
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass, field
from functools import cache, cached_property
from pathlib import Path
from typing import Any

import yaml

PROPERTY_TYPES = ("str", "int", "float", "bool", "date", "list")
LIST_SEPARATOR = "|"
_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_TRUE = {"true", "1", "yes", "y", "是", "t"}
_FALSE = {"false", "0", "no", "n", "否", "f", ""}


class FieldError(ValueError):
    """A value that does not fit its declared type; ``field`` names the property."""

    def __init__(self, field_name: str, message: str):
        super().__init__(message)
        self.field = field_name


OTHER = "other"  # a derivation's part naming the node at the relationship's other end, as "Label:id"


@dataclass(frozen=True)
class Derivation:
    """A node property kept as the list of `value` of the node's `rel` relationships, the node
    being their `end` ("source" or "target"): a fact materialised so that queries read one node
    property instead of every relationship.

    `value` is one relationship property (the list holds its values), or several parts, each a
    relationship property or ``other`` (the node at the other end, "Label:id"), joined as
    "part|part" strings: "2025-03-01|OversightBody:B1". A date part first keeps the list in date
    order and lets a query compare its first ten characters. `where` keeps only the relationships
    whose property (or the other end's, ``other.p``) holds one of the listed values.

    A part written ``other.p`` is property `p` of the node at the other end (a ledger entry's
    ``to_state``). With `latest`, the property is not a list but the single `value` of the
    relationship whose `latest` part is largest: an item's state is its newest entry's."""

    rel: str
    end: str
    value: str | tuple[str, ...]
    where: tuple[tuple[str, tuple[str, ...]], ...] = ()
    latest: str | None = None  # not a list: the one `value` of the relationship with the largest `latest`

    @property
    def parts(self) -> tuple[str, ...]:
        return (self.value,) if isinstance(self.value, str) else self.value

    def __str__(self) -> str:
        kept = "".join(f" where {k} in {'/'.join(v)}" for k, v in self.where)
        newest = f" of the largest {self.latest}" if self.latest else ""
        return f"{self.rel}.{'|'.join(self.parts)}{kept}{newest}"

    @classmethod
    def read(cls, spec: dict) -> Derivation:
        value = spec["value"] if isinstance(spec["value"], str) else tuple(spec["value"])
        where = tuple((k, tuple(v)) for k, v in (spec.get("where") or {}).items())
        return cls(rel=spec["rel"], end=spec["end"], value=value, where=where, latest=spec.get("latest"))


@dataclass(frozen=True)
class Property:
    name: str
    type: str
    required: bool = False
    zh: str = ""
    values: tuple[str, ...] = ()
    synonyms: tuple[tuple[str, str], ...] = ()  # other spellings of a listed value (province → 省)
    planned: bool = False  # a date that lies ahead when recorded (a deadline), not one the data has seen
    derived: Derivation | None = None  # computed by jiandu from the graph, never taken from a record
    bulky: bool = False  # too large to draw (a document's text): views leave it out

    def coerce(self, raw: Any) -> Any:
        """Turn a raw CSV/JSON value into this property's type, or raise FieldError.

        Empty strings and None mean "not given" and come back as None.
        """
        if raw is None:
            return None
        if type(raw) is str:  # most values: read from CSV
            raw = raw.strip()
            if not raw:
                return None
            plain = self.type == "str" and "\x00" not in raw
            value = raw if plain else _COERCERS[self.type](self.name, raw)
        else:
            value = coerce(self.type, self.name, raw)
        if self.synonyms:
            value = self.canonical(value)
        if self.values and self.type == "str" and value not in self.values:
            raise FieldError(self.name, f"值 {value!r} 不在允许范围内 (allowed: {', '.join(self.values)})")
        return value

    def canonical(self, value: Any) -> Any:
        """A listed value for one of its synonyms; any other value unchanged."""
        return canonical(self.synonyms, value)


def canonical(synonyms: tuple[tuple[str, str], ...], value: Any) -> Any:
    """The listed value ``synonyms`` give for ``value`` (province → 省); any other value unchanged."""
    return dict(synonyms).get(value, value) if isinstance(value, str) else value


def _as_str(name: str, raw: Any) -> str:
    if isinstance(raw, (dict, list)):
        raise FieldError(name, f"应为文本 (expected a string), 实为 {type(raw).__name__}")
    text = str(raw).strip()
    if "\x00" in text:
        raise FieldError(name, "文本含空字符 NUL (text holds a NUL character)")
    return text


def _as_int(name: str, raw: Any) -> int:
    if isinstance(raw, bool):
        raise FieldError(name, "应为整数 (expected an integer), 实为布尔值")
    if isinstance(raw, int):
        return raw
    if isinstance(raw, float) and raw.is_integer():
        return int(raw)
    try:
        return int(str(raw).strip())
    except ValueError:
        raise FieldError(name, f"应为整数 (expected an integer): {raw!r}") from None


def _as_float(name: str, raw: Any) -> float:
    if isinstance(raw, bool):
        raise FieldError(name, "应为数字 (expected a number), 实为布尔值")
    try:
        value = float(raw)
    except (TypeError, ValueError):
        raise FieldError(name, f"应为数字 (expected a number): {raw!r}") from None
    if not math.isfinite(value):
        raise FieldError(name, f"应为有限数字 (expected a finite number): {raw!r}")
    return value


def _as_bool(name: str, raw: Any) -> bool:
    if isinstance(raw, bool):
        return raw
    text = str(raw).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise FieldError(name, f"应为布尔值 (expected true/false): {raw!r}")


def _as_date(name: str, raw: Any) -> str:
    # Dates travel as ISO strings: FalkorDB refuses Python date parameters, and the
    # engines' own date() is lenient (it turns 2024-02-30 into 2024-03-01), so we check here.
    text = raw.isoformat() if isinstance(raw, dt.date) else str(raw).strip()
    if not _DATE_RE.match(text):
        raise FieldError(name, f"日期格式应为 YYYY-MM-DD (expected an ISO date): {raw!r}")
    try:
        dt.date.fromisoformat(text)
    except ValueError:
        raise FieldError(name, f"不存在的日期 (no such date): {raw!r}") from None
    return text


def _as_list(name: str, raw: Any) -> list[str]:
    if isinstance(raw, list):
        items = raw
    elif isinstance(raw, str):
        items = raw.split(LIST_SEPARATOR)
    else:
        raise FieldError(name, f"应为列表 (expected a list): {raw!r}")
    out = []
    for item in items:
        if isinstance(item, (dict, list)):
            raise FieldError(name, f"列表元素应为文本 (list items must be strings): {item!r}")
        text = _as_str(name, item)
        if text:
            out.append(text)
    return out


_COERCERS = {
    "str": _as_str,
    "int": _as_int,
    "float": _as_float,
    "bool": _as_bool,
    "date": _as_date,
    "list": _as_list,
}


def csv_cell(value: Any, separator: str = "|") -> str:
    """A value as a CSV cell, the way the ontology's own files write it: true/false, lists joined."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return separator.join(csv_cell(v, separator) for v in value)
    return str(value)


def coerce(type_name: str, field_name: str, raw: Any) -> Any:
    """Convert a non-empty raw value to one of PROPERTY_TYPES, or raise FieldError naming the field.

    The one place values are converted: ingest validation and query parameters both call it.

    >>> coerce("bool", "top_leader", "是")
    True
    """
    return _COERCERS[type_name](field_name, raw)


class _HasProperties:
    properties: dict[str, Property]

    @cached_property
    def written(self) -> tuple[Property, ...]:
        """The properties a record may give (a derived one is computed from the graph)."""
        return tuple(p for p in self.properties.values() if not p.derived)

    @cached_property
    def names(self) -> frozenset[str]:
        return frozenset(self.properties)


@dataclass(frozen=True)
class NodeType(_HasProperties):
    label: str
    zh: str
    en: str
    properties: dict[str, Property]
    indexes: tuple[str, ...]
    style: dict[str, Any] = field(default_factory=dict)

    def prop(self, name: str) -> Property:
        return self.properties[name]


@dataclass(frozen=True)
class RelType(_HasProperties):
    type: str
    zh: str
    en: str
    sources: tuple[str, ...]
    targets: tuple[str, ...]
    key: tuple[str, ...]
    properties: dict[str, Property]
    style: dict[str, Any] = field(default_factory=dict)
    hierarchy: bool = False

    def prop(self, name: str) -> Property:
        return self.properties[name]


@dataclass(frozen=True)
class LedgerStep:
    """One verb of the ledger's loop: the states it may be taken in, where it leaves each, the
    least role that may take it and the fields it must carry."""

    name: str
    zh: str
    sources: tuple[str, ...]
    moves: dict[str, str]  # state -> state it leaves; a state not listed stays as it is
    role: str
    needs: tuple[str, ...] = ()

    def after(self, state: str | None) -> str:
        """The state this step leaves an item in that was in `state` (None: a new item)."""
        return self.moves.get(state or "", state or "")


@dataclass(frozen=True)
class LedgerRules:
    """The supervision ledger's states (with their Chinese names and loop steps) and steps."""

    states: dict[str, tuple[str, str]]  # state -> (zh, loop step)
    steps: dict[str, LedgerStep]

    def allowed(self, state: str | None) -> list[str]:
        """The steps that may be taken in `state`, in the loop's order."""
        return [s.name for s in self.steps.values() if (state in s.sources if state else not s.sources)]


@dataclass(frozen=True)
class Ontology:
    nodes: dict[str, NodeType]
    relationships: dict[str, RelType]
    provenance: dict[str, Property]
    ledger: LedgerRules | None = None

    def node(self, label: str) -> NodeType:
        return self.nodes[label]

    def relationship(self, rel_type: str) -> RelType:
        return self.relationships[rel_type]

    def derived(self) -> list[tuple[str, Property]]:
        """Every derived node property, with its label."""
        return [(label, p) for label, kind in self.nodes.items() for p in kind.properties.values() if p.derived]

    def derived_names(self, label: str) -> frozenset[str]:
        """The names of `label`'s derived properties."""
        return frozenset(p.name for name, p in self.derived() if name == label)

    def unviewed_names(self, label: str) -> frozenset[str]:
        """What a view leaves out of a `label` node: derived properties (it shows the relationships
        they come from) and bulky ones (a document's text, quoted by span instead)."""
        return self.derived_names(label) | {n for n, p in self.nodes[label].properties.items() if p.bulky}

    def observed_dates(self) -> dict[str, tuple[bool, list[str]]]:
        """Per label or relationship type (and whether it is a relationship), its date properties
        that record what happened (not `planned` ones)."""
        out = {}
        for kind in (*self.nodes.values(), *self.relationships.values()):
            names = [p.name for p in kind.properties.values() if p.type == "date" and not p.planned]
            if names:
                out[getattr(kind, "label", None) or kind.type] = (isinstance(kind, RelType), names)
        return out


def _properties(spec: dict[str, Any] | None, where: str) -> dict[str, Property]:
    props = {}
    for name, p in (spec or {}).items():
        if p["type"] not in PROPERTY_TYPES:
            raise ValueError(f"ontology: {where}.{name} has unknown type {p['type']!r}")
        props[name] = Property(
            name=name,
            type=p["type"],
            required=bool(p.get("required", False)),
            zh=str(p.get("zh", "")),
            values=tuple(str(v) for v in p.get("values", ())),
            synonyms=tuple((str(k), str(v)) for k, v in (p.get("synonyms") or {}).items()),
            planned=bool(p.get("planned", False)),
            derived=Derivation.read(p["derived"]) if p.get("derived") else None,
            bulky=bool(p.get("bulky", False)),
        )
    return props


def load(path: Path | None = None) -> Ontology:
    """Read and check an ontology file (the packaged one by default)."""
    path = path or Path(__file__).with_name("ontology.yaml")
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    nodes = {
        label: NodeType(
            label=label,
            zh=spec["zh"],
            en=spec.get("en", label),
            properties=_properties(spec.get("properties"), label),
            indexes=tuple(spec.get("indexes", ())),
            style=spec.get("style", {}),
        )
        for label, spec in data["nodes"].items()
    }
    for label, node in nodes.items():
        since = node.style.get("since")
        if since is not None and (since not in node.properties or node.properties[since].type != "date"):
            raise ValueError(f"ontology: {label}'s style.since {since!r} is not one of its date properties")
    rels = {}
    for rtype, spec in data["relationships"].items():
        props = _properties(spec.get("properties"), rtype)
        for end in (*spec["from"], *spec["to"]):
            if end not in nodes:
                raise ValueError(f"ontology: {rtype} names unknown label {end!r}")
        for k in spec.get("key", ()):
            if k not in props:
                raise ValueError(f"ontology: {rtype} key {k!r} is not one of its properties")
        rels[rtype] = RelType(
            type=rtype,
            zh=spec["zh"],
            en=spec.get("en", rtype),
            sources=tuple(spec["from"]),
            targets=tuple(spec["to"]),
            key=tuple(spec.get("key", ())),
            properties=props,
            style=spec.get("style", {}),
            hierarchy=bool(spec.get("hierarchy", False)),
        )
    onto = Ontology(nodes=nodes, relationships=rels, provenance=_properties(data["provenance"], "provenance"),
                    ledger=_ledger(data["ledger"]) if data.get("ledger") else None)
    for label, prop in onto.derived():
        _check_derivation(onto, label, prop)
    return onto


def _ledger(spec: dict) -> LedgerRules:
    states = {name: (str(s["zh"]), str(s["loop"])) for name, s in spec["states"].items()}
    steps = {}
    for name, s in spec["steps"].items():
        sources = tuple(s.get("from") or ())
        to = s["to"]
        moves = {state: to for state in (*sources, "")} if isinstance(to, str) else dict(to)
        for state in (*sources, *moves, *moves.values()):
            if state and state not in states:
                raise ValueError(f"ontology: ledger step {name} names unknown state {state!r}")
        steps[name] = LedgerStep(name, str(s["zh"]), sources, moves, str(s["role"]), tuple(s.get("needs") or ()))
    return LedgerRules(states, steps)


def _check_derivation(onto: Ontology, label: str, prop: Property) -> None:
    d = prop.derived
    rel = onto.relationships.get(d.rel)
    if rel is None or d.end not in ("source", "target"):
        raise ValueError(f"ontology: {label}.{prop.name} is derived from unknown {d} ({d.end})")
    others = rel.sources if d.end == "target" else rel.targets
    # a part must be on every node at the other end; a kept value on one of them at least (an
    # audit's kind keeps audits, not the inspections that also cover a unit)
    named = [(p, all) for p in (*d.parts, d.latest or OTHER) if p != OTHER] + [(k, any) for k, _ in d.where]
    for p, each in named:
        on_other = p.startswith(OTHER + ".")
        if (p not in rel.properties) if not on_other else not each(p[len(OTHER) + 1:] in onto.nodes[o].properties
                                                                    for o in others):
            raise ValueError(f"ontology: {label}.{prop.name} is derived from unknown {d} ({d.end})")
    for k, values in d.where:
        on_other = k.startswith(OTHER + ".")
        allowed = (rel.properties[k].values if not on_other else
                   tuple(v for o in others for v in getattr(onto.nodes[o].properties.get(k[len(OTHER) + 1:]),
                                                            "values", ())))
        if not values or (allowed and set(values) - set(allowed)):
            raise ValueError(f"ontology: {label}.{prop.name} keeps {d.rel}.{k} values it does not have: {values}")
    if label not in (rel.sources if d.end == "source" else rel.targets):
        raise ValueError(f"ontology: {label} is never the {d.end} of {d.rel}")


@cache
def default() -> Ontology:
    return load()


ONTOLOGY = default()
