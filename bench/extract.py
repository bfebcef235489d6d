"""Extraction speed: characters per second over the seed and corpus articles, each repeated to at
least 1 MB (a long document must cost in proportion to its length).

    python bench/extract.py [--docs ../shared/seeds ../shared/corpus] [--size 1000000]

One process, one core (extraction is single-threaded). Prints the one-off cost of loading the
word lists and the gazetteer (there is no statistical model to load), then the figure per
document and in total; the goal is ≥ 20,000 characters per second.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from jiandu.ingest.text.document import parse_document
from jiandu.ingest.text.extract import extract
from jiandu.ingest.text.lexicon import common_words, function_words
from jiandu.ingest.text.places import gazetteer


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    shared = Path(__file__).resolve().parents[2] / "shared"
    parser.add_argument("--docs", type=Path, nargs="+", default=[shared / "seeds", shared / "corpus"])
    parser.add_argument("--size", type=int, default=1_000_000, help="characters per repeated document")
    args = parser.parse_args()
    started = time.perf_counter()
    gazetteer()
    common_words()
    function_words()
    print(f"地名库与词表加载 (gazetteer and word lists, no model): {time.perf_counter() - started:.2f} s "
          "(once per process)")
    total_chars = total_seconds = 0.0
    for path in sorted(p for folder in args.docs for p in folder.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        big = text * (args.size // len(text) + 1)
        doc = parse_document(big.encode("utf-8"), path.name)
        started = time.perf_counter()
        result = extract(doc).as_json()
        seconds = time.perf_counter() - started
        total_chars += len(doc.text)
        total_seconds += seconds
        print(f"{path.name}: {len(doc.text):,} 字符 chars in {seconds:.2f} s = {len(doc.text) / seconds:,.0f} chars/s "
              f"({len(result['persons'])} persons, {len(result['organizations'])} organisations, "
              f"{len(result['actions'])} acts)")
    print(f"合计 (total): {total_chars:,.0f} chars in {total_seconds:.2f} s = {total_chars / total_seconds:,.0f} "
          "chars/s (goal ≥ 20,000)")


if __name__ == "__main__":
    main()
