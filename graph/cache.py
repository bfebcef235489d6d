"""Caches of what was computed from the graph, exact until the graph's version moves on.

The graph changes only when someone writes through a jiandu store, and every such write bumps
the store's version token (``Store.version``), so a result kept under the version it was
computed at is exact until the next write, then simply never matches again. Stores that cannot
give a version (Neo4j here) are not cached.

- ``LRU``: one process's memory, bounded by entries (hub neighbour rows, read on every visit).
- ``FolderCache``: files, ``<folder>/<version>/<sha1 of the key>``, shared by every process of a
  server: the API's finished views and hub rows. Each worker reads what any of them computed
  (a per-process map left each of four workers computing the same view again); a read is one
  open of a file the page cache holds, a write is a rename (readers never see half a file), and
  no server process or lock is needed. When the version moves on, the older folders are
  removed. The folder is bounded by bytes: each worker measures it after every quarter of the
  bound it writes (4 MB at most), in a thread of its own, and empties it when it is over (a
  cache may forget; it must not grow without end).
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import shutil
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from pathlib import Path
from typing import Generic, TypeVar

V = TypeVar("V")

_CHECK_EVERY = 4 * 1024 * 1024  # bytes a worker writes between two measurements of the folder
LISTING_AGE = 1.0  # seconds a listed FolderCache trusts its listing of the folder


class LRU(Generic[V]):
    """A thread-safe map that forgets the least recently used entry beyond `max_entries`."""

    def __init__(self, max_entries: int) -> None:
        self.max_entries = max_entries
        self._items: OrderedDict[Hashable, V] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> V | None:
        with self._lock:
            value = self._items.get(key)
            if value is not None:
                self._items.move_to_end(key)
            return value

    def put(self, key: Hashable, value: V) -> None:
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self.max_entries:
                self._items.popitem(last=False)


class FolderCache:
    def __init__(self, folder: Path, max_bytes: int, listed: bool = False) -> None:
        """`listed`: answer a miss from a listing of the folder (taken at most every LISTING_AGE
        seconds) rather than by trying to open the file. For caches asked about many keys that
        are mostly absent: every node a view reaches is looked up among the hubs (a miss: 1 µs
        from the listing, 11 µs trying to open the file). A file written
        since the listing is missed for that long, and the entry is computed again (exact either
        way)."""
        self.folder = Path(folder)
        self.max_bytes = max_bytes
        self.listed = listed
        self._listing: tuple[str | None, float, frozenset[str]] = (None, 0.0, frozenset())
        self.hits = 0
        self._version: str | None = None
        self._written = 0  # bytes this worker wrote since it last measured the folder
        self.trimmer = threading.Thread()  # the measurement running in the background, if any

    @property
    def enabled(self) -> bool:
        return self.max_bytes > 0

    def get(self, version: str, key: str) -> tuple[bytes, int] | None:
        """The bytes and count cached for `key` at `version`, or None."""
        if not self.enabled:
            return None
        self._see(version)
        name = _name(key)
        if self.listed and name not in self._names(version):
            return None
        try:
            data = (self.folder / version / name).read_bytes()
        except OSError:
            return None
        head, _, body = data.partition(b"\n")
        self.hits += 1
        return body, int(head)

    def put(self, version: str, key: str, body: bytes, nodes: int) -> None:
        if not self.enabled or len(body) > self.max_bytes // 8:
            return  # one huge entry must not flush everything else
        path = self.folder / version / _name(key)
        temporary = path.with_name(f"{path.name}.{os.getpid()}.tmp")
        try:
            path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            temporary.write_bytes(b"%d\n" % nodes + body)
            os.replace(temporary, path)
        except OSError:  # a full disk or a folder removed meanwhile: the view is served anyway
            with contextlib.suppress(OSError):
                temporary.unlink()
            return
        listed_version, taken, names = self._listing
        if listed_version == version:  # what this process wrote, it knows of at once
            self._listing = (version, taken, names | {path.name})
        self._written += len(body)
        if self._written >= min(_CHECK_EVERY, self.max_bytes // 4) and not self.trimmer.is_alive():
            self._written = 0
            # measuring thousands of files and removing them must not hold up a request
            self.trimmer = threading.Thread(target=self._trim, args=(path.parent,), daemon=True,
                                            name="jiandu-view-cache")
            self.trimmer.start()

    def run_once(self, version: str, name: str, job: Callable[[], bool]) -> None:
        """Run `job` for `version` in one of the processes sharing the folder: the others skip it
        while it runs, and everyone skips it once it has completed (returned True) at that version."""
        folder = self.folder / version
        with contextlib.suppress(OSError):
            folder.mkdir(mode=0o700, parents=True, exist_ok=True)
            with open(folder / f".{name}.lock", "a") as lock:
                try:
                    fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
                except BlockingIOError:
                    return  # another process is at it
                if not self.completed(version, name) and job():
                    (folder / f".{name}.done").touch()

    def completed(self, version: str, name: str) -> bool:
        return (self.folder / version / f".{name}.done").exists()

    def _names(self, version: str) -> frozenset[str]:
        listed_version, taken, names = self._listing
        now = time.monotonic()
        if listed_version != version or now - taken > LISTING_AGE:
            try:
                names = frozenset(os.listdir(self.folder / version))
            except OSError:  # nothing written at this version yet
                names = frozenset()
            self._listing = (version, now, names)  # one assignment: threads see the old or the new
        return names

    def _trim(self, folder: Path) -> None:
        if _size(folder) > self.max_bytes:
            # renamed away at once (writers start a fresh folder), deleted at leisure
            trash = folder.with_name(f".old-{folder.name}-{os.getpid()}")
            with contextlib.suppress(OSError):
                os.rename(folder, trash)
                shutil.rmtree(trash, ignore_errors=True)

    def _see(self, version: str) -> None:
        """On the first request at a new version, remove the folders of the other versions."""
        if version == self._version:
            return
        self._version = version
        with contextlib.suppress(OSError):
            for entry in os.scandir(self.folder):
                if entry.name != version:
                    shutil.rmtree(entry.path, ignore_errors=True)


def _name(key: str) -> str:
    return hashlib.sha1(key.encode()).hexdigest()


def _size(folder: Path) -> int:
    with contextlib.suppress(OSError):
        return sum(e.stat().st_size for e in os.scandir(folder) if e.is_file())
    return 0
