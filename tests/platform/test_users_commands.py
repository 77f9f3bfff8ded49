"""The users commands that keep accounts: deactivate, activate, reset-password, sign-out, and API tokens
issued with an expiry, listed and revoked."""
import re
from datetime import timedelta

from sos_serial.extensions import db
from sos_serial.models import ApiToken, User
from sos_serial.models._columns import utcnow
from sos_serial.models.api_token import as_utc
from sos_serial.security.auth import check_token
from tests.support.web import PASSWORD


def user(app, name: str) -> User:
    with app.app_context():
        found = db.session.query(User).filter_by(username=name).one()
        db.session.expunge(found)
    return found


def issued(runner, *args) -> tuple[int, str]:
    result = runner.invoke(args=["users", "token", *args])
    assert result.exit_code == 0, result.output
    token_id = int(re.search(r"API token (\d+) for", result.output).group(1))
    return token_id, result.output.rstrip("\n").splitlines()[-1]


def test_deactivate_and_activate(app, runner, make_user):
    make_user("clerk")
    version = user(app, "clerk").session_version
    result = runner.invoke(args=["users", "deactivate", "clerk"])
    assert result.exit_code == 0, result.output
    assert result.output == "Deactivated clerk: signed out everywhere; their API tokens no longer work.\n"
    gone = user(app, "clerk")
    assert not gone.active and gone.session_version == version + 1
    again = runner.invoke(args=["users", "activate", "clerk"])
    assert again.exit_code == 0 and again.output == "Activated clerk.\n"
    assert user(app, "clerk").active


def test_reset_password_asks_twice_without_echo(app, runner, make_user):
    make_user("clerk")
    version = user(app, "clerk").session_version
    result = runner.invoke(args=["users", "reset-password", "clerk"], input="a new long password\na new long password\n")
    assert result.exit_code == 0, result.output
    assert "a new long password" not in result.output
    assert "Password of clerk changed; they are signed out everywhere." in result.output
    changed = user(app, "clerk")
    assert changed.check_password("a new long password") and not changed.check_password(PASSWORD)
    assert changed.session_version == version + 1


def test_reset_password_refuses_a_short_one_and_changes_nothing(app, runner, make_user):
    make_user("clerk")
    result = runner.invoke(args=["users", "reset-password", "clerk"], input="short\nshort\n")
    assert result.exit_code != 0 and "at least 12 characters" in result.output
    assert user(app, "clerk").check_password(PASSWORD)


def test_reset_password_can_generate_one_printed_once(app, runner, make_user):
    make_user("clerk")
    result = runner.invoke(args=["users", "reset-password", "clerk", "--generate"])
    assert result.exit_code == 0, result.output
    password = result.output.strip().splitlines()[-1].split(": ", 1)[1]
    assert result.output.count(password) == 1
    assert user(app, "clerk").check_password(password)


def test_sign_out_leaves_the_password_and_tokens(app, runner, make_user):
    make_user("clerk")
    _, token = issued(runner, "clerk")
    version = user(app, "clerk").session_version
    result = runner.invoke(args=["users", "sign-out", "clerk"])
    assert result.exit_code == 0 and result.output == "Signed clerk out everywhere.\n"
    after = user(app, "clerk")
    assert after.session_version == version + 1 and after.check_password(PASSWORD) and after.active
    with app.app_context():
        assert check_token(token).user.username == "clerk"


def test_each_command_names_an_unknown_user(runner):
    for command in (["deactivate"], ["activate"], ["reset-password", "--generate"], ["sign-out"], ["token"],
                    ["tokens", "list"]):
        result = runner.invoke(args=["users", *command, "nobody"])
        assert result.exit_code != 0 and "There is no user named nobody." in result.output, command


