"""Commands of the supervision ledger (台账) and its alerts."""

from __future__ import annotations

import argparse
import getpass
import json
import sys
from pathlib import Path

from rich.markup import escape
from rich.table import Table

from jiandu.cli.output import err, out, params, store_of
from jiandu.graph.ontology import ONTOLOGY
from jiandu.ledger import RULES, Item, Ledger, Listing, alert_queries, run_alerts
from jiandu.ledger.intake import by_hand, from_clues, from_findings, uncollected_findings

VERBS = [name for name in RULES.steps if name != "open"]  # open is `ledger open`, `collect` or `alerts run`


def _ledger(args: argparse.Namespace, store) -> Ledger:
    return Ledger(store, args.settings)


def listing_table(listing: Listing) -> Table:
    table = Table(title=f"监督台账 (supervision ledger) · 基准日 as of {listing.as_of}")
    for column in ("编号 id", "问题 problem", "整改单位 unit", "第一责任人 leader", "状态 state", "整改期限 deadline",
                   "预警 colour", "逾期天数 days over", "版本 version"):
        table.add_column(column, overflow="fold")
    for i in listing.items:
        table.add_row(i.id, i.name, i.unit or "", i.leader or "", f"{i.state} {i.state_zh}", i.deadline or "",
                      i.colour or "", "" if i.overdue_days is None else str(i.overdue_days), str(i.version))
    return table


def cmd_list(args: argparse.Namespace) -> int:
    with store_of(args) as store:
        ledger = _ledger(args, store)
        listing = ledger.list(state=args.state, colour_name=args.colour, unit=args.unit, leader=args.leader,
                              overdue=args.overdue, as_of=args.as_of, limit=None if args.all else args.limit,
                              offset=args.offset)
        if args.format == "json":
            print(json.dumps(listing.as_json(), ensure_ascii=False, indent=2))
        elif args.format == "csv":
            sys.stdout.write(ledger.to_csv(listing))
        else:
            out.print(listing_table(listing))
            out.print(f"共 {listing.total} 项 items · 状态 by state: "
                      + "、".join(f"{k} {v}" for k, v in sorted(listing.by_state.items()))
                      + " · 颜色 by colour: " + "、".join(f"{k} {v}" for k, v in sorted(listing.by_colour.items())),
                      highlight=False)
    return 0


def _print_item(item: Item) -> None:
    out.rule(f"{item.id} · {escape(item.name)}")
    facts = [("来源 origin", item.origin), ("出处 raised from", item.source), ("整改单位 unit", item.unit),
             ("第一责任人 leader", item.leader), ("报送上级党委 committee", item.committee),
             ("状态 state", f"{item.state} {item.state_zh} · {item.loop}"), ("版本 version", item.version),
             ("立账 opened", item.opened), ("整改期限 deadline", item.deadline), ("预警 colour", item.colour or "—"),
             ("逾期天数 days over", item.overdue_days), ("可进行 next", "、".join(item.next_steps) or "—")]
    for name, value in facts:
        out.print(f"{name}: {'' if value is None else escape(str(value))}", highlight=False)
    table = Table(title="记录 (timeline)")
    for column in ("#", "日期 date", "环节 step", "经办人 actor", "状态 state", "责任人/期限 owner/due", "说明 note",
                   "来源 source"):
        table.add_column(column, overflow="fold")
    for e in item.entries:
        table.add_row(str(e.get("seq")), str(e.get("date")), e.get("step") or "", e.get("actor") or "",
                      f"{e.get('from_state') or ''} → {e.get('to_state')}",
                      " ".join(str(x) for x in (e.get("owner"), e.get("due")) if x), e.get("note") or "",
                      "、".join(e.get("sources") or []))
    out.print(table)


def cmd_show(args: argparse.Namespace) -> int:
    with store_of(args) as store:
        item = _ledger(args, store).show(args.id, as_of=args.as_of)
    if args.json:
        print(json.dumps(item.as_json(), ensure_ascii=False, indent=2, default=str))
    else:
        _print_item(item)
    return 0


