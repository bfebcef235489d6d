"""Load structured files into a store: validate, batch, merge, and keep every rejected record.

Two passes over the inputs: first every node record of every file, then every relationship
record, so a relationship may refer to a node from a later line or another file. Records
are merged on stable ids, so loading the same files twice (or again after a crash) leaves
the same graph. Writes are ``UNWIND $rows`` batches: one round trip and one fsync per batch.
Last, the derived properties (graph/derived.py) of every node the run touched are recomputed.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
import threading
import time
from collections import defaultdict, deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jiandu.graph.derived import Touched
from jiandu.graph.ontology import ONTOLOGY, FieldError, Ontology
from jiandu.graph.store import Store, StoreError
from jiandu.ingest.conflicts import Conflict, SeenKeys, differences
from jiandu.ingest.files import walk
from jiandu.ingest.readers import MAX_FIELD_CHARS, STRUCTURED_SUFFIXES, Problem, Raw, csv_encoding, read_records
from jiandu.ingest.validate import NodeRow, RelRow, kind_of, node_row, rel_row

BATCH_SIZE = 5000
PACKAGE_FOLDER = Path(__file__).resolve().parent  # jiandu.ingest, with the sample files
SWITCH_INTERVAL = 0.0005  # seconds; see _prompt_hand_over


_hand_over = {"loads": 0, "saved": 0.0}
_hand_over_lock = threading.Lock()


def _prompt_hand_over(start: bool) -> None:
    """While any load runs in this process, Python switches threads every SWITCH_INTERVAL. The
    writer thread needs the interpreter lock for a moment after each reply; at the default 5 ms
    hand-over it waited behind the reading thread for about a fifth of the run. The setting is
    the process's, so the last load to finish restores it."""
    with _hand_over_lock:
        if start:
            if _hand_over["loads"] == 0:
                _hand_over["saved"] = sys.getswitchinterval()
                sys.setswitchinterval(min(_hand_over["saved"], SWITCH_INTERVAL))
            _hand_over["loads"] += 1
        else:
            _hand_over["loads"] -= 1
            if _hand_over["loads"] == 0:
                sys.setswitchinterval(_hand_over["saved"])


class IngestAborted(RuntimeError):
    """The store failed mid-ingest; what was written stays, and a re-run completes it."""


@dataclass
class Reject:
    file: str
    line: int
    field: str
    reason: str
    record: Any
    kind: str = "rejected"  # or "conflict": the record landed, and overrode another's value

    def message(self) -> str:
        return f"{self.file}:{self.line}: 字段 (field) '{self.field}': {self.reason}"


@dataclass
class IngestReport:
    files: int = 0
    nodes: int = 0  # node records merged: an id given twice counts twice
    relationships: int = 0  # relationship records merged
    rejected: int = 0
    conflicts: int = 0  # properties two records of the run gave different values (kept with the rejects)
    seconds: float = 0.0
    rejects_path: Path | None = None
    first_rejects: list[Reject] = field(default_factory=list)
    first_conflicts: list[Reject] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)  # e.g. a file that holds no records
    encodings: dict[str, str] = field(default_factory=dict)  # the encoding each CSV file was read in


def _dates_clause(var: str, names: Iterable[str]) -> str:
    # coalesce keeps an existing value when a later record leaves the date out
    return "".join(f", {var}.{n} = coalesce(date(row.d_{n}), {var}.{n})" for n in names)


def _sources_clause(var: str) -> str:
    # each source once: the record's line, or the provenance a record carries (row.sources)
    return (f"{var}.sources = reduce(acc = coalesce({var}.sources, []), s IN coalesce(row.sources, [src]) | "
            f"CASE WHEN s IN acc THEN acc ELSE acc + [s] END)")


# Rows carry only their line number; the file name travels once per batch as $src. The
# parameter text is what the engine parses first, and it is most of the cost of a batch.
# Text documents name character spans instead (row.at = "120-135").
LINE_SOURCE = "$src + '#L' + toString(row.line)"
SPAN_SOURCE = "$src + '#' + row.at"


def _unwind(source: str, rows: str) -> str:
    return f"UNWIND ${rows} AS row WITH row, {source} AS src "


def node_merge_cypher(label: str, onto: Ontology = ONTOLOGY, source: str = LINE_SOURCE, rows: str = "rows") -> str:
    """Merge the node rows in parameter `rows`; returns one column, `written`."""
    dates = [p.name for p in onto.node(label).properties.values() if p.type == "date"]
    return (f"{_unwind(source, rows)}MERGE (n:{label} {{id: row.id}}) "
            f"SET n += row.p, {_sources_clause('n')}{_dates_clause('n', dates)} RETURN count(n) AS written")


