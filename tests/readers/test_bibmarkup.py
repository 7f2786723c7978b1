"""Decoding the markup BibTeX styles write into \\bibitem text (revtex, natbib, AAS)."""

from __future__ import annotations

from citelint.readers.bibmarkup import decode_bibitem, tagged_fields
from citelint.readers.bibtex import decode_latex


def test_links_keep_their_label_and_a_doi_link_becomes_a_doi() -> None:
    text = r"\href {\doibase 10.1086/182804} {\bibinfo {journal} {ApJ}} \href@noop {} {x}"
    assert decode_latex(decode_bibitem(text)) == "ApJ doi:10.1086/182804 x"


def test_item_open_and_shut_print_nothing_or_a_stop() -> None:
    assert decode_bibitem(r"\BibitemOpen A\BibitemShut {NoStop}") == "A"
    assert decode_bibitem(r"\BibitemOpen A\BibitemShut {Stop}") == "A."


def test_tagged_fields_read_names_and_fields_as_written() -> None:
    body = (r"\bibinfo {author} {\bibfnamefont {W.~K.}\ \bibnamefont {{Ford}}, \bibfnamefont "
            r"{Jr.}} and \bibinfo {author} {LIGO Collaboration} \bibinfo {journal} {\mnras} "
            r"\bibinfo {year} {2003} \bibinfo {number} {4}")
    assert tagged_fields(body) == {
        "author": [{"family": "Ford", "given": "W. K."}, {"literal": "LIGO Collaboration"}],
        "container-title": "Monthly Notices of the Royal Astronomical Society",
        "issued": {"raw": "2003"}, "issue": "4"}


def test_text_without_tags_has_no_tagged_fields() -> None:
    assert tagged_fields("Smith, J. 2001, ApJ, 500, L1") == {}
