"""Reading Chinese reports: the answer keys, the sample report, bad input, and the graph merge rules."""

from __future__ import annotations

import csv
import json
import re
import subprocess
import sys

import pytest
from conftest import ROOT, SAMPLES, SHARED, snapshot
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from jiandu.ingest.loader import IngestAborted, ingest
from jiandu.ingest.text.document import DocumentError, parse_document, read_document
from jiandu.ingest.text.extract import extract
from jiandu.ingest.text.load import ingest_documents
from jiandu.ingest.text.places import gazetteer

REPORT = SAMPLES.parent / "sample_reports" / "北州区住建系统案件通报.txt"
# the seeds and the corpus of other genres (../shared/corpus, with its own answer keys in gold/)
THRESHOLDS = ["persons.p=0.95", "persons.r=0.95", "posts.r=0.85", "organizations.r=0.85", "cases.r=0.8",
              "actions.r=0.7"]


def _sample_gazetteer():
    with open(SAMPLES / "Region.csv", encoding="utf-8") as fh:
        return gazetteer().with_regions(list(csv.DictReader(fh)))


@pytest.mark.skipif(not (SHARED / "tools" / "score_extraction.py").exists(), reason="../shared not beside the project")
def test_answer_keys_score_above_the_thresholds():
    done = subprocess.run(
        [sys.executable, str(SHARED / "tools" / "score_extraction.py"), "--docs", str(SHARED / "seeds"),
         str(SHARED / "corpus"), "--gold", str(SHARED / "gold"), "--cmd", f"{sys.executable} -m jiandu extract --json",
         "--min", *THRESHOLDS], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "all thresholds met" in done.stdout
    assert re.search(r"^s06_village_cases\.txt", done.stdout, re.M), "the corpus must be scored too"


def test_qinglong_is_resolved_from_the_article_context():
    text = ("秦皇岛市纪委监委立案查处青龙公安局多名领导干部严重违纪违法案件后，"
            "及时约谈青龙满族自治县县委和公安局主要领导。")
    result = extract(parse_document(text.encode(), "t.txt")).as_json()
    names = {o["name"] for o in result["organizations"]}
    assert "秦皇岛市青龙满族自治县公安局" in names
    police = next(o for o in result["organizations"] if o["name"] == "秦皇岛市青龙满族自治县公安局")
    assert "青龙公安局" in police["aliases"] and police["parent_region"] == "秦皇岛市"
    targets = {(a["type"], a["target"]) for a in result["actions"]}
    assert ("约谈", "秦皇岛市青龙满族自治县公安局") in targets and ("约谈", "秦皇岛市青龙满族自治县县委") in targets
    assert result["cases"][0]["units"] == ["秦皇岛市青龙满族自治县公安局"]


def test_a_chain_of_titles_is_three_posts_in_three_organisations():
    text = "四川省广元市旺苍县召开会议。旺苍县委常委、县纪委书记、县监委主任王成林告诉记者，原局长李某某已被查处。"
    persons = {p["name"]: p for p in extract(parse_document(text.encode(), "t.txt")).as_json()["persons"]}
    posts = [(p["unit"], p["titles"]) for p in persons["王成林"]["posts"]]
    assert posts == [("中共广元市旺苍县委员会", ["常委"]), ("广元市旺苍县纪律检查委员会", ["书记"]),
                     ("广元市旺苍县监察委员会", ["主任"])]
    assert persons["李某某"]["masked"] is True
    assert [p["former"] for p in persons["李某某"]["posts"]] == [True]


def test_sample_report_people_posts_cases_and_acts():
    result = extract(read_document(REPORT), _sample_gazetteer()).as_json()
    persons = {p["name"]: p for p in result["persons"]}
    assert persons["方静"]["role"] == "reporter"
    assert persons["梁然英"]["posts"][0]["unit"] == "松阳市北州区住房和城乡建设局"
    assert persons["梁然英"]["posts"][0]["titles"] == ["党组书记", "局长"]
    assert persons["贺明"]["posts"][0]["unit"] == "中共松阳市北州区岭湖镇委员会"
    # two cases the report names as such, and 陶晓's (已对陶晓立案审查调查: an investigation is a case)
    assert {c["persons"][0] for c in result["cases"]} == {"梁然英", "孔然兰", "陶晓"}
    acts = {(a["type"], a["target"], a["date"]) for a in result["actions"]}
    assert ("谈话提醒", "贺明", "2026-03-20") in acts
    assert any(s["value"] == 146 and "线索" in s["metric"] for s in result["stats"])
    text = read_document(REPORT).text
    for person in result["persons"]:  # provenance: every span points at the name in the text
        assert all(text[s:e] == person["name"] for s, e in person["spans"])


def test_a_complainant_is_extracted_but_never_written(store, tmp_path):
    doc = tmp_path / "complaint.txt"
    doc.write_text("四川省广元市利州区三堆镇羊盘村村民王大成找到村纪检委员刘小玉反映问题。", encoding="utf-8")
    result = extract(read_document(doc)).as_json()
    roles = {p["name"]: p["role"] for p in result["persons"]}
    assert roles == {"王大成": "complainant", "刘小玉": "subject"}
    report = ingest_documents(store, [doc], rejects_dir=tmp_path / "rejects")
    assert report.rejected == 0
    names = {row[0] for row in store.run("MATCH (n) WHERE n:Leader OR n:Person RETURN n.name", read_only=True).rows}
    assert names == {"刘小玉"}


# -- bad input -------------------------------------------------------------------------------
@pytest.mark.parametrize("data, message", [
    (b"", "empty file"),
    (b"   \n\t ", "empty file"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)), "binary file"),
    (bytes(range(1, 32)) * 50, "binary file"),
    ("<html><script>var x='局长张三';</script></html>".encode(), "no text"),
])
def test_unreadable_documents_are_clear_messages(data, message):
    with pytest.raises(DocumentError, match=message):
        parse_document(data, "bad.txt", "html" if data.startswith(b"<html") else "text")


