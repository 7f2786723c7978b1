"""Write fixes into a CSL-JSON file, in place.

An item is found by its ``id`` (the reference's key), or, for an item without one, by its position
in the top-level list (or the ``items`` list). Within an item, the members'
value spans come from the standard library's JSON decoder, so a fix rewrites one member's value
(kept on one line when it was on one line, indented like the file when it spanned lines) or adds
a member after the item's last one with the same separator. Numbers stay numbers.
"""

from __future__ import annotations

import json
import re
from typing import Any

from citelint.fix import Edit, FixError
from citelint.models import Author, Fix, Reference
from citelint.readers.csljson import skip_space

_DECODER = json.JSONDecoder()

#: fix field → the CSL variables that hold it (the first present is edited; the first is added)
FIELDS = {"doi": ("DOI", "doi"), "pages": ("page",), "journal": ("container-title",),
          "volume": ("volume",), "issue": ("issue",), "year": ("issued",),
          "authors": ("author",)}

_Member = tuple[str, int, int, int, int]  # key, key start, key end, value start, value end


def _members(text: str, start: int) -> tuple[list[_Member], int]:
    """The members of the object at ``text[start] == "{"`` and the offset after it."""
    members: list[_Member] = []
    pos = skip_space(text, start + 1)
    if text.startswith("}", pos):
        return members, pos + 1
    while True:
        key, key_end = _DECODER.raw_decode(text, pos)
        colon = skip_space(text, key_end)
        value_start = skip_space(text, colon + 1)
        _, value_end = _DECODER.raw_decode(text, value_start)
        members.append((key, pos, key_end, value_start, value_end))
        pos = skip_space(text, value_end)
        if text.startswith("}", pos):
            return members, pos + 1
        pos = skip_space(text, pos + 1)  # past the comma


def _elements(text: str, start: int) -> list[int]:
    """Where each element of the array at ``text[start] == "["`` starts."""
    starts = []
    pos = skip_space(text, start + 1)
    while not text.startswith("]", pos):
        starts.append(pos)
        _, end = _DECODER.raw_decode(text, pos)
        pos = skip_space(text, end)
        if text.startswith(",", pos):
            pos = skip_space(text, pos + 1)
    return starts


def _csl_name(author: Author) -> dict[str, str]:
    if not author.family:
        return {"literal": author.name or ""}
    parts = {"family": author.family, "given": author.given,
             "non-dropping-particle": author.particle, "suffix": author.suffix}
    return {k: v for k, v in parts.items() if v}


class Editor:
    """Edits for one CSL-JSON text; the items' offsets are found once."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.ascii_only = text.isascii()
        pos = skip_space(text, 0)
        try:
            if text.startswith("[", pos):
                self.items = _elements(text, pos)
            else:
                members, _ = _members(text, pos)
                items = next((m for m in members if m[0] == "items"), None)
                self.items = _elements(text, items[3]) if items else [pos]
        except (json.JSONDecodeError, IndexError, TypeError) as exc:
            raise FixError(f"the file is no longer the CSL-JSON that was checked ({exc}).") from exc
        self.ids: dict[str, int] | None = None  # item id → where the item starts, when needed

    def _item(self, ref: Reference) -> tuple[int, list[_Member]]:
        """The item the reference was read from: by its ``id`` (a Markdown manuscript numbers
        references in citing order), or by position for an item without one ("item 3")."""
        if self.ids is None:
            self.ids = {}
            for item_start in self.items:
                if self.text.startswith("{", item_start):
                    members, _ = _members(self.text, item_start)
                    for name, _, _, value_start, value_end in members:
                        if name == "id":
                            item_id = json.loads(self.text[value_start:value_end])
                            self.ids.setdefault(str(item_id), item_start)
        key = ref.location.key or ""
        start: int | None = self.ids.get(key)
        if start is None and (numbered := re.fullmatch(r"item (\d+)", key)):
            position = int(numbered.group(1)) - 1
            if 0 <= position < len(self.items) and self.text.startswith("{",
                                                                        self.items[position]):
                start = self.items[position]
        if start is None:
            raise FixError(f"no item with the id {key!r} is in the file any more.")
        return start, _members(self.text, start)[0]

    def _value(self, fix: Fix, old: Any) -> Any:
        value = fix.value
        if fix.field == "authors":
            return [_csl_name(a) for a in value]
        if fix.field == "year":
            if isinstance(old, dict) and "date-parts" not in old:
                return {**{k: v for k, v in old.items() if k not in ("raw", "literal")},
                        "raw": str(value)}
            if isinstance(old, (int, str)):
                return type(old)(value)
            return {"date-parts": [[int(value)]]}
        if isinstance(old, int) and str(value).isdigit():
            return int(value)
        return str(value)

    def _dump(self, value: Any, indent: str, multiline: bool) -> str:
        if not multiline:
            return json.dumps(value, ensure_ascii=self.ascii_only)
        text = json.dumps(value, ensure_ascii=self.ascii_only, indent=2)
        return text.replace("\n", "\n" + indent)

    def _indent(self, pos: int) -> str:
        line = self.text[self.text.rfind("\n", 0, pos) + 1:pos]
        return line[:len(line) - len(line.lstrip(" \t"))]

    def edits(self, ref: Reference, fix: Fix) -> list[Edit]:
        names = FIELDS.get(fix.field)
        if names is None:
            raise FixError(f"CSL-JSON has no variable for {fix.field!r}.")
        item_start, members = self._item(ref)
        text = self.text
        target = next((m for n in names for m in members if m[0] == n), None)
        if target is not None:
            _, key_start, _, start, end = target
            old = json.loads(text[start:end])
            new = self._dump(self._value(fix, old), self._indent(key_start),
                             "\n" in text[start:end])
            return [Edit(start, end, new)]
        if not members:
            raise FixError(f"item {ref.index} is empty.")
        _, key_start, key_end, value_start, end = members[-1]
        # the new member is written like the last one: the same whitespace before its key (after
        # the comma, or after the brace when it is the only member) and around its colon
        before = text[members[-2][4] if len(members) > 1 else item_start:key_start]
        gap = before[before.find(",") + 1:] if len(members) > 1 else before[1:]
        colon = text[key_end:value_start]
        value = self._dump(self._value(fix, None), self._indent(key_start), False)
        key = json.dumps(names[0], ensure_ascii=self.ascii_only)
        return [Edit(end, end, f",{gap}{key}{colon}{value}")]
