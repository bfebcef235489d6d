"""The ``jiandu`` command line. Each command is a thin shell over the domain modules."""

from __future__ import annotations

import argparse
import csv
import json
import os
import sys
from collections.abc import Callable
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from graph.store import ENV_URL, Result, Store, StoreError, open_store, resolve_url
from queries.library import QueryError

SAMPLES = Path(__file__).resolve().parent.parent / "ingest" / "samples"
SAMPLE_REPORTS = SAMPLES.parent / "sample_reports"  # fictional reports, read after the structured sample
out = Console(soft_wrap=True, width=None if sys.stdout.isatty() else 160)
err = Console(stderr=True, soft_wrap=True)


def _data_dir(store: Store) -> Path:
    """Where rejects and other run files go: the embedded data folder, else ./.jiandu."""
    server = getattr(store, "server", None)
    return server.path if server is not None else Path(".jiandu").resolve()


# -- schema --------------------------------------------------------------------------------
def cmd_schema(args: argparse.Namespace) -> int:
    from graph.ontology import ONTOLOGY
    from graph.schema import describe

    if args.json:
        data = {
            "nodes": {label: {"zh": n.zh, "properties": {p.name: p.__dict__ for p in n.properties.values()}}
                      for label, n in ONTOLOGY.nodes.items()},
            "relationships": {t: {"zh": r.zh, "from": r.sources, "to": r.targets, "key": r.key,
                                  "properties": {p.name: p.__dict__ for p in r.properties.values()}}
                              for t, r in ONTOLOGY.relationships.items()},
        }
        print(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        print(describe())
    return 0


# -- ingest --------------------------------------------------------------------------------
def _ingest(store: Store, paths: list[Path], batch_size: int, documents: bool = True):
    """Structured records first (so reports can link to them), then text documents."""
    from ingest.loader import ingest, structured_files
    from ingest.text.load import document_files, ingest_documents, is_document

    records = [p for p in paths if p.is_dir() or not is_document(p)]
    files = list(structured_files(records))
    total = sum(f.stat().st_size for f in files if f.exists()) * 2  # two passes: nodes, then relationships
    rejects_dir = _data_dir(store) / "rejects"
    with Progress(TextColumn("导入 ingest"), BarColumn(), DownloadColumn(), TimeRemainingColumn(),
                  console=err, transient=True, disable=not err.is_terminal) as progress:
        task = progress.add_task("ingest", total=total or None)
        report = ingest(store, records, rejects_dir=rejects_dir, batch_size=batch_size,
                        on_progress=lambda n: progress.advance(task, n))
    docs = list(document_files(paths)) if documents else []
    if docs:
        ingest_documents(store, docs, rejects_dir=rejects_dir, report=report)
    return report


def _print_report(report) -> None:
    out.print(f"[bold]导入完成 (ingest done)[/]: {report.files} 个文件 files, 节点 nodes {report.nodes}, "
              f"关系 relationships {report.relationships}, 拒收 rejected {report.rejected}, "
              f"{report.seconds:.1f} 秒 s")
    if report.rejected:
        for reject in report.first_rejects[:20]:
            err.print(f"[yellow]拒收 (rejected)[/] {reject.message()}", markup=True, highlight=False)
        if report.rejected > 20:
            err.print(f"… 另有 {report.rejected - 20} 条 (and {report.rejected - 20} more)")
        err.print(f"被拒收的记录已保存 (rejected records kept in): {report.rejects_path}")


def cmd_ingest(args: argparse.Namespace) -> int:
    from ingest.loader import IngestAborted

    missing = [p for p in args.paths if not p.exists()]
    for p in missing:
        err.print(f"[red]找不到文件 (no such file or folder)[/]: {p}")
    with open_store(args.store) as store:
        try:
            report = _ingest(store, [p for p in args.paths if p.exists()], args.batch_size)
        except IngestAborted as exc:
            err.print(f"[red]{exc}[/]")
            return 1
    _print_report(report)
    return 2 if report.rejected or missing else 0


# -- extract -------------------------------------------------------------------------------
def cmd_extract(args: argparse.Namespace) -> int:
    from ingest.text.document import DocumentError, read_document
    from ingest.text.extract import extract

    gaz = None
    if args.with_graph:  # the graph's own regions too: invented places in sample data, newer divisions
        from ingest.text.load import known_places

        with open_store(args.store) as store:
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


# -- generate ------------------------------------------------------------------------------
def cmd_generate(args: argparse.Namespace) -> int:
    from ingest.generator import generate, write_planted_doc

    meta = generate(args.out, scale=args.scale, seed=args.seed, noise=args.noise)
    write_planted_doc(args.out, meta)
    nodes = sum(v for k, v in meta["counts"].items() if not k.isupper())
    rels = sum(v for k, v in meta["counts"].items() if k.isupper())
    out.print(f"已生成 (generated) {args.out}: {meta['counties']} 个县 counties, "
              f"节点 nodes {nodes}, 关系 relationships {rels}")
    return 0


# -- stats and demo ------------------------------------------------------------------------
def _counts_table(counts: dict[str, dict[str, int]], expected: dict[str, int] | None = None) -> tuple[Table, bool]:
    from graph.ontology import ONTOLOGY

    table = Table(title="图谱内容 (graph contents)")
    table.add_column("类型 kind")
    table.add_column("名称 name")
    table.add_column("数量 count", justify="right")
    if expected is not None:
        table.add_column("样例文件 sample", justify="right")
    ok = True
    for section, names in (("nodes", ONTOLOGY.nodes), ("relationships", ONTOLOGY.relationships)):
        for name, kind in names.items():
            have = counts[section][name]
            row = [name, kind.zh, str(have)]
            if expected is not None:
                want = expected.get(name, 0)
                ok &= have == want
                row.append(("✓ " if have == want else "✗ ") + str(want))
            if have or (expected and expected.get(name)):
                table.add_row(*row)
    return table, ok


def cmd_stats(args: argparse.Namespace) -> int:
    with open_store(args.store) as store:
        counts = store.counts()
    if args.json:
        print(json.dumps(counts, ensure_ascii=False, indent=2))
    else:
        out.print(_counts_table(counts)[0])
    return 0


DEMO_STEPS: list[Callable[[Store, dict], None]] = []  # later stages (queries, pictures) append here


def cmd_demo(args: argparse.Namespace) -> int:
    from ingest.generator import PLANTED_FILE
    from ingest.loader import IngestAborted

    meta = json.loads((SAMPLES / PLANTED_FILE).read_text(encoding="utf-8"))
    out.rule("jiandu 演示 (demo)")
    out.print(f"存储 (store): {resolve_url(args.store)}")
    with open_store(args.store) as store:
        store.clear()
        try:
            report = _ingest(store, [SAMPLES], batch_size=5000, documents=False)
        except IngestAborted as exc:
            err.print(f"[red]{exc}[/]")
            return 1
        _print_report(report)
        table, ok = _counts_table(store.counts(), meta["counts"])
        out.print(table)
        if not ok or report.rejected:
            err.print("[red]图谱与样例文件不一致 (the graph does not match the sample files)[/]")
            return 1
        out.print("[green]✓ 图谱与样例文件一致 (graph matches the sample files)[/]")
        context = {"as_of": meta["as_of"], "out": args.out, "planted": meta["planted"]}
        for step in DEMO_STEPS:
            step(store, context)
    return 0


def demo_documents(store: Store, context: dict) -> None:
    """After the planted checks (which know only the structured sample): read the sample report
    into the same graph, show what joined, and how its cases now cluster with the sample's."""
    from queries.library import run_named

    if not _demo_reports(store):
        raise SystemExit("样例报告未能连入图谱 (the sample report did not join the graph)")
    clusters = run_named("case_clusters", store, **context["params"]["case_clusters"])
    context["results"]["case_clusters"] = clusters
    out.rule("加入报告后的窝案串案 (case clusters with the report's cases)")
    _print_result(clusters, "table")


def _demo_reports(store: Store) -> bool:
    """Ingest the sample report and show which of its people and cases joined the sample graph."""
    from ingest.text.load import document_files, ingest_documents

    docs = list(document_files([SAMPLE_REPORTS]))
    report = ingest_documents(store, docs, rejects_dir=_data_dir(store) / "rejects")
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


# -- queries --------------------------------------------------------------------------------
def _params(pairs: list[str]) -> dict[str, str]:
    out_params = {}
    for pair in pairs or []:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise QueryError(f"参数格式应为 key=value (parameters are key=value): {pair!r}")
        out_params[key.strip()] = value
    return out_params


def _print_result(result, fmt: str, title: str | None = None) -> None:
    if fmt == "json":
        print(json.dumps(result.records(), ensure_ascii=False, indent=2, default=str))
        return
    if fmt == "csv":
        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(result.columns)
        for row in result.rows:
            writer.writerow(["|".join(map(str, v)) if isinstance(v, list) else ("" if v is None else v) for v in row])
        return
    table = Table(title=title, show_lines=False)
    for column in result.columns:
        table.add_column(column, overflow="fold")
    for row in result.rows:
        table.add_row(*("、".join(map(str, v)) if isinstance(v, list) else ("" if v is None else str(v)) for v in row))
    out.print(table)
    out.print(f"{len(result.rows)} 行 rows")


def cmd_queries(args: argparse.Namespace) -> int:
    from queries.library import library

    table = Table(title="检测查询 (named queries)")
    table.add_column("名称 name")
    table.add_column("说明 what it answers", overflow="fold")
    table.add_column("参数 parameters", overflow="fold")
    for q in library().values():
        params = ", ".join(f"{p.name}={p.default}" for p in q.params.values())
        table.add_row(q.name, f"{q.title}\n{q.zh}", params)
    out.print(table)
    return 0


def cmd_query(args: argparse.Namespace) -> int:
    from queries.library import get, run_named

    query = get(args.name)
    with open_store(args.store) as store:
        result = run_named(query.name, store, **_params(args.param))
    _print_result(result, args.format, f"{query.name} · {query.title}")
    return 0


def cmd_cypher(args: argparse.Namespace) -> int:
    if args.file:
        text = args.file.read_text(encoding="utf-8")
    elif args.text in (None, "-"):
        text = sys.stdin.read()
    else:
        text = args.text
    params = {k: _literal_param(v) for k, v in _params(args.param).items()}
    with open_store(args.store) as store:
        # the engine itself refuses writes here (FalkorDB GRAPH.RO_QUERY, Neo4j read access mode)
        result = store.run(text, params, read_only=True, timeout_ms=args.timeout_ms)
    _print_result(result, args.format)
    return 0


def _literal_param(value: str):
    """--param values: JSON when they parse as JSON (numbers, true, lists), else plain text."""
    try:
        return json.loads(value)
    except json.JSONDecodeError:
        return value


def sample_params(planted: dict, as_of: str) -> dict[str, dict]:
    """Parameters that show each named query at work on the sample world."""
    from queries.library import library

    special = {"case_links": {"case_id": planted["case_links"][0]["cases"][0]},
               "leader_dossier": {"leader_id": planted["collapse_clusters"][0]["top_leader"]},
               "unit_portrait": {"limit": 5}}
    out_params = {}
    for name, query in library().items():
        out_params[name] = {k: as_of for k in ("as_of", "until") if k in query.params} | special.get(name, {})
    return out_params


def demo_queries(store: Store, context: dict) -> None:
    """Run every named query on the sample and say what each found."""
    from queries.library import library, run_named

    planted = context["planted"]
    context["params"] = sample_params(planted, context["as_of"])
    context["results"] = {}
    for name, query in library().items():
        result = context["results"][name] = run_named(name, store, **context["params"][name])
        out.rule(f"{query.name} · {query.title}")
        _print_result(Result(result.columns, result.rows[:8]), "table")
    from queries.planted import check

    out.rule("预置模式核对 (planted patterns)")
    failed = 0
    for query, ok, found, expected in check(store, planted, context["as_of"]):
        failed += not ok
        out.print(("[green]✓[/] " if ok else "[red]✗[/] ") + f"{query}: "
                  + ("找到预置模式 (found exactly what was planted)" if ok else f"found {found}, planted {expected}"))
    if failed:
        raise SystemExit(f"{failed} 个预置模式未被发现 (planted patterns not found)")


def demo_report(store: Store, context: dict) -> None:
    from visualizations.report import write_report

    intro = f"样例数据（虚构）截至 {context['as_of']} (fictional sample world as of {context['as_of']})"
    index = write_report(store, context["out"], context["params"], intro=intro, results=context["results"])
    out.print(f"[green]报告已写入 (report written)[/]: {index}")


DEMO_STEPS.extend([demo_queries, demo_documents, demo_report])


# -- pictures -------------------------------------------------------------------------------
def cmd_viz(args: argparse.Namespace) -> int:
    from visualizations import subgraph
    from visualizations.render import write

    with open_store(args.store) as store:
        if args.kind == "leader":
            sub_graph = subgraph.neighbourhood(store, "Leader", args.target, depth=args.depth, limit=args.limit)
        elif args.kind == "unit":
            sub_graph = subgraph.unit_tree(store, args.target, limit=args.limit)
        elif args.kind == "case":
            sub_graph = subgraph.case_view(store, args.target, limit=args.limit)
        else:
            sub_graph, _ = subgraph.query_view(store, args.target, _params(args.param), limit=args.limit)
    path = write(sub_graph, f"{args.kind} · {args.target}", args.output)
    out.print(f"已写入 (written) {path}: {len(sub_graph.nodes)} 个节点 nodes, {len(sub_graph.edges)} 条关系 edges"
              + (f", 截断 left out {sub_graph.left_out}" if sub_graph.left_out else ""))
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    from queries.library import library
    from visualizations.report import write_report

    params: dict[str, dict] = {}
    if args.as_of:
        for name, query in library().items():
            params.setdefault(name, {}).update({k: args.as_of for k in ("as_of", "until") if k in query.params})
    with open_store(args.store) as store:
        index = write_report(store, args.output, params)
    out.print(f"报告已写入 (report written): {index}")
    return 0


# -- the API ------------------------------------------------------------------------------
def default_workers() -> int:
    """API worker processes: two per core, since a worker waiting on the store leaves its core to
    another (on two cores, one worker kept 1.1-1.3 of them busy; four kept both), at most four,
    since each holds its own pinyin index (about 320 MB at a million nodes). Cores are those this
    process may run on (a container limited to some of the host's counts only those)."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    return min(4, 2 * cores)


def cmd_serve(args: argparse.Namespace) -> int:
    import uvicorn

    from api.app import create_app

    if args.host not in ("127.0.0.1", "localhost", "::1") and not args.public:
        err.print("只在本机回环地址上提供服务；在容器内请加 --public (serving on loopback only; add --public "
                  "inside a container)")
        return 2
    out.print(f"jiandu API: http://{args.host}:{args.port}/docs (Ctrl-C 停止 to stop)")
    os.environ["JIANDU_VIEW_CACHE_MB"] = str(args.view_cache_mb)
    # views built at once per worker: about four across the server, so waits on the store overlap
    # while each view, once begun, finishes before the next (see api.app.Context.builds)
    os.environ.setdefault("JIANDU_VIEW_BUILDS", str(max(1, 4 // max(args.workers, 1))))
    if args.workers > 1:  # each worker process opens the store itself; the embedded server is shared
        from api.workers import serve

        os.environ[ENV_URL] = resolve_url(args.store)
        return serve(args.host, args.port, args.workers)
    uvicorn.run(create_app(args.store), host=args.host, port=args.port, log_level="warning", access_log=False)
    return 0


def cmd_keys(args: argparse.Namespace) -> int:
    from api.keys import KeyStore

    keys = KeyStore(Path(args.data) / "api_keys.json")
    if args.action == "create":
        out.print(keys.create(args.role, args.name or ""))
        err.print("请保存此密钥，它不会再次显示 (keep this key: it is not shown again)")
    elif args.action == "revoke":
        if not keys.revoke(args.key_id):
            err.print("没有该密钥或已吊销 (no such key, or already revoked)")
            return 1
        out.print("已吊销 (revoked)")
    else:
        for entry in keys.list():
            out.print(json.dumps(entry, ensure_ascii=False))
    return 0


# -- server --------------------------------------------------------------------------------
def cmd_server(args: argparse.Namespace) -> int:
    from graph.embedded import EmbeddedServer

    server = EmbeddedServer(args.path)
    pid = server.server_pid()
    if args.action == "status":
        out.print(f"运行中 (running), pid {pid}" if pid else "未运行 (not running)")
    elif args.action == "stop":
        server.stop()
        out.print("已停止 (stopped)")
    return 0


# -- wiring --------------------------------------------------------------------------------
def _param_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="jiandu",
        description="监督图谱 jiandu: 一把手监督关系知识图谱 (a knowledge graph of supervision around top leaders)",
    )
    parser.add_argument("--store", default=None,
                        help=f"存储地址 store URL (default ${ENV_URL} or falkordb+embedded://./.jiandu)")
    sub = parser.add_subparsers(dest="command", required=True)

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
    p.set_defaults(func=cmd_generate)

    p = sub.add_parser("stats", help="图谱统计 counts per label and type")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_stats)

    p = sub.add_parser("demo", help="演示: 用样例数据建图并检测 build the sample graph and run the detections")
    p.add_argument("--out", type=Path, default=Path("out"), help="输出目录 output folder for the report")
    p.set_defaults(func=cmd_demo)

    p = sub.add_parser("queries", help="列出检测查询 list the named queries")
    p.set_defaults(func=cmd_queries)

    p = sub.add_parser("query", help="运行检测查询 run a named query")
    p.add_argument("name")
    p.add_argument("--param", "-p", action="append", metavar="KEY=VALUE", help="参数 parameter (repeatable)")
    p.add_argument("--json", dest="format", action="store_const", const="json", default="table")
    p.add_argument("--csv", dest="format", action="store_const", const="csv")
    p.set_defaults(func=cmd_query)

    p = sub.add_parser("cypher", help="运行只读 Cypher run your own read-only Cypher")
    p.add_argument("text", nargs="?", help="查询文本; '-' 或省略则从标准输入读 (or '-' / nothing for stdin)")
    p.add_argument("--file", "-f", type=Path, help="从文件读取 read the query from a file")
    p.add_argument("--param", "-p", action="append", metavar="KEY=VALUE")
    p.add_argument("--timeout-ms", type=int, default=30_000)
    p.add_argument("--json", dest="format", action="store_const", const="json", default="table")
    p.add_argument("--csv", dest="format", action="store_const", const="csv")
    p.set_defaults(func=cmd_cypher)

    p = sub.add_parser("viz", help="画网络图 draw an interactive picture (offline HTML)")
    p.add_argument("kind", choices=["leader", "unit", "case", "query"])
    p.add_argument("target", help="id (leader/unit/case) 或查询名 or a query name")
    p.add_argument("-o", "--output", type=Path, required=True, help="输出 HTML 文件 output .html")
    p.add_argument("--depth", type=int, default=1, help="leader: 1–3 hops")
    p.add_argument("--limit", type=int, default=2000, help="最多节点 node limit")
    p.add_argument("--param", "-p", action="append", metavar="KEY=VALUE")
    p.set_defaults(func=cmd_viz)

    p = sub.add_parser("report", help="写检测报告 write the HTML report of every named query")
    p.add_argument("-o", "--output", type=Path, required=True, help="输出目录 output folder")
    p.add_argument("--as-of", help="基准日 YYYY-MM-DD for every query")
    p.set_defaults(func=cmd_report)

    p = sub.add_parser("serve", help="启动 HTTP API start the HTTP API")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8000)
    p.add_argument("--public", action="store_true", help="允许非回环地址 (containers only)")
    workers = default_workers()
    p.add_argument("--workers", type=int, default=workers,
                   help=f"工作进程数 worker processes (default: two per core, at most 4: {workers} here)")
    p.add_argument("--view-cache-mb", type=float, default=256,
                   help="视图缓存上限 view cache in the data folder, shared by the workers, MB (0 = off); "
                        "kept until the graph changes")
    p.set_defaults(func=cmd_serve)

    p = sub.add_parser("keys", help="API 密钥 API keys")
    p.add_argument("action", choices=["create", "list", "revoke"])
    p.add_argument("--role", choices=["viewer", "investigator", "admin"], default="viewer")
    p.add_argument("--name")
    p.add_argument("key_id", nargs="?")
    p.add_argument("--data", default=".jiandu", help="数据目录 data folder")
    p.set_defaults(func=cmd_keys)

    p = sub.add_parser("server", help="内置数据库 the embedded FalkorDB server")
    p.add_argument("action", choices=["status", "stop"])
    p.add_argument("--path", type=Path, default=Path(".jiandu"))
    p.set_defaults(func=cmd_server)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _param_parser().parse_args(argv)
    try:
        return args.func(args)
    except QueryError as exc:
        err.print(f"[red]查询参数错误 (bad query request)[/]: {exc}")
        return 2
    except StoreError as exc:
        err.print(f"[red]存储错误 (store error)[/]: {exc}")
        return 1
    except KeyboardInterrupt:
        err.print("已中断 (interrupted)")
        return 130


if __name__ == "__main__":
    sys.exit(main())
