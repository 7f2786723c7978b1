"""Small constructors for models in tests: a citation, a record, a match between them."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

from citelint.models import Author, Location, Manuscript, Match, Record, Reference
from citelint.names import cited_author
from citelint.rules import CheckContext


def ref(index: int = 1, **fields: Any) -> Reference:
    fields.setdefault("raw", fields.get("title") or "a citation")
    fields.setdefault("location", Location(path="refs.txt", line=index))
    return Reference(index=index, **fields)


def authors(*names: str) -> list[Author]:
    """Record authors from "Family Initials" strings."""
    out = []
    for name in names:
        family, _, given = name.rpartition(" ")
        out.append(Author(family=family or given, given=given if family else None))
    return out


def record(**fields: Any) -> Record:
    fields.setdefault("source", "crossref")
    return Record(**fields)


def matched(reference: Reference, rec: Record | None, **fields: Any) -> Match:
    fields.setdefault("searched", ["crossref", "openalex"])
    fields.setdefault("authoritative", True)
    return Match(reference=reference, record=rec, doi_record=fields.pop("doi_record", None),
                 score=fields.pop("score", 1.0 if rec else 0.0), **fields)


def context(**options: Any) -> CheckContext:
    return CheckContext(Manuscript(path="refs.txt", format="text", references=[]), options)


def load_offtopic_eval() -> ModuleType:
    """bench/offtopic_eval.py, whose corpora and seed lists the off-topic tests reuse."""
    path = Path(__file__).resolve().parents[1] / "bench" / "offtopic_eval.py"
    spec = importlib.util.spec_from_file_location("offtopic_eval", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["offtopic_eval"] = module
    spec.loader.exec_module(module)
    return module


def run_rule(rule: Any, match: Match, **options: Any) -> list:
    """Findings of a per-reference rule module for one match."""
    return list(rule.check(match, context(**options)))


def cited(*names: str) -> list[Author]:
    """Cited authors from names as a citation writes them ("Guo X", "Smith, J. A.")."""
    return [cited_author(name) for name in names]
