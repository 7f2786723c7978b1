"""Format readers: turn an input file into a :class:`~citelint.models.Manuscript`.

Each reader is one module in this package that registers itself with :func:`reader`. The registry
picks a reader by name (``--input-format``), else by file extension, else by sniffing the content.
Readers never touch the network.

:func:`read_file` is where every input file and every file an input names (LaTeX ``\\input`` and
``\\bibliography``, a Markdown ``bibliography:``) is read, under limits: regular files only, at
most :data:`MAX_INPUT_BYTES` each, :data:`MAX_REFERENCES` references, :data:`MAX_INCLUDED_FILES`
files named by one input, and only files under the input's own directory unless the caller allows
more. It decodes UTF-8, UTF-16/32 (with or without a byte-order mark) and Latin-1/cp1252 (told
apart by charset-normalizer) and records which encoding it used in ``Manuscript.encoding``.
"""

from __future__ import annotations

import codecs
import contextlib
import errno
import importlib
import stat
from collections.abc import Callable, Iterable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path

from citelint.models import Manuscript, Reference

# Modules that hold readers; importing one registers its readers.
_READER_MODULES = ("text", "bibtex", "ris", "wos", "csljson", "jats", "latex", "markdown")


# Limits on what one input may make citelint read (documented in docs/configuration.md).
MAX_INPUT_BYTES = 32 * 1024 * 1024  # one file: a 10,000-entry BibTeX library is about 10 MB
MAX_REFERENCES = 20_000  # references in one input
MAX_INCLUDED_FILES = 200  # files one input reads through \\input, \\bibliography...
# Characters that end a line for str.splitlines() but not for an editor's line count: as spaces,
# a form feed no longer shifts the lines after it, and a vertical tab no longer splits a line.
_NOT_LINE_BREAKS = str.maketrans({c: " " for c in "\f\v\x1c\x1d\x1e\x85\u2028\u2029"})
# Encodings tried when a file is not UTF-8 and has no byte-order mark.
_FALLBACK_ENCODINGS = ["utf_16_le", "utf_16_be", "cp1252", "latin_1"]


class InputError(Exception):
    """An input file that cannot be read at all. The message names the file (and line)."""


class TooManyFiles(InputError):
    """An input names more files than it may read; ``first`` is set on the first refusal only."""

    def __init__(self, message: str, first: bool):
        super().__init__(message)
        self.first = first


@dataclass
class _Reading:
    """The input being read: the directory its files must stay under, and the files read."""

    root: Path | None
    allow_outside: bool
    files: list[Path] = field(default_factory=list)
    refused: int = 0  # files not read because of MAX_INCLUDED_FILES


_READING: ContextVar[_Reading | None] = ContextVar("citelint_reading", default=None)


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
    text = _editor_lines(text)
    name = format or detect_format(text, path)
    if name not in registry:
        known = ", ".join(sorted(registry))
        raise InputError(f"Unknown input format {name!r}; choose one of: {known}.")
    with _reading(Path(path).parent if path else Path.cwd(), allow_outside=False):
        manuscript = registry[name].read(text, path)
    if len(manuscript.references) > MAX_REFERENCES:
        raise InputError(f"{path or '<input>'}: {len(manuscript.references):,} references, more "
                         f"than the {MAX_REFERENCES:,} one input may have; split the list.")
    return manuscript


def read_file(path: str | Path, format: str | None = None, *,
              allow_outside: bool = False) -> Manuscript:
    """Read a manuscript file. Raises :class:`InputError` with the file name when it cannot.

    The files it names (``\\input``, ``\\bibliography``, ``bibliography:``) must lie under its
    directory unless ``allow_outside``; a file read while another is being read (a Markdown
    document's bibliography) keeps the first file's directory and counts towards its limit."""
    p = Path(path)
    with _reading(p.parent, allow_outside):
        text, encoding = decode_input(_read_bytes(p), p)
        manuscript = read_text(text, format, str(p))
    manuscript.encoding = encoding
    return manuscript


@contextlib.contextmanager
def _reading(root: Path, allow_outside: bool) -> Iterator[None]:
    if _READING.get() is not None:  # a file named by the input: the input's rules hold
        yield
        return
    token = _READING.set(_Reading(_real(root), allow_outside))
    try:
        yield
    finally:
        _READING.reset(token)


def _real(path: Path) -> Path | None:
    try:
        return path.resolve(strict=True)
    except (OSError, RuntimeError):  # RuntimeError: a symlink loop (Python < 3.13)
        return None


