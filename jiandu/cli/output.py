"""What every command shares: the consoles, the store a command opens, parameters, tables."""

from __future__ import annotations

import argparse
import csv
import json
import sys

from rich.console import Console
from rich.table import Table

from jiandu.graph.connect import open_store
from jiandu.graph.ontology import ONTOLOGY, csv_cell
from jiandu.graph.store import Result, Store
from jiandu.queries.library import QueryError

out = Console(soft_wrap=True, width=None if sys.stdout.isatty() else 160)
err = Console(stderr=True, soft_wrap=True)


def store_of(args: argparse.Namespace) -> Store:
    """The store the command line names (--store, else the settings')."""
    return open_store(settings=args.settings)


def params(pairs: list[str] | None) -> dict[str, str]:
    """`-p key=value` pairs as a dict."""
    given = {}
    for pair in pairs or []:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise QueryError(f"参数格式应为 key=value (parameters are key=value): {pair!r}")
        given[key.strip()] = value
    return given


def print_result(result: Result, fmt: str, title: str | None = None) -> None:
    """A result as a table, JSON or CSV on standard output."""
    if fmt == "json":
        print(json.dumps(result.records(), ensure_ascii=False, indent=2, default=str))
        return
    if fmt == "csv":
        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(result.columns)
        for row in result.rows:
            writer.writerow([csv_cell(v) for v in row])
        return
    table = Table(title=title, show_lines=False)
    for column in result.columns:
        table.add_column(column, overflow="fold")
    for row in result.rows:
        table.add_row(*("、".join(map(str, v)) if isinstance(v, list) else ("" if v is None else str(v)) for v in row))
    out.print(table)
    out.print(f"{len(result.rows)} 行 rows")


def counts_table(counts: dict[str, dict[str, int]], expected: dict[str, int] | None = None) -> tuple[Table, bool]:
    """Counts per label and type; with `expected`, a column saying whether each matches."""
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
