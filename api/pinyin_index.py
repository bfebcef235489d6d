"""Find nodes by the pinyin of their names: "liangr" or "lry" finds 梁然英.

Computing pinyin at ingest would tax the hot path for every record (pypinyin converts about
7,700 names a second), so the API keeps its own index instead: built from one scan of the
graph's names (in the background when a server starts, else on the first pinyin search), kept
in memory, and rebuilt when the graph's node count changes (checked at most every few seconds)
or after an ingest through the API.

Each name is indexed under its full pinyin without tones (liangranying) and its initials
(lry). The first character is indexed under each of its readings, so 单 is found as dan and shan
and 曾 as ceng and zeng (a surname's reading is often not the usual one); the others under
their usual reading and, up to a cap, their other ones.
"""

from __future__ import annotations

import bisect
import itertools
import threading
import time
from functools import lru_cache

from graph.store import Store

RECHECK_SECONDS = 5.0
# Names people type in pinyin: people, organisations, places. Case names and findings are
# sentences; their characters would triple the index for searches nobody makes in pinyin.
LABELS = ("Leader", "Person", "Unit", "OversightBody", "Region")
MAX_VARIANTS = 8  # readings multiply; a name with many polyphonic characters keeps the first few


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
    first, rest = per_char[0], per_char[1:]
    # every reading of the first character (a surname's reading is often not the usual one), the
    # usual reading of the rest; then the rest's other readings, as far as the cap allows
    combos = itertools.chain(itertools.product(first, *[(r[0],) for r in rest]),
                             itertools.islice(itertools.product((first[0],), *rest), MAX_VARIANTS))
    out: set[str] = set()
    for combo in combos:
        out.add("".join(combo))
        out.add("".join(syllable[0] for syllable in combo))
    return out


def is_pinyin_query(q: str) -> bool:
    return q.isascii() and q.replace(" ", "").isalpha()


class PinyinIndex:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._keys: list[str] = []
        self._entries: list[tuple[str, str, str, list[str]]] = []  # (label, id, name, aliases)
        self._rows: list[int] = []  # entry index for each key
        self._nodes = -1
        self._checked = 0.0

    def warm(self, store: Store) -> None:
        """Build now (a server calls this in a background thread at start, so the first pinyin
        search does not wait for the scan). A store closed meanwhile just ends the attempt."""
        try:
            with self._lock:
                self._fresh(store)
        except Exception:  # noqa: BLE001 - the next search builds it instead
            self._nodes = -1

    def invalidate(self) -> None:
        with self._lock:
            self._nodes = -1

    def _fresh(self, store: Store) -> None:
        now = time.monotonic()
        if self._nodes >= 0 and now - self._checked < RECHECK_SECONDS:
            return
        nodes = int(store.run("MATCH (n) RETURN count(n)", read_only=True).scalar() or 0)
        self._checked = now
        if nodes == self._nodes:
            return
        rows = [row for label in LABELS for row in store.run(
            f"MATCH (n:{label}) RETURN '{label}', n.id, n.name, n.aliases", read_only=True).rows]
        pairs: list[tuple[str, int]] = []
        entries = []
        for i, (label, node_id, name, aliases) in enumerate(rows):
            entries.append((label, node_id, name or "", aliases or []))
            for text in (name, *(aliases or [])):
                pairs.extend((key, i) for key in keys(str(text)))
        pairs.sort()
        self._keys = [k for k, _ in pairs]
        self._rows = [i for _, i in pairs]
        self._entries = entries
        self._nodes = nodes

    def search(self, store: Store, q: str, label: str | None, limit: int) -> list[dict]:
        prefix = q.replace(" ", "").lower()
        with self._lock:
            self._fresh(store)
            start = bisect.bisect_left(self._keys, prefix)
            seen: dict[int, None] = {}
            for pos in range(start, len(self._keys)):
                if not self._keys[pos].startswith(prefix) or len(seen) >= limit:
                    break
                entry = self._entries[self._rows[pos]]
                if label is None or entry[0] == label:
                    seen[self._rows[pos]] = None
            found = [self._entries[i] for i in seen]
        return [{"id": node_id, "label": lb, "name": name, "aliases": aliases} for lb, node_id, name, aliases in found]
