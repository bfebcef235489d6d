"""Read an announcement list (CSV in UTF-8 or GB18030, or XLSX) into rows keyed by field name.

Headers may be Chinese or English; ``FIELDS`` lists the names each field goes by. Row numbers
are the file's own (the header is row 1), so a message or a reject names the row a user sees in
their spreadsheet.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from jiandu.ingest.readers import csv_encoding

FIELDS: dict[str, tuple[str, ...]] = {
    "name": ("name", "姓名", "名字"),
    "province": ("province", "省", "省份", "省别"),
    "prefecture": ("prefecture", "city", "市", "地市", "地级市", "市州"),
    "county": ("county", "县", "区县", "县区", "县市区"),
    "position": ("position", "职务", "职位", "原职务", "身份"),
    "reason": ("reason", "事由", "通报", "通报内容", "处理"),
    "date": ("date", "日期", "时间", "通报时间", "发布时间"),
    "rank": ("rank", "级别", "职级"),
    "gender": ("gender", "性别"),
}
REQUIRED = ("name", "position")


@dataclass(frozen=True)
class Fields:
    """A kind of list: the names each field goes by, and the fields it cannot do without."""
    names: dict[str, tuple[str, ...]]
    required: tuple[str, ...]


ANNOUNCEMENT_FIELDS = Fields(FIELDS, REQUIRED)
TENURE_FIELDS = Fields({
    "name": ("name", "姓名"), "post": ("post", "职务", "职位"), "unit": ("unit", "单位", "任职单位"),
    "region": ("region", "地区", "所在地"), "start": ("start", "任职开始", "开始", "起始时间"),
    "end": ("end", "任职结束", "结束", "终止时间"),
}, ("name", "post", "unit"))


class TableError(ValueError):
    """The file cannot be read as a list: its type, its encoding, or a missing required column."""


@dataclass
class Row:
    number: int               # the file's row number (header = 1)
    cells: dict[str, str]     # field → cell text, stripped; fields the file lacks are absent


def _field_of(header: str, fields: Fields) -> str | None:
    key = header.strip().lstrip("\ufeff").lower()
    return next((f for f, names in fields.names.items() if key in names), None)


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _rows(lines: Iterator[list[object]], source: str, fields: Fields) -> Iterator[Row]:
    header = next(lines, None)
    if header is None:
        raise TableError(f"{source}: 文件为空 (the file is empty)")
    columns = [_field_of(_cell(h), fields) for h in header]
    missing = [f for f in fields.required if f not in columns]
    if missing:
        raise TableError(f"{source}: 缺少必需的列 (missing required columns) {', '.join(missing)}; "
                         f"表头 (header): {', '.join(_cell(h) for h in header)}")
    for number, values in enumerate(lines, start=2):
        cells = {f: _cell(v) for f, v in zip(columns, values, strict=False) if f is not None}
        if any(cells.values()):
            yield Row(number, cells)


def read_table(path: Path, fields: Fields | None = None) -> Iterator[Row]:
    """The rows of ``path`` in file order (an announcement list unless ``fields`` says another
    kind); blank rows are skipped."""
    fields = fields or ANNOUNCEMENT_FIELDS
    suffix = path.suffix.lower()
    if suffix == ".csv":
        encoding = csv_encoding(path)
        with open(path, encoding=encoding, newline="", errors="replace") as fh:
            yield from _rows(iter(csv.reader(fh)), str(path), fields)
    elif suffix in (".xlsx", ".xlsm"):
        import openpyxl  # only XLSX needs it; the import costs a third of a second

        try:
            book = openpyxl.load_workbook(path, read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises zipfile, KeyError and its own errors alike
            raise TableError(f"{path}: 无法读取 XLSX (cannot read the workbook): {exc}") from None
        try:
            yield from _rows(iter(book.worksheets[0].iter_rows(values_only=True)), str(path), fields)
        finally:
            book.close()
    else:
        raise TableError(f"{path}: 不支持的文件类型 (unsupported file type) {path.suffix!r}; use .csv or .xlsx")


def read_text(text: str, source: str = "<text>", fields: Fields | None = None) -> Iterator[Row]:
    """Rows of CSV text (for tests and the API)."""
    return _rows(iter(csv.reader(io.StringIO(text))), source, fields or ANNOUNCEMENT_FIELDS)
