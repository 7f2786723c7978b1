"""Journal macros of astronomy bibliographies: ``\\apj``, ``\\aap``, ``\\mnras``...

ADS exports BibTeX with ``journal = {\\apj}``, and AAS-style ``\\bibitem`` lists write
``\\apj, 500, L1``: the macros are defined by the AASTeX class, which citelint never runs, so
without this table the journal comes out empty. The table (``citelint/data/aas_journal_macros.tsv``)
is the list ADS publishes for them; each macro stands for the journal it abbreviates, written in
full, since a cited journal is compared with the record's full title. Loaded on first use.
"""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources

_MACRO = re.compile(r"\\([A-Za-z]+)(?![A-Za-z])\s*")


@lru_cache(maxsize=1)
def _journals() -> dict[str, str]:
    table = resources.files("citelint.data").joinpath("aas_journal_macros.tsv")
    journals = {}
    rows = [line.split("\t") for line in table.read_text("utf-8").splitlines()
            if line and not line.startswith("#")]
    for macro, _prints, journal in rows[1:]:  # the first row names the columns
        journals[macro] = journal
    return journals


def journal_of_macro(name: str) -> str | None:
    """The journal an AAS macro (``apj``, without its backslash) stands for, or None."""
    return _journals().get(name)


def expand_journal_macros(latex: str) -> str:
    """LaTeX with each AAS journal macro replaced by its journal (other macros left alone):
    ``{\\apj}`` gives ``{Astrophysical Journal}``."""
    if "\\" not in latex:
        return latex

    def replace(match: re.Match[str]) -> str:
        journal = journal_of_macro(match.group(1))
        if journal is None:
            return match.group(0)
        return journal + (" " if match.group(0)[-1:].isspace() else "")

    return _MACRO.sub(replace, latex)
