"""Settings of ``lifecheck check`` kept in a file, handed to click as its ``default_map``.

The file is ``--config FILE``, or else the nearest ``lifecheck.toml`` or ``pyproject.toml``
holding a ``[tool.lifecheck]`` table, looked for from the working directory upwards (as
ruff does): in one directory ``lifecheck.toml`` wins, and a ``pyproject.toml`` without the
table does not stop the search. ``--isolated`` reads none. A key is the long name of an
option without its dashes (``fail-on``, ``format``); a TOML array gives a repeatable option
its values (or a comma-separated one its list), a table gives ``KEY=VALUE`` values
(``[tool.lifecheck.severity]``); a relative path is taken from the file's directory. Every
option is settable this way, but for the three that choose the settings themselves.
"""

from __future__ import annotations

import difflib
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click
from click.core import ParameterSource

from lifecheck.checker.commands.common import EXIT_UNREADABLE, say
from lifecheck.checker.reading.store import reason
from lifecheck.checker.reports.printable import printable

LIFECHECK_TOML, PYPROJECT_TOML = "lifecheck.toml", "pyproject.toml"

#: The options that choose where settings come from: the command line only.
UNSETTABLE = ("config", "isolated", "show-settings", "help")


class ConfigError(click.ClickException):
    """A config file that cannot be read or holds a bad setting: one line, exit 2."""

    exit_code = EXIT_UNREADABLE

    def show(self, file: Any = None) -> None:
        """``lifecheck: MESSAGE`` on standard error."""
        say(self.format_message())


@dataclass(frozen=True, slots=True)
class Config:
    """The settings read from ``path`` (``table`` names where they are in it)."""

    path: str
    table: str
    settings: Mapping[str, Any]

    def error(self, key: str, problem: str) -> ConfigError:
        """``PATH: [tool.lifecheck] KEY: PROBLEM``."""
        where = f"{self.table} " if self.table else ""
        return ConfigError(f"{printable(self.path)}: {where}{key}: {problem}")


def find_config(start: Path) -> Path | None:
    """The config file nearest ``start``, in it or above it, or ``None``."""
    for folder in (start, *start.parents):
        if (folder / LIFECHECK_TOML).is_file():
            return folder / LIFECHECK_TOML
        pyproject = folder / PYPROJECT_TOML
        if pyproject.is_file() and _has_table(pyproject):
            return pyproject
    return None


def _has_table(pyproject: Path) -> bool:
    try:
        text = pyproject.read_bytes()
    except OSError:
        return False  # unreadable: not ours (an explicit --config is read, and says why)
    # No mention, no table: most pyproject.toml files are not parsed at all.
    return b"lifecheck" in text and "lifecheck" in _parse(str(pyproject)).get("tool", {})


def read_config(path: str) -> Config:
    """The settings of the file at ``path``: ``[tool.lifecheck]`` of a ``pyproject.toml``,
    the whole of any other file."""
    document = _parse(path)
    if os.path.basename(path) != PYPROJECT_TOML:
        return Config(path, "", document)
    table = document.get("tool", {}).get("lifecheck")
    if not isinstance(table, dict):
        raise ConfigError(f"{printable(path)}: no [tool.lifecheck] table")
    return Config(path, "[tool.lifecheck]", table)


def _parse(path: str) -> dict[str, Any]:
    import tomllib  # only where there is a file to read

    try:
        with open(path, "rb") as file:
            return tomllib.load(file)
    except OSError as error:
        raise ConfigError(f"{printable(path)}: {reason(error)}") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise ConfigError(f"{printable(path)}: not valid TOML: {error}") from None


def settable(command: click.Command) -> dict[str, click.Option]:
    """The options of ``command`` a config file can set, by key."""
    keys = {}
    for param in command.params:
        if isinstance(param, click.Option):
            long = next((o for o in param.opts if o.startswith("--")), None)
            if long is not None and long[2:] not in UNSETTABLE:
                keys[long[2:]] = param
    return keys


