"""Plain data classes that carry a manuscript through read → resolve → check → report.

Models hold data only: no I/O, no network, no parsing logic. Every stage of the pipeline takes and
returns these types, so each stage can be used on its own from Python.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal, get_args

from citelint.normalize import cited_initials

if TYPE_CHECKING:
    from citelint.names import AuthorComparison

Severity = Literal["error", "warning", "info"]
FixSafety = Literal["safe", "unsafe"]
Status = Literal["verified", "problem", "not-found", "unverified"]
SEVERITIES: tuple[Severity, ...] = ("error", "warning", "info")
STATUSES: tuple[Status, ...] = get_args(Status)


@dataclass
class Location:
    """Where a reference stands in its input file (1-based line/column, or an XML/BibTeX handle)."""

    path: str | None = None
    line: int | None = None
    column: int | None = None
    element: str | None = None  # XML element id or path, e.g. "ref-list/ref[@id='B12']"
    key: str | None = None  # BibTeX citation key, RIS record number, CSL-JSON id

    def describe(self) -> str:
        """A short human form: ``manuscript.txt:42`` or ``refs.bib [smith2020]``."""
        place = self.path or "<input>"
        if self.line is not None:
            place += f":{self.line}"
            if self.column is not None:
                place += f":{self.column}"
        if self.key:
            place += f" [{self.key}]"
        elif self.element:
            place += f" [{self.element}]"
        return place


@dataclass
class Reference:
    """One entry of a reference list, as cited.

    Fields are ``None`` when the citation does not give them. ``authors`` holds structured names
    (family, given, particle, suffix, or a literal name for a group), each keeping the name as
    written; they are never flattened to a string and parsed again. ``et_al`` is True when the
    list ends in "et al.". ``provenance`` says where the fields came from: a structured input
    (BibTeX, RIS, CSL-JSON, JATS element-citation, biber .bbl) or a string the parser split, with
    its confidence per field.
    """

    index: int
    raw: str
    location: Location = dataclasses.field(default_factory=Location)
    authors: list[Author] = dataclasses.field(default_factory=list)
    et_al: bool = False
    title: str | None = None
    journal: str | None = None
    year: int | None = None
    volume: str | None = None
    issue: str | None = None
    first_page: str | None = None
    last_page: str | None = None
    article_number: str | None = None
    doi: str | None = None
    pmid: str | None = None
    pmcid: str | None = None  # "PMC1234567"
    arxiv: str | None = None  # arXiv id without version: "2101.12345", "hep-th/9901001"
    isbn: str | None = None  # as cited, without spaces or hyphens ("9780306406157")
    url: str | None = None
    type: str | None = None  # "article", "book", "chapter", "thesis", "report"... when known
    publisher: str | None = None
    parse_error: str | None = None  # why the citation could not be split into fields
    # findings the input itself accepts (e.g. a BibTeX citelint-ignore field)
    suppressions: list[Suppression] = dataclasses.field(default_factory=list)
    # the sections of the manuscript's text that cite it, in order of first citation; empty when
    # the input has no text that cites (a bare reference list) or the text does not cite it
    cited_in: list[CitingSection] = dataclasses.field(default_factory=list)
    provenance: Provenance = dataclasses.field(default_factory=lambda: Provenance("structured"))

    @property
    def from_text(self) -> bool:
        """True when the fields were parsed out of free text (they need corroborating)."""
        return self.provenance.origin == "text"

    @property
    def author_names(self) -> list[str]:
        """The cited names as written ("Keller P", "Guo, X."), for messages."""
        return [a.as_cited() for a in self.authors]

    @property
    def pages(self) -> str | None:
        """The cited pages as one string ("1198-1221", "S13-S18", "150313")."""
        if self.first_page and self.last_page:
            return f"{self.first_page}-{self.last_page}"
        return self.first_page or self.article_number

    def parsed(self) -> dict[str, Any]:
        """The fields that were parsed out of the citation, for reports."""
        out: dict[str, Any] = {}
        for name in ("authors", "et_al", "title", "journal", "year", "volume", "issue",
                     "first_page", "last_page", "article_number", "doi", "pmid", "pmcid", "arxiv",
                     "isbn", "url", "type"):
            value = getattr(self, name)
            if value not in (None, [], False):
                out[name] = value
        if self.authors:
            out["authors"] = [a.to_dict() for a in self.authors]
        return out


# the fields a reference can cite, in report order (``pages`` covers first/last page and
# article number)
CITED_FIELDS = ("title", "authors", "year", "journal", "volume", "issue", "pages", "doi")


@dataclass
class Provenance:
    """Where a reference's fields came from.

    ``origin`` is "structured" when an input gave the fields apart (BibTeX, RIS, CSL-JSON, JATS
    element-citation, biber .bbl) and "text" when a parser split them out of one string.
    ``format`` names the input ("bibtex", "ris", "csl-json", "jats", "bbl", "text"...).
    ``confidence`` holds, for a parsed reference, the parser's confidence in each field it filled
    (0..1, keyed by :data:`CITED_FIELDS` names); structured fields are taken as given and have
    none.
    """

    origin: Literal["structured", "text"]
    format: str | None = None
    confidence: dict[str, float] = dataclasses.field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"origin": self.origin}
        if self.format:
            out["format"] = self.format
        if self.confidence:
            out["confidence"] = dict(self.confidence)
        return out


@dataclass
class CitingSection:
    """A section of the manuscript's text that cites a reference.

    ``heading`` is the section's heading path ("Materials and methods > Image analysis"; "" for
    text before the first heading); ``methods`` is True when the section describes the methods
    (by a heading such as "Methods" or "Statistical analysis" anywhere in the path, or JATS
    ``sec-type="methods"``). ``excerpt`` is the sentence of the section's first citation of the
    reference (trimmed), when the reader could find it: the claim the reference is cited for.
    """

    heading: str
    methods: bool = False
    excerpt: str | None = None


@dataclass
class Suppression:
    """A finding the user accepted: ``rule`` (or ``"*"``) with the reason they gave."""

    rule: str
    reason: str


@dataclass
class Manuscript:
    """What a reader found in an input file: the subject of the work and its reference list."""

    path: str | None
    format: str
    references: list[Reference]
    title: str | None = None
    abstract: str | None = None
    keywords: list[str] = dataclasses.field(default_factory=list)
    doi: str | None = None
    # located, non-fatal input problems ("refs.ris:10: unknown RIS tag ...")
    problems: list[str] = dataclasses.field(default_factory=list)
    encoding: str | None = None  # of the file read ("utf-8", "cp1252"...); None: given as text


@dataclass
class Author:
    """A person (or a group, in ``name``) named on a record or in a citation.

    ``family`` excludes the ``particle`` ("van", "de", "von") when the input gives it apart;
    ``suffix`` is a generational suffix ("Jr", "III"). ``written`` is the name exactly as a
    citation wrote it ("Guo, X.", "Keller P"), kept for messages and for corroborating the
    parse against the raw citation; records leave it empty.
    """

    family: str | None = None
    given: str | None = None
    name: str | None = None  # literal name of an organisation or a single-name author
    orcid: str | None = None
    particle: str | None = None
    suffix: str | None = None
    written: str | None = None

    @property
    def full_family(self) -> str | None:
        """The family name with its particle ("van der Berg")."""
        if not self.family:
            return None
        return f"{self.particle} {self.family}" if self.particle else self.family

    def display(self) -> str:
        """"Family Given" ("van der Berg Anna"), or the literal name."""
        family = self.full_family
        if family:
            return f"{family} {self.given}".strip() if self.given else family
        return self.name or ""

    def as_cited(self) -> str:
        """The name as the citation wrote it, or "Family Initials" for a structured name."""
        if self.written:
            return self.written
        family = self.full_family
        if not family:
            return self.name or (self.given or "")
        initials = cited_initials(self.given or "")
        text = f"{family} {initials}" if initials else family
        return f"{text} {self.suffix}" if self.suffix else text

    def to_dict(self) -> dict[str, str]:
        """The non-empty parts, for reports."""
        return {k: v for k, v in (("family", self.family), ("given", self.given),
                                  ("particle", self.particle), ("suffix", self.suffix),
                                  ("literal", self.name), ("orcid", self.orcid),
                                  ("written", self.written)) if v}


@dataclass
class Update:
    """A notice attached to a work: retraction, expression of concern, correction, new version…"""

    type: str  # Crossref vocabulary: "retraction", "expression_of_concern", "correction", ...
    doi: str | None = None
    source: str | None = None  # "publisher", "retraction-watch", "openalex"
    date: str | None = None
    label: str | None = None


@dataclass
class Record:
    """A bibliographic record from a source, normalised from Crossref or OpenAlex JSON.

    ``None`` means the source does not say. Dates are kept apart (print, online, issued) because a
    cited year may legitimately equal any of them.
    """

    source: str  # "crossref", "openalex", "snapshot:crossref", ...
    doi: str | None = None
    id: str | None = None  # the source's own id (OpenAlex W-id, Crossref DOI URL)
    title: str | None = None
    subtitle: str | None = None
    authors: list[Author] | None = None
    journal: str | None = None
    journal_short: list[str] = dataclasses.field(default_factory=list)
    issn: list[str] = dataclasses.field(default_factory=list)
    journal_id: str | None = None  # the source's own id of the journal (OpenAlex's S-id)
    year: int | None = None  # the year the source treats as the publication year ("issued")
    year_print: int | None = None
    year_online: int | None = None
    volume: str | None = None
    issue: str | None = None
    first_page: str | None = None
    last_page: str | None = None
    article_number: str | None = None
    type: str | None = None
    publisher: str | None = None
    abstract: str | None = None
    keywords: list[str] = dataclasses.field(default_factory=list)
    # OpenAlex topics: {"topic", "subfield", "field", "domain"}
    topics: list[dict[str, str]] = dataclasses.field(default_factory=list)
    is_retracted: bool | None = None
    updates: list[Update] = dataclasses.field(default_factory=list)
    # the record says which notices are on the work, so that an empty ``updates`` means "none
    # known to Crossref": Crossref's own answer, or a copy (a snapshot's, an index's) that kept
    # Crossref's notice fields (``updated-by``, ``update-to``, ``relation``)
    notices_known: bool = False
    pmid: str | None = None
    pmcid: str | None = None
    isbn: list[str] = dataclasses.field(default_factory=list)  # a book's (Crossref ``ISBN``)
    # the works it cites: OpenAlex ids ("W2741809807", from ``referenced_works``) and DOIs (from
    # Crossref's ``reference`` list); empty when the source does not say
    referenced_works: list[str] = dataclasses.field(default_factory=list)
    # OpenAlex ids of the works OpenAlex lists as related to it (``related_works``)
    related_works: list[str] = dataclasses.field(default_factory=list)

    def years(self) -> set[int]:
        """Every year this record could be cited under (issued, print, online)."""
        return {y for y in (self.year, self.year_print, self.year_online) if y is not None}

    def summary(self) -> dict[str, Any]:
        """The record's bibliographic fields for reports (no abstract, no raw payload)."""
        out: dict[str, Any] = {"source": self.source}
        for name in ("doi", "id", "title", "journal", "year", "year_print", "year_online",
                     "volume", "issue", "first_page", "last_page", "article_number", "type",
                     "is_retracted"):
            value = getattr(self, name)
            if value is not None:
                out[name] = value
        if self.authors is not None:
            out["authors"] = [a.display() for a in self.authors]
        if self.journal_short:
            out["journal_short"] = self.journal_short
        if self.updates:
            out["updates"] = [{"type": u.type, "doi": u.doi, "source": u.source}
                              for u in self.updates]
        return out


