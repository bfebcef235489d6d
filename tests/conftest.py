"""Shared fixtures: a real embedded FalkorDB for the session, and Neo4j when NEO4J_URI is set."""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import pytest

from jiandu.graph.connect import open_store
from jiandu.graph.store import Store

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "ingest" / "samples"
SHARED = ROOT.parent / "shared"


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


BACKENDS = ["falkordb", pytest.param("neo4j", marks=pytest.mark.neo4j)]


@pytest.fixture(params=BACKENDS)
def store(request, data_dir, server_store) -> Store:
    """An empty graph on each backend: embedded FalkorDB always, Neo4j when NEO4J_URI is set."""
    if request.param == "neo4j":
        if not os.environ.get("NEO4J_URI"):
            pytest.skip("NEO4J_URI not set: Neo4j tests are opt-in")
        s = open_store(os.environ["NEO4J_URI"])
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
    key = lambda row: repr(row)  # noqa: E731 - a sort key
    return sorted(nodes, key=key), sorted(rels, key=key)
