"""``cchc init`` (a new store) and ``cchc config`` (the rule configuration a store holds in
its journal: which installed plugins its evaluations use, and its parameters)."""

from __future__ import annotations

import argparse
import json
import os
from typing import TYPE_CHECKING

from ..i18n import Message
from ..labels import t
from ._common import EXIT_OK, Command, fail, open_store
from ._writes import add_lang_option

if TYPE_CHECKING:
    from ..config import ConfigurationInForce
    from ..labels import Lang

# --- cchc init ------------------------------------------------------------------------------


def _add_init_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("store", metavar="STORE", help="a new or empty folder for the store")
    add_lang_option(parser)


def _run_init(args: argparse.Namespace) -> int:
    from ..store import is_store_folder
    from ..tracker import Tracker

    if is_store_folder(args.store):
        fail("init", Message.of("cli.init.exists", store=args.store))
    # Tracker.open refuses a folder that has other files: it is never taken over.
    with Tracker.open(args.store) as tr:
        tr.snapshot()
    print(t("cli.init.done", args.lang, store=args.store))
    return EXIT_OK


INIT = Command(
    name="init",
    summary="create an empty store in a new or empty folder",
    description="Create an empty store. A folder that has other files is refused and left "
    "as it was; the other commands that read a store never create one.",
    examples=("cchc init data/tan-hong",),
    add_options=_add_init_options,
    run=_run_init,
)


# --- cchc config ----------------------------------------------------------------------------


def _add_config_options(parser: argparse.ArgumentParser) -> None:
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    show = actions.add_parser("show", help="print the configuration in force")
    show.add_argument("store", metavar="STORE", help="store folder or postgresql:// URL")
    show.add_argument("--format", choices=("text", "json"), default="text")
    add_lang_option(show)
    set_ = actions.add_parser("set", help="record a configuration file in the store")
    set_.add_argument("store", metavar="STORE", help="store folder or postgresql:// URL")
    set_.add_argument("file", metavar="FILE", help="a .toml or .json configuration file")
    set_.add_argument("--actor", metavar="ID", help="who sets it, recorded in the journal")
    set_.add_argument("--note", help="the note recorded in the journal")
    add_lang_option(set_)
    plugins = actions.add_parser("plugins", help="enable these installed plugins (only these)")
    plugins.add_argument("store", metavar="STORE", help="store folder or postgresql:// URL")
    plugins.add_argument(
        "names", metavar="NAME", nargs="*", help="entry-point names; none disables them all"
    )
    plugins.add_argument("--actor", metavar="ID", help="who sets it, recorded in the journal")
    plugins.add_argument("--note", help="the note recorded in the journal")
    add_lang_option(plugins)


def _run_config(args: argparse.Namespace) -> int:
    with open_store(args.store) as tr:
        if args.action == "set":
            if not os.path.isfile(args.file):
                fail("config set", Message.of("cli.no_file", file=args.file))
            tr.configure(config=args.file, actor=args.actor, note=args.note)
        elif args.action == "plugins":
            tr.configure(plugins=args.names, actor=args.actor, note=args.note)
        now = tr.configuration()
    if args.action == "show" and args.format == "json":
        value = {
            "plugins": dict(now.plugins),
            "config": dict(now.config),
            "seq": now.seq,
            "at": now.at.isoformat() if now.at else None,
            "actor": now.actor,
            "note": now.note,
        }
        print(json.dumps(value, ensure_ascii=False, indent=2))
        return EXIT_OK
    print(_describe(now, args.lang))
    if args.action == "show" and now.config:
        print(json.dumps(dict(now.config), ensure_ascii=False, indent=2))
    return EXIT_OK


def _describe(now: ConfigurationInForce, lang: Lang) -> str:
    """The configuration in force on one line, as ``ConfigurationInForce.describe`` gives it in
    English: the plugins enabled and where the configuration comes from."""
    plugins = ", ".join(f"{n} {v}" for n, v in now.plugins.items()) or t("misc.none", lang)
    sections = ", ".join(sorted(now.config)) or t("cli.config.defaults", lang)
    where = t("cli.config.at_seq", lang, seq=now.seq) if now.seq else t("cli.config.never", lang)
    return t("cli.config.describe", lang, plugins=plugins, sections=sections, where=where)


CONFIG = Command(
    name="config",
    summary="show or change the rule configuration a store holds (plugins, parameters)",
    description="Show or change the rule configuration recorded in a store's journal: the "
    "installed plugins its evaluations use (installed is not enabled) and its parameters, "
    "in the format of a configuration file. Every change is one journal line.",
    examples=(
        "cchc config show data/tan-hong",
        "cchc config set data/tan-hong dong-thap.toml --actor so-noi-vu",
        "cchc config plugins data/tan-hong cchc_dong_thap cchc_emulation",
    ),
    add_options=_add_config_options,
    run=_run_config,
)