@dataclass
class LookupFailure:
    """A source that could not answer for a reference, and why (timeout, HTTP 503, offline...)."""

    source: str
    reason: str
    offline: bool = False  # not asked because citelint ran offline and nothing was cached


@dataclass
class VenueHoldings:
    """What one source holds of the journal a citation names, in the cited year: the evidence
    that the journal is indexed there (``works`` of it found, e.g. ``sample`` DOIs), or that it
    is not (``works`` 0)."""

    source: str
    journal: str  # as cited
    year: int
    works: int
    volume: str | None = None  # the cited volume, when some of the works are in it
    sample: list[str] = dataclasses.field(default_factory=list)  # DOIs of works found


@dataclass
class Match:
    """The outcome of resolving one reference.

    ``record`` is the accepted candidate (or None); ``score`` its validation score in 0..1;
    ``runner_up`` the next best candidate, kept as evidence. ``doi_record`` is what the cited DOI
    itself resolves to, when it resolved (it may differ from ``record``). ``failures`` lists sources
    that did not answer; ``searched`` the sources that did.
    """

    reference: Reference
    record: Record | None = None
    score: float = 0.0
    field_scores: dict[str, float] = dataclasses.field(default_factory=dict)
    # the cited authors aligned with ``record``'s, as scoring the match found them, so that the
    # author rule need not align them again
    author_comparison: AuthorComparison | None = None
    runner_up: Record | None = None
    runner_up_score: float | None = None
    doi_record: Record | None = None
    doi_registered: bool | None = None  # None: unknown (lookup failed or not attempted)
    searched: list[str] = dataclasses.field(default_factory=list)
    failures: list[LookupFailure] = dataclasses.field(default_factory=list)
    # the same work as held by other sources (second opinions, e.g. on retractions)
    others: list[Record] = dataclasses.field(default_factory=list)
    authoritative: bool = False  # every source asked can tell "does not exist" from "not held"
    # for a journal article no source holds: what each source that could tell holds of its
    # journal in the cited year (asked only then); empty when not asked or no source could say
    venue: list[VenueHoldings] = dataclasses.field(default_factory=list)

    @property
    def complete(self) -> bool:
        """True when every source that was asked answered."""
        return not self.failures


