"""A fictional supervision world of any size, deterministic by seed, with planted patterns.

Invented people in invented units with real-looking Chinese names. The background world is
well supervised on purpose: every 党委 member has a same-level act within a year, every 一把手
a talk from above within five months, every long tenure an audit, every clue is disposed
within two months, every finding past its deadline is closed. Against that background the
planted patterns (one set per city, listed in ``planted.json`` and ``PLANTED.md``) are the
only things the detection queries should find, unless ``noise`` adds random lapses.

Scale 1 is about 10k nodes (25 counties); scale 100 about 1M nodes and 5M relationships.
Rows are written as they are made, so memory does not grow with the scale.
"""

from __future__ import annotations

import json
from contextlib import ExitStack
from pathlib import Path
from typing import Any

from jiandu.ingest.generator.plants import write_planted_doc
from jiandu.ingest.generator.regions import build
from jiandu.ingest.generator.world import AS_OF, COUNTIES_PER_SCALE, PLANTED_FILE, World, Writer

__all__ = ["AS_OF", "PLANTED_FILE", "generate", "write_planted_doc"]


def generate(out: Path, scale: float = 1.0, seed: int = 7, noise: float = 0.02) -> dict[str, Any]:
    """Write the world's CSV files into ``out``; returns counts and what was planted."""
    out.mkdir(parents=True, exist_ok=True)
    counties = max(1, round(COUNTIES_PER_SCALE * scale))
    with ExitStack() as stack:
        writer = Writer(out, stack)
        world = World(writer, seed, noise)
        build(world, counties)
    planted = world.planted.entries
    meta = {"as_of": AS_OF.isoformat(), "scale": scale, "seed": seed, "noise": noise, "counties": counties,
            "counts": writer.counts, "planted": planted}
    (out / PLANTED_FILE).write_text(json.dumps(meta, ensure_ascii=False, indent=1, sort_keys=True) + "\n",
                                      encoding="utf-8")
    return meta
