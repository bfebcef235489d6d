"""Shared fixtures: a real embedded FalkorDB and a real Neo4j 5 for the session.

Neo4j is the local launcher (`neo4j-local/`, Neo4j Community in a JVM, built with Maven on first
use) unless NEO4J_URI names another server. Every test that takes `store` runs on both."""

from __future__ import annotations

import os
import sys
import uuid
from pathlib import Path

import pytest

from jiandu.graph.connect import open_store
from jiandu.graph.store import Store

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "ingest" / "samples"
SHARED = ROOT.parent / "shared"
sys.path.insert(0, str(ROOT / "neo4j-local"))
from neo4j_local import LocalNeo4j  # noqa: E402 - the launcher's helper lives beside its pom.xml


@pytest.fixture(scope="session")
def data_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("jiandu-data")


@pytest.fixture(scope="session")
def server_store(data_dir):
    """One embedded server for the whole session; tests use their own graphs on it."""
    store = open_store(f"falkordb+embedded://{data_dir}")
    yield store
    store.close()
    assert store.server.server_pid() is None, "the embedded server outlived the test session"


@pytest.fixture(scope="session")
def neo4j_server(tmp_path_factory):
    """The Neo4j the session's tests use: (uri, user, password), and the launcher when it is ours."""
    if os.environ.get("NEO4J_URI"):
        yield None
        return
    server = LocalNeo4j(tmp_path_factory.mktemp("neo4j"))
    server.start()
    try:
        yield server
    finally:
        server.stop()
        assert server.pid is None


def neo4j_url(server: LocalNeo4j | None) -> str:
    return os.environ["NEO4J_URI"] if server is None else server.uri


@pytest.fixture
def neo4j_env(neo4j_server, monkeypatch):
    """The environment a jiandu process needs to reach the session's Neo4j."""
    if neo4j_server is not None:
        monkeypatch.setenv("NEO4J_USER", "neo4j")
        monkeypatch.setenv("NEO4J_PASSWORD", neo4j_server.password)
    return neo4j_url(neo4j_server)


BACKENDS = ["falkordb", pytest.param("neo4j", marks=pytest.mark.neo4j)]


@pytest.fixture(params=BACKENDS)
def store(request, data_dir, server_store) -> Store:
    """An empty graph on each backend: embedded FalkorDB and Neo4j (one database, emptied per test)."""
    if request.param == "neo4j":
        url = request.getfixturevalue("neo4j_env")
        s = open_store(url)
        s.clear()
        yield s
        s.clear()
        s.close()
        return
    s = open_store(f"falkordb+embedded://{data_dir}", graph=f"t{uuid.uuid4().hex[:12]}")
    yield s
    s.clear()
    s.close()


def snapshot(store: Store) -> tuple[list, list]:
    """The whole graph, canonically ordered: nodes and relationships with all properties."""
    nodes = store.run("MATCH (n) RETURN labels(n), n.id, properties(n)", read_only=True).rows
    rels = store.run("MATCH (a)-[r]->(b) RETURN type(r), a.id, b.id, properties(r)", read_only=True).rows
    # properties in name order: engines return them in their own order, and the rows sort by repr
    canon = [[*row[:-1], dict(sorted(row[-1].items()))] for rows in (nodes, rels) for row in rows]
    key = lambda row: repr(row)  # noqa: E731 - a sort key
    return sorted(canon[:len(nodes)], key=key), sorted(canon[len(nodes):], key=key)
