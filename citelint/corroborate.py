"""Corroborate field errors on references parsed from free text against the raw citation.

Crossref's matcher never trusts a reference string to have been split correctly: it looks for
the record's values inside the raw string. citelint does the same before it accuses: for a
reference whose fields were parsed from text, a field error stands only when the record's value,
and every accepted variant of it (the title without its subtitle, any of the record's years, an
abbreviated last page, the journal's short names), is absent from the raw citation. When the
record's value is there, the citation agrees with the record and the disagreement is the
parser's: the finding is dropped. A field the parser read with low confidence whose error is not
contradicted by the raw string is reported as uncertain (a warning), never as an error.
Structured references (BibTeX, RIS, CSL-JSON, JATS element-citation) are taken as given. No I/O.
"""

from __future__ import annotations

import re
from functools import cached_property

from citelint.matching import title_words
from citelint.models import Finding, Match, Record, Reference
from citelint.names import record_family_tokens
from citelint.normalize import DASHES, comparable, fold_text
from citelint.rules.pages_article_number import article_number

# a field read with less confidence than this is not grounds for an error on its own
CONFIDENT_PARSE = 0.6
_IDENTIFIER = re.compile(r"\b10\.\d{4,9}/\S+|https?://\S+|\bwww\.\S+", re.IGNORECASE)
_DASH = "".join(re.escape(c) for c in DASHES)
_RULE_FIELDS = {"title-mismatch": "title", "author-mismatch": "authors",
                "year-mismatch": "year", "volume-mismatch": "volume",
                "issue-mismatch": "issue", "pages-mismatch": "pages",
                "pages-article-number": "pages", "journal-mismatch": "journal",
                "journal-abbreviation": "journal", "doi-mismatch": "doi"}
# words that are never a family name on their own ("and et al." read as an author "al. E")
_NOT_NAMES = {"et", "al", "and", "eds", "ed", "editors", "others"}


_THREE_LETTERS = re.compile(r"[a-z]{3}")
_A_DASH = re.compile(f"[{_DASH}]")


def _hyphenated_word(chunk: str) -> bool:
    return bool(_THREE_LETTERS.search(chunk) and _A_DASH.search(chunk))


class RawCitation:
    """The raw citation without its identifiers, in the forms the searches need, each worked
    out when a search first needs it (a year finding needs its numbers, not its words)."""

    def __init__(self, raw: str) -> None:
        self._without_identifiers = _IDENTIFIER.sub(" ", raw)
        self.text = fold_text(self._without_identifiers, diacritics=False)

    @cached_property
    def words(self) -> str:
        return f" {' '.join(title_words(self._without_identifiers))} "

    @cached_property
    def token_list(self) -> list[str]:
        return comparable(self._without_identifiers).split()

    @cached_property
    def tokens(self) -> set[str]:
        return set(self.token_list)

    @cached_property
    def number_tokens(self) -> list[str]:
        """Numbers that can stand for a volume, issue or year: not those inside a hyphenated
        word ("5,7-Dimethyl-1H-indole-2,3-dione", "COVID-19" in a title)."""
        return [t for chunk in self.text.split() if not _hyphenated_word(chunk)
                for t in comparable(chunk).split()]

    def has_words(self, text: str | None) -> bool:
        """Every word of ``text`` appears, in order and adjacent, in the citation."""
        words = " ".join(title_words(text))
        return bool(words) and f" {words} " in self.words

    def has_number(self, value: str | int | None, ref: Reference, field: str) -> bool:
        """``value`` stands in the citation more often than the reference's other numbers
        (year, volume, issue, pages) account for: it is written there, unread or misread. A
        volume equal to the year (Hindawi's "2011;2011") is not evidence twice."""
        if value is None:
            return False
        token = comparable(str(value))
        others = [getattr(ref, name) for name in
                  ("year", "volume", "issue", "first_page", "last_page", "article_number")
                  if name != field]
        explained = sum(1 for other in others if other is not None
                        and comparable(str(other)) == token)
        return self.number_tokens.count(token) > explained


def _record_title_forms(record: Record) -> list[str]:
    """The record's whole title, with the subtitle a source keeps apart. Its main title alone is
    no evidence: the citation may have kept it and replaced a word of the subtitle."""
    forms = [record.title or ""]
    if record.subtitle:
        forms.append(f"{record.title}: {record.subtitle}")
    return [f for f in forms if f]


