"""Adversarial inputs for the readers and the citation parser, timed.

Each case is a text that a super-linear (backtracking or quadratic) step would take minutes or
hours on; the figures in docs/benchmarks.md come from running this script. Cases marked
``from #17`` are the ones the hostile-input review reported (34 s to more than 180 s before).

    python bench/adversarial.py            # every case, at the sizes below
    python bench/adversarial.py --scale 2  # twice as large: linear cases take about twice as long
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from citelint.citation import GRAMMARS, parse_citation, parse_styled  # noqa: E402
from citelint.models import Location, Reference  # noqa: E402
from citelint.readers import InputError, read_file, read_text  # noqa: E402
from citelint.sources.transport import SCRUB  # noqa: E402

JATS = ('<article><front><article-meta><title-group><article-title>T</article-title>'
        '</title-group></article-meta></front><body><sec><title>Introduction</title><p>'
        'As shown <xref ref-type="bibr" rid="B1">1</xref> {filler}</p></sec></body><back>'
        '<ref-list><ref id="B1"><mixed-citation>Smith J. A title of a work. Nature. '
        '2020;1:2.</mixed-citation></ref></ref-list></back></article>')
LATEX = ("\\documentclass{{article}}\\begin{{document}}\\section{{Introduction}}\n"
         "As shown \\cite{{a}} {filler}\n\\begin{{thebibliography}}{{1}}\n"
         "\\bibitem{{a}} Smith J. A title of a work. Nature. 2020;1:2.\n"
         "\\end{{thebibliography}}\\end{{document}}\n")
MARKDOWN = ("# Introduction\n\nAs shown [1] {filler}\n\n# References\n\n"
            "1. Smith J. A title of a work. Nature. 2020;1:2.\n")


def _reader(fmt: str, text: str) -> Callable[[], object]:
    def run() -> object:
        try:
            return read_text(text, fmt, f"adversarial.{fmt}")
        except InputError as exc:  # a documented limit is an acceptable way to stop
            return exc
    return run


def _fan_out(levels: int) -> Callable[[], object]:
    """``levels`` files, each \\input-ing the next three times (3**levels inclusions unbounded;
    from #17: 13 files took 441 s and raised 177,147 problems)."""
    def run() -> object:
        with tempfile.TemporaryDirectory() as folder:
            base = Path(folder)
            for level in range(levels):
                (base / f"l{level}.tex").write_text(f"\\input{{l{level + 1}}}" * 3, "utf-8")
            (base / f"l{levels}.tex").write_text("text", "utf-8")
            (base / "paper.tex").write_text(LATEX.format(filler="\\input{l0}"), "utf-8")
            return read_file(base / "paper.tex")
    return run


def _citation(text: str) -> Callable[[], object]:
    return lambda: parse_citation(text, 1, Location())


def _every_style(text: str) -> Callable[[], object]:
    """``text`` read with each style family's grammar as it is (:func:`parse_styled` is public,
    and does not collapse white space itself; the readers do before they call it)."""
    return lambda: [parse_styled(Reference(index=1, raw=text), text, style)
                    for style in GRAMMARS]


def spaced(text: str, run: int) -> str:
    """``text`` with every space made a run of ``run`` spaces."""
    return text.replace(" ", " " * run)


def cases(scale: float = 1.0) -> dict[str, Callable[[], object]]:
    """Name -> a call that reads one adversarial input."""
    n = int(20_000 * scale)
    return {
        "text list '1. x' x 20,000 (from #17)": _reader("text", "1. x\n" * n),
        "one citation holding '. ' x 50,000 (from #17)": _reader(
            "text", "1. Smith J. " + ". " * int(50_000 * scale) + "Nature. 2020;1:2.\n"),
        "JATS citation then 'see Fig. A ' x 20,000 (from #17)": _reader(
            "jats", JATS.format(filler="see Fig. A " * n)),
        "LaTeX citation then 'see Fig. A ' x 20,000": _reader(
            "latex", LATEX.format(filler="see Fig. A " * n)),
        "Markdown citation then 'see Fig. A ' x 20,000": _reader(
            "markdown", MARKDOWN.format(filler="see Fig. A " * n)),
        "LaTeX paragraph of 5,000 citations": _reader(
            "latex", LATEX.format(filler="Also \\cite{a}. " * (n // 4))),
        "Markdown paragraph of 5,000 citations": _reader(
            "markdown", MARKDOWN.format(filler="Also [1]. " * (n // 4))),
        "JATS paragraph of 5,000 citations": _reader(
            "jats", JATS.format(filler='Also <xref ref-type="bibr" rid="B1">1</xref>. '
                                * (n // 4))),
        "one reference wrapped over 20,000 lines": _reader(
            "text", "References\n1. Smith J. A title of a work. Nature. 2020;1:2.\n"
            + "continued\n" * n),
        "RIS pages '1' then '-' x 20,000": _reader(
            "ris", "TY  - JOUR\nTI  - A title\nSP  - 1" + "-" * n + "\nER  - \n"),
        "Markdown '[@a' x 20,000 on one line": _reader(
            "markdown", MARKDOWN.format(filler="[@a" * n)),
        "Markdown '<!--' x 20,000, never closed": _reader(
            "markdown", MARKDOWN.format(filler="<!--" * n)),
        "LaTeX '\\cite[' x 20,000, never closed": _reader(
            "latex", LATEX.format(filler="\\cite[" * n)),
        "LaTeX '\\cites{a}[' x 20,000": _reader("latex", LATEX.format(filler="\\cites{a}[" * n)),
        "LaTeX '\\section{' x 20,000, never closed": _reader(
            "latex", LATEX.format(filler="\\section{" * n)),
        "LaTeX '\\bibitem[' x 20,000, never closed": _reader(
            "latex", LATEX.format(filler="\\bibitem[" * n)),
        "BibTeX title of '\\section[' x 25 (pylatexenc: exponential)": _reader(
            "bibtex", "@article{a, title={" + "\\section[" * 25 + "}, year={2020}}\n"),
        "LaTeX \\input fan-out over 13 files (from #17)": _fan_out(13),
        "citation '..' x 20,000 then '!'": _citation("Smith J. " + ".." * n + "!"),
        "citation '(2020). ' x 20,000": _citation("Smith J, Doe A. " + "(2020). " * n),
        "citation ', ' x 20,000 then '!'": _citation(", " * n + "!"),
        # runs of white space: the style tails and the author-date year pattern tried every
        # position of a run (the Nature tail took 56 s on two runs of 20,000 spaces)
        "every style's grammar on runs of 50,000 spaces": _every_style(
            spaced("Smith J (2020) A title. Nature 12, 3-4 (2020", int(50_000 * scale))),
        "text list: a citation with runs of 50,000 spaces": _reader(
            "text", spaced("1. Smith J, Doe A (2020). A title. Nature 12, 3-4 (2020).\n",
                           int(50_000 * scale))),
        "JATS mixed-citation with runs of 50,000 spaces": _reader(
            "jats", JATS.replace("Smith J. A title of a work. Nature. 2020;1:2.", spaced(
                "Smith J (2020) A title. Nature 12, 3-4 (2020", int(50_000 * scale)))),
        "LaTeX \\cites{a} then 100,000 spaces before each further group": _reader(
            "latex", LATEX.format(filler="\\cites{a}" + " " * (5 * n) + "[see]"
                                  + " " * (5 * n) + "{b}")),
        "a redirect address of 'a.' x 100,000 scrubbed of credentials": lambda: SCRUB(
            "http://" + "a." * (5 * n) + "/x"),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--only", help="run the cases whose name contains this")
    args = parser.parse_args()
    for name, run in cases(args.scale).items():
        if args.only and args.only not in name:
            continue
        started, cpu = time.perf_counter(), time.process_time()
        run()
        print(f"{time.perf_counter() - started:8.2f} s {time.process_time() - cpu:8.2f} s CPU  "
              f"{name}", flush=True)


if __name__ == "__main__":
    main()
