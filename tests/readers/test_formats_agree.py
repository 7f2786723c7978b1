"""One reference list, written in every input format, must read back as the same fields.

The list is a handful of references from the seed manuscript chosen for the hard cases: an
article number, a page range, supplement pages, an e-locator, "et al.", a DOI, hyphenated
initials, a two-word family name and non-ASCII names. Each format is rendered here from the
same data, the way a tool exporting that format would write it.
"""

from __future__ import annotations

import json
from pathlib import Path
from xml.sax.saxutils import escape

import pytest
from pylatexenc.latexencode import unicode_to_latex

from citelint.models import Reference
from citelint.normalize import split_name
from citelint.readers import read_file

# (family, given) pairs; et_al; title; journal; year; volume; issue; pages; article number; doi
REFERENCES = [
    {"authors": [("Zhu", "Qian"), ("Liao", "Yi"), ("Liao", "Zhen"), ("Ye", "Gang"),
                 ("Shan", "Chun"), ("Huang", "Hui")], "et_al": False,
     "title": "Compact bone mesenchymal stem cells-derived paracrine mediators for cell-free "
              "therapy in sepsis",
     "journal": "Biochem Biophys Res Commun", "year": 2024, "volume": "727", "issue": None,
     "pages": None, "article": "150313", "doi": None},
    {"authors": [("Guo", "Xiaolei"), ("Schaudinn", "Christoph"), ("Blume-Peytavi", "Ulrike"),
                 ("Vogt", "Annika"), ("Rancan", "Fiorenza")], "et_al": False,
     "title": "Effects of adipose-derived stem cells and their conditioned medium in a human ex "
              "vivo wound model",
     "journal": "Cells", "year": 2022, "volume": "11", "issue": "7", "pages": ("1198", "1221"),
     "article": None, "doi": "10.3390/cells11071198"},
    {"authors": [("Djavid", "G. E."), ("Tabaie", "S. M."), ("Tajali", "S. B."),
                 ("Totounchi", "M."), ("Farhoud", "A."), ("Fateh", "M.")], "et_al": True,
     "title": "Application of a collagen matrix dressing on a neuropathic diabetic foot ulcer: "
              "A randomised control trial",
     "journal": "J Wound Care", "year": 2020, "volume": "29", "issue": None,
     "pages": ("S13", "S18"), "article": None, "doi": None},
    {"authors": [("Li", "Yu-Jie"), ("Xu", "Qi-Wen"), ("Xu", "Chun-Hui"), ("Li", "Wei-Min")],
     "et_al": False,
     "title": "MSC promotes the secretion of exosomal miR-34a-5p and improve intestinal barrier "
              "function through METTL3-mediated pre-miR-34A m6A modification",
     "journal": "Mol Neurobiol", "year": 2022, "volume": "59", "issue": None,
     "pages": ("5222", "5235"), "article": None, "doi": None},
    {"authors": [("Kol", "A."), ("Wood", "J. A."), ("Carrade Holt", "D. D."),
                 ("Gillette", "J. A."), ("Bohannon-Worsley", "L. K."), ("Puchalski", "S. M.")],
     "et_al": True,
     "title": "Multiple intravenous injections of allogeneic equine mesenchymal stem cells do "
              "not induce a systemic inflammatory response but do alter lymphocyte subsets in "
              "healthy horses",
     "journal": "Stem Cell Res Ther", "year": 2015, "volume": "6", "issue": None,
     "pages": ("73", "81"), "article": None, "doi": None},
    {"authors": [("Clabaut", "A."), ("Grare", "C."), ("Léger", "T."), ("Hardouin", "P."),
                 ("Broux", "O.")], "et_al": False,
     "title": "Variations of secretome profiles according to conditioned medium preparation: "
              "The example of human mesenchymal stem cell-derived adipocytes",
     "journal": "Electrophoresis", "year": 2015, "volume": "36", "issue": None,
     "pages": ("2587", "2593"), "article": None, "doi": None},
    {"authors": [("Smolinska", "V."), ("Boháč", "M."), ("Danisovic", "L.")], "et_al": False,
     "title": "Current status of the applications of conditioned media derived from "
              "mesenchymal stem cells for regenerative medicine",
     "journal": "Physiol Res", "year": 2023, "volume": "72", "issue": None,
     "pages": ("S233", "S245"), "article": None, "doi": None},
    {"authors": [("Katagiri", "W."), ("Sakaguchi", "K."), ("Kawai", "T."), ("Wakayama", "Y."),
                 ("Osugi", "M."), ("Hibi", "H.")], "et_al": False,
     "title": "A defined mix of cytokines mimics conditioned medium from cultures of bone "
              "marrow-derived mesenchymal stem cells and elicits bone regeneration",
     "journal": "Cell Prolif", "year": 2017, "volume": "50", "issue": None,
     "pages": ("e12333", None), "article": None, "doi": "10.1111/cpr.12333"},
    {"authors": [("Arasu", "U. T."), ("Kärnä", "R."), ("Härkönen", "K."), ("Oikari", "S."),
                 ("Koistinen", "A."), ("Kröger", "H.")], "et_al": True,
     "title": "Human mesenchymal stem cells secrete hyaluronan-coated extracellular vesicles",
     "journal": "Matrix Biol", "year": 2017, "volume": "64", "issue": None,
     "pages": ("54", "68"), "article": None, "doi": None},
]

