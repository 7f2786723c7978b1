"""``citelint fix``: write the corrections that findings carry back into the input files.

The data still flows one way: a checked :class:`~citelint.models.Report` holds findings, and a
rule that knows the correction attaches a :class:`~citelint.models.Fix` to its finding (the
engine removes it again when the match is uncertain). This module picks the fixes to apply (the
safe ones, and the unsafe ones when asked), groups them by the file each reference was read from,
and asks that format's editor for text edits at the located fields. Editors change a field's text
in place, add a missing field next to its neighbours, and leave every other byte of the file
alone (formatting, comments, entry order, other fields): the file is never re-serialised.

Editors are registered by input format, one module each (``EDITORS``); an editor is a class built
from a file's text whose ``edits(reference, fix)`` returns :class:`Edit` spans or raises
:class:`FixError` with a sentence saying why the fix cannot be written. No network.
"""

from __future__ import annotations

import difflib
import importlib
import os
import shutil
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from citelint.engine import match_stands
from citelint.models import Finding, Fix, Reference, ReferenceResult, Report

#: input format → module whose ``Editor`` class edits files of that format
EDITORS = {"bibtex": "citelint.fix.bibtex", "csl-json": "citelint.fix.csljson",
           "ris": "citelint.fix.ris"}


class FixError(Exception):
    """A fix that cannot be written into the file; the message says why, in a sentence."""


@dataclass(frozen=True)
class Edit:
    """Replace ``text[start:end]`` with ``new`` (``start == end`` inserts)."""

    start: int
    end: int
    new: str


@dataclass
class FileFix:
    """What fixing one file did (or, with ``--diff``, would do)."""

    path: Path
    original: str
    fixed: str
    applied: list[tuple[Reference, Fix]] = field(default_factory=list)
    held_back: list[tuple[Reference, Fix]] = field(default_factory=list)  # unsafe, not asked for
    skipped: list[str] = field(default_factory=list)  # fixes that could not be written, and why
    bom: bool = False

    @property
    def changed(self) -> bool:
        return self.fixed != self.original

    def diff(self) -> str:
        """A unified diff from the file as it is to the file as fixed ("" when unchanged)."""
        lines = difflib.unified_diff(self.original.splitlines(keepends=True),
                                     self.fixed.splitlines(keepends=True),
                                     fromfile=str(self.path), tofile=str(self.path))
        return "".join(line if line.endswith("\n") else line + "\n" for line in lines)

    def summary(self, dry_run: bool) -> str:
        """One sentence on what fixing this file did or would do."""
        verb = "would apply" if dry_run else "applied"
        text = f"{self.path}: {verb} {_count(len(self.applied), 'fix', 'fixes')}"
        if self.held_back:
            text += (f"; {_count(len(self.held_back), 'unsafe fix', 'unsafe fixes')} held back "
                     "(review them with --diff --unsafe-fixes, apply them with --unsafe-fixes)")
        return text + "."

    def write(self) -> None:
        """Write the fixed text back, in the file's own encoding form (UTF-8, BOM kept).

        The new text goes to a temporary file beside the original, which then replaces it in one
        step (keeping its permissions; a symbolic link keeps pointing at the fixed file), so an
        interrupted run never leaves a half-written bibliography.
        """
        data = self.fixed.encode("utf-8")
        target = self.path.resolve()
        handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(b"\xef\xbb\xbf" + data if self.bom else data)
            shutil.copymode(target, temporary)
            os.replace(temporary, target)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def chosen_fixes(result: ReferenceResult, unsafe: bool) -> tuple[list[Fix], list[Fix]]:
    """The fixes to apply to one reference, and the unsafe ones held back.

    Only a reference whose match stands (:func:`citelint.engine.match_stands`: ``verified`` or
    ``problem``, or unverified only because its retraction status is unchecked) is fixed: one
    unverified for another reason (its cited DOI unchecked, a rule failed) is not. Accepted
    (suppressed) findings are not fixed. Several findings may carry the same correction (two
    author-mismatch findings on one list); the first fix for a field wins.
    """
    apply: dict[str, Fix] = {}
    held: dict[str, Fix] = {}
    if not match_stands(result):
        return [], []
    for finding in result.findings:
        fix = finding.fix
        if fix is None or finding.suppressed is not None:
            continue
        if fix.safety == "safe" or unsafe:
            apply.setdefault(fix.field, fix)
        else:
            held.setdefault(fix.field, fix)
    return list(apply.values()), [f for name, f in held.items() if name not in apply]


