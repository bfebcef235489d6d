"""docker-compose.yml cannot run here; keep it valid and consistent with the code's settings."""

from __future__ import annotations

import yaml
from conftest import ROOT

from jiandu.graph.connect import open_store
from jiandu.settings import Settings


def _compose():
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))


def test_compose_has_neo4j_5_with_healthcheck_volume_and_auth_from_environment():
    neo4j = _compose()["services"]["neo4j"]
    assert neo4j["image"].startswith("neo4j:5")
    assert "cypher-shell" in " ".join(neo4j["healthcheck"]["test"])
    assert any(v.endswith(":/data") for v in neo4j["volumes"])
    assert "${NEO4J_PASSWORD" in neo4j["environment"]["NEO4J_AUTH"]
    assert all(p.startswith("127.0.0.1:") for p in neo4j["ports"]), "publish on loopback only"


def test_api_service_uses_the_settings_the_code_reads(monkeypatch):
    api = _compose()["services"]["api"]
    assert api["build"] == "."
    assert api["depends_on"]["neo4j"]["condition"] == "service_healthy"
    env = api["environment"]
    assert env["JIANDU_STORE"].startswith("neo4j://neo4j:")
    for name, field in (("JIANDU_STORE", "store"), ("NEO4J_USER", "neo4j_user"), ("NEO4J_PASSWORD", "neo4j_password")):
        assert name in env
        monkeypatch.setenv(name, "probe")
        assert getattr(Settings(), field) == "probe", name
    assert all(p.startswith("127.0.0.1:") for p in api["ports"])
    dockerfile = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    assert "pip install" in dockerfile and "jiandu" in dockerfile


def test_the_compose_store_url_is_understood(monkeypatch):
    """The URL in compose parses to the Neo4j store (the connection itself is refused here)."""
    import jiandu.graph.neo4j_store as neo

    seen = {}

    class Fake:
        def __init__(self, uri, user, password, database=None, retry_seconds=None):
            seen.update(uri=uri, user=user, password=password)

    monkeypatch.setattr(neo, "Neo4jStore", Fake)
    monkeypatch.setenv("NEO4J_USER", "neo4j")
    monkeypatch.setenv("NEO4J_PASSWORD", "secret")
    open_store(_compose()["services"]["api"]["environment"]["JIANDU_STORE"])
    assert seen == {"uri": "neo4j://neo4j:7687", "user": "neo4j", "password": "secret"}


def test_compose_runs_what_the_tests_run():
    """Image tag, auth and memory of the production service are those of the local launcher."""
    import re

    import neo4j_local

    neo4j = _compose()["services"]["neo4j"]
    pom = (ROOT / "neo4j-local" / "pom.xml").read_text(encoding="utf-8")
    version = re.search(r"<neo4j.version>(\d+\.\d+)\.\d+</neo4j.version>", pom).group(1)
    assert neo4j["image"] == f"neo4j:{version}-community"
    env = neo4j["environment"]
    assert env["NEO4J_AUTH"].startswith(f"${{NEO4J_USER:-{neo4j_local.USER}}}/")
    assert env["NEO4J_server_memory_heap_max__size"] == neo4j_local.HEAP
    assert env["NEO4J_server_memory_pagecache_size"] == f"{neo4j_local.PAGECACHE_MB}M"
