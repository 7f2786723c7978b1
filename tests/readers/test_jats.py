"""The JATS reader: element- and mixed-citations, front matter, and XML that must be refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from citelint.readers import InputError, detect_format, read_file, read_text

ARTICLE = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE article PUBLIC "-//NLM//DTD JATS (Z39.96) Journal Publishing DTD v1.2 20190208//EN"
  "JATS-journalpublishing1.dtd">
<article xmlns:xlink="http://www.w3.org/1999/xlink">
<front><article-meta>
<article-id pub-id-type="doi">10.22038/IJBMS.2025.88552.19121</article-id>
<title-group>
<article-title>Conditioned medium&nbsp;from <italic>MSCs</italic></article-title></title-group>
<abstract><p>Mesenchymal stem cells have emerged.</p><p>Second paragraph.</p></abstract>
<kwd-group><kwd>wound healing</kwd><kwd>secretome</kwd></kwd-group>
</article-meta></front>
<back><ref-list><title>References</title>
<ref id="B1"><label>1</label>
<element-citation publication-type="journal">
<person-group person-group-type="author">
<name><surname>Zhu</surname><given-names>Q</given-names></name>
<name><surname>Liao</surname><given-names>Y</given-names></name><etal/>
</person-group>
<person-group person-group-type="editor"><name><surname>Editor</surname></name></person-group>
<article-title>Compact bone mesenchymal stem cells</article-title>
<source>Biochem Biophys Res Commun</source><year>2024</year><volume>727</volume>
<elocation-id>150313</elocation-id>
<pub-id pub-id-type="doi">10.1016/J.BBRC.2024.150313</pub-id>
<pub-id pub-id-type="pmid">39012345</pub-id>
</element-citation></ref>
<ref id="B2"><mixed-citation publication-type="journal"><string-name><surname>Guo</surname>
<given-names>X</given-names></string-name>, <collab>The MSC Group</collab>. <article-title>Effects
</article-title>. <source>Cells</source> <year>2022</year>;<volume>11</volume>(<issue>7</issue
>):<fpage>1198</fpage>&#x2013;<lpage>1221</lpage>.</mixed-citation></ref>
<ref id="B3"><mixed-citation>Wu S, Sun S, Fu W. The role and prospects of mesenchymal stem cells
in skin repair and regeneration. Biomedicines 2024; 12:743-763.</mixed-citation></ref>
</ref-list></back></article>
"""


def test_element_citation_fields() -> None:
    ref = read_text(ARTICLE, "jats", "a.xml").references[0]
    assert (ref.author_names, ref.et_al) == (["Zhu Q", "Liao Y"], True)
    assert (ref.title, ref.journal, ref.year, ref.volume) == (
        "Compact bone mesenchymal stem cells", "Biochem Biophys Res Commun", 2024, "727")
    assert (ref.article_number, ref.first_page, ref.pages) == ("150313", None, "150313")
    assert (ref.doi, ref.pmid, ref.type) == ("10.1016/j.bbrc.2024.150313", "39012345", "article")


def test_structured_mixed_citation_keeps_its_printed_text() -> None:
    ref = read_text(ARTICLE, "jats", "a.xml").references[1]
    assert ref.author_names == ["Guo X", "The MSC Group"]
    assert (ref.title, ref.journal, ref.year, ref.volume, ref.issue) == (
        "Effects", "Cells", 2022, "11", "7")
    assert (ref.first_page, ref.last_page) == ("1198", "1221")
    assert ref.raw == "Guo X, The MSC Group. Effects . Cells 2022;11(7):1198–1221."


def test_unstructured_mixed_citation_is_parsed_as_text() -> None:
    ref = read_text(ARTICLE, "jats", "a.xml").references[2]
    assert ref.author_names == ["Wu S", "Sun S", "Fu W"]
    assert (ref.journal, ref.year, ref.volume, ref.first_page, ref.last_page) == (
        "Biomedicines", 2024, "12", "743", "763")


