"""off-topic: a reference looks unrelated to the manuscript's subject (ADVISORY).

What it checks
    How related each reference is to the manuscript: its record's title, abstract, keywords and
    OpenAlex topics (or the cited title, when the reference was not resolved) and its journal
    (with "tfidf", also the journal's field: its broad subject terms in the NLM Catalog, such as
    "Bacteriology" for J Bacteriol) are compared with the manuscript's title, abstract and
    keywords and with the rest of the reference list, which is mostly on topic. The references
    whose relatedness is unusually low *for this list* (median and MAD of the list's own
    scores, not a global cut-off) are reported.

Why it matters
    An unrelated citation can be padding, citation manipulation (citation rings, coerced or
    self-citations), or a copy-paste slip that put the wrong reference behind a claim. Each one
    leaves a claim without the support it appears to have.

This check is ADVISORY: its finding does not change the reference's status (a verified reference
stays verified), and the report's summary counts advisory findings apart. Being unusual is not
being wrong: methods papers, statistics software and a cytokine borrowed from another field are
legitimately cited far from a paper's subject, and titles alone say little. A reference with no
title, abstract or keywords is never reported (no evidence, no accusation), and lists of fewer than
five references are not judged. When the input has the manuscript's text (JATS, LaTeX, Markdown, or
plain text citing numbered references as [12]), a reference cited only in its methods sections
("Materials and methods", "Statistical analysis", "Software"...) is not judged either: it is cited
for how the work was done, and, measured on real reference lists, well-known methods papers (R,
ImageJ, DESeq2, BLAST...) score as low as intruders from a distant field. Nor is a book, a
chapter, a report or a thesis (as its record's type or the citation says, ``not_article`` in its
relatedness): a title such as "Biometry" or "Veterinary Virology" names a broad subject, and no
journal places it in a field. Nor is a reference whose title is in another language than an
English manuscript's ("Allgemeine Morphologie der Gewächse"): words cannot say how close it is,
so its score would accuse it whatever its subject.
Nor is a reference whose title shares a subject word with a sentence that cites it outside the
methods ("Multiplexed Illumina sequencing libraries from picogram quantities of DNA", cited
where the results say the DNA "was prepared for paired-end sequencing, using a picogram-scale
library protocol"): the text itself ties it to what it is cited for. Its citation
marks ("[3-12]", "(Lewis, 1947)") and words such as "previously described" do not count; and a
title that shares nothing with its sentence is not reported for that alone (a genuine reference
cited "as previously reported" shares nothing either), only when its score is an outlier too.
Nor is a reference that shares an author with a reference clearly on the subject (judged and
scoring at or above the list's median, or using a key term): a reference list is full of the
field's and the authors' own people, and a planted reference from another field rarely shares
one ("Baldwin IT", "Baldwin, I. T." and "Ian T. Baldwin" are one person; organisations tie
nobody). References that share authors only with one another do not vouch for one another; a
reported one's message says that it shares no author with the references on the subject.

Example, in a review of soil microbiology under drought
    passes: "Drought reshapes the bacterial communities of grassland soils."
    fails:  "Tax incentives and the uptake of electric vehicles in cities."

How to act
    Check that the citation supports the claim it is attached to. If it does, keep it (and
    suppress the finding with the reason); if it does not, replace or remove it.

Options (``[options.off-topic]``)
    method          "auto" (default: "embedding" when the ``embeddings`` extra is
                    installed, else "tfidf"), "tfidf" (offline, milliseconds, catches only the
                    blatant cases) or "embedding" (all-MiniLM-L6-v2 sentence embeddings, shipped
                    in the extra; markedly better on titles alone, see docs/offtopic.md). The
                    method used is given in each reference's ``relatedness``.
    threshold       flag below this many robust standard deviations (modified z-score)
                    under the list's median (default: 1.5 for tfidf, 2.0 for embedding)
    max_ratio       ...and below this share of the median score (default: 0.2 tfidf, 0.5
                    embedding)
    min_references  lists with fewer scored references are not judged (default 5)
    max_share       never flag more than this share of the list (default 0.25)

Each reference's score (``relatedness`` in the JSON report) is given whether or not it is
flagged: ``score``, ``to_manuscript``, ``to_list``, ``shared_terms``, ``key_terms`` (the
subject's key terms it uses: a reference that uses one is never reported, whatever its score),
``missing_terms`` (the subject's key terms it lacks), ``field``, ``method``, ``not_article``,
``author_ties`` (the authors it shares with references on the subject, and their numbers: never
reported) or ``authors_compared`` (how many of its authors shared none), and, when the input
has the manuscript's text, ``cited_in`` (the sections that cite it, each with its heading path
and the sentence of its first citation, which a finding's message quotes) and ``methods_only``
(True when all of them are methods sections: not judged), ``sentences_compared`` (how many
sentences citing it outside the methods were compared with its title), ``sentence_terms`` (the
subject words its title shares with one of them: never reported) and ``sentence`` (that
sentence). A reported reference also names the
references most like it (``nearest``). The message says which score decided and against which
threshold, which terms were compared, the sentence that cites it (with which its title shares
no subject word), and the references most like it; when the one most like it
is reported too, it says so, and it suggests that the two are a method the paper uses only when
they look like one (a methods section cites them, or a title names a method, tool or statistic).

Citation ties (online)
    When the references' records say what each work cites (OpenAlex ``referenced_works`` and
    ``related_works``, fetched in the same request; Crossref's ``reference`` list), a reference
    tied to references that are not outliers themselves (two shared cited works, a citation
    either way, or OpenAlex's related works) is never reported, and a reported one's message
    says when its record shares nothing with the list (``coupling`` in its relatedness: the
    ties, its OpenAlex topic and the list's). Being tied to nothing never reports a reference by
    itself: many genuine references cite nothing else the list cites (docs/offtopic.md).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from typing import Any

from citelint.models import Finding, Match, ReferenceResult, Severity
from citelint.rules import CheckContext, Option

ID = "off-topic"
SEVERITY: Severity = "warning"
ADVISORY = True  # a finding never turns a verified reference into a problem
OPTIONS = {
    "method": Option("auto", str, choices=("auto", "tfidf", "embedding")),
    "threshold": Option(None, float, minimum=0.0),  # None: the method's own (OUTLIER_DEFAULTS)
    "max_ratio": Option(None, float, minimum=0.0, maximum=1.0),
    "min_references": Option(5, int, minimum=1),
    "max_share": Option(0.25, float, minimum=0.0, maximum=1.0),
}

def prepare(options: dict[str, Any]) -> None:
    """Load the scoring method's model ahead of use (the engine runs this in the background)."""
    from citelint.relatedness import prepare as prepare_method

    prepare_method(options["method"])


