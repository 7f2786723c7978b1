"""Settings: defaults, config files, environment variables and command-line flags, in that order.

Each setting has a config key (``[tool.citelint]`` in ``pyproject.toml``, or top level in a
``citelint.toml``), most have an environment variable, and the CLI adds flags; later layers win:
flags over environment over file over defaults. :func:`resolve_config` does the whole stack;
:func:`load_config`, :func:`from_environment` and :meth:`Config.merged` are its steps.

Mistakes are reported, never ignored: an unknown key, an unknown rule id or a value of the wrong
type raises :class:`ConfigError` naming the file (or variable) and the key.

The OpenAlex API key is a secret: it is read only from the environment, never from a config file
(a file that tries is an error, since files get committed), and ``repr(config)`` does not show it.
This module reads files and the environment; it does no network I/O.
"""

from __future__ import annotations

import dataclasses
import difflib
import os
import re
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from citelint.models import SEVERITIES

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib

FAIL_ON = ("error", "warning", "never")
# What else can fail a run when every reference came out unverified (exit codes 3 and 4).
FAIL_ON_CONDITIONS = ("sources-failed", "sources-not-asked")
KNOWN_SOURCES = ("crossref", "openalex", "doi")
CONFIG_FILENAMES = ("citelint.toml", "pyproject.toml")  # looked for in this order in each directory
DEFAULT_CROSSREF_URL = "https://api.crossref.org"
DEFAULT_OPENALEX_URL = "https://api.openalex.org"
DEFAULT_DOI_URL = "https://doi.org"
_SECRET_KEYS = ("openalex-api-key", "api-key", "openalex-key", "key")


class ConfigError(Exception):
    """A setting that cannot be used. The message names where it came from and the key."""


@dataclass
class Config:
    """Every setting citelint reads, with its default.

    ``enable`` is ``None`` for "every rule"; ``severity`` maps rule ids to a severity that
    replaces the rule's default; ``options`` maps rule ids to that rule's options. Paths read from
    a file are relative to that file's directory; ``origins`` says where each non-default setting
    came from (``"pyproject.toml"``, ``"env CITELINT_MAILTO"``, ``"--fail-on"``…).
    """

    enable: list[str] | None = None
    disable: list[str] = field(default_factory=list)
    severity: dict[str, str] = field(default_factory=dict)
    options: dict[str, dict[str, Any]] = field(default_factory=dict)
    fail_on: str = "error"
    sources: list[str] = field(default_factory=lambda: list(KNOWN_SOURCES))
    mailto: str | None = None
    cache_dir: Path | None = None  # None: the user cache directory (platformdirs)
    offline: bool = False
    # let an input's \input, \bibliography or bibliography: read files outside its directory
    allow_outside_files: bool = False
    snapshots: list[Path] = field(default_factory=list)
    index: Path | None = None  # a local index of the data files (citelint index build)
    baseline: Path | None = None
    manuscripts: list[Path] = field(default_factory=list)
    crossref_url: str = DEFAULT_CROSSREF_URL
    openalex_url: str = DEFAULT_OPENALEX_URL
    doi_url: str = DEFAULT_DOI_URL
    openalex_api_key: str | None = field(default=None, repr=False, compare=False)
    # budgets in seconds (docs/configuration.md, "Budgets and limits")
    request_budget: float = 60.0  # one request, retries, waits and slow bodies included
    source_budget: float = 120.0  # time one service may cost in failures before it is dropped
    run_budget: float | None = None  # no request is sent after this long (None: no limit)
    max_retry_after: float = 30.0  # longest Retry-After waited for; a longer one drops the service
    # US dollars the run may spend on OpenAlex's billed calls to take searches off Crossref's
    # list lane (docs/configuration.md, "Spreading searches over OpenAlex"); 0: off
    openalex_budget: float = 0.0
    # no look-up starts after this long on one manuscript (None: no limit; docs/batch.md)
    manuscript_timeout: float | None = None
    config_file: Path | None = None
    origins: dict[str, str] = field(default_factory=dict, repr=False, compare=False)

    def rule_enabled(self, rule_id: str) -> bool:
        """True when the rule runs under these settings."""
        if rule_id in self.disable:
            return False
        return self.enable is None or rule_id in self.enable

    def severity_for(self, rule_id: str, default: str) -> str:
        """The rule's severity after overrides."""
        return self.severity.get(rule_id, default)

    def rule_options(self, rule_id: str) -> dict[str, Any]:
        """The options set for one rule (empty when none)."""
        return dict(self.options.get(rule_id, {}))

    def merged(self, overrides: Mapping[str, Any], origin: str) -> Config:
        """A copy with ``overrides`` (field name → value; ``None`` = not given) applied.

        Values are validated; ``origin`` names where they come from, for error messages.
        """
        changes: dict[str, Any] = {}
        origins = dict(self.origins)
        for name, value in overrides.items():
            if value is None:
                continue
            if name not in _FIELD_CHECKS:
                raise ConfigError(f"{origin}: unknown setting {name!r}")
            key = _flag_name(name) if origin == "command line" else name
            changes[name] = _FIELD_CHECKS[name](value, f"{origin}: {key}", None)
            origins[name] = origin
        return dataclasses.replace(self, origins=origins, **changes)

    def describe(self) -> dict[str, Any]:
        """Settings for display (``citelint config``): JSON-ready, the API key masked."""
        out: dict[str, Any] = {}
        for item in dataclasses.fields(self):
            if item.name == "origins":
                continue
            value = getattr(self, item.name)
            if item.name == "openalex_api_key":
                value = "(set)" if value else None
            elif item.name.endswith("_url") and isinstance(value, str):
                value = re.sub(r"://[^/@\s]*@", "://<redacted>@", value)  # user:password@
            elif isinstance(value, Path):
                value = str(value)
            elif isinstance(value, list):
                value = [str(v) if isinstance(v, Path) else v for v in value]
            out[item.name] = value
        return out


