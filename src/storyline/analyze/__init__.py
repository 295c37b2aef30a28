"""Per-article analysis: sentences, entities, quotes, time expressions, numbers.

``Analyzer`` runs spaCy in batches and the extractors over each ``Doc``. Long
texts are cut into chunks at paragraph breaks so that a 5 MB article neither
exceeds spaCy's length limit nor blows up memory; every span is shifted back to
offsets into the full text.
"""

from __future__ import annotations

import multiprocessing
import re
from collections import deque
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from itertools import islice
from datetime import datetime
from typing import Callable, Iterable, Iterator

from spacy.attrs import IDX, IS_SPACE, IS_STOP, LEMMA, LENGTH, POS
from spacy.language import Language
from spacy.parts_of_speech import NAMES as POS_NAMES
from spacy.tokens import Doc

from storyline.analyze.coref import tell_apart_namesakes
from storyline.analyze.entities import find_entities
from storyline.analyze.nlp import doc_text, load_nlp, model_version
from storyline.analyze.numbers import find_numbers
from storyline.analyze.quotes import find_quotes, in_quotes
from storyline.analyze.timex import find_timexes
from storyline.model import Analysis, Article, Token

# Bump when an extractor's output changes, so stored analyses are redone.
ANALYZER_VERSION = "14"
_TOKEN_ATTRS = [IDX, LENGTH, LEMMA, POS, IS_STOP, IS_SPACE]

CHUNK_CHARS = 20_000
# spaCy's tokenizer is quadratic in the length of a run without spaces: cut such runs.
RUN_CHARS = 500
_LONG_RUN = re.compile(r"\S{%d,}" % (RUN_CHARS + 1))
# Lone surrogates (JSON lets them through) crash spaCy; same length, so offsets hold.
_SURROGATE = re.compile("[\ud800-\udfff]")


@dataclass(frozen=True, slots=True)
class AnalysisInput:
    id: str
    text: str
    published: datetime | None = None
    where: str = ""  # the file and record the article came from, for error messages

    @classmethod
    def of(cls, article: Article) -> "AnalysisInput":
        return cls(article.id, article.text, article.published, str(article.provenance or ""))


@dataclass(frozen=True, slots=True)
class AnalysisFailure:
    """An article the extractors failed on; the other articles of the batch are analysed."""

    article_id: str
    where: str
    reason: str

    def __str__(self) -> str:
        return f"{self.where + ': ' if self.where else ''}{self.article_id}: analysis failed: {self.reason}"


class AnalysisFailed(RuntimeError):
    """Raised by ``Analyzer.pipe`` for a failed article when no ``on_error`` handler was given."""


def chunk_text(text: str, limit: int = CHUNK_CHARS) -> list[tuple[int, str]]:
    """Pieces of at most ``limit`` characters with their offsets, cut at the best break available."""
    pieces: list[tuple[int, str]] = []
    start = 0
    while len(text) - start > limit:
        window = text[start : start + limit]
        cut = 0
        for pattern in (r"\n\s*\n", r"\n", r"(?<=[.!?])\s+", r"\s+"):
            ends = [m.end() for m in re.finditer(pattern, window)]
            if ends and ends[-1] > limit // 2:
                cut = ends[-1]
                break
        if cut == 0:
            cut = limit
        pieces.append((start, text[start : start + cut]))
        start += cut
    pieces.append((start, text[start:]))
    return [short for offset, piece in pieces for short in _cut_long_runs(offset, piece)]


def _cut_long_runs(offset: int, piece: str) -> list[tuple[int, str]]:
    if not _LONG_RUN.search(piece):
        return [(offset, piece)]
    cuts = sorted({0, len(piece)} | {i for m in _LONG_RUN.finditer(piece) for i in range(m.start(), m.end(), RUN_CHARS)})
    return [(offset + a, piece[a:b]) for a, b in zip(cuts, cuts[1:]) if a < b]


def _shift(records: list, offset: int, fields: tuple[str, ...]) -> list:
    if offset:
        for r in records:
            for f in fields:
                value = getattr(r, f)
                if value is not None:
                    setattr(r, f, value + offset)
    return records


# Batches of articles that go through one nlp.pipe call (one article at a time only when spaCy
# raises): each call ends in a short spaCy batch, which made one batch per call measurably slower.
BATCHES_PER_GROUP = 8