def apply_edits(text: str, edits: Sequence[Edit]) -> str:
    """``text`` with ``edits`` applied (they do not overlap; insertions at one point keep order)."""
    pieces, pos = [], 0
    for edit in sorted(edits, key=lambda e: (e.start, e.end)):
        pieces += [text[pos:edit.start], edit.new]
        pos = edit.end
    pieces.append(text[pos:])
    return "".join(pieces)


def _overlaps(edit: Edit, taken: Sequence[Edit]) -> bool:
    return any(edit.start < other.end and other.start < edit.end for other in taken)


def _read(path: Path) -> tuple[str, bool]:
    from citelint.readers import InputError

    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"{path}: cannot read the file ({exc.strerror or exc}).") from exc
    bom = data.startswith(b"\xef\xbb\xbf")
    try:
        return data.decode("utf-8-sig"), bom
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: the file is not UTF-8 text; save it as UTF-8 and run "
                         "again.") from exc


def fix_file(path: Path, format: str, results: Sequence[ReferenceResult],
             unsafe: bool = False) -> FileFix:
    """Apply the chosen fixes of ``results`` (references read from ``path``) to that file's text."""
    text, bom = _read(path)
    outcome = FileFix(path, text, text, bom=bom)
    todo = []
    for result in results:
        apply, held = chosen_fixes(result, unsafe)
        outcome.held_back += [(result.reference, f) for f in held]
        todo += [(result.reference, f) for f in apply]
    if not todo:
        return outcome
    module = EDITORS.get(format)
    if module is None:
        outcome.skipped.append(f"{path}: citelint fix edits BibTeX, CSL-JSON and RIS files; "
                               f"apply the {len(todo)} fixes to this {format} file by hand.")
        return outcome
    try:
        editor = importlib.import_module(module).Editor(text)
    except FixError as exc:
        outcome.skipped.append(f"{path}: no fix was written: {exc}")
        return outcome
    taken: list[Edit] = []
    for ref, fix in todo:
        where = ref.location.describe()
        try:
            edits = editor.edits(ref, fix)
        except FixError as exc:
            outcome.skipped.append(f"{where}: {fix.description} was not written: {exc}")
            continue
        if any(_overlaps(e, taken) for e in edits):
            outcome.skipped.append(f"{where}: {fix.description} was not written: another fix "
                                   "changes the same text.")
            continue
        taken += edits
        outcome.applied.append((ref, fix))
    outcome.fixed = apply_edits(text, taken)
    return outcome


def fix_report(report: Report, unsafe: bool = False,
               input_format: str | None = None) -> list[FileFix]:
    """Fix every file the report's references were read from (a LaTeX or Markdown input's
    references live in its .bib or CSL-JSON file, and are fixed there)."""
    from citelint.readers import detect_format

    manuscript = report.manuscript
    by_path: dict[str, list[ReferenceResult]] = {}
    for result in report.results:
        path = result.reference.location.path or manuscript.path
        if path is not None:
            by_path.setdefault(path, []).append(result)
    outcomes = []
    for path, results in by_path.items():
        if path == manuscript.path:
            format = input_format or manuscript.format
        else:
            format = detect_format(_read(Path(path))[0], path)
        outcomes.append(fix_file(Path(path), format, results, unsafe))
    return outcomes


def unfixed(report: Report, outcomes: Sequence[FileFix]) -> list[tuple[ReferenceResult, Finding]]:
    """The report's active findings that the applied fixes did not correct."""
    done = {(id(ref), fix.field) for outcome in outcomes for ref, fix in outcome.applied}
    return [(result, finding) for result, finding in report.findings()
            if finding.fix is None or (id(result.reference), finding.fix.field) not in done]