def test_references_are_located_by_id_and_source_line() -> None:
    refs = read_text(ARTICLE, "jats", "a.xml").references
    assert [(r.index, r.location.element, r.location.line) for r in refs] == [
        (1, "B1", 13), (2, "B2", 26), (3, "B3", 30)]
    assert refs[0].location.describe() == "a.xml:13 [B1]"


def test_front_matter_gives_title_abstract_keywords_and_doi() -> None:
    manuscript = read_text(ARTICLE, "jats", "a.xml")
    assert manuscript.title == "Conditioned medium from MSCs"
    assert manuscript.abstract == "Mesenchymal stem cells have emerged. Second paragraph."
    assert manuscript.keywords == ["wound healing", "secretome"]
    assert manuscript.doi == "10.22038/ijbms.2025.88552.19121"


def test_a_ref_without_a_citation_is_a_located_parse_error() -> None:
    text = ('<article><back><ref-list><ref id="R9"><note>see above</note></ref></ref-list>'
            "</back></article>")
    ref = read_text(text, "jats", "a.xml").references[0]
    assert ref.parse_error and ref.location.element == "R9"


BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<article><back><ref-list><ref id="B1"><mixed-citation>&lol9;</mixed-citation></ref></ref-list>
</back></article>
"""


def test_billion_laughs_is_refused_without_expansion(tmp_path: Path) -> None:
    path = tmp_path / "bomb.xml"
    path.write_text(BILLION_LAUGHS, encoding="utf-8")
    with pytest.raises(InputError) as error:
        read_file(path)
    assert str(error.value).startswith(f"{path}: the XML declares entities")
    assert "lollol" not in str(error.value)


@pytest.mark.parametrize("declaration", [
    '<!ENTITY secret SYSTEM "{uri}">',
    '<!ENTITY % secret SYSTEM "{uri}"> %secret;',
])
def test_external_entities_are_refused_and_never_read(tmp_path: Path, declaration: str) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-CONTENT", encoding="utf-8")
    entity = "&secret;" if "%" not in declaration else "x"
    text = (f'<?xml version="1.0"?>\n<!DOCTYPE article [{declaration.format(uri=secret.as_uri())}]>'
            f'\n<article><back><ref-list><ref id="B1"><mixed-citation>{entity}</mixed-citation>'
            "</ref></ref-list></back></article>\n")
    path = tmp_path / "xxe.xml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as error:
        read_file(path)
    assert str(path) in str(error.value)
    assert "TOP-SECRET-CONTENT" not in str(error.value)


def test_etc_passwd_entity_is_refused() -> None:
    text = ('<?xml version="1.0"?>\n<!DOCTYPE a [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'
            "<article><back><ref-list><ref><mixed-citation>&xxe;</mixed-citation></ref>"
            "</ref-list></back></article>")
    with pytest.raises(InputError, match="refused") as error:
        read_text(text, "jats", "evil.xml")
    assert "root:" not in str(error.value)


def test_broken_xml_is_refused_with_file_and_line() -> None:
    text = "<article>\n<back>\n<ref-list><ref></ref-list>\n</back></article>\n"
    with pytest.raises(InputError, match=r"^broken\.xml:3:\d+: not well-formed XML"):
        read_text(text, "jats", "broken.xml")


def test_jats_is_detected_by_extension_and_content() -> None:
    assert detect_format("", "article.nxml") == "jats"
    assert detect_format(ARTICLE, None) == "jats"


def test_the_fixture_reads() -> None:
    manuscript = read_file(Path(__file__).parents[2] / "fixtures" / "formats" / "article.xml")
    assert len(manuscript.references) == 5
    assert all(r.parse_error is None for r in manuscript.references)
    assert manuscript.keywords == ["Mesenchymal stem cells", "Conditioned medium",
                                   "Wound healing"]


def test_a_citelint_ignore_comment_accepts_findings_on_its_ref() -> None:
    text = ARTICLE.replace(
        '<ref id="B3"><mixed-citation>Wu S,',
        '<ref id="B3"><!-- citelint-ignore: doi-missing: no DOI was ever registered -->'
        '<mixed-citation>Wu S, <!-- citelint-ignore: journal-abbreviation -->')
    refs = read_text(text, "jats", "a.xml").references
    assert [r.suppressions for r in refs[:2]] == [[], []]
    assert [(s.rule, s.reason) for s in refs[2].suppressions] == [
        ("doi-missing", "no DOI was ever registered"), ("journal-abbreviation", "")]
    assert "citelint" not in refs[2].raw
    assert (refs[2].journal, refs[2].year) == ("Biomedicines", 2024)


def test_each_reference_records_the_sections_that_cite_it() -> None:
    body = """<body>
