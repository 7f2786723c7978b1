"""Parse one cited reference string into fields (Vancouver/AMA and APA/Harvard styles).

The parser reports what is *written*: it does not correct, complete or judge a citation (rules do
that), does no I/O, and never raises on bad input. A citation it cannot split gets a
``parse_error`` sentence saying what could not be found, with whatever fields it did find.
"""

from __future__ import annotations

import re

from citelint.doi import FIND_ISBN, find_arxiv, find_doi, find_isbn
from citelint.models import Location, Provenance, Reference
from citelint.names import cited_author
from citelint.normalize import DASHES, is_initials, split_pages

_DASH = "".join(re.escape(c) for c in DASHES)
_YEAR = r"(?:1[5-9]|20)\d{2}"
_PAGE = r"(?:\d+[A-Za-z]{1,3}\d+|[A-Za-z]{0,3}\d+[A-Za-z]?)"  # 04E109, S13, e12333, 12a
_PAGES = rf"{_PAGE}(?:\s*[{_DASH}]+\s*{_PAGE})?"
_MONTH = (r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec|Spring|Summer|Autumn|Fall|Winter)"
          r"[a-z]*\.?")
_VOLUME = r"[A-Za-z]{0,4}\d+[A-Za-z]?(?:\s+Suppl\.?(?:\s*\d+)?)?"

# "Journal 2019 Mar 5;10(2):326-339." / "Journal 2023:1763-1777." / "Journal 2024; 727:150313."
_VANCOUVER_TAIL = re.compile(
    rf"(?:^|(?<=[\s.,;]))(?P<year>{_YEAR})[a-z]?"
    rf"(?:\s+{_MONTH}(?:\s*[{_DASH}/]\s*{_MONTH})?(?:\s+\d{{1,2}})?)?"
    rf"\s*(?:;\s*(?P<volume>{_VOLUME})?\s*(?:\((?P<issue>[^()]*)\))?"
    rf"(?:\s*[:,]\s*(?P<pages>{_PAGES}))?"
    rf"|:\s*(?P<pages_only>{_PAGES}))?"
    r"\s*(?:[.;,]\s*)?$"  # (not "\s*[.;,]?\s*$": see _TAILS)
)
# Looser: the last year, then whatever volume/issue/pages follow it (trailing notes tolerated).
_LOOSE_TAIL = re.compile(
    rf"(?:^|(?<=[\s.,;(]))(?P<year>{_YEAR})[a-z]?\b"
    rf"(?:[^;:]{{0,20}}?;\s*(?P<volume>{_VOLUME})?\s*(?:\((?P<issue>[^()]*)\))?"
    rf"(?:\s*:\s*(?P<pages>{_PAGES}))?)?"
)
# APA/Harvard: "(2020)." / "(2020a, March 3)" / "(n.d.)" after the authors.
_AUTHOR_DATE_YEAR = re.compile(
    rf"\(\s*(?:(?P<year>{_YEAR})[a-z]?(?:\s*,[^()]*)?|n\.\s?d\.|in press)\s*\)", re.IGNORECASE
)
_HARVARD_YEAR = re.compile(
    rf"^(?P<authors>.+?),?\s+(?P<year>{_YEAR})[a-z]?(?P<sep>[.,])\s+(?P<rest>.+)$")
# what every Harvard year holds, found by a quick scan: most citations lack it, and are then not
# tried with the slower whole pattern
_HARVARD_HINT = re.compile(rf"\s{_YEAR}[a-z]?[.,]\s")
# "Journal, 12(3), 45–67" / "Journal 12:45–67" / "Journal, 12, Article e123"
_SOURCE = re.compile(
    rf"^(?P<journal>.+?)[,.]?\s+(?:[Vv]ol(?:ume)?\.?\s*)?(?P<volume>{_VOLUME})"
    rf"\s*(?:\((?P<issue>[^()]*)\))?"
    rf"(?:\s*[,:]\s*(?:(?:pp?\.|[Aa]rticle(?:\s+(?:[Nn]o\.?|[Nn]umber))?)\s*)?(?P<pages>{_PAGES}))?"
    r"\s*\.?$"
)
# "London: Springer; 2019." and "Springer, London" (book imprint, Vancouver style)
_IMPRINT = re.compile(r"^(?P<place>[^:;]{2,60}):\s*(?P<publisher>[^:;]{2,120})$")

# Book chapters. APA: "Title. In A. Editor & B. Editor (Eds.), Book title (2nd ed., pp. 1–20).
# Publisher." NLM/Vancouver: "Title. In: Editor A, editor. Book title. 2nd ed. Place: Publisher;
# 2018. p. 45-67." The editors are not authors of the chapter and are not kept.
_APA_CHAPTER = re.compile(
    r"^(?P<title>.+?[.?!])\s+In:?\s+(?:(?P<editors>[^()]+?)\s*\((?:[Ee]ds?|[Ee]ditors?)\.?\),?\s+)?"
    rf"(?P<book>[^()]+?)\s*(?:\((?:[^()]*?)\bpp?\.\s*(?P<pages>{_PAGES})\))?\.\s*"
    r"(?P<publisher>[^.\d]+?)\.?$"  # no digits: "Journal, 12(3), 45-67" is not a publisher
)
_NLM_CHAPTER = re.compile(
    r"^(?P<head>.+?[.?!])\s+In:\s+(?:(?P<editors>[^.]+?),?\s+(?:editors?|eds?)\.\s+)?"
    r"(?P<book>[^.]+(?:\.[^.\d][^.]*?)*?)\.\s+(?:\d+\w*\s+ed\.\s+)?"
    rf"(?:(?P<place>[^.:;]+):\s*)?(?P<publisher>[^.:;]+);\s*(?P<year>{_YEAR})[a-z]?\.?"
    rf"(?:\s*(?:p|pp)\.?\s*(?P<pages>{_PAGES})\.?)?$"
)

