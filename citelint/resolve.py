"""Resolve references to records: identifier first, then bibliographic search, source by source.

For every reference this produces a :class:`~citelint.models.Match`: the accepted record (or none),
what the cited DOI itself names, the runner-up candidate, and which sources answered or failed.
The order of work keeps requests few: all cited DOIs are looked up in one batch per source; only
references whose DOI does not settle the question are searched, source by source in the order
given, stopping at the first acceptable candidate; records found by search are then fetched by DOI
from the other sources in one batch (a second opinion, e.g. on retractions).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from concurrent.futures import Executor, Future, ThreadPoolExecutor
from typing import TYPE_CHECKING

from citelint.doi import arxiv_doi, clean_doi, is_short_doi, is_valid_doi, registered_arxiv_doi
from citelint.journals import compare_journals
from citelint.matching import Score, rank_candidates, same_number
from citelint.models import LookupFailure, Match, Record, Reference, VenueHoldings
from citelint.sources import NotInCache, PartialAnswer, Source, SourceUnavailable

if TYPE_CHECKING:
    from citelint.sources.spread import SearchSpread

#: Told each time one more reference has been resolved (e.g. to move a progress bar).
Progress = Callable[[], None]

#: Told, for each reference, its position in the list and its match once the match will no
#: longer change but for second opinions (records in ``others``, failures of them).
Settled = Callable[[int, Match], None]

#: Checks whether a DOI is registered at all (e.g. at doi.org, for DataCite DOIs); may raise
#: SourceUnavailable.
DoiChecker = Callable[[str], bool]

#: The DOI a shortDOI (10/fqd6hj) stands for, None when there is no such shortDOI (e.g. asked
#: of doi.org's handle API); may raise SourceUnavailable.
DoiExpander = Callable[[str], str | None]


def cited_doi(ref: Reference) -> str | None:
    """The reference's DOI when it is syntactically valid, else None."""
    doi = clean_doi(ref.doi)
    return doi if is_valid_doi(doi) else None


#: per source, the failure and the DOIs it concerns
Failures = dict[str, tuple[LookupFailure, set[str]]]


def _failure(source: Source, exc: SourceUnavailable) -> LookupFailure:
    offline = isinstance(exc, NotInCache) or getattr(exc, "offline", False)
    return LookupFailure(source.name, str(exc), offline=offline)


def _lookup_dois(sources: Sequence[Source], dois: list[str],
                 asked: dict[str, set[str]]) -> tuple[dict[str, dict[str, Record]], Failures]:
    """Ask each source for these DOIs. Returns found records and failed DOIs, per source."""
    found: dict[str, dict[str, Record]] = {}
    failed: Failures = {}
    for source in sources:
        todo = [d for d in dois if d not in asked.setdefault(source.name, set())]
        if not todo:
            continue
        try:
            answer = source.works_by_doi(todo)
        except PartialAnswer as exc:  # some DOIs answered, some failed
            answer = exc.found
            failed[source.name] = (_failure(source, exc), {d.lower() for d in exc.failed})
        except SourceUnavailable as exc:
            failed[source.name] = (_failure(source, exc), set(todo))
            continue
        found[source.name] = {k.lower(): v for k, v in answer.items()}
        missed = failed[source.name][1] if source.name in failed else set()
        asked[source.name].update(d for d in todo if d not in missed)
    return found, failed


class _Merged:
    """The answers of several sources' DOI look-ups running side by side, merged in the order of
    the sources."""

    def __init__(self, parts: list[Future[tuple[dict[str, dict[str, Record]], Failures]]]):
        self._parts = parts

    def result(self) -> tuple[dict[str, dict[str, Record]], Failures]:
        found: dict[str, dict[str, Record]] = {}
        failed: Failures = {}
        for part in self._parts:
            more_found, more_failed = part.result()
            found.update(more_found)
            failed.update(more_failed)
        return found, failed


