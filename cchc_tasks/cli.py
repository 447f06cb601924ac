"""The ``cchc`` command."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from .errors import CchcError

__all__ = ["main"]


def _demo(args: argparse.Namespace) -> int:
    from .examples import YEARS, tan_hong
    from .reports import text_report
    from .tracker import Tracker

    if os.path.isdir(args.store) and os.listdir(args.store):
        print(
            f"cchc demo: {args.store} is not empty; remove it or pick another --store",
            file=sys.stderr,
        )
        return 2
    with Tracker.open(args.store) as tr:
        tan_hong(tr)
        print(
            f"Built the Tân Hồng example in {args.store}: {len(tr.units())} units, "
            f"{len(tr.persons())} people, {len(tr.tasks())} tasks, journal seq {tr.seq}."
        )
        for year in YEARS:
            print()
            print(text_report(tr.evaluate(year), reasons=not args.brief))
            print()
        if args.explain:
            print(tr.evaluate(args.explain_year).explain(args.explain))
    return 0


def _plugins(args: argparse.Namespace) -> int:
    from .plugins import make_plugin_manager, plugin_versions

    pm = make_plugin_manager()
    versions = dict(plugin_versions(pm))
    rows: list[tuple[str, str, str]] = []
    for name, plugin in sorted(pm.list_name_plugin(), key=lambda np: np[0]):
        if plugin is None:
            continue
        implemented = sorted(h.name for h in pm.get_hookcallers(plugin) or ())
        rows.append((name, versions.get(name, "?"), ", ".join(implemented)))
    width = max(len(r[0]) for r in rows)
    vwidth = max(len(r[1]) for r in rows)
    for name, version, hooks in rows:
        print(f"{name.ljust(width)}  {version.ljust(vwidth)}  {hooks}")
    return 0


def _build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="cchc", description="Track a CCHC (administrative-reform) plan."
    )
    sub = parser.add_subparsers(dest="command", required=True)
    demo = sub.add_parser(
        "demo", help="build the Tân Hồng example store and print its evaluations for 2021–2025"
    )
    demo.add_argument("--store", default="data/tan-hong", help="store folder to create")
    demo.add_argument("--brief", action="store_true", help="ratings without reasons")
    demo.add_argument("--explain", metavar="PERSON", help="also explain one head's rating")
    demo.add_argument("--explain-year", type=int, default=2025, metavar="YEAR")
    demo.set_defaults(run=_demo)
    plugins = sub.add_parser(
        "plugins", help="list loaded plugins, their versions and the hooks each implements"
    )
    plugins.set_defaults(run=_plugins)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``cchc`` command; returns the exit code."""
    args = _build_parser().parse_args(argv)
    try:
        code: int = args.run(args)
    except CchcError as exc:
        print(f"cchc: {exc}", file=sys.stderr)
        return 1
    return code


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
