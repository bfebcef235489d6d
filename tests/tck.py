"""The openCypher TCK (org.opencypher:tck, unpacked by `make neo4j` into neo4j-local/target/tck)
run through jiandu's own path for an investigator's Cypher, and each scenario classified.

A scenario is read-only when its query writes nothing (no side effects expected, no writing
clause); only those are run: the graph is set up through the store's write path, then the query
goes through `jiandu.queries.asked.ask` (guard, lint, store in read-only mode), as `jiandu cypher`
and `POST /api/v1/cypher` send it. Each is one of:

- same: the expected rows (or the expected error: a refusal is the error raised);
- refused: jiandu's guard refused it, naming the construct; or the engine refused it;
- warned: an answer that differs from the expected one, with a warning naming a construct;
- lenient: an answer where openCypher expects an error (the query is invalid there);
- wrong: an answer that differs from the expected one, without a word: the failure that counts.

A scenario the harness cannot set up (a named graph not in the jar, a test procedure, a setup
the engine refuses) is `not run`, counted apart. Paths are compared by their nodes and
relationships in order, not by each relationship's direction: FalkorDB's reply names a path's
endpoints by internal ids the nodes it returns do not carry.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jiandu.graph.store import QueryTimeout, Store, StoreError
from jiandu.queries import guard
from jiandu.queries.asked import ask

FEATURES = Path(__file__).resolve().parent.parent / "neo4j-local" / "target" / "tck" / "features"
KINDS = ("same", "refused", "warned", "lenient", "wrong")
WRITES = re.compile(r"\b(CREATE|MERGE|SET|DELETE|REMOVE|FOREACH)\b", re.I)


@dataclass
class Scenario:
    feature: str  # the feature file's path under features/, e.g. clauses/match/Match1.feature
    name: str
    setup: list[str] = field(default_factory=list)
    params: dict[str, Any] = field(default_factory=dict)
    query: str = ""
    expect: str = ""  # "rows", "empty" or "error"
    ordered: bool = False
    unordered_lists: bool = False
    header: list[str] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)
    error: str = ""
    side_effects: bool = False
    unsupported: str = ""  # why the harness cannot run it

    @property
    def folder(self) -> str:
        return "/".join(self.feature.split("/")[:2])

    @property
    def read_only(self) -> bool:
        return not self.side_effects and not WRITES.search(guard.bare_text(self.query))


# -- reading feature files -------------------------------------------------------------------

def scenarios(root: Path = FEATURES) -> list[Scenario]:
    found = []
    for path in sorted(root.rglob("*.feature")):
        found += parse_feature(path.read_text(encoding="utf-8"), str(path.relative_to(root)))
    return found


def parse_feature(text: str, feature: str) -> list[Scenario]:
    lines = text.splitlines()
    blocks: list[tuple[str, list[str]]] = []
    for line in lines:
        stripped = line.strip()
        if stripped.startswith(("Scenario:", "Scenario Outline:")):
            blocks.append((stripped.split(":", 1)[1].strip(), []))
        elif blocks:
            blocks[-1][1].append(line)
    out = []
    for name, body in blocks:
        steps, examples = _split_examples(body)
        for i, values in enumerate(examples or [{}]):
            label = f"{name} #{i + 1}" if examples else name
            out.append(_scenario(feature, label, [_substitute(s, values) for s in steps]))
    return out


def _split_examples(body: list[str]) -> tuple[list[str], list[dict[str, str]]]:
    for i, line in enumerate(body):
        if line.strip().startswith("Examples:"):
            table = [_cells(x) for x in body[i + 1:] if x.strip().startswith("|")]
            return body[:i], [dict(zip(table[0], row, strict=False)) for row in table[1:]] if table else []
    return body, []


def _substitute(line: str, values: dict[str, str]) -> str:
    for key, value in values.items():
        line = line.replace(f"<{key}>", value)
    return line


def _cells(line: str) -> list[str]:
    inner = line.strip()[1:-1]
    cells, cell, i = [], "", 0
    while i < len(inner):
        if inner[i] == "\\" and i + 1 < len(inner) and inner[i + 1] == "|":
            cell += "|"
            i += 2
            continue
        if inner[i] == "|":
            cells.append(cell.strip())
            cell = ""
        else:
            cell += inner[i]
        i += 1
    cells.append(cell.strip())
    return cells


def _scenario(feature: str, name: str, steps: list[str]) -> Scenario:
    sc = Scenario(feature, name)
    i = 0
    while i < len(steps):
        step = re.sub(r"^\s*(Given|And|When|Then|But)\s+", "", steps[i]).strip()
        i += 1
        doc, table = None, []
        if i < len(steps) and steps[i].strip() == '"""':
            end = next(j for j in range(i + 1, len(steps)) if steps[j].strip() == '"""')
            indent = len(steps[i]) - len(steps[i].lstrip())
            doc = "\n".join(line[indent:] for line in steps[i + 1:end])
            i = end + 1
        while i < len(steps) and steps[i].strip().startswith("|"):
            table.append(_cells(steps[i]))
            i += 1
        if step.startswith(("the binary-tree", "there exists a procedure")):
            sc.unsupported = step
        elif step.startswith("having executed"):
            sc.setup.append(doc or "")
        elif step.startswith("parameters are"):
            sc.params = {k: parse_value(v) for k, v in table}
        elif step.startswith("executing"):
            sc.query = doc or ""
        elif step.startswith("the result should be empty"):
            sc.expect = "empty"
        elif step.startswith("the result should be"):
            sc.expect, sc.ordered = "rows", "in order" in step
            sc.unordered_lists = "ignoring element order for lists" in step
            sc.header, sc.rows = (table[0], table[1:]) if table else ([], [])
        elif " should be raised" in step:
            sc.expect, sc.error = "error", step.split(" should be raised")[0].removeprefix("a ").strip()
        elif step.startswith("the side effects should be"):
            sc.side_effects = any(row[1] not in ("0", "") for row in table)
    return sc


