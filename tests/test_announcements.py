"""Announcement lists: reading CSV (UTF-8, GBK) and XLSX, messy cells, and what a position implies."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jiandu.ingest.announcements.parse import Announcement, Rejected, clean_date, parse_row, status_of
from jiandu.ingest.announcements.table import Row, TableError, read_table
from jiandu.ingest.text.places import gazetteer


def parsed(position: str, **cells: str) -> Announcement:
    result = parse_row(Row(2, {"name": cells.pop("name", "周某某"), "position": position, **cells}), gazetteer())
    assert isinstance(result, Announcement)
    return result


@pytest.mark.parametrize("position, province, prefecture, county, rank", [
    ("湖南省衡阳市人大常委会原主任", "湖南省", "衡阳市", None, "厅局级"),
    ("衡阳市委常委、常务副市长", "湖南省", "衡阳市", None, "厅局级"),
    ("湖南省交通运输厅原党组书记、厅长", "湖南省", None, None, "厅局级"),
    ("衡南县政协原主席", "湖南省", "衡阳市", "衡南县", "县处级"),
    ("衡阳市财政局局长", "湖南省", "衡阳市", None, "县处级"),
    ("衡南县交通运输局副局长", "湖南省", "衡阳市", "衡南县", "乡科级"),
    ("湖南省委书记", "湖南省", None, None, "省部级"),
    ("湖南省人民政府副省长", "湖南省", None, None, "省部级"),
    ("长沙县黄兴镇党委书记", "湖南省", "长沙市", "长沙县", "乡科级"),
    ("中国农业银行湖南省分行原行长", "湖南省", None, None, None),
])
def test_places_and_rank_from_the_position(position, province, prefecture, county, rank):
    a = parsed(position)
    assert (a.province, a.prefecture, a.county) == (province, prefecture, county)
    if rank is not None:
        assert a.rank == rank
    assert "province" in a.inferred


def test_posts_titles_and_former():
    a = parsed("湖南省交通运输厅原党组书记、厅长")
    assert a.titles == ["党组书记", "厅长"] and a.former and a.unit == "湖南省交通运输厅"
    b = parsed("衡阳市委副书记、市长")
    assert b.unit == "中共衡阳市委员会"  # 衡阳市委 is the formal 中共衡阳市委员会
    assert [p["unit"] for p in b.posts] == ["中共衡阳市委员会", "衡阳市人民政府"]  # the mayor sits in the government
    for marker in ("时任", "曾任"):
        assert parsed(f"衡南县{marker}县长").former
    assert not parsed("衡南县县长").former
    assert parsed("衡南县委书记兼县人武部第一政委").titles[0] == "书记"


def test_the_file_wins_and_disagreement_is_reported():
    a = parsed("衡南县交通运输局副局长", province="广东省", rank="正处级")
    assert a.province == "广东省" and a.rank == "正处级"
    assert any(d.startswith("province") for d in a.disagreements)
    assert any(d.startswith("rank") for d in a.disagreements)
    assert a.prefecture is None  # the text's places lie in another province: not mixed into the file's
    agreeing = parsed("衡南县交通运输局副局长", province="湖南", prefecture="衡阳市")
    assert not agreeing.disagreements and agreeing.county == "衡南县"


def test_the_row_context_settles_an_ambiguous_name():
    assert parsed("鼓楼区委书记").prefecture is None  # five 鼓楼区: no guess
    assert parsed("鼓楼区委书记", province="江苏省").prefecture is None  # 南京 and 徐州 both have one
    assert parsed("鼓楼区委书记", province="江苏省", prefecture="徐州市").county == "鼓楼区"
    assert parsed("鼓楼区委书记", province="河南省").prefecture == "开封市"
    assert parsed("鼓楼区委书记", province="福建省").prefecture == "福州市"


def test_messy_cells():
    a = parsed("某县委常委、副县长", name=" 王某（女） ", date="2014.3")
    assert (a.name, a.gender, a.masked, a.date) == ("王某", "女", True, "2014-03")
    assert a.province is None and a.titles == ["常委", "副县长"]
    assert clean_date("2014年3月5日") == "2014-03-05" and clean_date("2014") == "2014"
    assert clean_date("2014/13") == "2014" and clean_date("不详") is None
    assert parsed("衡南县委书记（正处级）").rank == "县处级"


@pytest.mark.parametrize("reason, status", [
    ("涉嫌严重违纪违法，目前正接受纪律审查和监察调查", "审查调查"),
    ("受到开除党籍、开除公职处分，涉嫌犯罪问题移送检察机关依法审查起诉", "移送检察机关"),
    ("被开除党籍", "开除党籍"),
    ("受到党内严重警告、政务记大过处分", "处分"),
    ("被问责", "问责"),
    ("", None),
])
def test_status_from_the_reason(reason, status):
    assert status_of(reason) == status


def test_rejects_name_the_row_and_the_reason():
    gaz = gazetteer()
    no_name = parse_row(Row(7, {"name": " ", "position": "衡南县县长"}), gaz)
    no_post = parse_row(Row(8, {"name": "周某", "position": ""}), gaz)
    assert isinstance(no_name, Rejected) and (no_name.row, no_name.field) == (7, "name")
    assert isinstance(no_post, Rejected) and (no_post.row, no_post.field) == (8, "position")
    assert no_name.cells["position"] == "衡南县县长"  # the record is kept whole


ROWS = [["周某（女）", "湖南省衡阳市人大常委会原主任", "2014.3"], ["", "衡南县县长", "2015-01"],
        ["吴某某", "衡南县委常委、副县长", "2016年5月"]]


def _check_rows(rows: list[Row]) -> None:
    assert [r.number for r in rows] == [2, 3, 4]
    results = [parse_row(r, gazetteer()) for r in rows]
    assert isinstance(results[1], Rejected)
    assert results[0].province == "湖南省" and results[2].county == "衡南县" and results[2].date == "2016-05"


def test_gbk_csv_with_chinese_headers(tmp_path: Path):
    path = tmp_path / "list.csv"
    path.write_bytes(("姓名,职务,日期\n" + "".join(",".join(r) + "\n" for r in ROWS)).encode("gbk"))
    _check_rows(list(read_table(path)))


def test_xlsx_with_english_headers(tmp_path: Path):
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Name", "Position", "Date"])
    for r in ROWS:
        sheet.append(r)
    path = tmp_path / "list.xlsx"
    book.save(path)
    _check_rows(list(read_table(path)))


def test_unreadable_lists_say_why(tmp_path: Path):
    (tmp_path / "cols.csv").write_text("姓名,日期\n周某,2014\n", encoding="utf-8")
    with pytest.raises(TableError, match="position"):
        list(read_table(tmp_path / "cols.csv"))
    (tmp_path / "bad.xlsx").write_bytes(b"not a workbook")
    with pytest.raises(TableError, match="bad.xlsx"):
        list(read_table(tmp_path / "bad.xlsx"))


def test_cli_prints_one_object_per_row_in_order(tmp_path: Path):
    path = tmp_path / "list.csv"
    path.write_text("name,position,reason\n" + "".join(f"{r[0]},{r[1]},被开除党籍\n" for r in ROWS), encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "jiandu", "announcements", "parse", str(path), "--jsonl"],
                          capture_output=True, text=True, timeout=120)
    lines = [json.loads(line) for line in done.stdout.splitlines()]
    assert [x["row"] for x in lines] == [2, 3, 4]
    assert lines[1]["rejected"] and "name" in done.stderr and "第 3 行" in done.stderr
    assert lines[0]["status"] == "开除党籍" and lines[0]["province"] == "湖南省"
    assert done.returncode == 2  # a rejected row makes the exit code say so


LIST = """姓名,职务,事由,日期
周立新,衡南县委书记,涉嫌严重违纪违法，接受纪律审查和监察调查,2014.3
周立新,衡南县委书记,受到开除党籍、开除公职处分,2014-09
王某,衡南县财政局局长,被开除党籍,2015
王某,衡南县财政局局长,被开除党籍,2016-02
,衡南县县长,被问责,2016
"""


def test_import_writes_people_cases_units_and_regions_once(store, tmp_path: Path):
    from conftest import snapshot

    from jiandu.ingest.announcements.records import import_list

    path = tmp_path / "list.csv"
    path.write_text(LIST, encoding="utf-8")
    report = import_list(store, path, source="list.csv", rejects_dir=tmp_path / "rejects").report
    assert report.rejected == 1 and report.first_rejects[0].line == 6
    first = snapshot(store)
    again = import_list(store, path, source="list.csv", rejects_dir=tmp_path / "rejects").report
    assert again.rejected == 1 and snapshot(store) == first  # re-import changes nothing
    rows = store.run("MATCH (l:Leader)-[:INVOLVED_IN]->(c:Case) RETURN l.name, l.id, c.status, c.announced, "
                     "c.announced_precision, c.sources ORDER BY c.announced", read_only=True).rows
    assert len(rows) == 4
    named = {r[1] for r in rows if r[0] == "周立新"}
    masked = {r[1] for r in rows if r[0] == "王某"}
    assert len(named) == 1  # the same name in the same unit: one person, two announcements
    assert len(masked) == 2  # a masked name never merges
    by_status = {(r[2], str(r[3]), r[4]) for r in rows}
    assert ("审查调查", "2014-03-01", "month") in by_status and ("开除党籍", "2015-01-01", "year") in by_status
    assert sorted(s for r in rows for s in r[5]) == ["list.csv#L2", "list.csv#L3", "list.csv#L4", "list.csv#L5"]
    chain = store.run("MATCH (:Unit {name: '中共衡阳市衡南县委员会'})-[:IN_REGION]->(c:Region)-[:PART_OF]->(p:Region)"
                      "-[:PART_OF]->(q:Region) RETURN c.name, p.name, q.name", read_only=True).rows
    assert chain == [["衡南县", "衡阳市", "湖南省"]]
    post = store.run("MATCH (:Leader {name: '周立新'})-[p:HOLDS_POST]->(u:Unit) RETURN p.title, p.top_leader, p.rank, "
                     "u.kind", read_only=True).rows
    assert post == [["书记", True, "县处级", "党委"]]


POSITION_CHARACTERS = list("省市县区镇乡委书记长副原时任、，兼（）() 某湖南衡阳阳南长沙党组局厅x1-")


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(POSITION_CHARACTERS), max_size=60), st.text(max_size=20), st.text(max_size=12))
def test_any_cells_parse_or_are_rejected(position, name, date):
    result = parse_row(Row(2, {"name": name, "position": position, "date": date}), gazetteer())
    assert isinstance(result, (Announcement, Rejected))
    if isinstance(result, Announcement):
        assert result.name and json.dumps(result.as_json(), ensure_ascii=False)
