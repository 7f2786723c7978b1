"""Evaluate the off-topic scorer (citelint.relatedness) on real reference lists, offline.

Two measurements, written up in docs/offtopic.md:

(a) the seed manuscript (fixtures/seed): records hold only the titles that truth.jsonl gives,
    the manuscript holds the title and abstract of manuscript.txt's header; the script prints the
    flagged references and why;
(b) synthetic intruders: real reference lists (the seed's; the Crossref reference lists of three
    papers in fixtures/api-examples; a PeerJ fish corpus and an OpenAlex machine-learning/public
    -health corpus, each with one of its own papers as the "manuscript") get 3-5 references from
    another list inserted at random places; recall = intruders flagged / inserted, false flags =
    original references flagged, per 30 original references. Run with records holding titles only
    ("titles"), titles and the journal as the list cites it ("titles+journals"), and everything
    the corpus has: journals, abstracts, keywords, topics ("full").

    The target (issue #4) is about intruders *from a distant field*. Most list/pool pairs are that
    (wound healing, bacterial RNA thermometers, methylphenidate neurotoxicity, plant histology, fish
    ecology), but some drawn works are on a subject the list itself covers: a paper on bacteria
    inserted into the bacterial list, machine-learning papers into a list that cites machine
    learning. Those are judged by hand from their titles (``NEAR`` below) and reported apart
    ("near"), neither in the recall nor in the false flags. References that a list's own truth
    calls off-topic (``KNOWN_OFF_TOPIC``) are not counted as false flags either.

(c) method citations: 2 of ``METHOD_CITATIONS`` (widely cited methods, software and statistics
    papers) inserted into each real list as *genuine* references; how often they are flagged is a
    false-flag rate that (b) does not see, since most of its lists cite few such works.

Usage: python bench/offtopic_eval.py [--methods tfidf,embedding] [--trials 20] [--per-pair]
       [--fields titles,titles+journals,full] [--method-citations]

This is an evaluation script, not part of the package: it reads files, the package does not.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import sys
import time
from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from citelint.models import Author, CitingSection, Manuscript, Match, Record, Reference
from citelint.names import cited_author
from citelint.readers import read_file
from citelint.records import record_from_openalex, strip_markup
from citelint.relatedness import outliers, protected, score_relatedness

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
SEED = FIXTURES / "seed"
EXAMPLES = FIXTURES / "api-examples"


@dataclass
class Item:
    """One work of a corpus: what a record could say about it."""

    title: str
    abstract: str | None = None
    keywords: list[str] = field(default_factory=list)
    topics: list[dict[str, str]] = field(default_factory=list)
    label: str = ""  # e.g. the reference number in its list
    journal: str | None = None  # as the list cites it, or the record's container
    # the sections of the list's article that cite it (the JATS lists only): (heading, methods,
    # the sentence of the section's first citation of it, None where the list keeps no text)
    cited_in: list[tuple[str, bool, str | None]] = field(default_factory=list)
    # the authors as the list cites them (the Crossref reference lists: the first author only)
    authors: list[Author] = field(default_factory=list)
    kind: str | None = None  # the kind of work as the list says ("article", "book"...)


def _author(row: dict[str, str]) -> Author:
    """An author as lists.jsonl keeps it (``Author.to_dict``)."""
    return Author(family=row.get("family"), given=row.get("given"), name=row.get("literal"),
                  particle=row.get("particle"), suffix=row.get("suffix"))


@dataclass
class Corpus:
    """A real reference list (or a topical corpus) and the manuscript it belongs to."""

    name: str
    title: str
    abstract: str | None
    items: list[Item]
    role: str = "list"  # "list": usable as a reference list; "pool": intruders only
    # subject areas (fixtures/offtopic/lists.jsonl): a work drawn from a corpus that shares an
    # area with the list is a near intruder, not a distant one; empty: judged by ``NEAR``
    areas: tuple[str, ...] = ()


def seed_manuscript() -> tuple[str, str]:
    """Title and abstract from the header of the seed's manuscript.txt."""
    lines = (SEED / "manuscript.txt").read_text(encoding="utf-8").splitlines()
    title = lines[0].strip()
    start = lines.index("Abstract") + 1
    end = next(i for i in range(start, len(lines)) if lines[i].strip() == "Keywords")
    abstract = " ".join(line.strip() for line in lines[start:end] if line.strip())
    return title, abstract