def cmd_step(args: argparse.Namespace) -> int:
    with store_of(args) as store:
        item = _ledger(args, store).take(args.id, args.verb, actor=args.actor, date=args.date, version=args.version,
                                         note=args.note, owner=getattr(args, "owner", None),
                                         due=getattr(args, "due", None), source=f"cli:{args.actor}")
    out.print(f"{item.id}: {RULES.steps[args.verb].zh} {args.verb} → {item.state} {item.state_zh} "
              f"(版本 version {item.version}); 可进行 next: {'、'.join(item.next_steps) or '—'}", highlight=False)
    return 0


def cmd_open(args: argparse.Namespace) -> int:
    source = f"cli:{args.actor}"
    with store_of(args) as store:
        ledger = _ledger(args, store)
        if args.finding:
            opened, had = from_findings(ledger, args.finding, actor=args.actor, source=source)
        elif args.clue:
            opened, had = from_clues(ledger, args.clue, actor=args.actor, source=source)
        else:
            if not (args.unit and args.name):
                err.print("[red]请给出 --finding、--clue，或 --unit 与 --name (give --finding, --clue, or --unit and "
                          "--name)[/]")
                return 2
            opened, had = by_hand(ledger, unit=args.unit, name=args.name, opened=ledger.as_of(args.date),
                                  deadline=args.deadline, origin=args.origin, actor=args.actor, source=source)
    out.print(f"立账 opened {len(opened)}: {' '.join(opened)}" + (f"; 已在台账 already there {len(had)}: "
                                                                  f"{' '.join(had)}" if had else ""))
    return 0


def cmd_collect(args: argparse.Namespace) -> int:
    with store_of(args) as store:
        ledger = _ledger(args, store)
        opened, _ = from_findings(ledger, uncollected_findings(ledger), actor=args.actor,
                                  source=f"cli:{args.actor}")
    out.print(f"汇总问题建立台账 (collected): {len(opened)} 个未销号问题入账 open findings entered the ledger")
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    with store_of(args) as store:
        ledger = _ledger(args, store)
        listing = ledger.list(state=args.state, colour_name=args.colour, unit=args.unit, overdue=args.overdue,
                              as_of=args.as_of, limit=None)
        if args.format == "xlsx":
            args.output.write_bytes(ledger.to_xlsx(listing))
        else:
            args.output.write_text(ledger.to_csv(listing), encoding="utf-8-sig")  # a BOM: Excel reads it as UTF-8
    out.print(f"已写入 (written) {args.output}: {len(listing.items)} 项 items, 基准日 as of {listing.as_of}")
    return 0


def cmd_alerts_run(args: argparse.Namespace) -> int:
    with store_of(args) as store:
        runs = run_alerts(Ledger(store, args.settings), args.names, as_of=args.as_of, params=params(args.param),
                          actor=args.actor)
    if args.json:
        print(json.dumps([r.as_json() for r in runs], ensure_ascii=False, indent=2, default=str))
        return 0
    table = Table(title=f"预警 (alerts) · 基准日 as of {runs[0].as_of if runs else '—'}")
    for column in ("预警 alert", "命中行 rows", "新增 new", "仍在 unchanged", "消失 gone",
                   "已销号又出现 closed, found again"):
        table.add_column(column, overflow="fold")
    for r in runs:
        table.add_row(r.alert, str(r.rows), str(len(r.new)), str(len(r.unchanged)),
                      " ".join(r.gone) or "0", " ".join(r.closed_again) or "0")
    out.print(table)
    return 0


