"""JATS/NLM XML reader: the article's front matter and its ``<ref-list>``.

Safety first: the document is checked with defusedxml (no DTD loading, no entity declarations,
no external references, no network) before anything else looks at it, so an XML "billion laughs"
or an external entity (``file:///etc/passwd``) is refused with an InputError naming the file and
nothing is expanded. Only then is it parsed by lxml (when installed, for source line numbers) with
entity resolution, DTD loading and network access switched off. HTML named entities that JATS
DTDs define (``&nbsp;``) are turned into character references first, since the DTD is never read.

``<element-citation>``, ``<nlm-citation>`` (NLM DTD 2.x) and structured ``<mixed-citation>`` are
read field by field; when a ``<ref>`` holds several, the fields come from the one that tags most
(SciELO prints an untagged ``<mixed-citation>`` beside a tagged ``<element-citation>``). A
``<ref>`` whose citations are only text goes through :func:`citelint.citation.parse_citation`.
Citations of a range (``<xref rid="B7">7</xref>–<xref rid="B12">12</xref>``) cite every reference
of the list from the first to the last.
"""

from __future__ import annotations

import html.entities
import re
from typing import Any

import defusedxml.ElementTree as safe_etree
from defusedxml import DefusedXmlException

from citelint.citation import detect_style, parse_citation
from citelint.doi import clean_doi
from citelint.models import Location, Manuscript, Reference, Suppression
from citelint.normalize import DASHES, page_range
from citelint.readers import InputError, reader
from citelint.readers.csl import reference_from_csl
from citelint.readers.inline import IGNORE, orphan_problem, parse_suppressions
from citelint.readers.sections import note_citation, sentence_at, uncited_problems

_XML_ENTITIES = {"amp", "lt", "gt", "quot", "apos"}
_NAMED_ENTITY = re.compile(r"&([A-Za-z][A-Za-z0-9]*);")
_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")
_TYPES = {"journal": "article-journal", "book": "book", "chapter": "chapter",
          "thesis": "thesis", "report": "report", "web": "webpage", "webpage": "webpage",
          "confproc": "paper-conference", "conf-proc": "paper-conference", "data": "dataset",
          "software": "software", "patent": "patent", "preprint": "preprint"}
# sec-type values (JATS 1.3 suggests "materials", "methods" and their "|" combination)
_METHODS_TYPES = {"methods", "materials", "materials|methods", "methods|materials"}
# NLM 2.x (PLOS 2004-2006) has <nlm-citation>; JATS has <element-citation> (tagged, not printed)
# and <mixed-citation> (printed, tagged or not); <citation> is the older name of both
_CITATIONS = ("element-citation", "nlm-citation", "mixed-citation", "citation")
_STRUCTURE = {"surname", "article-title", "source", "year", "volume", "fpage", "person-group",
              "string-name", "name", "pub-id", "elocation-id", "chapter-title"}


def _local(tag: Any) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _children(element: Any, name: str) -> list[Any]:
    return [c for c in element if _local(c.tag) == name]


def _descendants(element: Any, name: str) -> list[Any]:
    return [c for c in element.iter() if _local(c.tag) == name]


def _text(element: Any | None) -> str | None:
    if element is None:
        return None
    text = re.sub(r"\s+", " ", "".join(element.itertext())).strip()
    return text or None


def _first_text(element: Any, name: str) -> str | None:
    found = _descendants(element, name)
    return _text(found[0]) if found else None


def _named_entities_to_references(text: str) -> str:
    def replace(match: re.Match[str]) -> str:
        name = match.group(1)
        if name in _XML_ENTITIES or name not in html.entities.name2codepoint:
            return match.group(0)
        return f"&#{html.entities.name2codepoint[name]};"

    return _NAMED_ENTITY.sub(replace, text)


