"""Read one report or news article into plain text: .txt, .md or .html, UTF-8 or GBK.

Everything the extractor reports (spans, provenance) counts characters in ``Document.text``,
the plain text after HTML or Markdown is taken off. What cannot be read raises
``DocumentError`` with a message for the user; nothing is guessed.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

TEXT_SUFFIXES = {".txt": "text", ".md": "markdown", ".markdown": "markdown", ".html": "html", ".htm": "html"}
MAX_BYTES = 20 * 1024 * 1024


class DocumentError(ValueError):
    """A document that cannot be read; the message names the file and says why."""


@dataclass
class Document:
    name: str          # how provenance names it (file name)
    text: str
    sha256: str
    title: str | None = None
    published: str | None = None  # ISO date when the document states one
    encoding: str = "utf-8"


def read_document(path: Path, name: str | None = None) -> Document:
    name = name or path.name
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise DocumentError(f"{name}: 无法读取文件 (cannot read file): {exc.strerror or exc}") from None
    return parse_document(data, name, TEXT_SUFFIXES.get(path.suffix.lower(), "text"))


def parse_document(data: bytes, name: str, kind: str = "text") -> Document:
    """Decode and flatten ``data``; ``kind`` is text, markdown or html."""
    if len(data) > MAX_BYTES:
        raise DocumentError(f"{name}: 文件过大 (file too large): {len(data):,} 字节, 上限 {MAX_BYTES:,}")
    text, encoding = _decode(data, name)
    if kind == "html" or (kind == "text" and re.match(r"\s*<(!doctype html|html)", text[:200], re.I)):
        title, text = _html_text(text)
    else:
        title = None
        if kind == "markdown":
            text = _markdown_text(text)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise DocumentError(f"{name}: 文档没有文字 (the document has no text)")
    return Document(name=name, text=text, sha256=hashlib.sha256(data).hexdigest(), title=title or _first_line(text),
                    published=_published(text), encoding=encoding)


def _decode(data: bytes, name: str) -> tuple[str, str]:
    if not data.strip():
        raise DocumentError(f"{name}: 空文件 (empty file)")
    head = data[:8192]
    if b"\x00" in head:
        raise DocumentError(f"{name}: 不是文本文件 (binary file: contains NUL bytes)")
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        controls = sum(1 for ch in text[:8192] if ord(ch) < 32 and ch not in "\n\r\t\f")
        if controls > len(text[:8192]) * 0.05:
            raise DocumentError(f"{name}: 不是文本文件 (binary file: control characters)")
        return text, "utf-8" if encoding == "utf-8-sig" else "gbk"
    raise DocumentError(f"{name}: 无法识别的文字编码 (neither UTF-8 nor GBK/GB18030)")


class _HTMLText(HTMLParser):
    SKIP = {"script", "style", "noscript", "template", "head", "svg", "iframe"}
    BLOCK = {"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "section", "article", "table", "title"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.title: list[str] = []
        self._skip = 0
        self._in_title = False

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag == "title":
            self._in_title = True
        elif tag in self.SKIP:
            self._skip += 1
        if tag in self.BLOCK:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self._in_title = False
        elif tag in self.SKIP and self._skip:
            self._skip -= 1
        if tag in self.BLOCK:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title.append(data)
        elif not self._skip:
            self.parts.append(data)


def _html_text(html: str) -> tuple[str | None, str]:
    parser = _HTMLText()
    parser.feed(html)
    parser.close()
    text = re.sub(r"[ \t\u00a0]*\n[\s\u00a0]*", "\n", "".join(parser.parts)).strip()
    return ("".join(parser.title).strip() or None), text


def _markdown_text(text: str) -> str:
    text = re.sub(r"```.*?```", "", text, flags=re.S)
    text = re.sub(r"!\[([^\]]*)\]\([^)]*\)", r"\1", text)
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)
    text = re.sub(r"^\s{0,3}(#{1,6}|>|[-*+]|\d+\.)\s+", "", text, flags=re.M)
    return re.sub(r"(\*\*|__|\*|`)", "", text)


def _first_line(text: str) -> str:
    return next((line.strip() for line in text.splitlines() if line.strip()), "")[:100]


_DATE = re.compile(r"(20\d\d|19\d\d)[-年./](\d{1,2})[-月./](\d{1,2})")


def _published(text: str) -> str | None:
    """The publication date when the head of the document states one (发布时间: 2020-11-24)."""
    head = text[:600]
    marked = re.search(r"(发布时间|发布日期|时间|日期)[:：]\s*", head)
    match = _DATE.search(head, marked.end()) if marked else None
    if match is None:
        return None
    year, month, day = (int(g) for g in match.groups())
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return None
    return f"{year:04d}-{month:02d}-{day:02d}"
