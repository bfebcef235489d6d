"""``jiandu demo``: build the sample graph, check it, run every named query, read the sample
report into it, and write the HTML report."""

from __future__ import annotations

import argparse
import json
from dataclasses import dataclass, field
from importlib.resources import files
from pathlib import Path

from rich.table import Table

from jiandu.cli.data import ingest_paths, print_report
from jiandu.cli.ledger import listing_table
from jiandu.cli.output import counts_table, err, out, print_result, store_of
from jiandu.graph.connect import data_folder
from jiandu.graph.store import Result, Store
from jiandu.ingest.generator import PLANTED_FILE
from jiandu.ingest.loader import IngestAborted
from jiandu.ingest.text.load import document_files, ingest_documents
from jiandu.ledger import RULES, Ledger
from jiandu.queries.library import Answer, library, on_day
from jiandu.queries.planted import check
from jiandu.views import ReadModel
from jiandu.visualizations.report import ReportError, check_folder, write_report

SAMPLES = Path(str(files("jiandu.ingest") / "samples"))
SAMPLE_REPORTS = Path(str(files("jiandu.ingest") / "sample_reports"))  # fictional, read after the structured sample


@dataclass
class DemoRun:
    """What one demo run knows as it goes: the sample's day and plants, each query's answer."""

    as_of: str
    planted: dict
    report_dir: Path
    params: dict[str, dict] = field(default_factory=dict)
    answers: dict[str, Answer] = field(default_factory=dict)


# how provenance names the sample's files, from whatever folder the demo ran in
SAMPLE_SOURCES = ["ingest/samples/", "ingest/sample_reports/"]


def foreign_data(store: Store) -> tuple[int, int]:
    """Nodes and relationships the demo did not write: any whose sources are not all the sample's."""
    where = "WHERE x.sources IS NULL OR NOT all(s IN x.sources WHERE any(p IN $ours WHERE s CONTAINS p))"
    nodes = store.run(f"MATCH (x) {where} RETURN count(x)", {"ours": SAMPLE_SOURCES}, read_only=True).scalar()
    rels = store.run(f"MATCH ()-[x]->() {where} RETURN count(x)", {"ours": SAMPLE_SOURCES}, read_only=True).scalar()
    return int(nodes or 0), int(rels or 0)


def cmd_demo(args: argparse.Namespace) -> int:
    meta = json.loads((SAMPLES / PLANTED_FILE).read_text(encoding="utf-8"))
    try:
        check_folder(args.out)  # before the work, not after it
    except ReportError as exc:
        err.print(f"[red]{exc}[/]", highlight=False)
        return 2
    out.rule("jiandu 演示 (demo)")
    out.print(f"存储 (store): {args.settings.store}")
    with store_of(args) as store:
        foreign = foreign_data(store)
        if any(foreign) and not args.reset:
            counts = store.counts()
            err.print(f"[red]存储 {args.settings.store} 中已有并非演示写入的数据，未清空 (the store holds data "
                      f"the demo did not write; nothing was deleted)[/]: 节点 nodes {sum(counts['nodes'].values())}, "
                      f"关系 relationships {sum(counts['relationships'].values())}, 其中非样例 not from the sample: "
                      f"{foreign[0]} 节点 nodes, {foreign[1]} 关系 relationships. 确要清空请加 --reset "
                      "(to delete it all and build the demo there, add --reset)", highlight=False)
            return 2
        store.clear()
        try:
            report = ingest_paths(store, [SAMPLES], batch_size=5000, documents=False)
        except IngestAborted as exc:
            err.print(f"[red]{exc}[/]")
            return 1
        print_report(report)
        table, ok = counts_table(store.counts(), meta["counts"])
        out.print(table)
        if not ok or report.rejected:
            err.print("[red]图谱与样例文件不一致 (the graph does not match the sample files)[/]")
            return 1
        out.print("[green]✓ 图谱与样例文件一致 (graph matches the sample files)[/]")
        run = DemoRun(meta["as_of"], meta["planted"], args.out)
        model = ReadModel(store)
        demo_queries(model, run)
        demo_ledger(model, run)
        demo_documents(model, run)
        demo_report(model, run)
    return 0


def sample_params(planted: dict, as_of: str) -> dict[str, dict]:
    """Parameters that show each named query at work on the sample world."""
    special = {"case_links": {"case_id": planted["case_links"][0]["cases"][0]},
               "leader_dossier": {"leader_id": planted["collapse_clusters"][0]["top_leader"]},
               "unit_portrait": {"limit": 5}}
    return {name: on_day(query, as_of) | special.get(name, {}) for name, query in library().items()}