def seed_corpus() -> Corpus:
    """The seed's references that truth.jsonl gives a title for, labelled by their number, with
    the journal as manuscript.txt cites it."""
    title, abstract = seed_manuscript()
    cited = {ref.index: ref for ref in read_file(SEED / "manuscript.txt").references}
    items = []
    for line in (SEED / "truth.jsonl").read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        if row.get("title"):
            ref = cited.get(row["n"])
            items.append(Item(title=row["title"], label=str(row["n"]),
                              journal=ref.journal if ref else None,
                              authors=ref.authors if ref else [],
                              kind=ref.type if ref else None))
    return Corpus("seed (MSC wound healing)", title, abstract, items)


def _crossref_reference_list(filename: str, name: str) -> Corpus:
    work = json.loads((EXAMPLES / "crossref" / filename).read_text(encoding="utf-8"))["message"]
    items = [Item(title=strip_markup(ref["article-title"]) or "", label=ref.get("key", ""),
                  journal=ref.get("journal-title"),
                  authors=[cited_author(ref["author"])] if ref.get("author") else [])
             for ref in work.get("reference", []) if ref.get("article-title")]
    return Corpus(name, strip_markup(work["title"][0]) or "", strip_markup(work.get("abstract")),
                  items)


def _crossref_items(filename: str) -> list[Item]:
    work_list = json.loads((EXAMPLES / "crossref" / filename).read_text(encoding="utf-8"))
    items = []
    for work in work_list["message"]["items"]:
        title = strip_markup((work.get("title") or [""])[0])
        if not title or title.lower().startswith(("correction", "retraction")):
            continue
        abstract = strip_markup(work.get("abstract"))
        if abstract and abstract.lower().startswith("abstract "):
            abstract = abstract[len("abstract "):]
        items.append(Item(title=title, abstract=abstract, keywords=work.get("subject") or [],
                          label=work.get("DOI", ""),
                          journal=strip_markup((work.get("container-title") or [None])[0]),
                          authors=[Author(family=a.get("family"), given=a.get("given"),
                                          name=a.get("name"))
                                   for a in work.get("author") or []]))
    return items


def _corpus_as_list(name: str, items: list[Item]) -> Corpus:
    """A topical corpus as a reference list: its first paper with an abstract is the manuscript."""
    head = next(i for i in items if i.abstract)
    return Corpus(name, head.title, head.abstract, [i for i in items if i is not head])


def openalex_items() -> list[Item]:
    data = json.loads((EXAMPLES / "openalex" /
                       "works_search_machine_learning_AND_public_health_per-page200.json")
                      .read_text(encoding="utf-8"))
    items = []
    for work in data["results"]:
        record = record_from_openalex(work)
        if record.title:
            items.append(Item(record.title, record.abstract, record.keywords, record.topics,
                              label=record.id or "", journal=record.journal,
                              authors=record.authors or []))
    return items


# The areas of the first six lists, as the JATS lists of fixtures/offtopic have theirs.
_AREAS = {
    "seed (MSC wound healing)": ("wound healing", "stem cells"),
    "PLoS Pathog (bacterial RNA thermometer)": ("microbiology",),
    "PLoS ONE (methylphenidate, dopamine neurons)": ("neuroscience", "pharmacology"),
    "eLife (Arabidopsis histology)": ("plant biology", "image analysis"),
    "PeerJ fish papers": ("ecology",),
    "OpenAlex ML & public health": ("machine learning", "public health"),
}


def jats_corpora(sentences: bool = True) -> list[Corpus]:
    """The 23 reference lists of fixtures/offtopic/lists.jsonl (published JATS articles from
    several fields; see its SOURCES.md), labelled by reference number, with the journal as the
    list cites it. ``sentences``: keep the citing sentences (False: the sections alone, to
    measure without them)."""
    corpora = []
    path = FIXTURES / "offtopic" / "lists.jsonl"
    for line in path.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        items = [Item(title=r["title"], label=str(r["n"]), journal=r["journal"],
                      cited_in=[(c["heading"], c["methods"],
                                 c.get("excerpt") if sentences else None)
                                for c in r["cited_in"]],
                      authors=[_author(a) for a in r.get("authors", [])], kind=r.get("type"))
                 for r in row["references"] if r["title"]]
        corpora.append(Corpus(f"{row['name']} ({row['doi']})", row["title"], row["abstract"],
                              items, areas=tuple(row["areas"])))
    return corpora