def works_ahead(options: dict[str, Any]) -> bool:
    """Whether :func:`ahead` has work to do: only the embedding method embeds ahead."""
    from citelint.relatedness import resolve_method

    return resolve_method(options["method"]) == "embedding"


def ahead(resolved: Sequence[Match | None], options: dict[str, Any]) -> None:
    """Work done while the list resolves: embed the references resolved so far (None: not
    yet), so that scoring after the last answer finds their vectors ready."""
    from citelint.relatedness import embed_ahead

    embed_ahead(resolved, options["method"])


def relatedness_for(matches: Sequence[Match], context: CheckContext) -> list[dict[str, Any]]:
    """Per-reference relatedness for ``matches`` (in order), computed once per context and list.

    The engine puts these into ``ReferenceResult.relatedness``; ``check_list`` reuses them. The
    result is kept in ``context.memo``, keyed by the identity of the matches and the method.
    """
    return _scored(matches, context)[0]


def _scored(matches: Sequence[Match],
            context: CheckContext) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """The scores and what explains them (the vectors, for the nearest references)."""
    from citelint.relatedness import resolve_method, score_relatedness  # numpy: only when run

    method = resolve_method(context.options_for(ID, OPTIONS)["method"])
    key = (method, tuple(id(m) for m in matches))
    cached = context.memo.get(ID)
    if cached is not None and cached[0] == key:
        return cached[2], cached[3]
    kept: dict[str, Any] = {}
    scores = score_relatedness(context.manuscript, matches, method=method, keep=kept)
    _add_coupling(scores, matches)
    # keep the matches alive with the scores so that their ids cannot be reused by other objects
    context.memo[ID] = (key, list(matches), scores, kept)
    return scores, kept


def _add_coupling(scores: list[dict[str, Any]], matches: Sequence[Match]) -> None:
    """The record-based evidence (:mod:`citelint.coupling`): each matched reference's citation
    ties to the rest of the list and its OpenAlex topic, put into its relatedness as
    ``coupling`` when some record of the list says what it cites or carries topics."""
    from citelint.coupling import couple, numbered

    couplings = couple(matches)
    if not any(c.get("known") or c.get("coupled") or c.get("topic") for c in couplings):
        return  # records without citations or topics (e.g. a bare snapshot): nothing to add
    index_of = [m.reference.index for m in matches]
    for score, coupling in zip(scores, couplings, strict=True):
        if len(coupling) > 1:  # a matched reference
            score["coupling"] = numbered(coupling, index_of)


