"""Guessing API tokens: after too many unknown or refused tokens from one client address, its requests are
answered 429 problem+json with Retry-After, whatever token they carry, until the window ends."""
from tests.support.api import API, ApiClient, assert_problem


def test_too_many_bad_tokens_from_one_address_are_answered_429(app, client, tokens):
    app.config.update(SOS_SERIAL_API_TOKEN_FAILURE_LIMIT="3 per minute")
    guesser = ApiClient(client, "sos_not-a-real-token")
    for _ in range(3):
        assert_problem(guesser.get("/items"), 401)
    body = assert_problem(guesser.get("/items"), 429)
    assert "Too many unknown or refused API tokens from this address" in body["detail"]
    refused = ApiClient(client, tokens["clerk"]).get("/items")
    assert_problem(refused, 429)
    assert 0 < int(refused.headers["Retry-After"]) <= 60
    # Another address is not held back by this one.
    other = client.get(API + "/items", headers={"Authorization": f"Bearer {tokens['clerk']}"},
                       environ_base={"REMOTE_ADDR": "10.0.0.2"})
    assert other.status_code == 200


def test_good_tokens_do_not_count_towards_the_limit(app, client, tokens):
    app.config.update(SOS_SERIAL_API_TOKEN_FAILURE_LIMIT="3 per minute")
    clerk = ApiClient(client, tokens["clerk"])
    for _ in range(10):
        assert clerk.get("/items").status_code == 200


def test_the_429_is_in_the_openapi_document(client):
    document = client.get(API + "/openapi.json").get_json()
    assert "429" in document["paths"]["/items"]["get"]["responses"]
