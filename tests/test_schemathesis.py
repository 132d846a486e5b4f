"""Property-based tests of every API operation against the app's own OpenAPI schema
(schemathesis, through ASGI, no server): no 500s, documented status codes and content types,
responses that match their schemas. Bounded: at most MAX_EXAMPLES examples per operation.

The schema is loaded when the module is collected, so the app is built then; its store (a temp
directory of its own, never the user's) is opened lazily by the first request."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.config import SchemathesisConfig
from schemathesis.checks import (
    content_type_conformance, not_a_server_error, response_schema_conformance,
    status_code_conformance,
)
from test_api_fixtures import API_KEY, ingest_test_clauses, isolated_env  # noqa: F401 - fixture

from api.app import create_app
from api.settings import Settings
from graph.ladybug_store import LadybugStore
from graph.open import ensure_builtin_pack

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_schema_conformance]
MAX_EXAMPLES = 20
IMPORT_EXAMPLES = 8
IMPORT = "/v1/rules:import"

_DIR = Path(tempfile.mkdtemp(prefix="firecheck-schemathesis-"))


def _open_store() -> LadybugStore:
    store = LadybugStore(_DIR / "rules.lbdb")
    ensure_builtin_pack(store)
    ingest_test_clauses(store)
    return store


class _Extractor:
    """/v1/extract runs the extraction package's extractor; a stand-in keeps this test about the
    API's contract, not about what the extractor makes of random text."""

    name, version = "stand-in", "0"

    def extract(self, text: str, *, id: str | None = None):
        from extraction.models import ExtractionResult

        return ExtractionResult(id=id, text=text, rules=[])


app = create_app(Settings(store=str(_DIR / "rules.lbdb"), api_keys=frozenset({API_KEY}),
                          rules_ttl_s=0), store_factory=_open_store, extractor=_Extractor())
schema = schemathesis.openapi.from_asgi("/openapi.json", app)
# The coverage phase (boundary values of every schema keyword) would generate hundreds of large
# rule packs for /v1/rules:import, each a real import: that operation gets fuzzing only.
import_schema = schemathesis.openapi.from_asgi(
    "/openapi.json", app,
    config=SchemathesisConfig.from_dict({"phases": {"coverage": {"enabled": False}}}))


@pytest.fixture(scope="module", autouse=True)
def _cleanup(isolated_env):
    yield
    app.state.services.close()
    shutil.rmtree(_DIR, ignore_errors=True)


SETTINGS = dict(deadline=None, suppress_health_check=[
    HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.data_too_large])


@schema.exclude(path=IMPORT).parametrize()
@settings(max_examples=MAX_EXAMPLES, **SETTINGS)
def test_api_conforms_to_its_schema(case):
    # With the key, the write endpoints are exercised past the 401 as well.
    case.call_and_validate(headers={"X-API-Key": API_KEY}, checks=CHECKS)


@import_schema.include(path=IMPORT).parametrize()
@settings(max_examples=IMPORT_EXAMPLES, **SETTINGS)
def test_rules_import_conforms_to_its_schema(case):
    # Each accepted example is a real import (a transaction and a recompile): fewer of them.
    case.call_and_validate(headers={"X-API-Key": API_KEY}, checks=CHECKS)