# Value checks: (value, where, base directory for relative paths) -> clean value.

Check = Callable[[Any, str, Path | None], Any]


def _known_rule_ids() -> set[str]:
    from citelint.rules import RULE_MODULES, all_rules

    return {name.replace("_", "-") for name in RULE_MODULES} | {m.ID for m in all_rules()}


def _rule_id(value: Any, where: str) -> str:
    if not isinstance(value, str):
        raise ConfigError(f"{where}: rule ids are strings, not {value!r}")
    known = _known_rule_ids()
    if value not in known:
        hint = difflib.get_close_matches(value, sorted(known), n=1)
        did_you_mean = f" (did you mean {hint[0]!r}?)" if hint else ""
        raise ConfigError(f"{where}: unknown rule {value!r}{did_you_mean}; "
                          "`citelint rules` lists them")
    return value


def _rule_list(value: Any, where: str, _base: Path | None) -> list[str]:
    if isinstance(value, str):
        value = [v.strip() for v in value.split(",") if v.strip()]
    if not isinstance(value, (list, tuple)):
        raise ConfigError(f"{where}: expected a list of rule ids, not {value!r}")
    return [_rule_id(v, where) for v in value]


def _choice(choices: tuple[str, ...]) -> Check:
    def check(value: Any, where: str, _base: Path | None) -> str:
        if value not in choices:
            raise ConfigError(f"{where}: expected one of {', '.join(choices)}, not {value!r}")
        return value

    return check


def _fail_on(value: Any, where: str, _base: Path | None) -> str:
    """``fail-on``: a severity (``error``, ``warning`` or ``never``) and, comma-separated, any of
    ``sources-failed``/``sources-not-asked``; kept as that text with the severity first."""
    tokens = value.split(",") if isinstance(value, str) else value
    if not isinstance(tokens, (list, tuple)) or not all(isinstance(t, str) for t in tokens):
        raise ConfigError(f"{where}: expected text such as \"error,sources-failed\", "
                          f"not {value!r}")
    tokens = [t.strip() for t in tokens if t.strip()]
    levels = [t for t in tokens if t in FAIL_ON]
    unknown = [t for t in tokens if t not in FAIL_ON + FAIL_ON_CONDITIONS]
    if unknown or len(levels) > 1:
        what = f"unknown value {unknown[0]!r}" if unknown else "more than one severity"
        hint = difflib.get_close_matches(unknown[0], FAIL_ON + FAIL_ON_CONDITIONS, n=1) \
            if unknown else []
        did_you_mean = f" (did you mean {hint[0]!r}?)" if hint else ""
        raise ConfigError(f"{where}: {what}{did_you_mean}; give one of {', '.join(FAIL_ON)}, "
                          f"optionally followed by {' and/or '.join(FAIL_ON_CONDITIONS)}, "
                          "comma-separated")
    conditions = [c for c in FAIL_ON_CONDITIONS if c in tokens]
    return ",".join((levels or ["error"]) + conditions)


