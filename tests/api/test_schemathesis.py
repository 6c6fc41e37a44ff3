"""schemathesis fuzzes every operation of the OpenAPI schema (`/api/openapi.json`) as an admin
with a bearer token, on a small seeded database (SQLite and PostgreSQL): no request answers 500, and
every response — errors included — matches the schema (status, content type, body, headers).

The reserved resources (501 by design: `api.reserved`) are left out. Deterministic (`derandomize`)
and bounded (`max_examples` per operation). Requests that would lock the fuzzer out — disabling the
admin, revoking their token — are pointed at other users instead.
"""

from __future__ import annotations

from typing import Any

import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from supportqa.api.app import OPENAPI_URL
from supportqa.services import tokens
from supportqa.services.permissions import Role
from tests.api.conftest import Served

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    response_headers_conformance,
]
EXAMPLES = 30


def _aimed_at_the_viewer(case: Any, served: Served) -> None:
    """User ids in the path name the viewer, token ids a fresh token of the agent's (the viewer
    may be disabled by then): the fuzzer's own account stays usable, and the writes still reach
    the code behind a real id."""
    parameters = case.path_parameters or {}
    if "user_id" in parameters:
        parameters["user_id"] = served.ids[Role.VIEWER]
    if "token_id" in parameters:
        owner = served.ids[Role.AGENT]
        parameters["token_id"] = tokens.create_token(served.workspace, owner, actor="t").info.id


def _fuzz(operation: Any, served: Served) -> None:
    @settings(
        max_examples=EXAMPLES,
        derandomize=True,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy())
    def run(case: Any) -> None:
        _aimed_at_the_viewer(case, served)
        case.call_and_validate(headers=served.bearer(Role.ADMIN), checks=CHECKS)

    run()


def test_no_operation_answers_500_or_leaves_its_schema(served: Served) -> None:
    schema = schemathesis.openapi.from_asgi(OPENAPI_URL, served.app)
    failures: list[str] = []
    operations = [result.ok() for result in schema.get_all_operations()]
    operations = [o for o in operations if "reserved" not in o.definition.raw.get("tags", [])]
    assert len(operations) >= 15
    for operation in operations:
        try:
            _fuzz(operation, served)
        except Exception as exc:  # every operation is tried; all failures reported together
            failures.append(f"{operation.label}: {exc}")
    assert failures == [], "\n\n".join(failures)
