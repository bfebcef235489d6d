"""What views keep between requests: hub rows, the shared folder caches, the pinyin index."""

from __future__ import annotations

import pytest
from conftest import SAMPLES

from jiandu.graph.cache import FolderCache
from jiandu.ingest.loader import ingest
from jiandu.views import ReadModel, pinyin
from jiandu.views import expand as expansion
from jiandu.views.hubs import PER_NODE, HubRows


@pytest.fixture
def sample(store, tmp_path):
    ingest(store, [SAMPLES], rejects_dir=tmp_path / "rejects")
    return store, tmp_path


def test_workers_share_hub_rows_through_the_data_folder(sample, monkeypatch):
    store, tmp_path = sample
    model = ReadModel(store, HubRows(shared=FolderCache(tmp_path / "hubs", 1 << 24, listed=True)))
    sub = model.neighbourhood("OversightBody", "B000006")  # a 纪委 with 1,000+ acts: a hub
    assert sub.left_out > 0 and list((tmp_path / "hubs").rglob("*"))
    # kept as bytes: as lists and dicts, thousands of cached hubs made every full garbage collection slow
    items = model.hubs.memory._items
    assert items and all(type(v) is bytes for v in items.values())
    # another worker: nothing in memory, its own listing of the same folder
    other = ReadModel(store, HubRows(shared=FolderCache(tmp_path / "hubs", 1 << 20, listed=True)))

    def no_count(*_args, **_kwargs):
        raise AssertionError("a hub counted by one worker must not be counted again")

    monkeypatch.setattr(expansion, "neighbours", no_count)
    again = other.neighbourhood("OversightBody", "B000006")
    assert again.nodes == sub.nodes and again.edges == sub.edges and again.left_out == sub.left_out


def test_two_read_models_share_no_state(sample):
    store, _ = sample
    first, second = ReadModel(store), ReadModel(store)
    first.neighbourhood("OversightBody", "B000006")
    assert first.hubs.memory._items and not second.hubs.memory._items


def test_hubs_are_counted_ahead_of_the_views_that_reach_them(sample, monkeypatch):
    store, tmp_path = sample
    version = store.version()
    label, neighbour = store.run("MATCH (:OversightBody {id: 'B000006'})-[]-(m) RETURN labels(m)[0], m.id "
                                 "ORDER BY m.id LIMIT 1", read_only=True).rows[0]

    def fresh(name):  # a process that has counted nothing yet
        return ReadModel(store, HubRows(shared=FolderCache(tmp_path / name, 1 << 24, listed=True)))

    plain = fresh("unwarmed").neighbourhood(label, neighbour, depth=2)  # reaches the hub at its second hop
    model = fresh("warmed")
    assert model.warm_hubs(version)
    # the hubs are the nodes with more than PER_NODE relationships in one direction
    expected = {row[0] for pattern in ("(n)-[r]->()", "(n)<-[r]-()")
                for row in store.run(f"MATCH {pattern} WITH n, count(r) AS c WHERE c > $k RETURN n.id",
                                     {"k": PER_NODE}, read_only=True).rows}
    assert "B000006" in expected and {key[-1] for key in model.hubs.memory._items} == expected
    asked: list[str] = []
    real = expansion.neighbours

    def counting(store_, ids, *args, **kwargs):
        asked.extend(i for group in ids.values() for i in group)
        return real(store_, ids, *args, **kwargs)

    monkeypatch.setattr(expansion, "neighbours", counting)
    warmed = model.neighbourhood(label, neighbour, depth=2)
    assert asked and "B000006" not in asked  # the view read the hub's kept rows, not the store
    assert warmed.nodes == plain.nodes and warmed.edges == plain.edges and warmed.left_out == plain.left_out
    store.run("CREATE (:Region {id: 'RNEW', name: '新区'})")
    assert not model.warm_hubs(version)  # the graph moved on: that version's hubs are not done


def test_a_job_runs_once_per_version_across_the_processes_sharing_a_folder(tmp_path):
    import fcntl

    from jiandu.graph.cache import FolderCache

    ran: list[str] = []
    first, second = (FolderCache(tmp_path, 1 << 20) for _ in range(2))
    (tmp_path / "7").mkdir()
    with open(tmp_path / "7" / ".warm.lock", "a") as held:
        fcntl.flock(held, fcntl.LOCK_EX)  # another process is at it (flock: per open file, so here too)
        second.run_once("7", "warm", lambda: ran.append("second") or True)
    assert ran == [] and not second.completed("7", "warm")
    first.run_once("7", "warm", lambda: ran.append("unfinished") or False)  # a write interrupted it
    first.run_once("7", "warm", lambda: ran.append("first") or True)
    second.run_once("7", "warm", lambda: ran.append("again") or True)
    assert ran == ["unfinished", "first"] and second.completed("7", "warm") and not second.completed("8", "warm")


def test_a_listed_folder_cache_answers_misses_from_its_listing(tmp_path, monkeypatch):
    from pathlib import Path

    from jiandu.graph import cache

    writer, reader = (cache.FolderCache(tmp_path, 1 << 20, listed=True) for _ in range(2))
    assert reader.get("7", "hub") is None  # lists the folder: nothing yet
    writer.put("7", "hub", b"rows", 2)
    assert writer.get("7", "hub") == (b"rows", 2)  # what a process wrote, it knows of at once
    assert reader.get("7", "hub") is None  # the reader's listing is older than the file

    def no_open(_path):
        raise AssertionError("a miss the listing answers must not touch the disk")

    monkeypatch.setattr(Path, "read_bytes", no_open)
    assert reader.get("7", "other") is None and writer.get("7", "other") is None
    monkeypatch.undo()
    monkeypatch.setattr(cache, "LISTING_AGE", 0)  # the listing is taken again: the file is found
    assert reader.get("7", "hub") == (b"rows", 2)


def test_pinyin_index_is_built_once_and_shared_through_the_data_folder(sample, monkeypatch):
    store, tmp_path = sample
    first = pinyin.PinyinIndex(tmp_path / "shared")
    (tmp_path / "shared").mkdir()
    found = first.search(store, "lry", "Leader", 50)
    assert any(hit["id"] == "L000097" for hit in found)
    assert len(list((tmp_path / "shared").glob("pinyin-*.idx"))) == 1

    def no_build(_store):
        raise AssertionError("the second worker must load the file, not build")

    monkeypatch.setattr(pinyin, "_build", no_build)
    second = pinyin.PinyinIndex(tmp_path / "shared")
    assert second.search(store, "lry", "Leader", 50) == found
    assert second.search(store, "song", "Unit", 5)  # 松阳市…: every column came back aligned
