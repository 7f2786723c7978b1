"""Journal names: is a cited journal the record's journal, and is it written in a standard form?

Journals are cited under many names: the full title, the NLM/ISO-4 abbreviation, with or without
dots. A cited name is the *same* journal when its words can be read, in order, as abbreviations of
the significant words of one of the record's names. Standard forms come from the record (full and
short titles) and from ISO-4 abbreviation of the full title (pyiso4, which applies the ISSN
Centre's List of Title Word Abbreviations). No I/O.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from citelint.normalize import fold_text

# Words that abbreviations drop (ISO 4 omits articles, conjunctions and prepositions).
_STOP = {"a", "an", "and", "the", "of", "in", "on", "for", "de", "der", "des", "la", "le", "du",
         "et", "und", "y", "&", "to", "at", "from", "with"}

_ISSN = re.compile(r"\d{4}-\d{3}[\dX]")

# Publication types that sometimes land in the journal slot of a citation.
ARTICLE_TYPES = {
    "randomized controlled trial", "randomised controlled trial", "clinical trial", "review",
    "systematic review", "meta-analysis", "meta analysis", "case report", "case reports",
    "letter", "editorial", "comment", "original article", "research article", "short communication",
    "observational study", "multicenter study", "comparative study",
}


def _words(name: str) -> list[str]:
    # parenthesised qualifiers ("(Basel)", "(Yakhteh)") are optional
    name = re.sub(r"\([^)]*\)", " ", fold_text(name, diacritics=False))
    return [w for w in re.split(r"[^0-9a-z]+", name) if w]


def _significant(name: str) -> list[str]:
    return [w for w in _words(name) if w not in _STOP]


def _abbreviates(short: str, word: str) -> bool:
    """``short`` abbreviates ``word``: same first letter, its letters a subsequence of the word."""
    if not short or not word or short[0] != word[0] or len(short) > len(word):
        return False
    it = iter(word)
    return all(ch in it for ch in short)


def _aligns(cited: list[str], full: list[str]) -> bool:
    """The cited words abbreviate the full words one for one, in order."""
    return len(cited) == len(full) > 0 and all(map(_abbreviates, cited, full))


@lru_cache(maxsize=1)
def _abbreviator():
    try:
        from pyiso4.ltwa import Abbreviate
    except ImportError:  # pragma: no cover - pyiso4 is a dependency; tolerate its absence
        return None
    return Abbreviate.create()


@lru_cache(maxsize=4096)
def iso4(title: str) -> str | None:
    """The ISO-4 abbreviation of a journal title, or None when it cannot be computed."""
    abbreviate = _abbreviator()
    if abbreviate is None or not title:
        return None
    try:
        return abbreviate(title, remove_part=True)
    except Exception:  # pyiso4 raises on unusual titles; an abbreviation is only a hint
        return None


@dataclass(frozen=True)
class JournalComparison:
    """``relation`` is ``same`` (a standard form), ``variant`` (same journal, non-standard form)
    or ``different``. ``forms`` lists the standard forms it was compared with."""

    relation: str
    forms: tuple[str, ...]
    reason: str = ""


def standard_forms(full: str | None, short: Sequence[str] = ()) -> tuple[str, ...]:
    """The record's full and short titles and the ISO 4 abbreviation of the full title."""
    forms = [f for f in [full, *short] if f]
    if full:
        abbreviation = iso4(full)
        if abbreviation:
            forms.append(abbreviation)
    return tuple(dict.fromkeys(forms))


def _style_defect(cited: str, full_words: set[str]) -> str:
    """Why a cited form that names the right journal is still not a standard form ("" if none)."""
    tokens = cited.split()
    abbreviated = [t for t in tokens if fold_text(t.strip("."), diacritics=False) not in full_words]
    dotted = {t.endswith(".") for t in abbreviated}
    if len(dotted) == 2:
        return "some abbreviated words end in a dot and others do not"
    if any(t[:1].islower() and t.strip(".").lower() not in _STOP for t in tokens):
        return "a word starts with a lower-case letter"
    return ""


def compare_journals(cited: str, full: str | None, short: Sequence[str] = (),
                     issn: Sequence[str] = ()) -> JournalComparison:
    """Compare a cited journal name (or ISSN) with a record's names and ISSNs.

    The matcher and both journal rules ask the same question of the same record, so answers are
    remembered.
    """
    return _compare(cited, full, tuple(short), tuple(issn))


@lru_cache(maxsize=4096)
def _compare(cited: str, full: str | None, short: tuple[str, ...],
             issn: tuple[str, ...]) -> JournalComparison:
    forms = standard_forms(full, short)
    compact = cited.strip().upper().replace(" ", "")
    if _ISSN.fullmatch(compact) and compact in {i.upper() for i in issn}:
        return JournalComparison("same", forms)
    cited_words = _words(cited)
    if any(cited_words == _words(f) for f in forms):
        return JournalComparison("same", forms)
    cited_sig = _significant(cited)
    for form in forms:
        if _aligns(cited_sig, _significant(form)) or _aligns(cited_words, _words(form)):
            defect = _style_defect(cited, set(_words(full or "")))
            return JournalComparison("variant" if defect else "same", forms, defect)
    return JournalComparison("different", forms)


def is_article_type(name: str) -> bool:
    """True when a 'journal' is really a publication type such as "Randomized Controlled Trial"."""
    return " ".join(_words(name)) in {" ".join(_words(t)) for t in ARTICLE_TYPES}
