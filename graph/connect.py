"""``open_store``: pick a store by URL.

URLs:
  falkordb+embedded://PATH   our own FalkorDB on a unix socket in PATH (default ./.jiandu)
  falkordb://HOST:PORT       a FalkorDB server someone else runs (optionally user:pass@)
  neo4j://… / bolt://… (and +s / +ssc variants)   Neo4j 5 through the official driver;
                             user and password from the URL, else from the settings

The URL comes from ``--store``, else the JIANDU_STORE environment variable, else the default
(``jiandu.settings``).
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote, urlsplit

from jiandu.graph.store import GRAPH_NAME, Store, StoreError
from jiandu.settings import Settings


def open_store(url: str | None = None, *, graph: str = GRAPH_NAME, settings: Settings | None = None) -> Store:
    """Open the store named by ``url`` (or the settings' store: $JIANDU_STORE, or the embedded default)."""
    settings = settings or Settings()
    url = url or settings.store
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme == "falkordb+embedded":
        from jiandu.graph.falkordb_store import EmbeddedFalkorStore

        return EmbeddedFalkorStore(_embedded_path(parts), graph=graph)
    if scheme in ("falkordb", "redis"):
        from jiandu.graph.falkordb_store import FalkorStore

        return FalkorStore.connect(
            host=parts.hostname or "localhost",
            port=parts.port or 6379,
            username=unquote(parts.username) if parts.username else None,
            password=unquote(parts.password) if parts.password else None,
            graph=graph,
        )
    if scheme.split("+")[0] in ("neo4j", "bolt"):
        from jiandu.graph.neo4j_store import Neo4jStore

        user = unquote(parts.username) if parts.username else settings.neo4j_user
        password = unquote(parts.password) if parts.password else settings.neo4j_password
        netloc = (parts.hostname or "localhost") + (f":{parts.port}" if parts.port else "")
        database = parts.path.strip("/") or settings.neo4j_database or None
        return Neo4jStore(f"{parts.scheme}://{netloc}", user=user, password=password, database=database,
                          retry_seconds=settings.neo4j_retry_seconds)
    raise StoreError(
        f"无法识别的存储地址 (unknown store URL) {url!r}: "
        "use falkordb+embedded://PATH, falkordb://HOST:PORT or neo4j://HOST:PORT"
    )


def _embedded_path(parts) -> str:
    return unquote(parts.netloc + parts.path) or "./.jiandu"


def data_folder(store: Store, settings: Settings | None = None) -> Path:
    """Where keys, the audit log, caches and rejects live: the settings' data folder, else the
    embedded store's own folder, else ./.jiandu."""
    server = getattr(store, "server", None)
    return _data_folder(settings, server.path if server is not None else None)


def data_folder_of(url: str | None = None, settings: Settings | None = None) -> Path:
    """``data_folder`` of the store `url` names, without opening it (for `jiandu keys`)."""
    settings = settings or Settings()
    parts = urlsplit(url or settings.store)
    return _data_folder(settings, _embedded_path(parts) if parts.scheme.lower() == "falkordb+embedded" else None)


def _data_folder(settings: Settings | None, embedded: str | Path | None) -> Path:
    return Path((settings or Settings()).data_dir or embedded or ".jiandu").resolve()
