"""What endpoints depend on: the request context (store, read model, keys, audit log, caches,
settings), the caller's key and role, and the audited run of a data request."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import threading
from collections.abc import Callable
from typing import Any

from fastapi import Depends, HTTPException, Request
from fastapi.security import APIKeyHeader

from jiandu.api.audit import AuditLog
from jiandu.api.keys import Key, KeyStore
from jiandu.graph.cache import FolderCache
from jiandu.graph.connect import data_folder
from jiandu.graph.store import Store
from jiandu.ledger import Ledger
from jiandu.settings import Settings
from jiandu.views import ReadModel
from jiandu.views.hubs import HubRows
from jiandu.views.pinyin import PinyinIndex

# a hub's rows are at most 2 × 60 neighbours, 16 KB for a median one: room for all ~3,000 hubs of a
# million-node graph (47 MB) and those that views through chosen relationship types find
HUB_CACHE_BYTES = 256 * 1024 * 1024
HUB_SETTLE_SECONDS = 10.0  # a graph written to must stay unchanged this long before its hubs are counted
API_KEY = APIKeyHeader(name="X-API-Key", auto_error=False, description="jiandu keys create --role …")


class Context:
    """What every request needs: the store and its read model, the keys, the audit log, the caches."""

    def __init__(self, store: Store, settings: Settings):
        self.store = store
        self.settings = settings
        self.data_dir = data_dir = data_folder(store, settings)
        self.keys = KeyStore(data_dir / "api_keys.json")
        self.audit = AuditLog(data_dir / "audit.jsonl", rotate_bytes=int(settings.audit_rotate_mb * 1024 * 1024))
        # one folder per store and graph, so servers of different graphs never read each other's views
        store_id = hashlib.sha1(f"{store.url}#{getattr(store, 'graph_name', '')}".encode()).hexdigest()[:12]
        self.views = FolderCache(data_dir / "views" / store_id, int(settings.view_cache_mb * 1024 * 1024))
        # hubs' neighbour rows, shared by the workers the same way (each worker also keeps its own);
        # not turned off with the view cache: counting a hub's relationships is work, not an answer
        self.hubs = FolderCache(data_dir / "hubs" / store_id, HUB_CACHE_BYTES, listed=True)
        self.model = ReadModel(store, HubRows(shared=self.hubs), PinyinIndex(data_dir), settings)
        self.ledger = Ledger(store, settings)
        self._hubs_version: str | None = None  # the version whose hubs this process has seen to
        # Views this process builds at once; the rest wait their turn, first come first served:
        # built all at once, twenty views share the cores and every one of them is stretched.
        self.builds: asyncio.Semaphore | None = None  # made in the server's event loop (lifespan)
        self.closing = threading.Event()  # set when the app stops: hub counting waiting to start gives up

    def warm_hubs(self, version: str | None, settle: float = HUB_SETTLE_SECONDS) -> None:
        """Have the hubs of the graph at `version` counted in the background, once per version by
        one of the server's processes, `settle` seconds from now if the graph is still at that
        version then: writes come in batches, and each batch is a version."""
        if version is None or version == self._hubs_version:
            return
        self._hubs_version = version
        threading.Thread(target=self._warm_hubs, args=(version, settle), daemon=True, name="jiandu-hubs").start()

    def _warm_hubs(self, version: str, settle: float) -> None:
        if self.closing.wait(settle):
            return
        with contextlib.suppress(Exception):  # only a head start: unwarmed, each view counts its hubs itself
            if self.store.version() == version:
                self.hubs.run_once(version, "warm", lambda: self.model.warm_hubs(version))


def context(request: Request) -> Context:
    return request.app.state.ctx


def require(role: str) -> Callable[..., Any]:
    """A dependency: the caller's key, which must carry at least `role`."""

    # async: a stat and a hash, no I/O wait; a sync dependency would cost every request a hop
    # to the thread pool (and one more GIL hand-off) before the endpoint's own
    async def check(request: Request, presented: str | None = Depends(API_KEY)) -> Key:
        key = context(request).keys.verify(presented)
        if key is None:
            request.state.presented = claimed_id(presented)
            raise HTTPException(401, "缺少或无效的 API 密钥 (missing, unknown or revoked API key)")
        request.state.key = key
        if not key.can(role):
            raise HTTPException(403, f"角色 {key.role} 无权访问，需要 {role} (role {key.role} may not; needs {role})")
        return key

    return check


def claimed_id(presented: str | None) -> str:
    """How the audit log names a key that was refused: "none", or the id it claims (never its secret)."""
    if not presented:
        return "none"
    parts = presented.split("_", 2)
    claimed = parts[1] if len(parts) == 3 and parts[1].isalnum() else "?"
    return f"unknown:{claimed[:32]}"


def audited(request: Request, what: dict[str, Any], run: Callable[[], Any], rows: Callable[[Any], int | None]) -> Any:
    """Run a data request, leaving what it did (`what`, the rows it answered) for its audit line,
    which the middleware writes with the status the client gets (api/audit.py)."""
    done = {"what": what}
    request.state.audit = done
    result = run()
    done["rows"] = rows(result)
    return result
