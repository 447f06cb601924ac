"""Staff accounts of the dashboard: added, replaced, given a new password.

Writes go the one way every write goes; the ``cchc_authorize`` plugins are asked
with the :class:`~cchc_tasks.accounts.Account` as the target, so the
:class:`~cchc_tasks.accounts.AccountPolicy` lets only an admin (or a script that is
no staff member) change them.
"""

from __future__ import annotations

import attrs

from ..accounts import Account, hash_password
from ._session import Service

__all__ = ["AccountService"]


class AccountService(Service):
    def add_account(
        self, account: Account, replace: bool, actor: str | None, note: str | None
    ) -> Account:
        def refers(a: Account) -> list[tuple[str, str | None, str]]:
            return [("units", unit, "Account.units") for unit in a.units]

        return self.record(
            "add_account", "accounts", account, actor, note, refers_to=refers, new=not replace
        )

    def set_password(
        self, login: str, password: str, actor: str | None, note: str | None
    ) -> Account:
        s = self.session
        s.writable()
        hashed = hash_password(password)
        with s.write(actor, note):
            account: Account = s.get("accounts", login, "set_password.login")
            changed = attrs.evolve(account, password_hash=hashed)
            self.allow("set_password", changed)
            s.put("accounts", changed)
        return changed