def parse_safely(text: str, path: str | None) -> Any:
    """Parse XML text, refusing DTD entity tricks; returns the root element (lxml if present).

    Raises InputError naming the file (and line) for dangerous or broken XML.
    """
    where = path or "<input>"
    # keep line numbers: the declaration (it may name an encoding; the text is already decoded)
    # is replaced by as many newlines as it spans
    text = _DECLARATION.sub(lambda m: "\n" * m.group(0).count("\n"), text, count=1)
    text = _named_entities_to_references(text)
    try:
        root = safe_etree.fromstring(text, forbid_dtd=False, forbid_entities=True,
                                     forbid_external=True)
    except DefusedXmlException as exc:
        raise InputError(f"{where}: the XML declares entities or external references "
                         f"({type(exc).__name__}); refused, nothing was expanded. Remove the "
                         "DTD internal subset and run again.") from None
    except safe_etree.ParseError as exc:
        line, column = getattr(exc, "position", (None, None))
        raise InputError(f"{where}:{line}:{column}: not well-formed XML "
                         f"({str(exc).split(':')[0]}).") from None
    try:
        from lxml import etree
    except ImportError:  # the stdlib tree works, only without line numbers
        return root
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                             dtd_validation=False, huge_tree=False, remove_pis=True)
    try:
        return etree.fromstring(text.encode("utf-8"), parser)
    except etree.XMLSyntaxError as exc:
        raise InputError(f"{where}:{exc.lineno}: not well-formed XML ({exc.msg}).") from None


def _names(citation: Any) -> tuple[list[dict[str, str]], bool]:
    groups = _descendants(citation, "person-group")
    authors = [g for g in groups if g.get("person-group-type", "author") == "author"]
    scope = authors or groups or [citation]
    names: list[dict[str, str]] = []
    et_al = False
    for group in scope:
        for person in group.iter():
            tag = _local(person.tag)
            if tag in ("name", "string-name") and _children(person, "surname"):
                names.append({"family": _first_text(person, "surname") or "",
                              "given": _first_text(person, "given-names") or "",
                              "non-dropping-particle": _first_text(person, "prefix") or "",
                              "suffix": _first_text(person, "suffix") or ""})
            elif tag == "string-name" and not _children(person, "surname"):
                names.append({"literal": _text(person) or ""})
            elif tag == "collab":
                names.append({"literal": _text(person) or ""})
            elif tag == "etal":
                et_al = True
        if group is citation:
            break
    return names, et_al


def citation_to_csl(citation: Any, ref_id: str | None) -> dict[str, Any]:
    """A structured ``<element-citation>``/``<mixed-citation>`` → a CSL item."""
    names, et_al = _names(citation)
    if et_al:
        names.append({"literal": "et al."})
    ids = {p.get("pub-id-type", "").lower(): _text(p) for p in _descendants(citation, "pub-id")}
    page = page_range(_first_text(citation, "fpage"), _first_text(citation, "lpage"))
    links = _descendants(citation, "ext-link") + _descendants(citation, "uri")
    url = None
    for link in links:
        url = link.get("{http://www.w3.org/1999/xlink}href") or _text(link)
        if url:
            break
    kind = (citation.get("publication-type") or citation.get("citation-type") or "").lower()
    title = _first_text(citation, "article-title") or _first_text(citation, "chapter-title")
    source = _first_text(citation, "source")
    if kind == "book" and not title:
        title, source = source, None
    return {
        "id": ref_id,
        "type": _TYPES.get(kind, ""),
        "author": names,
        "title": title,
        "container-title": source,
        "issued": {"raw": _first_text(citation, "year") or ""},
        "volume": _first_text(citation, "volume"),
        "issue": _first_text(citation, "issue"),
        "page": page,
        "article-number": _first_text(citation, "elocation-id"),
        "publisher": _first_text(citation, "publisher-name"),
        "DOI": ids.get("doi"),
        "PMID": ids.get("pmid"),
        "URL": url,
    }