def fail_on_parts(fail_on: str) -> tuple[str, frozenset[str]]:
    """A ``fail-on`` value split into its severity and its conditions."""
    level, *conditions = fail_on.split(",")
    return level, frozenset(conditions)


def failing_severities(fail_on: str) -> tuple[str, ...]:
    """The finding severities that fail a run under ``fail_on`` (its conditions aside)."""
    level, _ = fail_on_parts(fail_on)
    return {"error": ("error",), "warning": ("error", "warning"), "never": ()}[level]


def _severity_map(value: Any, where: str, _base: Path | None) -> dict[str, str]:
    if not isinstance(value, Mapping):
        raise ConfigError(f"{where}: expected a table of rule = severity")
    return {_rule_id(rule, f"{where}.{rule}"): _choice(SEVERITIES)(level, f"{where}.{rule}", None)
            for rule, level in value.items()}


def _options_map(value: Any, where: str, _base: Path | None) -> dict[str, dict[str, Any]]:
    if not isinstance(value, Mapping):
        raise ConfigError(f"{where}: expected a table of per-rule tables")
    from citelint.rules import get_rule

    out: dict[str, dict[str, Any]] = {}
    for rule, options in value.items():
        place = f"{where}.{rule}"
        _rule_id(rule, place)
        if not isinstance(options, Mapping):
            raise ConfigError(f"{place}: expected a table of option = value")
        declared = getattr(get_rule(rule), "OPTIONS", {})
        clean = {}
        for key, given in options.items():
            name = str(key).replace("-", "_")
            if name not in declared:
                known = ", ".join(sorted(declared)) or "none"
                raise ConfigError(f"{place}: unknown option {name!r} (rule {rule} takes: "
                                  f"{known})")
            try:
                clean[name] = declared[name].validate(given)
            except ValueError as exc:
                raise ConfigError(f"{place}.{key}: {exc} (`citelint explain {rule}` describes "
                                  "its options)") from None
        out[rule] = clean
    return out


def _bool(value: Any, where: str, _base: Path | None) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        folded = value.strip().lower()
        if folded in ("1", "true", "yes", "on"):
            return True
        if folded in ("0", "false", "no", "off", ""):
            return False
    raise ConfigError(f"{where}: expected true or false (1/0), not {value!r}")


def _seconds(value: Any, where: str, _base: Path | None) -> float:
    try:
        seconds = float(value.strip() if isinstance(value, str) else value)
    except (TypeError, ValueError):
        seconds = -1.0
    if isinstance(value, bool) or not 0 < seconds < float("inf"):
        raise ConfigError(f"{where}: expected a number of seconds above 0, not {value!r}")
    return seconds


def _dollars(value: Any, where: str, _base: Path | None) -> float:
    try:
        dollars = float(value.strip() if isinstance(value, str) else value)
    except (TypeError, ValueError):
        dollars = -1.0
    if isinstance(value, bool) or not 0 <= dollars < float("inf"):
        raise ConfigError(f"{where}: expected an amount of US dollars, 0 or more (0 turns it "
                          f"off), not {value!r}")
    return dollars


def _text(value: Any, where: str, _base: Path | None) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ConfigError(f"{where}: expected a non-empty string, not {value!r}")
    return value.strip()


def _mailto(value: Any, where: str, base: Path | None) -> str:
    text = _text(value, where, base)
    if "@" not in text or " " in text:
        raise ConfigError(f"{where}: expected an e-mail address, not {text!r}")
    return text


def _url(value: Any, where: str, base: Path | None) -> str:
    text = _text(value, where, base)
    if not text.startswith(("http://", "https://")):
        raise ConfigError(f"{where}: expected an http:// or https:// URL, not {text!r}")
    return text.rstrip("/")


def _path(value: Any, where: str, base: Path | None) -> Path:
    if isinstance(value, Path):
        path = value
    else:
        path = Path(os.path.expanduser(_text(value, where, base)))
    return path if base is None or path.is_absolute() else base / path


def _path_list(value: Any, where: str, base: Path | None) -> list[Path]:
    if isinstance(value, (str, Path)):
        value = [value]
    if not isinstance(value, (list, tuple)):
        raise ConfigError(f"{where}: expected a list of paths, not {value!r}")
    return [_path(v, where, base) for v in value]


