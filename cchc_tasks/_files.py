"""Reading a settings file that is either TOML or JSON, with errors that name the file."""

from __future__ import annotations

import json
import tomllib
from typing import Any

from .errors import ValidationError


def read_toml_or_json(path: str, *, what: str, where: str, json_object: str) -> dict[str, Any]:
    """Read ``path`` by its ending (``.toml`` or ``.json``) into a dict.

    ``what`` is the field reported when the file cannot be read or has another ending,
    ``where`` the field reported when its contents are not valid or not an object, and
    ``json_object`` what a JSON file must hold, e.g. ``"a JSON object of sections"``.
    """
    try:
        if path.endswith(".toml"):
            with open(path, "rb") as f:
                return tomllib.load(f)
        if path.endswith(".json"):
            with open(path, encoding="utf-8") as f:
                data = json.load(f)
            if not isinstance(data, dict):
                raise ValidationError(where, json_object, type(data).__name__)
            return data
    except OSError as exc:
        raise ValidationError(what, "a readable TOML or JSON file", path) from exc
    except UnicodeDecodeError as exc:
        # A file saved as UTF-16 (Windows Notepad's "Unicode") or in a code page.
        raise ValidationError(where, f"a UTF-8 text file ({exc.reason})", path) from None
    except (tomllib.TOMLDecodeError, json.JSONDecodeError) as exc:
        kind = path.rsplit(".", 1)[-1].upper()
        raise ValidationError(where, f"valid {kind} ({exc})", path) from None
    except ValueError as exc:  # a NUL in the path
        raise ValidationError(what, "a readable TOML or JSON file", repr(path)) from exc
    raise ValidationError(what, "a file ending in .toml or .json", path)