def rel_merge_cypher(rtype: str, source: str, target: str, onto: Ontology = ONTOLOGY,
                     provenance: str = LINE_SOURCE, rows: str = "rows") -> str:
    """Merge the relationship rows in parameter `rows`; returns one column, `written`."""
    dates = [p.name for p in onto.relationship(rtype).properties.values() if p.type == "date"]
    return (f"{_unwind(provenance, rows)}MATCH (a:{source} {{id: row.from}}) MATCH (b:{target} {{id: row.to}}) "
            f"MERGE (a)-[r:{rtype} {{id: row.id}}]->(b) "
            f"SET r += row.p, {_sources_clause('r')}{_dates_clause('r', dates)} RETURN count(r) AS written")


def _missing_ends_cypher(source: str, target: str) -> str:
    return (f"UNWIND $rows AS row OPTIONAL MATCH (a:{source} {{id: row.from}}) "
            f"OPTIONAL MATCH (b:{target} {{id: row.to}}) "
            "WITH row, a, b WHERE a IS NULL OR b IS NULL RETURN row.i, a IS NULL, b IS NULL")


def source_name(path: Path, root: Path | None = None) -> str:
    """How provenance names a file: relative to the working folder when inside it, else relative to
    the folder given to ingest (its name first), else the file's folder name and its own. Never
    the machine's absolute path: answers carry sources to API clients."""
    resolved = path.resolve()
    if resolved.is_relative_to(PACKAGE_FOLDER):  # the sample data: named alike wherever jiandu is installed
        return f"ingest/{resolved.relative_to(PACKAGE_FOLDER).as_posix()}"
    for base in (Path.cwd().resolve(), None if root is None else root.resolve().parent):
        if base is not None and resolved.is_relative_to(base) and resolved != base:
            return resolved.relative_to(base).as_posix()
    return "/".join(resolved.parts[-2:])


def structured_files(paths: Iterable[Path]) -> Iterator[Path]:
    """Files to load: the given files, and structured files found below given folders, sorted."""
    return walk(paths, STRUCTURED_SUFFIXES)


def named_files(paths: Iterable[Path]) -> dict[Path, str]:
    """The files to load, each with its name in provenance (``source_name`` under its given folder)."""
    return {f: source_name(f, p if p.is_dir() else None) for p in paths for f in structured_files([p])}


@dataclass
class Records:
    """Records handed over in memory (the API's ingest), named `name` in provenance."""

    name: str
    items: list[Any]


def _hint(path: Path, onto: Ontology) -> str | None:
    """A file named after a label or relationship type (Leader.csv, HOLDS_POST.jsonl) holds only those."""
    stem = path.stem.lower()
    for name in (*onto.nodes, *onto.relationships):
        if name.lower() == stem:
            return name
    return None


