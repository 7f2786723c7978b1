"""Plain-text reader: a manuscript (or a bare reference list) as text, into a Manuscript.

It finds the reference section (a "References"-like heading, else the first numbered list that
looks like references, else a bare list), splits it into references with their starting line,
and takes title, abstract, keywords and DOI from the front matter when the file states them. It
never guesses a missing field, never touches the network, and never raises on odd input: what it
cannot read becomes a ``problems`` entry.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from citelint.citation import parse_references
from citelint.doi import clean_doi
from citelint.models import Location, Manuscript, Reference
from citelint.readers import reader
from citelint.readers.sections import (
    Outline,
    citing_sentence,
    note_citation,
    uncited_problems,
)

_REF_HEADING = re.compile(
    r"^\s*(?:\d+\.?\s+)?(?:references?(?:\s+list)?|bibliography|literature\s+cited"
    r"|works\s+cited|cited\s+literature)\s*:?\s*$",
    re.IGNORECASE,
)
_END_HEADING = re.compile(
    r"^\s*(?:appendix|appendices|tables?|figures?|figure\s+legends?|supplementary(?:\s+\w+)?"
    r"|supporting\s+information|acknowledge?ments?|funding|author\s+contributions?"
    r"|conflicts?\s+of\s+interests?)\s*:?\s*$",
    re.IGNORECASE,
)
_FRONT_HEADING = re.compile(
    r"^\s*(?:abstract|summary|key\s*-?\s*words?|main\s+subjects?|introduction|background"
    r"|authors?|affiliations?|document\s+type|article\s+type|\d+\.?\s+introduction)\s*:?\s*$",
    re.IGNORECASE,
)
_LABEL_LINE = re.compile(r"^\s*[A-Z][\w ]{0,30}\s:\s")  # "Document Type : Review Article"
# A heading alone on its line, or followed by ":" / "." / a dash and the text itself.
_ABSTRACT = re.compile(r"^\s*(?:abstract|summary)\s*(?:$|[:.\u2014\u2013-]\s*(?P<text>.*)$)",
                       re.IGNORECASE)
_KEYWORDS = re.compile(
    r"^\s*key\s*-?\s*words?\s*(?:$|[:.\u2014\u2013-]\s*(?P<text>.*)$)", re.IGNORECASE
)
_STRUCTURED_PART = re.compile(
    r"^\s*(?:background|objectives?|aims?|purpose|methods?|materials\s+and\s+methods|results?"
    r"|conclusions?|findings|interpretation|design|setting|significance)\s*:",
    re.IGNORECASE,
)
_DOI_LINE = re.compile(r"^\s*(?:doi\s*:?\s*|https?://(?:dx\.)?doi\.org/)?(10\.\d{4,9}/\S+)\s*$",
                       re.IGNORECASE)
_TITLE_LABEL = re.compile(r"^\s*title\s*:\s*", re.IGNORECASE)
_NUMBERED = {
    "bracket": re.compile(r"^\s*\[(\d{1,5})\]\s*(?P<text>.*)$"),
    "paren": re.compile(r"^\s*\((\d{1,5})\)\s+(?P<text>.*)$"),
    "dot": re.compile(r"^\s*(\d{1,5})\.(?:\s+|(?=[^\d\s]))(?P<text>.*)$"),
    "close": re.compile(r"^\s*(\d{1,5})\)\s*(?P<text>.*)$"),
}
_YEAR = re.compile(r"(?<!\d)(?:1[6-9]|20)\d{2}(?!\d)")
_MAX_NUMBER_JUMP = 50


@dataclass
class _Entry:
    line: int  # 1-based
    text: str
    number: int | None = None
    wrapped: list[str] = field(default_factory=list)  # its continuation lines, joined at the end


def looks_like_reference(text: str) -> bool:
    """True when a line of text has the shape of a citation: a year, several words, punctuation."""
    words = text.split()
    if len(text) < 25 or len(words) < 4:
        return False
    has_id = bool(re.search(r"10\.\d{4,9}/|https?://", text))
    punctuation = sum(text.count(c) for c in ".,;:")
    return (bool(_YEAR.search(text)) or has_id) and punctuation >= 2


def _sniff(text: str) -> bool:
    lines = text.splitlines()
    return any(_REF_HEADING.match(line) for line in lines) or sum(
        1 for line in lines[:400] if _numbered(line) and looks_like_reference(line)
    ) >= 2


def _numbered(line: str, style: str | None = None) -> tuple[str, int, str] | None:
    """``(style, number, text)`` when ``line`` starts with a reference number."""
    for name, pattern in _NUMBERED.items():
        if style and name != style:
            continue
        match = pattern.match(line)
        if match and match.group("text").strip():
            return name, int(match.group(1)), match.group("text")
    return None


@reader("text", extensions=(".txt", ".text"), sniff=_sniff)
def read(text: str, path: str | None) -> Manuscript:
    """Read a plain-text manuscript or reference list."""
    lines = text.lstrip("\ufeff").splitlines()
    manuscript = Manuscript(path=path, format="text", references=[])
    if not any(line.strip() for line in lines):
        return manuscript
    start, end, heading = _reference_section(lines)
    if start is None:
        manuscript.problems.append(
            f"{path or '<input>'}: no reference list found (no 'References' heading, numbered "
            "list or lines that look like citations); is this a manuscript?"
        )
        return manuscript
    front_end = heading if heading is not None else start
    if front_end > 0:
        _read_front_matter(manuscript, lines, front_end)
    entries = _split_references(lines, start, end, manuscript, path)
    manuscript.references = parse_references(
        [entry.text.strip() for entry in entries],
        [Location(path=path, line=entry.line) for entry in entries])
    by_number = {e.number: r for e, r in zip(entries, manuscript.references, strict=True)
                 if e.number is not None}
    if by_number and front_end > 0:
        for line, number in _note_citing_sections(lines[:front_end], by_number):
            manuscript.problems.append(
                f"{path or '<input>'}:{line}: the text cites [{number}], but the list has no "
                f"reference {number}; correct the citation or add the reference.")
        printed = {id(ref): number for number, ref in by_number.items()}
        unnumbered = [r for r in manuscript.references if id(r) not in printed]
        manuscript.problems += uncited_problems(
            manuscript.references, path, exempt=unnumbered,
            name=lambda r: f"reference {printed[id(r)]}",
            cited_as=lambda r: f" as [{printed[id(r)]}]")
    return manuscript


# --- where the text cites each reference ---------------------------------------------------------

# "Introduction", "2. Materials and methods", "3.1 Cell culture": a heading alone on its line
_BODY_HEADING = re.compile(
    r"^\s*(?:(?P<number>\d{1,2}(?:\.\d{1,2}){0,3})\.?\s+(?P<numbered>[A-Z][^.!?]{1,80})"
    r"|(?P<named>abstract|introduction|background|(?:materials?\s+and\s+)?methods?"
    r"|methodology|experimental(?:\s+\w+)?|statistical\s+analys[ie]s|results?"
    r"|(?:results\s+and\s+)?discussion|conclusions?|limitations))\s*:?\s*$",
    re.IGNORECASE)
# a bracketed citation of numbered references: [12], [3-5], [1, 4-6]
_NUMBER_CITATION = re.compile(r"\[(\d{1,5}(?:\s*[-\u2013\u2014,;]\s*\d{1,5})*)\]")
_MAX_RANGE = 100


def _cited_numbers(inside: str) -> list[int]:
    """The reference numbers a bracketed citation names ("1, 4-6" -> 1, 4, 5, 6)."""
    numbers: list[int] = []
    for part in re.split(r"\s*[,;]\s*", inside):
        bounds = [int(n) for n in re.split(r"\s*[-\u2013\u2014]\s*", part) if n]
        low, high = bounds[0], bounds[-1]
        numbers += range(low, high + 1) if 0 <= high - low <= _MAX_RANGE else bounds
    return numbers


def _note_citing_sections(body: list[str],
                          by_number: dict[int, Reference]) -> list[tuple[int, int]]:
    """Record in the references of a numbered list the sections of ``body`` (the lines before
    the list) that cite them with bracketed numbers, under headings such as "Introduction",
    "2. Materials and methods" or "3.1 Cell culture" standing alone on their line.

    Returns the (line, number) of each cited number the list does not have, when the text cites
    the list at all; numbers beyond twice the list's last one are left alone ("[2020]")."""
    missing: list[tuple[int, int]] = []
    highest = max(by_number)
    text = "\n".join(body)
    outline = Outline()
    offset = floor = 0  # floor: where the text under the current heading starts
    for number, line in enumerate(body):
        heading = _BODY_HEADING.match(line)
        if heading and (number == 0 or not body[number - 1].strip()):
            floor = offset + len(line) + 1
            if heading.group("number"):
                outline.enter(heading.group("number").count(".") + 1,
                              heading.group("numbered"))
            else:
                outline.enter(1, heading.group("named"))
        else:
            for match in _NUMBER_CITATION.finditer(line):
                numbers = _cited_numbers(match.group(1))
                cited = [by_number[n] for n in numbers if n in by_number]
                missing += [(number + 1, n) for n in numbers
                            if n not in by_number and 0 < n <= 2 * highest]
                if cited:
                    excerpt = citing_sentence(text, offset + match.start(), floor)
                    for ref in cited:
                        note_citation(ref, outline.path, excerpt=excerpt)
        offset += len(line) + 1
    cites_the_list = any(ref.cited_in for ref in by_number.values())
    return list(dict.fromkeys(missing)) if cites_the_list else []