_PMID = re.compile(r"\bPMID\s*:?\s*(\d{1,9})\b\.?", re.IGNORECASE)
_PMCID = re.compile(r"\bPMCID\s*:?\s*PMC\d+\b\.?", re.IGNORECASE)
_URL = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)
_NOISE = re.compile(
    r"\[(?:internet|epub ahead of print|published online[^\]]*|cited[^\]]*|accessed[^\]]*)\]"
    r"|\bEpub\s+(?:ahead\s+of\s+print|" + _YEAR + r"(?:\s+" + _MONTH + r")?(?:\s+\d{1,2})?)\.?"
    r"|\b(?:available\s+(?:from|at|online)|retrieved\s+from)\s*:?"
    r"|\baccessed\s*:?\s*(?:on\s+)?[\w ,]{0,30}?\d{4}\.?",
    re.IGNORECASE,
)
_ET_AL = re.compile(r"(?:^|[\s,])et\.?\s*al\.?$", re.IGNORECASE)
_MAX_JOURNAL_CHARS = 200
# a source ("Journal, 12(3), 45-67") is the journal and a few numbers
_MAX_SOURCE_CHARS = _MAX_JOURNAL_CHARS + 100
_BREAK = re.compile(r"(?<=[.?!])\s+")
_NOT_A_BREAK = {"vs", "e.g", "i.e", "cf", "sp", "spp", "approx", "ca", "fig", "no", "dr", "mr",
                "mrs", "ms", "st", "subsp", "var"}
_STOPWORDS = {"of", "the", "and", "in", "for", "on", "de", "des", "du", "der", "und", "la", "le",
              "y", "et", "di", "e", "da", "del", "das", "dos", "&", "a", "an", "to", "with"}
_PARTICLES = {"van", "von", "de", "der", "den", "da", "di", "du", "del", "della", "dos", "das",
              "le", "la", "ter", "ten", "bin", "ibn", "al", "el", "y", "mac", "mc"}


def parse_references(texts: list[str], locations: list[Location] | None = None,
                     first_index: int = 1, input_format: str = "text") -> list[Reference]:
    """Parse a whole reference list (plain strings, one per reference): its style family is
    detected once for the list (:func:`detect_style`), then each string is parsed with it.
    Each string's identifiers are taken off once, for both."""
    prepared = [_prepared(text) for text in texts]
    taken = [_identifiers_taken(text) for text in prepared]
    labelled = [_strip_label(text) for text in prepared]
    # where the label took nothing off, the text without identifiers is the one just taken
    style = _detect_style(labelled, [t[1] if t is not None and text == label_off else None
                                     for t, text, label_off in zip(taken, prepared, labelled,
                                                                   strict=True)])
    locations = locations or [Location() for _ in texts]
    return [parse_citation(text, first_index + n, location, style=style,
                           input_format=input_format, taken=taken[n])
            for n, (text, location) in enumerate(zip(texts, locations, strict=True))]


#: the fields :func:`_take_identifiers` fills
_IDENTIFIER_FIELDS = ("doi", "pmid", "pmcid", "arxiv", "isbn", "url")


def _identifiers_taken(prepared: str) -> tuple[Reference, str] | None:
    """A citation's identifiers (on a scratch reference) and its text without them, as
    :func:`_parse_into` takes them from its :func:`_prepared` text; None when that fails (the
    parse then meets it again and reports it)."""
    scratch = Reference(index=0, raw=prepared)
    try:
        return scratch, _take_identifiers(scratch, prepared)
    except Exception:
        return None


def parse_citation(raw: str, index: int, location: Location,
                   style: str | None = None, input_format: str = "text",
                   taken: tuple[Reference, str] | None = None) -> Reference:
    """Split one cited reference into a :class:`Reference`; never raises.

    Understands Vancouver/AMA (``Authors. Title. Journal Year; Vol(Issue):Pages.``) and
    APA/Harvard (``Author, A. B., & Other, C. (2020). Title. Journal, 12(3), 45–67.``), and book
    chapters in both (``type`` "chapter", the book's title as ``journal``). A single
    page-like locator ("727:150313", "50:e12333") is reported as ``article_number``; a range as
    ``first_page``/``last_page``. The DOI is kept as cleaned even when it is not valid.

    ``style`` is the list's style family (a key of :data:`GRAMMARS`, from :func:`detect_style`):
    the citation is read with that family's grammar first (Nature, Science, IEEE, MLA, Chicago,
    ACS, Elsevier and Springer numbered, APA, Harvard...), and with the general readings when it
    does not fit.

    The reference's provenance is "text" (from ``input_format``), with a confidence per field:
    identifiers found by their own pattern are near-certain, fields of a citation whose whole
    tail matched a known style are likely, and fields read by a looser fallback, or of a
    citation that could not be fully parsed, are doubtful.

    ``taken``: what :func:`_identifiers_taken` gave for ``raw``, when the list's parse already
    took its identifiers off.
    """
    ref = Reference(index=index, raw=raw, location=location,
                    provenance=Provenance("text", input_format))
    try:
        _parse_into(ref, raw, style, taken)
    except Exception as exc:  # the parser must never take the run down with it
        ref.parse_error = f"The citation could not be parsed ({type(exc).__name__}: {exc})."
    _settle_confidence(ref)
    return ref


_IDENTIFIER_CONFIDENCE = 0.95
_LIKELY = 0.8
_STYLED = 0.9  # a field the list's style grammar delimits on both sides
_DOUBTFUL = 0.5


def _settle_confidence(ref: Reference) -> None:
    """Give every filled field a confidence: what the parse steps set, else a default."""
    confidence = ref.provenance.confidence
    filled = {"title": ref.title, "authors": ref.authors, "year": ref.year,
              "journal": ref.journal or ref.publisher, "volume": ref.volume, "issue": ref.issue,
              "pages": ref.pages, "doi": ref.doi, "pmid": ref.pmid}
    for name, value in filled.items():
        if not value:
            confidence.pop(name, None)
            continue
        default = _IDENTIFIER_CONFIDENCE if name in ("doi", "pmid") else _LIKELY
        confidence.setdefault(name, default)
        if ref.parse_error and name not in ("doi", "pmid"):
            confidence[name] = min(confidence[name], _DOUBTFUL)


def _doubt(ref: Reference, *fields: str) -> None:
    """Mark fields read by a fallback step as doubtful."""
    for name in fields:
        ref.provenance.confidence[name] = _DOUBTFUL


