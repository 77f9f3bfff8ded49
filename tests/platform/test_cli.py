"""The command-line tools exactly as API.md names them."""
from sos_serial.extensions import db
from sos_serial.models import Item, User, Warranty
from sos_serial.security.auth import user_for_token


def test_users_create_with_password(app, runner):
    result = runner.invoke(args=["users", "create", "dana", "--role", "support", "--password", "s3cret-pass-phrase"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        user = db.session.query(User).filter_by(username="dana").one()
        assert user.role == "support" and user.check_password("s3cret-pass-phrase")


def test_users_create_generates_and_prints_a_password(app, runner):
    result = runner.invoke(args=["users", "create", "admin", "--role", "admin"])
    assert result.exit_code == 0
    password = result.output.strip().splitlines()[-1].split(": ", 1)[1]
    with app.app_context():
        assert db.session.query(User).filter_by(username="admin").one().check_password(password)


def test_users_create_refuses_a_duplicate_and_an_unknown_role(runner):
    runner.invoke(args=["users", "create", "sam", "--role", "clerk", "--password", "sam's long password"])
    again = runner.invoke(args=["users", "create", "sam", "--role", "clerk", "--password", "sam's long password"])
    assert again.exit_code != 0 and "already exists" in again.output
    unknown = runner.invoke(args=["users", "create", "lee", "--role", "owner", "--password", "sam's long password"])
    assert unknown.exit_code != 0 and "owner" in unknown.output


def test_users_create_if_missing_leaves_an_existing_user(runner):
    runner.invoke(args=["users", "create", "admin", "--role", "admin", "--password", "sam's long password"])
    result = runner.invoke(args=["users", "create", "admin", "--role", "admin", "--if-missing"])
    assert result.exit_code == 0 and "already exists" in result.output


def test_users_token_prints_a_working_token_on_the_last_line(app, runner):
    runner.invoke(args=["users", "create", "sam", "--role", "clerk", "--password", "sam's long password"])
    result = runner.invoke(args=["users", "token", "sam"])
    assert result.exit_code == 0
    token = result.output.rstrip("\n").splitlines()[-1]
    with app.app_context():
        assert user_for_token(token).username == "sam"


def test_users_token_for_unknown_user_fails(runner):
    result = runner.invoke(args=["users", "token", "nobody"])
    assert result.exit_code != 0 and "no user named nobody" in result.output


def test_demo_load_is_idempotent(app, runner):
    first = runner.invoke(args=["demo", "load"])
    second = runner.invoke(args=["demo", "load"])
    assert first.exit_code == 0 and second.exit_code == 0
    assert "5 items" in first.output and "0 items" in second.output
    with app.app_context():
        clock = db.session.query(Item).filter_by(name="Armenian Mantel Clock").one()
        assert clock.track_serials and clock.warranty.name == "1 year parts and labor"
        assert db.session.query(Item).filter_by(track_serials=False).count() >= 1
        assert db.session.query(Warranty).count() == 3


def test_transactions_post_goes_through_the_posting(app, runner, demo, tmp_path):
    import json

    from sos_serial.models import Location, SerialUnit

    with app.app_context():
        clock = db.session.query(Item).filter_by(name="Armenian Mantel Clock").one().id
        showroom = db.session.query(Location).filter_by(name="Showroom").one().id
    good = tmp_path / "receipt.json"
    good.write_text(json.dumps({"type": "item_receipt", "date": "2026-04-01", "location_id": showroom,
                                "lines": [{"item_id": clock, "quantity": 2, "serials": ["CLI-1", "CLI-2"]}]}))
    result = runner.invoke(args=["transactions", "post", str(good)])
    assert result.exit_code == 0, result.output
    assert "Posted item receipt IR-" in result.output
    short = tmp_path / "short.json"
    short.write_text(json.dumps({"type": "item_receipt", "date": "2026-04-01", "location_id": showroom,
                                 "lines": [{"item_id": clock, "quantity": 2, "serials": ["CLI-3"]}]}))
    refused = runner.invoke(args=["transactions", "post", str(short)])
    assert refused.exit_code != 0
    assert "lines[0].serials: Armenian Mantel Clock needs 1 more serial number" in refused.output
    with app.app_context():
        assert db.session.query(SerialUnit).filter(SerialUnit.serial_key.like("cli-%")).count() == 2


def test_demo_load_posts_opening_stock_once(app, runner):
    from sos_serial.models import SerialUnit, Transaction

    first = runner.invoke(args=["demo", "load"])
    assert "4 transactions" in first.output
    runner.invoke(args=["demo", "load"])
    with app.app_context():
        assert db.session.query(Transaction).count() == 4
        clock = db.session.query(Item).filter_by(name="Armenian Mantel Clock").one()
        assert clock.quantity_on_hand == 4
        assert db.session.query(SerialUnit).filter_by(serial_number="GF-1001").one().status == "shipped"