def test_gbk_text_and_html_with_scripts_are_read():
    text = "广元市纪委监委约谈了旺苍县卫健局主要负责人。"
    doc = parse_document(text.encode("gbk"), "gbk.txt")
    assert doc.encoding == "gbk" and doc.text == text
    html = (f"<html><head><title>通报</title><script>alert('局长赵六')</script><style>p{{}}</style></head>"
            f"<body><p>{text}</p><script>document.write('县委书记钱七')</script></body></html>")
    page = parse_document(html.encode(), "page.html", "html")
    assert page.title == "通报" and "赵六" not in page.text and "钱七" not in page.text and text in page.text
    assert extract(page).as_json()["actions"][0]["target"] == "广元市旺苍县卫健局"


def test_a_megabyte_of_repeated_text_is_extracted():
    unit = REPORT.read_text(encoding="utf-8")
    doc = parse_document((unit * (1_000_000 // len(unit) + 1)).encode(), "big.txt")
    assert len(doc.text) >= 1_000_000
    result = extract(doc, _sample_gazetteer()).as_json()
    assert len(next(p for p in result["persons"] if p["name"] == "梁然英")["spans"]) > 1000


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=400) | st.text(alphabet="市县区纪委监委局长书记约谈谈话提醒某张王李、，。案违纪违法村镇1234",
                                       max_size=300))
@example("一一电视台")  # a media name with no place before its suffix (found by this test)
def test_random_unicode_never_crashes(text):
    try:
        doc = parse_document(text.encode("utf-8", "surrogatepass"), "random.txt")
    except DocumentError:
        return
    json.dumps(extract(doc).as_json(), ensure_ascii=False)


def _articles() -> list[str]:
    """The seed and corpus articles' text (read, never copied into the project)."""
    return [p.read_text(encoding="utf-8") for folder in ("seeds", "corpus")
            for p in sorted((SHARED / folder).glob("*.txt"))]


_MIXED = st.sampled_from(["，", "。", "：", "；", "“", "”", "（", "）", "、", "！", "？", "《", "》", "　", "Ａ", "１",
                          "abc", "Дом", "ﾃｽﾄ", "🙂", "\u200b", "\ufeff", "\r\n", "\t", "第一", "一、", "（二）"])


@pytest.mark.skipif(not (SHARED / "corpus").exists(), reason="../shared not beside the project")
@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_cut_and_mixed_chinese_articles_never_crash(data):
    """Real sentences cut anywhere, spliced with other scripts and full-width punctuation."""
    articles = _articles()
    pieces = []
    for _ in range(data.draw(st.integers(1, 6))):
        text = articles[data.draw(st.integers(0, len(articles) - 1))]
        start = data.draw(st.integers(0, len(text) - 1))
        pieces.append(text[start:start + data.draw(st.integers(0, 400))])
        pieces.append(data.draw(_MIXED))
    try:
        doc = parse_document("".join(pieces).encode("utf-8"), "cut.txt")
    except DocumentError:
        return
    json.dumps(extract(doc).as_json(), ensure_ascii=False)


@pytest.mark.skipif(not (SHARED / "corpus").exists(), reason="../shared not beside the project")
def test_one_huge_paragraph_is_extracted():
    """Every article run together with no line break, repeated to 300,000 characters."""
    joined = "".join(a.replace("\n", "") for a in _articles())
    doc = parse_document((joined * (300_000 // len(joined) + 1)).encode("utf-8"), "huge.txt")
    result = extract(doc).as_json()
    assert len(result["persons"]) >= 20 and len(result["cases"]) >= 10


# -- into the graph ----------------------------------------------------------------------------
def test_ingest_merges_with_the_graph_and_keeps_bad_documents_out(store, tmp_path):
    ingest(store, [SAMPLES], rejects_dir=tmp_path / "rejects")
    before = store.counts()
    empty, binary = tmp_path / "empty.txt", tmp_path / "binary.txt"
    empty.write_bytes(b"")
    binary.write_bytes(b"\x00\x01\x02" * 100)
    report = ingest_documents(store, [empty, binary, REPORT], rejects_dir=tmp_path / "rejects")
    assert report.rejected == 2 and report.files == 3
    kept = [json.loads(line) for line in report.rejects_path.read_text(encoding="utf-8").splitlines()]
    assert {k["file"].rsplit("/", 1)[-1] for k in kept} == {"empty.txt", "binary.txt"}
    assert all(k["field"] == "document" and k["reason"] for k in kept)
    after = store.counts()
    assert after["nodes"]["Document"] == 1
    # the report's officials are the sample's leaders, linked to the report and to its cases
    rows = store.run("MATCH (l:Leader)-[:MENTIONED_IN]->(d:Document) WHERE l.id STARTS WITH 'L0' "
                     "RETURN l.id ORDER BY l.id", read_only=True).rows
    assert [r[0] for r in rows] == ["L000097", "L000098", "L000099"]
    cases = store.run("MATCH (:Leader {id: 'L000099'})-[:INVOLVED_IN]->(c:Case) RETURN c.id", read_only=True).rows
    assert {r[0][:2] for r in cases} == {"C0", "CT"}
    name = store.run("MATCH (l:Leader {id: 'L000097'}) RETURN l.name, l.sources", read_only=True).rows[0]
    spans = [s.rsplit("#", 1)[1] for s in name[1] if s.split("#")[0].endswith(REPORT.name)]
    assert name[0] == "梁然英" and spans and re.fullmatch(r"\d+-\d+(,\d+-\d+)*", spans[0])
    assert after["nodes"]["Leader"] > before["nodes"]["Leader"]  # 贺明, 邹某某 are new
    again = ingest_documents(store, [REPORT], rejects_dir=tmp_path / "rejects")
    assert again.rejected == 0 and store.counts() == after  # idempotent


def test_a_report_adds_its_source_to_the_tenures_the_graph_records(store, tmp_path):
    ingest(store, [SAMPLES], rejects_dir=tmp_path / "rejects")
    csv_posts = store.run("MATCH (:Leader)-[p:HOLDS_POST]->() RETURN count(p)", read_only=True).scalar()
    ingest_documents(store, [REPORT], rejects_dir=tmp_path / "rejects")
    once = snapshot(store)
    # the report names 梁然英 as the 党组书记、局长 the sample already records: one tenure, two sources
    posts = store.run("MATCH (:Leader {id: 'L000097'})-[p:HOLDS_POST]->(:Unit {id: 'U000022'}) "
                      "RETURN p.title, p.sources", read_only=True).rows
    assert len(posts) == 1, posts
    assert any(".csv#L" in s for s in posts[0][1]) and any(REPORT.name in s for s in posts[0][1])
    sample_leaders = store.run("MATCH (l:Leader)-[p:HOLDS_POST]->() WHERE l.id STARTS WITH 'L0' RETURN count(p)",
                               read_only=True).scalar()
    assert sample_leaders == csv_posts  # no sample leader got a second row for a tenure
    ingest_documents(store, [REPORT], rejects_dir=tmp_path / "rejects")
    assert snapshot(store) == once  # again: every count and every source list unchanged
    for _, _, _, props in snapshot(store)[1]:
        assert len(props["sources"]) == len(set(props["sources"]))


def test_a_document_the_store_refuses_half_way_leaves_nothing(store, tmp_path, monkeypatch):
    from jiandu.ingest.text import records

    ingest(store, [SAMPLES], rejects_dir=tmp_path / "rejects")
    before = snapshot(store)
    real = records.rel_merge_cypher

    def refused_late(rtype, *args, **kwargs):
        cypher = real(rtype, *args, **kwargs)
        if rtype != "INVOLVED_IN":  # written after every node and most relationships
            return cypher
        # a write the engine refuses: a second Region with an id the graph has (uniqueness constraint)
        return cypher.replace(" RETURN count(r)", " CREATE (:Region {id: 'R000001'}) RETURN count(r)")

    monkeypatch.setattr(records, "rel_merge_cypher", refused_late)
    with pytest.raises(IngestAborted):
        ingest_documents(store, [REPORT], rejects_dir=tmp_path / "rejects")
    assert snapshot(store) == before
    monkeypatch.undo()
    assert ingest_documents(store, [REPORT], rejects_dir=tmp_path / "rejects").rejected == 0
    assert snapshot(store) != before  # the same document, not refused, lands


def test_masked_names_merge_only_within_unit_and_case(store, tmp_path):
    a, b, c = tmp_path / "a.txt", tmp_path / "b.txt", tmp_path / "c.txt"
    a.write_text("秦皇岛市纪委监委通报：秦皇岛市海港区环保分局原局长郝某某严重违纪违法案。局长张建国表示接受监督。",
                 encoding="utf-8")
    b.write_text("秦皇岛市纪委监委再次通报：秦皇岛市海港区环保分局原局长郝某某严重违纪违法案。海港区环保分局局长张建国说。",
                 encoding="utf-8")
    c.write_text("秦皇岛市昌黎县公安局原局长郝某某违纪违法案。", encoding="utf-8")
    report = ingest_documents(store, [a, b, c], rejects_dir=tmp_path / "rejects")
    assert report.rejected == 0
    rows = store.run("MATCH (l {name: '郝某某'}) OPTIONAL MATCH (l)-[:MENTIONED_IN]->(d:Document) "
                     "RETURN l.id, count(d) ORDER BY l.id", read_only=True).rows
    assert sorted(n for _, n in rows) == [1, 2]  # same unit and case in a and b: one node; c: another
    # a full name is one node when its unit agrees (b), and stays apart where no unit is named (a)
    zhang = store.run("MATCH (l:Leader {name: '张建国'}) RETURN l.id", read_only=True).rows
    assert len(zhang) == 2


NOTICE = """攸县交通运输局原局长贺建华严重违纪违法被开除党籍和公职
发布时间：2025-03-18
据株洲市纪委监委消息：日前，经株洲市委批准，株洲市纪委监委对攸县交通运输局原党组书记、局长贺建华严重违纪违法问题进行了立案审查调查。
依据有关规定，决定给予贺建华开除党籍处分；由市监委给予其开除公职处分；将其涉嫌犯罪问题移送检察机关依法审查起诉。
同时，攸县纪委监委对县交通运输局副局长周小林进行诫勉谈话，对该局党组成员、副局长易某某进行谈话提醒。
"""


def test_a_case_notice_becomes_a_case_with_sanctions_and_acts(store, tmp_path):
    doc = tmp_path / "notice.txt"
    doc.write_text(NOTICE, encoding="utf-8")
    result = extract(read_document(doc)).as_json()
    persons = {p["name"]: p for p in result["persons"]}
    posts = [(p["unit"], p["titles"], p["former"]) for p in persons["贺建华"]["posts"]]
    assert posts == [("株洲市攸县交通运输局", ["局长", "党组书记"], True)]
    assert persons["易某某"]["posts"][0]["unit"] == "株洲市攸县交通运输局"  # 该局: the bureau named before
    assert [c["persons"] for c in result["cases"]] == [["贺建华"]]
    acts = {(a["type"], a["target"]) for a in result["actions"]}
    assert {("立案审查调查", "贺建华"), ("移送检察机关", "贺建华"), ("诫勉谈话", "周小林"),
            ("谈话提醒", "易某某")} <= acts
    assert ingest_documents(store, [doc], rejects_dir=tmp_path / "rejects").rejected == 0
    kinds = store.run("MATCH (:Leader {name: '贺建华'})-[s:SANCTIONED]->(:Case) RETURN s.kind ORDER BY s.kind",
                      read_only=True).rows
    assert [k[0] for k in kinds] == ["党纪处分", "政务处分", "移送检察机关"]
    talks = store.run("MATCH (b:OversightBody)-[s:SUPERVISED]->(l:Leader) RETURN b.name, s.kind, l.name, s.date",
                      read_only=True).rows
    assert sorted(talks) == sorted([["株洲市攸县纪律检查委员会监察委员会", "谈话提醒", "易某某", "2025-03-18"],
                                    ["株洲市攸县纪律检查委员会监察委员会", "诫勉谈话", "周小林", "2025-03-18"]])


def test_a_state_owned_enterprise_is_an_soe_and_its_chief_a_leader_there():
    text = "广元市纪委监委对广元市城市建设投资集团有限公司党委书记、董事长王建军严重违纪违法问题进行立案审查调查。"
    result = extract(parse_document(text.encode(), "soe.txt")).as_json()
    kinds = {o["name"]: o["kind"] for o in result["organizations"]}
    assert kinds["广元市城市建设投资集团有限公司"] == "soe"
    person = next(p for p in result["persons"] if p["name"] == "王建军")
    posts = [(p["unit"], p["titles"]) for p in person["posts"]]
    assert posts == [("广元市城市建设投资集团有限公司", ["党委书记", "董事长"])]
    assert result["cases"][0]["handled_by"] == ["广元市纪律检查委员会监察委员会"]


# Fictional articles written for these tests, after the rules were written (invented people,
# counties and towns in real provinces): what the rules must find in text they were not tuned on.
ARTICLES = ROOT / "tests" / "articles"
UNSEEN = {
    "typical_cases_invented_county.txt": {
        "posts": [("聂光远", "青垣市林业局", "副局长", True), ("庄敏", "石溪县教育局", "局长", False),
                  ("柳成刚", "梅岭镇人民政府", "副镇长", False)],
        "cases": {"聂光远", "庄敏", "柳成刚"},
        "dated": [("处分", "柳成刚", "2024-03")],
    },
    "review_notice_with_career.txt": {
        "posts": [("邹立新", "卫生健康委员会", "主任", None), ("邹立新", "石溪县人民政府", "副县长", True),
                  ("邹立新", "青垣市人民医院", "院长", True), ("覃志华", "梅岭镇委员会", "书记", False),
                  ("贺兰英", "石溪县人民医院", "党委书记", False)],
        "cases": {"邹立新"},
        "dated": [("约谈", "贺兰英", "2024-07-02"), ("函询", "石溪县疾病预防控制中心", "2024-07-02"),
                  ("廉政谈话", "覃志华", "2024-07-02")],
    },
    "court_judgment_soe.txt": {
        "posts": [("严卫东", "杉湾市交通投资集团有限公司", "董事长", True)],
        "cases": {"严卫东"},
        "dated": [("判决", "严卫东", "2024-11-08"), ("立案审查调查", "严卫东", "2023-05")],
    },
}


@pytest.mark.parametrize("name", sorted(UNSEEN))
def test_articles_the_rules_were_not_tuned_on(name):
    result = extract(read_document(ARTICLES / name)).as_json()
    want = UNSEEN[name]
    posts = {(p["name"], post["unit"] or "", title, post["former"]) for p in result["persons"]
             for post in p["posts"] for title in post["titles"]}
    for person, unit, title, former in want["posts"]:
        assert any(n == person and unit in u and t == title and former in (None, f) for n, u, t, f in posts), \
            (person, unit, title, sorted(p for p in posts if p[0] == person))
    assert want["cases"] <= {p for c in result["cases"] for p in c["persons"]}
    acts = {(a["type"], a["target"], a["date"]) for a in result["actions"]}
    for kind, target, date in want["dated"]:
        assert any(k == kind and target in (t or "") and d == date for k, t, d in acts), (kind, target, date, acts)
    assert not [p["name"] for p in result["persons"] if p["name"] not in {w[0] for w in want["posts"]} | {"祁永福"}]