@dataclass
class Fix:
    """A correction a finding carries: set the reference's ``field`` to the record's ``value``.

    ``field`` is a Reference field ("doi", "pages", "journal", "volume", "issue", "year",
    "authors"); ``value`` is the new value (a list of :class:`Author` for "authors"). A ``safe``
    fix adds what the citation lacks or removes what is provably invented; an ``unsafe`` one
    overwrites what the author wrote with the record's value, which a person should review
    (``citelint fix --unsafe-fixes``). ``description`` says what applying it does, in a clause.
    """

    field: str
    value: Any
    safety: FixSafety = "unsafe"
    description: str = ""


@dataclass
class Finding:
    """One problem with one reference, with the evidence a person needs to check it."""

    rule: str
    severity: Severity
    message: str
    field: str | None = None
    cited: Any = None
    expected: Any = None
    evidence: dict[str, Any] = dataclasses.field(default_factory=dict)
    suppressed: str | None = None  # the reason, when a baseline or inline suppression accepts it
    fix: Fix | None = None  # the correction the record gives, when the rule knows one


@dataclass
class ReferenceResult:
    """Everything the report says about one reference."""

    reference: Reference
    match: Match
    status: Status
    findings: list[Finding] = dataclasses.field(default_factory=list)
    reason: str | None = None  # why unverified / not-found, in a sentence
    relatedness: dict[str, Any] | None = None  # filled by the off-topic rule's scorer
    # the cited fields that were compared with the record, and those that could not be (field →
    # why: not cited, not in the record, no record, not read with confidence)
    compared: list[str] = dataclasses.field(default_factory=list)
    not_compared: dict[str, str] = dataclasses.field(default_factory=dict)

    @property
    def accepted(self) -> bool:
        """A problem whose every error and warning was accepted (baseline or citelint-ignore):
        still a problem, reported as "problem, accepted", but it fails no run."""
        graded = [f for f in self.findings if f.severity in ("error", "warning")]
        return (self.status == "problem" and bool(graded)
                and all(f.suppressed is not None for f in graded))