KEYS = [f"ref{n}" for n in range(1, len(REFERENCES) + 1)]


def _initials(given: str) -> str:
    return "".join(part[0] + ("-" if part.endswith("-") else "")
                   for part in given.replace("-", "- ").replace(".", " ").split())


def _vancouver(ref: dict, latex: bool = False) -> str:
    names = [f"{family} {_initials(given)}" for family, given in ref["authors"]]
    if ref["et_al"]:
        names.append("et~al." if latex else "et al.")
    first, last = ref["pages"] or (ref["article"], None)
    dash = "--" if latex else "-"
    pages = f"{first}{dash}{last}" if last else first
    issue = f"({ref['issue']})" if ref["issue"] else ""
    text = (f"{', '.join(names)}. {ref['title']}. {ref['journal']} {ref['year']}; "
            f"{ref['volume']}{issue}:{pages}.")
    if ref["doi"]:
        text += f" doi:{ref['doi']}"
    return unicode_to_latex(text, non_ascii_only=True) if latex else text


def render_text() -> str:
    lines = ["A manuscript", "", "References", ""]
    lines += [f"{n}. {_vancouver(ref)}" for n, ref in enumerate(REFERENCES, start=1)]
    return "\n".join(lines) + "\n"


def render_bibtex() -> str:
    out = []
    for key, ref in zip(KEYS, REFERENCES, strict=True):
        names = [f"{unicode_to_latex(f, non_ascii_only=True)}, {g}" for f, g in ref["authors"]]
        if ref["et_al"]:
            names.append("others")
        fields = {"author": " and ".join(names), "title": ref["title"],
                  "journal": ref["journal"], "year": str(ref["year"]), "volume": ref["volume"]}
        if ref["issue"]:
            fields["number"] = ref["issue"]
        if ref["pages"]:
            first, last = ref["pages"]
            fields["pages"] = f"{first}--{last}" if last else first
        if ref["article"]:
            fields["eid"] = ref["article"]
        if ref["doi"]:
            fields["doi"] = ref["doi"]
        body = ",\n".join(f"  {k} = {{{v}}}" for k, v in fields.items())
        out.append(f"@article{{{key},\n{body}\n}}\n")
    return "\n".join(out)


