"""An API token's life: refused with the reason once it has expired, been revoked or its user deactivated,
and its last use noted, at most once a minute."""
from datetime import timedelta

from sos_serial.extensions import db
from sos_serial.models import ApiToken, Item, User
from sos_serial.models._columns import utcnow
from sos_serial.models.api_token import as_utc, token_digest
from tests.support.api import ApiClient, assert_problem


def change_token(app, token: str, **values) -> None:
    with app.app_context():
        record = db.session.query(ApiToken).filter_by(token_hash=token_digest(token)).one()
        for name, value in values.items():
            setattr(record, name, value)
        db.session.commit()
        db.session.remove()


def last_used(app, token: str):
    with app.app_context():
        value = db.session.query(ApiToken.last_used_at).filter_by(token_hash=token_digest(token)).scalar()
        db.session.remove()
    return as_utc(value) if value is not None else None


def item_names(app) -> list[str]:
    with app.app_context():
        names = [item.name for item in db.session.query(Item)]
        db.session.remove()
    return names


def assert_refused_for(app, client, reason: str) -> None:
    body = assert_problem(client.get("/items"), 401)
    assert reason in body["detail"], body
    before = item_names(app)
    assert_problem(client.post("/items", {"name": "Late Clock", "cost": "1.00"}), 401)
    assert item_names(app) == before


def test_an_expired_token_is_refused_naming_the_expiry(app, client, tokens):
    clerk = ApiClient(client, tokens["clerk"])
    change_token(app, tokens["clerk"], expires_at=utcnow() + timedelta(minutes=5))
    assert clerk.get("/items").status_code == 200
    change_token(app, tokens["clerk"], expires_at=utcnow() - timedelta(seconds=1))
    assert_refused_for(app, clerk, "This API token expired on")


def test_a_revoked_token_is_refused_naming_the_revocation(app, client, tokens, runner):
    clerk = ApiClient(client, tokens["clerk"])
    assert clerk.get("/items").status_code == 200
    with app.app_context():
        token_id = db.session.query(ApiToken.id).filter_by(token_hash=token_digest(tokens["clerk"])).scalar()
    assert runner.invoke(args=["users", "tokens", "revoke", str(token_id)]).exit_code == 0
    assert_refused_for(app, clerk, "This API token was revoked on")
    assert ApiClient(client, tokens["admin"]).get("/items").status_code == 200


def test_a_deactivated_users_token_is_refused_and_works_again_on_activation(app, client, tokens, runner):
    clerk = ApiClient(client, tokens["clerk"])
    assert runner.invoke(args=["users", "deactivate", "clerk"]).exit_code == 0
    assert_refused_for(app, clerk, "The user clerk is deactivated")
    assert runner.invoke(args=["users", "activate", "clerk"]).exit_code == 0
    assert clerk.get("/items").status_code == 200


def test_an_unknown_token_is_refused_as_unknown(client, tokens):
    body = assert_problem(ApiClient(client, "sos_not-a-token").get("/items"), 401)
    assert "This API token is not known." in body["detail"]


def test_the_last_use_is_noted_at_most_once_a_minute(app, client, tokens):
    clerk = ApiClient(client, tokens["clerk"])
    assert last_used(app, tokens["clerk"]) is None
    started = utcnow()
    assert clerk.get("/items").status_code == 200
    first = last_used(app, tokens["clerk"])
    assert first is not None and started <= first <= utcnow()
    assert last_used(app, tokens["admin"]) is None  # only the token that was used

    # Half a minute later the use is not written again, so reads stay reads.
    thirty_seconds_ago = first - timedelta(seconds=30)
    change_token(app, tokens["clerk"], last_used_at=thirty_seconds_ago)
    assert clerk.get("/items").status_code == 200
    assert last_used(app, tokens["clerk"]) == thirty_seconds_ago

    # Past the minute it is.
    two_minutes_ago = first - timedelta(minutes=2)
    change_token(app, tokens["clerk"], last_used_at=two_minutes_ago)
    assert clerk.get("/items").status_code == 200
    assert last_used(app, tokens["clerk"]) > first


def test_a_refused_token_is_not_noted_as_used(app, client, tokens):
    change_token(app, tokens["clerk"], expires_at=utcnow() - timedelta(days=1))
    assert_problem(ApiClient(client, tokens["clerk"]).get("/items"), 401)
    assert last_used(app, tokens["clerk"]) is None


def test_the_user_loaded_after_noting_a_use_is_the_tokens(app, client, tokens):
    # The first use writes and commits before the request runs; the request still acts as the token's user.
    response = ApiClient(client, tokens["clerk"]).post("/items", {"name": "Noted Clock", "cost": "2.00"})
    assert response.status_code == 201, response.get_data(as_text=True)
    with app.app_context():
        assert db.session.query(User).filter_by(username="clerk").one().active
    assert "Noted Clock" in item_names(app)


def test_a_busy_database_does_not_hold_up_the_request_to_note_a_use(app, client, tokens):
    # Another writer holds the lock noting the use needs (SQLite: the write lock; PostgreSQL: the token's row).
    with app.app_context():
        token_id = db.session.query(ApiToken.id).filter_by(token_hash=token_digest(tokens["clerk"])).scalar()
        db.session.remove()
        with db.engine.connect() as holder:
            if holder.dialect.name == "sqlite":
                holder.exec_driver_sql("UPDATE api_tokens SET created_at = created_at WHERE id = 0")
            else:
                holder.exec_driver_sql(f"SELECT id FROM api_tokens WHERE id = {token_id} FOR UPDATE")
            response = ApiClient(client, tokens["clerk"]).get("/items")
            holder.rollback()
    assert response.status_code == 200, response.get_data(as_text=True)
    assert last_used(app, tokens["clerk"]) is None
    assert ApiClient(client, tokens["clerk"]).get("/items").status_code == 200
    assert last_used(app, tokens["clerk"]) is not None