def all_corpora(jats: bool = True, sentences: bool = True) -> list[Corpus]:
    """Every corpus the evaluation uses; ``role="pool"`` ones only supply intruders. ``jats``:
    include the lists of fixtures/offtopic (``sentences``: with their citing sentences)."""
    corpora = _first_corpora()
    for corpus in corpora:
        corpus.areas = _AREAS.get(corpus.name, ())
    return corpora + (jats_corpora(sentences) if jats else [])


def _first_corpora() -> list[Corpus]:
    return [
        seed_corpus(),
        _crossref_reference_list("works_10.1371_journal.ppat.1008184_update-to_new_version.json",
                                 "PLoS Pathog (bacterial RNA thermometer)"),
        _crossref_reference_list("works_10.1371_journal.pone.0033693_updated-by_correction.json",
                                 "PLoS ONE (methylphenidate, dopamine neurons)"),
        _crossref_reference_list("works_10.7554_elife.01567_article-number_references.json",
                                 "eLife (Arabidopsis histology)"),
        _corpus_as_list("PeerJ fish papers",
                        _crossref_items("journals_2167-8359_works_query.bibliographic_fish.json")),
        _corpus_as_list("OpenAlex ML & public health", openalex_items()),
        Corpus("PLOS ONE 2021 mixed topics", "", None, _crossref_items(
            "journals_1932-6203_works_rows30_2021_contains_retraction_notices.json"), role="pool"),
    ]


# Insertions that are not from a distant field, judged by hand from the titles: list name ->
# title prefixes of works whose subject the list itself covers, with the reason.
_MACHINE_LEARNING = ("Training nu-support vector", "Support-vector Networks",
                     "What is a support vector", "Classification of cultured mammalian cells",
                     "Cell morphology classification", "Clustering phenotype populations",
                     "BaSAR", "EBImage", "A screen for morphological complexity")
NEAR: dict[str, tuple[str, ...]] = {
    # bacteria, viruses and other pathogens, molecular folding, gut microbiota
    "PLoS Pathog (bacterial RNA thermometer)": (
        "Sugar and iron", "Molecular characterization of viruses",
        "Experimental approach to study the effect of mutations", "Effect of ZFN-edited myostatin",
        "Author response: Rapid geographical", "Decision letter: Rapid geographical",
        "Editor's evaluation: Rapid geographical", "Inflammatory effects of highly pathogenic"),
    # its "manuscript" is on climate regions; the corpus is machine learning, public health,
    # epidemiology, psychology and social science
    "OpenAlex ML & public health": _MACHINE_LEARNING + (
        "Linkage to care of HIV", "Demonstration of background rates",
        "A public health approach", "Urinary incontinence", "Temporal trends in prevalence",
        "The interplay between endorser", "Inducing resistance to the misinformation",
        "Angry, old, male", "Predicting ecosystem components", "Causal modelling of climate",
        "Optimization based trajectory planning", "Incidence of Parkinson's disease among",
        "Increased risk of Parkinson's disease", "Monitoring the Future"),
    # image analysis and tracking; animal cell biology
    "eLife (Arabidopsis histology)": ("Tracking multiple fish", "Mouse DCUN1D1"),
    # stem-cell differentiation; precision medicine (the seed cites a multi-omics paper)
    "seed (MSC wound healing)": ("Physical stimulation by REAC",
                                 "The intersection of genomics and big data"),
    # stroke neurology
    "PLoS ONE (methylphenidate, dopamine neurons)": ("Intra-arterial pulse wave",),
    # marine and freshwater ecology, animal behaviour, taxonomy
    "PeerJ fish papers": ("Initiation of feeding by four", "Predicting ecosystem components",
                          "Upwelling modulation", "Phylomitogenomics",
                          "The influence of infiltration feedback"),
}
# Whole pools that are near a list: the OpenAlex corpus is about machine learning, which the eLife
# list cites.
NEAR_POOLS = {("eLife (Arabidopsis histology)", "OpenAlex ML & public health")}
# References that the list's own truth calls off-topic (fixtures/seed/TRUTH.md: 53 "stands out").
KNOWN_OFF_TOPIC = {"seed (MSC wound healing)": {"53"}}