def _tied_to_the_list(flagged: list[int], scores: list[dict[str, Any]],
                      matches: Sequence[Match]) -> set[int]:
    """The outliers whose records tie them by citations to references that are not outliers
    themselves (:func:`citelint.coupling.ties_outside`): they are not reported. Each outlier's
    ``coupling`` becomes those ties, with ``protected`` set when it has some, and
    ``tied_only_to`` naming the other outliers it is tied to when they are all it has."""
    if not any("coupling" in scores[i] for i in flagged):
        return set()
    from citelint.coupling import numbered, ties_outside

    index_of = [m.reference.index for m in matches]
    tied = set()
    for i, ties in ties_outside(matches, flagged).items():
        before = scores[i].get("coupling") or {}
        scores[i]["coupling"] = {**numbered(ties, index_of), "protected": ties["coupled"]}
        if ties["coupled"]:
            tied.add(i)
        elif before.get("coupled"):
            outliers_named = {index_of[j] for j in flagged}
            scores[i]["coupling"]["tied_only_to"] = [
                index for index in before.get("partners") or [] if index in outliers_named]
    return tied


# Words of a title that name a method, a tool or a statistic rather than a subject.
_METHOD_TITLE = re.compile(
    r"\b(methods?|methodology|software|packages?|programs?|tools?|toolkit|toolbox|algorithms?|"
    r"statistics|statistical|computing|assays?|protocols?|database|server|pipeline|"
    r"estimation|estimator|procedures?|regression|language and environment|version \d)\b",
    re.IGNORECASE)


def looks_like_method(match: Match, score: dict[str, Any]) -> bool:
    """Whether a reference looks like a method the manuscript uses: a methods section cites it,
    or its title names a method, a tool or a statistic."""
    if any(c.get("methods") for c in score.get("cited_in") or []):
        return True
    record = match.record
    title = (record.title if record is not None else None) or match.reference.title or ""
    return bool(_METHOD_TITLE.search(title))


