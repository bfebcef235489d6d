"""The ``jiandu`` command line. Each command is a thin shell over the domain modules."""

from __future__ import annotations

import argparse
import sys

from jiandu.cli import announcements, data, demo, ledger, questions, service
from jiandu.cli.output import err
from jiandu.graph.store import StoreError
from jiandu.ledger import LedgerError, VersionConflict
from jiandu.queries.library import QueryError
from jiandu.settings import Settings


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="jiandu",
        description="监督图谱 jiandu: 一把手监督关系知识图谱 (a knowledge graph of supervision around top leaders)",
    )
    p.add_argument("--store", default=None,
                   help="存储地址 store URL (default $JIANDU_STORE or falkordb+embedded://./.jiandu)")
    sub = p.add_subparsers(dest="command", required=True)
    for commands in (data, announcements, demo, questions, ledger, service):
        commands.register(sub)
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    args.settings = Settings().with_flags(store=args.store)
    try:
        return args.func(args)
    except VersionConflict as exc:
        err.print(f"[red]版本冲突 (conflict)[/]: {exc}", highlight=False)
        return 3
    except LedgerError as exc:
        err.print(f"[red]台账拒绝 (refused)[/]: {exc}", highlight=False)
        return 2
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