# Methods, software and statistics papers that papers of every field cite, as (title, where it
# was published): each checked (2026-11-27) against several independent citations of it in public
# reference lists. R has no journal.
METHOD_CITATIONS: tuple[tuple[str, str | None], ...] = (
    ("Moderated estimation of fold change and dispersion for RNA-seq data with DESeq2",
     "Genome Biol"),
    ("Fiji: an open-source platform for biological-image analysis", "Nat Methods"),
    ("NIH Image to ImageJ: 25 years of image analysis", "Nat Methods"),
    ("Scikit-learn: Machine Learning in Python", "J Mach Learn Res"),
    ("Analysis of relative gene expression data using real-time quantitative PCR and the "
     "2(-Delta Delta C(T)) Method",
     "Methods"),
    ("Controlling the false discovery rate: a practical and powerful approach to multiple "
     "testing",
     "J R Stat Soc Series B"),
    ("R: A language and environment for statistical computing", None),
    ("Fitting Linear Mixed-Effects Models Using lme4", "J Stat Softw"),
    ("Basic local alignment search tool", "J Mol Biol"),
    ("A rapid and sensitive method for the quantitation of microgram quantities of protein "
     "utilizing the principle of protein-dye binding",
     "Anal Biochem"),
    ("Cleavage of structural proteins during the assembly of the head of bacteriophage T4",
     "Nature"),
    ("limma powers differential expression analyses for RNA-sequencing and microarray studies",
     "Nucleic Acids Res"),
    ("Trimmomatic: a flexible trimmer for Illumina sequence data", "Bioinformatics"),
    ("The Sequence Alignment/Map format and SAMtools", "Bioinformatics"),
    ("Gene set enrichment analysis: a knowledge-based approach for interpreting genome-wide "
     "expression profiles",
     "Proc Natl Acad Sci U S A"),
    ("Measuring inconsistency in meta-analyses", "BMJ"),
    ("Generalized Gradient Approximation Made Simple", "Phys Rev Lett"),
    ("MEGA X: Molecular Evolutionary Genetics Analysis across Computing Platforms",
     "Mol Biol Evol"),
    ("G*Power 3: A flexible statistical power analysis program for the social, behavioral, and"
     " biomedical sciences",
     "Behav Res Methods"),
    ("The PRISMA 2020 statement: an updated guideline for reporting systematic reviews", "BMJ"),
    ("Fast gapped-read alignment with Bowtie 2", "Nat Methods"),
    ("Cytoscape: a software environment for integrated models of biomolecular interaction "
     "networks",
     "Genome Res"),
    ("MUSCLE: multiple sequence alignment with high accuracy and high throughput",
     "Nucleic Acids Res"),
    ("Welcome to the tidyverse", "Journal of Open Source Software"),
    ("Deep Residual Learning for Image Recognition",
     "Proceedings of the IEEE Conference on Computer Vision and Pattern Recognition"),
    ("Random Forests", "Machine Learning"),
    ("Gapped BLAST and PSI-BLAST: a new generation of protein database search programs",
     "Nucleic Acids Res"),
    ("featureCounts: an efficient general purpose program for assigning sequence reads to "
     "genomic features",
     "Bioinformatics"),
    ("STAR: ultrafast universal RNA-seq aligner", "Bioinformatics"),
    ("RAxML version 8: a tool for phylogenetic analysis and post-analysis of large phylogenies",
     "Bioinformatics"),
    ("Protein measurement with the Folin phenol reagent", "J Biol Chem"),
    ("UCSF Chimera—a visualization system for exploratory research and analysis", "J Comput Chem"),
    ("Adam: A Method for Stochastic Optimization",
     "International Conference on Learning Representations"),
    ("ImageNet classification with deep convolutional neural networks",
     "Advances in Neural Information Processing Systems"),
    ("Statistical methods for assessing agreement between two methods of clinical measurement",
     "Lancet"),
    ("Bias in meta-analysis detected by a simple, graphical test", "BMJ"),
    ("Nonparametric estimation from incomplete observations", "J Am Stat Assoc"),
    ("The measurement of observer agreement for categorical data", "Biometrics"),
    ("Using thematic analysis in psychology", "Qualitative Research in Psychology"),
    ("Cutoff criteria for fit indexes in covariance structure analysis: Conventional criteria "
     "versus new alternatives",
     "Structural Equation Modeling"),
    ("Coefficient alpha and the internal structure of tests", "Psychometrika"),
    ("XGBoost: A Scalable Tree Boosting System",
     "Proceedings of the 22nd ACM SIGKDD International Conference on Knowledge Discovery and "
     "Data Mining"),
    ("Density-functional thermochemistry. III. The role of exact exchange", "J Chem Phys"),
    ("A simple method for the isolation and purification of total lipides from animal tissues",
     "J Biol Chem"),
    ("Fast and accurate short read alignment with Burrows-Wheeler transform", "Bioinformatics"),
    ("Regression models and life-tables", "J R Stat Soc Series B"),
)