def _lookup_everywhere(pool: Executor, sources: Sequence[Source], dois: list[str],
                       asked: dict[str, set[str]]) -> _Merged:
    """:func:`_lookup_dois` for each source at once, in ``pool``; ``result()`` waits for all."""
    for source in sources:  # each task then touches only its own source's entry
        asked.setdefault(source.name, set())
    return _Merged([pool.submit(_lookup_dois, [source], dois, asked) for source in sources])


def venue_holdings(source: str, ref: Reference, records: Sequence[Record]) -> VenueHoldings:
    """What ``records`` (a source's works of about the cited journal and year) show: how many
    are in the cited journal (by name, abbreviation or ISSN) and that year, and whether any is
    in the cited volume."""
    assert ref.journal and ref.year
    same = [r for r in records if ref.year in r.years() and r.journal
            and compare_journals(ref.journal, r.journal, r.journal_short, r.issn).relation
            != "different"]
    in_volume = [r for r in same if ref.volume and same_number(ref.volume, r.volume)]
    return VenueHoldings(source, ref.journal, ref.year, len(same),
                         volume=ref.volume if in_volume else None,
                         sample=[r.doi for r in (in_volume or same)[:3] if r.doi])


class _InLine(Executor):
    """Runs each task as it is submitted, in the submitting thread. With one worker a pool's
    thread would run the same tasks in the same order while the submitter waits; this spares
    the hand-off between threads (tens of microseconds of CPU per task, several per reference
    when nothing waits on the network, e.g. against a local index)."""

    def submit(self, fn: Callable[..., object], /, *args: object,
               **kwargs: object) -> Future:
        future: Future = Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except Exception as exc:  # raised by result(), as from a pool's task
            future.set_exception(exc)
        return future


def _accept(match: Match, record: Record, score: Score,
            runner_up: Sequence[tuple[Record, Score]]) -> None:
    """Settle ``match`` on ``record`` with its ``score`` (a ranked candidate's), and keep the
    next-ranked candidate (``runner_up``: none or one) and its score for the report."""
    match.record = record
    match.score, match.field_scores = score.total, score.fields
    match.author_comparison = score.authors
    for other, other_score in runner_up:
        match.runner_up, match.runner_up_score = other, other_score.total


