"""Small normalisation steps shared by every reader: page ranges, text folding, cited names.

Each function does one transformation on a string and can be used (and tested) alone, in the
spirit of bibtexparser v2's middlewares. Nothing here reads files, knows a citation style as a
whole, or decides whether a field is *right*: rules do that.
"""

from __future__ import annotations

import functools
import re
import unicodedata

# Every character people (and word processors) use between two page numbers or inside names.
DASHES = "-\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d"
_DASH_CLASS = "".join(re.escape(c) for c in DASHES)
_DASH_RE = re.compile(f"[{_DASH_CLASS}]+")
# a page number ("1198", "S13", "12a"), an e-locator ("e12333", "eaav1234", "96ra77", an STM or
# Science Signaling article locator: volume, two letters, number), or a roman numeral ("xvi")
_ROMAN_NUMERAL = r"(?=[ivxlc])c{0,3}(?:xc|xl|l?x{0,3})(?:ix|iv|v?i{0,3})"
_PAGE = (rf"[A-Za-z]{{0,4}}\d+[A-Za-z]?|\d+[A-Za-z]{{1,3}}\d+|{_ROMAN_NUMERAL}"
         rf"|{_ROMAN_NUMERAL.upper()}")
_RANGE_RE = re.compile(
    rf"^\s*(?:pp?\.?\s*)?({_PAGE})\s*(?:[{_DASH_CLASS}]+\s*({_PAGE}))?\s*(?:\.\s*)?$"
)
_ROMAN = re.compile(rf"^(?:{_ROMAN_NUMERAL}|{_ROMAN_NUMERAL.upper()})$")
# what spreadsheets and exporters write for an empty end page ("EP  - nan" in a RIS export)
_NO_PAGE = {"", "nan", "none", "null", "n/a", "na", "-", "?"}
_QUOTES = str.maketrans({
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'", "\u00b4": "'",
    "`": "'", "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"',
    "\u00ab": '"', "\u00bb": '"',
})
PARTICLES = {"van", "von", "de", "der", "den", "da", "di", "du", "del", "della", "dos", "das",
              "le", "la", "ter", "ten", "bin", "ibn", "al", "el", "y", "st", "st."}
_SUFFIXES = {"jr", "jr.", "sr", "sr.", "ii", "iii", "iv", "2nd", "3rd"}


_MAX_PAGES_CHARS = 100
_NO_END_PAGE = re.compile(
    rf"\s*[{_DASH_CLASS}]+\s*(?:{'|'.join(map(re.escape, sorted(_NO_PAGE - {'', '-'})))})\s*$",
    re.IGNORECASE)
_PAGES_ON = re.compile(rf"\s*[{_DASH_CLASS}]*\s*(?:\+|ff\.?)\s*$")


def split_pages(text: str | None) -> tuple[str | None, str | None]:
    """Split a cited page range into ``(first, last)``.

    Handles hyphens, en/em dashes and ``--`` ("1198-1221", "1607–1623", "1198--1221"), letter
    prefixes ("S13-S18"), e-locators ("e12333" gives ``("e12333", None)``), a first page and those
    after it ("678-+", ADS's way, or "73ff." give ``("678", None)``) and expands abbreviated
    ranges ("123-9" gives ``("123", "129")``, "S13-8" gives ``("S13", "S18")``). Text that is not a
    page range gives ``(None, None)``.
    """
    if not text or len(text) > _MAX_PAGES_CHARS:  # no range is that long; the patterns below
        return None, None  # would take time quadratic in a long run of dashes
    text = _NO_END_PAGE.sub("", text)  # "100364-nan": no end page given
    text = _PAGES_ON.sub("", text)  # "678-+": 678 on
    match = _RANGE_RE.match(text)
    if not match:
        return None, None
    first, last = match.group(1), match.group(2)
    if last is not None and (_ROMAN.match(first) is None) != (_ROMAN.match(last) is None):
        return None, None  # "x-12" is not a range of either kind
    if last is not None:
        last = _expand_last_page(first, last)
    if last == first:
        last = None  # "96ra77-96ra77": one page, or one e-locator
    return first, last