# --- finding the reference section ---------------------------------------------------------------


def _reference_section(lines: list[str]) -> tuple[int | None, int, int | None]:
    """``(start, end, heading)``: 0-based line range of the references and the heading line."""
    headings = [i for i, line in enumerate(lines) if _REF_HEADING.match(line)]
    if headings:
        heading = headings[-1]
        end = next((i for i in range(heading + 1, len(lines)) if _END_HEADING.match(lines[i])),
                   len(lines))
        start = next((i for i in range(heading + 1, end) if lines[i].strip()), end)
        return start, end, heading
    numbered = _first_numbered_run(lines)
    if numbered is not None:
        end = next((i for i in range(numbered + 1, len(lines)) if _END_HEADING.match(lines[i])),
                   len(lines))
        return numbered, end, None
    candidates = [line for line in lines if line.strip()]
    if candidates and sum(looks_like_reference(c) for c in candidates) * 2 >= len(candidates):
        start = next(i for i, line in enumerate(lines) if line.strip())
        return start, len(lines), None
    return None, len(lines), None


def _first_numbered_run(lines: list[str]) -> int | None:
    """The first line of a numbered list (at least two items) whose items look like references.

    A list from line ``i`` takes each later item of the same style whose number follows the last
    one taken (by at most ``_MAX_NUMBER_JUMP``). That continuation depends only on the item it
    continues from, so each item's run is measured once, from the last line up: trying every
    start by scanning the rest of the text took time quadratic in its lines."""
    runs: dict[str, dict[int, tuple[int, int]]] = {}  # style -> line -> (items, alike) from it
    for style in _NUMBERED:
        latest: dict[int, int] = {}  # number -> the nearest line below that carries it
        run = runs[style] = {}
        for i in range(len(lines) - 1, -1, -1):
            item = _numbered(lines[i], style)
            if not item:
                continue
            number = item[1]
            after = [latest[n] for n in range(number + 1, number + _MAX_NUMBER_JUMP + 1)
                     if n in latest]
            items, alike = run[min(after)] if after else (0, 0)
            run[i] = (items + 1, alike + looks_like_reference(lines[i]))
            latest[number] = i
    for i, line in enumerate(lines):
        found = _numbered(line)
        if not found or found[1] > 3:
            continue
        items, alike = runs[found[0]][i]
        if alike and alike * 2 >= items and (items >= 2 or looks_like_reference(line)):
            return i
    return None


