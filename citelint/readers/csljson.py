"""CSL-JSON reader: one Reference per item of a CSL-JSON array (or object), located by line.

The fields become a Reference through :func:`citelint.readers.csl.reference_from_csl`, as they do
for every structured format.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

from citelint.models import Location, Manuscript, Reference
from citelint.readers import InputError, line_at, reader
from citelint.readers.csl import reference_from_csl


def skip_space(text: str, pos: int) -> int:
    """The offset of the first character at or after ``pos`` that is not JSON white space."""
    while pos < len(text) and text[pos] in " \t\r\n":
        pos += 1
    return pos


def _json_error(path: str | None, exc: json.JSONDecodeError) -> InputError:
    return InputError(f"{path or '<input>'}:{exc.lineno}:{exc.colno}: not valid JSON ({exc.msg}).")


def _items(text: str, path: str | None) -> Iterator[tuple[Any, int | None]]:
    """Yield (item, line) for each element of the top-level list (or ``items`` / a single item)."""
    decoder = json.JSONDecoder()
    pos = skip_space(text, 0)
    if not text.startswith("[", pos):
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise _json_error(path, exc) from exc
        if isinstance(data, dict) and isinstance(data.get("items"), list):
            for item in data["items"]:
                yield item, _find_line(text, item)
            return
        if isinstance(data, dict) and ("title" in data or "type" in data):
            yield data, line_at(text, pos)
            return
        raise InputError(f"{path or '<input>'}:1: not CSL-JSON: expected a list of items "
                         "(objects with \"type\", \"title\", \"author\"…).")
    pos = skip_space(text, pos + 1)
    if text.startswith("]", pos):
        return
    while True:
        try:
            item, end = decoder.raw_decode(text, pos)
        except json.JSONDecodeError as exc:
            raise _json_error(path, exc) from exc
        yield item, line_at(text, pos)
        pos = skip_space(text, end)
        if text.startswith(",", pos):
            pos = skip_space(text, pos + 1)
            continue
        if text.startswith("]", pos):
            rest = skip_space(text, pos + 1)
            if rest < len(text):
                line = line_at(text, rest)
                col = rest - text.rfind("\n", 0, rest)
                raise InputError(f"{path or '<input>'}:{line}:{col}: not valid JSON "
                                 "(extra data after the list).")
            return
        line = line_at(text, pos)
        col = pos - text.rfind("\n", 0, pos)
        raise InputError(f"{path or '<input>'}:{line}:{col}: not valid JSON "
                         "(expecting ',' or ']' after an item).")


def _find_line(text: str, item: Any) -> int | None:
    if isinstance(item, dict) and item.get("id") is not None:
        match = re.search(r'"id"\s*:\s*"?' + re.escape(str(item["id"])) + r'"?\s*[,}]', text)
        if match:
            return line_at(text, match.start())
    return None


def sniff(text: str) -> bool:
    """A JSON list or object whose items look like CSL (title plus type or container-title)."""
    head = text.lstrip()[:4000]
    return head[:1] in ("[", "{") and '"title"' in head and bool(
        re.search(r'"(type|container-title|issued|author)"\s*:', head))


@reader("csl-json", extensions=(".json",), sniff=sniff)
def read(text: str, path: str | None) -> Manuscript:
    """Read a CSL-JSON file: one Reference per item, keyed by the item's ``id``."""
    refs = []
    for index, (item, line) in enumerate(_items(text, path), start=1):
        if not isinstance(item, dict):
            refs.append(Reference(index=index, raw=json.dumps(item, ensure_ascii=False)[:200],
                                  location=Location(path, line=line, key=f"item {index}"),
                                  parse_error=f"item {index} is a JSON {type(item).__name__}, "
                                              "not an object"))
            continue
        key = str(item["id"]) if item.get("id") not in (None, "") else f"item {index}"
        refs.append(reference_from_csl(item, index, Location(path, line=line, key=key)))
    return Manuscript(path=path, format="csl-json", references=refs)