def _accepted(ref: Any) -> list[Suppression]:
    """Findings accepted by ``<!-- citelint-ignore: rule: reason -->`` comments in a ``<ref>``."""
    notes = []
    for node in ref.iter():
        match = IGNORE.match((node.text or "").strip()) if callable(node.tag) else None  # comment
        if match:
            notes.append(match.group("what"))
    return parse_suppressions("; ".join(notes))


def _ignore_comments_outside_refs(root: Any, refs: dict[Any, Reference], path: str | None,
                                  problems: list[str]) -> None:
    """``citelint-ignore`` comments that are not inside a ``<ref>`` (those :func:`_accepted`
    reads): one standing in a ``<ref-list>`` just before a ``<ref>`` (``refs``: the Reference of
    each ``<ref>`` element) accepts findings on it; any other accepts nothing and is reported."""
    for node in root.iter():
        match = IGNORE.match((node.text or "").strip()) if callable(node.tag) else None
        if not match or any(_local(a.tag) == "ref" for a in node.iterancestors()):
            continue  # comments only come with lxml, whose elements know their neighbours
        target = node.getnext()
        while target is not None and callable(target.tag):
            target = target.getnext()
        if _local(node.getparent().tag) == "ref-list" and target in refs:
            refs[target].suppressions += parse_suppressions(match.group("what"))
        else:
            problems.append(orphan_problem(path, node.sourceline))


def _reference(ref: Any, index: int, path: str | None, style: str | None) -> Reference:
    reference = _cited(ref, index, path, style)
    reference.suppressions += _accepted(ref)
    return reference


def _printed_and_tagged(ref: Any) -> tuple[Any, Any] | None:
    """The citation element a ``<ref>`` prints (its mixed-citation, if any) and the one that tags
    most fields; None when it holds no citation element."""
    citations = [c for c in ref.iter() if _local(c.tag) in _CITATIONS]
    if not citations:
        return None
    printed = next((c for c in citations if _local(c.tag) == "mixed-citation"), citations[0])
    return printed, max(citations, key=_tagged_fields)


def _untagged_text(ref: Any) -> str | None:
    """The printed text of a ``<ref>`` whose citations tag no field (it is parsed as text)."""
    found = _printed_and_tagged(ref)
    if found is None or _tagged_fields(found[1]):
        return None
    return _text(found[0]) or ""


def _cited(ref: Any, index: int, path: str | None, style: str | None) -> Reference:
    ref_id = ref.get("id")
    line = getattr(ref, "sourceline", None)
    location = Location(path, line=line, element=ref_id)
    found = _printed_and_tagged(ref)
    if found is None:
        return Reference(index=index, raw=_text(ref) or "", location=location,
                         parse_error="the <ref> holds no element-citation or mixed-citation")
    printed, tagged = found
    if _tagged_fields(tagged):
        reference = reference_from_csl(citation_to_csl(tagged, ref_id), index, location, "jats")
        if _local(printed.tag) != "element-citation":
            reference.raw = _text(printed) or reference.raw  # what the article prints
        return reference
    # the list's style was detected once from all its untagged citations (see read)
    return parse_citation(_text(printed) or "", index, location, style=style,
                          input_format="jats")


def _tagged_fields(citation: Any) -> int:
    """How many kinds of field a citation element tags (0 for one that is only text). A
    ``<ref>`` may hold the printed text untagged beside a tagged copy (SciELO does): the fields
    come from the copy that tags most, never from re-parsing the text."""
    return len({_local(c.tag) for c in citation.iter() if c is not citation} & _STRUCTURE)