# --- splitting references ------------------------------------------------------------------------


def _split_references(lines: list[str], start: int, end: int, manuscript: Manuscript,
                      path: str | None) -> list[_Entry]:
    first = next((lines[i] for i in range(start, end) if lines[i].strip()), None)
    if first is None:
        return []
    found = _numbered(first)
    if found:
        return _split_numbered(lines, start, end, found[0], manuscript, path)
    return _split_unnumbered(lines, start, end)


def _split_numbered(lines: list[str], start: int, end: int, style: str, manuscript: Manuscript,
                    path: str | None) -> list[_Entry]:
    entries: list[_Entry] = []
    last_number = 0
    after_blank = False
    for i in range(start, end):
        line = lines[i]
        if not line.strip():
            after_blank = True
            continue
        item = _numbered(line, style)
        if item and last_number < item[1] <= last_number + _MAX_NUMBER_JUMP:
            if item[1] != last_number + 1:
                manuscript.problems.append(
                    f"{path or '<input>'}:{i + 1}: reference number {item[1]} follows "
                    f"{last_number}; the numbering skips {item[1] - last_number - 1}."
                )
            entries.append(_Entry(i + 1, item[2].strip(), item[1]))
            last_number = item[1]
        elif item and item[1] <= last_number and looks_like_reference(item[2]):
            manuscript.problems.append(
                f"{path or '<input>'}:{i + 1}: reference number {item[1]} comes after "
                f"{last_number}; the numbering goes back."
            )
            entries.append(_Entry(i + 1, item[2].strip(), item[1]))
        elif after_blank or not entries:
            if _is_heading(line):
                break
            entries.append(_Entry(i + 1, line.strip()))
        else:
            entries[-1].wrapped.append(line)
        after_blank = False
    for entry in entries:
        entry.text = join_lines(entry.text, entry.wrapped)
    return entries


