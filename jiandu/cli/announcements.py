"""``jiandu announcements``: published lists of announced investigations."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from jiandu.cli.data import print_report
from jiandu.cli.output import err, out, store_of
from jiandu.graph.connect import data_folder
from jiandu.ingest.announcements.parse import Rejected, parse_row
from jiandu.ingest.announcements.records import import_list
from jiandu.ingest.announcements.table import TableError, read_table
from jiandu.ingest.loader import IngestAborted
from jiandu.ingest.text.places import gazetteer


def cmd_parse(args: argparse.Namespace) -> int:
    gaz = gazetteer()
    rows = rejected = disagreeing = 0
    try:
        for row in read_table(args.file):
            parsed = parse_row(row, gaz)
            rows += 1
            if isinstance(parsed, Rejected):
                rejected += 1
                err.print(f"[yellow]拒收 (rejected)[/] {args.file}:第 {parsed.row} 行 (row) "
                          f"字段 (field) '{parsed.field}': {parsed.reason}", highlight=False)
            elif parsed.disagreements:
                disagreeing += 1
                for text in parsed.disagreements:
                    err.print(f"[yellow]不一致 (disagreement)[/] {args.file}:第 {parsed.row} 行 (row): {text}",
                              highlight=False)
            if args.jsonl:
                print(json.dumps(parsed.as_json(), ensure_ascii=False), flush=False)
            else:
                _print(parsed)
    except TableError as exc:
        err.print(f"[red]无法读取名单 (cannot read the list)[/]: {exc}", highlight=False)
        return 2
    except OSError as exc:
        err.print(f"[red]无法读取文件 (cannot read the file)[/] {args.file}: {exc.strerror or exc}", highlight=False)
        return 2
    err.print(f"共 {rows} 行 (rows), 拒收 rejected {rejected}, 与职务文本不一致 disagreeing {disagreeing}")
    return 2 if rejected else 0


def cmd_import(args: argparse.Namespace) -> int:
    with store_of(args) as store:
        try:
            report = import_list(store, args.file, source=args.source, rejects_dir=data_folder(store) / "rejects")
        except TableError as exc:
            err.print(f"[red]无法读取名单 (cannot read the list)[/]: {exc}", highlight=False)
            return 2
        except IngestAborted as exc:
            err.print(f"[red]{exc}[/]")
            return 1
    print_report(report)
    return 2 if report.rejected else 0


def _print(a) -> None:
    if isinstance(a, Rejected):
        out.print(f"{a.row}: [red]拒收 (rejected)[/] {a.reason}")
        return
    place = "".join(p for p in (a.province, a.prefecture, a.county) if p)
    out.print(f"{a.row}: {a.name} · {place or '地区不明 (place unknown)'} · {a.unit or ''} "
              f"{'原' if a.former else ''}{'、'.join(a.titles)} · {a.rank or '级别不明'} · {a.status or '状态不明'} · "
              f"{a.date or ''}", highlight=False)


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("announcements", help="审查调查/处分通报名单 published lists of announced investigations")
    verbs = p.add_subparsers(dest="verb", required=True)
    v = verbs.add_parser("parse", help="解析名单：推断地区、级别、状态 read a list, inferring place, rank and status")
    v.add_argument("file", type=Path, help=".csv (UTF-8 或 GBK) 或 .xlsx")
    v.add_argument("--jsonl", action="store_true", help="每行一个 JSON 对象 (one JSON object per row, in order)")
    v.set_defaults(func=cmd_parse)
    v = verbs.add_parser("import", help="导入图谱：人员、案件、单位、地区、任职 write the list into the graph")
    v.add_argument("file", type=Path, help=".csv (UTF-8 或 GBK) 或 .xlsx")
    v.add_argument("--source", help="来源名称 the name provenance gives the list (default: the file's path)")
    v.set_defaults(func=cmd_import)
