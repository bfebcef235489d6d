"""``jiandu announcements`` (published lists of announced investigations), ``jiandu tenures``
(lists of who held which post when) and ``jiandu explain-merge`` (why two sources' people are one)."""

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
from jiandu.ingest.resolution import RULES_FILE
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
    tenures = args.command == "tenures"
    with store_of(args) as store:
        rules = args.rules or data_folder(store) / RULES_FILE
        try:
            done = import_list(store, args.file, source=args.source, rejects_dir=data_folder(store) / "rejects",
                               rules=rules, tenures=tenures)
        except TableError as exc:
            err.print(f"[red]无法读取名单 (cannot read the list)[/]: {exc}", highlight=False)
            return 2
        except OSError as exc:
            err.print(f"[red]无法读取文件 (cannot read the file)[/] {args.file}: {exc.strerror or exc}",
                      highlight=False)
            return 2
        except ValueError as exc:  # a rules file that cannot be read
            err.print(f"[red]合并规则有误 (merge rules)[/]: {exc}", highlight=False)
            return 2
        except IngestAborted as exc:
            err.print(f"[red]{exc}[/]")
            return 1
    print_report(done.report)
    found = done.resolution
    out.print(f"与图中已有人员合并 (merged with people already in the graph): {len(found.merged)}; "
              f"有多个可能对象未合并 (ambiguous, left apart): {len(found.ambiguous)}; "
              f"按规则分开 (kept apart by {rules}): {len(found.kept_apart)}; 撤销 undone: {len(done.undone)}",
              highlight=False)
    for incoming, others in list(found.ambiguous.items())[:10]:
        out.print(f"  可能同一人 (possibly one person): {incoming} ↔ {'、'.join(others)}", highlight=False)
    if found.merged:
        out.print("查看合并依据 (why): jiandu explain-merge ID", highlight=False)
    return 2 if done.report.rejected else 0


def cmd_explain_merge(args: argparse.Namespace) -> int:
    with store_of(args) as store:
        rules = args.rules or data_folder(store) / RULES_FILE
        rows = store.run("MATCH (l:Leader) WHERE l.id = $id OR $id IN coalesce(l.sources, []) "
                         "RETURN l.id, l.name, coalesce(l.sources, []), coalesce(l.merges, [])", {"id": args.id}).rows
    if not rows:
        err.print(f"[red]没有这个人员或来源行 (no leader, or source row, with this id)[/]: {args.id}", highlight=False)
        return 2
    for lid, name, sources, merges in rows:
        out.print(f"[bold]{lid}[/] {name}: 来源 {len(sources)} 行 (source rows)", highlight=False)
        for source in sources:
            out.print(f"  {source}", highlight=False)
        if not merges:
            out.print("  未与其他来源合并 (not merged with another source)")
        for entry in merges:
            row = entry.split(" ← ", 1)[0]
            out.print(f"  合并 merged {entry}", highlight=False)
            out.print(f"    撤销 (to undo): 在 {rules} 中加入一行 (add the line) 'apart {lid} {row}'，再导入该名单 "
                      f"(and import that list again)", highlight=False)
    return 0


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
    _import_verb(verbs, "导入图谱：人员、案件、单位、地区、任职 write the list into the graph")

    p = sub.add_parser("tenures", help="任职名单 lists of posts held (name,post,unit,region,start,end)")
    verbs = p.add_subparsers(dest="verb", required=True)
    _import_verb(verbs, "导入图谱：人员、单位、地区、任职 write the list into the graph")

    p = sub.add_parser("explain-merge", help="说明合并依据 why records from several sources are one person")
    p.add_argument("id", help="人员 id (Leader id), 或来源行 or a source row (FILE#L12)")
    p.add_argument("--rules", type=Path, help=f"合并规则文件 the rules file (default: DATA/{RULES_FILE})")
    p.set_defaults(func=cmd_explain_merge)


def _import_verb(verbs: argparse._SubParsersAction, text: str) -> None:
    v = verbs.add_parser("import", help=text)
    v.add_argument("file", type=Path, help=".csv (UTF-8 或 GBK) 或 .xlsx")
    v.add_argument("--source", help="来源名称 the name provenance gives the list (default: the file's path)")
    v.add_argument("--rules", type=Path, help=f"合并规则文件 'apart PERSON_ID ROW' lines (default: DATA/{RULES_FILE})")
    v.set_defaults(func=cmd_import)
