"""``jiandu ingest report.txt``: read, extract and write documents, one at a time.

A document that cannot be read or extracted is reported, kept in the rejects file by name,
and leaves nothing in the graph; the other documents still land.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from jiandu.graph.store import Store, StoreError
from jiandu.ingest.files import walk
from jiandu.ingest.loader import IngestAborted, IngestReport, Reject, keep_reject, source_name
from jiandu.ingest.text.document import TEXT_SUFFIXES, Document, DocumentError, read_document
from jiandu.ingest.text.extract import extract
from jiandu.ingest.text.places import Gazetteer, gazetteer
from jiandu.ingest.text.records import GraphIndex, graph_regions, write_document

# In a folder, only these are taken as documents: a Markdown file there is more often a README.
FOLDER_SUFFIXES = (".txt", ".html", ".htm")


def is_document(path: Path) -> bool:
    return path.suffix.lower() in TEXT_SUFFIXES


def document_files(paths: Iterable[Path]) -> Iterator[Path]:
    """Documents below given folders (.txt and .html), and given files that are documents."""
    return (p for p in walk(paths, FOLDER_SUFFIXES) if is_document(p))


@dataclass
class KnownPlaces:
    """The graph's regions, and the package's places extended by them: read once per run."""
    regions: list[dict]
    gazetteer: Gazetteer


def known_places(store: Store) -> KnownPlaces:
    regions = graph_regions(store)
    return KnownPlaces(regions, gazetteer().with_regions(regions))


def ingest_document(store: Store, document: Document, places: KnownPlaces) -> tuple[int, int]:
    """Extract one document and write it, merged with what the graph holds: (nodes, relationships)."""
    extraction = extract(document, places.gazetteer)
    orgs = extraction.orgs.by_name.values()
    names = sorted({n for org in orgs for n in (org.name, *org.aliases)})
    people = sorted(p.name for p in extraction.people.persons() if p.role == "subject")
    return write_document(store, extraction, GraphIndex.load(store, names, people, places.regions))


def ingest_documents(store: Store, files: list[Path], *, rejects_dir: Path,
                     report: IngestReport | None = None) -> IngestReport:
    report = report or IngestReport()
    started = time.perf_counter()
    store.ensure_schema()
    places = known_places(store)
    for path in files:
        name = source_name(path)
        report.files += 1
        try:
            nodes, rels = ingest_document(store, read_document(path, name), places)
        except StoreError as exc:
            raise IngestAborted(f"写入失败 (write failed) in {name}: {exc}") from None
        except DocumentError as exc:
            keep_reject(report, rejects_dir, Reject(name, 0, "document", str(exc), None))
            continue
        except Exception as exc:  # noqa: BLE001 - one odd document must not stop the others
            keep_reject(report, rejects_dir, Reject(name, 0, "document", f"无法抽取 (extraction failed): "
                                                     f"{type(exc).__name__}: {exc}", None))
            continue
        report.nodes += nodes
        report.relationships += rels
    report.seconds += time.perf_counter() - started
    return report