<sec sec-type="intro"><title>Introduction</title><p>Known <xref ref-type="bibr" rid="B1">1</xref>.
</p></sec>
<sec sec-type="methods"><title>Experimental</title>
<sec><title>Image analysis</title><p>Segmented with <xref ref-type="bibr" rid="B2 B3">2,3</xref>.
</p></sec></sec>
<sec><title>Statistical analysis</title><p>As in <xref ref-type="bibr" rid="B3">3</xref>.</p></sec>
<sec><title>Discussion</title><p>Again <xref ref-type="bibr" rid="B1">1</xref>, and
<xref ref-type="fig" rid="B2">a figure</xref>, <xref ref-type="bibr" rid="B9">a missing id</xref>.
</p></sec></body>"""
    text = ARTICLE.replace("</front>", "</front>" + body).replace(
        "<p>Second paragraph.</p>", '<p>Second <xref ref-type="bibr" rid="B1">1</xref>.</p>')
    refs = read_text(text, "jats", "a.xml").references
    assert [(c.heading, c.methods) for c in refs[0].cited_in] == [
        ("Abstract", False), ("Introduction", False), ("Discussion", False)]
    assert [(c.heading, c.methods) for c in refs[1].cited_in] == [
        ("Experimental > Image analysis", True)]
    assert [(c.heading, c.methods) for c in refs[2].cited_in] == [
        ("Experimental > Image analysis", True), ("Statistical analysis", True)]
    assert [c.excerpt for c in refs[0].cited_in] == ["Second 1.", "Known 1.", "Again 1, and a "
                                                     "figure, a missing id."]
    assert refs[2].cited_in[0].excerpt == "Segmented with 2,3."


def test_a_bare_reference_list_records_no_citing_sections() -> None:
    manuscript = read_text(ARTICLE, "jats", "a.xml")
    assert all(r.cited_in == [] for r in manuscript.references)
    assert manuscript.problems == []  # no text: nothing is said to be uncited


def test_the_text_citing_a_missing_id_or_never_citing_a_ref_is_reported() -> None:
    body = ('<body><sec><title>Introduction</title><p>Known <xref ref-type="bibr" rid="B1">1'
            '</xref>, <xref ref-type="bibr" rid="B2 B9">2, 9</xref>.</p></sec></body>')
    problems = read_text(ARTICLE.replace("</front>", "</front>" + body), "jats",
                         "a.xml").problems
    assert len(problems) == 2
    assert "the text cites 'B9', but no <ref> in the reference list has that id" in problems[0]
    assert problems[1].endswith(": reference 3 (B3) is in the list, but the text never cites it; "
                                "cite it where it is used, or remove it.")


def test_an_ignore_comment_just_before_a_ref_accepts_and_a_stray_one_is_reported() -> None:
    text = ARTICLE.replace(
        '<ref id="B2">', '<!-- citelint-ignore: doi-missing: none registered -->\n<ref id="B2">'
    ).replace("</ref-list>", "<!-- citelint-ignore: title-mismatch -->\n</ref-list>").replace(
        "<front>", "<front><!-- citelint-ignore: year-mismatch -->")
    manuscript = read_text(text, "jats", "a.xml")
    refs = manuscript.references
    assert [(s.rule, s.reason) for s in refs[1].suppressions] == [
        ("doi-missing", "none registered")]
    assert refs[0].suppressions == [] and refs[2].suppressions == []
    assert len(manuscript.problems) == 2
    assert all("citelint-ignore comment is not on or just before a reference" in p
               for p in manuscript.problems)
    lines = text.split("\n")
    expected = [str(next(n for n, line in enumerate(lines, 1) if rule in line))
                for rule in ("year-mismatch", "title-mismatch")]
    assert [p.split(":")[1] for p in manuscript.problems] == expected


# --- structures met in real articles (issue #13) ----------------------------------------------

NLM_CITATION = """<article><back><ref-list>
<ref id="pbio-0020001-b1"><label>1</label><nlm-citation citation-type="journal">
<person-group person-group-type="author"><name><surname>Abrams</surname><given-names>PA
</given-names></name><name><surname>Matsuda</surname><given-names>H</given-names></name></person-group>
<year>1997</year><article-title>Prey adaptation as a cause of predator-prey cycles</article-title>
<source>Evolution</source><volume>51</volume><fpage>1742</fpage><lpage>1750</lpage>
</nlm-citation></ref>
</ref-list></back></article>"""


def test_an_nlm_citation_of_the_nlm_2_dtd_is_read_field_by_field() -> None:
    ref = read_text(NLM_CITATION, "jats", "plos.xml").references[0]
    assert ref.parse_error is None
    assert (ref.author_names, ref.year, ref.journal, ref.volume) == (
        ["Abrams PA", "Matsuda H"], 1997, "Evolution", "51")
    assert (ref.title, ref.first_page, ref.last_page) == (
        "Prey adaptation as a cause of predator-prey cycles", "1742", "1750")


SCIELO = """<article><back><ref-list>
<ref id="B1"><mixed-citation>1. Silva JA, Costa MB. Avaliação da qualidade do sono em idosos.
Rev Saude Publica. 2012;46(3):451-8. [citado 2014 mar 3]. Disponível em: http://x.org/a
</mixed-citation><element-citation publication-type="journal"><person-group
person-group-type="author"><name><surname>Silva</surname><given-names>JA</given-names></name>
<name><surname>Costa</surname><given-names>MB</given-names></name></person-group>
<article-title>Avaliação da qualidade do sono em idosos</article-title>
<source>Rev Saude Publica</source><year>2012</year><volume>46</volume><issue>3</issue>
<fpage>451</fpage><lpage>458</lpage></element-citation></ref>
</ref-list></back></article>"""


def test_a_tagged_element_citation_wins_over_an_untagged_mixed_citation_beside_it() -> None:
    ref = read_text(SCIELO, "jats", "scielo.xml").references[0]
    assert (ref.author_names, ref.title, ref.year) == (
        ["Silva JA", "Costa MB"], "Avaliação da qualidade do sono em idosos", 2012)
    assert (ref.journal, ref.volume, ref.issue, ref.pages) == (
        "Rev Saude Publica", "46", "3", "451-458")
    assert ref.raw.startswith("1. Silva JA, Costa MB.")  # the printed text stays the raw one


def _ranged_article(citations: str) -> str:
    refs = "".join(f'<ref id="B{n}"><element-citation><person-group><name><surname>A{n}</surname>'
                   f'</name></person-group><article-title>Work {n}</article-title><year>2001'
                   f'</year></element-citation></ref>' for n in range(1, 13))
    return (f"<article><body><sec><title>Introduction</title><p>Known before {citations}.</p>"
            f"</sec></body><back><ref-list>{refs}</ref-list></back></article>")


@pytest.mark.parametrize("citations", [
    '<xref ref-type="bibr" rid="B1">1</xref>, <xref ref-type="bibr" rid="B7">7</xref>\u2013'
    '<xref ref-type="bibr" rid="B12">12</xref>',
    '<sup><xref ref-type="bibr" rid="B1">1</xref>,<xref ref-type="bibr" rid="B7">7</xref>-'
    '<xref ref-type="bibr" rid="B12">12</xref></sup>',
    '<xref ref-type="bibr" rid="B1">1</xref>, <sup><xref ref-type="bibr" rid="B7">7</xref></sup>'
    ' \u2014 <sup><xref ref-type="bibr" rid="B12">12</xref></sup>',
])
def test_a_range_of_citations_cites_every_reference_between_its_ends(citations: str) -> None:
    manuscript = read_text(_ranged_article(citations), "jats", "a.xml")
    cited = [r.location.element for r in manuscript.references if r.cited_in]
    assert cited == ["B1", "B7", "B8", "B9", "B10", "B11", "B12"]
    uncited = [p.split("(")[1].split(")")[0] for p in manuscript.problems if "never cites" in p]
    assert uncited == ["B2", "B3", "B4", "B5", "B6"]
    assert manuscript.references[8].cited_in[0].excerpt.startswith("Known before")


def test_citations_separated_by_a_comma_are_no_range() -> None:
    manuscript = read_text(_ranged_article(
        '<xref ref-type="bibr" rid="B7">7</xref>, <xref ref-type="bibr" rid="B12">12</xref>'),
        "jats", "a.xml")
    assert [r.location.element for r in manuscript.references if r.cited_in] == ["B7", "B12"]


def test_one_citation_printing_a_range_cites_the_references_it_spans() -> None:
    # PLOS (journal.pmed.0030132): [<xref rid="pmed-0030132-b8">8–10</xref>]
    manuscript = read_text(_ranged_article(
        '<xref ref-type="bibr" rid="B1">1</xref>, <xref ref-type="bibr" rid="B8">8\u201310</xref>'),
        "jats", "a.xml")
    assert [r.location.element for r in manuscript.references if r.cited_in] == [
        "B1", "B8", "B9", "B10"]


def test_a_printed_range_that_does_not_follow_the_list_order_spans_nothing() -> None:
    manuscript = read_text(_ranged_article(
        '<xref ref-type="bibr" rid="B8">3\u20135</xref>'), "jats", "a.xml")
    assert [r.location.element for r in manuscript.references if r.cited_in] == ["B8"]


NATURE_REF_LIST = """<ref-list>
<ref id="r1"><mixed-citation>Keller, P. &amp; Ortiz, L. Widget growth in cold soils.
 <italic>Soil Biol. Biochem.</italic> <bold>12</bold>, 45&#x2013;67 (2020).</mixed-citation></ref>