def is_near(base: Corpus, pool: Corpus, title: str | None) -> bool:
    """Whether a work of ``pool`` is on a subject ``base`` covers (not a distant intruder): the
    two share a subject area, or the pair or the title is in the hand-judged tables."""
    return bool(set(base.areas) & set(pool.areas)) or (base.name, pool.name) in NEAR_POOLS or (
        title or "").startswith(NEAR.get(base.name, ()))


def pools_for(base: Corpus, corpora: list[Corpus]) -> list[Corpus]:
    """The corpora ``base`` draws intruders from: every other one, except that a list without
    hand-judged ``NEAR`` titles (the JATS lists) does not draw from the mixed-topic pool, whose
    works have no area to judge them by."""
    return [c for c in corpora if c is not base and (c.areas or base.name in NEAR)]


# What the records of an evaluation run hold: the title alone; the title and the journal (which a
# reference list always gives); or everything the corpus has (abstract, keywords, topics too).
FIELDS = ("titles", "titles+journals", "full")


def to_match(item: Item, index: int, fields: str = "titles",
             cited_in: list[tuple[str, bool, str | None]] | None = None) -> Match:
    """A resolved reference whose record holds the item's title (and, as ``fields`` allow, the
    rest), cited in the sections ``cited_in`` (default: the item's own)."""
    if fields not in FIELDS:
        raise ValueError(f"fields must be one of {FIELDS}, not {fields!r}")
    record = Record(source="eval", title=item.title, authors=list(item.authors) or None)
    if fields != "titles":
        record.journal = item.journal
    if fields == "full":
        record.abstract = item.abstract
        record.keywords = list(item.keywords)
        record.topics = list(item.topics)
    sections = item.cited_in if cited_in is None else cited_in
    return Match(reference=Reference(index=index, raw=item.title, title=item.title,
                                     type=item.kind,
                                     cited_in=[CitingSection(h, m, e) for h, m, e in sections]),
                 record=record, score=1.0)


def to_manuscript(corpus: Corpus, matches: list[Match]) -> Manuscript:
    return Manuscript(path=None, format="eval", references=[m.reference for m in matches],
                      title=corpus.title or None, abstract=corpus.abstract)


def seed_matches() -> tuple[Manuscript, list[Match], list[str]]:
    """The seed as the tests and part (a) use it: titles only, labels are reference numbers."""
    corpus = seed_corpus()
    matches = [to_match(item, i + 1) for i, item in enumerate(corpus.items)]
    return to_manuscript(corpus, matches), matches, [i.label for i in corpus.items]


def intruder_trial(base: Corpus, pool: Corpus, rng: random.Random, fields: str = "titles",
                   n_intruders: int | None = None) -> tuple[Manuscript, list[Match], set[int]]:
    """``base``'s list with 3-5 of ``pool``'s items inserted; returns the intruders' positions.

    When the list's article has text (the JATS lists), each intruder is cited in the sections
    that cite a reference of the list drawn at random, by the same sentences (where the list
    keeps them): an intruder is then as likely to be cited only in the methods (and so not
    judged) as a genuine reference is, and it sits, as a planted citation does, in a sentence
    about something else.
    """
    k = n_intruders or rng.choice((3, 4, 5))
    intruders = rng.sample(pool.items, min(k, len(pool.items)))
    with_text = any(i.cited_in for i in base.items)
    items: list[tuple[Item, bool, list[tuple[str, bool, str | None]]]] = [
        (i, False, i.cited_in) for i in base.items]
    for intruder in intruders:
        sections = rng.choice(base.items).cited_in if with_text else []
        items.insert(rng.randrange(len(items) + 1), (intruder, True, sections))
    matches = [to_match(item, n + 1, fields, sections)
               for n, (item, _, sections) in enumerate(items)]
    inserted = {n for n, (_, is_intruder, _) in enumerate(items) if is_intruder}
    return to_manuscript(base, matches), matches, inserted