def _message(score: dict[str, Any], rank: int, scored: int, median: float, threshold: float,
             nearest: list[tuple[int, float]], group_is_method: bool,
             reported: set[int]) -> str:
    method = {"tfidf": "word TF-IDF", "embedding": "sentence embeddings"}.get(
        score.get("method") or "", score.get("method") or "")
    place = "the lowest in the list" if rank == 1 else f"the {_ordinal(rank)} lowest of {scored}"
    parts = [f"relatedness {score['score']:.2f} by {method}, {place}, under this list's "
             f"threshold {threshold:.2f} (median {median:.2f})"]
    against = ("the manuscript's title/abstract" if score.get("shared_with") == "manuscript"
               else "the other references")
    terms = score.get("shared_terms") or []
    missing = score.get("missing_terms") or []
    if missing:
        compared = (f"it uses none of the subject's key terms "
                    f"({', '.join(repr(t) for t in missing)})")
        compared += (f" and shares only {', '.join(repr(t) for t in terms[:3])} with {against}"
                     if terms else f" and shares no terms with {against}")
    else:
        compared = (f"it shares only {', '.join(repr(t) for t in terms[:3])} with {against}"
                    if terms else f"it shares no terms with {against}")
    parts.append(compared)
    field, majority = score.get("field"), score.get("majority_field")
    field_said = bool(field and majority and field != majority)
    if field_said:
        parts.append(f"its field is {field} while most references are {majority}")
    if score.get("coupling"):  # what its record's citations and topic say (citelint.coupling)
        from citelint.coupling import describe

        parts += describe(score["coupling"], with_topic=not field_said)
    if score.get("authors_compared"):  # none shared (else it is protected)
        parts.append("it shares no author with the references on the subject (those at or "
                     "above the median)")
    if nearest:
        parts.append("the references most like it are " + " and ".join(
            f"[{index}] ({similarity:.2f})" for index, similarity in nearest))
    cited_in = score.get("cited_in") or []
    if cited_in:  # quote a sentence its title was compared with, when there is one
        first = next((c for c in cited_in if c.get("excerpt") and not c["methods"]), cited_in[0])
        where = f"in {first['heading']!r}" if first["heading"] else "in the text"
        claim = f": \u201c{first['excerpt']}\u201d" if first.get("excerpt") else ""
        more = (f" (and {len(cited_in) - 1} other section{'s' if len(cited_in) > 2 else ''})"
                if len(cited_in) > 1 else "")
        parts.append(f"it is cited {where}{more}{claim}")
    sentences = score.get("sentences_compared")
    if sentences:  # reported: its title shares no word with them (else it is protected)
        parts.append("its title shares no subject word with " + (
            "that sentence" if sentences == 1 else
            f"any of the {sentences} sentences that cite it outside the methods"))
    grouped = [index for index, _ in nearest[:1] if index in reported]
    if grouped and group_is_method:
        parts.append(f"[{grouped[0]}], the reference most like it, is reported too, and the "
                     "two look like a method (a methods section cites them, or a title names a "
                     "method or tool): the paper may use it")
    elif grouped:
        parts.append(f"[{grouped[0]}], the reference most like it, is reported too")
    return ("Advisory: this reference looks unrelated to the manuscript's subject ("
            + "; ".join(parts)
            + "). Check that it supports the claim it is cited for.")


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def check_list(matches: Sequence[Match], context: CheckContext) -> Iterator[tuple[int, Finding]]:
    """Yield ``(position, Finding)`` for the references that are outliers in relatedness."""
    from citelint.relatedness import (
        OUTLIER_DEFAULTS,
        judged,
        nearest_references,
        outliers,
        resolve_method,
        robust_z,
    )

    scores, kept = _scored(matches, context)
    options = context.options_for(ID, OPTIONS)
    default_z, default_ratio = OUTLIER_DEFAULTS[resolve_method(options["method"])]
    z_threshold = default_z if options["threshold"] is None else float(options["threshold"])
    max_ratio = default_ratio if options["max_ratio"] is None else float(options["max_ratio"])
    flagged = outliers(scores, z_threshold=z_threshold, max_ratio=max_ratio,
                       min_references=int(options["min_references"]),
                       max_share=float(options["max_share"]))
    tied = _tied_to_the_list(flagged, scores, matches)
    flagged = [i for i in flagged if i not in tied]
    if not flagged:
        return
    median, scale, _ = robust_z(scores)
    assert median is not None and scale is not None
    threshold = max(min(median - z_threshold * scale, max_ratio * median), 0.0)
    ranked = sorted((s["score"], i) for i, s in enumerate(scores) if judged(s))
    rank_of = {i: r + 1 for r, (_, i) in enumerate(ranked)}
    reported = {matches[position].reference.index for position in flagged}
    near = nearest_references(kept["vectors"], kept["has_text"], flagged)
    for position in flagged:
        score = scores[position]
        nearest = [(matches[j].reference.index, similarity) for j, similarity in near[position]]
        if nearest:  # the report's relatedness of a reported reference names them too
            score["nearest"], score["nearest_similarity"] = nearest[0]
        group_is_method = bool(nearest) and nearest[0][0] in reported and (
            looks_like_method(matches[position], score)
            or looks_like_method(matches[near[position][0][0]], scores[near[position][0][0]]))
        yield position, Finding(
            rule=ID,
            severity=SEVERITY,
            message=_message(score, rank_of[position], len(ranked), median, threshold, nearest,
                             group_is_method, reported),
            evidence={
                "score": score["score"],
                "median": round(median, 4),
                "threshold": round(threshold, 4),
                "shared_terms": score.get("shared_terms", []),
                "missing_terms": score.get("missing_terms", []),
                "key_terms": score.get("key_terms", []),
                "nearest": nearest[0][0] if nearest else None,
                "nearest_similarity": nearest[0][1] if nearest else None,
                "nearest_references": [{"index": i, "similarity": sim} for i, sim in nearest],
                "group_looks_like_method": group_is_method,
                "field": score.get("field"),
                "majority_field": score.get("majority_field"),
                "to_manuscript": score.get("to_manuscript"),
                "to_list": score.get("to_list"),
                "method": score.get("method"),
                "cited_in": score.get("cited_in", []),
                "sentences_compared": score.get("sentences_compared", 0),
                "sentence_terms": score.get("sentence_terms", []),
                "coupling": score.get("coupling"),
                "authors_compared": score.get("authors_compared", 0),
            },
        )


def annotate(results: Sequence[ReferenceResult], context: CheckContext) -> None:
    """Put each reference's relatedness into its result (reusing what check_list computed)."""
    scores = relatedness_for([r.match for r in results], context)
    for result, score in zip(results, scores, strict=True):
        result.relatedness = score