# -- TCK values ----------------------------------------------------------------------------

class _Reader:
    def __init__(self, text: str):
        self.text, self.pos = text, 0

    def skip(self) -> None:
        while self.pos < len(self.text) and self.text[self.pos].isspace():
            self.pos += 1

    def peek(self, s: str) -> bool:
        self.skip()
        return self.text.startswith(s, self.pos)

    def take(self, s: str) -> None:
        if not self.peek(s):
            raise ValueError(f"expected {s!r} at {self.pos} in {self.text!r}")
        self.pos += len(s)

    def name(self) -> str:
        self.skip()
        if self.peek("`"):
            end = self.text.index("`", self.pos + 1)
            word, self.pos = self.text[self.pos + 1:end], end + 1
            return word
        m = re.compile(r"[A-Za-z_][\w]*").match(self.text, self.pos)
        if not m:
            raise ValueError(f"expected a name at {self.pos} in {self.text!r}")
        self.pos = m.end()
        return m.group(0)

    def value(self) -> Any:
        self.skip()
        c = self.text[self.pos] if self.pos < len(self.text) else ""
        if c == "'":
            return self.string()
        if c == "[":
            if re.compile(r"\[\s*:").match(self.text, self.pos):
                return self.rel()
            self.take("[")
            items = []
            while not self.peek("]"):
                items.append(self.value())
                if self.peek(","):
                    self.take(",")
            self.take("]")
            return items
        if c == "{":
            return self.map()
        if c == "(":
            return self.node()
        if c == "<":
            return self.path()
        m = re.compile(r"-?(?:Infinity|Inf)|NaN|-?(?:\d+\.\d*|\.\d+|\d+)(?:[eE][-+]?\d+)?|null|true|false").match(
            self.text, self.pos)
        if not m:
            raise ValueError(f"cannot read {self.text[self.pos:]!r}")
        self.pos = m.end()
        word = m.group(0)
        if word == "null":
            return None
        if word in ("true", "false"):
            return word == "true"
        if "Inf" in word or word == "NaN":
            return float(word.replace("Infinity", "inf").replace("Inf", "inf").replace("NaN", "nan"))
        return float(word) if re.search(r"[.eE]", word) else int(word)

    def string(self) -> str:
        self.take("'")
        out = []
        while self.text[self.pos] != "'":
            if self.text[self.pos] == "\\":
                self.pos += 1
                out.append({"n": "\n", "t": "\t"}.get(self.text[self.pos], self.text[self.pos]))
            else:
                out.append(self.text[self.pos])
            self.pos += 1
        self.pos += 1
        return "".join(out)

    def map(self) -> dict:
        self.take("{")
        items = {}
        while not self.peek("}"):
            key = self.name()
            self.take(":")
            items[key] = self.value()
            if self.peek(","):
                self.take(",")
        self.take("}")
        return items

    def node(self) -> Node:
        self.take("(")
        labels = []
        while self.peek(":"):
            self.take(":")
            labels.append(self.name())
        props = self.map() if self.peek("{") else {}
        self.take(")")
        return Node(frozenset(labels), props)

    def rel(self) -> Rel:
        self.take("[")
        self.take(":")
        kind = self.name()
        props = self.map() if self.peek("{") else {}
        self.take("]")
        return Rel(kind, props)

    def path(self) -> Path_:
        self.take("<")
        nodes, rels = [self.node()], []
        while not self.peek(">"):
            self.take("<-") if self.peek("<-") else self.take("-")
            rels.append(self.rel())
            self.take("->") if self.peek("->") else self.take("-")
            nodes.append(self.node())
        self.take(">")
        return Path_(tuple(nodes), tuple(rels))


@dataclass
class Node:
    labels: frozenset
    props: dict


@dataclass
class Rel:
    kind: str
    props: dict


@dataclass
class Path_:
    nodes: tuple
    rels: tuple


