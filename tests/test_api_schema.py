"""schemathesis against the app's own OpenAPI: generated requests find no 5xx and no response
that breaks the documented schema."""

from __future__ import annotations

import pytest
import schemathesis
from conftest import SAMPLES
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from jiandu.api.app import create_app
from jiandu.api.keys import KeyStore
from jiandu.graph.connect import open_store
from jiandu.ingest.loader import ingest
from jiandu.settings import Settings


@pytest.fixture(scope="module")
def app_and_key(server_store, data_dir, tmp_path_factory):
    folder = tmp_path_factory.mktemp("api-schema")
    store = open_store(f"falkordb+embedded://{data_dir}", graph="schema_api")
    store.clear()
    ingest(store, [SAMPLES], rejects_dir=folder / "rejects")
    token = KeyStore(folder / "api_keys.json").create("admin", "schemathesis")
    yield create_app(Settings(data_dir=folder, cypher_timeout_ms=2000), store=store), token
    store.clear()
    store.close()


def _exercise(op, token: str) -> None:
    @settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    @given(case=op.as_strategy())
    def check(case):
        response = case.call(headers={"X-API-Key": token})
        case.validate_response(response, checks=[not_a_server_error, response_schema_conformance])

    check()


def test_openapi_holds_under_generated_requests(app_and_key):
    app, token = app_and_key
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    failures, exercised = [], 0
    for operation in schema.get_all_operations():
        op = operation.ok()  # writes included: the graph is this module's own
        exercised += 1
        try:
            _exercise(op, token)
        except Exception as exc:  # noqa: BLE001 - collect every operation's failure, then report them all
            failures.append(f"{op.method.upper()} {op.path}: {str(exc)[:600]}")
    assert exercised == 27  # every documented operation
    assert not failures, "\n".join(failures)
