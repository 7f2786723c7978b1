"""Write fixes into a BibTeX/BibLaTeX file, in place.

An entry is found by its citation key (and line, when a key is used twice); its fields are scanned
for the spans of their values (``{…}``, ``"…"``, bare numbers and ``#`` concatenations). A fix
replaces one value's text and keeps its delimiters; a missing field is added after the entry's
last field with that field's indentation and ``=`` spacing. Values are written as BibTeX holds
them: LaTeX's special characters escaped, page ranges with ``--``, names as "Family, Given" joined
by ``and``, and non-ASCII letters as LaTeX accents when the file is pure ASCII.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from citelint.fix import Edit, FixError
from citelint.models import Author, Fix, Reference
from citelint.readers.bibtex import brace_group

_ENTRY = re.compile(r"@\s*([A-Za-z]+)\s*([{(])\s*([^,\s{}()]+)\s*,")
_NAME = re.compile(r"[^\s=,{}\"#()]+")
_SPECIAL = re.compile(r"(?<!\\)([&%$#_])")
_NOT_ENTRIES = {"comment", "string", "preamble"}

#: fix field → the BibTeX fields that hold it (the first present is edited; the first is added)
FIELDS = {"doi": ("doi",), "pages": ("pages",), "journal": ("journal", "journaltitle"),
          "volume": ("volume",), "issue": ("number", "issue"), "year": ("year", "date"),
          "authors": ("author", "editor")}


@dataclass
class _Field:
    name: str  # as written
    start: int  # where the name starts
    value_start: int
    value_end: int


def _skip_space(text: str, pos: int, end: int) -> int:
    while pos < end and text[pos].isspace():
        pos += 1
    return pos


def _value_end(text: str, pos: int, end: int) -> int:
    """The end of the value starting at ``pos``: parts joined by ``#``."""
    while pos < end:
        if text[pos] == "{":
            pos = brace_group(text, pos)[1]
        elif text[pos] == '"':
            depth, pos = 0, pos + 1
            while pos < end and not (text[pos] == '"' and depth == 0):
                depth += {"{": 1, "}": -1}.get(text[pos], 0)
                pos += 1
            pos += 1
        else:
            bare = re.compile(r"[^\s,#{}()\"]+").match(text, pos, end)
            if not bare:
                return pos
            pos = bare.end()
        after = _skip_space(text, pos, end)
        if after < end and text[after] == "#":
            pos = _skip_space(text, after + 1, end)
            continue
        return min(pos, end)
    return end


def _fields(text: str, start: int, end: int) -> list[_Field]:
    """The fields of an entry body ``text[start:end]`` (after ``key,``, to the closing brace)."""
    fields: list[_Field] = []
    pos = start
    while True:
        while pos < end and (text[pos].isspace() or text[pos] == ","):
            pos += 1
        name = _NAME.match(text, pos, end)
        if not name:
            return fields
        eq = _skip_space(text, name.end(), end)
        if eq >= end or text[eq] != "=":
            return fields
        value_start = _skip_space(text, eq + 1, end)
        value_end = _value_end(text, value_start, end)
        fields.append(_Field(name.group(0), name.start(), value_start, value_end))
        pos = value_end


def _latex(value: str, ascii_only: bool) -> str:
    value = _SPECIAL.sub(r"\\\1", value)
    if ascii_only and not value.isascii():
        from pylatexenc.latexencode import unicode_to_latex

        value = unicode_to_latex(value, non_ascii_only=True)
    return value


def _name(author: Author, ascii_only: bool) -> str:
    """BibTeX's "von Last, Jr, First" form, or a braced literal name."""
    if not author.family:
        return "{" + _latex(author.name or "", ascii_only) + "}"
    parts = [author.full_family or "", author.suffix, author.given]
    if not author.suffix:
        parts = [author.full_family or "", author.given]
    return ", ".join(_latex(p, ascii_only) for p in parts if p)