def read_included(path: Path, where: str) -> str:
    """The text of a file that an input names (``where``: the file and line that name it).

    Raises :class:`InputError` when it lies outside the input's directory (unless allowed), when
    the input has already read :data:`MAX_INCLUDED_FILES` files, or when it cannot be read."""
    reading = _READING.get()
    root = reading.root if reading else _real(Path.cwd())
    try:
        real = path.resolve(strict=True)
    except (OSError, RuntimeError) as exc:  # RuntimeError: a symlink loop (Python < 3.13)
        why = "it does not exist" if isinstance(exc, FileNotFoundError) else "a symlink loop" \
            if isinstance(exc, RuntimeError) or exc.errno == errno.ELOOP else exc.strerror
        raise InputError(f"{where}: cannot read {path} ({why}).") from exc
    if root is not None and not (reading and reading.allow_outside) and not real.is_relative_to(
            root):
        raise InputError(f"{where}: {path} is outside the input's directory {root}; it is not "
                         "read (pass --allow-outside-files to read it).")
    if reading is not None:
        if len(reading.files) >= MAX_INCLUDED_FILES:
            reading.refused += 1
            raise TooManyFiles(f"{where}: {path} is not read, nor any further file: the input "
                               f"already read {MAX_INCLUDED_FILES} files, the most one input may "
                               "name.", first=reading.refused == 1)
        reading.files.append(real)
    return decode_input(_read_bytes(path), path)[0]


def read_named_file(path: str | Path, what: str) -> str:
    """The text of a file named beside the inputs (``what``: "context file", "baseline"...),
    read under an input's limits: a regular file of at most :data:`MAX_INPUT_BYTES`, decoded as
    an input is, with its line ends made ``\n``. The person running citelint named it, so it
    may lie anywhere. Raises :class:`InputError` naming the file (and line)."""
    p = Path(path)
    text, _ = decode_input(_read_bytes(p, what), p)
    return _editor_lines(text)


def _editor_lines(text: str) -> str:
    """``text`` with ``\n`` line ends, and the characters an editor does not break lines at
    made spaces (so that line numbers are an editor's)."""
    return text.replace("\r\n", "\n").replace("\r", "\n").translate(_NOT_LINE_BREAKS)


def _read_bytes(p: Path, what: str = "manuscript or reference list") -> bytes:
    """The bytes of a regular file of at most :data:`MAX_INPUT_BYTES` (``what``: the kind of
    file the person should name instead of a directory)."""
    try:
        info = p.stat()
        if stat.S_ISDIR(info.st_mode):
            raise InputError(f"{p}: is a directory; name a {what} file.")
        if not stat.S_ISREG(info.st_mode):
            raise InputError(f"{p}: is not a regular file (a device, pipe or socket); save it "
                             "to a file and name that.")
        if info.st_size > MAX_INPUT_BYTES:
            raise InputError(f"{p}: the file has {info.st_size:,} bytes, more than the "
                             f"{MAX_INPUT_BYTES:,} one file may have; split it.")
        with p.open("rb") as handle:
            return handle.read(MAX_INPUT_BYTES + 1)[:MAX_INPUT_BYTES]
    except OSError as exc:
        reason = "a symlink loop" if exc.errno == errno.ELOOP else (exc.strerror or str(exc))
        raise InputError(f"{p}: cannot read the file ({reason}).") from exc


def decode_input(data: bytes, p: Path | str) -> tuple[str, str]:
    """``(text, encoding)``: by byte-order mark, else UTF-8, else the most likely of UTF-16 and
    Latin-1/cp1252 according to charset-normalizer."""
    for bom, encoding in ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
                          (codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
                          (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            try:
                return data.decode(encoding), encoding.replace("-sig", "")
            except UnicodeDecodeError as exc:
                raise InputError(f"{p}: the file starts with a {encoding} byte-order mark but "
                                 f"is not {encoding} text (byte {exc.start}); save it as UTF-8 "
                                 "and run again.") from exc
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as exc:
        first_error = exc
    from charset_normalizer import from_bytes

    best = from_bytes(data, cp_isolation=_FALLBACK_ENCODINGS).best()
    if best is None or (b"\x00" in data and not best.encoding.startswith("utf_16")):
        line = data[: first_error.start].count(b"\n") + 1
        raise InputError(f"{p}:{line}: the file is not text in UTF-8, UTF-16 or Latin-1/cp1252 "
                         f"(byte {first_error.start}); save it as UTF-8 and run again.")
    return str(best), codecs.lookup(best.encoding).name