def render_ris() -> str:
    out = []
    for ref in REFERENCES:
        lines = ["TY  - JOUR"]
        lines += [f"AU  - {family}, {given}" for family, given in ref["authors"]]
        if ref["et_al"]:
            lines.append("AU  - et al.")
        lines += [f"TI  - {ref['title']}", f"JO  - {ref['journal']}", f"PY  - {ref['year']}///",
                  f"VL  - {ref['volume']}"]
        if ref["issue"]:
            lines.append(f"IS  - {ref['issue']}")
        first, last = ref["pages"] or (ref["article"], None)
        lines.append(f"SP  - {first}")
        if last:
            lines.append(f"EP  - {last}")
        if ref["doi"]:
            lines.append(f"DO  - https://doi.org/{ref['doi']}")
        lines.append("ER  - ")
        out.append("\n".join(lines))
    return "\n\n".join(out) + "\n"


def render_csl() -> str:
    items = []
    for key, ref in zip(KEYS, REFERENCES, strict=True):
        item = {"id": key, "type": "article-journal",
                "author": [{"family": f, "given": g} for f, g in ref["authors"]],
                "title": ref["title"], "container-title": ref["journal"],
                "issued": {"date-parts": [[ref["year"]]]}, "volume": ref["volume"]}
        if ref["et_al"]:
            item["author"].append({"literal": "et al."})
        if ref["issue"]:
            item["issue"] = ref["issue"]
        if ref["pages"]:
            first, last = ref["pages"]
            item["page"] = f"{first}\u2013{last}" if last else first
        if ref["article"]:
            item["article-number"] = ref["article"]
        if ref["doi"]:
            item["DOI"] = ref["doi"]
        items.append(item)
    return json.dumps(items, indent=2, ensure_ascii=False)


def render_jats() -> str:
    refs = []
    for n, (key, ref) in enumerate(zip(KEYS, REFERENCES, strict=True)):
        if n % 3 == 2:  # every third one as a typeset, unstructured mixed-citation
            refs.append(f'<ref id="{key}"><label>{n + 1}</label>'
                        f"<mixed-citation>{escape(_vancouver(ref))}</mixed-citation></ref>")
            continue
        names = "".join(f"<name><surname>{escape(f)}</surname><given-names>"
                        f"{escape(_initials(g))}</given-names></name>" for f, g in ref["authors"])
        if ref["et_al"]:
            names += "<etal/>"
        parts = [f'<person-group person-group-type="author">{names}</person-group>',
                 f"<article-title>{escape(ref['title'])}</article-title>",
                 f"<source>{escape(ref['journal'])}</source>", f"<year>{ref['year']}</year>",
                 f"<volume>{ref['volume']}</volume>"]
        if ref["issue"]:
            parts.append(f"<issue>{ref['issue']}</issue>")
        if ref["pages"]:
            parts.append(f"<fpage>{ref['pages'][0]}</fpage>")
            if ref["pages"][1]:
                parts.append(f"<lpage>{ref['pages'][1]}</lpage>")
        if ref["article"]:
            parts.append(f"<elocation-id>{ref['article']}</elocation-id>")
        if ref["doi"]:
            parts.append(f'<pub-id pub-id-type="doi">{ref["doi"]}</pub-id>')
        refs.append(f'<ref id="{key}">\n<element-citation publication-type="journal">'
                    + "\n".join(parts) + "</element-citation>\n</ref>")
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<article><front><article-meta><title-group>'
            "<article-title>A manuscript</article-title></title-group></article-meta></front>\n"
            "<back><ref-list>\n" + "\n".join(refs) + "\n</ref-list></back></article>\n")


def render_bibitems() -> str:
    items = [f"\\bibitem{{{key}}} {_vancouver(ref, latex=True)}"
             for key, ref in zip(KEYS, REFERENCES, strict=True)]
    return ("\\documentclass{article}\n\\begin{document}\n\\begin{thebibliography}{99}\n"
            + "\n".join(items) + "\n\\end{thebibliography}\n\\end{document}\n")