def page_range(first: str | None, last: str | None) -> str | None:
    """The cited pages of a structured record (RIS ``SP``/``EP``, JATS ``fpage``/``lpage``) as
    one string: "1198-1221", or just the first page when the last is missing, a placeholder
    ("nan", "null") or the same page."""
    first = (first or "").strip() or None
    last = (last or "").strip()
    if first is None or last.casefold() in _NO_PAGE or last == first:
        return first
    return f"{first}-{last}"


def _expand_last_page(first: str, last: str) -> str:
    """Expand an abbreviated last page ("123", "9" -> "129") when that is the only reading."""
    head = re.match(r"^([A-Za-z]*)(\d+)([A-Za-z]?)$", first)
    tail = re.match(r"^([A-Za-z]*)(\d+)([A-Za-z]?)$", last)
    if not head or not tail:
        return last
    prefix, digits = head.group(1), head.group(2)
    if tail.group(1) and tail.group(1) != prefix:
        return last
    last_digits = tail.group(2)
    if len(last_digits) < len(digits):
        expanded = digits[: len(digits) - len(last_digits)] + last_digits
        if int(expanded) >= int(digits):  # "129-29" is page 129 alone, as "129-129" is
            return prefix + expanded + tail.group(3)
    if not tail.group(1) and prefix:
        return prefix + last_digits + tail.group(3)
    return last


# Letters Unicode does not decompose into a base letter and a mark, as ASCII spells them.
_TRANSLITERATE = str.maketrans({
    "ø": "o", "Ø": "O", "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE", "ß": "ss", "ł": "l",
    "Ł": "L", "đ": "d", "Đ": "D", "ð": "d", "Ð": "D", "þ": "th", "Þ": "Th", "ı": "i",
})
_GREEK = {
    "α": "alpha", "β": "beta", "γ": "gamma", "δ": "delta", "ε": "epsilon", "ϵ": "epsilon",
    "ζ": "zeta", "η": "eta", "θ": "theta", "ι": "iota", "κ": "kappa", "λ": "lambda", "μ": "mu",
    "µ": "mu", "ν": "nu", "ξ": "xi", "π": "pi", "ρ": "rho", "σ": "sigma", "ς": "sigma",
    "τ": "tau", "υ": "upsilon", "φ": "phi", "ϕ": "phi", "χ": "chi", "ψ": "psi", "ω": "omega",
}
_GREEK_RE = re.compile("[" + "".join(_GREEK) + "]")
# an HTML/XML/MathML tag as records carry them ("<i>", "</mml:mi>", "<sub>"); "p < 0.05" is
# not one
_TAG_RE = re.compile(r"</?[A-Za-z][\w:.-]*(?:\s[^<>]*)?/?>")


def strip_diacritics(text: str) -> str:
    """Remove combining marks and spell letters without a base as ASCII does: "Sánchez" ->
    "Sanchez", "Horňáková Ľ" -> "Hornakova L", "Ørsted" -> "Orsted", "Weiß" -> "Weiss"."""
    if text.isascii():
        return text  # nothing to decompose, strip or spell out
    decomposed = unicodedata.normalize("NFKD", text.translate(_TRANSLITERATE))
    return unicodedata.normalize("NFC", "".join(c for c in decomposed
                                                 if not unicodedata.combining(c)))


_BLOCK_TAGS = {"p", "title", "sec", "br", "div", "li", "list-item", "abstract", "label",
               "caption", "table", "tr", "td", "th"}


def strip_markup(text: str) -> str:
    """Text without HTML/JATS/MathML tags and with entities decoded: inline tags go without a
    trace ("Cu<sub>2</sub>O" -> "Cu2O", "<i>In vivo</i> &amp; more" -> "In vivo & more"),
    paragraph-like tags leave a space."""
    if "<" not in text and "&" not in text:
        return text
    import html

    def replace(match: re.Match[str]) -> str:
        name = match.group(0).strip("</>").split()[0].split(":")[-1].lower() if len(
            match.group(0)) > 2 else ""
        return " " if name in _BLOCK_TAGS else ""

    return html.unescape(_TAG_RE.sub(replace, text))