@dataclass
class Tally:
    """Counts over trials. ``inserted``/``caught`` are the distant intruders, ``near``/
    ``near_caught`` the intruders on a subject the list covers (``NEAR``), ``originals``/
    ``false_flags`` the list's own references other than the ones its truth calls off-topic."""

    inserted: int = 0
    caught: int = 0
    near: int = 0
    near_caught: int = 0
    originals: int = 0
    false_flags: int = 0
    trials: int = 0
    seconds: float = 0.0

    def add(self, other: Tally) -> None:
        for name in ("inserted", "caught", "near", "near_caught", "originals", "false_flags",
                     "trials", "seconds"):
            setattr(self, name, getattr(self, name) + getattr(other, name))

    def count(self, matches: list[Match], flagged: set[int], distant: set[int], near: set[int],
              known: set[int]) -> None:
        self.trials += 1
        self.inserted += len(distant)
        self.caught += len(flagged & distant)
        self.near += len(near)
        self.near_caught += len(flagged & near)
        self.originals += len(matches) - len(distant) - len(near) - len(known)
        self.false_flags += len(flagged - distant - near - known)

    @property
    def recall(self) -> float:
        return self.caught / self.inserted if self.inserted else 0.0

    @property
    def recall_all(self) -> float:
        """Recall over every insertion, distant or near."""
        total = self.inserted + self.near
        return (self.caught + self.near_caught) / total if total else 0.0

    @property
    def false_per_30(self) -> float:
        return 30 * self.false_flags / self.originals if self.originals else 0.0

    def summary(self) -> str:
        return (f"recall {self.recall:.1%} ({self.caught}/{self.inserted}), false flags/30 refs "
                f"{self.false_per_30:.2f} ({self.false_flags} in {self.originals}); near "
                f"{self.near_caught}/{self.near}, all insertions {self.recall_all:.1%}")


def known_off_topic(base: Corpus, matches: list[Match]) -> set[int]:
    """Positions of the references ``base``'s own truth calls off-topic."""
    titles = {i.title for i in base.items if i.label in KNOWN_OFF_TOPIC.get(base.name, ())}
    return {n for n, m in enumerate(matches) if m.record is not None and m.record.title in titles}


def run_synthetic(corpora: list[Corpus], method: str, fields: str, trials: int,
                  seed: int = 7, lists: Collection[str] | None = None,
                  **outlier_options: Any) -> dict[tuple[str, str], Tally]:
    """Tallies per (list, intruder source) pair; ``lists`` limits the lists (not the pools)."""
    rng = random.Random(seed)
    tallies: dict[tuple[str, str], Tally] = {}
    for base in (c for c in corpora if c.role == "list" and (lists is None or c.name in lists)):
        for pool in pools_for(base, corpora):
            tally = Tally()
            for _ in range(trials):
                manuscript, matches, inserted = intruder_trial(base, pool, rng, fields)
                start = time.perf_counter()
                scores = score_relatedness(manuscript, matches, method=method)
                flagged = set(outliers(scores, **outlier_options))
                tally.seconds += time.perf_counter() - start
                near = {i for i in inserted if is_near(base, pool, matches[i].record.title)}
                tally.count(matches, flagged, inserted - near, near,
                            known_off_topic(base, matches))
            tallies[(base.name, pool.name)] = tally
    return tallies


def run_method_citations(corpora: list[Corpus], method: str, fields: str, trials: int,
                         seed: int = 7, per_list: int = 2,
                         **outlier_options: Any) -> dict[str, tuple[int, int]]:
    """Per list: (method citations inserted, how many of them were flagged)."""
    rng = random.Random(seed)
    methods = Corpus("method citations", "", None,
                     [Item(title, journal=journal) for title, journal in METHOD_CITATIONS],
                     role="pool")
    counts: dict[str, tuple[int, int]] = {}
    for base in (c for c in corpora if c.role == "list"):
        inserted_total = flagged_total = 0
        for _ in range(trials):
            manuscript, matches, inserted = intruder_trial(base, methods, rng, fields, per_list)
            flagged = set(outliers(score_relatedness(manuscript, matches, method=method),
                                   **outlier_options))
            inserted_total += len(inserted)
            flagged_total += len(flagged & inserted)
        counts[base.name] = (inserted_total, flagged_total)
    return counts


# The (z, ratio) settings that --separation tries.
SEPARATION_GRID = tuple((z, r) for z in (0.5, 0.75, 1.0, 1.25, 1.4, 1.5, 1.75, 2.0, 2.5, 3.0)
                        for r in (0.1, 0.15, 0.2, 0.25, 0.3, 0.4, 0.5, 0.6, 0.8, 1.0))


