"""The project's pluggy markers: one string for the project name, the hook marker names
and the entry-point group.

This module imports nothing else of the package, so the built-in rule sets, the hook
specifications and third-party plugins can all import :data:`hookimpl` without pulling
in the plugin manager (which in turn registers the built-in rule sets).
"""

from __future__ import annotations

import pluggy

__all__ = ["PROJECT", "hookimpl", "hookspec"]

#: Project name, hook marker name and entry-point group.
PROJECT = "cchc_tasks"

#: Decorate a function to implement a ``cchc_*`` hook.
hookimpl = pluggy.HookimplMarker(PROJECT)

#: Marks the hook specifications of :mod:`cchc_tasks.hookspecs`.
hookspec = pluggy.HookspecMarker(PROJECT)