def cmd_alerts_list(args: argparse.Namespace) -> int:
    for name, query in alert_queries().items():
        out.print(f"{name} · {query.title} · 对象 subject {query.alert.label}:{query.alert.column}", highlight=False)
    return 0


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument("--actor", default=getpass.getuser(), help="经办人 who takes the step (default: your user name)")
    p.add_argument("--date", help="日期 YYYY-MM-DD the day it happened (default: today)")


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("ledger", help="监督台账 the supervision ledger: list, show, take steps, export")
    steps = p.add_subparsers(dest="ledger_command", required=True)

    q = steps.add_parser("list", help="列出台账 list items, most urgent first")
    q.add_argument("--state", choices=list(RULES.states))
    q.add_argument("--colour", "--color", help="预警颜色 蓝/黄/红/无 (blue/yellow/red/none)")
    q.add_argument("--unit", help="整改单位 id")
    q.add_argument("--leader", help="第一责任人 id")
    q.add_argument("--overdue", action="store_true", help="只列逾期未销号 only items past their deadline, not closed")
    q.add_argument("--as-of", help="基准日 YYYY-MM-DD (default: the latest date in the data)")
    q.add_argument("--limit", type=int, default=50)
    q.add_argument("--offset", type=int, default=0)
    q.add_argument("--all", action="store_true", help="全部 every item, no limit")
    q.add_argument("--json", dest="format", action="store_const", const="json", default="table")
    q.add_argument("--csv", dest="format", action="store_const", const="csv")
    q.set_defaults(func=cmd_list)

    q = steps.add_parser("show", help="一项台账及其记录 one item and its timeline")
    q.add_argument("id")
    q.add_argument("--as-of")
    q.add_argument("--json", action="store_true")
    q.set_defaults(func=cmd_show)

    q = steps.add_parser("open", help="立账 open items: from findings, clues, or described by hand")
    q.add_argument("--finding", nargs="+", metavar="ID")
    q.add_argument("--clue", nargs="+", metavar="ID")
    q.add_argument("--unit", help="整改单位 id (by hand)")
    q.add_argument("--name", help="问题 the problem (by hand)")
    q.add_argument("--origin", default="日常监督", choices=list(ONTOLOGY.node("LedgerItem").prop("origin").values))
    q.add_argument("--deadline", help="整改期限 YYYY-MM-DD (default: the settings' term)")
    _common(q)
    q.set_defaults(func=cmd_open)

    q = steps.add_parser("collect", help="汇总问题建立台账 every open finding not yet in the ledger")
    _common(q)
    q.set_defaults(func=cmd_collect)

    for verb in VERBS:
        spec = RULES.steps[verb]
        q = steps.add_parser(verb, help=f"{spec.zh} ({verb}): 于 {'/'.join(spec.sources)} 状态 (in these states)")
        q.add_argument("id")
        q.add_argument("--version", type=int, help="你看到的版本 the version you saw: refused if it has moved on")
        q.add_argument("--note", "--why", dest="note", help="说明或理由 note or reason"
                       + (" (必填 required)" if "note" in spec.needs else ""))
        if verb == "assign":
            q.add_argument("--owner", required=True, help="责任人 who must rectify")
            q.add_argument("--due", help="任务期限 YYYY-MM-DD")
        _common(q)
        q.set_defaults(func=cmd_step, verb=verb)

    q = steps.add_parser("export", help="导出台账 export items as CSV or XLSX (sheet 记录: every entry)")
    q.add_argument("--format", choices=["csv", "xlsx"], required=True)
    q.add_argument("-o", "--output", type=Path, required=True)
    q.add_argument("--state", choices=list(RULES.states))
    q.add_argument("--colour", "--color")
    q.add_argument("--unit")
    q.add_argument("--overdue", action="store_true")
    q.add_argument("--as-of")
    q.set_defaults(func=cmd_export)

    p = sub.add_parser("alerts", help="预警 run named queries as alerts that feed the ledger")
    alerts = p.add_subparsers(dest="alerts_command", required=True)
    q = alerts.add_parser("run", help="运行预警 run alerts (all, or those named) and bring their rows into the ledger")
    q.add_argument("names", nargs="*", help="预警名 alert names (jiandu alerts list)")
    q.add_argument("--as-of", help="基准日 YYYY-MM-DD (default: the latest date in the data)")
    q.add_argument("--param", "-p", action="append", metavar="KEY=VALUE", help="参数, 给有此参数的预警 (to every "
                                                                               "alert that has it)")
    q.add_argument("--actor", default="alerts", help="立账人 who opens the items (default: alerts)")
    q.add_argument("--json", action="store_true")
    q.set_defaults(func=cmd_alerts_run)
    q = alerts.add_parser("list", help="可用预警 the alerts there are")
    q.set_defaults(func=cmd_alerts_list)