def run_separation(corpora: list[Corpus], method: str, fields: str, seed: int = 7,
                   budget: float = 1.0) -> list[str]:
    """How well the scores separate the distant intruders, whatever the gates: one trial per
    list × source pair, scored once, then every (z, ratio) of ``SEPARATION_GRID``. Reports the
    best recall whose false flags stay within ``budget`` per 60 original references pooled,
    and on every list; and the ranking ceiling: per trial, the intruders scored below the
    ``budget``/60 quantile of that trial's genuine judged references (an oracle threshold)."""
    from citelint.relatedness import judged

    rng = random.Random(seed)
    trials = []
    for base in (c for c in corpora if c.role == "list"):
        for pool in pools_for(base, corpora):
            manuscript, matches, inserted = intruder_trial(base, pool, rng, fields)
            near = {i for i in inserted if is_near(base, pool, matches[i].record.title)}
            trials.append((base.name, matches, score_relatedness(manuscript, matches,
                                                                 method=method),
                           inserted - near, near, known_off_topic(base, matches)))
    results = []
    for z, ratio in SEPARATION_GRID:
        by_list: dict[str, Tally] = {}
        for name, matches, scores, distant, near, known in trials:
            flagged = set(outliers(scores, z_threshold=z, max_ratio=ratio))
            by_list.setdefault(name, Tally()).count(matches, flagged, distant, near, known)
        total = Tally()
        for tally in by_list.values():
            total.add(tally)
        worst = max(2 * t.false_per_30 for t in by_list.values())
        results.append((total.recall, 2 * total.false_per_30, worst, z, ratio))
    lines = [f"{method}, {fields}, seed {seed}, {len(trials)} trials:"]
    for label, column in (("pooled", 1), ("on every list", 2)):
        within = [r for r in results if r[column] <= budget]
        if within:
            best = max(within)
            lines.append(f"  best recall at <= {budget} false flags per 60 {label}: {best[0]:.1%} "
                         f"({best[1]:.2f} per 60 pooled, worst list {best[2]:.2f}; z {best[3]}, "
                         f"ratio {best[4]})")
        else:
            lines.append(f"  no setting keeps <= {budget} false flags per 60 {label}")
    caught = inserted_total = 0
    for _, _, scores, distant, near, known in trials:
        genuine = sorted(s["score"] if not protected(s) else math.inf
                         for i, s in enumerate(scores)
                         if judged(s) and i not in distant | near | known)
        cut = genuine[int(budget / 60 * len(genuine))] if genuine else -math.inf
        inserted_total += len(distant)
        caught += sum(1 for i in distant if judged(scores[i]) and not protected(scores[i])
                      and scores[i]["score"] < cut)
    lines.append(f"  ranking ceiling at the {budget}/60 quantile: "
                 f"{caught / max(inserted_total, 1):.1%}")
    return lines


def describe_seed(method: str, **outlier_options: Any) -> list[str]:
    manuscript, matches, labels = seed_matches()
    scores = score_relatedness(manuscript, matches, method=method)
    flagged = outliers(scores, **outlier_options)
    ranked = sorted(range(len(scores)), key=lambda i: scores[i]["score"])
    lines = [f"seed, {method}: {len(matches)} titled references, flagged "
             f"{[labels[i] for i in flagged]}",
             "lowest ten (ref: score / to_manuscript / to_list, shared terms):"]
    for i in ranked[:10]:
        s = scores[i]
        mark = "FLAG" if i in flagged else "    "
        lines.append(f"  {mark} {labels[i]:>3}: {s['score']:.3f} / {s['to_manuscript']:.3f} / "
                     f"{s['to_list']:.3f} {s['shared_terms']}  {matches[i].record.title[:70]}")
    return lines


