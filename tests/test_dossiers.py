"""The read model's dossiers: 一人一档 and 单位画像, typed, and served by the API as the query says."""

from __future__ import annotations

import json

import pytest
from conftest import SAMPLES
from fastapi.testclient import TestClient

from jiandu.api.app import create_app
from jiandu.api.keys import KeyStore
from jiandu.ingest.loader import ingest
from jiandu.queries.library import QueryError, run_named
from jiandu.settings import Settings
from jiandu.views import ReadModel

META = json.loads((SAMPLES / "_planted.json").read_text(encoding="utf-8"))
PLANTED = META["planted"]["collapse_clusters"][0]


@pytest.fixture
def sample(store, tmp_path):
    ingest(store, [SAMPLES], rejects_dir=tmp_path / "rejects")
    return store


def test_a_leaders_file_is_the_dossier_query_typed(sample):
    model = ReadModel(sample)
    leader = PLANTED["top_leader"]
    found = model.leader_file(leader)
    rows = run_named("leader_dossier", sample, leader_id=leader).records()
    assert found.leader["id"] == leader and found.leader["name"]
    assert [vars(e) for e in found.entries] == rows and rows
    cases = {e.with_id for e in found.section("case")}
    assert cases and cases <= set(PLANTED["cases"])  # the 一把手 fell in the planted collapse cluster
    assert all(e.section == "post" for e in found.section("post")) and found.section("post")
    with pytest.raises(QueryError):
        model.leader_file("L-NOPE")


def test_a_units_portrait_is_the_portrait_query_typed(sample):
    portrait = ReadModel(sample).unit_portrait(PLANTED["unit"], {"as_of": META["as_of"]})
    (row,) = run_named("unit_portrait", sample, unit_id=PLANTED["unit"], as_of=META["as_of"]).records()
    assert portrait.unit["id"] == PLANTED["unit"] and portrait.indicators == row and portrait.as_of == META["as_of"]
    assert portrait.indicators["cases"] >= 1  # a case of the planted cluster falls in the window


def test_the_api_serves_both_dossiers(sample, tmp_path):
    token = KeyStore(tmp_path / "api_keys.json").create("viewer", "test")
    with TestClient(create_app(Settings(data_dir=tmp_path), store=sample)) as client:
        h = {"X-API-Key": token}
        body = client.get(f"/api/v1/leaders/{PLANTED['top_leader']}/file", headers=h).json()
        assert body["leader"]["id"] == PLANTED["top_leader"]
        assert body["entries"] == run_named("leader_dossier", sample, leader_id=PLANTED["top_leader"]).records()
        got = client.get(f"/api/v1/units/{PLANTED['unit']}/portrait?as_of={META['as_of']}", headers=h).json()
        assert got["as_of"] == META["as_of"] and got["indicators"]["unit_id"] == PLANTED["unit"]
        assert client.get("/api/v1/leaders/L-NOPE/file", headers=h).status_code == 404
        assert client.get(f"/api/v1/leaders/{PLANTED['top_leader']}/file").status_code == 401