def read_front(root: Any) -> dict[str, Any]:
    """Title, abstract, keywords and DOI of the article itself (from ``<article-meta>``)."""
    meta = next(iter(_descendants(root, "article-meta")), None)
    if meta is None:
        return {}
    title_group = next(iter(_descendants(meta, "title-group")), meta)
    abstract = next(iter(_descendants(meta, "abstract")), None)
    doi = next((_text(a) for a in _descendants(meta, "article-id")
                if a.get("pub-id-type") == "doi"), None)
    if abstract is not None and _descendants(abstract, "p"):
        # paragraphs joined by a space; a heading such as <title>Abstract</title> left out
        abstract_text: str | None = " ".join(
            t for t in map(_text, _descendants(abstract, "p")) if t)
    else:
        abstract_text = _text(abstract)
    return {
        "title": _first_text(title_group, "article-title"),
        "abstract": abstract_text or None,
        "keywords": [k for k in (_text(k) for k in _descendants(meta, "kwd")) if k],
        "doi": clean_doi(doi),
    }


def _is_citation(element: Any) -> bool:
    return _local(element.tag) == "xref" and element.get("ref-type") == "bibr"


def _sole_citation(element: Any) -> Any | None:
    """The citation an element is, or wraps alone (``<sup><xref …>7</xref></sup>``)."""
    if _is_citation(element):
        return element
    inner = list(element)
    if (len(inner) == 1 and _local(element.tag) in ("sup", "bold", "italic")
            and not (element.text or "").strip() and not (inner[0].tail or "").strip()
            and _is_citation(inner[0])):
        return inner[0]
    return None


def _range_ends(first: Any, second: Any) -> tuple[Any, Any] | None:
    """The two citations of a range, when two neighbouring elements are citations (or wrap
    one) with only a dash between them: ``7–12``."""
    between = (first.tail or "").strip()
    if not between or any(c not in DASHES for c in between):
        return None
    ends = _sole_citation(first), _sole_citation(second)
    return ends if ends[0] is not None and ends[1] is not None else None


def _spanned(citation: Any, refs: list[Reference], position: dict[str, int]) -> list[Reference]:
    """The references a citation of a printed range names beyond its one ``rid``: PLOS writes
    ``<xref rid="b8">8–10</xref>``. Read only when the list is numbered in order (reference 8
    is the eighth), so the numbers name the references between."""
    rids = (citation.get("rid") or "").split()
    span = re.fullmatch(rf"\s*(\d+)\s*[{re.escape(DASHES)}]\s*(\d+)\s*", _text(citation) or "")
    start = position.get(rids[0]) if len(rids) == 1 and span else None
    if start is None or span is None:
        return []
    first, last = int(span.group(1)), int(span.group(2))
    if refs[start].index != first or not first < last <= len(refs):
        return []
    return refs[start + 1:start + 1 + last - first]


def _between(refs: list[Reference], position: dict[str, int], first: Any,
             second: Any) -> list[Reference]:
    """The references a range of citations cites beyond its two ends: those the list holds
    between the last one ``first`` names and the first one ``second`` names."""
    start = position.get(((first.get("rid") or "").split() or [""])[-1])
    end = position.get(((second.get("rid") or "").split() or [""])[0])
    if start is None or end is None or end <= start + 1:
        return []
    return refs[start + 1:end]


def _citing_sentences(paragraph: Any) -> dict[Any, str]:
    """The sentence around each citation (``<xref ref-type="bibr">``) of a paragraph."""
    parts: list[str] = []
    offsets: list[tuple[Any, int]] = []
    length = 0  # of the parts so far: summing them at each citation was quadratic

    def add(part: str) -> None:
        nonlocal length
        parts.append(part)
        length += len(part)

    def visit(element: Any) -> None:
        if _is_citation(element):
            offsets.append((element, length))
        add(element.text or "")
        for child in element:
            if isinstance(child.tag, str):  # not a comment or processing instruction
                visit(child)
            add(child.tail or "")

    visit(paragraph)
    text = "".join(parts)
    return {element: sentence_at(text, offset) for element, offset in offsets}