@dataclass
class Report:
    """The whole result of a run; the JSON report is a serialisation of this object."""

    manuscript: Manuscript
    results: list[ReferenceResult]
    stats: dict[str, Any] = dataclasses.field(default_factory=dict)
    tool_version: str = ""

    def findings(self, include_suppressed: bool = False) -> list[tuple[ReferenceResult, Finding]]:
        return [(r, f) for r in self.results for f in r.findings
                if include_suppressed or f.suppressed is None]

    def counts(self) -> dict[str, int]:
        counts: dict[str, int] = {s: 0 for s in SEVERITIES}
        for _, f in self.findings():
            counts[f.severity] += 1
        return counts

    def status_counts(self) -> dict[str, int]:
        """How many references have each status, every status present (in :data:`STATUSES`
        order)."""
        counts: dict[str, int] = {s: 0 for s in STATUSES}
        for result in self.results:
            counts[result.status] += 1
        return counts

    def advisory_count(self) -> int:
        """How many of the counted findings (:meth:`counts`) are advisory (off-topic): advice
        that leaves the reference's status alone."""
        from citelint.rules import is_advisory

        return sum(1 for _, f in self.findings() if is_advisory(f))

    def to_dict(self) -> dict[str, Any]:
        from citelint.report.json import report_to_dict

        return report_to_dict(self)

    def to_json(self, indent: int | None = 2) -> str:
        from citelint.report.json import dumps

        return dumps(self.to_dict(), indent=indent)


@dataclass
class UnreadableInput:
    """An input of a run that could not be read; ``reason`` names the file and what is wrong."""

    path: str
    reason: str


@dataclass
class Run:
    """What one run over its inputs produced, in the order the inputs were given: a Report for
    each input that was read, an UnreadableInput for each that was not.

    ``single`` is True when the run was given one input: reports then take the one-input shape.
    """

    inputs: list[Report | UnreadableInput]
    single: bool = False

    @property
    def reports(self) -> list[Report]:
        return [i for i in self.inputs if isinstance(i, Report)]

    @property
    def unreadable(self) -> list[UnreadableInput]:
        return [i for i in self.inputs if isinstance(i, UnreadableInput)]