# a generational suffix set off by a comma ("Raimundo, Jr. IM", "Raimundo, Jr., I. M.", as styles
# render a record whose family name is "Raimundo, Jr.") stays with its name
_SUFFIX_COMMA = re.compile(r",\s+(Jr|Sr|Jnr|Snr)\.?(?=[\s,;])")


def _prepared(raw: str) -> str:
    """A citation's text as the grammars read it: white space collapsed, suffixes joined to
    their names."""
    return _SUFFIX_COMMA.sub(r" \1", " ".join(raw.split()))


def _parse_into(ref: Reference, raw: str, style: str | None,
                taken: tuple[Reference, str] | None = None) -> None:
    if taken is None:
        body = _take_identifiers(ref, _prepared(raw))
    else:
        scratch, body = taken
        for name in _IDENTIFIER_FIELDS:
            setattr(ref, name, getattr(scratch, name))
    if not body:
        ref.parse_error = ("The citation has no text besides its identifiers: no authors, title "
                           "or journal could be found.")
        return
    if style and style != "vancouver" and parse_styled(ref, _strip_label(body), style):
        return
    if not _parse_author_date(ref, body) and not _parse_nlm_chapter(ref, body):
        _parse_vancouver(ref, body)
    if style and style != "vancouver":
        # the list is written in another style and this citation does not follow it: what the
        # general readings found may be misplaced
        _doubt(ref, "title", "authors", "journal", "year", "volume", "issue", "pages")
    missing = []
    if not ref.title and not (ref.journal and ref.volume and (ref.first_page
                                                            or ref.article_number)):
        missing.append("the title")  # a full source without a title is AAS style, not a miss
    if not any((ref.year, ref.journal, ref.publisher, ref.doi, ref.url, ref.pmid)):
        missing.append("a journal or year")
    if missing and ref.parse_error is None:
        ref.parse_error = f"Could not find {' or '.join(missing)} in this citation."


_DOI_LABEL_AT_END = re.compile(r"(?:\bdoi\s*:?|\bavailable\s+(?:from|at)\s*:?)\s*$",
                               re.IGNORECASE)
_SPACE_BEFORE_STOP = re.compile(r"\s+([.,;:])")


def _take_identifiers(ref: Reference, text: str) -> str:
    """Fill doi, pmid and url from ``text`` and return the text without them."""
    doi, written = find_doi(text)
    if doi and written:
        ref.doi = doi
        start = text.find(written)
        before = _DOI_LABEL_AT_END.sub("", text[:start])
        text = before + " " + text[start + len(written):]
    pmid = _PMID.search(text)
    if pmid:
        ref.pmid = pmid.group(1)
        text = _PMID.sub(" ", text)
    pmcid = _PMCID.search(text)
    if pmcid:
        ref.pmcid = re.sub(r"^PMCID\s*:?\s*", "", pmcid.group(0), flags=re.IGNORECASE).rstrip(".")
        text = _PMCID.sub(" ", text)
    ref.arxiv = find_arxiv(text)
    isbn = FIND_ISBN.search(text)
    if isbn:
        ref.isbn = find_isbn(isbn.group(0))
        text = text[:isbn.start()] + " " + text[isbn.end():]
    url = _URL.search(text)
    if url:
        ref.url = url.group(0).rstrip(".,;)")
        text = _URL.sub(" ", text)
    text = _NOISE.sub(" ", text)
    text = _SPACE_BEFORE_STOP.sub(r"\1", " ".join(text.split()))
    return _collapse_closing_stops(text).strip(" ,;")


def _collapse_closing_stops(text: str) -> str:
    """Two or more closing stops ("., ." or "..") become one full stop. Done by stripping, not
    by a pattern anchored at the end, which retries at every stop of a long run of them."""
    body = text.rstrip(".,; ")
    closing = text[len(body):].lstrip(" ")
    if sum(closing.count(c) for c in ".,;") < 2:
        return text
    return text[: len(text) - len(closing)] + "."


# --- Vancouver / AMA -----------------------------------------------------------------------------


def _parse_vancouver(ref: Reference, body: str) -> None:
    tail = _VANCOUVER_TAIL.search(body)
    if tail:
        head = body[: tail.start()]
        _take_source_numbers(ref, tail.group("volume"), tail.group("issue"),
                             tail.group("pages") or tail.group("pages_only"))
        ref.year = int(tail.group("year"))
    else:
        loose = next(reversed(list(_LOOSE_TAIL.finditer(body))), None)
        if loose is not None:
            head = body[: loose.start()]
            ref.year = int(loose.group("year"))
            _take_source_numbers(ref, loose.group("volume"), loose.group("issue"),
                                 loose.group("pages"))
            _doubt(ref, "year", "volume", "issue", "pages", "journal")
        else:
            head = body
    head = head.strip().rstrip(".,;: ").strip()
    authors, et_al, rest = _split_authors(head)
    ref.authors, ref.et_al = [cited_author(n) for n in authors], et_al
    title, source = _split_title_source(rest)
    ref.title = title or None
    if source:
        imprint = _IMPRINT.match(source)
        if imprint and not (ref.volume or ref.first_page or ref.article_number):
            ref.publisher = imprint.group("publisher").strip()
            ref.type = "book"
        else:
            ref.journal = source
    elif ref.volume and ref.title:
        ref.parse_error = ("Could not tell the title from the journal name: no full stop "
                           "separates them.")


def _parse_nlm_chapter(ref: Reference, body: str) -> bool:
    """``Authors. Chapter title. In: Editors, editors. Book. Place: Publisher; Year. p. 1-9.``"""
    chapter = _NLM_CHAPTER.match(body) if "In:" in body else None  # the pattern holds "In:"
    if chapter is None:
        return False
    authors, et_al, title = _split_authors(chapter.group("head").strip().rstrip("."))
    if not title:
        return False
    ref.authors, ref.et_al = [cited_author(n) for n in authors], et_al
    _fill_chapter(ref, _segment_end(title), chapter.group("book"), chapter.group("publisher"),
                  chapter.group("pages"))
    ref.year = int(chapter.group("year"))
    return True