def parse_value(text: str) -> Any:
    reader = _Reader(text)
    value = reader.value()
    reader.skip()
    if reader.pos != len(text):
        raise ValueError(f"trailing text in {text!r}")
    return value


def canon(value: Any, unordered_lists: bool = False) -> Any:
    """A hashable form in which equal values are equal and 1 and 1.0 are not."""
    def c(v: Any) -> Any:
        if v is None:
            return ("null",)
        if isinstance(v, bool):
            return ("bool", v)
        if isinstance(v, int):
            return ("int", v)
        if isinstance(v, float):
            return ("float", "nan" if math.isnan(v) else round(v, 9) if math.isfinite(v) else v)
        if isinstance(v, str):
            return ("str", v)
        if isinstance(v, Node):
            return ("node", tuple(sorted(v.labels)), c(v.props))
        if isinstance(v, Rel):
            return ("rel", v.kind, c(v.props))
        if isinstance(v, Path_):
            return ("path", tuple(c(n) for n in v.nodes), tuple(c(r) for r in v.rels))
        if isinstance(v, dict):
            return ("map", tuple(sorted((k, c(x)) for k, x in v.items())))
        if isinstance(v, (list, tuple)):
            items = tuple(c(x) for x in v)
            return ("list", tuple(sorted(items, key=repr)) if unordered_lists else items)
        return ("other", str(v))
    return c(value)


def from_store(value: Any) -> Any:
    """A value as `Store.run` returns it, with its nodes, relationships and paths in TCK form."""
    if isinstance(value, dict):
        if set(value) == {"id", "labels", "properties"}:
            return Node(frozenset(value["labels"]), from_store(value["properties"]))
        if set(value) == {"type", "source", "target", "properties"}:
            return Rel(value["type"], from_store(value["properties"]))
        if set(value) == {"nodes", "edges"}:
            return Path_(tuple(from_store(n) for n in value["nodes"]), tuple(from_store(e) for e in value["edges"]))
        return {k: from_store(v) for k, v in value.items()}
    if isinstance(value, list):
        return [from_store(v) for v in value]
    return value


# -- running -------------------------------------------------------------------------------

@dataclass
class Outcome:
    scenario: Scenario
    kind: str  # one of KINDS, or "not run"
    detail: str = ""


def run(store: Store, sc: Scenario, timeout_ms: int = 10_000) -> Outcome:
    if sc.unsupported:
        return Outcome(sc, "not run", sc.unsupported)
    store.clear()
    for setup in sc.setup:
        try:
            store.run(setup)
        except StoreError as exc:
            return Outcome(sc, "not run", f"setup refused: {str(exc)[:200]}")
    try:
        asked = ask(store, sc.query, sc.params, timeout_ms=timeout_ms)
    except guard.Rejected as exc:
        return Outcome(sc, "same" if sc.expect == "error" else "refused", f"jiandu: {exc}")
    except QueryTimeout as exc:
        return Outcome(sc, "refused", f"timeout: {exc}")
    except StoreError as exc:
        return Outcome(sc, "same" if sc.expect == "error" else "refused", f"engine: {str(exc)[:300]}")
    if sc.expect == "error":
        return Outcome(sc, "lenient", f"expected {sc.error}, got {len(asked.result.rows)} rows")
    got = [tuple(canon(from_store(v), sc.unordered_lists) for v in row) for row in asked.result.rows]
    want = [] if sc.expect == "empty" else [tuple(canon(parse_value(v), sc.unordered_lists) for v in row)
                                            for row in sc.rows]
    if (got == want) if sc.ordered else (Counter(got) == Counter(want)):
        return Outcome(sc, "same")
    dialect = [w for w in asked.warnings if w.kind == "dialect"]
    said = f"got {_short(got)}, expected {_short(want)}"
    if dialect:
        return Outcome(sc, "warned", f"{said}; warned: {dialect[0].construct}")
    return Outcome(sc, "wrong", said)


def _short(rows: list) -> str:
    text = repr(rows)
    return text if len(text) < 300 else text[:300] + "…"


def table(outcomes: dict[str, list[Outcome]]) -> str:
    """The Markdown table per feature folder: for each engine, same / refused / warned / lenient /
    wrong of the read-only scenarios run, and how many were not run."""
    engines = list(outcomes)
    folders = sorted({o.scenario.folder for os_ in outcomes.values() for o in os_})
    head = "| feature folder | " + " | ".join(f"{e}: same / refused / warned / lenient / wrong (not run)"
                                                 for e in engines) + " |"
    lines = [head, "|---|" + "---:|" * len(engines)]

    def cell(found: list[Outcome]) -> str:
        n = Counter(o.kind for o in found)
        return " / ".join(str(n[k]) for k in KINDS) + f" ({n['not run']})"

    for folder in [*folders, "all"]:
        row = [cell([o for o in outcomes[e] if folder == "all" or o.scenario.folder == folder]) for e in engines]
        name = "**all**" if folder == "all" else folder
        lines.append(f"| {name} | " + " | ".join(row) + " |")
    return "\n".join(lines)
