"""The ``citelint`` command: ``check``, ``baseline``, ``fix``, ``rules``, ``explain``, ``cache``
and ``index``.

``check`` takes several inputs and writes one document per format for all of them; an input
that cannot be read is reported with its reason and the others are still checked.

Exit codes (whatever the output format):

====  =====================================================================================
0     no finding at or above ``--fail-on`` (default: error)
1     at least one finding at or above ``--fail-on``, or an input that could not be read
      (unless ``--fail-on never``) while others could
2     usage error, bad configuration, or no input could be read
3     nothing could be verified because the sources asked failed (network unreachable,
      outage), when ``--fail-on`` includes ``sources-failed``
4     nothing could be verified because no source could be asked (offline, nothing cached, no
      snapshot holds the references), when ``--fail-on`` includes ``sources-not-asked``
====  =====================================================================================
"""

from __future__ import annotations

import argparse
import difflib
import inspect
import os
import re
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from citelint import __version__
from citelint.baseline import BaselineError, write_baseline
from citelint.config import (
    FAIL_ON,
    FAIL_ON_CONDITIONS,
    Config,
    ConfigError,
    fail_on_parts,
    failing_severities,
    resolve_config,
)
from citelint.models import Manuscript, Report, Run, UnreadableInput
from citelint.readers import InputError, formats, read_file, read_named_file
from citelint.report import EXTENSIONS, FORMATS, format_for, render
from citelint.report.text import printable
from citelint.rules import all_rules, get_rule
from citelint.sources import SourceUnavailable

if TYPE_CHECKING:
    from citelint.batch import Checker, Engine, Failed, Job, Part

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE, EXIT_UNVERIFIED, EXIT_NOT_ASKED = 0, 1, 2, 3, 4


