"""``cchc serve``: the online survey and the staff dashboard of a store, over HTTP;
``cchc account``: add or change the staff accounts that sign in to it."""

from __future__ import annotations

import argparse
import getpass
import sys
from pathlib import Path

from ..i18n import Message
from ..labels import t
from ._common import EXIT_OK, Command, fail, open_store
from ._writes import add_lang_option


def _add_serve_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("store", metavar="STORE", help="store folder (or database URL)")
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on")
    parser.add_argument("--port", type=int, default=8000, help="port to listen on")
    parser.add_argument(
        "--secret-file",
        metavar="FILE",
        help="a file of 32 or more random bytes that signs sessions (default: a new "
        "secret each start, which signs everyone out)",
    )
    parser.add_argument(
        "--proxy",
        default="127.0.0.1",
        metavar="IPS",
        help="reverse proxies whose X-Forwarded-For/-Proto are believed "
        "(comma-separated; default: 127.0.0.1)",
    )
    add_lang_option(parser)


def _secret(path: str | None) -> bytes | None:
    if path is None:
        return None
    data = Path(path).read_bytes()
    if len(data) < 32:
        fail("serve", Message.of("cli.serve.short_secret", count=len(data), file=path))
    return data


def _run_serve(args: argparse.Namespace) -> int:
    from ..web import serve

    secret = _secret(args.secret_file)
    with open_store(args.store) as tr:
        # The web server logs its own lines (in English); this one says what is served.
        where = f"http://{args.host}:{args.port}"
        print(t("cli.serve.start", args.lang, store=args.store, url=where), file=sys.stderr)
        serve(tr, host=args.host, port=args.port, secret=secret, forwarded_allow_ips=args.proxy)
    return EXIT_OK


SERVE = Command(
    name="serve",
    summary="serve the online survey and the staff dashboard (needs the web extra)",
    description="Serve the store's online satisfaction survey (GET /, /s/CODE) and the "
    "staff dashboard (/dashboard, after /login) over HTTP until interrupted; GET /healthz "
    "answers ok. Put it behind a reverse proxy that speaks HTTPS.",
    examples=(
        "cchc serve data/tan-hong",
        "cchc serve data/tan-hong --host 127.0.0.1 --port 8080 --secret-file /etc/cchc/secret",
    ),
    add_options=_add_serve_options,
    run=_run_serve,
)


def _add_account_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("store", metavar="STORE", help="store folder (or database URL)")
    parser.add_argument("login", metavar="LOGIN", help="the login (letters, digits, - and _)")
    parser.add_argument(
        "--role", choices=("viewer", "editor", "admin"), help="what the account may do"
    )
    parser.add_argument(
        "--unit", action="append", default=[], help="a unit an editor writes for (repeat)"
    )
    parser.add_argument("--name", help="the name the dashboard shows")
    parser.add_argument(
        "--lock", action="store_true", help="lock the account (it can no longer sign in)"
    )
    parser.add_argument(
        "--password-stdin",
        action="store_true",
        help="read the password from the first line of standard input (default: ask)",
    )
    parser.add_argument("--actor", help="who makes the change, for the journal")
    add_lang_option(parser)


def _password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    try:
        first = getpass.getpass("Mật khẩu (password): ")
        again = getpass.getpass("Nhập lại (again): ")
    except EOFError:  # no terminal to ask on
        fail("account", Message.of("cli.account.no_terminal"))
    if again != first:
        fail("account", Message.of("cli.account.differ"))
    return first


#: The message of each role, by its value.
_ROLES = {
    "viewer": "cli.account.role.viewer",
    "editor": "cli.account.role.editor",
    "admin": "cli.account.role.admin",
}


def _run_account(args: argparse.Namespace) -> int:
    from ..accounts import Account, Role, hash_password
    from ..errors import NotFoundError

    with open_store(args.store) as tr:
        try:
            existing: Account | None = tr.account(args.login)
        except NotFoundError:
            existing = None
        if existing is None and args.role is None:
            fail("account", Message.of("cli.account.needs_role", login=args.login))
        password_hash = existing.password_hash if existing else None
        if existing is None or args.password_stdin or not (args.role or args.unit or args.lock):
            password_hash = hash_password(_password(args.password_stdin))
        account = Account(
            id=args.login,
            name=args.name or (existing.name if existing else args.login),
            role=Role(args.role) if args.role else (existing.role if existing else Role.VIEWER),
            password_hash=password_hash or "",
            units=args.unit or (existing.units if existing else ()),
            active=not args.lock,
        )
        tr.add_account(account, replace=existing is not None, actor=args.actor)
    lang = args.lang
    role = t(_ROLES[account.role.value], lang)
    state = t("cli.account.locked", lang) if args.lock else t("cli.account.active", lang)
    if account.units:
        units = ", ".join(account.units)
        done = t("cli.account.done_units", lang, login=account.id, role=role, units=units,
                 state=state)  # fmt: skip
    else:
        done = t("cli.account.done", lang, login=account.id, role=role, state=state)
    print(done)
    return EXIT_OK


ACCOUNT = Command(
    name="account",
    summary="add or change a staff account of the dashboard",
    description="Add a staff account (viewer, editor of given units, or admin) or change "
    "one: its role, units, name, password (asked twice, or read from standard input) or "
    "lock. The store keeps the password's scrypt hash, never the password.",
    examples=(
        "cchc account data/tan-hong lan --role admin --name 'Nguyễn Thị Lan'",
        "cchc account data/tan-hong hung --role editor --unit tu-phap --unit noi-vu",
        "printf '%s\\n' \"$PW\" | cchc account data/tan-hong hung --password-stdin",
        "cchc account data/tan-hong hung --lock",
    ),
    add_options=_add_account_options,
    run=_run_account,
)
