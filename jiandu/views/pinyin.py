"""Find nodes by the pinyin of their names: "liangr" or "lry" finds 梁然英.

Computing pinyin at ingest would tax the hot path for every record (pypinyin converts about
7,700 names a second), so the read model keeps its own index instead: built from one scan of the
graph's names (in the background when a server starts, else on the first pinyin search), kept
in memory, and rebuilt when the store's version changes (checked at most every few seconds;
a store without versions: when its node count changes) or after an ingest through the API.
Workers of one server share each build through a file in the data folder.

Each name is indexed under its full pinyin without tones (liangranying) and its initials
(lry). The first character is indexed under each of its readings, so 单 is found as dan and shan
and 曾 as ceng and zeng (a surname's reading is often not the usual one); the others under
their usual reading.
"""

from __future__ import annotations

import bisect
import fcntl
import marshal
import os
import re
import threading
import time
from array import array
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

from jiandu.graph.store import Store

RECHECK_SECONDS = 5.0
# Names people type in pinyin: people, organisations, places. Case names and findings are
# sentences; their characters would triple the index for searches nobody makes in pinyin.
LABELS = ("Leader", "Person", "Unit", "OversightBody", "Region")
MAX_VARIANTS = 6  # readings of the first character indexed


@lru_cache(maxsize=65536)
def readings(ch: str) -> tuple[str, ...]:
    """Tone-less readings of one character; itself (lower-cased) when it has none."""
    from pypinyin import Style, pinyin

    if not ("\u4e00" <= ch <= "\u9fff" or "\u3400" <= ch <= "\u4dbf"):
        return (ch.lower(),) if ch.isalnum() else ()
    found = pinyin(ch, style=Style.NORMAL, heteronym=True, errors="ignore")
    return tuple(dict.fromkeys(found[0])) if found and found[0] else ()


def keys(name: str) -> set[str]:
    """The search keys of ``name``: full pinyin and initials, for each combination of readings."""
    per_char = [r for r in (readings(ch) for ch in name) if r]
    if not per_char:
        return set()
    # every reading of the first character (a surname's reading is often not the usual one),
    # the usual reading of the others
    rest = "".join(r[0] for r in per_char[1:])
    rest_initials = "".join(r[0][0] for r in per_char[1:])
    out: set[str] = set()
    for head in per_char[0][:MAX_VARIANTS]:
        out.add(head + rest)
        out.add(head[0] + rest_initials)
    return out


def is_pinyin_query(q: str) -> bool:
    return q.isascii() and q.replace(" ", "").isalpha()