def _fill_chapter(ref: Reference, title: str, book: str, publisher: str | None,
                  pages: str | None) -> None:
    ref.type = "chapter"
    ref.title = title.strip() or None
    ref.journal = book.strip(" ,.") or None  # the container: the book's title
    ref.publisher = publisher.strip(" ,.") if publisher else None
    _take_source_numbers(ref, None, None, pages)


def _take_source_numbers(ref: Reference, volume: str | None, issue: str | None,
                         pages: str | None) -> None:
    ref.volume = volume.strip() if volume else None
    ref.issue = issue.strip() if issue and issue.strip() else None
    if pages:
        first, last = split_pages(pages)
        if last:
            ref.first_page, ref.last_page = first, last
        elif first:
            ref.article_number = first


_INITIAL = re.compile(r"[^\W\d_]\.")


def _breaks(text: str) -> list[int]:
    """Offsets where a new dot-separated segment starts, skipping "vs.", "e.g." and initials."""
    out = []
    for match in _BREAK.finditer(text):
        token = text[text.rfind(" ", 0, match.start()) + 1: match.start() - 1]
        # "ca.", "Dr." and "No." do not end a segment, but the initials "CA", "DR" and "MS" do.
        if token.casefold().rstrip(".") in _NOT_A_BREAK and not token.isupper():
            continue
        # "J. A. Smith": an initial followed by another initial is not the end of a segment.
        if len(token) == 1 and token.isupper() and _INITIAL.match(text, match.end()):
            continue
        out.append(match.end())
    return out


def _segment_end(text: str) -> str:
    """A segment without its closing full stop ("time?." keeps its question mark)."""
    text = text.strip()
    if text.endswith("."):
        text = text[:-1].rstrip()
    return text


def _split_authors(head: str) -> tuple[list[str], bool, str]:
    """Take the author list off the front of a Vancouver citation.

    Returns ``(authors, et_al, rest)``. The author list ends at the first full stop that is
    followed by something that is not a name list, or at the first comma-separated part that is
    not a name (a missing full stop before the title).
    """
    breaks = _breaks(head)
    first_end = breaks[0] if breaks else len(head)
    segment = _segment_end(head[:first_end])
    names, et_al, title_at = _names_in_segment(segment)
    if not names and not et_al:
        return [], False, head
    if title_at is not None:
        return names, et_al, head[title_at:]
    if len(names) == 1 and not _is_strict_name(names[0]) and len(breaks) < 2:
        return [], False, head  # one short capitalised phrase is more likely a title
    consumed = first_end
    # Later segments that are themselves name lists belong to the authors, as long as a title
    # and a journal still follow them.
    while not et_al:
        rest_breaks = [b for b in breaks if b > consumed]
        if len(rest_breaks) < 2:
            break
        candidate = _segment_end(head[consumed: rest_breaks[0]])
        if head[rest_breaks[0]:][:1].islower():
            break  # "Intracranial V. cholerae sialidase": a species in the title, not a name
        more, more_et_al, more_title = _names_in_segment(candidate)
        if not more or more_title is not None or not all(_is_strict_name(n) for n in more):
            break
        names += more
        et_al = more_et_al
        consumed = rest_breaks[0]
    return names, et_al, head[consumed:].strip()


_NAME_PARTS = re.compile(r"[^,;]+")
_LEADING_AND = re.compile(r"^(?:and|&)\s+")


def _names_in_segment(segment: str) -> tuple[list[str], bool, int | None]:
    """Names in one comma-separated segment, whether it ends in et al., and where a title starts.

    ``title_at`` is the offset of the first part that is not a name, when names came before it.
    A segment whose parts are not names at all gives no names.
    """
    names: list[str] = []
    et_al = False
    for part in _NAME_PARTS.finditer(segment):
        text = _LEADING_AND.sub("", part.group(0).strip())
        if not text:
            continue
        if _ET_AL.search(text):
            et_al = True
            text = _ET_AL.sub("", text).strip()
            if text:
                names.append(text)
            break
        if _is_loose_name(text):
            names.append(text)
            continue
        if names and any(_is_strict_name(n) for n in names):
            return names, et_al, part.start() + len(part.group(0)) - len(part.group(0).lstrip())
        return [], False, None
    if len(names) > 1 and not any(_is_strict_name(n) for n in names):
        return [], False, None
    return names, et_al, None


def _is_loose_name(text: str) -> bool:
    """A short run of capitalised words: a person as cited, or a group author."""
    words = text.split()
    if not words or len(words) > 5 or len(text) > 60 or ":" in text:
        return False
    if any(map(str.isdigit, text)):
        return False
    return all(w[0].isupper() or w.casefold() in _PARTICLES for w in words)


def _is_strict_name(text: str) -> bool:
    """A Vancouver name: family name(s) then one token of initials ("Garcia Lopez MA")."""
    words = text.split()
    return (len(words) >= 2 and _is_loose_name(text) and is_initials(words[-1])
            and not all(is_initials(w) for w in words[:-1]))


def _split_title_source(rest: str) -> tuple[str, str]:
    """Split "Title. Journal" at the first full stop that leaves a journal-like name after it."""
    breaks = _breaks(rest)
    if not breaks:
        return _segment_end(rest), ""
    chosen = breaks[-1]
    for offset in breaks:
        if len(rest) - offset <= _MAX_JOURNAL_CHARS and _looks_like_journal(rest[offset:]):
            chosen = offset
            break
    return _segment_end(rest[:chosen]), rest[chosen:].strip().rstrip(".,;: ")


def _looks_like_journal(text: str) -> bool:
    """A journal name is short, mostly capitalised or abbreviated, and any full stops inside it
    end single abbreviated words ("Indones. J Biotechnol", "Proc. Natl. Acad. Sci")."""
    text = text.strip().rstrip(".,;: ")
    words = text.split()
    if not words or len(words) > 12 or not _stops_end_abbreviations(text):
        return False
    lowercase = [w for w in words if w[0].islower() and not w.endswith(".")
                 and w.casefold() not in _STOPWORDS]
    return len(lowercase) <= 1


def _stops_end_abbreviations(text: str) -> bool:
    """Whether every full stop inside ``text`` ends a single abbreviated word, as in a journal
    name ("Proc. Natl. Acad. Sci"), rather than a sentence ("In vivo evidence. Journal")."""
    return all(len(p.split()) == 1 for p in _BREAK.split(text.strip())[:-1])