def _sources(value: Any, where: str, _base: Path | None) -> list[str]:
    if isinstance(value, str):
        value = [v.strip() for v in value.split(",") if v.strip()]
    if not isinstance(value, (list, tuple)) or not value:
        raise ConfigError(f"{where}: expected a non-empty list of sources "
                          f"({', '.join(KNOWN_SOURCES)})")
    for name in value:
        if name not in KNOWN_SOURCES:
            raise ConfigError(f"{where}: unknown source {name!r}; known: "
                              f"{', '.join(KNOWN_SOURCES)}")
    return list(value)


def _secret(value: Any, where: str, base: Path | None) -> str:
    return _text(value, where, base)


_FIELD_CHECKS: dict[str, Check] = {
    "enable": _rule_list,
    "disable": _rule_list,
    "severity": _severity_map,
    "options": _options_map,
    "fail_on": _fail_on,
    "sources": _sources,
    "mailto": _mailto,
    "cache_dir": _path,
    "offline": _bool,
    "allow_outside_files": _bool,
    "snapshots": _path_list,
    "index": _path,
    "baseline": _path,
    "manuscripts": _path_list,
    "crossref_url": _url,
    "openalex_url": _url,
    "doi_url": _url,
    "openalex_api_key": _secret,
    "request_budget": _seconds,
    "source_budget": _seconds,
    "run_budget": _seconds,
    "max_retry_after": _seconds,
    "openalex_budget": _dollars,
    "manuscript_timeout": _seconds,
}
# Config-file keys (kebab-case; snake_case is accepted too) → field names.
FILE_KEYS: dict[str, str] = {
    name.replace("_", "-"): name for name in _FIELD_CHECKS if name != "openalex_api_key"
}
FILE_KEYS["snapshot"] = "snapshots"

# Environment variables → field names. The first variable that is set wins for a field.
ENV_VARS: dict[str, str] = {
    "CITELINT_MAILTO": "mailto",
    "CITELINT_CACHE_DIR": "cache_dir",
    "CITELINT_OFFLINE": "offline",
    "CITELINT_ALLOW_OUTSIDE_FILES": "allow_outside_files",
    "CITELINT_CROSSREF_URL": "crossref_url",
    "CITELINT_OPENALEX_URL": "openalex_url",
    "CITELINT_DOI_URL": "doi_url",
    "CITELINT_FAIL_ON": "fail_on",
    "CITELINT_SOURCES": "sources",
    "CITELINT_ENABLE": "enable",
    "CITELINT_DISABLE": "disable",
    "CITELINT_SNAPSHOTS": "snapshots",
    "CITELINT_INDEX": "index",
    "CITELINT_BASELINE": "baseline",
    "CITELINT_REQUEST_BUDGET": "request_budget",
    "CITELINT_SOURCE_BUDGET": "source_budget",
    "CITELINT_RUN_BUDGET": "run_budget",
    "CITELINT_MAX_RETRY_AFTER": "max_retry_after",
    "CITELINT_OPENALEX_BUDGET": "openalex_budget",
    "CITELINT_MANUSCRIPT_TIMEOUT": "manuscript_timeout",
    "CITELINT_OPENALEX_API_KEY": "openalex_api_key",
    "OPENALEX_API_KEY": "openalex_api_key",
}
CONFIG_ENV_VAR = "CITELINT_CONFIG"  # an explicit config file, like --config


def _flag_name(name: str) -> str:
    """The command-line flag that sets a field, for messages (``request_budget`` →
    ``--request-budget``; the repeatable list flags are singular)."""
    return {"sources": "--source", "snapshots": "--snapshot"}.get(
        name, "--" + name.replace("_", "-"))


# Files.

