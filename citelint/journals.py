"""Journal names: is a cited journal the record's journal, and is it written in a standard form?

Journals are cited under many names: the full title, the NLM/ISO-4 abbreviation, with or without
dots. A cited name is the *same* journal when its words can be read, in order, as abbreviations of
the significant words of one of the record's names. Standard forms come from the record (full and
short titles) and from ISO-4 abbreviation of the full title (pyiso4, which applies the ISSN
Centre's List of Title Word Abbreviations). A journal's field comes from the NLM Catalog's broad
subject terms, shipped as data (:func:`journal_subjects`). No I/O beyond the package's own data.
"""

from __future__ import annotations

import gzip
import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

from citelint.normalize import fold_text, strip_diacritics

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


_QUALIFIER = re.compile(r"\([^)]*\)")
_NOT_WORD = re.compile(r"[^0-9a-z]+")


def _words(name: str) -> list[str]:
    # parenthesised qualifiers ("(Basel)", "(Yakhteh)") are optional
    name = _QUALIFIER.sub(" ", fold_text(name, diacritics=False))
    return [w for w in _NOT_WORD.split(name) if w]


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


class _LtwaByPrefix:
    """pyiso4's prefix tree of the LTWA, built for the first two letters of a word when a word
    starting with them is first abbreviated.

    ``Abbreviate.create()`` parses all 56,000 LTWA lines into one tree (about half a second),
    while a run abbreviates a few dozen journal titles. pyiso4's tree sends a word down the
    branch of its first letter, then of its second; the patterns of one branch are the lines
    whose key starts with those letters, inserted in file order, so building that branch alone
    gives the same tree under it and the same search results. Lines whose first two characters
    are not two ASCII letters (a diacritic, an annotation, a one-letter key) are filed up front
    under their real key.

    A built branch is kept as plain tuples and dicts of the LTWA's lines (:func:`_settle`), and
    the lines a search finds are parsed into pyiso4's patterns as it returns them: a branch
    lives as long as the process, and pyiso4's nodes and patterns (about 40,000 objects for the
    branches of a hundred-odd journal titles) would be walked by every full run of Python's
    garbage collector, and, built in the middle of a run, make it run more often.
    """

    def __init__(self, lines: list[str], pattern_type: Any, tree_type: Any) -> None:
        self._pattern, self._tree = pattern_type, tree_type
        self._lines: dict[str, list[tuple[int, str]]] = {}
        #: the suffix patterns (``-logy``), few enough to build whole, as pyiso4 does
        self.suffix = tree_type()
        for number, line in enumerate(lines):
            head = line[:2]
            if head.isascii() and head.isalpha():
                self._lines.setdefault(head.lower(), []).append((number, line))
                continue
            pattern = pattern_type.from_line(line)
            if pattern.start_with_dash:
                self.suffix.insert(pattern.to_key()[::-1], pattern)
            else:
                self._lines.setdefault(pattern.to_key()[:2], []).append((number, line))
        self._trees: dict[str, Any] = {}
        self._building = threading.Lock()  # references are matched in several threads

    def _branch(self, prefix: str) -> Any:
        """The settled tree of the lines whose key starts with ``prefix`` (two letters) or is
        exactly ``prefix`` (one letter, or none)."""
        tree = self._trees.get(prefix)
        if tree is not None:
            return tree
        with self._building:  # a branch is shown only once it is whole
            tree = self._trees.get(prefix)
            if tree is None:
                built = self._tree()
                for _, line in sorted(self._lines.pop(prefix, []), key=lambda item: item[0]):
                    built.insert(self._pattern.from_line(line).to_key(), line)
                tree = self._trees[prefix] = _settle(built.root)
        return tree

    def search(self, sentence: str) -> list[Any]:
        """What pyiso4's whole prefix tree returns for ``sentence``, wildcards first."""
        lines = _search(self._branch(""), sentence)
        if sentence:
            single = _search(self._branch(sentence[0]), sentence)
            lines += single
            lines += single if len(sentence) == 1 else _search(self._branch(sentence[:2]),
                                                               sentence)
        return [self._pattern.from_line(line) for line in lines]


def _settle(node: Any) -> tuple[str, ...] | dict[str, Any]:
    """A built node of pyiso4's prefix tree as plain data: the lines it holds (a node that was
    not split), else its children by character, settled alike."""
    if not node.split:
        return tuple(line for _, line in node.objs)
    return {char: _settle(child) for char, child in node.children.items()}


def _search(node: tuple[str, ...] | dict[str, Any], word: str, position: int = 0) -> list[str]:
    """The lines pyiso4's ``Node.search`` finds under a settled node (:func:`_settle`): a node
    that was not split gives all it holds; a split one, its wildcard child's and then the
    child of the word's character at this depth ("" past the word's end)."""
    if isinstance(node, tuple):
        return list(node)
    found: list[str] = []
    if "" in node:
        found += _search(node[""], word, position + 1)
    char = word[position] if position < len(word) else ""
    if char in node:
        found += _search(node[char], word, position + 1)
    return found


def prepare() -> None:
    """Read the LTWA now rather than on the first journal abbreviated (e.g. in the background
    while references are being resolved)."""
    _abbreviator()