class Analyzer:
    """Runs the analysis components over articles; one instance per process."""

    def __init__(self, nlp: Language | None = None, n_process: int = 1, batch_size: int = 32):
        self.nlp = nlp or load_nlp()
        self.n_process = n_process
        self.batch_size = batch_size
        self.version = f"{ANALYZER_VERSION}+{model_version(self.nlp)}"
        self._lemmas: dict[int, str] = {}  # lemma hash -> lower-cased lemma

    def analyze_doc(self, doc: Doc, article_id: str, published: datetime | None) -> Analysis:
        """All extractors over one parsed text; offsets are relative to ``doc.text``."""
        entities = find_entities(doc)
        tell_apart_namesakes(doc, entities, in_quotes(doc_text(doc)))
        return Analysis(
            article_id=article_id,
            analyzer=self.version,
            published=published,
            sentences=[(s.start_char, s.end_char) for s in doc.sents],
            entities=entities,
            quotes=find_quotes(doc, entities),
            timexes=find_timexes(doc, published),
            numbers=find_numbers(doc, entities),
            tokens=self._tokens(doc),
        )

    def _tokens(self, doc: Doc) -> list[Token]:
        """The tokens but spaces, read as one array: a spaCy Token object per token costs more than the rest."""
        strings, lemmas = doc.vocab.strings, self._lemmas
        out = []
        for start, length, lemma, pos, is_stop, is_space in doc.to_array(_TOKEN_ATTRS).tolist():
            if is_space:
                continue
            if lemma not in lemmas:
                lemmas[lemma] = strings[lemma].lower()
            out.append(Token(start, start + length, lemmas[lemma], POS_NAMES[pos], bool(is_stop)))
        return out

    def pipe(
        self, items: Iterable[AnalysisInput | Article], on_error: Callable[[AnalysisFailure], None] | None = None
    ) -> Iterator[Analysis]:
        """Analyses in input order; with ``n_process`` > 1, whole articles go to worker processes.

        An article the extractors fail on is passed to ``on_error`` and left out of the output;
        without ``on_error`` it raises ``AnalysisFailed`` (for callers that pair inputs with outputs).
        """
        inputs = (AnalysisInput.of(item) if isinstance(item, Article) else item for item in items)
        results = self._pipe_here(inputs) if self.n_process == 1 else self._pipe_in_workers(inputs)
        return _reported(results, on_error)

    def _pipe_here(self, inputs: Iterable[AnalysisInput]) -> Iterator[Analysis | AnalysisFailure]:
        inputs = iter(inputs)
        while batch := list(islice(inputs, self.batch_size * BATCHES_PER_GROUP)):
            try:
                results = list(self._parsed(batch))
            except Exception:  # spaCy itself failed on a text of the batch: find which, one article at a time
                results = [self._parsed_alone(inp) for inp in batch]
            yield from results

    def _parsed_alone(self, inp: AnalysisInput) -> Analysis | AnalysisFailure:
        try:
            [result] = self._parsed([inp])
        except Exception as e:
            return AnalysisFailure(inp.id, inp.where, f"spaCy {type(e).__name__}: {e}")
        return result

    def _parsed(self, batch: list[AnalysisInput]) -> Iterator[Analysis | AnalysisFailure]:
        """spaCy over the batch's chunks, then the extractors, whose failures are the article's alone."""
        pieces = [piece for inp in batch for piece in _pieces(inp)]
        parts: list[Analysis] = []
        failure: AnalysisFailure | None = None
        for doc, (inp, offset, index, count) in self.nlp.pipe(pieces, as_tuples=True, batch_size=self.batch_size):
            if failure is None:
                try:
                    parts.append(self._shifted(self.analyze_doc(doc, inp.id, inp.published), offset))
                except Exception as e:  # a bug an article's text sets off must not cost the rest of the batch
                    failure = AnalysisFailure(inp.id, inp.where, f"{type(e).__name__}: {e}")
            if index == count - 1:
                yield failure or _merge(parts)
                parts, failure = [], None

    def _pipe_in_workers(self, inputs: Iterable[AnalysisInput]) -> Iterator[Analysis | AnalysisFailure]:
        # Workers run spaCy and the extractors and send back Analysis records, which are
        # far smaller than the Docs spaCy's own n_process ships to the parent. They are
        # forked, so they share the loaded pipeline instead of loading it again.
        global _WORKER_ANALYZER
        _WORKER_ANALYZER = self
        pending: deque = deque()
        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(self.n_process, mp_context=context) as pool:
            for batch in iter(lambda: list(islice(inputs, self.batch_size)), []):
                pending.append(pool.submit(_analyze_in_worker, batch))
                # A bounded queue: the input may be a million articles read lazily.
                if len(pending) > 2 * self.n_process:
                    yield from pending.popleft().result()
            while pending:
                yield from pending.popleft().result()

    def analyze(self, item: AnalysisInput | Article) -> Analysis:
        return next(self.pipe([item]))

    @staticmethod
    def _shifted(a: Analysis, offset: int) -> Analysis:
        if offset:
            a.sentences = [(s + offset, e + offset) for s, e in a.sentences]
            _shift(a.entities, offset, ("start", "end"))
            _shift(a.quotes, offset, ("start", "end", "speaker_start", "speaker_end", "cue_start", "cue_end"))
            _shift(a.timexes, offset, ("start", "end"))
            _shift(a.numbers, offset, ("start", "end"))
            _shift(a.tokens, offset, ("start", "end"))
        return a


def _pieces(inp: AnalysisInput) -> Iterator[tuple[str, tuple[AnalysisInput, int, int, int]]]:
    """The article's chunks as spaCy input, each with (article, offset, chunk number, chunk count)."""
    chunks = chunk_text(inp.text)
    for i, (offset, piece) in enumerate(chunks):
        yield _SURROGATE.sub("\ufffd", piece), (inp, offset, i, len(chunks))


_WORKER_ANALYZER: Analyzer | None = None


def _analyze_in_worker(batch: list[AnalysisInput]) -> list[Analysis | AnalysisFailure]:
    assert _WORKER_ANALYZER is not None, "workers are forked after _WORKER_ANALYZER is set"
    return list(_WORKER_ANALYZER._pipe_here(batch))


def _reported(
    results: Iterable[Analysis | AnalysisFailure], on_error: Callable[[AnalysisFailure], None] | None
) -> Iterator[Analysis]:
    for result in results:
        if isinstance(result, AnalysisFailure):
            if on_error is None:
                raise AnalysisFailed(str(result))
            on_error(result)
        else:
            yield result


def _merge(parts: list[Analysis]) -> Analysis:
    first = parts[0]
    for p in parts[1:]:
        first.sentences += p.sentences
        first.entities += p.entities
        first.quotes += p.quotes
        first.timexes += p.timexes
        first.numbers += p.numbers
        first.tokens += p.tokens
    return first