class Loader:
    """One ingest run: feed it files, then read its report."""

    def __init__(self, store: Store, *, rejects_dir: Path, batch_size: int = BATCH_SIZE,
                 onto: Ontology = ONTOLOGY, on_progress: Callable[[int], None] | None = None,
                 max_field: int = MAX_FIELD_CHARS, names: dict[Path, str] | None = None):
        self.store = store
        self.names = names or {}  # provenance names of the input files (else source_name)
        self.onto = onto
        self.batch_size = batch_size
        self.max_field = max_field
        # A record whose node or relationship the run has already written waits until the end of
        # its pass, to be compared with what landed before it is written over it (ingest/conflicts.py).
        self._seen = SeenKeys()
        self._held: list[tuple[str, Raw, NodeRow | RelRow, Any]] = []
        self.rejects_dir = rejects_dir
        self.on_progress = on_progress
        self.report = IngestReport()
        # One writer thread: while the engine merges batch k, this thread reads and checks batch k+1.
        # Batches run in order, so nodes always land before the relationships that need them.
        self._writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="jiandu-ingest")
        self._inflight: deque[tuple[Future, str, Any, list]] = deque()
        self._touched = Touched(onto, store.backend)
        # Derived lists read from relationship types no input ahead can hold are recomputed in a
        # thread of their own while the load goes on (the engine has time while we parse).
        self._refresher = ThreadPoolExecutor(max_workers=1, thread_name_prefix="jiandu-derived")
        self._refreshing: list[Future] = []
        self._finished: set[str] = set()

    # -- public ------------------------------------------------------------------------------
    def load(self, inputs: list[Path | Records]) -> IngestReport:
        started = time.perf_counter()
        self.report.files = len(inputs)
        _prompt_hand_over(True)
        try:
            for pass_kind in ("node", "rel"):
                for i, given in enumerate(inputs):
                    if isinstance(given, Records):
                        self._load_records(given, pass_kind)
                    else:
                        self._load_file(given, pass_kind)
                    if pass_kind == "rel":
                        self._refresh_finished(inputs[i + 1:])
                self._write_held()
            self._refresh_derived()
        finally:
            _prompt_hand_over(False)
            self._writer.shutdown(cancel_futures=True)
            self._refresher.shutdown(cancel_futures=True)
            self.report.seconds = time.perf_counter() - started
        return self.report

    # -- one file, one pass --------------------------------------------------------------------
    def _load_file(self, path: Path, pass_kind: str) -> None:
        src = self.names.get(path) or source_name(path)
        hint = _hint(path, self.onto)
        if hint is not None and (hint in self.onto.nodes) != (pass_kind == "node"):
            self._progress(path.stat().st_size if path.is_file() else 0)
            return  # a file of relationships has nothing for the node pass, and the reverse
        if path.suffix.lower() not in STRUCTURED_SUFFIXES:
            if pass_kind == "node":
                self._reject(src, 0, "file", f"不支持的文件类型 (unsupported file type) {path.suffix!r}; "
                             "use .csv, .json, .jsonl", None)
            return
        pending: dict[Any, list[tuple[Raw, NodeRow | RelRow]]] = defaultdict(list)
        done, n = 0, -1
        try:
            with open(path, "rb") as fh:
                for n, item in enumerate(read_records(path, fh, self._encoding(path, src), self.max_field)):
                    self._take(item, src, hint, pass_kind, pending)
                    if n % 2000 == 0:
                        done = self._progress(fh.tell(), done)
                self._flush_all(src, pending)
                self._progress(fh.tell(), done)
            if n < 0 and pass_kind == "node":
                self.report.notices.append(f"{src}: 文件中没有记录 (the file holds no records)")
        except OSError as exc:
            if pass_kind == "node":
                self._reject(src, 0, "file", f"无法读取文件 (cannot read file): {exc.strerror or exc}", None)

    def _encoding(self, path: Path, src: str) -> str:
        if path.suffix.lower() != ".csv":
            return "utf-8"
        if src not in self.report.encodings:
            self.report.encodings[src] = csv_encoding(path)
        return self.report.encodings[src]

    def _load_records(self, given: Records, pass_kind: str) -> None:
        pending: dict[Any, list[tuple[Raw, NodeRow | RelRow]]] = defaultdict(list)
        for line, record in enumerate(given.items, start=1):
            self._take(Raw(line, record), given.name, None, pass_kind, pending)
        self._flush_all(given.name, pending)

    def _progress(self, position: int, done: int = 0) -> int:
        if self.on_progress and position > done:
            self.on_progress(position - done)
        return max(position, done)

    def _take(self, item: Raw | Problem, src: str, hint: str | None, pass_kind: str,
              pending: dict[Any, list]) -> None:
        if isinstance(item, Problem):
            if pass_kind == "node":  # report read problems once, in the first pass
                self._reject(src, item.line, "file", item.reason, item.raw)
            return
        record = item.record
        kind = kind_of(record, hint, self.onto) if isinstance(record, dict) else "node"
        if kind is None:
            if pass_kind == "node":
                self._reject(src, item.line, "label", "记录既没有 label 也没有 type，文件名也未指明 "
                             "(record has neither label nor type, and the file name names neither)", record)
            return
        if kind != pass_kind:
            return
        try:
            make = node_row if kind == "node" else rel_row
            row = make(record, hint, item.line, self.onto)
        except FieldError as exc:
            self._reject(src, item.line, exc.field, str(exc), record)
            return
        group = row.label if isinstance(row, NodeRow) else (row.type, row.source_label, row.target_label)
        if not self._seen.add((group if isinstance(row, NodeRow) else row.type, row.row["id"])):
            self._held.append((src, item, row, group))
            return
        batch = pending[group]
        batch.append((item, row))
        if len(batch) >= self.batch_size:
            self._flush(src, group, pending.pop(group))

    def _flush_all(self, src: str, pending: dict[Any, list]) -> None:
        for group, batch in pending.items():
            if batch:
                self._flush(src, group, batch)
        pending.clear()

    def _flush(self, src: str, group: Any, batch: list[tuple[Raw, NodeRow | RelRow]]) -> None:
        rows = [row.row for _, row in batch]
        is_node = isinstance(group, str)
        cypher = node_merge_cypher(group, self.onto) if is_node else rel_merge_cypher(*group, self.onto)
        if is_node:
            self._touched.note_nodes(group, rows)
        else:
            self._touched.note(*group, rows)
        future = self._writer.submit(self.store.prepare_batch(cypher, rows, src=src))
        self._inflight.append((future, src, group, batch))
        if len(self._inflight) > 2:
            self._settle()

    def _settle(self) -> None:
        """Wait for the oldest batch in flight and account for it."""
        future, src, group, batch = self._inflight.popleft()
        try:
            landed = int(future.result().scalar() or 0)
            if isinstance(group, str):
                self.report.nodes += landed
                return
            if landed < len(batch):  # MATCH dropped rows whose ends do not exist: say which
                self._reject_dangling(src, group, batch)
            self.report.relationships += landed
        except StoreError as exc:
            raise IngestAborted(f"写入失败 (write failed) in {src}: {exc}. 已写入的数据保留; 重新运行同一命令即可补全 "
                                "(what was written stays; run the same ingest again to complete it)") from None

    # -- records the run has seen before ----------------------------------------------------------
    def _write_held(self) -> None:
        """Compare each held record with what landed for its node or relationship, keep the
        conflicts, then write the records in their order (the later one wins)."""
        while self._inflight:
            self._settle()
        held, self._held = self._held, []
        by_group: dict[Any, list[tuple[str, Raw, NodeRow | RelRow]]] = defaultdict(list)
        for src, raw, row, group in held:
            by_group[group].append((src, raw, row))
        for group, items in by_group.items():
            state = self._landed(group, [row.row for _, _, row in items])
            run: list[tuple[Raw, NodeRow | RelRow]] = []
            run_src = None
            for src, raw, row in items:
                if not self._compare(group, src, raw, row.row, state):
                    continue
                if src != run_src and run:
                    self._flush(run_src, group, run)
                    run = []
                run_src = src
                run.append((raw, row))
            if run:
                self._flush(run_src, group, run)
        while self._inflight:
            self._settle()

    def _landed(self, group: Any, rows: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
        """What the store holds for these rows' ids: {id: {properties…, "_ends": (from, to)}}."""
        if isinstance(group, str):
            cypher = f"UNWIND $ids AS i MATCH (n:{group} {{id: i}}) RETURN n.id, properties(n), null AS a, null AS b"
            params = {"ids": sorted({r["id"] for r in rows})}
        else:
            rtype, source, target = group
            cypher = (f"UNWIND $rows AS row MATCH (a:{source})-[r:{rtype} {{id: row.id}}]->(b:{target}) "
                      "RETURN r.id, properties(r), a.id, b.id")
            params = {"rows": [{"id": r["id"]} for r in rows]}
        found = {}
        for key, props, start, end in self.store.run(cypher, params, read_only=True).rows:
            found[key] = {**props, "_ends": (start, end)}
        return found

    def _compare(self, group: Any, src: str, raw: Raw, row: dict[str, Any], state: dict[str, dict]) -> bool:
        """Keep the conflicts of `row` with `state` (and update it); False when the row is refused."""
        kind = group if isinstance(group, str) else group[0]
        later = f"{src}#L{raw.line}"
        stored = state.get(row["id"])
        if stored is None:  # what it repeated was refused, or only its key's hash was seen
            state[row["id"]] = {**row["p"], "_ends": (row.get("from"), row.get("to")), "sources": [later]}
            return True
        earlier_sources = list(stored.get("sources") or [])
        if not isinstance(group, str) and stored["_ends"] != (row["from"], row["to"]):
            ends = f"{stored['_ends'][0]} → {stored['_ends'][1]}"
            self._reject(src, raw.line, "to", f"关系 id {row['id']!r} 已属于 {ends} 的 {kind} (this relationship id "
                         f"already names {ends}; an id names one relationship, the earlier stands)", raw.record)
            return False
        for name, before, value in differences(stored, row):
            self._conflict(Conflict(kind, row["id"], name, before, earlier_sources, value, later), src, raw.line)
        stored.update({k: v for k, v in row["p"].items()})
        stored.update({k[2:]: v for k, v in row.items() if k.startswith("d_") and v is not None})
        stored["sources"] = [*earlier_sources, later]
        return True

    def _conflict(self, conflict: Conflict, src: str, line: int) -> None:
        reason = (f"冲突 (conflict): {conflict.kind} {conflict.id!r} 的 {conflict.field} 先为 {conflict.earlier!r} "
                  f"({', '.join(conflict.earlier_sources) or '?'}), 此处为 {conflict.later!r}; 以后者为准 "
                  "(two records give different values; the later one wins)")
        reject = Reject(src, line, conflict.field, reason, conflict.record(), kind="conflict")
        self.report.conflicts += 1
        if len(self.report.first_conflicts) < 50:
            self.report.first_conflicts.append(reject)
        keep_reject(self.report, self.rejects_dir, reject, count=False)

    def _refresh_finished(self, ahead: list[Path | Records]) -> None:
        """Start recomputing the derived lists read from relationship types that no input in
        `ahead` can hold, once the batches already sent have landed."""
        possible: set[str] = set()
        for given in ahead:
            hint = None if isinstance(given, Records) else _hint(given, self.onto)
            if hint is None:
                return  # an input of any kind ahead: wait for the end
            if hint in self.onto.relationships:
                possible.add(hint)
        possible |= {group[0] for *_, group in self._held if not isinstance(group, str)}  # written at the end
        finished = set(self.onto.relationships) - possible - self._finished
        self._finished |= finished
        job = self._touched.take(finished)
        if job:
            sent = [future for future, *_ in self._inflight]
            self._refreshing.append(self._refresher.submit(self._refresh, job, sent))

    def _refresh(self, touched: Touched, after: list[Future]) -> None:
        wait(after)
        touched.note_missing(self.store)
        touched.refresh(self.store, self.batch_size)

    def _refresh_derived(self) -> None:
        """Bring the derived properties of every node this run touched up to date (a run that
        failed before here leaves them for the re-run, which touches the same nodes)."""
        try:
            for future in self._refreshing:
                future.result()
            self._touched.note_missing(self.store)
            self._touched.refresh(self.store, self.batch_size)
        except StoreError as exc:
            raise IngestAborted(f"派生属性更新失败 (derived properties not updated): {exc}. 重新运行同一命令即可补全 "
                                "(run the same ingest again to complete it)") from None

    def _reject_dangling(self, src: str, group: tuple[str, str, str], batch: list) -> None:
        _, source, target = group
        rows = [{"i": i, "from": row.row["from"], "to": row.row["to"]} for i, (_, row) in enumerate(batch)]
        missing = self.store.run(_missing_ends_cypher(source, target), {"rows": rows}, read_only=True).rows
        for i, no_source, _no_target in missing:
            raw, row = batch[i]
            end, label = ("from", source) if no_source else ("to", target)
            self._reject(src, raw.line, end, f"端点不存在 (dangling endpoint): 没有 id 为 "
                         f"{row.row[end]!r} 的 {label} 节点 (no {label} with this id)", raw.record)

    # -- rejects --------------------------------------------------------------------------
    def _reject(self, src: str, line: int, field_name: str, reason: str, record: Any) -> None:
        keep_reject(self.report, self.rejects_dir, Reject(src, line, field_name, reason, record))


def keep_reject(report: IngestReport, rejects_dir: Path, reject: Reject, count: bool = True) -> None:
    """Count ``reject`` in the report and append it to this run's rejects file (made on first use)."""
    if count:
        report.rejected += 1
        if len(report.first_rejects) < 50:
            report.first_rejects.append(reject)
    if report.rejects_path is None:
        rejects_dir.mkdir(parents=True, exist_ok=True)
        stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
        report.rejects_path = rejects_dir / f"rejects-{stamp}-{os.getpid()}.jsonl"
    with open(report.rejects_path, "a", encoding="utf-8") as fh:
        fh.write(json.dumps(reject.__dict__, ensure_ascii=False, default=str) + "\n")


def ingest(store: Store, paths: Iterable[Path | str | Records], *, rejects_dir: Path, batch_size: int = BATCH_SIZE,
           on_progress: Callable[[int], None] | None = None, max_field: int = MAX_FIELD_CHARS) -> IngestReport:
    """Ensure the schema, then load every structured file under ``paths`` (and records given in memory)."""
    given = list(paths)
    names = named_files(Path(p) for p in given if not isinstance(p, Records))
    inputs: list[Path | Records] = [*names, *(g for g in given if isinstance(g, Records))]
    store.ensure_schema()
    return Loader(store, rejects_dir=rejects_dir, batch_size=batch_size, on_progress=on_progress,
                  max_field=max_field, names=names).load(inputs)