# The end of a line that breaks inside a DOI or URL: "https://doi.org/10.1016/j." + "cell.2020.1"
_UNFINISHED_LINK = re.compile(r"(?:https?://|doi:\s*|\b10\.\d{4,9}/)\S*[/\-._]$", re.IGNORECASE)


def join_wrapped(text: str, line: str) -> str:
    """Append a continuation line: with one space, or none inside a wrapped DOI or URL.

    A DOI or URL cut after "/", "-" or "_" always goes on; one cut after "." goes on unless the
    next line starts with a word ("Epub 2020 Jan 5."), which means the DOI had ended.
    """
    return join_lines(text, [line])


def join_lines(text: str, lines: list[str]) -> str:
    """``text`` and its continuation ``lines``, each joined as :func:`join_wrapped` says. Only the
    last two words so far ("doi: 10.1016/j.") can hold a cut link, so only they are looked at:
    joining line by line and searching the whole text each time took time quadratic in the
    lines of one reference."""
    pieces, tail = [text], " ".join(text.rsplit(None, 2)[-2:])
    for line in lines:
        line = line.strip()
        inside = _UNFINISHED_LINK.search(tail) and not (
            tail.endswith(".") and re.match(r"[A-Z][a-z]+\b", line))
        separator = "" if inside else " "
        pieces += [separator, line]
        tail = " ".join((tail + separator + line).rsplit(None, 2)[-2:])
    return "".join(pieces)


def _split_unnumbered(lines: list[str], start: int, end: int) -> list[_Entry]:
    block = lines[start:end]
    groups: list[list[int]] = [[]]
    for offset, line in enumerate(block):
        if line.strip():
            groups[-1].append(start + offset)
        elif groups[-1]:
            groups.append([])
    groups = [g for g in groups if g]
    blank_separated = len(groups) > 1 and any(len(g) > 1 for g in groups)
    entries: list[_Entry] = []
    for group in groups:
        if blank_separated:
            text = join_lines(lines[group[0]].strip(), [lines[i] for i in group[1:]])
            entries.append(_Entry(group[0] + 1, text))
            continue
        for i in group:
            line = lines[i]
            if entries and entries[-1].line - 1 in group and _continues(lines[i - 1], line):
                entries[-1].text += " " + line.strip()
            else:
                entries.append(_Entry(i + 1, line.strip()))
    return entries