def spell_greek(text: str) -> str:
    """Greek letters spelled out, as titles often cite them: "TNF-α" -> "TNF- alpha "."""
    return _GREEK_RE.sub(lambda m: f" {_GREEK[m.group(0).lower()]} ", text)


@functools.lru_cache(maxsize=1 << 16)
def fold_text(text: str | None, diacritics: bool = True) -> str:
    """Fold text for comparison: NFKC, casefold, straight quotes, one dash, single spaces.

    With ``diacritics=False`` accents are stripped too ("Sánchez" and "Sanchez" fold alike).
    The result is for comparing strings, never for display.
    """
    if not text:
        return ""
    folded = unicodedata.normalize("NFKC", text).translate(_QUOTES)
    folded = _DASH_RE.sub("-", folded).casefold()
    if not diacritics:
        folded = strip_diacritics(folded)
    return " ".join(folded.split())


@functools.lru_cache(maxsize=1 << 16)
def comparable(text: str | None) -> str:
    """Folded words without markup, accents or punctuation, Greek letters spelled out, one space
    apart: for fuzzy comparison. Remembered for the last 65,536 texts: matching and the rules
    fold the same titles and names many times."""
    if not text:
        return ""
    text = spell_greek(strip_markup(text).lower())
    return " ".join(re.findall(r"[^\W_]+", fold_text(text, diacritics=False)))


@functools.lru_cache(maxsize=1 << 16)
def is_initials(token: str) -> bool:
    """True for a token that is a run of initials as cited: "X", "DKW", "Y-J", "J.-P.", "Á".
    Remembered for the last 65,536 tokens: the parser and the name comparison ask about the same
    tokens many times."""
    letters = [c for c in token if c not in DASHES and c != "."]
    return (0 < len(letters) <= 4 and len(token) <= 8 and all(c.isupper() for c in letters)
            and token[0] not in DASHES)


@functools.lru_cache(maxsize=1 << 16)
def cited_initials(given: str) -> str:
    """Vancouver initials of given names, hyphens kept: "Xiaolei" → "X", "Yu-Jie" → "Y-J",
    "D. K. W." → "DKW" (the form a structured name is cited in)."""
    out = []
    for word in re.sub(r"\.(?!-)", ". ", given).split():
        parts = []
        for part in word.split("-"):
            part = part.strip(".")
            if not part or not part[0].isalpha():
                continue
            # a run of initials stays whole ("DKW"); a given name gives its first letter
            is_run = part.isalpha() and part.isupper() and len(part) <= 4
            parts.append(part if is_run else part[0].upper())
        if parts:
            out.append("-".join(parts))
    return "".join(out)


@functools.lru_cache(maxsize=1 << 16)
def initials_of(given: str) -> str:
    """Initials of given names: "Xiaoli" -> "X", "Jean-Pierre" -> "JP", "D. K. W." -> "DKW"."""
    letters: list[str] = []
    for part in re.split(rf"[\s.{_DASH_CLASS}]+", given):
        if not part:
            continue
        if is_initials(part):
            letters.extend(c for c in part if c.isalpha())
        elif part[0].isalpha():
            letters.append(part[0].upper())
    return "".join(letters)