def _note_citing_sections(root: Any, refs: list[Reference]) -> list[tuple[str, int | None]]:
    """Record in each reference the sections whose text cites it (``<xref ref-type="bibr">``,
    whose ``rid`` may name several references), with the citing sentence: the heading path of
    the ``<sec>`` titles around the citation, "Abstract" in an abstract; a ``sec-type`` of
    "methods" or "materials" marks a methods section whatever its title says. Two citations
    with only a dash between them (``7–12``), or one whose text is a range (``8–10``), cite the
    references listed between too.

    Returns each ``rid`` cited that no ``<ref>`` has, with the line of its first citation."""
    by_id = {ref.location.element: ref for ref in refs if ref.location.element}
    position = {ref.location.element: n for n, ref in enumerate(refs) if ref.location.element}
    missing: dict[str, int | None] = {}

    def walk(element: Any, headings: tuple[str, ...], methods: bool,
             sentences: dict[Any, str]) -> None:
        name = _local(element.tag)
        if name == "ref-list":
            return
        if name == "sec":
            title = next(iter(_children(element, "title")), None)
            headings = (*headings, _text(title) or element.get("sec-type") or "")
            methods = methods or (element.get("sec-type") or "").lower() in _METHODS_TYPES
        elif name in ("abstract", "trans-abstract"):
            headings = ("Abstract",)
        elif name == "p":
            sentences = {**sentences, **_citing_sentences(element)}
        elif _is_citation(element):
            for rid in (element.get("rid") or "").split():
                if rid in by_id:
                    note_citation(by_id[rid], headings, methods, sentences.get(element))
                else:
                    missing.setdefault(rid, getattr(element, "sourceline", None))
            for ref in _spanned(element, refs, position):
                note_citation(ref, headings, methods, sentences.get(element))
        previous = None
        for child in element:
            if not isinstance(child.tag, str):  # a comment or processing instruction
                continue
            ends = _range_ends(previous, child) if previous is not None else None
            if ends is not None:
                for ref in _between(refs, position, *ends):
                    note_citation(ref, headings, methods, sentences.get(ends[0]))
            walk(child, headings, methods, sentences)
            previous = child

    walk(root, (), False, {})
    return list(missing.items())


def sniff(text: str) -> bool:
    """XML whose root is a JATS ``<article>`` or that holds a ``<ref-list>``."""
    head = text.lstrip()[:5000]
    return head.startswith("<") and (bool(re.search(r"<(article|ref-list)[\s>]", head))
                                      or "<ref-list" in text)


@reader("jats", extensions=(".xml", ".nxml"), sniff=sniff)
def read(text: str, path: str | None) -> Manuscript:
    """Read a JATS article (or a bare ``<ref-list>``): front matter and references."""
    root = parse_safely(text, path)
    elements: dict[Any, Reference] = {}
    ref_elements = [ref for ref_list in _descendants(root, "ref-list")
                    for ref in _children(ref_list, "ref")]
    # the citations that are only text share one style: detect it once for the list
    style = detect_style([text for text in map(_untagged_text, ref_elements) if text is not None])
    for ref in ref_elements:
        elements[ref] = _reference(ref, len(elements) + 1, path, style)
    refs = list(elements.values())
    front = read_front(root)
    problems: list[str] = []
    where = path or "<input>"
    for rid, line in _note_citing_sections(root, refs):
        problems.append(f"{where}:{line or '?'}: the text cites {rid!r}, but no <ref> in the "
                        "reference list has that id; correct the citation or add the reference.")
    problems += uncited_problems(refs, path, name=lambda r: (
        f"reference {r.index} ({r.location.element})" if r.location.element
        else f"reference {r.index}"))
    _ignore_comments_outside_refs(root, elements, path, problems)
    if not refs:
        problems.append(f"{path or '<input>'}: the XML has no <ref-list> with <ref> elements.")
    return Manuscript(path=path, format="jats", references=refs, title=front.get("title"),
                      abstract=front.get("abstract"), keywords=front.get("keywords", []),
                      doi=front.get("doi"), problems=problems)
