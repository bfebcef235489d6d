"""The append-only audit log: one JSON line per request that reads or writes graph data."""

from __future__ import annotations

import datetime as dt
import json
import threading
from pathlib import Path
from typing import Any


class AuditLog:
    def __init__(self, path: Path):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._fh: Any = None

    def write(self, **entry: Any) -> None:
        entry = {"time": dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds"), **entry}
        line = json.dumps(entry, ensure_ascii=False, default=str) + "\n"
        with self._lock:
            # one handle, opened for appending (O_APPEND: never rewrites history; several workers
            # interleave whole lines), written through at once so a crash loses nothing
            if self._fh is None or self._fh.closed:
                self._fh = self.path.open("a", encoding="utf-8", buffering=1)
            self._fh.write(line)

    def close(self) -> None:
        with self._lock:
            if self._fh is not None:
                self._fh.close()
