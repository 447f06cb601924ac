"""The store's rule configuration: which installed plugins its evaluations use, and its
parameters, recorded as journal lines so that every tracker rates the store alike."""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from typing import Any

from ..config import ConfigurationInForce, StoreConfiguration, did_you_mean, read_config
from ..errors import ValidationError
from ..plugins import installed_plugins
from ._session import Service, Session

__all__ = ["ConfigurationService", "configuration_in_force"]


def configuration_in_force(session: Session) -> ConfigurationInForce:
    """What is in force, with the journal line that set it."""
    found: StoreConfiguration | None = session.find("configuration", "configuration")
    if found is None:
        return ConfigurationInForce(plugins={}, config={})
    for entry in reversed(list(session.store.entries())):
        if any(c.table == "configuration" for c in entry.changes):
            return ConfigurationInForce(
                found.plugins, found.config, entry.seq, entry.at, entry.actor, entry.note
            )
    return ConfigurationInForce(found.plugins, found.config)  # pragma: no cover


class ConfigurationService(Service):
    def configure(
        self,
        plugins: Iterable[str] | None,
        config: str | os.PathLike[str] | Mapping[str, Any] | None,
        actor: str | None,
        note: str | None,
    ) -> ConfigurationInForce:
        s = self.session
        s.writable(configuring=True)
        if plugins is None and config is None:
            raise ValidationError("configure", "plugins=, config= or both", None)
        current = s.rules().configuration
        pins = dict(current.plugins) if plugins is None else self._pins(plugins)
        mapping = current.config if config is None else _config(config)
        configuration = StoreConfiguration(plugins=pins, config=mapping)
        # Validated with the plugins it enables: their sections, their rule kinds.
        rules = s.rules_for(configuration)
        if rules.missing:
            name, why = next(iter(rules.missing.items()))
            raise ValidationError("configure.plugins", f"an installed plugin ({why})", name)
        with s.write(actor, note):
            self.allow("configure", configuration)
            s.put("configuration", configuration)
        return configuration_in_force(s)

    def restore(self, configuration: StoreConfiguration) -> StoreConfiguration:
        """Record ``configuration`` as it is (an import): a plugin missing here makes
        the evaluations refuse to run, as it would for the store it came from."""
        s = self.session
        with s.write(None, None):
            self.allow("configure", configuration)
            s.put("configuration", configuration)
        return configuration

    @staticmethod
    def _pins(plugins: Iterable[str]) -> dict[str, str]:
        if isinstance(plugins, str) or not isinstance(plugins, Iterable):
            raise ValidationError("configure.plugins", "a list of plugin names", plugins)
        installed = {p.name: p.version for p in installed_plugins()}
        pins = {}
        for name in plugins:
            if name not in installed:
                known = ", ".join(sorted(installed)) or "none is installed"
                raise ValidationError(
                    "configure.plugins",
                    f"an installed plugin ({known}){did_you_mean(name, installed)}",
                    name,
                )
            pins[name] = installed[name]
        return pins


def _config(config: str | os.PathLike[str] | Mapping[str, Any]) -> dict[str, Any]:
    if not isinstance(config, str | os.PathLike | Mapping):
        raise ValidationError("configure.config", "a mapping or a TOML/JSON file", config)
    return read_config(config)
