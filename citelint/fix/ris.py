"""Write fixes into a RIS file, in place.

A record is found by the line of its ``TY`` tag (the reference's location) and runs to its ``ER``
line. A fix rewrites the value of the tag the reader took the field from, replaces the ``AU``/``A1``
lines with the record's authors, or adds a tag line before ``ER``; new lines copy the file's tag
spacing (``TY  - ``) and line ending. Every other line is kept as it is.
"""

from __future__ import annotations

import re

from citelint.fix import Edit, FixError
from citelint.models import Author, Fix, Reference

_TAG = re.compile(r"^([A-Z][A-Z0-9])([ \t]{1,2}-(?:[ \t]|(?=[\r\n])|$))(.*?)(\r\n|\n|\r)?$",
                  re.DOTALL)

#: fix field → the tags that hold it, in the order the reader prefers them (the first is added)
TAGS = {"doi": ("DO",), "journal": ("JO", "JF", "T2", "JA", "J2"), "volume": ("VL",),
        "issue": ("IS",), "year": ("PY", "Y1", "DA"), "authors": ("AU", "A1")}


def _ris_name(author: Author) -> str:
    """RIS's "Family, Given[, Suffix]" form, or the literal name."""
    if not author.family:
        return author.name or ""
    return ", ".join(p for p in (author.full_family, author.given, author.suffix) if p)


class Editor:
    """Edits for one RIS text; lines and their offsets are found once."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.lines = text.splitlines(keepends=True)
        self.offsets = [0]
        for line in self.lines:
            self.offsets.append(self.offsets[-1] + len(line))
        first = next((m for m in map(_TAG.match, self.lines) if m), None)
        self.spacing = first.group(2) if first else "  - "
        if not self.spacing.endswith(" "):
            self.spacing += " "
        self.newline = next((m.group(4) for m in map(_TAG.match, self.lines)
                             if m and m.group(4)), "\n")

    def _record(self, ref: Reference) -> tuple[int, int]:
        """Line indexes of the record's TY line and of its ER line (or where it ends)."""
        start = (ref.location.line or 0) - 1
        head = _TAG.match(self.lines[start]) if 0 <= start < len(self.lines) else None
        if head is None or head.group(1) != "TY":
            raise FixError(f"line {ref.location.line} is no longer the TY line of a record.")
        for number in range(start + 1, len(self.lines)):
            tag = _TAG.match(self.lines[number])
            if tag and tag.group(1) in ("ER", "TY"):
                return start, number
        return start, len(self.lines)

    def _tag(self, number: int) -> re.Match[str]:
        """The tag, spacing, value and line ending of tag line ``number``."""
        match = _TAG.match(self.lines[number])
        if match is None:
            raise FixError(f"line {number + 1} is no longer a tag line.")
        return match

    def _line(self, tag: str, value: str) -> str:
        return f"{tag}{self.spacing}{value}{self.newline}"

    def _set(self, number: int, value: str) -> Edit:
        """Replace the value on tag line ``number``."""
        match = self._tag(number)
        start = self.offsets[number] + match.start(3)
        return Edit(start, start + len(match.group(3)), value)

    def _insert(self, number: int, lines: list[str]) -> Edit:
        at = self.offsets[number]
        if number and not self.lines[number - 1].endswith(("\n", "\r")):
            lines = [self.newline, *lines]  # the line before has no line ending of its own
        return Edit(at, at, "".join(lines))

    def _remove(self, number: int) -> Edit:
        return Edit(self.offsets[number], self.offsets[number + 1], "")

    def edits(self, ref: Reference, fix: Fix) -> list[Edit]:
        start, end = self._record(ref)
        tags: dict[str, list[int]] = {}
        for number in range(start + 1, end):
            match = _TAG.match(self.lines[number])
            if match:
                tags.setdefault(match.group(1), []).append(number)
        if fix.field == "pages":
            return self._pages(tags, end, str(fix.value))
        names = TAGS.get(fix.field)
        if names is None:
            raise FixError(f"RIS has no tag for {fix.field!r}.")
        if fix.field == "authors":
            lines = sorted(n for tag in names for n in tags.get(tag, []))
            tag = self._tag(lines[0]).group(1) if lines else "AU"
            new = [self._line(tag, _ris_name(a)) for a in fix.value]
            at = lines[0] if lines else end
            return [self._remove(n) for n in lines] + [self._insert(at, new)]
        present = next((tags[t][0] for t in names if t in tags), None)
        if present is None:
            return [self._insert(end, [self._line(names[0], str(fix.value))])]
        if fix.field == "year":
            value = self._tag(present).group(3)
            year = re.search(r"\d{4}", value)
            if year is None:
                raise FixError(f"its date {value!r} has no year to correct.")
            at = self._set(present, value).start + year.start()
            return [Edit(at, at + 4, str(fix.value))]
        return [self._set(present, str(fix.value))]

    def _pages(self, tags: dict[str, list[int]], end: int, value: str) -> list[Edit]:
        first, _, last = re.sub(r"\s*[-\u2013]+\s*", "-", value).partition("-")
        edits = []
        if "SP" in tags:
            edits.append(self._set(tags["SP"][0], first))
        else:
            edits.append(self._insert(end, [self._line("SP", first)]))
        if last and "EP" in tags:
            edits.append(self._set(tags["EP"][0], last))
        elif last:
            edits.append(self._insert(end, [self._line("EP", last)]))
        else:
            edits += [self._remove(n) for n in tags.get("EP", [])]
        return edits
