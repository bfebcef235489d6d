"""Stream raw records out of CSV, JSON and JSON Lines files, each with its line number.

Readers never load a whole file: memory stays flat however large the input. What cannot
be read (bad UTF-8, a truncated or malformed file) comes out as a ``Problem`` carrying the
raw text, so the loader can reject it with a clear message and keep it for the user.
"""

from __future__ import annotations

import codecs
import csv
import json
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

STRUCTURED_SUFFIXES = {".csv": "csv", ".json": "json", ".jsonl": "jsonl", ".ndjson": "jsonl"}
_CHUNK = 1 << 16


@dataclass
class Raw:
    line: int
    record: Any  # a dict for well-formed input


@dataclass
class Problem:
    line: int
    reason: str
    raw: str


SNIFF_BYTES = 1 << 20  # how much of a CSV file decides its encoding
MAX_FIELD_CHARS = 16 * 1024 * 1024  # the default for one CSV field (settings.max_field_chars)


def read_records(path: Path, fh: BinaryIO | None = None, encoding: str = "utf-8",
                 max_field: int = MAX_FIELD_CHARS) -> Iterator[Raw | Problem]:
    """Yield the records of ``path`` in order; the format comes from the suffix. ``encoding``
    and ``max_field`` (characters in one field) apply to CSV (``csv_encoding`` tells which
    encoding); JSON is UTF-8 by definition."""
    kind = STRUCTURED_SUFFIXES[path.suffix.lower()]
    own = fh is None
    fh = fh or open(path, "rb")  # noqa: SIM115 - closed below when we opened it
    try:
        if kind == "csv":
            yield from _csv(fh, encoding, max_field)
        else:
            yield from {"json": _json, "jsonl": _jsonl}[kind](fh)
    finally:
        if own:
            fh.close()


def csv_encoding(path: Path) -> str:
    """"utf-8", or "gb18030" for a file that Excel on Chinese Windows wrote (GBK is a subset).

    GB18030 only when no line with non-ASCII bytes in the first megabyte reads as UTF-8 and every
    such line reads as GB18030: a UTF-8 file with one damaged line stays UTF-8, and that line is
    rejected with its number.
    """
    try:
        with open(path, "rb") as fh:
            sample = fh.read(SNIFF_BYTES)
    except OSError:
        return "utf-8"
    lines = [line for line in sample.splitlines() if not line.isascii()]
    if len(sample) == SNIFF_BYTES and lines:
        lines.pop()  # the last line may be cut in the middle of a character
    if not lines or any(_decodes(line, "utf-8") for line in lines):
        return "utf-8"
    return "gb18030" if all(_decodes(line, "gb18030") for line in lines) else "utf-8"


def _decodes(data: bytes, encoding: str) -> bool:
    try:
        data.decode(encoding)
    except UnicodeDecodeError:
        return False
    return True


class _Lines:
    """Decoded lines for the csv module as (number, text), counting raw lines; an undecodable line,
    or one longer than ``max_line`` bytes, becomes a Problem instead."""

    def __init__(self, fh: BinaryIO, encoding: str = "utf-8", max_line: int = 8 * MAX_FIELD_CHARS):
        self.fh = fh
        self.encoding = encoding
        self.max_line = max_line
        self.number = 0
        self.problems: list[Problem] = []

    def __iter__(self) -> Iterator[tuple[int, str]]:
        first = "utf-8-sig" if self.encoding == "utf-8" else self.encoding
        name = "UTF-8" if self.encoding == "utf-8" else self.encoding.upper()
        limit = self.max_line + 1  # a line past the limit is never held in memory whole
        while raw := self.fh.readline(limit):
            self.number += 1
            if len(raw) == limit and not raw.endswith(b"\n"):
                while (more := self.fh.readline(limit)) and not more.endswith(b"\n"):
                    pass
                self.problems.append(Problem(
                    self.number, f"行超过上限 {self.max_line} 字节，整行未读入 (line over the limit of "
                    f"{self.max_line} bytes, skipped; raise JIANDU_MAX_FIELD_CHARS)",
                    raw[:2000].decode("utf-8", "backslashreplace") + " …"))
                continue
            try:
                yield self.number, raw.decode(first if self.number == 1 else self.encoding)
            except UnicodeDecodeError as exc:
                self.problems.append(Problem(
                    self.number, f"不是有效的 {name} 编码 (invalid {name} at byte {exc.start}); 请以 UTF-8 保存文件",
                    raw.decode("utf-8", "backslashreplace").rstrip("\r\n")))


def _csv_problem(exc: csv.Error, max_field: int) -> str:
    said = str(exc)
    if "field larger than field limit" in said:
        return (f"字段超过上限 {max_field} 个字符 (a field is over the limit of {max_field} characters; "
                "raise JIANDU_MAX_FIELD_CHARS)")
    if "unexpected end of data" in said or "newline inside string" in said:
        return "引号未闭合 (unterminated quote): 此行起的引号直到文件末尾都没有结束; 下一行起照常读入 " \
               "(the rows after this line are read as usual)"
    return f"CSV 引号格式错误 (malformed quote): {said}; 下一行起照常读入 (the rows after this line are read as usual)"