class PinyinIndex:
    """The index of one API process. ``folder`` (the data folder) lets the workers of one server
    share a build: the first to need a graph version builds it and saves it there, the others
    load the file (a second, where building takes ~17 s at a million nodes)."""

    def __init__(self, folder: Path | None = None) -> None:
        self.folder = folder
        self._lock = threading.Lock()
        self._data = Index([], array("i"), [], [], [], [])
        self._stamp: str | None = None  # the graph version (or node count) the index was built at
        self._checked = 0.0

    def warm(self, store: Store) -> None:
        """Build or load now (a server calls this in a background thread at start, so the first
        pinyin search does not wait). A store closed meanwhile just ends the attempt."""
        try:
            with self._lock:
                self._fresh(store)
        except Exception:  # noqa: BLE001 - the next search builds it instead
            self._stamp = None

    def invalidate(self) -> None:
        with self._lock:
            self._stamp = None

    def _fresh(self, store: Store) -> None:
        now = time.monotonic()
        if self._stamp is not None and now - self._checked < RECHECK_SECONDS:
            return
        version = store.version()
        # a store without versions (Neo4j) is rebuilt when its node count changes
        stamp = f"v{version}" if version is not None else \
            f"n{store.run('MATCH (n) RETURN count(n)', read_only=True).scalar()}"
        self._checked = now
        if stamp == self._stamp:
            return
        shared = self._file(store, stamp) if version is not None else None
        data = _load(shared) if shared is not None else None  # complete or absent: files are renamed into place
        if data is None and shared is None:
            data = _build(store)
        elif data is None:
            with open(shared.with_suffix(".lock"), "a") as lock:
                fcntl.flock(lock, fcntl.LOCK_EX)  # one worker builds; the others wait, then load
                data = _load(shared)
                if data is None:
                    data = _build(store)
                    _save(shared, data)
        self._data = data
        self._stamp = stamp

    def _file(self, store: Store, stamp: str) -> Path | None:
        if self.folder is None:
            return None
        graph = re.sub(r"[^\w-]", "_", getattr(store, "graph_name", "graph"))
        for old in self.folder.glob(f"pinyin-{graph}-*"):  # earlier versions' files and locks
            if old.stem != f"pinyin-{graph}-{stamp}":
                old.unlink(missing_ok=True)
        return self.folder / f"pinyin-{graph}-{stamp}.idx"

    def search(self, store: Store, q: str, label: str | None, limit: int) -> list[dict]:
        prefix = q.replace(" ", "").lower()
        with self._lock:
            self._fresh(store)
            data = self._data
        start = bisect.bisect_left(data.keys, prefix)
        seen: dict[int, None] = {}
        for pos in range(start, len(data.keys)):
            if not data.keys[pos].startswith(prefix) or len(seen) >= limit:
                break
            node = data.rows[pos]
            if label is None or data.labels[node] == label:
                seen[node] = None
        return [{"id": data.ids[i], "label": data.labels[i], "name": data.names[i],
                 "aliases": data.aliases[i].split(_SEP) if data.aliases[i] else []} for i in seen]


class Index(NamedTuple):
    keys: list[str]      # sorted search keys
    rows: array          # the node (position in the lists below) of each key
    labels: list[str]
    ids: list[str]
    names: list[str]
    aliases: list[str]   # joined with _SEP


_SEP = "\x1f"


def _build(store: Store) -> Index:
    rows = [row for label in LABELS for row in store.run(
        f"MATCH (n:{label}) RETURN '{label}', n.id, n.name, n.aliases", read_only=True).rows]
    pairs: list[tuple[str, int]] = []
    for i, (_, _, name, aliases) in enumerate(rows):
        for text in (name, *(aliases or [])):
            pairs.extend((key, i) for key in keys(str(text or "")))
    pairs.sort()
    def one_line(value: object) -> str:
        return str(value or "").replace("\n", " ")

    return Index([k for k, _ in pairs], array("i", (i for _, i in pairs)), [r[0] for r in rows],
                 [str(r[1]) for r in rows], [one_line(r[2]) for r in rows],
                 [_SEP.join(one_line(a) for a in r[3] or []) for r in rows])


# On disk: each list as one string joined by newlines (names never hold one), so loading is a
# few C-level splits rather than millions of object reads.
def _load(path: Path) -> Index | None:
    try:
        with open(path, "rb") as fh:
            n_keys, n_nodes, keys_, rows, *columns = marshal.load(fh)
    except (OSError, EOFError, ValueError, TypeError):
        return None

    def split(text: str, n: int) -> list[str]:
        return text.split("\n") if n else []

    return Index(split(keys_, n_keys), array("i", rows), *(split(c, n_nodes) for c in columns))


def _save(path: Path, data: Index) -> None:
    if any("\n" in node_id for node_id in data.ids):
        return  # an id that cannot be written one per line: this worker keeps its own copy
    tmp = path.with_suffix(f".tmp{os.getpid()}")
    packed = (len(data.keys), len(data.ids), "\n".join(data.keys), data.rows.tobytes(),
              *("\n".join(x) for x in data[2:]))
    with open(tmp, "wb") as fh:
        marshal.dump(packed, fh)
    tmp.replace(path)