class Resolver:
    """Resolves a list of references against ``sources`` (tried in order)."""

    def __init__(self, sources: Sequence[Source], doi_checker: DoiChecker | None = None,
                 rows: int = 5, workers: int = 1, progress: Progress | None = None,
                 doi_expander: DoiExpander | None = None, settled: Settled | None = None,
                 spread: SearchSpread | None = None):
        self.sources = list(sources)
        self.spread = spread  # searches that may go to OpenAlex in Crossref's place
        self.progress = progress
        self.settled = settled
        self.doi_checker = doi_checker
        self.doi_expander = doi_expander
        self.expanded: dict[str, str] = {}  # shortDOI → the DOI it stands for
        self.rows = rows
        self.workers = max(1, workers)

    def resolve(self, references: Sequence[Reference]) -> list[Match]:
        """One pipeline, so that every service lane stays busy up to its own limit (the
        transport's pacers hold each to it): references with no DOI to look up are searched
        while the cited DOIs are looked up, and a reference whose DOI did not settle it is
        searched as soon as the DOI answers are in. A source's batch of second opinions goes
        out as soon as no reference can still find a record that source has not been asked
        about (e.g. OpenAlex's once every Crossref search has answered, while OpenAlex's own
        fallback searches and journal look-ups still run). The requests are the same as in
        phases (one DOI batch per source, a search only where the DOI did not settle it, one
        batch of second opinions per source), and so are the results: each reference is
        worked on by one task at a time, in the same order of steps."""
        authoritative = bool(self.sources) and all(s.authoritative for s in self.sources)
        matches = [Match(reference=ref, authoritative=authoritative) for ref in references]
        self._positions = {id(m): i for i, m in enumerate(matches)}
        asked: dict[str, set[str]] = {}
        self._opinions = _Opinions(self.sources, matches, asked)
        self._known_lock = threading.Lock()
        self._known: dict[str, dict[str, tuple[str, tuple[str, ...]]]] | None = None
        pool = ThreadPoolExecutor(self.workers) if self.workers > 1 else _InLine()
        with pool, self._opinions:
            tasks: list[Future[None]] = []
            early: list[tuple[Future[None], Match]] = []
            shorts = [m for m in matches if is_short_doi(clean_doi(m.reference.doi) or "")]
            if shorts:  # searches need not wait for doi.org; the DOI batch does
                short = {id(m) for m in shorts}
                early = [(pool.submit(self._search_final, m), m) for m in matches
                         if id(m) not in short and self._doi(m.reference) is None]
                self._expand_short_dois(shorts, pool)
            dois = sorted({d for ref in references if (d := self._doi(ref))})
            # tasks submitted from here on may wait for these answers: they were queued first
            self._doi_answers = looking_up = _lookup_everywhere(pool, self.sources, dois, asked)
            tasks += [pool.submit(self._search_one, m) for m in (shorts or matches)
                      if self._doi(m.reference) is None]
            tasks += [pool.submit(self._conclude_after, search, m) for search, m in early]
            found, failed = looking_up.result()
            tasks += [pool.submit(self._settle_by_doi, m, found, failed) for m in matches
                      if self._doi(m.reference) is not None]
            for task in tasks:
                task.result()
            self._opinions.finish(pool)
        return matches

    def _doi(self, ref: Reference) -> str | None:
        """The DOI to look up: the cited one (a versioned arXiv DOI as the DOI arXiv registers,
        without the version), the one its shortDOI stands for, or an arXiv id's DOI."""
        doi = cited_doi(ref)
        if doi:
            return registered_arxiv_doi(doi) or doi
        if ref.arxiv and not ref.doi:
            return arxiv_doi(ref.arxiv)
        return self.expanded.get(clean_doi(ref.doi) or "")

    def _expand_short_dois(self, matches: list[Match], pool: Executor) -> None:
        """Learn the DOIs that the shortDOIs of ``matches`` stand for (one question per
        shortDOI, side by side). Without an expander (offline, or doi.org not among the
        sources) they are searched like references without a DOI."""
        if self.doi_expander is None:
            return
        expander = self.doi_expander

        def expand(short: str) -> str | LookupFailure | None:
            try:
                return expander(short)
            except SourceUnavailable as exc:
                return LookupFailure("doi.org", str(exc), offline=isinstance(exc, NotInCache))

        shorts = list(dict.fromkeys(clean_doi(m.reference.doi) or "" for m in matches))
        answers = dict(zip(shorts, pool.map(expand, shorts), strict=True))
        for match in matches:
            answer = answers[clean_doi(match.reference.doi) or ""]
            if isinstance(answer, LookupFailure):
                match.failures.append(answer)
            elif answer:
                self.expanded[clean_doi(match.reference.doi) or ""] = answer

    def _settle_by_doi(self, match: Match, found: dict[str, dict[str, Record]],
                       failed: Failures) -> None:
        """What the cited DOI's records say, then a search when they did not settle it."""
        self._use_doi_records(match, found, failed)
        self._search_one(match)

    def _use_doi_records(self, match: Match, found: dict[str, dict[str, Record]],
                         failed: Failures) -> None:
        doi = self._doi(match.reference)
        if doi is None:
            return
        records = [found[s.name][doi] for s in self.sources if doi in found.get(s.name, {})]
        for source in self.sources:
            if doi in found.get(source.name, {}):
                self._opinions.gave(source.name, [found[source.name][doi]])
        failed_here = False
        for source in self.sources:
            failure, dois = failed.get(source.name, (None, set()))
            if failure is not None and doi in dois:
                match.failures.append(failure)
                failed_here = True
            elif source.name in found:
                match.searched.append(source.name)
        if records:  # every source's record of the DOI is scored; the best one speaks for it
            [(best, score)] = rank_candidates(match.reference, records)
            match.doi_record, match.doi_registered = best, True
            match.others = [r for r in records if r is not best]
            if score.acceptable:
                match.record = best
                match.score, match.field_scores = score.total, score.fields
                match.author_comparison = score.authors
        elif not failed_here and self.sources and all(s.authoritative for s in self.sources):
            match.doi_registered = self._registered_elsewhere(match, doi)

    def _registered_elsewhere(self, match: Match, doi: str) -> bool | None:
        """No source knows the DOI: is it registered at all (e.g. with DataCite)?"""
        if self.doi_checker is None:
            return False
        try:
            return self.doi_checker(doi)
        except SourceUnavailable as exc:
            match.failures.append(LookupFailure("doi.org", str(exc),
                                                offline=isinstance(exc, NotInCache)))
            return None

    def _search_one(self, match: Match) -> None:
        self._search_final(match)
        self._conclude(match)

    def _search_final(self, match: Match) -> None:
        self._search(match)
        self._opinions.searching(match, len(self.sources))  # its record is final

    def _conclude_after(self, search: Future[None], match: Match) -> None:
        """:meth:`_conclude` a search that was queued before the DOI look-ups."""
        search.result()
        self._conclude(match)

    def _conclude(self, match: Match) -> None:
        """The journal evidence of a reference whose record is final, then tell the callers.
        Only for tasks queued after the DOI look-ups (the evidence may wait for them)."""
        self._venue_evidence(match)
        if self.settled is not None:
            self.settled(self._positions[id(match)], match)
        if self.progress is not None:
            self.progress()

    def _search(self, match: Match) -> None:
        if match.record is not None:
            return
        ref = match.reference
        candidates: list[Record] = [match.doi_record] if match.doi_record else []
        ranked: list = []
        moved: dict[str, list[Record] | None] = {}  # searches done in Crossref's place
        for position, source in enumerate(self.sources):
            self._opinions.searching(match, position)
            if self.spread is not None and source.name == self.spread.crossref.name:
                moved = self._spread_search(match, candidates)
                if match.record is not None:
                    return
            if source.name in moved:  # asked already: its answer (None: it failed)
                results = moved[source.name]
                if results is None:
                    continue
            else:
                try:
                    results = source.search(ref, self.rows)
                except SourceUnavailable as exc:
                    match.failures.append(_failure(source, exc))
                    continue
            if source.name not in match.searched:
                match.searched.append(source.name)
            self._opinions.gave(source.name, results)
            candidates.extend(results)
            ranked = rank_candidates(ref, candidates)
            if ranked and ranked[0][1].acceptable:
                break
        if ranked and ranked[0][1].acceptable:
            best, score = ranked[0]
            _accept(match, best, score, ranked[1:2])
        elif ranked:  # nothing acceptable: keep the closest as evidence for the report
            match.runner_up, runner = ranked[0]
            match.runner_up_score = runner.total
        match.searched += [name for name, results in moved.items()
                           if results is not None and name not in match.searched]

    def _spread_search(self, match: Match,
                       candidates: list[Record]) -> dict[str, list[Record] | None]:
        """The search moved to OpenAlex when the spread sends it there (see
        :mod:`citelint.sources.spread`). Its best candidate is validated as any search's; when
        it is acceptable and has a DOI whose Crossref record (asked on Crossref's lane of single
        records) is acceptable too, that record settles the reference as Crossref's search would
        have, OpenAlex's is its second opinion, and nothing is returned. Otherwise OpenAlex's
        answer (None when it failed) is returned to stand for OpenAlex's own search, and the
        reference is searched as usual, from Crossref on."""
        spread = self.spread
        assert spread is not None
        name = spread.openalex.name
        try:
            results = spread.search(match.reference, self.rows)
        except SourceUnavailable as exc:
            match.failures.append(_failure(spread.openalex, exc))
            spread.fell_back()
            return {name: None}
        if results is None:
            return {}
        self._opinions.gave(name, results)
        ranked = rank_candidates(match.reference, candidates + results)
        best = ranked[0][0] if ranked and ranked[0][1].acceptable else None
        confirmed = None
        if best is not None and best.doi and any(best is r for r in results):
            try:
                confirmed = spread.confirm(best.doi)
            except SourceUnavailable:
                confirmed = None  # Crossref's own search says what it says
        if confirmed is None or best is None:
            spread.fell_back()
            return {name: results}
        [(_, own)] = rank_candidates(match.reference, [confirmed])
        if not own.acceptable:
            spread.fell_back()
            return {name: results}
        spread.settled()
        self._opinions.gave(spread.crossref.name, [confirmed])
        _accept(match, confirmed, own, ranked[1:2])
        match.others.append(best)
        order = [s.name for s in self.sources]
        match.searched = sorted({*match.searched, name, spread.crossref.name},
                                key=lambda n: order.index(n) if n in order else len(order))
        return {}

    def _venue_evidence(self, match: Match) -> None:
        """For a journal article that no source holds (every source answered), ask the sources
        that can tell what they hold of the cited journal in the cited year, in turn: if one
        holds other works of it, the journal is indexed there and the absence of this one is
        evidence. The first source that shows this settles the verdict, so the others are not
        asked (what they would add is more of the same evidence).

        A source whose answers to the cited DOIs already named the journal's own id (OpenAlex's
        records carry their journal's id) is asked first, with those ids: one request, not on
        Crossref's list lane, the slowest of the run (1 to 3 requests a second). Otherwise the
        sources go in their order (Crossref answers in one request; OpenAlex would need two)."""
        ref = match.reference
        if (match.record is not None or match.failures or not match.searched
                or not match.authoritative or ref.parse_error or not ref.journal
                or not ref.year or cited_doi(ref) or ref.type not in (None, "article")):
            return
        known = self._known_journal_ids(ref.journal)
        for source in sorted(self.sources, key=lambda s: not known.get(s.name)):
            ask = getattr(source, "journal_works", None)
            if ask is None:
                continue
            try:
                records = (ask(ref.journal, ref.year, journal_ids=known[source.name])
                           if known.get(source.name) else ask(ref.journal, ref.year))
            except SourceUnavailable:
                continue  # no evidence either way from this source
            holdings = venue_holdings(source.name, ref, records)
            match.venue.append(holdings)
            if holdings.works:
                break
        order = [s.name for s in self.sources]  # the evidence in the order of the sources
        match.venue.sort(key=lambda v: order.index(v.source))

    def _known_journal_ids(self, journal: str) -> dict[str, list[str]]:
        """Per source, the ids of the cited journal that its answers to the cited DOIs named
        (waits for those answers: the caller's task was queued after them)."""
        with self._known_lock:
            if self._known is None:
                found, _ = self._doi_answers.result()
                self._known = {
                    name: {r.journal_id: (r.journal, tuple(r.issn)) for r in records.values()
                           if r.journal_id and r.journal}
                    for name, records in found.items()}
            known = self._known
        return {name: ids for name, journals in known.items()
                if (ids := [i for i, (full, issn) in journals.items()
                            if compare_journals(journal, full, (), issn).relation
                            != "different"])}


