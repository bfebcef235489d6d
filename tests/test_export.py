"""The graph leaves in formats others read, and comes back the same."""

from __future__ import annotations

import json
import subprocess
import sys

import networkx as nx
import pytest
from conftest import ROOT, SAMPLES, snapshot
from neo4j_local import LocalNeo4j

from jiandu.graph import export
from jiandu.graph.connect import open_store
from jiandu.graph.export import whole_graph
from jiandu.ingest.loader import ingest
from jiandu.views import ReadModel


@pytest.fixture
def sample(store, tmp_path):
    ingest(store, [SAMPLES], rejects_dir=tmp_path / "rejects")
    return store


def _totals(store):
    counts = store.counts()
    return sum(counts["nodes"].values()), sum(counts["relationships"].values())


def test_jsonl_re_ingests_into_an_empty_store_as_the_same_graph(sample, tmp_path, data_dir):
    files = export.write("jsonl", tmp_path / "out", *whole_graph(sample))
    assert [p.name for p in files] == ["nodes.jsonl", "relationships.jsonl"]
    with open_store(f"falkordb+embedded://{data_dir}", graph="reexport") as empty:
        empty.clear()
        try:
            report = ingest(empty, [tmp_path / "out"], rejects_dir=tmp_path / "rejects2")
            assert report.rejected == 0
            assert snapshot(empty) == snapshot(sample)  # properties, dates and provenance included
        finally:
            empty.clear()


@pytest.mark.parametrize("fmt", ["graphml", "gexf"])
def test_graphml_and_gexf_open_in_networkx_with_counts_and_attributes(sample, tmp_path, fmt):
    (path,) = export.write(fmt, tmp_path / fmt, *whole_graph(sample))
    graph = (nx.read_graphml if fmt == "graphml" else nx.read_gexf)(path)
    assert (graph.number_of_nodes(), graph.number_of_edges()) == _totals(sample)
    leader = sample.run("MATCH (l:Leader) RETURN l.id, l.name, l.birth_year ORDER BY l.id LIMIT 1").rows[0]
    attrs = graph.nodes[f"Leader:{leader[0]}"]
    assert attrs["label"] == "Leader" and attrs["name"] == leader[1] and int(attrs["birth_year"]) == leader[2]
    assert attrs["node_id"] == leader[0]
    held = sample.run("MATCH (l:Leader)-[h:HOLDS_POST]->(u:Unit) RETURN l.id, u.id, h.start, h.sources "
                      "ORDER BY h.id LIMIT 1").rows[0]
    edge = next(iter(graph.get_edge_data(f"Leader:{held[0]}", f"Unit:{held[1]}").values()))
    assert edge["label"] == "HOLDS_POST" and edge["start"] == held[2] and edge["sources"] == "|".join(held[3])


def test_neo4j_csv_imports_with_neo4j_admin_to_the_same_counts(sample, tmp_path):
    files = export.write("neo4j-csv", tmp_path / "csv", *whole_graph(sample))
    assert (tmp_path / "csv" / "import.txt").read_text(encoding="utf-8").startswith("neo4j-admin database import")
    server = LocalNeo4j(tmp_path / "imported")
    done = server.admin("database", "import", "full", "neo4j",
                        *export.import_arguments(f for f in files if f.suffix == ".csv"))
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    with server, _neo4j(server) as imported:
        assert imported.counts() == sample.counts()
        row = imported.run("MATCH (l:Leader)-[h:HOLDS_POST]->() RETURN l.birth_year, h.start, h.sources "
                           "ORDER BY h.id LIMIT 1").rows[0]
        want = sample.run("MATCH (l:Leader)-[h:HOLDS_POST]->() RETURN l.birth_year, h.start, h.sources "
                          "ORDER BY h.id LIMIT 1").rows[0]
        assert row == want  # an int, a date and a list, typed as the ontology says
    assert server.pid is None


def _neo4j(server):
    from jiandu.graph.neo4j_store import Neo4jStore

    return Neo4jStore(server.uri, "neo4j", server.password)


def test_cli_exports_a_named_querys_subgraph(tmp_path):
    url = f"falkordb+embedded://{tmp_path / 'db'}"

    def cli(*args):
        return subprocess.run([sys.executable, "-m", "jiandu", "--store", url, *args], cwd=ROOT, capture_output=True,
                              text=True, timeout=300)

    assert cli("ingest", str(SAMPLES)).returncode == 0
    done = cli("export", "--format", "jsonl", "--out", str(tmp_path / "q"), "--query", "collapse_clusters")
    assert done.returncode == 0, done.stderr
    assert "基准日 as of" in done.stdout
    exported = [json.loads(line) for line in (tmp_path / "q" / "nodes.jsonl").read_text(encoding="utf-8").splitlines()]
    with open_store(url) as store:
        model = ReadModel(store)
        sub = model.pattern_graph(model.pattern("collapse_clusters", {}), limit=100_000)
    assert {(n["label"], n["id"]) for n in exported} == set(sub.nodes) and exported
    again = cli("export", "--format", "jsonl", "--out", str(tmp_path / "q"))
    assert again.returncode == 2 and "不是空目录" in again.stderr