class Editor:
    """Edits for one BibTeX text; entries are indexed once by key."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.ascii_only = text.isascii()
        self.entries: dict[str, list[re.Match[str]]] = {}
        for match in _ENTRY.finditer(text):
            if match.group(1).lower() not in _NOT_ENTRIES:
                self.entries.setdefault(match.group(3), []).append(match)

    def _entry(self, ref: Reference) -> re.Match[str]:
        found = self.entries.get(ref.location.key or "")
        if not found:
            raise FixError(f"no entry with the key {ref.location.key!r} is in the file any more.")
        if len(found) > 1:
            at_line = [m for m in found if self.text.count("\n", 0, m.start()) + 1
                       == ref.location.line]
            if len(at_line) != 1:
                raise FixError(f"the key {ref.location.key!r} is used by several entries.")
            return at_line[0]
        return found[0]

    def _value(self, fix: Fix, old: str | None) -> str:
        value = fix.value
        if fix.field == "authors":
            return " and ".join(_name(a, self.ascii_only) for a in value)
        if fix.field == "doi":
            return str(value)
        value = str(value)
        if fix.field == "pages":
            dash = "-" if old and re.search(r"\d-\w", old) and "--" not in old else "--"
            return re.sub(r"\s*[-\u2013]+\s*", dash, value)
        return _latex(value, self.ascii_only)

    def edits(self, ref: Reference, fix: Fix) -> list[Edit]:
        names = FIELDS.get(fix.field)
        if names is None:
            raise FixError(f"BibTeX has no field for {fix.field!r}.")
        entry = self._entry(ref)
        open_char = entry.group(2)
        close = brace_group(self.text, entry.start(2), open_char, "}" if open_char == "{"
                            else ")")[1] - 1
        fields = _fields(self.text, entry.end(), close)
        present = {f.name.lower(): f for f in fields}
        target = next((present[n] for n in names if n in present), None)
        if target is not None:
            return [self._replace(target, fix)]
        return [self._add(entry, fields, close, names[0], fix)]

    def _replace(self, target: _Field, fix: Fix) -> Edit:
        old = self.text[target.value_start:target.value_end]
        if fix.field == "year" and target.name.lower() == "date":
            year = re.search(r"\d{4}", old)
            if year is None:
                raise FixError(f"its date {old!r} has no year to correct.")
            start = target.value_start + year.start()
            return Edit(start, start + 4, str(fix.value))
        new = self._value(fix, old)
        if old.startswith("{") and old.endswith("}") and "#" not in old:
            return Edit(target.value_start, target.value_end, "{" + new + "}")
        if old.startswith('"') and old.endswith('"') and '"' not in new and "#" not in old:
            return Edit(target.value_start, target.value_end, '"' + new + '"')
        if new.isdigit() and old.isdigit():
            return Edit(target.value_start, target.value_end, new)
        return Edit(target.value_start, target.value_end, "{" + new + "}")

    def _add(self, entry: re.Match[str], fields: list[_Field], close: int, name: str,
             fix: Fix) -> Edit:
        new = self._value(fix, None)
        if not fields:
            return Edit(entry.end(), entry.end(), f"\n  {name} = {{{new}}}")
        last = fields[-1]
        text = self.text
        if all(f.name.isupper() for f in fields):
            name = name.upper()
        line_start = text.rfind("\n", 0, last.start) + 1
        indent = text[line_start:last.start]
        own_line = not indent.strip()
        equals = text[last.start + len(last.name):last.value_start]
        columns = {f.value_start - text.rfind("\n", 0, f.start) - 1 for f in fields}
        if len(columns) == 1 and len({len(f.name) for f in fields}) > 1:
            # the names are padded so that the values line up: pad the new one too
            core = equals.lstrip()
            spaces = columns.pop() - len(indent) - len(name) - len(core)
            equals = " " * max(1, spaces) + core
        old = text[last.value_start:last.value_end]
        value = f'"{new}"' if old.startswith('"') and '"' not in new else "{" + new + "}"
        member = f"{name}{equals}{value}"
        after = _skip_space(text, last.value_end, close)
        if after < close and text[after] == ",":  # a trailing comma: keep the style
            sep = f"\n{indent}" if own_line else " "
            return Edit(after + 1, after + 1, f"{sep}{member},")
        sep = f",\n{indent}" if own_line else ", "
        return Edit(last.value_end, last.value_end, f"{sep}{member}")