class _Opinions:
    """Second opinions: each accepted record fetched by DOI from the sources not yet asked
    about it, in one batch per source. The last source's batch goes out (on a thread of its
    own) as soon as every reference either has its final record or is searching that source
    (whatever it finds there needs no opinion from it); the others' once every record is final.
    """

    def __init__(self, sources: Sequence[Source], matches: list[Match],
                 asked: dict[str, set[str]]) -> None:
        self.sources = list(sources)
        self.matches = matches
        self.asked = asked
        self._lock = threading.Lock()
        # per reference, the position of the first source it may still accept a record from
        self._from = dict.fromkeys((id(m) for m in matches), 0)
        self._before_last = len(matches) if len(self.sources) > 1 else 0
        self._early: Future[tuple[dict[str, dict[str, Record]], Failures]] | None = None
        self._covered: set[str] = set()  # DOIs the early batch asked about
        self._pool = ThreadPoolExecutor(1)
        # which source gave each record: a source's name can differ from its records' origin
        # ("index:crossref" gives "crossref" records), and it is not asked again for them
        self._given_by: dict[int, str] = {}

    def __enter__(self) -> _Opinions:
        return self

    def __exit__(self, *_: object) -> None:
        self._pool.shutdown(wait=True)

    def searching(self, match: Match, position: int) -> None:
        """``match`` may now accept a record only from ``sources[position:]`` (from none when
        all are searched: its record is final)."""
        last = len(self.sources) - 1
        with self._lock:
            before = self._from[id(match)]
            if position <= before:
                return
            self._from[id(match)] = position
            if before < last <= position:
                self._before_last -= 1
            if self._before_last == 0 and self._early is None and last > 0:
                self._early = self._pool.submit(self._ask_early, self.sources[last])

    def gave(self, source: str, records: Sequence[Record]) -> None:
        """``records`` came from the source named ``source`` (by search or DOI)."""
        self._given_by.update((id(record), source) for record in records)

    def _mark_answered(self) -> None:
        """A record found by a source (by search or DOI) is that source's full answer."""
        for match in self.matches:
            for record in (match.record, *match.others):
                if record is not None and record.doi:
                    given_by = self._given_by.get(id(record), record.source)
                    self.asked.setdefault(given_by, set()).add(record.doi)

    def _ask_early(self, source: Source) -> tuple[dict[str, dict[str, Record]], Failures]:
        with self._lock:
            self._mark_answered()
            self._covered = {m.record.doi for m in self.matches if m.record and m.record.doi}
            wanted = sorted(self._covered)
        return _lookup_dois([source], wanted, self.asked)

    def finish(self, pool: Executor) -> None:
        """Once every record is final: wait for the early batch, send the others (and anything
        the early one could not include), and add the answers to the matches, failures too
        (e.g. the retraction status is then unchecked)."""
        found: dict[str, dict[str, Record]] = {}
        failed: Failures = {}
        if self._early is not None:
            found, failed = self._early.result()
        self._mark_answered()
        wanted = {m.record.doi for m in self.matches if m.record and m.record.doi}
        late = [pool.submit(_lookup_dois, [source], sorted(wanted - self._covered)
                            if self._early is not None and source is self.sources[-1]
                            else sorted(wanted), self.asked)
                for source in self.sources]
        more_found, more_failed = _Merged(late).result()
        for name, records in more_found.items():
            found.setdefault(name, {}).update(records)
        for name, (failure, dois) in more_failed.items():
            failed[name] = (failed[name][0], failed[name][1] | dois) if name in failed else (
                failure, dois)
        for match in self.matches:
            if not (match.record and match.record.doi):
                continue
            for failure, dois in failed.values():
                if match.record.doi in dois and failure not in match.failures:
                    match.failures.append(failure)
            have = {id(match.record), *(id(r) for r in match.others)}
            for source in self.sources:
                other = found.get(source.name, {}).get(match.record.doi)
                if (other is not None and id(other) not in have
                        and other.source != match.record.source):
                    match.others.append(other)


def resolve_references(references: Sequence[Reference], sources: Sequence[Source],
                       doi_checker: DoiChecker | None = None, workers: int = 1,
                       progress: Progress | None = None,
                       doi_expander: DoiExpander | None = None,
                       settled: Settled | None = None,
                       spread: SearchSpread | None = None) -> list[Match]:
    """Resolve ``references`` against ``sources``; see :class:`Resolver`."""
    return Resolver(sources, doi_checker=doi_checker, workers=workers, progress=progress,
                    doi_expander=doi_expander, settled=settled,
                    spread=spread).resolve(references)
