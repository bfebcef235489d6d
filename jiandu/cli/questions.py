"""Commands that ask the graph: named queries, your own Cypher, pictures and the report."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from rich.markup import escape
from rich.table import Table

from jiandu.cli.output import err, out, params, print_result, store_of
from jiandu.queries import guard
from jiandu.queries.asked import EngineRefused, ask, vet
from jiandu.queries.library import REFERENCE_DATES, get, library, on_day
from jiandu.views import Ambiguous, ReadModel, Subgraph
from jiandu.visualizations.render import write
from jiandu.visualizations.report import ReportError, write_report


def cmd_queries(args: argparse.Namespace) -> int:
    table = Table(title="检测查询 (named queries)")
    table.add_column("名称 name")
    table.add_column("说明 what it answers", overflow="fold")
    table.add_column("参数 parameters", overflow="fold")
    for q in library().values():
        shown = ", ".join(f"{p.name}={p.default}" + (f" ({'/'.join(p.values)})" if p.values else "")
                          for p in q.params.values())
        table.add_row(q.name, f"{q.title}\n{q.zh}", shown)
    out.print(table)
    return 0


def cmd_query(args: argparse.Namespace) -> int:
    query = get(args.name)
    given = params(args.param)
    with store_of(args) as store:
        found = ReadModel(store).pattern(query.name, given)
    if found.as_of is not None:  # with --json/--csv the header goes to stderr, leaving stdout parseable
        given_day = any(given.get(k) for k in REFERENCE_DATES)
        whence = "指定 given" if given_day else "数据中最晚的日期 the latest date in the data"
        (out if args.format == "table" else err).print(f"基准日 as of {found.as_of} ({whence})", highlight=False)
    print_result(found.result, args.format, f"{query.name} · {query.title}")
    return 0


def cmd_cypher(args: argparse.Namespace) -> int:
    if args.file:
        text = args.file.read_text(encoding="utf-8")
    elif args.text in (None, "-"):
        text = sys.stdin.read()
    else:
        text = args.text
    given = {k: _literal_param(v) for k, v in params(args.param).items()}
    try:
        warnings = vet(text)  # refused before a store is opened
    except guard.Rejected as exc:
        err.print(f"[red]拒绝 (refused)[/]: {escape(str(exc))}")
        return 2
    for warning in warnings:
        err.print(f"[yellow]警告 warning[/]: {escape(str(warning))}")
    with store_of(args) as store:
        try:
            asked = ask(store, text, given, timeout_ms=args.timeout_ms, vetted=warnings)  # the API's path
        except EngineRefused as exc:
            err.print(f"[red]拒绝 (refused)[/]: {escape(str(exc))}")
            return 2
    print_result(asked.result, args.format)
    return 0


def _literal_param(value: str) -> Any:
    """--param values: JSON when they parse as JSON (numbers, true, lists), else plain text."""
    try:
        return json.loads(value)
    except json.JSONDecodeError:
        return value


VIEWED = {"leader": "Leader", "unit": "Unit", "case": "Case"}


def cmd_viz(args: argparse.Namespace) -> int:
    with store_of(args) as store:
        model = ReadModel(store)
        sub: Subgraph
        if args.kind in VIEWED:
            try:
                target = model.identify(VIEWED[args.kind], args.target)  # a name will do
            except Ambiguous as exc:
                err.print(f"[yellow]{escape(args.target)} 对应多个 (several match); 请用 id (use an id):[/]")
                for node_id, name in exc.candidates:
                    err.print(f"  {node_id}  {name}", highlight=False)
                return 2
            if target != args.target:
                out.print(f"{args.target} → {target}")
        if args.kind == "leader":
            sub = model.neighbourhood("Leader", target, depth=args.depth, limit=args.limit)
        elif args.kind == "unit":
            sub = model.unit_tree(target, limit=args.limit)
        elif args.kind == "case":
            sub = model.case_network(target, limit=args.limit)
        else:
            sub = model.pattern_graph(model.pattern(args.target, params(args.param)), limit=args.limit)
    path = write(sub, f"{args.kind} · {args.target}", args.output)
    out.print(f"已写入 (written) {path}: {len(sub.nodes)} 个节点 nodes, {len(sub.edges)} 条关系 edges"
              + (f", 截断 left out {sub.left_out}" if sub.left_out else ""))
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    dated = {name: on_day(query, args.as_of) for name, query in library().items()}
    with store_of(args) as store:
        try:
            index = write_report(ReadModel(store), args.output, dated)
        except ReportError as exc:
            err.print(f"[red]{exc}[/]", highlight=False)
            return 1
    out.print(f"报告已写入 (report written): {index}")
    return 0


def register(sub: argparse._SubParsersAction) -> None:
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
    p.add_argument("target", help="id 或名称、拼音 (leader/unit/case: an id, a name, pinyin) 或查询名 or a query name")
    p.add_argument("-o", "--output", type=Path, required=True, help="输出 HTML 文件 output .html")
    p.add_argument("--depth", type=int, default=1, help="leader: 1–3 hops")
    p.add_argument("--limit", type=int, default=2000, help="最多节点 node limit")
    p.add_argument("--param", "-p", action="append", metavar="KEY=VALUE")
    p.set_defaults(func=cmd_viz)

    p = sub.add_parser("report", help="写检测报告 write the HTML report of every named query")
    p.add_argument("-o", "--output", type=Path, required=True, help="输出目录 output folder")
    p.add_argument("--as-of", help="基准日 YYYY-MM-DD for every query")
    p.set_defaults(func=cmd_report)