# --- APA / Harvard -------------------------------------------------------------------------------


def _parse_author_date(ref: Reference, body: str) -> bool:
    """Parse ``Authors (Year). Title. Source`` or Harvard ``Authors, Year. Title. Source``."""
    year_match = _AUTHOR_DATE_YEAR.search(body)
    if year_match and year_match.start() > 0:
        names = _author_date_names(body[: year_match.start()])
        if names is not None:
            rest = body[year_match.end():].lstrip(" .,:")
            year = year_match.group("year")
            _fill_author_date(ref, names, int(year) if year else None, rest)
            return True
    harvard = _HARVARD_YEAR.match(body) if _HARVARD_HINT.search(body) else None
    if harvard:
        names = _author_date_names(harvard.group("authors"))
        if names is not None:
            year, rest = int(harvard.group("year")), harvard.group("rest")
            # AAS/astronomy: "Smith, J. 2001, ApJ, 500, L1" prints no title at all
            if not (harvard.group("sep") == "," and _fill_titleless(ref, names, year, rest)):
                _fill_author_date(ref, names, year, rest)
            return True
    return False


def _fill_titleless(ref: Reference, names: tuple[list[str], bool], year: int,
                    rest: str) -> bool:
    """Fill a citation whose whole text after "Authors Year," is a source ("Astrophysical
    Journal, 500, L1"): it has no title, so the title stays unknown (None) rather than the
    journal being read as one. False, with ``ref`` untouched, when ``rest`` is not only that."""
    match = _SOURCE.match(rest.strip())
    if match is None or not match.group("pages") or "," not in rest:
        return False
    journal = match.group("journal").strip(" ,.")
    if not (_looks_like_journal(journal) and _journal_like(journal)):
        return False
    ref.authors, ref.et_al = [cited_author(n) for n in names[0]], names[1]
    ref.year = year
    ref.journal = journal
    _take_source_numbers(ref, match.group("volume"), match.group("issue"), match.group("pages"))
    return True


def _fill_author_date(ref: Reference, names: tuple[list[str], bool], year: int | None,
                      rest: str) -> None:
    ref.authors, ref.et_al = [cited_author(n) for n in names[0]], names[1]
    ref.year = year
    chapter = _APA_CHAPTER.match(rest.strip())
    if chapter:
        _fill_chapter(ref, _segment_end(chapter.group("title")), chapter.group("book"),
                      chapter.group("publisher"), chapter.group("pages"))
        return
    title, source = _split_author_date_title(rest)
    ref.title = title or None
    if not source:
        return
    match = _SOURCE.match(source)
    if match:
        ref.journal = match.group("journal").strip(" ,.")
        _take_source_numbers(ref, match.group("volume"), match.group("issue"),
                             match.group("pages"))
    elif any(c.isdigit() for c in source):
        ref.journal = source
        _doubt(ref, "journal")
    else:
        ref.publisher = source


def _split_author_date_title(rest: str) -> tuple[str, str]:
    rest = rest.strip()
    quoted = re.match(r"^['\"\u2018\u201c](?P<title>.+?)[,.]?['\"\u2019\u201d][,.]?\s*(?P<src>.*)$",
                      rest)
    if quoted:
        source = re.sub(r"^In:?\s+", "", quoted.group("src")).strip().rstrip(".")
        return quoted.group("title").strip(), source
    for offset in _breaks(rest):
        if len(rest) - offset <= _MAX_SOURCE_CHARS:
            numbered = _SOURCE.match(rest[offset:].strip().rstrip("."))
            if numbered and _stops_end_abbreviations(numbered.group("journal")):
                return _segment_end(rest[:offset]), rest[offset:].strip().rstrip(".")
        # only the text up to the next comma is looked at: a long tail is never copied per break
        comma = rest.find(",", offset, offset + _MAX_SOURCE_CHARS + 1)
        if comma != -1 or len(rest) - offset <= _MAX_SOURCE_CHARS:
            if _looks_like_journal(rest[offset: comma if comma != -1 else len(rest)]):
                return _segment_end(rest[:offset]), rest[offset:].strip().rstrip(".")
    return _segment_end(rest), ""


def _author_date_names(text: str) -> tuple[list[str], bool] | None:
    """Names before the year in APA/Harvard ("Keller, P., Ortiz, L., & Brandt, S."), or None."""
    text = text.strip().rstrip(",")
    et_al = False
    if _ET_AL.search(text):
        et_al = True
        text = _ET_AL.sub("", text).strip().rstrip(",")
    text = re.sub(r"\s*,?\s*(?:&|\band\b)\s+", ", ", text)
    parts = [p.strip() for p in text.split(",") if p.strip()]
    if not parts:
        return None
    names: list[str] = []
    i = 0
    while i < len(parts):
        part = parts[i]
        if _is_strict_name(part) or _is_given_first(part):
            names.append(part)
            i += 1
        elif (i + 1 < len(parts) and _is_loose_name(part) and len(part.split()) <= 3
              and _is_given_part(parts[i + 1])):
            names.append(f"{part}, {parts[i + 1]}")
            i += 2
        elif len(parts) == 1 and _is_loose_name(part):
            names.append(part)  # a group author
            i += 1
        else:
            return None
    return names, et_al


def _is_given_part(text: str) -> bool:
    """Given names after a comma: "X.", "A. B.", "J.-P.", "Xiaoli"."""
    words = text.split()
    return 0 < len(words) <= 3 and all(
        is_initials(w) or (w[0].isupper() and w[1:].islower() and w.isalpha()) for w in words
    )


def _is_given_first(text: str) -> bool:
    """A name with initials first: "J. A. Smith", "X. Guo"."""
    words = text.split()
    return (len(words) >= 2 and _is_loose_name(text) and not is_initials(words[-1])
            and all(is_initials(w) and "." in w for w in words[:-1]))


# --- styled lists: one grammar per style family, detected once per list -------------------------