@lru_cache(maxsize=1)
def _abbreviator() -> Any:
    """pyiso4's ``Abbreviate`` over the LTWA shipped with it, with the prefix tree built as
    titles need it (:class:`_LtwaByPrefix`)."""
    try:
        from pyiso4 import ltwa
        from pyiso4.prefix_tree import PrefixTree
    except ImportError:  # pragma: no cover - pyiso4 is a dependency; tolerate its absence
        return None
    stopwords = (ltwa._here / "stopwords.txt").read_text().splitlines()
    tree = _LtwaByPrefix([line for line in _ltwa_lines(ltwa) if line != "\n"], ltwa.Pattern,
                         PrefixTree)
    return ltwa.Abbreviate(tree, tree.suffix, [w.strip() for w in stopwords])


def _ltwa_lines(ltwa: Any) -> list[str]:
    """The lines of pyiso4's LTWA file after its header, as ``Abbreviate.create`` reads them."""
    with open(ltwa._here / "LTWA_20210702.csv") as handle:
        return handle.readlines()[1:]


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
    or ``different``. ``forms`` lists the standard forms it was compared with: the record's
    titles ``full`` and ``short`` and the ISO 4 abbreviation, worked out when first asked for
    (most comparisons are decided by the record's own titles, and a report needs the forms only
    to show them)."""

    relation: str
    full: str | None = None
    short: tuple[str, ...] = ()
    reason: str = ""

    @property
    def forms(self) -> tuple[str, ...]:
        return standard_forms(self.full, self.short)


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
    """"same" when the cited name is an ISSN of the record or one of its standard forms word for
    word; else, when it abbreviates one of them word by word, "variant" if it has a defect of
    style and "same" if not; else "different". The record's own titles are tried before its
    ISO 4 abbreviation, which is worked out only when they leave the answer open."""
    compact = cited.strip().upper().replace(" ", "")
    if _ISSN.fullmatch(compact) and compact in {i.upper() for i in issn}:
        return JournalComparison("same", full, short)
    cited_words = _words(cited)
    cited_sig = _significant(cited)

    def exact(form: str) -> bool:
        return cited_words == _words(form)

    def aligned(form: str) -> bool:
        return _aligns(cited_sig, _significant(form)) or _aligns(cited_words, _words(form))

    def style(defect: str) -> JournalComparison:
        return JournalComparison("variant" if defect else "same", full, short, defect)

    titles = [f for f in [full, *short] if f]
    if any(exact(f) for f in titles):
        return style("")
    # the style defect depends on the cited name and the full title only: worked out once
    defect = _style_defect(cited, set(_words(full or ""))) if any(map(aligned, titles)) else None
    if defect == "":  # it abbreviates a title in good style: the ISO 4 form cannot change that
        return style("")
    abbreviation = [f for f in standard_forms(full, short) if f not in titles]
    if any(exact(f) for f in abbreviation):
        return style("")
    if defect is None:
        if not any(map(aligned, abbreviation)):
            return JournalComparison("different", full, short)
        defect = _style_defect(cited, set(_words(full or "")))
    return style(defect)


@lru_cache(maxsize=4096)
def is_article_type(name: str) -> bool:
    """True when a 'journal' is really a publication type such as "Randomized Controlled Trial".
    Remembered: the matcher asks it of the same cited journal for every candidate."""
    return " ".join(_words(name)) in _article_types()


@lru_cache(maxsize=1)
def _article_types() -> frozenset[str]:
    return frozenset(" ".join(_words(t)) for t in ARTICLE_TYPES)


_USA = re.compile(r"\busa\b")


def _journal_key(name: str, folded: bool = False) -> str:
    """A journal name reduced to its significant words ("Proc Natl Acad Sci USA" and "Proc.
    Natl. Acad. Sci. U.S.A." meet; so do "The Journal of Immunology" and "Journal of
    immunology"). ``folded``: ``name`` is already folded as :func:`_words` folds it."""
    if not folded:
        name = fold_text(name, diacritics=False)
    name = _USA.sub("u s a", _QUALIFIER.sub(" ", name))
    return " ".join(w for w in _NOT_WORD.split(name) if w and w not in _STOP)


@lru_cache(maxsize=1)
def _subject_table() -> dict[str, tuple[str, ...]]:
    """NLM title abbreviation and title of each journal (as keys) -> its broad subject terms."""
    data = resources.files("citelint.data").joinpath("nlm_journal_subjects.tsv.gz")
    text = gzip.decompress(data.read_bytes()).decode("utf-8")
    # fold each line as fold_text would each name; most lines are ASCII, which
    # strip_diacritics returns at once (folding the whole text at once decomposed every line)
    folded = [strip_diacritics(line) for line in text.casefold().splitlines()]
    table: dict[str, tuple[str, ...]] = {}
    for line, folded_line in zip(text.splitlines(), folded, strict=True):
        if not line or line.startswith("#"):
            continue
        subjects = tuple(line.split("\t")[2].split(";"))
        for name in folded_line.split("\t")[:2]:
            key = _journal_key(name, folded=True)
            if key:  # a name shared by two journals keeps the subjects of both
                table[key] = tuple(dict.fromkeys(table.get(key, ()) + subjects))
    return table


@lru_cache(maxsize=4096)
def journal_subjects(name: str | None) -> tuple[str, ...]:
    """The NLM Catalog's broad subject terms of the journal ``name`` (its MEDLINE abbreviation
    or its title, as cited), e.g. ("Bacteriology",) for "J Bacteriol" or "Journal of
    Bacteriology"; () when the journal is not in the catalogue's lists (which cover the
    journals MEDLINE indexes or indexed: biomedicine and the life sciences)."""
    if not name:
        return ()
    return _subject_table().get(_journal_key(name), ())