def default_map(config: Config, ctx: click.Context) -> dict[str, Any]:
    """The settings of ``config`` as ``ctx``'s command takes them, checked as the command
    line would be; :class:`ConfigError` naming the key of the first bad one."""
    options = settable(ctx.command)
    defaults = {}
    for key, value in config.settings.items():
        option = options.get(key)
        if option is None:
            if key in UNSETTABLE:
                raise config.error(key, "can only be given on the command line")
            close = difflib.get_close_matches(key, options, n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            if key == "tool" and not config.table:  # [tool.lifecheck] in a lifecheck.toml
                hint = " (a lifecheck.toml holds its settings at its top level)"
            raise config.error(key, f"unknown setting{hint}")
        given = _given(option, value, config, key)
        try:
            option.process_value(ctx, given)  # its type and callback: the command line's checks
        except click.ClickException as error:
            raise config.error(key, error.message) from None
        assert option.name is not None
        defaults[option.name] = given
    return defaults


def _given(option: click.Option, value: Any, config: Config, key: str) -> Any:
    """``value`` as the option would have it from the command line."""
    if option.is_flag:
        if not isinstance(value, bool):
            raise config.error(key, f"expected true or false, not {_toml(value)}")
        return value
    if isinstance(value, dict):  # KEY=VALUE pairs, e.g. [tool.lifecheck.severity]
        value = [f"{name}={_scalar(item, config, key)}" for name, item in value.items()]
    if isinstance(value, list):
        items = [_scalar(item, config, key) for item in value]
        if option.multiple:
            return [_path(option, item, config) for item in items]
        if option.type is click.STRING:
            return ",".join(items)
        raise config.error(key, f"expected one value, not {_toml(value)}")
    value = _scalar(value, config, key)
    return [_path(option, value, config)] if option.multiple else _path(option, value, config)


def _scalar(value: Any, config: Config, key: str) -> str:
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise config.error(key, f"expected a string or a number, not {_toml(value)}")
    return str(value)


def _path(option: click.Option, value: str, config: Config) -> str:
    """A relative path of the file's, from the file's directory."""
    if isinstance(option.type, click.Path | click.File) and value != "-":
        return os.path.join(os.path.dirname(config.path), os.path.expanduser(value))
    return value


def _toml(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, list):
        return "an array"
    return repr(value)


# --- where the settings come from --------------------------------------------------------


class ConfiguredCommand(click.Command):
    """A command whose options default to the config file's settings (see the module)."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        """Read the config file the command line names or implies, then parse as usual."""
        opts, _, _ = self.make_parser(ctx).parse_args(args=list(args))  # a first look
        # Help, and shell completion, work whatever the config file holds.
        if not opts.get("help") and not ctx.resilient_parsing:
            config = chosen_config(opts.get("config"), bool(opts.get("isolated")))
            ctx.meta[__name__] = config
            if config is not None:
                ctx.default_map = {**(ctx.default_map or {}), **default_map(config, ctx)}
        return super().parse_args(ctx, args)


def chosen_config(path: str | None, isolated: bool) -> Config | None:
    """The settings of ``--config PATH``, none with ``--isolated``, else the nearest file's."""
    if path is not None and isolated:
        raise ConfigError("--config and --isolated cannot be used together")
    if isolated:
        return None
    if path is None:
        found = find_config(Path.cwd())
        if found is None:
            return None
        path = str(found)
    return read_config(path)


def project_root(ctx: click.Context) -> str | None:
    """The folder of the config file in use: the project's root, where fingerprints take
    paths from (so that a baseline holds from any subfolder); ``None`` without one."""
    config: Config | None = ctx.meta.get(__name__)
    return None if config is None else os.path.dirname(os.path.abspath(config.path))


def settings_lines(ctx: click.Context) -> list[str]:
    """Each option's resolved value and where it came from, one ``key = value  # source``
    line each, after a line naming the config file."""
    config: Config | None = ctx.meta.get(__name__)
    if ctx.params.get("isolated"):
        head = "config file: none (--isolated)"
    elif config is None:
        head = f"config file: none found from {printable(os.getcwd())} upwards"
    else:
        head = f"config file: {printable(config.path)} {config.table}".rstrip()
    rows = []
    for key, option in settable(ctx.command).items():
        assert option.name is not None
        source = ctx.get_parameter_source(option.name)
        origin = {
            ParameterSource.DEFAULT_MAP: printable(config.path) if config else "config",
            ParameterSource.COMMANDLINE: "command line",
            ParameterSource.ENVIRONMENT: "environment",
        }.get(source, "default")  # type: ignore[arg-type]
        rows.append((key, _shown(ctx.params[option.name]), origin))
    keys = max(len(key) for key, _, _ in rows)
    values = max(len(value) for _, value, _ in rows)
    return [head] + [f"{k:<{keys}} = {v:<{values}}  # {o}" for k, v, o in rows]


def _shown(value: Any) -> str:
    if value is None:
        return "(none)"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, Sequence) and not isinstance(value, str):
        return "[" + ", ".join(_shown(item) for item in value) + "]"
    return '"' + printable(str(value)).replace('"', '\\"') + '"'