_LETTER = r"[^\W\d_]"
_UPPER = r"(?:[A-Z\u00c0-\u00d6\u00d8-\u00de\u0100-\u017f\u0391-\u03a9\u0400-\u042f])"
_HYPHEN = r"\-\u2010\u2011"  # the ASCII hyphen and Unicode's ("Farhang‐Sardroodi", as Wiley writes)
_INITIALS = rf"(?:{_UPPER}[a-z]?\.(?:\s?[{_HYPHEN}]?\s?{_UPPER}[a-z]?\.)*)"
_SURNAME = (rf"(?:(?:{'|'.join(sorted(_PARTICLES))}|d'|O')\s?)*"
            rf"{_UPPER}[\w'\u2019{_HYPHEN}]*(?:[\s{_HYPHEN}](?:{_UPPER}[\w'\u2019{_HYPHEN}]+"
            rf"|(?:{'|'.join(sorted(_PARTICLES))})))"
            r"{0,3}")
_GIVEN_WORD = rf"{_UPPER}[\w\u2019'{_HYPHEN}]+"
_AND = r"(?:,\s*(?:and\s+|&\s*)?|;\s*(?:and\s+|&\s*)?|\s+and\s+|\s*&\s*)"
_ETAL = r"(?:,?\s+et\s+al\.?)"
# "Li, J., Jing, Y. & Liu, Y." / "Li, J.; Jing, Y.": family name, comma, initials
_NICKNAME = r"(?:\s*\([^()]{1,20}\)\.?)?"  # "Yu, X. (Bill)"
_INVERTED = rf"{_SURNAME},\s*{_INITIALS}{_NICKNAME}(?:,?\s*(?:Jr|Sr|II|III|IV)\b\.?)?"
# "H. S. Frank, L. Qi and T. Wang": initials, family name
_GIVEN_FIRST = rf"{_INITIALS}\s?{_SURNAME}(?:,?\s*(?:Jr|Sr|II|III|IV)\b\.?)?"
# MLA and Chicago: "Frank, Henry S., and Lei Qi" / "Li, J., Y. Jing, Y. Liu, et al."
_FIRST_INVERTED = (rf"{_SURNAME},\s*(?:{_INITIALS}"
                   rf"|{_GIVEN_WORD}(?:\s+(?:{_INITIALS}|{_GIVEN_WORD}))?)")
# Vancouver/AMA and Springer: "Frank HS, Qi L"
_COMPACT = rf"{_SURNAME}\s{_UPPER}(?:-?{_UPPER}){{0,3}}(?:\s(?:Jr|Sr|II|III|IV)\b)?"
_NAME_LISTS = {
    "compact": re.compile(rf"^(?P<names>{_COMPACT}(?:,\s*{_COMPACT})*{_ETAL}?)"),
    "inverted": re.compile(rf"^(?P<names>{_INVERTED}(?:{_AND}{_INVERTED})*{_ETAL}?)"),
    "given-first": re.compile(rf"^(?P<names>{_GIVEN_FIRST}(?:{_AND}{_GIVEN_FIRST})*{_ETAL}?)"),
    "first-inverted": re.compile(
        rf"^(?P<names>{_FIRST_INVERTED}(?:{_AND}(?:{_GIVEN_FIRST}|{_GIVEN_WORD}(?:\s+{_INITIALS})?"
        rf"\s+{_SURNAME}))*{_ETAL}?)"),
}

_V = (r"(?P<volume>(?:[A-Za-z]{0,4}\d+[A-Za-z]?|[IVXLC]{1,8})"  # 12, A12, or XXVIII
      r"(?:\s+Suppl\.?(?:\s*\d+)?)?)")
_I = r"(?P<issue>[^()]{1,24})"
_NO = r"(?P<issue>[\w/\u2013-]{1,12})"  # after "no."
# a page range; a locator with a lettered part ("2165-a-2166") that is no range to read but
# still ends the journal
_P = (rf"(?P<pages>{_PAGES}|\d+[{_DASH}][a-z](?:[{_DASH}]\d+[a-z]?)?"
      rf"|\d+(?=[{_DASH}]))[{_DASH}]?")  # an open range ("107-") gives its first page
_Y = rf"(?P<year>{_YEAR})[a-z]?"
_MONTH_DAY = rf"{_MONTH}(?:\s*[{_DASH}/]\s*{_MONTH})?(?:\s+\d{{1,2}},?)?"
_MON = rf"(?:{_MONTH_DAY}\s+)"  # a month (and day) before a year
#: What follows the journal in each style family (the year is elsewhere for author-date styles).
#: ``title``: how the title is set off ("quoted", "stop": a full stop, "comma": a comma);
#: ``year``: where the year stands ("tail": in the pattern, "after-authors": author-date).
GRAMMARS: dict[str, dict[str, str]] = {
    "vancouver": {"tail": rf"\.?\s+{_Y}(?:\s+{_MONTH_DAY})?"
                          rf"\s*;\s*{_V}?(?:\s*\({_I}\))?(?:\s*:\s*{_P})?",
                  "title": "stop", "year": "tail"},
    "nature": {"tail": rf",?\s+{_V}(?:\s*\({_I}\))?,\s*{_P}\s*\({_MON}?{_Y}\)",
               "title": "stop", "year": "tail"},
    "elsevier-numbered": {"tail": rf",?\s+{_V}(?:\s*\({_I}\))?\s*\({_MON}?{_Y}\)\s*{_P}",
                          "title": "comma", "year": "tail"},
    "acs": {"tail": rf",?\s+{_Y},\s*{_V}(?:\s*\({_I}\))?,\s*{_P}", "title": "stop",
            "year": "tail"},
    "ieee": {"tail": rf",\s*vol\.\s*{_V}(?:,\s*nos?\.\s*{_NO})?"
                     rf"(?:,\s*(?:pp?\.|[Aa]rt\.\s*no\.)\s*{_P})?,\s*{_MON}?{_Y}",
             "title": "quoted", "year": "tail"},
    "mla": {"tail": rf",\s*(?:vol\.\s*)?{_V}(?:,\s*nos?\.\s*{_NO})?,\s*{_MON}?{_Y}"
                    rf"(?:,\s*pp?\.\s*{_P})?", "title": "quoted", "year": "tail"},
    "chicago-notes": {"tail": rf",?\s+{_V}(?:,\s*nos?\.\s*{_NO})?\s*\({_MON}?{_Y}\)(?::\s*{_P})?",
                      "title": "quoted", "year": "tail"},
    "apa": {"tail": rf",\s*{_V}(?:\s*\({_I}\))?(?:,\s*(?:[Aa]rticle\s+|pp?\.\s*)?{_P})?",
            "title": "stop", "year": "after-authors"},
    "chicago-author-date": {"tail": rf",?\s+{_V}(?:\s*\({_I}\))?(?::\s+{_P})?",
                            "title": "stop", "year": "after-authors"},
    "harvard": {"tail": rf",?\s+{_V}(?:\s*\({_I}\))?,\s*{_P}", "title": "stop",
                "year": "after-authors"},
    "springer": {"tail": rf",?\s+{_V}(?:\s*\({_I}\))?:\s*{_P}", "title": "stop",
                 "year": "after-authors"},
}
# Neither pattern starts a match inside a run of white space, only at its first character:
# a match from inside the run is also one from its start, and trying every position of a long
# run (each consuming the rest of it) is quadratic. For the same reason a tail ends in
# "\s*(?:[.,;]\s*)?$", not "\s*[.,;]?\s*$", which splits a run two ways in every way it can.
_NOT_IN_SPACE_RUN = r"(?!(?<=\s)\s)"
_TAILS = {name: re.compile(rf"{_NOT_IN_SPACE_RUN}(?P<tail>{g['tail']})\s*(?:[.,;]\s*)?$")
          for name, g in GRAMMARS.items()}
