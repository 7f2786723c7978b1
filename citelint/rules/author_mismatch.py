"""author-mismatch: the cited authors differ from the record's.

**What it checks.** The cited author list, aligned name by name with the record's (compound
surnames cited in part still match; case, accents, "Ørsted"/"Orsted", "Müller"/"Mueller",
particles and swapped East Asian family and given names do not matter): family names one letter
off the record's ("Heelman" for "Heilman", "de Bter" for "de Boer"), names that are on no record
(e.g. a fragment of the journal title such as "Physics C." read as an author), names with a
fragment glued on ("Nakamura TJPhys"),
authors left out of a list that has no "et al.", and "et al." after a list that is already
complete.

**Why it matters.** Authors are how readers and indexes attribute work; wrong or garbled names
break attribution and often betray a reference copied from a garbled source.

**Example.** "Keller P, Ortiz L, Nakamura T" fails when the record lists four authors with
"Brandt S" third; "Keller P, Ortiz L, Brandt S, Nakamura T" passes against the same four names.

**How to fix.** Copy the author list from the record; use "et al." only after the number of names
your style allows, when more authors follow.
"""

from __future__ import annotations

from collections.abc import Iterator

from citelint.models import Finding, Fix, Match, Severity
from citelint.names import compare_authors
from citelint.rules import CheckContext, record_evidence

ID = "author-mismatch"
SEVERITY: Severity = "error"


def check(match: Match, context: CheckContext) -> Iterator[Finding]:
    record, ref = match.record, match.reference
    if record is None or not record.authors or not ref.authors:
        return
    comparison = match.author_comparison  # as scoring the match aligned them
    if comparison is None or not comparison.compares(ref.authors, ref.et_al, record.authors):
        comparison = compare_authors(ref.authors, ref.et_al, record.authors)
    recorded = [a.display() for a in record.authors]
    evidence = record_evidence(match, record_authors=recorded)
    cited = ", ".join(ref.author_names) + (", et al." if ref.et_al else "")
    fix = Fix("authors", list(record.authors), "unsafe",
              f"replace the author list with the record's {len(recorded)} authors")
    if comparison.extra:
        names = ", ".join(f'"{n}"' for n in comparison.extra)
        yield Finding(ID, SEVERITY, f"The citation names {names}, who is not among the record's "
                      f"{len(recorded)} authors ({', '.join(recorded)}). Remove or correct it.",
                      field="authors", cited=cited, expected=", ".join(recorded),
                      evidence={**evidence, "kind": "extra", "names": comparison.extra},
                      fix=fix)
    for written, recorded_name in comparison.misspelled:
        yield Finding(ID, SEVERITY, f"The citation spells \"{written}\" where the record has "
                      f"\"{recorded_name}\": the family names are one letter apart. Correct the "
                      "spelling from the record.", field="authors", cited=written,
                      expected=recorded_name,
                      evidence={**evidence, "kind": "misspelled", "record_names": [recorded_name]},
                      fix=fix)
    for name in comparison.garbled:
        yield Finding(ID, SEVERITY, f"The author name \"{name}\" looks garbled (letters glued to "
                      "the initials); correct it from the record.", field="authors",
                      cited=name, expected=", ".join(recorded), evidence=evidence,
                      fix=fix)
    if comparison.missing and not comparison.extra:
        names = ", ".join(comparison.missing)
        yield Finding(ID, SEVERITY, f"The citation leaves out {names}: the record lists "
                      f"{len(recorded)} authors and the citation {len(ref.authors)}"
                      f"{'' if ref.et_al else ' without et al.'}.", field="authors",
                      cited=cited, expected=", ".join(recorded),
                      evidence={**evidence, "kind": "missing",
                                "record_names": comparison.missing}, fix=fix)
    if comparison.et_al_superfluous and len(recorded) == len(ref.authors):
        yield Finding(ID, "warning", f"\"et al.\" follows a complete list: the record has exactly "
                      f"the {len(recorded)} authors cited. Drop \"et al.\".", field="authors",
                      cited=cited, expected=", ".join(recorded), evidence=evidence,
                      fix=fix)
