"""Structured ingest against a real embedded FalkorDB: counts, idempotence, provenance, bad input."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from conftest import SAMPLES, snapshot

from jiandu.ingest.loader import ingest


def _planted_counts() -> dict[str, int]:
    return json.loads((SAMPLES / "_planted.json").read_text(encoding="utf-8"))["counts"]


def test_sample_lands_with_the_counts_of_its_files(store, tmp_path):
    report = ingest(store, [SAMPLES], rejects_dir=tmp_path / "rejects")
    assert report.rejected == 0 and report.rejects_path is None
    counts = store.counts()
    for name, expected in _planted_counts().items():
        section = "relationships" if name.isupper() else "nodes"
        assert counts[section][name] == expected, name


def test_ingesting_twice_changes_nothing(store, tmp_path):
    ingest(store, [SAMPLES], rejects_dir=tmp_path)
    first = snapshot(store)
    report = ingest(store, [SAMPLES], rejects_dir=tmp_path)
    assert report.rejected == 0
    assert snapshot(store) == first


def test_every_node_and_relationship_records_file_and_line(store, tmp_path):
    ingest(store, [SAMPLES], rejects_dir=tmp_path)
    assert store.run("MATCH (n) WHERE n.sources IS NULL OR size(n.sources) = 0 RETURN count(n)").scalar() == 0
    assert store.run("MATCH ()-[r]->() WHERE r.sources IS NULL OR size(r.sources) = 0 RETURN count(r)").scalar() == 0
    sources = store.run("MATCH (n:Leader) RETURN n.sources LIMIT 1").scalar()
    assert sources[0].startswith("ingest/samples/Leader.csv#L") or "/Leader.csv#L" in sources[0]
    line = int(sources[0].rsplit("#L", 1)[1])
    leader_id = store.run("MATCH (n:Leader) WHERE $s IN n.sources RETURN n.id", {"s": sources[0]}).scalar()
    assert (SAMPLES / "Leader.csv").read_text(encoding="utf-8").splitlines()[line - 1].startswith(leader_id + ",")


def test_dates_are_stored_as_dates(store, tmp_path):
    ingest(store, [SAMPLES], rejects_dir=tmp_path)
    # date arithmetic only works on real dates, the same way on both engines
    late = store.run("MATCH (f:Finding) WHERE f.deadline < date($d) RETURN count(f)", {"d": "2026-06-30"}).scalar()
    shifted = store.run("MATCH (a:Audit) RETURN a.date + duration({months: 6}) LIMIT 1").scalar()
    assert late > 0 and len(shifted) == 10


def _write(path: Path, text: str | bytes) -> Path:
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    return path


def test_bad_records_are_named_kept_and_do_not_stop_good_ones(store, tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    _write(data / "Leader.csv",
           "id,name,gender,birth_year\n"
           "L1,甲某,男,1970\n"
           ",无号,男,1971\n"             # missing id
           "L3,丙某,男,一九七零\n"        # wrong type
           "L4,丁某,男,1972\n")
    _write(data / "Unit.csv", "id,name,kind\nU1,某县财政局,部门\nU2,某县,外星机构\n")  # value outside the list
    _write(data / "HOLDS_POST.csv",
           "from,to,to_label,title,top_leader,start\n"
           "L1,U1,Unit,局长,true,2020-01-01\n"
           "L4,U1,Unit,副局长,false,2021-13-01\n"  # bad date
           "L9,U1,Unit,副局长,false,2021-01-01\n"  # dangling endpoint
           "L4,U1,Unit,副局长,false,2021-02-01\n")
    _write(data / "mixed.jsonl",
           '{"label": "Leader", "id": "L5", "name": "戊某"}\n'
           '{"label": "Spaceship", "id": "S1", "name": "x"}\n'  # unknown label
           '{"type": "SUPERVISED", "from": "L1", "from_label": "Leader", "to": "L5", "to_label": "Leader", '
           '"kind": "谈话提醒", "date": "2024-05-01"}\n'
           '{"label": "Leader", "id": "L6", "name": "己某"')  # truncated last line
    _write(data / "damaged.csv", "id,label,name\nL7,Leader,庚某\n".encode() + b"L8,Leader,\xff\xfe\xfd\n")  # a bad line
    _write(data / "cases.json", '[{"label": "Case", "id": "C1", "name": "某案"},\n'
                                '{"label": "Case", "id": "C2", "name": "另案", "opened": "2024-01-0')  # truncated

    report = ingest(store, [data], rejects_dir=tmp_path / "rejects")

    got = {(Path(r.file).name, r.line, r.field) for r in report.first_rejects}
    assert got == {
        ("Leader.csv", 3, "id"), ("Leader.csv", 4, "birth_year"), ("Unit.csv", 3, "kind"),
        ("HOLDS_POST.csv", 3, "start"), ("HOLDS_POST.csv", 4, "from"),
        ("mixed.jsonl", 2, "label"), ("mixed.jsonl", 4, "file"),
        ("damaged.csv", 3, "file"), ("cases.json", 2, "file"),
    }
    messages = {(Path(r.file).name, r.line): r.message() for r in report.first_rejects}
    assert "missing id" in messages[("Leader.csv", 3)]
    assert "expected an integer" in messages[("Leader.csv", 4)]
    assert "no such date" in messages[("HOLDS_POST.csv", 3)]
    assert "dangling endpoint" in messages[("HOLDS_POST.csv", 4)] and "'L9'" in messages[("HOLDS_POST.csv", 4)]
    assert "unknown label" in messages[("mixed.jsonl", 2)]
    assert "truncated" in messages[("mixed.jsonl", 4)]
    assert "UTF-8" in messages[("damaged.csv", 3)]
    assert "truncated" in messages[("cases.json", 2)]
    for (name, line), message in messages.items():  # every message names file, line and field
        assert f"{name}:{line}: " in message and "field" in message

    # the good records landed
    ids = {row[0] for row in store.run("MATCH (n) RETURN n.id").rows}
    assert ids == {"L1", "L4", "L5", "L7", "U1", "C1"}
    assert store.run("MATCH ()-[r:HOLDS_POST]->() RETURN count(r)").scalar() == 2
    act = store.run("MATCH (:Leader {id:'L1'})-[r:SUPERVISED]->(:Leader {id:'L5'}) RETURN r.kind").scalar()
    assert act == "谈话提醒"

    # and every rejected one is kept, with its reason, for the user to fix
    kept = [json.loads(line) for line in report.rejects_path.read_text(encoding="utf-8").splitlines()]
    assert len(kept) == report.rejected == 9
    by_place = {(Path(k["file"]).name, k["line"]): k for k in kept}
    assert by_place[("Leader.csv", 4)]["record"] == {
        "id": "L3", "name": "丙某", "gender": "男", "birth_year": "一九七零"}
    assert by_place[("HOLDS_POST.csv", 4)]["record"]["from"] == "L9"
    assert "L6" in by_place[("mixed.jsonl", 4)]["record"]
    assert "\\xff\\xfe" in by_place[("damaged.csv", 3)]["record"]  # raw bytes kept, escaped
    assert '"C2"' in by_place[("cases.json", 2)]["record"]


def test_a_gbk_csv_from_excel_is_read_and_says_so(store, tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    # what Excel on Chinese Windows writes: GBK, CRLF
    _write(data / "Leader.csv", "id,name,gender\r\nL1,甲某某,男\r\nL2,乙镕,女\r\n".encode("gbk"))
    _write(data / "Unit.csv", "id,name,kind\nU1,某县财政局,部门\n")
    report = ingest(store, [data], rejects_dir=tmp_path / "rejects")
    assert report.rejected == 0 and report.nodes == 3
    assert {Path(k).name: v for k, v in report.encodings.items()} == {"Leader.csv": "gb18030", "Unit.csv": "utf-8"}
    names = store.run("MATCH (l:Leader) RETURN l.id, l.name, l.gender ORDER BY l.id", read_only=True).rows
    assert names == [["L1", "甲某某", "男"], ["L2", "乙镕", "女"]]


def test_unreadable_and_unsupported_files_are_reported(store, tmp_path):
    _write(tmp_path / "notes.xlsx", b"PK\x03\x04")
    report = ingest(store, [tmp_path / "notes.xlsx", tmp_path / "missing.csv", tmp_path / "Leader.csv"],
                    rejects_dir=tmp_path / "r")
    assert report.rejected == 3
    reasons = " ".join(r.reason for r in report.first_rejects)
    assert "unsupported file type" in reasons and "cannot read file" in reasons


def test_json_arrays_are_read_incrementally(tmp_path):
    """The JSON reader yields the first record long before it has read a large file."""
    from jiandu.ingest.readers import Raw, read_records

    path = tmp_path / "big.json"
    with path.open("w", encoding="utf-8") as fh:
        fh.write("[\n")
        fh.write(",\n".join(json.dumps({"label": "Leader", "id": f"L{i}", "name": "某某"}) for i in range(200_000)))
        fh.write("\n]\n")

    class Counting:
        def __init__(self, raw):
            self.raw, self.read_bytes = raw, 0

        def read(self, n=-1):
            data = self.raw.read(n)
            self.read_bytes += len(data)
            return data

    with path.open("rb") as raw:
        fh = Counting(raw)
        records = read_records(path, fh)
        first = next(records)
        assert isinstance(first, Raw) and first.record["id"] == "L0" and first.line == 2
        assert fh.read_bytes < path.stat().st_size / 50
        *_, last = records
        assert last.record["id"] == "L199999" and last.line == 200_001


def test_overlapping_loads_leave_the_switch_interval_as_they_found_it():
    from jiandu.ingest import loader

    before = sys.getswitchinterval()
    loader._prompt_hand_over(True)   # load A starts
    loader._prompt_hand_over(True)   # load B starts
    loader._prompt_hand_over(False)  # A ends first: B still needs the prompt hand-over
    assert sys.getswitchinterval() == loader.SWITCH_INTERVAL
    loader._prompt_hand_over(False)
    assert sys.getswitchinterval() == before
