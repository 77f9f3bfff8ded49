"""The password policy: what a new password must be, checked wherever one is set."""
from __future__ import annotations

import gzip
from functools import cache
from importlib.resources import files

MIN_LENGTH = 12
# Twelve characters of one or two kinds ("aaaaaaaaaaaa", twelve spaces, "abababababab") are guessed first.
MIN_DISTINCT_CHARACTERS = 5
# Royce Williams's list of 20,000 common passwords (lowercased, deduplicated), as Django ships it for its
# CommonPasswordValidator. Most entries are shorter than MIN_LENGTH and are refused by length already;
# the list catches the long ones people still pick ("qwertyuiop123", "1q2w3e4r5t6y").
COMMON_PASSWORDS_FILE = "data/common_passwords.txt.gz"


@cache
def common_passwords() -> frozenset[str]:
    data = files("sos_serial.security").joinpath(COMMON_PASSWORDS_FILE).read_bytes()
    return frozenset(line.strip() for line in gzip.decompress(data).decode("utf-8").splitlines() if line.strip())


def password_problem(password: str, username: str) -> str | None:
    """Why ``password`` may not be ``username``'s new password, naming the rule it breaks; None if it may."""
    if len(password) < MIN_LENGTH:
        return f"The password must be at least {MIN_LENGTH} characters long; this one has {len(password)}."
    if len(set(password)) < MIN_DISTINCT_CHARACTERS:
        return (f"The password must have at least {MIN_DISTINCT_CHARACTERS} different characters; this one has "
                f"{len(set(password))}.")
    name = username.strip().casefold()
    if password.strip().casefold() == name or (len(name) >= 3 and not password.casefold().replace(name, "").strip()):
        return "The password must not be the user name, nor the user name repeated."
    if password.strip().lower() in common_passwords():
        return "The password is on the list of commonly used passwords; choose one that is not."
    return None
