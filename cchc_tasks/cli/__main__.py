"""``python -m cchc_tasks.cli``: the ``cchc`` command, as the ``cchc`` script runs it."""

from . import main

if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
