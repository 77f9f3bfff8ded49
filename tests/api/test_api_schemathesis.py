"""The API fuzzed from its own OpenAPI document with schemathesis: no 500, no answer outside the document.

Every operation the document lists gets generated requests (valid ones and, for the 4xx answers, ones
that break the schema), sent to the WSGI app with an administrator's token. Each answer must not be a
5xx, must carry a status code, a content type and a body the document declares for that operation.

Each pass runs against a world of its own (the ``app`` fixture gives each test a fresh database), so the
destructive operations (deletes, settings changes) touch nothing another test reads. A webhook the
run registers gets the address of a closed port on 127.0.0.1, so no delivery leaves the machine.
Bounded for CI: few examples per operation, no deadline (a busy CI machine is slow, not wrong), and
derandomized, so a run is the same run every time.
"""
import re

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.support.api import find_unit, receive, ship

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
# Examples per operation and kind (valid, schema-breaking): enough to reach every field, few enough for CI.
EXAMPLES = 10
CLOSED_RECEIVER = "http://127.0.0.1:9/hooks"


def known_ids(admin, world) -> dict[str, int]:
    """An existing record behind each collection's ``{id}``: units received and one shipped, on one document each."""
    receive(admin, world.clock, ["ST-1", "ST-2"], world.main)
    shipment = ship(admin, world.clock, ["ST-2"], world.main, world.acme)
    return {"items": world.clock, "locations": world.main, "customers": world.acme, "vendors": world.vendor,
            "warranties": world.one_year, "transactions": shipment["id"],
            "serials": find_unit(admin, world.clock, "ST-1")["id"]}


def run_operation(operation, mode, headers, path_parameters=None):
    """The operation's generated requests, sent and checked; the first failing one is raised."""

    @settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None, print_blob=False,
              suppress_health_check=list(HealthCheck))
    @given(case=operation.as_strategy(generation_mode=mode, path_parameters=path_parameters))
    def check(case):
        if operation.path == "/webhooks" and isinstance(case.body, dict) and isinstance(case.body.get("url"), str):
            # A webhook the run registers points at a closed port here: no delivery leaves the machine.
            case.body["url"] = CLOSED_RECEIVER
        case.call_and_validate(headers=headers, checks=CHECKS)

    check()


@pytest.mark.parametrize("mode, on_known_ids", [(GenerationMode.POSITIVE, False), (GenerationMode.NEGATIVE, False),
                                                (GenerationMode.POSITIVE, True)],
                         ids=["valid", "invalid", "valid-on-existing-records"])
def test_every_answer_is_one_the_document_declares(app, admin, tokens, world, mode, on_known_ids):
    # Random ids find nothing (404): the last pass fixes each {id} to an existing record, so the
    # operation's own answer (200, 409, 422) is generated and checked too.
    ids = known_ids(admin, world) if on_known_ids else {}
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    headers = {"Authorization": f"Bearer {tokens['admin']}"}
    failures = []
    for result in schema.get_all_operations():
        operation = result.ok()
        collection = operation.path.strip("/").split("/")[0]
        if on_known_ids and ("{id}" not in operation.path or collection not in ids):
            continue
        try:
            run_operation(operation, mode, headers, {"id": ids[collection]} if on_known_ids else None)
        except Exception as failure:  # every operation is tried; all failures are shown at once
            failures.append(f"{operation.method.upper()} {operation.path}: {failure}"[:3000])
    assert not failures, "\n\n".join(failures)


# ---------------------------------------------------------------------------- what the run found, pinned down
def test_every_moment_in_an_answer_carries_its_offset(admin, world):
    # SQLite hands times back without their offset; the document promises RFC 3339 date-times.
    receive(admin, world.clock, ["ST-9"], world.main)
    unit = find_unit(admin, world.clock, "ST-9")
    moments = [entry["recorded_at"] for entry in admin.ok("GET", f"/serials/{unit['id']}/history")]
    moments += [document["created_at"] for document in admin.ok("GET", "/transactions")["items"]]
    assert moments
    for moment in moments:
        assert moment.endswith(("Z", "+00:00")) or re.search(r"[+-]\d\d:\d\d$", moment), moment