def _csv(fh: BinaryIO, encoding: str = "utf-8", max_field: int = MAX_FIELD_CHARS) -> Iterator[Raw | Problem]:
    """Records of a CSV file, each with the line it starts on.

    A record the csv module cannot read (a quote left open or followed by text, a field over
    ``max_field``) is a Problem naming the line it starts on, and reading goes on from the line
    after it: the lines a broken quote took in are read again as records of their own.
    """
    csv.field_size_limit(max_field)  # the module's limit is process-wide: set it for each file read
    lines = _Lines(fh, encoding, 8 * max_field)  # bytes: up to 4 a character, and other fields beside it
    source = iter(lines)
    again: deque[tuple[int, str]] = deque()  # lines to read again after a record that failed
    taken: list[tuple[int, str]] = []  # the lines of the record being read

    def feed() -> Iterator[str]:
        while True:
            item = again.popleft() if again else next(source, None)
            if item is None:
                return
            taken.append(item)
            yield item[1]

    header: list[str] | None = None
    while True:
        try:
            for cells in csv.reader(feed(), strict=True):
                start = taken[0][0]
                taken.clear()
                yield from lines.problems
                lines.problems.clear()
                if header is None:
                    header = [c.strip() for c in cells]
                    continue
                if not any(c.strip() for c in cells):
                    continue
                if len(cells) != len(header):
                    more = len(cells) > len(header)
                    yield Problem(start, f"单元格数 {len(cells)} {'多' if more else '少'}于表头列数 {len(header)} "
                                  f"(row has {len(cells)} cells, the header {len(header)})", ",".join(cells))
                    continue
                yield Raw(start, {h: c for h, c in zip(header, cells, strict=True) if h})
            break
        except csv.Error as exc:
            (start, text), rest = taken[0], taken[1:]
            taken.clear()
            again.extendleft(reversed(rest))
            yield from lines.problems
            lines.problems.clear()
            yield Problem(start, _csv_problem(exc, max_field), text.rstrip("\r\n"))
    yield from lines.problems


def _jsonl(fh: BinaryIO) -> Iterator[Raw | Problem]:
    for number, raw in enumerate(fh, start=1):
        try:
            text = raw.decode("utf-8-sig" if number == 1 else "utf-8")
        except UnicodeDecodeError as exc:
            yield Problem(number, f"不是有效的 UTF-8 编码 (invalid UTF-8 at byte {exc.start})",
                          raw.decode("utf-8", "backslashreplace"))
            continue
        if not text.strip():
            continue
        try:
            yield Raw(number, json.loads(text))
        except json.JSONDecodeError as exc:
            truncated = not text.endswith("\n")
            reason = "JSON 不完整，文件可能被截断 (truncated JSON line)" if truncated else \
                f"JSON 格式错误 (malformed JSON): {exc.msg} at column {exc.colno}"
            yield Problem(number, reason, text.rstrip("\n"))


def _has_surrogates(value: Any) -> bool:
    if isinstance(value, str):
        return any("\udc80" <= ch <= "\udcff" for ch in value)
    if isinstance(value, dict):
        return any(_has_surrogates(k) or _has_surrogates(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_surrogates(v) for v in value)
    return False


def _json(fh: BinaryIO) -> Iterator[Raw | Problem]:
    """A top-level array of records (or one record), parsed incrementally."""
    decoder = json.JSONDecoder()
    text_decoder = codecs.getincrementaldecoder("utf-8")("surrogateescape")
    buf, pos, line, eof, started = "", 0, 1, False, False

    def fill() -> bool:
        nonlocal buf, pos, eof
        if eof:
            return False
        chunk = fh.read(_CHUNK)
        eof = not chunk
        buf = buf[pos:] + text_decoder.decode(chunk, final=eof)
        pos = 0
        if buf.startswith("\ufeff") and not started:
            buf = buf[1:]
        return True

    def skip_space() -> None:
        nonlocal pos, line
        while True:
            while pos < len(buf) and buf[pos] in " \t\r\n":
                line += buf[pos] == "\n"
                pos += 1
            if pos < len(buf) or not fill():
                return

    def rest() -> str:
        while fill():
            pass
        return buf[pos:].encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")

    skip_space()
    if pos >= len(buf):
        return
    single = buf[pos] == "{"
    if not single:
        if buf[pos] != "[":
            yield Problem(line, "JSON 文件应为记录数组 (expected a JSON array of records)", rest())
            return
        pos += 1
    started = True
    while True:
        skip_space()
        if pos >= len(buf):
            yield Problem(line, "JSON 数组未结束，文件可能被截断 (truncated JSON: missing ']')", "")
            return
        if not single and buf[pos] == "]":
            return
        if not single and buf[pos] == ",":
            pos += 1
            continue
        while True:
            try:
                obj, end = decoder.raw_decode(buf, pos)
                break
            except json.JSONDecodeError as exc:
                if fill():
                    continue
                truncated = exc.pos >= len(buf) - 1 or "Unterminated" in exc.msg or "Expecting" in exc.msg
                reason = ("JSON 不完整，文件可能被截断 (truncated JSON)" if truncated
                          else f"JSON 格式错误 (malformed JSON): {exc.msg}")
                yield Problem(line, reason + "; 此处之后的内容未读入 (the rest of the file was not read)", rest())
                return
        start_line = line
        line += buf.count("\n", pos, end)
        pos = end
        if _has_surrogates(obj):
            raw = json.dumps(obj, ensure_ascii=False).encode("utf-8", "surrogateescape")
            yield Problem(start_line, "记录含无效 UTF-8 字节 (record holds invalid UTF-8)",
                          raw.decode("utf-8", "backslashreplace"))
        else:
            yield Raw(start_line, obj)
        if single:
            return