def demo_queries(model: ReadModel, run: DemoRun) -> None:
    """Run every named query on the sample and say what each found."""
    run.params = sample_params(run.planted, run.as_of)
    for name, query in library().items():
        found = run.answers[name] = model.pattern(name, run.params[name])
        result = found.result
        out.rule(f"{query.name} · {query.title}")
        print_result(Result(result.columns, result.rows[:8]), "table")
    out.rule("预置模式核对 (planted patterns)")
    failed = 0
    for query, ok, found, expected in check(model.store, run.planted, run.as_of):
        failed += not ok
        out.print(("[green]✓[/] " if ok else "[red]✗[/] ") + f"{query}: "
                  + ("找到预置模式 (found exactly what was planted)" if ok else f"found {found}, planted {expected}"))
    if failed:
        raise SystemExit(f"{failed} 个预置模式未被发现 (planted patterns not found)")


def demo_ledger(model: ReadModel, run: DemoRun) -> None:
    """The sample's ledger as of its day: counts by state and colour, and the overdue items with
    their colours, checked against what was planted."""
    ledger = Ledger(model.store, model.settings)
    every = ledger.list(as_of=run.as_of, limit=None)
    late = ledger.list(as_of=run.as_of, overdue=True, limit=None)
    out.rule("监督台账 (the supervision ledger)")
    out.print(f"{every.total} 项 items · 状态 by state: "
              + "、".join(f"{RULES.states[s][0]} {every.by_state.get(s, 0)}" for s in RULES.states), highlight=False)
    out.print(listing_table(late))
    found = sorted((i.id, i.colour) for i in late.items)
    planted = sorted((e["item"], e["colour"]) for e in run.planted.get("ledger.overdue", []))
    if found != planted:
        raise SystemExit(f"台账逾期与预置不符 (overdue ledger items: found {found}, planted {planted})")
    out.print("[green]✓[/] 台账逾期项与颜色与预置一致 (the overdue items and their colours are the planted ones); "
              "试试 try: jiandu alerts run · jiandu ledger list · jiandu ledger show " + (found[0][0] if found else ""))


def demo_documents(model: ReadModel, run: DemoRun) -> None:
    """After the planted checks (which know only the structured sample): read the sample report
    into the same graph, show what joined, and how its cases now cluster with the sample's."""
    if not _demo_reports(model.store):
        raise SystemExit("样例报告未能连入图谱 (the sample report did not join the graph)")
    clusters = run.answers["case_clusters"] = model.pattern("case_clusters", run.params["case_clusters"])
    out.rule("加入报告后的窝案串案 (case clusters with the report's cases)")
    print_result(clusters.result, "table")


def _demo_reports(store: Store) -> bool:
    """Ingest the sample report and show which of its people and cases joined the sample graph."""
    docs = list(document_files([SAMPLE_REPORTS]))
    report = ingest_documents(store, docs, rejects_dir=data_folder(store) / "rejects")
    out.print(f"[bold]报告抽取入图 (reports ingested)[/]: {len(docs)} 篇 documents, 节点 nodes {report.nodes}, "
              f"关系 relationships {report.relationships}, 拒收 rejected {report.rejected}")
    linked = store.run(
        "MATCH (n)-[:MENTIONED_IN]->(:Document) WHERE any(s IN n.sources WHERE s CONTAINS '.csv#L') "
        "RETURN DISTINCT labels(n)[0] AS label, n.id AS id, n.name AS name "
        "ORDER BY label, id", read_only=True)
    table = Table(title="报告与样例图谱的连接 (report people and units already in the sample graph)")
    for column in ("类型 label", "id", "名称 name"):
        table.add_column(column)
    for row in linked.rows:
        table.add_row(*map(str, row))
    out.print(table)
    cases = store.run("MATCH (l:Leader)-[:INVOLVED_IN]->(c:Case)-[:MENTIONED_IN]->(:Document) "
                      "WHERE any(s IN l.sources WHERE s CONTAINS '.csv#L') RETURN count(DISTINCT c)", read_only=True)
    ok = bool(linked.rows) and int(cases.scalar() or 0) > 0 and not report.rejected
    mark = "[green]✓[/]" if ok else "[red]✗[/]"
    out.print(f"{mark} 报告中的 {len(linked.rows)} 个人员/单位和 {cases.scalar()} 个案件已连入样例图谱 "
              "(people, units and cases from the report joined the sample graph)")
    return ok


def demo_report(model: ReadModel, run: DemoRun) -> None:
    intro = f"样例数据（虚构）截至 {run.as_of} (fictional sample world as of {run.as_of})"
    index = write_report(model, run.report_dir, run.params, intro=intro, answers=run.answers)
    out.print(f"[green]报告已写入 (report written)[/]: {index}")
    out.print("工作台 (the workbench): jiandu keys create --role viewer, then jiandu serve, "
              "and open http://127.0.0.1:8000/")


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("demo", help="演示: 用样例数据建图并检测 build the sample graph and run the detections")
    p.add_argument("--out", type=Path, default=Path("out"), help="输出目录 output folder for the report")
    p.add_argument("--reset", action="store_true",
                   help="清空存储中的其他数据 delete whatever the store holds, even data the demo did not write")
    p.set_defaults(func=cmd_demo)