def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except FileNotFoundError:
        raise ConfigError(f"{path}: config file not found") from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read config file: {exc.strerror or exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None


def _citelint_table(path: Path, data: dict[str, Any]) -> tuple[dict[str, Any] | None, str]:
    """The citelint settings in a parsed file, and the key prefix used in messages."""
    if path.name != "pyproject.toml":
        return data, ""
    tool = data.get("tool")
    table = tool.get("citelint") if isinstance(tool, dict) else None
    if table is not None and not isinstance(table, dict):
        raise ConfigError(f"{path}: tool.citelint must be a table ([tool.citelint])")
    return table, "tool.citelint"


def _settings_from_table(table: Mapping[str, Any], path: Path, prefix: str) -> dict[str, Any]:
    settings: dict[str, Any] = {}
    base = path.parent
    for raw_key, value in table.items():
        key = raw_key.replace("_", "-")
        dotted = f"{prefix}.{raw_key}" if prefix else raw_key
        where = f"{path}: {dotted}"
        if key in _SECRET_KEYS:
            raise ConfigError(f"{where}: API keys are not read from config files (they get "
                              "committed); set CITELINT_OPENALEX_API_KEY in the environment")
        if key not in FILE_KEYS:
            hint = difflib.get_close_matches(key, sorted(FILE_KEYS), n=1)
            did_you_mean = f" (did you mean {hint[0]!r}?)" if hint else ""
            raise ConfigError(f"{where}: unknown key{did_you_mean}; docs/configuration.md "
                              "lists every setting")
        name = FILE_KEYS[key]
        settings[name] = _FIELD_CHECKS[name](value, where, base)
    return settings


def find_config_file(start: Path) -> Path | None:
    """The nearest ``citelint.toml``, or ``pyproject.toml`` with a ``[tool.citelint]`` table.

    Looks in ``start`` (or its directory, for a file) and then each parent, stopping after the
    directory that holds ``.git`` (the repository root) or at the file-system root.
    """
    try:
        start = Path(start).resolve()
    except RuntimeError:  # a symlink loop (Python < 3.13): reading the input will say so
        start = Path(start).absolute()
    directory = start if start.is_dir() else start.parent
    for folder in (directory, *directory.parents):
        for name in CONFIG_FILENAMES:
            candidate = folder / name
            if not candidate.is_file():
                continue
            if name == "citelint.toml":
                return candidate
            table, _ = _citelint_table(candidate, _read_toml(candidate))
            if table is not None:
                return candidate
        if (folder / ".git").exists():
            return None
    return None


def load_config(start: Path, explicit: Path | None = None) -> Config:
    """Defaults overlaid with the config file for an input at ``start``.

    ``explicit`` (``--config``) names the file to use instead of searching; it must exist, and a
    ``pyproject.toml`` given explicitly must have a ``[tool.citelint]`` table. Without either,
    the defaults are returned (``config_file`` is None).
    """
    path = Path(explicit) if explicit is not None else find_config_file(start)
    if path is None:
        return Config()
    table, prefix = _citelint_table(path, _read_toml(path))
    if table is None:
        raise ConfigError(f"{path}: no [tool.citelint] table in this pyproject.toml")
    settings = _settings_from_table(table, path, prefix)
    origins = {name: str(path) for name in settings}
    return dataclasses.replace(Config(), config_file=path, origins=origins, **settings)


# Environment and the whole stack.

def from_environment(environ: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Settings given by ``CITELINT_*`` variables (and ``OPENALEX_API_KEY``), by field name.

    Values are validated; a bad one raises :class:`ConfigError` naming the variable. Variables
    that are unset or empty are left out (``CITELINT_OFFLINE=0`` is kept: it says "online").
    Comma-separated lists for ``CITELINT_SOURCES``/``ENABLE``/``DISABLE``; ``CITELINT_SNAPSHOTS``
    is separated like ``PATH`` (``os.pathsep``).
    """
    environ = os.environ if environ is None else environ
    settings: dict[str, Any] = {}
    for var, name in ENV_VARS.items():
        value = environ.get(var)
        if value is None or (value.strip() == "" and name != "offline") or name in settings:
            continue
        given: str | list[str] = value
        if name == "snapshots":
            given = [part for part in value.split(os.pathsep) if part]
        settings[name] = _FIELD_CHECKS[name](given, f"environment variable {var}", None)
    return settings


def _env_origins(environ: Mapping[str, str], names: set[str]) -> dict[str, str]:
    origins = {}
    for var, name in ENV_VARS.items():
        if name in names and name not in origins and environ.get(var, "").strip():
            origins[name] = f"env {var}"
    return origins


def resolve_config(start: Path, explicit: Path | None = None,
                   flags: Mapping[str, Any] | None = None,
                   environ: Mapping[str, str] | None = None) -> Config:
    """All settings for an input at ``start``: defaults < config file < environment < flags.

    ``explicit`` is ``--config`` (else ``CITELINT_CONFIG``, else the file found walking up).
    ``flags`` maps field names to the values of the flags given (``None`` = flag not given).
    """
    environ = os.environ if environ is None else environ
    if explicit is None and environ.get(CONFIG_ENV_VAR, "").strip():
        explicit = Path(environ[CONFIG_ENV_VAR].strip())
    config = load_config(start, explicit)
    env_settings = from_environment(environ)
    config = config.merged(env_settings, "environment")
    config.origins.update(_env_origins(environ, set(env_settings)))
    return config.merged(flags or {}, "command line")
