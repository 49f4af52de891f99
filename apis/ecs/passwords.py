"""The native ECS API's rules for a new password of root or Administrator, and Nova's
generated one. Nothing keeps a password: the emulated server has no account to set it on."""

import secrets

from apis.ecs import states

SPECIALS = set("!@%-_=+[]:./?")
USERS = ("root", "Administrator")
# Nova's symbol groups for a generated password: no 0/O, 1/l/I to misread.
_GENERATED_GROUPS = ("23456789", "ABCDEFGHJKLMNPQRSTUVWXYZ", "abcdefghijkmnopqrstuvwxyz")
_GENERATED_LENGTH = 12


def generate() -> str:
    """What Nova answers as adminPass when the request gives none: 12 characters, at least one
    of each group."""
    chosen = [secrets.choice(group) for group in _GENERATED_GROUPS]
    symbols = "".join(_GENERATED_GROUPS)
    chosen += [secrets.choice(symbols) for _ in range(_GENERATED_LENGTH - len(chosen))]
    secrets.SystemRandom().shuffle(chosen)
    return "".join(chosen)


def _classes(password: str) -> int:
    return sum(
        (
            any(c.isascii() and c.isupper() for c in password),
            any(c.isascii() and c.islower() for c in password),
            any(c.isascii() and c.isdigit() for c in password),
            any(c in SPECIALS for c in password),
        )
    )


def _names_user(password: str) -> bool:
    lowered = password.lower()
    for user in (name.lower() for name in USERS):
        if user in lowered or user[::-1] in lowered:
            return True
    admin = USERS[1]
    return any(admin[i : i + 3] in password for i in range(len(admin) - 2))


def check(password: str) -> None:
    """8 to 26 characters among letters, digits and !@%-_=+[]:./?, of 3 of these 4 kinds;
    neither user name nor its reverse, nor 3 consecutive characters of "Administrator"."""
    if not 8 <= len(password) <= 26:
        raise states.invalid("The password must be 8 to 26 characters long.")
    if any(not (c.isascii() and c.isalnum()) and c not in SPECIALS for c in password):
        raise states.invalid("The password may only use letters, digits and !@%-_=+[]:./?")
    if _classes(password) < 3:
        raise states.invalid(
            "The password must mix 3 of: upper case letters, lower case letters, digits, "
            "special characters."
        )
    if _names_user(password):
        raise states.invalid(
            "The password must not contain root or Administrator, their reverse, or 3 "
            "consecutive characters of Administrator."
        )