<ref id="r2"><mixed-citation>Brandt, S., Lee, A. &amp; Kim, D. A survey of gadgets, sprockets
 and cogs. <italic>Nat. Mech.</italic> <bold>3</bold>, 101&#x2013;110 (2019).</mixed-citation></ref>
<ref id="r3"><mixed-citation>Nguyen, T. Cogs. <italic>Mech. Rev.</italic> <bold>8</bold>,
 1&#x2013;9 (2018).</mixed-citation></ref>
<ref id="r4"><element-citation><person-group><name><surname>Lee</surname>
 <given-names>A</given-names></name></person-group><article-title>Tagged</article-title>
 <source>J Tag</source><year>2001</year></element-citation></ref>
</ref-list>"""


def test_untagged_mixed_citations_are_read_with_the_lists_detected_style() -> None:
    # read one at a time, these Nature-style citations lose their title to the author list
    refs = read_text(NATURE_REF_LIST, "jats", "a.xml").references
    assert [r.title for r in refs] == ["Widget growth in cold soils",
                                       "A survey of gadgets, sprockets and cogs", "Cogs", "Tagged"]
    assert [(r.journal, r.volume, r.year) for r in refs[:3]] == [
        ("Soil Biol. Biochem", "12", 2020), ("Nat. Mech", "3", 2019), ("Mech. Rev", "8", 2018)]
