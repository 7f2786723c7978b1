"""Format readers: turn an input file into a :class:`~citelint.models.Manuscript`.

Each reader is one module in this package that registers itself with :func:`reader`. The registry
picks a reader by name (``--input-format``), else by file extension, else by sniffing the content.
Readers never touch the network.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from citelint.models import Manuscript, Reference

# Modules that hold readers; importing one registers its readers.
_READER_MODULES = ("text", "bibtex", "ris", "wos", "csljson", "jats", "latex", "markdown")


class InputError(Exception):
    """An input file that cannot be read at all. The message names the file (and line)."""


@dataclass(frozen=True)
class ReaderSpec:
    name: str
    extensions: tuple[str, ...]
    sniff: Callable[[str], bool]
    read: Callable[[str, str | None], Manuscript]
    # an export format that databases save as .txt: its sniffer is asked before a .txt is read
    # as plain text
    saved_as_txt: bool = False


_REGISTRY: dict[str, ReaderSpec] = {}


def reader(name: str, extensions: tuple[str, ...] = (), sniff: Callable[[str], bool] | None = None,
           saved_as_txt: bool = False):
    """Register ``read(text, path) -> Manuscript`` under ``name``."""

    def register(func: Callable[[str, str | None], Manuscript]):
        _REGISTRY[name] = ReaderSpec(name, extensions, sniff or (lambda _text: False), func,
                                     saved_as_txt)
        return func

    return register


def _load_all() -> dict[str, ReaderSpec]:
    for module in _READER_MODULES:
        try:
            importlib.import_module(f"{__name__}.{module}")
        except ModuleNotFoundError as exc:
            if exc.name != f"{__name__}.{module}":
                raise
    return _REGISTRY


def line_at(text: str, offset: int) -> int:
    """The 1-based line of ``text`` that ``offset`` falls on."""
    return text.count("\n", 0, offset) + 1


def by_key(entries: Iterable[Reference]) -> dict[str, Reference]:
    """The entries that have a citation key (``location.key``), by key; the first one wins."""
    found: dict[str, Reference] = {}
    for ref in entries:
        if ref.location.key:
            found.setdefault(ref.location.key, ref)
    return found


def select_cited(entries: list[Reference], keys: Iterable[str]) -> tuple[list[Reference],
                                                                         list[str]]:
    """The entries cited by ``keys`` (in citing order, numbered from 1) and the keys none holds.

    Used by the readers of documents that cite into a bibliography file (LaTeX, Markdown): only
    the works the text cites are checked. No keys, or ``*``, selects every entry.
    """
    keys = list(dict.fromkeys(keys))
    if not keys or "*" in keys:
        chosen, missing = list(entries), []
    else:
        keyed = by_key(entries)
        chosen = [keyed[k] for k in keys if k in keyed]
        missing = [k for k in keys if k not in keyed]
        chosen += [r for r in entries if r.parse_error and not r.location.key]
    for index, ref in enumerate(chosen, start=1):
        ref.index = index
    return chosen, missing


def formats() -> list[str]:
    """Names of every registered input format."""
    return sorted(_load_all())


def detect_format(text: str, path: str | None = None) -> str:
    """Choose a reader: by extension first (a .txt that a database export format recognises as
    its own is read as that export), then by content, falling back to plain text."""
    registry = _load_all()
    if path:
        suffix = Path(path).suffix.lower()
        for spec in registry.values():
            if suffix in spec.extensions:
                if spec.name == "text":  # unless it is an export saved as .txt
                    return next((s.name for s in registry.values()
                                 if s.saved_as_txt and s.sniff(text)), "text")
                return spec.name
    for spec in registry.values():
        if spec.name != "text" and spec.sniff(text):
            return spec.name
    return "text"


def read_text(text: str, format: str | None = None, path: str | None = None) -> Manuscript:
    """Read a manuscript from a string already in memory."""
    registry = _load_all()
    name = format or detect_format(text, path)
    if name not in registry:
        known = ", ".join(sorted(registry))
        raise InputError(f"Unknown input format {name!r}; choose one of: {known}.")
    return registry[name].read(text, path)


def read_file(path: str | Path, format: str | None = None) -> Manuscript:
    """Read a manuscript file. Raises :class:`InputError` with the file name when it cannot."""
    p = Path(path)
    try:
        data = p.read_bytes()
    except OSError as exc:
        raise InputError(f"{p}: cannot read the file ({exc.strerror or exc}).") from exc
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise InputError(f"{p}:{line}: the file is not UTF-8 text (byte {exc.start}); "
                         "save it as UTF-8 and run again.") from exc
    return read_text(text, format, str(p))