_YEAR_AFTER_AUTHORS = re.compile(
    rf"^(?P<authors>.+?){_NOT_IN_SPACE_RUN}(?:\s*\(\s*{_Y}(?:,[^()]*)?\s*\)\.?"
    rf"|,?\s+{_Y.replace('<year>', '<year2>')}\.)\s+(?P<rest>.+)$")
_MONTH_ONLY = re.compile(rf"^{_MONTH}$", re.IGNORECASE)
# a title in quotes: the closing quote is the partner of the opening one, and comes before the
# punctuation that ends the title ("Title," / "Title". / 'Title')
_QUOTED_TITLE = re.compile(
    r"(?:\u201c(?P<curly>.{3,}?)[,.]?\u201d|\"(?P<straight>[^\"]{3,}?)[,.]?\""
    r"|\u2018(?P<single>.{3,}?)[,.]?\u2019)(?=[,.:;]|\s|$)[,.]?\s*")


def detect_style(texts: list[str]) -> str | None:
    """The style family most of a list's references follow (a key of :data:`GRAMMARS`), or None.

    A list is written in one style, so the family is chosen once for the whole list: the
    grammar whose pattern reads the most references (at least half of them, and at least two).
    """
    return _detect_style([_strip_label(_prepared(t)) for t in texts])