def _pages_in(raw: RawCitation, first: str, last: str | None) -> bool:
    """The record's pages are in the citation: the first page, then its last page in full or
    abbreviated ("1234-45" for 1234-1245), after a dash."""
    if fold_text(first) not in raw.text:
        return False  # (and no pattern to build: each record's pages make a new one)
    first_re = re.escape(fold_text(first))
    if not last or fold_text(last) == fold_text(first):
        return re.search(rf"(?<![\w]){first_re}(?![\w])", raw.text) is not None
    last = fold_text(last)
    endings = {last[i:] for i in range(len(last))}
    pattern = "|".join(re.escape(e) for e in sorted(endings, key=len, reverse=True))
    return re.search(rf"(?<![\w]){first_re}\s*[{_DASH}]+\s*(?:{pattern})(?![\w])",
                     raw.text) is not None


def _authors_agree(finding: Finding, match: Match, raw: RawCitation) -> bool:
    """The raw citation contradicts an author finding: the record's names are written in it,
    or the name the finding blames is not (a fragment the parser made up)."""
    record = match.record
    kind = finding.evidence.get("kind")
    if record is None or not record.authors:
        return False
    if kind == "extra":
        blamed = finding.evidence.get("names") or []
        words = [t for name in blamed for t in comparable(name).split()
                 if len(t) > 1 and t not in _NOT_NAMES]
        return not any(t in raw.tokens for t in words)
    if kind in ("misspelled", "missing"):
        expected = finding.evidence.get("record_names") or []
        authors = [a for a in record.authors if a.display() in expected]
        # a name the record holds twice within the cited names ("Yang X, Steck J, Yang J")
        # must be written twice: one "Yang" does not vouch for a misspelled other
        listed = [record_family_tokens(a) for a in record.authors[:len(match.reference.authors)]]
        return bool(authors) and all(
            all(raw.token_list.count(t) >= max(1, sum(t in other for other in listed))
                for t in record_family_tokens(a) if len(t) > 1)
            for a in authors)
    return False


def agrees_with_record(finding: Finding, match: Match, raw: RawCitation) -> bool:
    """Whether the raw citation holds the record's value (or an accepted variant) for the field
    ``finding`` is about, so that the finding blames a wrong parse, not a wrong citation."""
    record = match.record
    if finding.rule == "doi-mismatch":
        doi_record = match.doi_record
        return doi_record is not None and any(raw.has_words(t)
                                              for t in _record_title_forms(doi_record))
    if record is None:
        return False
    field = _RULE_FIELDS.get(finding.rule)
    if field == "title":
        return any(raw.has_words(t) for t in _record_title_forms(record))
    if field == "authors":
        return _authors_agree(finding, match, raw)
    if field == "year":
        return any(raw.has_number(y, match.reference, "year") for y in record.years())
    if field in ("volume", "issue"):
        return raw.has_number(getattr(record, field), match.reference, field)
    if finding.rule == "pages-article-number":
        ref = match.reference
        return not (ref.first_page and ref.last_page
                    and _pages_in(raw, ref.first_page, ref.last_page))
    if field == "pages":
        number = article_number(record)
        if number and _pages_in(raw, number, None):
            return True
        return bool(record.first_page) and _pages_in(raw, record.first_page or "",
                                                     record.last_page)
    if field == "journal":
        names = [n for n in (record.journal, *record.journal_short) if n]
        glued = {"".join(comparable(n).split()) for n in names}  # "Int.jour.sci.res.mana"
        return (any(raw.has_words(n) for n in names) or bool(glued & raw.tokens)
                or any(i in raw.text for i in record.issn))
    return False


def corroborate(findings: list[Finding], match: Match) -> list[Finding]:
    """The findings that stand once a text-parsed reference's raw string is consulted.

    Field errors whose record value is in the raw citation are dropped; those on fields the
    parser read with low confidence become warnings that say the reading is uncertain. Findings
    on structured references, and findings about no field, are returned unchanged.
    """
    ref = match.reference
    if not ref.from_text or not ref.raw:
        return findings
    if not any(_RULE_FIELDS.get(f.rule) and f.severity != "info" for f in findings):
        return findings  # nothing to corroborate: the raw citation need not be read
    raw = RawCitation(ref.raw)
    kept = []
    for finding in findings:
        field = _RULE_FIELDS.get(finding.rule)
        if field is None or finding.severity == "info":
            kept.append(finding)
            continue
        if agrees_with_record(finding, match, raw):
            continue
        confidence = ref.provenance.confidence.get(field)
        if finding.severity == "error" and confidence is not None \
                and confidence < CONFIDENT_PARSE:
            finding.severity = "warning"
            finding.evidence["parse_confidence"] = confidence
            finding.message += (" The citation's " + field + " was read with low confidence "
                                "from free text, so this is uncertain: check the citation.")
        kept.append(finding)
    return kept