def _write(tmp_path: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    return tmp_path / next(iter(files))


CITE_ALL = "Text citing " + ", ".join(f"[@{k}]" for k in KEYS) + ".\n"
FORMATS = {
    "text": lambda: {"manuscript.txt": render_text()},
    "bibtex": lambda: {"refs.bib": render_bibtex()},
    "ris": lambda: {"refs.ris": render_ris()},
    "csl-json": lambda: {"refs.json": render_csl()},
    "jats": lambda: {"article.xml": render_jats()},
    "latex-bibitem": lambda: {"paper.tex": render_bibitems()},
    "latex-bibtex": lambda: {
        "paper.tex": "\\documentclass{article}\\begin{document}\n"
                     f"See \\cite{{{','.join(KEYS)}}}.\n"
                     "\\bibliography{refs}\n\\end{document}\n",
        "refs.bib": render_bibtex()},
    "markdown-csl": lambda: {"paper.md": "---\ntitle: A manuscript\nbibliography: refs.json\n"
                                         "---\n\n" + CITE_ALL, "refs.json": render_csl()},
    "markdown-bibtex": lambda: {"paper.md": "---\nbibliography: [refs.bib]\n---\n\n" + CITE_ALL,
                                "refs.bib": render_bibtex()},
    "markdown-list": lambda: {"paper.md": "# A manuscript\n\n## References\n\n"
                                          + render_text().split("References\n\n")[1]},
}


def fields(ref: Reference) -> dict:
    """The fields every format must agree on."""
    return {"families": [split_name(a)[0] for a in ref.author_names], "et_al": ref.et_al,
            "title": ref.title, "journal": ref.journal, "year": ref.year, "volume": ref.volume,
            "issue": ref.issue, "pages": ref.pages, "doi": ref.doi}


def expected(ref: dict) -> dict:
    first, last = ref["pages"] or (ref["article"], None)
    return {"families": [f for f, _ in ref["authors"]], "et_al": ref["et_al"],
            "title": ref["title"], "journal": ref["journal"], "year": ref["year"],
            "volume": ref["volume"], "issue": ref["issue"],
            "pages": f"{first}-{last}" if last else first, "doi": ref["doi"]}


@pytest.mark.parametrize("name", FORMATS)
def test_every_format_reads_the_same_fields(tmp_path: Path, name: str) -> None:
    manuscript = read_file(_write(tmp_path, FORMATS[name]()))
    assert [r.index for r in manuscript.references] == list(range(1, len(REFERENCES) + 1))
    for ref, want in zip(manuscript.references, REFERENCES, strict=True):
        assert ref.parse_error is None, (name, ref.raw)
        assert fields(ref) == expected(want), (name, ref.raw)
        assert ref.location.line is not None or ref.location.element, name


@pytest.mark.parametrize("name", FORMATS)
def test_every_format_keeps_a_readable_raw_citation(tmp_path: Path, name: str) -> None:
    manuscript = read_file(_write(tmp_path, FORMATS[name]()))
    for ref, want in zip(manuscript.references, REFERENCES, strict=True):
        assert want["authors"][0][0] in ref.raw
        assert str(want["year"]) in ref.raw


SNAPSHOT = Path(__file__).resolve().parents[2] / "fixtures" / "seed" / "snapshot.jsonl"


def _findings(tmp_path: Path, name: str) -> list[tuple[int, str, list[tuple[str, str]]]]:
    """Status and findings per reference of the format ``name``, checked against the seed
    snapshot."""
    from citelint import check
    from citelint.config import Config
    from citelint.sources.snapshot import SnapshotSource

    folder = tmp_path / name
    folder.mkdir()
    manuscript = read_file(_write(folder, FORMATS[name]()))
    report = check(manuscript, config=Config(), sources=[SnapshotSource([SNAPSHOT])])
    return [(r.reference.index, r.status, sorted((f.rule, f.severity) for f in r.findings))
            for r in report.results]


def test_every_format_yields_the_findings_of_its_plain_text_twin(tmp_path: Path) -> None:
    twin = _findings(tmp_path, "text")
    assert ("pages-article-number", "error") in twin[1][2]  # Cells 11:1198-1221
    for name in FORMATS:
        if name != "text":
            assert _findings(tmp_path, name) == twin, name
