"""Where the manuscript's text cites each reference: the heading path of the citing section.

Readers of formats with a body (JATS, LaTeX, Markdown, and plain text whose numbered
references the text cites in brackets) record, for every reference the text cites, the sections
that cite it (``Reference.cited_in``) and the sentence that does. The off-topic check uses it: a
work cited only in the methods is cited for how the work was done, and a method, a program or a
statistical test may come from any field.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Sequence

from citelint.models import CitingSection, Reference

# Headings of sections that describe how the work was done.
METHODS_HEADING = re.compile(
    r"\b(methods?|methodology|materials?|experimental\s+(procedures?|section|design|setup)|"
    r"statistical\s+(analys[ie]s|models?|tests?|procedures?)|statistics|"
    r"data\s+analys[ie]s|software|implementation|"
    r"(data|code)(\s+and\s+(data|code))?\s+availability|protocols?)\b",
    re.IGNORECASE)


def is_methods_heading(heading: str) -> bool:
    """Whether a section heading names a methods section ("Materials and methods", "Statistical
    analysis", "Software", "Data availability"...)."""
    return bool(METHODS_HEADING.search(heading))


# A sentence ends at . ! or ? followed by space and a capital, unless the word before the stop
# is an abbreviation that citations and scientific prose use mid-sentence.
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[\[(]?[A-Z])")
_ABBREVIATION = re.compile(r"\b(al|e\.g|i\.e|cf|vs|Fig|Figs|Eq|Eqs|Ref|Refs|No|approx|ca|resp|"
                           r"[A-Z])\.$")
_LONGEST_ABBREVIATION = len("approx.")
_BLANK_LINE = re.compile(r"\n[ \t]*\n")
EXCERPT_LENGTH = 300
# How far either side of a citation its paragraph and sentence are looked for. Bounding it keeps
# the cost per citation constant: a paragraph of thousands of citations, or one sentence of
# 100,000 characters, cost time quadratic in its length when each citation scanned all of it.
# The excerpt keeps EXCERPT_LENGTH characters anyway.
CONTEXT_CHARS = 2_000


def paragraph_around(text: str, offset: int) -> tuple[int, int]:
    """Start and end of the paragraph of ``text`` (a source whose paragraphs are separated by
    blank lines, as in LaTeX and Markdown) that holds ``offset``, at most ``CONTEXT_CHARS``
    either side of it."""
    floor = max(0, offset - CONTEXT_CHARS)
    start = text.rfind("\n", floor, offset) + 1 or floor
    while start > floor:  # back over the lines above, to the first blank one
        above = text.rfind("\n", floor, start - 1) + 1 or floor
        if not text[above:start - 1].strip():
            break
        start = above
    ceiling = min(len(text), offset + CONTEXT_CHARS)
    following = _BLANK_LINE.search(text, offset, ceiling)
    return start, following.start() if following else ceiling


def sentence_bounds(text: str, offset: int, start: int = 0, end: int | None = None,
                    ) -> tuple[int, int]:
    """Start and end of the sentence of ``text[start:end]`` (a paragraph) around ``offset``, at
    most ``CONTEXT_CHARS`` either side of it. The stops just before ``offset`` are looked at
    first, so that a paragraph of many short sentences is not walked from its start."""
    end = min(len(text) if end is None else end, offset + CONTEXT_CHARS)
    floor = max(start, offset - CONTEXT_CHARS)
    near = max(floor, offset - EXCERPT_LENGTH)
    bounds = _sentence_between(text, offset, near, end)
    if bounds[0] == near and near > floor:  # no sentence starts near it: look further back
        bounds = _sentence_between(text, offset, floor, end)
    return bounds


def _sentence_between(text: str, offset: int, start: int, end: int) -> tuple[int, int]:
    for boundary in _SENTENCE_END.finditer(text, start, end):
        # only the word before the stop is looked at: searching from the paragraph's start
        # again at every stop took time quadratic in the paragraph's length
        before = max(start, boundary.start() - _LONGEST_ABBREVIATION - 2)
        if _ABBREVIATION.search(text, before, boundary.start()):
            continue
        if boundary.start() < offset:
            start = boundary.end()
        else:
            return start, boundary.start()
    return start, end


def sentence_at(text: str, offset: int) -> str:
    """The sentence of ``text`` (a paragraph as plain text) around ``offset``, whitespace
    collapsed and cut to about ``EXCERPT_LENGTH`` characters around the offset."""
    start, end = sentence_bounds(text, offset)
    sentence = text[start:end]
    at = offset - start
    if len(sentence) > EXCERPT_LENGTH:
        left = max(0, min(at - EXCERPT_LENGTH // 2, len(sentence) - EXCERPT_LENGTH))
        sentence = ("…" if left else "") + sentence[left:left + EXCERPT_LENGTH] + (
            "…" if left + EXCERPT_LENGTH < len(sentence) else "")
    return " ".join(sentence.split())


def citing_sentence(text: str, offset: int, floor: int = 0) -> str:
    """The sentence of ``text`` (a plain source: Markdown, plain text) that holds the citation at
    ``offset``, within its paragraph and after ``floor`` (the end of the heading above it)."""
    start, end = paragraph_around(text, offset)
    start = max(start, floor)
    return sentence_at(text[start:end], offset - start)


def note_citation(ref: Reference, headings: Sequence[str], methods: bool = False,
                  excerpt: str | Callable[[], str] | None = None) -> None:
    """Record that the section under ``headings`` (outermost first) cites ``ref``, with the
    sentence that cites it (``excerpt``, when known; a function that finds it is called only
    when the section is recorded, so that a text citing one work a thousand times in a section
    does not pay for a thousand sentences).

    ``methods`` marks a section known to be a methods section whatever its headings say (JATS
    ``sec-type``). Each section is recorded once, in order of first citation, with the excerpt of
    its first citation.
    """
    heading = " > ".join(h for h in headings if h)
    methods = methods or any(is_methods_heading(h) for h in headings)
    if all(c.heading != heading for c in ref.cited_in):
        sentence = excerpt() if callable(excerpt) else excerpt
        ref.cited_in.append(CitingSection(heading, methods, sentence or None))


class Outline:
    """The heading path at the current point of a text read from top to bottom."""

    def __init__(self) -> None:
        self._levels: list[tuple[int, str]] = []

    def enter(self, level: int, heading: str) -> None:
        """A heading of ``level`` (1 outermost) starts here: it closes those at its level or
        deeper."""
        while self._levels and self._levels[-1][0] >= level:
            self._levels.pop()
        self._levels.append((level, " ".join(heading.split())))

    @property
    def path(self) -> list[str]:
        return [heading for _, heading in self._levels]


def uncited_problems(refs: Sequence[Reference], path: str | None,
                     exempt: Collection[Reference] = (),
                     name: Callable[[Reference], str] = lambda r: f"reference {r.index}",
                     cited_as: Callable[[Reference], str] = lambda r: "",
                     ) -> list[str]:
    """A located problem for each reference of the list that the text never cites (``exempt``:
    those listed on purpose, e.g. by ``\\nocite``; ``name``: how the message names one;
    ``cited_as``: the form of citation looked for, when the reader sees only one).

    Said only when the text cites at least half of the list: below that, the text most likely
    cites in a way the reader does not see (superscripts lost in a plain-text copy), and every
    reference would look uncited.
    """
    skipped = {id(r) for r in exempt}
    judged = [r for r in refs if id(r) not in skipped]
    if sum(1 for r in judged if r.cited_in) * 2 < len(judged):
        return []
    return [f"{r.location.path or path or '<input>'}:{r.location.line or '?'}: {name(r)} is in "
            f"the list, but the text never cites it{cited_as(r)}; cite it where it is used, or "
            "remove it." for r in judged if not r.cited_in]