@functools.lru_cache(maxsize=1 << 16)
def split_name(name: str) -> tuple[str, str]:
    """Split a cited personal name into ``(family, initials)``.

    Understands Vancouver order ("Keller P", "Garcia Lopez MA", "Li Y-J" -> ``("Li", "YJ")``), APA
    order with a comma ("Guo, X.", "Guo, Xiaoli"), given-first order ("Xiaoli Guo", "J. A. Smith")
    and single names ("Suharto" -> ``("Suharto", "")``). Initials come back as bare letters.
    Generational suffixes (Jr, III) are dropped. Remembered for the last 65,536 names (a name
    cited by many references of a corpus is split once).
    """
    text = " ".join(name.replace("\u00a0", " ").split()).strip(" ,;")
    if not text:
        return "", ""
    if "," in text:
        family, _, given = text.partition(",")
        given = " ".join(t for t in given.split() if t.casefold() not in _SUFFIXES)
        return family.strip(), initials_of(given)
    tokens = [t for t in text.split() if t.casefold() not in _SUFFIXES] or text.split()
    if len(tokens) == 1:
        return tokens[0], ""
    # Vancouver: family name(s) first, then one token of initials.
    if is_initials(tokens[-1]) and not all(is_initials(t) for t in tokens[:-1]):
        return " ".join(tokens[:-1]), initials_of(tokens[-1])
    # ALL-CAPS Vancouver ("GIL M.", "HU M"): every token looks like initials, but a first token
    # written without full stops is the family name, as in "Gil M".
    if all(is_initials(t) for t in tokens) and "." not in tokens[0] and len(tokens) == 2:
        return tokens[0], initials_of(tokens[1])
    # ALL-CAPS family name after given initials with full stops ("N. MEARS", "J. A. SMITH",
    # "M. O. Al HAMDANI" with its particle)
    dotted = [t for t in tokens[:-1] if is_initials(t) and "." in t]
    between = tokens[len(dotted):-1]
    if (dotted and tokens[:len(dotted)] == dotted and tokens[-1].isupper()
            and "." not in tokens[-1] and all(t.casefold() in PARTICLES for t in between)):
        return " ".join([*between, tokens[-1]]), initials_of(" ".join(dotted))
    # Initials run into other letters ("Smith JAbc"): still Vancouver order, keep the capitals.
    head = tokens[-1][:2]
    if len(head) == 2 and head.isalpha() and head.isupper():
        return " ".join(tokens[:-1]), "".join(c for c in tokens[-1] if c.isupper())
    # Given names first ("J. A. Smith", "Xiaoli Guo", "Ludwig van Beethoven").
    family_start = len(tokens) - 1
    while family_start > 1 and tokens[family_start - 1].casefold() in PARTICLES:
        family_start -= 1
    return " ".join(tokens[family_start:]), initials_of(" ".join(tokens[:family_start]))


# British spellings and their American forms, applied to both sides of a comparison (so a rule
# that also rewrites some unrelated word does so on both sides alike)
# (each with the letters a word must hold for it to apply at all, so most words skip the pattern)
_SPELLING = [
    (re.compile(r"(?<=\w{3})is(e|ed|es|ing|ation|ations)$"), r"iz\1", ("is",)),
    (re.compile(r"(?<=\w{2})ys(e|ed|es|ing)$"), r"yz\1", ("ys",)),
    (re.compile(r"(?<=\w{2})our(s|ed|ing|al|ite|ites)?$"), r"or\1", ("our",)),
    (re.compile(r"(?<=\w{2})(t|b)re(s|d)?$"), r"\1er\2", ("tre", "bre")),
    (re.compile(r"(?<=\w{2})ll(ed|ing|er|ers)$"), r"l\1", ("ll",)),
    (re.compile(r"(?<=\w{3})ogue(s)?$"), r"og\1", ("ogue",)),
    (re.compile(r"(?<=\w{3})mme(s)?$"), r"m\1", ("mme",)),
    (re.compile(r"ae|oe"), "e", ("ae", "oe")),
    (re.compile(r"^sulph"), "sulf", ("sulph",)),
    (re.compile(r"^aluminium"), "aluminum", ("aluminium",)),
    (re.compile(r"^grey"), "gray", ("grey",)),
    (re.compile(r"eing$"), "ing", ("eing",)),
]


@functools.lru_cache(maxsize=1 << 16)
def american_spelling(word: str) -> str:
    """One folded word in American spelling: "tumour" -> "tumor", "haemorrhage" -> "hemorrhage",
    "modelling" -> "modeling", "analyse" -> "analyze", "centre" -> "center"."""
    for pattern, replacement, letters in _SPELLING:
        if any(held in word for held in letters):
            word = pattern.sub(replacement, word)
    return word
