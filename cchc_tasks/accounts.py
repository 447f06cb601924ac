"""Staff accounts of the dashboard, their password hashes, and the policy of their roles.

Passwords are hashed with scrypt (memory-hard: each guess costs 16 MiB and tens of
milliseconds) from the standard library, with a random salt per password; the store
holds ``scrypt$N$r$p$salt$hash`` and never the password. Roles:

* ``viewer``: reads the dashboard, writes nothing;
* ``editor``: also writes the objects of the units listed in ``units`` (a task, a
  survey code, a result of one of them);
* ``admin``: writes everything, accounts included.

:class:`AccountPolicy` is a ``cchc_authorize`` plugin that applies these roles to every
write whose actor is ``staff:<login>`` (see :func:`staff_actor`), and lets a survey
code answer its own questionnaire and nothing else: the web application registers it,
and a script that opens the same store with it obeys the same rules.
"""

from __future__ import annotations

import base64
import enum
import hashlib
import hmac
import secrets
from typing import TYPE_CHECKING, Any

import attrs

from ._fields import check_bool, check_id, check_id_tuple, check_text, field_name, nfc, nfc_tuple
from ._markers import hookimpl
from .errors import NotFoundError, PermissionDeniedError, ValidationError

if TYPE_CHECKING:
    from .tracker.reader import Reader

__all__ = [
    "SCRYPT_N",
    "Account",
    "AccountPolicy",
    "Role",
    "check_password",
    "hash_password",
    "staff_actor",
    "verify_password",
]

#: scrypt's cost: N = 2**14 with r = 8 uses 16 MiB per hash.
SCRYPT_N = 2**14
_SCRYPT_R = 8
_SCRYPT_P = 1
_MIN_PASSWORD = 10
_MAX_PASSWORD = 1024


class Role(enum.StrEnum):
    """What a staff account may do: read (``viewer``), write for its units
    (``editor``), or everything (``admin``)."""

    VIEWER = "viewer"
    EDITOR = "editor"
    ADMIN = "admin"

    @property
    def label_vi(self) -> str:
        return {"viewer": "Xem", "editor": "Cập nhật", "admin": "Quản trị"}[self.value]


def _as_role(value: Any) -> Any:
    if isinstance(value, str) and value in Role.__members__.values():
        return Role(value)
    return value


def _check_role(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if not isinstance(value, Role):
        raise ValidationError(field_name(instance, attribute), "viewer, editor or admin", value)


def _check_hash(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if not isinstance(value, str) or not value.startswith("scrypt$") or value.count("$") != 5:
        raise ValidationError(
            field_name(instance, attribute),
            "a password hash made by hash_password (never a password)",
            "(hidden)",
        )


@attrs.frozen
class Account:
    """A staff account: ``id`` is the login, ``name`` what the dashboard shows,
    ``role`` what it may do, ``units`` the units an editor writes for, and
    ``password_hash`` what :func:`hash_password` gave. ``active=False`` locks it."""

    id: str = attrs.field(converter=nfc, validator=check_id)
    name: str = attrs.field(converter=nfc, validator=check_text)
    role: Role = attrs.field(converter=_as_role, validator=_check_role)
    password_hash: str = attrs.field(validator=_check_hash, repr=False)
    units: tuple[str, ...] = attrs.field(default=(), converter=nfc_tuple, validator=check_id_tuple)
    active: bool = attrs.field(default=True, validator=check_bool)

    def may_write(self, unit: str | None) -> bool:
        """May this account write an object of ``unit`` (``None``: of no unit)?"""
        if not self.active:
            return False
        if self.role is Role.ADMIN:
            return True
        return self.role is Role.EDITOR and unit is not None and unit in self.units


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def check_password(password: Any) -> str:
    """``password`` if it is acceptable: text of 10 to 1024 characters."""
    if not isinstance(password, str) or not _MIN_PASSWORD <= len(password) <= _MAX_PASSWORD:
        raise ValidationError(
            "password",
            f"a password of {_MIN_PASSWORD} to {_MAX_PASSWORD} characters",
            "(hidden)" if isinstance(password, str) else password,
        )
    return password


def hash_password(password: str, *, n: int = SCRYPT_N) -> str:
    """The scrypt hash of ``password`` with a fresh salt, as ``scrypt$N$r$p$salt$hash``.
    ``n`` (a power of two) is the cost; tests may lower it, a server should not."""
    check_password(password)
    if n < 2 or n & (n - 1):
        raise ValidationError("hash_password.n", "a power of two >= 2", n)
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(
        password.encode("utf-8"), salt=salt, n=n, r=_SCRYPT_R, p=_SCRYPT_P, maxmem=2**26
    )
    return f"scrypt${n}${_SCRYPT_R}${_SCRYPT_P}${_b64(salt)}${_b64(digest)}"


def verify_password(password: str, stored: str) -> bool:
    """Does ``password`` match the hash ``stored``? Compared in constant time; a
    malformed hash never matches."""
    try:
        _, n, r, p, salt, digest = stored.split("$")
        expected = base64.b64decode(digest, validate=True)
        found = hashlib.scrypt(
            password.encode("utf-8"),
            salt=base64.b64decode(salt, validate=True),
            n=int(n),
            r=int(r),
            p=int(p),
            maxmem=2**26,
            dklen=len(expected),
        )
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(found, expected)


def staff_actor(login: str) -> str:
    """The journal's actor for a write made by the staff account ``login``."""
    return f"staff:{login}"


_STAFF = "staff:"
_CODE = "survey-code:"
# What an answer with a survey code writes: its response, and the code marked used.
_CODE_ACTIONS = frozenset({"answer_survey"})


def _unit_of(target: Any) -> str | None:
    unit = getattr(target, "unit", None)
    return unit if isinstance(unit, str) else None


class AccountPolicy:
    """The ``cchc_authorize`` plugin of staff roles (see the module docstring).

    Actors that are neither ``staff:…`` nor ``survey-code:…`` (a script, the ``cchc``
    command) are not this plugin's business: it lets them pass, and other plugins
    decide."""

    @hookimpl
    def cchc_authorize(
        self, actor: str | None, action: str, target: Any, tracker: Reader
    ) -> bool | None:
        if actor is None:
            return None
        if actor.startswith(_CODE):
            if action not in _CODE_ACTIONS:
                raise PermissionDeniedError(
                    actor, action, target, reason="a survey code only answers its questionnaire"
                )
            return True
        if not actor.startswith(_STAFF):
            return None
        login = actor[len(_STAFF) :]
        try:
            account = tracker.account(login)
        except NotFoundError:
            raise PermissionDeniedError(
                actor, action, target, reason=f"no staff account {login!r}"
            ) from None
        if isinstance(target, Account) and account.role is not Role.ADMIN:
            raise PermissionDeniedError(
                actor, action, target, reason="only an admin edits accounts"
            )
        if not account.may_write(_unit_of(target)):
            raise PermissionDeniedError(
                actor, action, target, reason=f"role {account.role.value} of {login!r}"
            )
        return True
