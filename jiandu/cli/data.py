"""Commands about the data: the schema, ingest, extraction, the generator, counts."""

from __future__ import annotations

import argparse
import json
from dataclasses import asdict
from pathlib import Path

from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from jiandu.cli.output import counts_table, err, out, params, store_of
from jiandu.graph import export
from jiandu.graph.connect import data_folder
from jiandu.graph.export import Edge, whole_graph
from jiandu.graph.ontology import ONTOLOGY
from jiandu.graph.schema import describe
from jiandu.graph.store import Store
from jiandu.ingest.generator import generate, write_planted_doc
from jiandu.ingest.generator.announcements import LIST_FILE, TENURE_FILE, TRUTH_FILE, generate_announcements
from jiandu.ingest.loader import IngestAborted, IngestReport, ingest, structured_files
from jiandu.ingest.readers import MAX_FIELD_CHARS
from jiandu.ingest.text.document import DocumentError, read_document
from jiandu.ingest.text.extract import extract
from jiandu.ingest.text.load import document_files, ingest_documents, is_document, known_places
from jiandu.views import ReadModel


def cmd_schema(args: argparse.Namespace) -> int:
    if args.json:
        data = {
            "nodes": {label: {"zh": n.zh, "properties": {p.name: asdict(p) for p in n.properties.values()}}
                      for label, n in ONTOLOGY.nodes.items()},
            "relationships": {t: {"zh": r.zh, "from": r.sources, "to": r.targets, "key": r.key,
                                  "properties": {p.name: asdict(p) for p in r.properties.values()}}
                              for t, r in ONTOLOGY.relationships.items()},
        }
        print(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        print(describe())
    return 0


def ingest_paths(store: Store, paths: list[Path], batch_size: int, documents: bool = True,
                 max_field: int = MAX_FIELD_CHARS) -> IngestReport:
    """Structured records first (so reports can link to them), then text documents."""
    records = [p for p in paths if p.is_dir() or not is_document(p)]
    files = list(structured_files(records))
    total = sum(f.stat().st_size for f in files if f.exists()) * 2  # two passes: nodes, then relationships
    rejects_dir = data_folder(store) / "rejects"
    with Progress(TextColumn("导入 ingest"), BarColumn(), DownloadColumn(), TimeRemainingColumn(),
                  console=err, transient=True, disable=not err.is_terminal) as progress:
        task = progress.add_task("ingest", total=total or None)
        report = ingest(store, records, rejects_dir=rejects_dir, batch_size=batch_size,
                        on_progress=lambda n: progress.advance(task, n), max_field=max_field)
    docs = list(document_files(paths)) if documents else []
    if docs:
        ingest_documents(store, docs, rejects_dir=rejects_dir, report=report)
    return report


def print_report(report: IngestReport) -> None:
    out.print(f"[bold]导入完成 (ingest done)[/]: {report.files} 个文件 files, 节点 nodes {report.nodes}, "
              f"关系 relationships {report.relationships}, 拒收 rejected {report.rejected}, "
              f"冲突 conflicts {report.conflicts}, {report.seconds:.1f} 秒 s")
    for notice in report.notices:
        err.print(f"[yellow]注意 (notice)[/] {notice}", markup=True, highlight=False)
    for name, encoding in report.encodings.items():
        if encoding != "utf-8":
            out.print(f"以 {encoding.upper()} 编码读取 (read as {encoding.upper()}, not UTF-8): {name}")
    if report.rejected:
        for reject in report.first_rejects[:20]:
            err.print(f"[yellow]拒收 (rejected)[/] {reject.message()}", markup=True, highlight=False)
        if report.rejected > 20:
            err.print(f"… 另有 {report.rejected - 20} 条 (and {report.rejected - 20} more)")
    if report.conflicts:
        for conflict in report.first_conflicts[:20]:
            err.print(f"[yellow]冲突 (conflict)[/] {conflict.file}:{conflict.line}: {conflict.reason}",
                      markup=True, highlight=False)
        if report.conflicts > 20:
            err.print(f"… 另有 {report.conflicts - 20} 处 (and {report.conflicts - 20} more)")
    if report.rejected or report.conflicts:
        err.print(f"被拒收的记录与冲突已保存 (rejected records kept in, conflicts beside them): {report.rejects_path}")


def cmd_ingest(args: argparse.Namespace) -> int:
    missing = [p for p in args.paths if not p.exists()]
    for p in missing:
        err.print(f"[red]找不到文件 (no such file or folder)[/]: {p}")
    with store_of(args) as store:
        try:
            report = ingest_paths(store, [p for p in args.paths if p.exists()], args.batch_size,
                                  max_field=args.settings.max_field_chars)
        except IngestAborted as exc:
            err.print(f"[red]{exc}[/]")
            return 1
    print_report(report)
    return 2 if report.rejected or report.conflicts or missing else 0


def cmd_extract(args: argparse.Namespace) -> int:
    gaz = None
    if args.with_graph:  # the graph's own regions too: invented places in sample data, newer divisions
        with store_of(args) as store:
            gaz = known_places(store).gazetteer
    failed = 0
    for path in args.paths:
        try:
            result = extract(read_document(path), gaz).as_json()
        except DocumentError as exc:
            err.print(f"[red]无法读取 (cannot read)[/] {exc}", highlight=False)
            failed += 1
            continue
        if args.json:
            print(json.dumps(result, ensure_ascii=False), flush=True)
        else:
            _print_extraction(result)
    return 2 if failed else 0


def _print_extraction(result: dict) -> None:
    out.rule(f"{result['doc']} · {result.get('title') or ''}")
    table = Table(title="人员与职务 (people and posts)")
    for column in ("姓名 name", "身份 role", "职务 posts"):
        table.add_column(column, overflow="fold")
    for person in result["persons"]:
        posts = "；".join(f"{'原' if p['former'] else ''}{p['unit'] or ''} {'、'.join(p['titles'])}"
                         for p in person["posts"])
        table.add_row(person["name"], person["role"], posts)
    out.print(table)
    out.print("单位 (organisations): " + "、".join(o["name"] for o in result["organizations"]))
    for case in result["cases"]:
        out.print(f"案件 (case): {case['label']} · 人员 {'、'.join(case['persons'])} · 单位 {'、'.join(case['units'])}")
    for act in result["actions"]:
        out.print(f"监督 (act): {act['type']} · {act['actor'] or ''} → {act['target']} · {act['date'] or ''}")
    out.print(f"统计 (stats): {len(result['stats'])} 项")


def cmd_generate(args: argparse.Namespace) -> int:
    if args.announcements is not None:
        truth = generate_announcements(args.out, args.announcements, seed=args.seed, blank=args.blank)
        out.print(f"已生成 (generated) {args.out / LIST_FILE}: {truth['rows']} 行 rows "
                  f"(拒收行 rows to reject {len(truth['rejects'])}, 激增 surges {len(truth['surges'])}); "
                  f"{args.out / TENURE_FILE}: 应合并 matches {len(truth['matches'])}, "
                  f"不应合并 near misses {len(truth['apart'])}; 真值 truth: {args.out / TRUTH_FILE}", highlight=False)
        return 0
    meta = generate(args.out, scale=args.scale, seed=args.seed, noise=args.noise)
    write_planted_doc(args.out, meta)
    nodes = sum(v for k, v in meta["counts"].items() if not k.isupper())
    rels = sum(v for k, v in meta["counts"].items() if k.isupper())
    out.print(f"已生成 (generated) {args.out}: {meta['counties']} 个县 counties, "
              f"节点 nodes {nodes}, 关系 relationships {rels}")
    return 0


def cmd_stats(args: argparse.Namespace) -> int:
    with store_of(args) as store:
        counts = store.counts()
    if args.json:
        print(json.dumps(counts, ensure_ascii=False, indent=2))
    else:
        out.print(counts_table(counts)[0])
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    if args.output.exists() and any(args.output.iterdir()):
        err.print(f"[red]{args.output} 不是空目录, 未写入 (is not an empty folder: nothing written)[/]",
                  highlight=False)
        return 2
    with store_of(args) as store:
        if args.query:
            model = ReadModel(store)
            found = model.pattern(args.query, params(args.param))
            sub = model.pattern_graph(found, limit=args.limit)
            nodes = ((label, props) for (label, _), props in sub.nodes.items())
            edges = (Edge(rtype, s, t, props) for (s, rtype, t, _), props in sub.edges.items())
            out.print(f"{args.query}: 基准日 as of {found.as_of or '—'}, {len(found.result.rows)} 行 rows")
        else:
            nodes, edges = whole_graph(store)
        files = export.write(args.format, args.output, nodes, edges)
    for path in files:
        out.print(f"已写入 (written) {path} ({path.stat().st_size:,} bytes)")
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("schema", help="打印本体 print the ontology")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_schema)

    p = sub.add_parser("extract", help="从中文报告抽取人员、单位、案件、监督行为 extract from Chinese reports")
    p.add_argument("paths", nargs="+", type=Path, help=".txt / .md / .html (UTF-8 or GBK)")
    p.add_argument("--json", action="store_true", help="每个文档一行 JSON (one JSON object per document)")
    p.add_argument("--with-graph", action="store_true", help="也使用图谱中的行政区 also use the graph's regions")
    p.set_defaults(func=cmd_extract)

    p = sub.add_parser("ingest", help="导入记录和报告 load records (CSV/JSON/JSONL) and reports (.txt/.md/.html)")
    p.add_argument("paths", nargs="+", type=Path)
    p.add_argument("--batch-size", type=int, default=5000)
    p.set_defaults(func=cmd_ingest)

    p = sub.add_parser("generate", help="生成虚构数据 generate a fictional world")
    p.add_argument("--scale", type=float, default=1.0, help="1 ≈ 10k nodes; 100 ≈ 1M nodes")
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--noise", type=float, default=0.02, help="随机疏漏比例 share of random lapses (0 = none)")
    p.add_argument("--out", type=Path, required=True)
    p.add_argument("--announcements", type=int, metavar="N",
                   help="改为生成 N 行通报名单及任职名单 an announcement list of N rows and a tenure list instead")
    p.add_argument("--blank", action="store_true", help="地区和级别列留空 leave the list's place and rank cells empty")
    p.set_defaults(func=cmd_generate)

    p = sub.add_parser("export", help="导出图谱或查询结果 export the graph, or a named query's subgraph")
    p.add_argument("--format", choices=export.FORMATS, required=True,
                   help="jsonl: 可再导入 re-ingestible; graphml/gexf: Gephi, networkx; neo4j-csv: neo4j-admin import")
    p.add_argument("--out", dest="output", type=Path, required=True, help="输出目录 (空) output folder (empty)")
    p.add_argument("--query", help="只导出该检测查询结果的子图 only this named query's subgraph")
    p.add_argument("--param", "-p", action="append", metavar="KEY=VALUE")
    p.add_argument("--limit", type=int, default=100_000, help="--query: 最多节点 node limit")
    p.set_defaults(func=cmd_export)

    p = sub.add_parser("stats", help="图谱统计 counts per label and type")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_stats)