def test_a_token_with_an_expiry_says_when(app, runner, make_user):
    make_user("clerk")
    token_id, token = issued(runner, "clerk", "--expires-in", "30")
    with app.app_context():
        record = db.session.get(ApiToken, token_id)
        assert abs(as_utc(record.expires_at) - (utcnow() + timedelta(days=30))) < timedelta(minutes=1)
        assert check_token(token).user.username == "clerk"
    forever_id, _ = issued(runner, "clerk")
    with app.app_context():
        assert db.session.get(ApiToken, forever_id).expires_at is None
    refused = runner.invoke(args=["users", "token", "clerk", "--expires-in", "0"])
    assert refused.exit_code != 0


def test_no_token_for_a_deactivated_user(runner, make_user):
    make_user("clerk")
    runner.invoke(args=["users", "deactivate", "clerk"])
    result = runner.invoke(args=["users", "token", "clerk"])
    assert result.exit_code != 0 and "deactivated" in result.output


def test_tokens_list_shows_each_token_but_never_the_token(app, runner, make_user):
    make_user("clerk")
    make_user("support")
    clerk_id, clerk_token = issued(runner, "clerk", "--expires-in", "7")
    support_id, support_token = issued(runner, "support")
    with app.app_context():
        check_token(support_token)
    listing = runner.invoke(args=["users", "tokens", "list"])
    assert listing.exit_code == 0, listing.output
    lines = listing.output.splitlines()
    assert lines[0].split() == ["ID", "USER", "CREATED", "LAST", "USED", "EXPIRES", "STATE"]
    rows = {int(line.split()[0]): line for line in lines[1:]}
    assert set(rows) == {clerk_id, support_id}
    assert " clerk " in rows[clerk_id] and rows[clerk_id].rstrip().endswith("active")
    assert "never" in rows[support_id] and " - " not in rows[support_id]  # support's token was used
    assert clerk_token not in listing.output and support_token not in listing.output
    with app.app_context():
        digests = [record.token_hash for record in db.session.query(ApiToken)]
    assert not any(digest in listing.output for digest in digests)
    only = runner.invoke(args=["users", "tokens", "list", "support"])
    assert [int(line.split()[0]) for line in only.output.splitlines()[1:]] == [support_id]


def test_tokens_list_with_none(runner, make_user):
    make_user("clerk")
    assert runner.invoke(args=["users", "tokens", "list"]).output == "No API tokens.\n"
    assert runner.invoke(args=["users", "tokens", "list", "clerk"]).output == "No API tokens for clerk.\n"


def test_tokens_revoke_stops_that_token_only(app, runner, make_user):
    make_user("clerk")
    revoked_id, revoked = issued(runner, "clerk")
    _, kept = issued(runner, "clerk")
    result = runner.invoke(args=["users", "tokens", "revoke", str(revoked_id)])
    assert result.exit_code == 0 and result.output == f"Revoked API token {revoked_id} of clerk.\n"
    with app.app_context():
        assert check_token(revoked).user is None and "revoked" in check_token(revoked).refusal
        assert check_token(kept).user.username == "clerk"
    listing = runner.invoke(args=["users", "tokens", "list"]).output
    assert [line for line in listing.splitlines() if line.startswith(f"{revoked_id} ")][0].endswith("revoked")
    again = runner.invoke(args=["users", "tokens", "revoke", str(revoked_id)])
    assert again.exit_code == 0 and "already revoked" in again.output


def test_tokens_revoke_names_an_unknown_id(runner):
    for token_id in ("999", "99999999999999999999"):
        result = runner.invoke(args=["users", "tokens", "revoke", token_id])
        assert result.exit_code != 0 and f"There is no API token with id {token_id}" in result.output


def test_unlock_lifts_a_sign_in_lock(app, runner, make_user):
    user_id = make_user("clerk")
    with app.app_context():
        locked = db.session.get(User, user_id)
        locked.failed_sign_ins, locked.locked_until = 4, utcnow() + timedelta(minutes=15)
        db.session.commit()
    result = runner.invoke(args=["users", "unlock", "clerk"])
    assert result.exit_code == 0, result.output
    assert "clerk may sign in again; their failed sign-ins are forgotten." in result.output
    unlocked = user(app, "clerk")
    assert unlocked.failed_sign_ins == 0 and unlocked.locked_until is None