def _continues(previous: str, line: str) -> bool:
    """True when ``line`` wraps the citation on ``previous`` (one-per-line lists)."""
    stripped = line.strip()
    if not stripped:
        return False
    if line[:1].isspace() and not previous[:1].isspace():
        return True  # hanging indent
    if _PARTICLE_START.match(stripped) and looks_like_reference(stripped) and (
            previous.rstrip().endswith(".") or _ENDS_WITH_LINK.search(previous)):
        return False  # "de Moura, E. T., ... (2016)." starts the next reference
    return (stripped[0].islower() or stripped[0].isdigit()
            or previous.rstrip().endswith(("-", ",", ";", ":", "&", "and")))


_ENDS_WITH_LINK = re.compile(r"(?:https?://|\b10\.\d{4,9}/)\S+$")
# a family name that starts with a lower-case particle: "de Moura", "van der Berg", "von Haller",
# "dt Boer" (a short lower-case word before a capitalised one)
_PARTICLE_START = re.compile(r"^(?:(?:van|von|de|der|den|del|della|da|di|du|dos|das|le|la|ter|ten"
                             r"|[a-z]{1,3})\s+)+[A-Z]")


def _is_heading(line: str) -> bool:
    stripped = line.strip()
    return bool(_END_HEADING.match(line)) or (
        len(stripped) < 60 and not _YEAR.search(stripped) and not stripped.endswith(".")
        and not looks_like_reference(stripped)
    )


# --- front matter --------------------------------------------------------------------------------


def _read_front_matter(manuscript: Manuscript, lines: list[str], end: int) -> None:
    """Title, abstract, keywords and DOI from the lines before the reference section."""
    front = lines[:end]
    manuscript.title = _title(front)
    manuscript.abstract = _abstract(front)
    manuscript.keywords = _keywords(front)
    for line in front:
        match = _DOI_LINE.match(line)
        if match:
            manuscript.doi = clean_doi(match.group(1))
            break


def _title(front: list[str]) -> str | None:
    first = next((line.strip() for line in front if line.strip()), None)
    if first is None or len(first) > 400:
        return None
    if (_FRONT_HEADING.match(first) or _ABSTRACT.match(first) or _KEYWORDS.match(first)
            or _DOI_LINE.match(first) or _numbered(first)):
        return None
    if _LABEL_LINE.match(first) and not _TITLE_LABEL.match(first):
        return None
    return _TITLE_LABEL.sub("", first).strip() or None


def _paragraph_after(front: list[str], index: int, allow_structured: bool) -> list[str]:
    """The lines after a heading up to the end of its paragraph (or the next heading)."""
    collected: list[str] = []
    i = index + 1
    while i < len(front):
        line = front[i].strip()
        if not line:
            if collected:
                following = next((f for f in front[i + 1:] if f.strip()), "")
                if not (allow_structured and _STRUCTURED_PART.match(following)):
                    break
            i += 1
            continue
        if (_FRONT_HEADING.match(line) or _KEYWORDS.match(line) or _LABEL_LINE.match(line)
                or _REF_HEADING.match(line)):
            break
        collected.append(line)
        i += 1
    return collected


def _abstract(front: list[str]) -> str | None:
    for i, line in enumerate(front):
        match = _ABSTRACT.match(line)
        if not match:
            continue
        inline = (match.group("text") or "").strip()
        text = " ".join([inline, *_paragraph_after(front, i, allow_structured=True)]).strip()
        return text or None
    return None


def _keywords(front: list[str]) -> list[str]:
    for i, line in enumerate(front):
        match = _KEYWORDS.match(line)
        if not match:
            continue
        inline = (match.group("text") or "").strip()
        text = inline or " ".join(_paragraph_after(front, i, allow_structured=False))
        separator = ";" if ";" in text else ","
        return [k.strip(" .\u00b7\u2022") for k in re.split(f"[{separator}\u00b7\u2022]", text)
                if k.strip(" .\u00b7\u2022")]
    return []