def _detect_style(labelled: list[str], taken: list[str | None] | None = None) -> str | None:
    """:func:`detect_style` of the citations' texts without their labels (``labelled``);
    ``taken``, when given, holds each one's text without its identifiers where that is known
    already (None where not). A grammar is tried on the citations only until it can no longer
    read enough of them to be chosen."""
    known = taken or [None] * len(labelled)
    bodies: list[str] = []
    for text, body in zip(labelled, known, strict=True):
        if text:
            bodies.append(_body_without_identifiers(text) if body is None else body)
    needed = max(2, -(-len(bodies) // 2))  # at least two, and at least half of the list
    counts: dict[str, int] = {}
    for name in GRAMMARS:
        # to be chosen, a grammar must reach the bar and read more citations than every
        # grammar before it (the first of equals is chosen)
        bar = max(needed, max(counts.values(), default=0) + 1)
        count = 0
        for n, body in enumerate(bodies):
            if count + len(bodies) - n < bar:
                break  # too few left to reach the bar: this grammar cannot be chosen
            count += _styled_split(body, name) is not None
        counts[name] = count
    best = max(counts, key=lambda name: counts[name], default=None)
    if best is None or counts[best] < needed:
        return None
    return best


_LABEL = re.compile(r"^\s*(?:\[\d{1,5}\]|\(\d{1,5}\)|\d{1,3}\.(?=\s))\s*")


def _strip_label(text: str) -> str:
    return _LABEL.sub("", text)


def _body_without_identifiers(text: str) -> str:
    return _take_identifiers(Reference(index=0, raw=text), text)


def _styled_split(body: str, style: str) -> dict[str, str | None] | None:
    """The fields of ``body`` read with one family's grammar, or None when it does not fit.

    Returns authors text, title, journal and the locator's values; every value is what is
    written (no guessing): a part that cannot be told apart is None.
    """
    grammar = GRAMMARS[style]
    tail = _TAILS[style].search(body)
    if tail is None:
        return None
    front = body[: tail.start()].strip()
    fields: dict[str, str | None] = {k: tail.groupdict().get(k)
                                     for k in ("volume", "issue", "pages", "year")}
    if grammar["year"] == "after-authors":
        dated = _YEAR_AFTER_AUTHORS.match(front)
        if dated is None:
            return None
        fields["year"] = dated.group("year") or dated.group("year2")
        authors, rest = dated.group("authors").strip(), dated.group("rest").strip()
        names = _name_list_prefix(authors + " ")
        if (names is None or names[1].strip(" .,")) and not _loose_names(authors):
            return None
    else:
        names = _name_list_prefix(front)
        opening = re.search("[\u201c\"]", front)
        if names is None and opening and _loose_names(front[: opening.start()]):
            # a quoted title ends the author list, whatever form the names take
            names = (front[: opening.start()].rstrip(" ,.:"), front[opening.start():])
        if names is None:
            return None
        authors, rest = names[0], names[1]
    rest = rest.strip().lstrip(".,:; ").strip()
    quoted = _QUOTED_TITLE.match(rest)
    title: str | None
    journal: str | None
    if quoted:
        title, journal = _quoted_title(rest)
    elif grammar["title"] == "quoted":
        return None
    elif grammar["title"] == "comma":
        title, _, journal = rest.rpartition(", ")
        if not title:
            return None
    else:
        title, journal = _title_and_journal(rest)
    if not title or not journal or not _journal_like(journal):
        return None
    issue = fields.get("issue")
    if issue and _MONTH_ONLY.match(issue.strip()):
        fields["issue"] = None  # "(October)" is the month of issue, not an issue number
    fields.update(authors=authors, title=_segment_end(title.strip()),
                  quoted="quoted" if quoted else None,
                  journal=journal.strip(" ,.;:"))
    return fields


def _title_and_journal(text: str) -> tuple[str | None, str | None]:
    """Split "Title. Journal" at the first full stop after which only a journal name follows."""
    for offset in _breaks(text):
        if _journal_like(text[offset:]):
            return text[:offset], text[offset:]
    return None, None


def _quoted_title(text: str) -> tuple[str, str | None]:
    """Title and journal of ``text`` that opens with a quoted title. The title ends at the
    first closing quote after which only a journal name follows, so that quotes inside the
    title ("... Group "Urban Water" of the University") stay in it."""
    close = {"\u201c": "\u201d", '"': '"', "\u2018": "\u2019"}[text[0]]
    ends = [m.start() for m in re.finditer(re.escape(close), text) if m.start() > 3]
    chosen = ends[0]
    for end in ends:
        after = re.sub(r"^[,.]?\s*(?:In:?\s+)?", "", text[end + 1:]).strip(" ,.")
        if after and _journal_like(after) and not re.search("[\u201c\u201d\"]", after):
            chosen = end
            break
    journal = re.sub(r"^[,.]?\s*(?:In:?\s+)?", "", text[chosen + 1:]).strip(" ,.")
    return text[1:chosen].strip().rstrip(",."), journal or None


def _loose_names(text: str) -> bool:
    """Text that can only be an author list where the style puts one: no digits, a few words
    per name ("Zheng, Y. xin ., & Zhan, H. S.", "Working Group on Widgets")."""
    text = text.strip(" ,.")
    return bool(text) and not any(c.isdigit() for c in text) and len(text.split()) <= 8 * (
        1 + text.count(",") + text.count(";"))


def _journal_like(text: str) -> bool:
    """A journal name: short, not a sentence; a full stop inside it ends an abbreviated word
    ("Value Health Reg. Issues", "J. Electron. Imag."), not a sentence ("... Ecology. J")."""
    text = text.strip(" ,.;:")
    words = text.split()
    if not words or len(words) > 20 or re.search(r"\d{4}|[?!]", text):
        return False
    for part in _BREAK.split(text)[:-1]:
        last = part.split()[-1].rstrip(".") if part.split() else ""
        if len(part.split()) > 1 and not _abbreviated(last):
            return False
    return True


def _abbreviated(word: str) -> bool:
    """A word as ISO 4 abbreviates it: capitalised, short, cut before a vowel ("Reg", "Natl")."""
    return (word[:1].isupper() and len(word) <= 5 and word[-1:].isalpha()
            and word[-1].casefold() not in "aeiouy")


def _name_list_prefix(text: str) -> tuple[str, str] | None:
    """``(authors, rest)``: the longest author list of any form at the start of ``text``."""
    best: tuple[str, str] | None = None
    for pattern in _NAME_LISTS.values():
        match = pattern.match(text)
        if match is None:
            continue
        end = match.end("names")
        after = text[end:]
        # the list must end at a separator before the title: ". ", ", ", ": ", a quote, or a
        # space after an initial's full stop ("Li, J. & Liu, Y. Large deletions")
        if after and not (re.match(r"^\.?[,.]\s|^\.$|^\s*[\u201c\"(]", after)
                          or (after[:1].isspace() and text[end - 1] == ".")):
            continue
        if best is None or end > len(best[0]):
            best = (text[:end], after)
    return best


def split_names(authors: str) -> tuple[list[str], bool]:
    """The names of an author list as written, and whether it ends in "et al."."""
    et_al = bool(re.search(rf"{_ETAL}\s*$", authors))
    text = re.sub(rf"{_ETAL}\s*$", "", authors).strip(" ,")
    if re.search(r"\w{2,}\.$", text) and not re.search(r"\b(?:Jr|Sr)\.$", text):
        text = text[:-1]  # the full stop that ends the list, not an initial's
    names: list[str] = []
    for pattern in (_INVERTED, _GIVEN_FIRST, _COMPACT, _FIRST_INVERTED):
        whole = re.fullmatch(rf"{pattern}(?:{_AND}{pattern})*", text)
        if whole:
            names = [m.group("n") for m in re.finditer(rf"(?:^|{_AND})(?P<n>{pattern})", text)]
            break
    first = None if names else re.match(_FIRST_INVERTED, text)
    if first is not None:  # MLA/Chicago: only the first name is inverted
        rest = re.sub(r"^(?:and\s+|&\s*)", "", text[first.end():].strip(" ,"))
        later = [n.strip() for n in re.split(rf"{_AND}", rest) if n.strip()]
        if all(re.search(rf"\S\s+{_UPPER}[^\W\d_]", n) for n in later):  # "Ann Lee"
            names = [first.group(0), *later]
    if not names:
        names = []
        for part in re.split(r"\s*(?:[;,&]|\band\b)\s*", text):
            part = part.strip()
            if not part:
                continue
            if names and not re.search(rf"{_UPPER}[^\W\d_]", part):
                names[-1] += f", {part}"  # initials only ("Z. B.", "Y. xin ."): a given name
            else:
                names.append(part)
    return names, et_al


def parse_styled(ref: Reference, body: str, style: str) -> bool:
    """Fill ``ref`` from ``body`` read with the list's style family; False when it does not fit.

    White space is collapsed first, as :func:`parse_citation` does: the name-list patterns
    assume single spaces, and a long run would make them try every position of it."""
    fields = _styled_split(" ".join(body.split()), style)
    if fields is None:
        return False
    names, ref.et_al = split_names(fields["authors"] or "")
    ref.authors = [cited_author(n) for n in names]
    ref.title = fields["title"]
    ref.journal = fields["journal"]
    year = fields.get("year")
    ref.year = int(year) if year else None
    # the locator matched the style's pattern whole, and a quoted title has its own delimiters
    for name in ("year", "volume", "issue", "pages") + (("title",) if fields["quoted"] else ()):
        ref.provenance.confidence[name] = _STYLED
    _take_source_numbers(ref, fields.get("volume"), fields.get("issue"), fields.get("pages"))
    return True