def measure_cost(method: str, sizes: tuple[int, ...] = (60, 100, 1000, 7000, 20000),
                 fields: str = "titles+journals") -> list[str]:
    """CPU seconds of scoring a list and explaining its outliers, per list size.

    A list of ``n`` references is made of the corpora's titles, journals, authors and kinds of
    work (and the sections and sentences that cite them, where a list has text), repeated with
    a counter word so that no two texts are the same; the manuscript is the seed's. The time is
    the process's CPU time (``time.process_time``) for :func:`score_relatedness`, the outliers
    and the nearest references of each reported one, after one warm-up run (which, for the
    embedding method, loads the model: its load time is given apart).
    """
    from citelint.relatedness import nearest_references

    items = [item for corpus in all_corpora() for item in corpus.items]
    title, abstract = seed_manuscript()
    lines = []
    start = time.process_time()
    warm = [to_match(items[i], i + 1, fields) for i in range(60)]
    score_relatedness(Manuscript(None, "eval", [], title=title, abstract=abstract), warm,
                      method=method)
    lines.append(f"{method}: first run (60 references, model load included) "
                 f"{time.process_time() - start:.2f} s CPU")
    for n in sizes:
        matches = []
        for k in range(n):
            item = items[k % len(items)]
            copy = Item(f"{item.title} {k // len(items)}" if k >= len(items) else item.title,
                        journal=item.journal, cited_in=item.cited_in, authors=item.authors,
                        kind=item.kind)
            matches.append(to_match(copy, k + 1, fields))
        manuscript = Manuscript(None, "eval", [m.reference for m in matches], title=title,
                                abstract=abstract)
        start = time.process_time()
        kept: dict[str, Any] = {}
        scores = score_relatedness(manuscript, matches, method=method, keep=kept)
        flagged = outliers(scores)
        nearest_references(kept["vectors"], kept["has_text"], flagged)
        seconds = time.process_time() - start
        lines.append(f"{method}: {n} references: {seconds:.2f} s CPU "
                     f"({100 * seconds / n:.2f} s per 100), {len(flagged)} reported")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--methods", default="tfidf")
    parser.add_argument("--trials", type=int, default=20)
    parser.add_argument("--z", type=float, help="z_threshold (default: the method's)")
    parser.add_argument("--ratio", type=float, help="max_ratio (default: the method's)")
    parser.add_argument("--fields", default=",".join(FIELDS),
                        help=f"what the records hold, any of {', '.join(FIELDS)}")
    parser.add_argument("--per-pair", action="store_true", help="print every list/pool pair")
    parser.add_argument("--method-citations", action="store_true",
                        help="also measure how often genuine method citations are flagged")
    parser.add_argument("--cost", action="store_true",
                        help="only measure the CPU time per list size (docs/offtopic.md)")
    parser.add_argument("--separation", action="store_true",
                        help="only measure how well the scores separate the intruders, over "
                             "every gate setting (one trial per list and source, docs/offtopic.md)")
    parser.add_argument("--seed", type=int, default=7, help="seed of the random trials")
    parser.add_argument("--no-jats", action="store_true",
                        help="leave out the JATS lists of fixtures/offtopic (the first six only)")
    parser.add_argument("--no-sentences", action="store_true",
                        help="leave out the citing sentences of the JATS lists (docs/offtopic.md)")
    args = parser.parse_args(argv)
    options = {"z_threshold": args.z, "max_ratio": args.ratio}
    if args.cost:
        for method in args.methods.split(","):
            print("\n".join(measure_cost(method)))
        return 0
    corpora = all_corpora(jats=not args.no_jats, sentences=not args.no_sentences)
    if args.separation:
        for method in args.methods.split(","):
            for fields in args.fields.split(","):
                print("\n".join(run_separation(corpora, method, fields, args.seed)))
        return 0
    for corpus in corpora:
        print(f"corpus {corpus.name}: {len(corpus.items)} works ({corpus.role})")
    for method in args.methods.split(","):
        print()
        print("\n".join(describe_seed(method, **options)))
        for fields in args.fields.split(","):
            tallies = run_synthetic(corpora, method, fields, args.trials, args.seed, **options)
            total = Tally()
            for tally in tallies.values():
                total.add(tally)
            print(f"\n{method}, {fields}: {total.summary()}, "
                  f"{1000 * total.seconds / total.trials:.0f} ms per list")
            by_list: dict[str, Tally] = {}
            for (base, _), tally in tallies.items():
                by_list.setdefault(base, Tally()).add(tally)
            for base, tally in by_list.items():
                print(f"  list {base}: {tally.summary()}")
            if args.per_pair:
                for (base, pool), tally in tallies.items():
                    print(f"    {base} <- {pool}: {tally.summary()}")
            if args.method_citations:
                counts = run_method_citations(corpora, method, fields, args.trials * 6,
                                              **options)
                inserted = sum(n for n, _ in counts.values())
                flagged = sum(f for _, f in counts.values())
                print(f"  method citations (2 per list): {flagged}/{inserted} flagged "
                      f"({flagged / inserted:.1%}): " + ", ".join(
                          f"{base.split(' (')[0]} {f}/{n}" for base, (n, f) in counts.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
