"""The one folder walk of ingest: which files below the given paths are data."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path


def walk(paths: Iterable[Path], suffixes: Iterable[str]) -> Iterator[Path]:
    """Files with one of `suffixes` below each given folder, sorted; files given by name as they are.

    Names starting with "." (.jiandu with its rejects, .git) or "_" (metadata such as
    _planted.json) are not data, at any depth below a given folder.
    """
    wanted = {s.lower() for s in suffixes}
    for path in paths:
        if path.is_dir():
            yield from sorted(
                p for p in path.rglob("*")
                if p.suffix.lower() in wanted and p.is_file()
                and not any(part[0] in "._" for part in p.relative_to(path).parts)
            )
        else:
            yield path
