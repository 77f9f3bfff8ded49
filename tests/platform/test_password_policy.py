"""The password policy: at least 12 characters, not a common password, not the user name; applied by every
command that sets a password, each refusal naming the rule broken and changing nothing."""
import pytest

from sos_serial.extensions import db
from sos_serial.models import User
from sos_serial.security.password_policy import MIN_LENGTH, common_passwords, password_problem
from tests.support.web import PASSWORD

REFUSED = [
    ("short pw 1", "at least 12 characters long; this one has 10"),
    ("qwertyuiop123", "list of commonly used passwords"),
    ("1Q2W3E4R5T6Y", "list of commonly used passwords"),  # the list is compared without case
    ("Dana.Whitfield", "must not be the user name"),
    ("dana.whitfielddana.whitfield", "nor the user name repeated"),
    (" " * 12, "at least 5 different characters; this one has 1"),
    ("aaaaaaaaaaaa", "at least 5 different characters; this one has 1"),
    ("abababababab", "at least 5 different characters; this one has 2"),
]


@pytest.mark.parametrize(("password", "rule"), REFUSED)
def test_a_password_breaking_a_rule_is_refused_naming_it(password, rule):
    assert rule in password_problem(password, "dana.whitfield")


def test_a_long_uncommon_password_is_taken():
    assert password_problem("plum tractor harbour", "dana") is None
    assert password_problem(PASSWORD, "clerk") is None


def test_the_list_ships_with_the_package():
    listed = common_passwords()
    assert len(listed) > 10_000 and "password" in listed and "1q2w3e4r5t6y" in listed
    assert sum(len(entry) >= MIN_LENGTH for entry in listed) > 100


@pytest.mark.parametrize(("password", "rule"), REFUSED)
def test_users_create_refuses_a_password_against_the_policy(app, runner, password, rule):
    result = runner.invoke(args=["users", "create", "Dana.Whitfield", "--role", "clerk", "--password", password])
    assert result.exit_code != 0 and rule in result.output and "Nothing was changed." in result.output
    with app.app_context():
        assert db.session.query(User).count() == 0


@pytest.mark.parametrize(("password", "rule"), REFUSED)
def test_users_reset_password_refuses_a_password_against_the_policy(app, runner, password_hash, password, rule):
    with app.app_context():
        db.session.add(User(username="Dana.Whitfield", role="clerk", password_hash=password_hash))
        db.session.commit()
    result = runner.invoke(args=["users", "reset-password", "Dana.Whitfield"], input=f"{password}\n{password}\n")
    assert result.exit_code != 0 and rule in result.output and "Nothing was changed." in result.output
    with app.app_context():
        user = db.session.query(User).one()
        assert user.check_password(PASSWORD) and user.session_version == 1


def test_generated_passwords_meet_the_policy(app, runner):
    created = runner.invoke(args=["users", "create", "admin", "--role", "admin"])
    assert created.exit_code == 0, created.output
    generated = created.output.strip().splitlines()[-1].split(": ", 1)[1]
    assert password_problem(generated, "admin") is None
    reset = runner.invoke(args=["users", "reset-password", "admin", "--generate"])
    assert password_problem(reset.output.strip().splitlines()[-1].split(": ", 1)[1], "admin") is None
