"""Pictures and the report, opened in real headless Chromium with the network blocked."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest
from browser import CHROMIUM, SHOTS, visit
from conftest import ROOT, SAMPLES

from jiandu.graph.ontology import ONTOLOGY
from jiandu.ingest.loader import ingest
from jiandu.queries.library import QueryError, data_day, library
from jiandu.views import ReadModel, Subgraph
from jiandu.visualizations import render
from jiandu.visualizations.report import ReportError, write_report

META = json.loads((SAMPLES / "_planted.json").read_text(encoding="utf-8"))
needs_browser = pytest.mark.skipif(CHROMIUM is None, reason="chromium not installed (make test installs it)")


@pytest.fixture
def sample(store, tmp_path):
    ingest(store, [SAMPLES], rejects_dir=tmp_path / "rejects")
    return store


def test_pages_carry_everything_they_need(sample):
    top = META["planted"]["collapse_clusters"][0]["top_leader"]
    html = render.page(ReadModel(sample).neighbourhood("Leader", top, depth=2), "leader")
    assert 'src="http' not in html and 'href="http' not in html and "@import" not in html
    assert "cdnjs" not in html and "jsdelivr" not in html and "bootstrap" not in html.lower()
    assert "Noto Sans CJK SC" in html and "vis.Network" in html
    for label in ("Leader", "Unit", "Case"):  # styled from the ontology, with a legend
        assert ONTOLOGY.node(label).style["color"] in html and ONTOLOGY.node(label).zh in html
    assert "一把手" in html and "来源 source" in html and "谈话" in html


def test_large_pictures_are_laid_out_in_python_and_say_what_was_left_out(sample):
    sub = ReadModel(sample).neighbourhood("Region", "R000002", depth=3, limit=600, per_node=None)
    assert len(sub.nodes) == 600 and sub.left_out > 0
    nodes_json, _, options, facts = render.build(sub, "big")
    assert json.loads(options)["physics"]["enabled"] is False and facts["layout"] == "python"
    assert all("x" in n and "y" in n for n in json.loads(nodes_json))
    assert f"另有 {sub.left_out} 个未显示" in render.page(sub, "big")


def test_unknown_ids_are_a_clear_error(sample):
    from jiandu.queries.library import QueryError
    with pytest.raises(QueryError, match="no Leader with this id"):
        ReadModel(sample).neighbourhood("Leader", "L-NOPE")


def test_the_first_hop_brings_the_seed_along(sample):
    """The seed's properties come with its first hop (no query of its own), exactly as stored
    but for the derived ones; a node with no relationships, or none of the asked types, is shown alone."""
    top = META["planted"]["collapse_clusters"][0]["top_leader"]
    stored = sample.run("MATCH (l:Leader {id: $id}) RETURN properties(l)", {"id": top}, read_only=True).scalar()
    derived = ONTOLOGY.derived_names("Leader")
    assert derived & set(stored)
    stored = {k: v for k, v in stored.items() if k not in derived}
    sub = ReadModel(sample).neighbourhood("Leader", top, depth=1)
    assert next(iter(sub.nodes)) == ("Leader", top) and sub.nodes[("Leader", top)] == stored
    assert sub.highlight == {("Leader", top)} and len(sub.nodes) > 1
    sample.run("CREATE (:Region {id: 'R-ALONE', name: '孤岛', level: '县'})")
    try:
        alone = ReadModel(sample).neighbourhood("Region", "R-ALONE", depth=2)
        assert list(alone.nodes) == [("Region", "R-ALONE")] and alone.edges == {}
        assert alone.highlight == set(alone.nodes)
    finally:
        sample.run("MATCH (r:Region {id: 'R-ALONE'}) DELETE r")
    typed = ReadModel(sample).neighbourhood("Leader", top, depth=2, types={"PART_OF"})  # leaders have none
    assert list(typed.nodes) == [("Leader", top)] and typed.nodes[("Leader", top)] == stored


@needs_browser
def test_leader_view_opens_offline_with_readable_chinese(sample, tmp_path):
    top = META["planted"]["collapse_clusters"][0]["top_leader"]
    path = render.write(ReadModel(sample).neighbourhood("Leader", top, depth=2), "一把手 leader view",
                        tmp_path / "leader.html")
    seen = visit(path, SHOTS / "leader.png")
    assert seen.external == [] and seen.failed == [] and seen.console_errors == []
    assert seen.drawn_ms is not None and "领导干部" in seen.text


@needs_browser
def test_query_view_and_report_open_offline(tmp_path):
    url = f"falkordb+embedded://{tmp_path / 'db'}"
    command = [sys.executable, "-m", "jiandu", "--store", url, "demo", "--out", str(tmp_path / "report")]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    report = tmp_path / "report"
    seen = visit(report / "collapse_clusters.html", SHOTS / "query-collapse.png")
    assert seen.external == [] and seen.failed == [] and seen.console_errors == []
    index = visit(report / "index.html", SHOTS / "report.png", wait_drawn=False)
    assert index.external == [] and index.failed == [] and index.console_errors == []
    for name in ("collapse_clusters", "sector_clusters", "same_level_gaps", "superior_gaps", "audit_gaps",
                 "clue_backlog", "overdue_rectification", "case_links", "case_clusters"):
        assert (report / f"{name}.html").exists()
        assert f"id='{name}'" in (report / "index.html").read_text(encoding="utf-8")
    # every planted id appears in the report's tables
    text = (report / "index.html").read_text(encoding="utf-8")
    for entry in META["planted"]["collapse_clusters"] + META["planted"]["sector_clusters"]:
        assert all(leader in text for leader in entry["leaders"])
    viz = subprocess.run([sys.executable, "-m", "jiandu", "--store", url, "viz", "case",
                          META["planted"]["case_links"][0]["cases"][0], "-o", str(tmp_path / "case.html")],
                         cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert viz.returncode == 0 and (tmp_path / "case.html").exists()
    case = visit(tmp_path / "case.html", SHOTS / "case.png")
    assert case.external == [] and case.failed == [] and case.console_errors == []


def test_a_failing_report_leaves_no_partial_output_and_keeps_a_foreign_folder(sample, tmp_path):
    target = tmp_path / "report"
    model = ReadModel(sample)
    names = list(library())
    with pytest.raises(QueryError):  # the last query fails after the others' pages were written
        write_report(model, target, {names[-1]: {"no_such_parameter": 1}})
    assert not target.exists() and list(tmp_path.glob(".report*")) == []
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "notes.txt").write_text("keep me", encoding="utf-8")
    with pytest.raises(ReportError):
        write_report(model, mine, {})
    assert [p.name for p in mine.iterdir()] == ["notes.txt"]
    index = write_report(model, target, {})
    again = write_report(model, target, {})  # a report it wrote earlier is replaced whole
    assert index == again and all(f"src='{n}.html'" in index.read_text(encoding="utf-8") for n in names)


def test_pictures_say_the_day_they_stand_for(sample):
    model = ReadModel(sample)
    found = model.pattern("audit_gaps", {})
    assert found.as_of == data_day(sample) and found.as_of is not None
    html = render.page(model.pattern_graph(found), "audit_gaps")
    assert f'基准日 <span class="as-of">{found.as_of}</span>' in html


def _crowded() -> Subgraph:
    """A leader under twelve acts of one body, and a unit with twenty clues that touch nothing else."""
    sub = Subgraph()
    leader = sub.add_node("Leader", {"id": "L1", "name": "甲某"})
    body = sub.add_node("OversightBody", {"id": "B1", "name": "某县纪委监委"})
    unit = sub.add_node("Unit", {"id": "U1", "name": "某县财政局"})
    sub.edges[(leader, "HOLDS_POST", unit, "p1")] = {"title": "局长", "top_leader": True, "start": "2020-01-01"}
    for i in range(12):
        sub.edges[(body, "SUPERVISED", leader, f"s{i}")] = {"kind": "谈话提醒", "date": f"2023-0{1 + i % 9}-1{i % 10}"}
    for i in range(20):
        clue = sub.add_node("Clue", {"id": f"C{i}", "name": f"线索{i}"})
        sub.edges[(clue, "ABOUT", unit, "")] = {}
    return sub


def test_many_acts_draw_one_edge_and_a_hub_one_group():
    nodes_json, edges_json, _, facts = render.build(_crowded(), "crowded")
    nodes, edges = json.loads(nodes_json), json.loads(edges_json)
    acts = [e for e in edges if e["from"] == "OversightBody:B1"]
    assert len(acts) == 1 and acts[0]["label"].startswith("谈话提醒 ×12，最近 2023-09-18"), acts
    groups = [n for n in nodes if n["id"].startswith("group:")]
    assert len(groups) == 1 and groups[0]["label"] == f"{ONTOLOGY.node('Clue').zh} ×20"
    assert "线索19" in groups[0]["title"]
    assert facts["drawn_nodes"] == 4 and facts["nodes"] == 23
    top = next(n for n in nodes if n["id"] == "Leader:L1")
    assert "〔一把手〕" in top["label"] and "★" not in top["label"]


def test_the_legend_has_no_two_entries_alike(sample):
    top = META["planted"]["collapse_clusters"][0]["top_leader"]
    page_legend = render.legend(ReadModel(sample).neighbourhood("Leader", top, depth=2))
    entries = re.findall(r"<li>(.*?)</li>", page_legend)
    swatches = [re.search(r'<span class="[^"]*"(?: style="[^"]*")?></span>', e).group() for e in entries
                if "<span" in e]
    assert len(swatches) == len(set(swatches)), swatches