class UsageError(Exception):
    """A command line that cannot be carried out; the message says what to change."""


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="citelint", description="Check a manuscript's references against Crossref and "
        "OpenAlex, and report what is wrong with each.")
    parser.add_argument("--version", action="version", version=f"citelint {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)

    run = commands.add_parser("check", help="check a manuscript's references")
    _add_input_options(run)
    run.add_argument("--format", "-f", action="append", choices=FORMATS,
                     help="output format; repeat for several, pairing each with an --output "
                     "(default: text, or what the --output file's extension says)")
    run.add_argument("--output", "-o", action="append", type=Path,
                     help="write the matching --format to this file (default: stdout); without "
                     "a --format, the extension chooses it (" + ", ".join(
                         f"{ext} {fmt}" for ext, fmt in EXTENSIONS.items()) + ")")
    run.add_argument("--fail-on", metavar="LEVEL[,CONDITION...]",
                     help=f"lowest severity that makes the exit code 1 ({'|'.join(FAIL_ON)}; "
                     "default: error), optionally followed by conditions that also fail the run "
                     f"when nothing could be verified: {', '.join(FAIL_ON_CONDITIONS)} "
                     "(exit 3 and 4), e.g. error,sources-failed")
    run.add_argument("--quiet", "-q", action="store_true",
                     help="text output lists problems only (no summary, no unverified list)")
    run.add_argument("--baseline", type=Path, help="baseline file of accepted findings")
    run.add_argument("--omit-suppressed", action="store_true",
                     help="leave accepted findings (baseline, citelint-ignore) out of SARIF, for "
                     "code-scanning viewers that would show them as open alerts")
    run.add_argument("--verbose", "-v", action="store_true",
                     help="list verified references in the text summary too")
    run.add_argument("--color", choices=("auto", "always", "never"), default="auto")

    base = commands.add_parser("baseline", help="accept the current findings in a baseline file")
    _add_input_options(base)
    base.add_argument("--output", "-o", "--baseline", type=Path, dest="output",
                      help="the baseline file to write (default: the configured baseline, else "
                      "citelint-baseline.json); the reasons of entries it already holds are kept")
    base.add_argument("--reason", default="accepted", help="reason recorded for each entry")

    fix = commands.add_parser("fix", help="write the corrections the records give into "
                              "BibTeX, CSL-JSON and RIS files")
    _add_input_options(fix)
    fix.add_argument("--diff", action="store_true",
                     help="print the changes as a unified diff instead of writing them")
    fix.add_argument("--unsafe-fixes", action="store_true",
                     help="also apply fixes that overwrite what the author wrote (journal, "
                     "authors, year, volume, issue, pages)")
    fix.add_argument("--fail-on", choices=("error", "warning", "never"),
                     help="lowest severity of a finding left unfixed that makes the exit code 1")

    batch = commands.add_parser("batch", help="check many manuscripts: a report each and a "
                                "corpus table; a rerun resumes")
    _add_input_options(batch, subject=False)
    batch.add_argument("--manifest", type=Path,
                       help="a file listing the inputs, one path a line (relative to it)")
    batch.add_argument("--output-dir", type=Path, required=True,
                       help="where the reports, the corpus table and the summary go")
    batch.add_argument("--format", "-f", action="append", choices=FORMATS,
                       help="report format per manuscript (repeatable; default: json)")
    batch.add_argument("--fail-on", metavar="LEVEL", choices=FAIL_ON,
                       help="lowest severity that makes the exit code 1 (default: error)")
    batch.add_argument("--engine", choices=("local", "dask"), default="local",
                       help="check in this process (default) or on a dask.distributed cluster")
    batch.add_argument("--scheduler", metavar="ADDRESS",
                       help="address of a running dask scheduler (with --engine dask; default: "
                       "a local cluster)")
    batch.add_argument("--retries", type=int, default=2,
                       help="with --engine dask: how often a manuscript whose worker died is "
                       "tried again elsewhere (default: 2)")
    batch.add_argument("--manuscript-timeout", metavar="SECONDS",
                       help="no look-up starts after this long on one manuscript: the rest of "
                       "its references are unverified, and its report says so; with --engine "
                       "dask, a manuscript still running well past it is stopped and failed, "
                       "for a rerun (default: no limit)")

    commands.add_parser("rules", help="list the rules")
    explain = commands.add_parser("explain", help="show a rule's documentation")
    explain.add_argument("rule")
    cache = commands.add_parser("cache", help="show or clear the HTTP response cache")
    cache.add_argument("action", choices=("info", "clear"))
    cache.add_argument("--cache-dir", type=Path, help="cache directory (default: as configured)")
    index = commands.add_parser("index", help="build a local index of the Crossref and OpenAlex "
                                "data files (for check --index)")
    index.add_argument("action", choices=("build",))
    index.add_argument("paths", nargs="+", type=Path, metavar="SRC",
                       help="Crossref Public Data File files, OpenAlex snapshot parts, citelint "
                       "JSON Lines snapshots, or folders of them")
    index.add_argument("--output", "-o", type=Path, required=True, metavar="INDEX",
                       help="the index file to create, or to update with newer works")
    return parser


# The time budgets on the services (docs/configuration.md, "Budgets and limits on the
# services"); the values are checked by the config layer, as the config keys are.
_BUDGET_FLAGS = {
    "--request-budget": "time one request may take, retries, waits and a slow body included "
                        "(default: 60)",
    "--source-budget": "time one service may lose to failed requests before it is not asked "
                       "again (default: 120)",
    "--run-budget": "no request is sent after this long (default: no limit)",
    "--max-retry-after": "longest Retry-After waited for; a longer one drops the service for "
                         "the run (default: 30)",
}


def _add_input_options(command: argparse.ArgumentParser, subject: bool = True) -> None:
    command.add_argument("inputs", nargs="*", type=Path, metavar="INPUT",
                         help="manuscripts or reference lists (default: the config's "
                         "manuscripts)")
    command.add_argument("--input-format", choices=formats(), help="force the input format")
    command.add_argument("--snapshot", action="append", type=Path, default=None,
                         help="JSON Lines file of Crossref/OpenAlex records (repeatable)")
    command.add_argument("--index", type=Path, default=None,
                         help="local index of the Crossref/OpenAlex data files, asked before the "
                         "services (citelint index build)")
    command.add_argument("--offline", action="store_true", default=None,
                         help="use only the cache and snapshots; no network")
    command.add_argument("--allow-outside-files", action="store_true", default=None,
                         help="let an input's \\input, \\bibliography or Markdown "
                         "'bibliography:' read files outside the input's directory")
    command.add_argument("--config", type=Path, help="config file (default: found walking up)")
    command.add_argument("--mailto", help="contact e-mail for the Crossref/OpenAlex polite pools")
    command.add_argument("--cache-dir", type=Path, help="where the HTTP response cache lives")
    for flag, what in _BUDGET_FLAGS.items():
        command.add_argument(flag, metavar="SECONDS", help=what)
    command.add_argument("--openalex-budget", metavar="USD",
                         help="US dollars this run may spend on OpenAlex's billed calls to take "
                         "searches off Crossref's busy list lane (needs an OpenAlex API key; "
                         "default: 0, off)")
    command.add_argument("--source", action="append", dest="sources",
                         choices=("crossref", "openalex", "doi"),
                         help="source to ask (repeatable; default: all)")
    command.add_argument("--enable", action="append", metavar="RULE",
                         help="run only these rules (repeatable)")
    command.add_argument("--disable", action="append", metavar="RULE",
                         help="do not run this rule (repeatable)")
    if not subject:  # many manuscripts: each says its own subject
        return
    command.add_argument("--title", help="the manuscript's title (for the off-topic check)")
    command.add_argument("--abstract", help="the manuscript's abstract")
    command.add_argument("--keywords", help="the manuscript's keywords, comma-separated")
    command.add_argument("--context", type=Path,
                         help="a text file describing the manuscript's subject")


def _config(args: argparse.Namespace, start: Path) -> Config:
    flags = {"offline": args.offline, "allow_outside_files": args.allow_outside_files,
             "mailto": args.mailto, "cache_dir": args.cache_dir,
             "snapshots": args.snapshot, "index": args.index, "sources": args.sources,
             "enable": args.enable, "disable": args.disable,
             "fail_on": getattr(args, "fail_on", None), "baseline": getattr(args, "baseline", None),
             "openalex_budget": args.openalex_budget,
             "manuscript_timeout": getattr(args, "manuscript_timeout", None)}
    flags.update({flag[2:].replace("-", "_"): getattr(args, flag[2:].replace("-", "_"))
                  for flag in _BUDGET_FLAGS})
    return resolve_config(start, args.config, {k: v for k, v in flags.items() if v is not None})


def _inputs(args: argparse.Namespace, config: Config) -> list[Path]:
    if args.inputs:
        return list(args.inputs)
    if config.manuscripts:
        return list(config.manuscripts)
    raise UsageError("Name a manuscript to check (citelint check FILE), or list them under "
                     "'manuscripts' in [tool.citelint].")


def _apply_subject(manuscript: Manuscript, args: argparse.Namespace) -> None:
    """Flags that describe the manuscript's subject override what the input file says."""
    if args.title:
        manuscript.title = args.title
    if args.abstract:
        manuscript.abstract = args.abstract
    if args.keywords:
        manuscript.keywords = [k.strip() for k in args.keywords.split(",") if k.strip()]
    if args.context:
        manuscript.abstract = f"{manuscript.abstract or ''}\n{args.context_text}".strip()


def _run_check(args: argparse.Namespace, path: Path, config: Config) -> Report:
    from citelint.api import check  # the pipeline loads only for the commands that check

    manuscript = read_file(path, args.input_format, allow_outside=config.allow_outside_files)
    if not manuscript.references:
        found = "; ".join(manuscript.problems) or (
            f"{path}: no reference was found in it ({manuscript.format}); check that it is a "
            "manuscript or reference list, or name its format with --input-format.")
        raise InputError(found)
    _apply_subject(manuscript, args)
    if not sys.stderr.isatty():
        return check(manuscript, config=config)
    from tqdm import tqdm

    with tqdm(total=len(manuscript.references), desc=f"Checking {printable(path.name)}", unit="ref",
              file=sys.stderr, leave=False) as bar:
        return check(manuscript, config=config, progress=bar.update)


def _destinations(args: argparse.Namespace) -> tuple[list[tuple[str, Path]], str | None]:
    """Each --output with its format (the --format in the same position, else the one its
    extension implies), and the format for stdout (None when every format goes to a file)."""
    formats_ = list(args.format or [])
    outputs = list(args.output or [])
    files = []
    for n, out in enumerate(outputs):
        fmt = formats_[n] if n < len(formats_) else format_for(out)
        if fmt is None:
            raise UsageError(f"Say which format to write to {out} (--format before its --output: "
                             f"{', '.join(FORMATS)}); its extension names none of "
                             f"{', '.join(EXTENSIONS)}.")
        files.append((fmt, out))
    to_stdout = formats_[len(outputs):]
    if len(to_stdout) > 1:
        raise UsageError(f"Only one format can go to stdout; give --output files for "
                         f"{', '.join(to_stdout[1:])}.")
    if to_stdout:
        return files, to_stdout[0]
    return files, None if files else "text"


def _emit(run: Run, args: argparse.Namespace, config: Config,
          destinations: tuple[list[tuple[str, Path]], str | None]) -> None:
    files, stdout_format = destinations

    def draw(fmt: str, stream) -> str:
        color = args.color == "always" or (args.color == "auto" and stream.isatty())
        return render(fmt, run, fail_on=config.fail_on, source_root=Path.cwd(), color=color,
                      verbose=args.verbose, quiet=args.quiet,
                      include_suppressed=not args.omit_suppressed)

    for fmt, out in files:
        try:
            out.write_text(draw(fmt, _NoTTY), encoding="utf-8")
        except OSError as exc:
            reason = "a directory" if out.is_dir() else (exc.strerror or str(exc)).lower()
            raise UsageError(f"Cannot write the {fmt} report to {out} ({reason}); give "
                             "--output a file in a writable directory.") from exc
    if stdout_format:
        sys.stdout.write(draw(stdout_format, sys.stdout))
    elif "text" not in [fmt for fmt, _ in files]:  # every format went to a file: tell the person
        sys.stderr.write(draw("text", sys.stderr))


class _NoTTY:
    """Files are never terminals: no colour codes in them."""

    @staticmethod
    def isatty() -> bool:
        return False


def exit_code(run: Report | Run, fail_on: str) -> int:
    """The documented exit code for a run (or one checked manuscript)."""
    if isinstance(run, Report):
        run = Run([run], single=True)
    if not run.reports:
        return EXIT_USAGE
    from citelint.engine import unverified_cause

    _, conditions = fail_on_parts(fail_on)
    cause = unverified_cause([r for report in run.reports for r in report.results])
    if cause in conditions:
        return EXIT_UNVERIFIED if cause == "sources-failed" else EXIT_NOT_ASKED
    levels = failing_severities(fail_on)
    if any(f.severity in levels for report in run.reports for _, f in report.findings()):
        return EXIT_FINDINGS
    if run.unreadable and levels:
        return EXIT_FINDINGS
    return EXIT_OK


def _nothing_verified_note(run: Run, fail_on: str) -> str | None:
    """One sentence for stderr when no reference could be verified, saying why and whether it
    fails the run; None otherwise."""
    from citelint.engine import unverified_cause

    cause = unverified_cause([r for report in run.reports for r in report.results])
    if cause is None:
        return None
    _, conditions = fail_on_parts(fail_on)
    why = ("the sources asked could not answer (the report gives the reasons)"
           if cause == "sources-failed" else
           "no source could be asked (offline or no source configured, and no cached answer "
           "or snapshot holds them)")
    if cause in conditions:
        outcome = f"this fails the run (--fail-on {fail_on})"
    else:
        outcome = (f"this does not fail the run; add {cause} to --fail-on (e.g. "
                   f"--fail-on error,{cause}) to make it fail")
    return f"citelint: no reference could be verified: {why}; {outcome}."


def _check_outputs(outputs: Sequence[Path]) -> None:
    """Refuse, before the run, report files that cannot be written."""
    for out in outputs:
        folder = out.parent if str(out.parent) else Path(".")
        if out.is_dir():
            raise UsageError(f"--output {out} is a directory; name a file in it instead.")
        if not folder.is_dir() or not os.access(folder, os.W_OK) or (
                out.exists() and not os.access(out, os.W_OK)):
            raise UsageError(f"Cannot write the report to {out}: its directory does not exist "
                             "or is not writable; give --output a file in a writable directory.")


def _one_by_one(paths: Sequence[Path], args: argparse.Namespace) -> Iterator[Path]:
    """``paths`` in turn; in the program (:func:`run`), the heap frozen once the first is
    checked, when more follow (see :func:`citelint.batch.freeze_heap`)."""
    for n, path in enumerate(paths):
        if n == 1 and args.program:
            from citelint.batch import freeze_heap

            freeze_heap()
        yield path


def _frozen_after_the_first(engine: Engine) -> Engine:
    """``engine``, with the heap frozen once the first manuscript is checked, when more follow
    (for engines that check in this process; see :func:`citelint.batch.freeze_heap`)."""
    from citelint.batch import freeze_heap

    def run(checker: Checker, jobs: list[Job]) -> Iterator[Part | Failed]:
        for n, outcome in enumerate(engine(checker, jobs)):
            yield outcome
            if n == 0 and len(jobs) > 1:
                freeze_heap()

    return run


def _cmd_check(args: argparse.Namespace) -> int:
    _check_outputs(args.output or [])
    config = _config(args, args.inputs[0] if args.inputs else Path.cwd())
    paths = _inputs(args, config)
    destinations = _destinations(args)  # usage errors before any work
    inputs: list[Report | UnreadableInput] = []
    for path in _one_by_one(paths, args):
        try:
            inputs.append(_run_check(args, path, config))
        except InputError as exc:
            inputs.append(UnreadableInput(str(path), str(exc)))
    run = Run(inputs, single=len(paths) == 1)
    emitted = bool(run.reports) or not run.single  # a run document says what happened to each
    if emitted:
        _emit(run, args, config, destinations)
    files, stdout_format = destinations
    text_to_person = stdout_format == "text" or (
        stdout_format is None and "text" not in [fmt for fmt, _ in files])
    if not (emitted and text_to_person):  # else the text summary already said it
        for item in run.unreadable:
            print(f"citelint: {printable(item.reason)}", file=sys.stderr)
    if not run.reports:
        return EXIT_USAGE
    note = _nothing_verified_note(run, config.fail_on)
    if note:
        print(note, file=sys.stderr)
    return exit_code(run, config.fail_on)


def _cmd_baseline(args: argparse.Namespace) -> int:
    config = _config(args, args.inputs[0] if args.inputs else Path.cwd())
    if args.output is None:
        args.output = config.baseline or Path("citelint-baseline.json")
    _check_outputs([args.output])
    # regenerating a baseline keeps the reasons of the entries it already holds
    config.baseline = args.output if args.output.is_file() else None
    reports = [_run_check(args, path, config)
               for path in _one_by_one(_inputs(args, config), args)]
    total = write_baseline(reports, args.output, args.reason)
    print(f"Wrote {total} accepted findings to {printable(args.output)}; pass it with --baseline "
          "(or 'baseline' in the config) so that only new problems fail the run.")
    return EXIT_OK


def _cmd_fix(args: argparse.Namespace) -> int:
    """Check, then write the fixes (or print them as a diff: exit 1 when there is one)."""
    from citelint.fix import fix_report, unfixed

    config = _config(args, args.inputs[0] if args.inputs else Path.cwd())
    levels = failing_severities(config.fail_on)  # the conditions concern checking, not fixing
    code, read_any = EXIT_OK, False
    for path in _one_by_one(_inputs(args, config), args):
        try:  # one unreadable input is reported; the others are still fixed
            report = _run_check(args, path, config)
            outcomes = fix_report(report, unsafe=args.unsafe_fixes,
                                  input_format=args.input_format)
        except InputError as exc:
            print(f"citelint: {printable(exc)}", file=sys.stderr)
            continue
        read_any = True
        for outcome in outcomes:
            if args.diff:
                diff = outcome.diff()  # a patch piped on stays whole; a terminal gets no escapes
                sys.stdout.write("\n".join(map(printable, diff.split("\n")))
                                 if sys.stdout.isatty() else diff)
                code = max(code, EXIT_FINDINGS if outcome.changed else EXIT_OK)
            elif outcome.changed:
                try:
                    outcome.write()
                except OSError as exc:
                    print(f"citelint: {printable(outcome.path)}: cannot write the fixes "
                          f"({exc.strerror or exc}); the file is unchanged.", file=sys.stderr)
                    code = EXIT_USAGE
                    continue
            for problem in outcome.skipped:
                print(f"citelint: {printable(problem)}", file=sys.stderr)
            print(printable(outcome.summary(dry_run=args.diff)), file=sys.stderr)
        if not args.diff and any(f.severity in levels for _, f in unfixed(report, outcomes)):
            code = EXIT_FINDINGS
    return code if read_any else EXIT_USAGE  # 2 only when no input could be read


def _cmd_batch(args: argparse.Namespace) -> int:
    from citelint.batch import Checker, read_manifest, run_batch

    paths = list(args.inputs) + (read_manifest(args.manifest) if args.manifest else [])
    if not paths:
        raise UsageError("Name the manuscripts to check (citelint batch FILE... or --manifest "
                         "LIST) and --output-dir.")
    if args.output_dir.exists() and not args.output_dir.is_dir():
        raise UsageError(f"--output-dir {args.output_dir} is a file; name a directory.")
    if args.scheduler and args.engine != "dask":
        raise UsageError("--scheduler needs --engine dask.")
    try:
        import pyarrow  # noqa: F401  (the corpus table's Parquet writer)
    except ImportError as exc:
        raise UsageError("citelint batch writes its corpus table with pyarrow: pip install "
                         "'citelint-integrity[batch]'.") from exc
    config = _config(args, paths[0])
    checker = Checker(config, formats=tuple(dict.fromkeys(args.format or ["json"])),
                      input_format=args.input_format)
    if args.engine == "dask":
        from citelint.distributed import dask_engine

        engine = dask_engine(args.scheduler, retries=args.retries)
    else:
        from citelint.batch import local_engine

        checker.sources()  # a snapshot that cannot be read stops the run before it starts
        engine = _frozen_after_the_first(local_engine) if args.program else local_engine
    from tqdm import tqdm

    with tqdm(total=len(paths), desc="Checking manuscripts", unit="ms", file=sys.stderr,
              disable=None) as bar:
        def progress(done: int, total: int) -> None:
            bar.total = total
            bar.n = done
            bar.refresh()

        result = run_batch(paths, args.output_dir, checker, engine, progress)
    for path, failure in result.failed.items():
        if failure.bug:
            print(f"citelint: {printable(path)}: the check failed with an internal error "
                  f"({failure.reason}); it is not finished, and a rerun tries it again. This is "
                  "a bug in citelint: please report it.", file=sys.stderr)
        else:
            print(f"citelint: {printable(path)}: {failure.reason}", file=sys.stderr)
    unreadable = [s for s in result.summaries if s["unreadable"]]
    for summary in unreadable:
        print(f"citelint: {printable(summary['unreadable'])}", file=sys.stderr)
    cut = [s for s in result.summaries if s.get("timed_out")]
    if cut:
        print(f"citelint: {len(cut)} manuscripts ran out of their time limit (--manuscript-"
              "timeout) before every reference was looked up; the summary's timed_out column "
              "says how many references of each are unverified for it.", file=sys.stderr)
    print(f"citelint: {result.checked} manuscripts checked, {result.skipped} finished before, "
          f"{len(result.failed)} failed, {len(unreadable)} unreadable; {result.rows} rows in "
          f"{args.output_dir / 'corpus.parquet'} and corpus.csv, summary in summary.csv.",
          file=sys.stderr)
    counted = [f"{severity}s" for severity in failing_severities(config.fail_on)]  # summary keys
    if result.failed or (counted and (unreadable or any(
            s[c] for s in result.summaries for c in counted))):
        return EXIT_FINDINGS
    return EXIT_OK


def _cmd_rules(_args: argparse.Namespace) -> int:
    for rule in all_rules():
        summary = (inspect.getdoc(rule) or "").splitlines()[0].split(":", 1)[-1].strip()
        print(f"{rule.ID:<24} {rule.SEVERITY:<8} {summary}")
    return EXIT_OK


def plain_markdown(text: str) -> str:
    """Rule documentation (Markdown/reST markup) as plain text for a terminal: emphasis and
    code marks dropped, links as "text (address)"."""
    text = re.sub(r"\[([^\]]+)\]\(([^)\s]+)\)", r"\1 (\2)", text)
    text = re.sub(r"``([^`]+)``|`([^`]+)`", lambda m: m.group(1) or m.group(2), text)
    text = re.sub(r"\*\*([^*]+)\*\*|__([^_]+)__", lambda m: m.group(1) or m.group(2), text)
    text = re.sub(r"(?<![\w*])\*([^*\s][^*]*?)\*(?![\w*])", r"\1", text)
    return re.sub(r"^#{1,6}\s+", "", text, flags=re.M)


def _cmd_explain(args: argparse.Namespace) -> int:
    rule = get_rule(args.rule)
    if rule is None:
        known = [r.ID for r in all_rules()]
        hint = difflib.get_close_matches(args.rule, known, n=1)
        did_you_mean = f" Did you mean {hint[0]!r}?" if hint else ""
        raise UsageError(f"No rule is called {args.rule!r}.{did_you_mean} Rules: "
                         f"{', '.join(known)}.")
    print(f"{rule.ID} (default severity: {rule.SEVERITY})\n")
    print(plain_markdown(inspect.getdoc(rule) or ""))
    return EXIT_OK


def _cmd_cache(args: argparse.Namespace) -> int:
    from citelint.sources.online import cache_clear, cache_info

    config = resolve_config(Path.cwd(), flags={"cache_dir": args.cache_dir}
                            if args.cache_dir else None)
    if args.action == "clear":
        removed = cache_clear(config.cache_dir)
        print(f"Removed {removed} cached answers; the next online run asks the services again.")
    else:
        info = cache_info(config.cache_dir)
        print(f"Cache: {info['path']}: {info['entries']} cached answers, "
              f"{info['bytes'] / 1e6:.1f} MB. Clear it with 'citelint cache clear'.")
    return EXIT_OK


def _cmd_index(args: argparse.Namespace) -> int:
    from citelint.index import build

    tell = (lambda path: print(f"Reading {printable(path)}", file=sys.stderr)) \
        if sys.stderr.isatty() else None
    summary = build(args.paths, args.output, progress=tell)
    for problem in summary.problems:
        print(f"citelint: {printable(problem)}", file=sys.stderr)
    merged = f"{summary.merged} merged work ids; " if summary.merged else ""
    print(f"{printable(args.output)}: {summary.written} works written or updated of "
          f"{summary.read} read from {summary.files} files; {merged}"
          f"{len(summary.problems)} problems.")
    return EXIT_OK if summary.read or summary.merged else EXIT_USAGE


COMMANDS = {"check": _cmd_check, "baseline": _cmd_baseline, "fix": _cmd_fix, "batch": _cmd_batch,
            "rules": _cmd_rules, "explain": _cmd_explain, "cache": _cmd_cache,
            "index": _cmd_index}


def main(argv: Sequence[str] | None = None, program: bool = False) -> int:
    """Run the command line ``argv``; ``program``: as the ``citelint`` program (:func:`run`),
    which may freeze its heap between manuscripts (a caller's process is left alone)."""
    args = _parser().parse_args(argv)
    args.program = program
    try:
        if getattr(args, "context", None):  # read once, before any work, as inputs are read
            args.context_text = read_named_file(args.context, "context")
        return COMMANDS[args.command](args)
    except (UsageError, InputError, ConfigError, BaselineError, SourceUnavailable) as exc:
        print(f"citelint: {printable(exc)}", file=sys.stderr)
        return EXIT_USAGE


def run() -> None:
    """The ``citelint`` command: :func:`main` as a program (its heap frozen once the first of
    several manuscripts is checked: :func:`citelint.batch.freeze_heap`), then the exit. Once
    the outputs are written and flushed and the exit handlers have run, the process ends
    without the interpreter freeing its objects one by one (the journal tables, the matcher's
    caches: 0.4 s after the last answer of a cold check), as mypy ends. When anything else
    still runs (a thread that is not a daemon, a child process), it exits the ordinary way."""
    code = main(program=True)
    sys.stdout.flush()
    sys.stderr.flush()
    if _alone():
        import atexit

        atexit._run_exitfuncs()
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
    sys.exit(code)


def _alone() -> bool:
    """No thread but daemons and this one, and no child process, is left running."""
    import threading

    if any(t is not threading.main_thread() and not t.daemon and t.is_alive()
           for t in threading.enumerate()):
        return False
    processes = sys.modules.get("multiprocessing")
    return not (processes is not None and processes.active_children())


if __name__ == "__main__":
    run()
