"""A short extractive summary of a story: central, corroborated, not repetitive.

Sentences are TF-IDF vectors over content lemmas (the story's sentences are the
documents). A sentence's relevance is its cosine to the centroid of all of
them, raised by how many independent publishers state it (the publisher count
of the facts whose sources lie in it). Maximal marginal relevance then picks
sentences one at a time, trading relevance against similarity to those already
picked, so that a fact repeated by every outlet appears once.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass
from typing import Sequence

from storyline.model import Analysis, Fact, SpanRef

MIN_SENTENCES, MAX_SENTENCES = 3, 5
MIN_WORDS, MAX_WORDS = 6, 60
MMR_LAMBDA = 0.7  # weight of relevance against redundancy
CORROBORATION_WEIGHT = 0.25  # relevance gain per extra independent publisher ...
MAX_PUBLISHERS = 5  # ... counted up to this many
NEAR_DUPLICATE = 0.6  # a sentence this similar to a chosen one is never chosen (wire copies)
CONTENT_POS = {"NOUN", "PROPN", "VERB", "ADJ", "NUM"}

Vector = dict[str, float]


@dataclass(frozen=True, slots=True)
class SummarySource:
    article: str
    text: str
    analysis: Analysis


@dataclass(slots=True)
class _Sentence:
    span: SpanRef
    lemmas: list[str]
    publishers: int = 1
    vector: Vector | None = None


def _sentences(source: SummarySource) -> list[_Sentence]:
    found = []
    tokens = sorted(source.analysis.tokens, key=lambda t: t.start)
    at = 0
    for start, end in _paragraph_pieces(source.text, source.analysis.sentences):
        words, lemmas, has_verb = 0, [], False
        while at < len(tokens) and tokens[at].start < end:
            t = tokens[at]
            if t.start >= start:
                words += t.pos != "PUNCT"
                has_verb |= t.pos in ("VERB", "AUX")
                if t.pos in CONTENT_POS and not t.is_stop:
                    lemmas.append(t.lemma)
            at += 1
        if MIN_WORDS <= words <= MAX_WORDS and has_verb and lemmas:
            found.append(_Sentence(SpanRef(source.article, start, end, source.text[start:end]), lemmas))
    return found


def _paragraph_pieces(text: str, sentences: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Sentence spans cut at blank lines (a headline glued to the first sentence) and stripped."""
    pieces = []
    for start, end in sentences:
        at = start
        for cut in [m.start() for m in re.finditer(r"\n\s*\n", text[start:end])] + [end - start]:
            piece = text[at : start + cut]
            if piece.strip():
                lead = len(piece) - len(piece.lstrip())
                pieces.append((at + lead, at + len(piece.rstrip())))
            at = start + cut
    return pieces


def _tfidf(sentences: list[_Sentence]) -> None:
    df = Counter(lemma for s in sentences for lemma in set(s.lemmas))
    n = len(sentences)
    for s in sentences:
        weights = {lemma: count * (math.log((1 + n) / (1 + df[lemma])) + 1) for lemma, count in Counter(s.lemmas).items()}
        norm = math.sqrt(sum(w * w for w in weights.values())) or 1.0
        s.vector = {lemma: w / norm for lemma, w in weights.items()}


def _cosine(u: Vector, v: Vector) -> float:
    if len(u) > len(v):
        u, v = v, u
    return sum(w * v.get(k, 0.0) for k, w in u.items())


def _publishers(sentence: _Sentence, facts: Sequence[Fact]) -> int:
    """The most independent publishers of any fact one of whose sources lies in the sentence."""
    span = sentence.span
    counts = [
        f.publishers
        for f in facts
        for s in f.sources
        if s.article == span.article and s.start < span.end and span.start < s.end
    ]
    return max(counts, default=1)


def summarize(sources: Sequence[SummarySource], facts: Sequence[Fact] = (), size: int | None = None) -> list[SpanRef]:
    """3-5 sentences (``size`` to choose) in order of choice, most central and corroborated first."""
    sentences = [s for source in sources for s in _sentences(source)]
    if not sentences:
        return []
    _tfidf(sentences)
    centroid: Vector = Counter()
    for s in sentences:
        centroid.update(s.vector)  # type: ignore[arg-type]
    norm = math.sqrt(sum(w * w for w in centroid.values())) or 1.0
    centroid = {k: w / norm for k, w in centroid.items()}
    relevance = {}
    for k, s in enumerate(sentences):
        s.publishers = _publishers(s, facts)
        boost = 1 + CORROBORATION_WEIGHT * (min(s.publishers, MAX_PUBLISHERS) - 1)
        relevance[k] = _cosine(s.vector, centroid) * boost  # type: ignore[arg-type]
    want = size or max(MIN_SENTENCES, min(MAX_SENTENCES, len(sources)))
    chosen: list[int] = []
    while len(chosen) < want:
        redundancy = {
            k: max((_cosine(sentences[k].vector, sentences[c].vector) for c in chosen), default=0.0)  # type: ignore[arg-type]
            for k in relevance
            if k not in chosen
        }
        left = [k for k, r in redundancy.items() if r < NEAR_DUPLICATE]
        if not left:
            break
        chosen.append(max(left, key=lambda k: MMR_LAMBDA * relevance[k] - (1 - MMR_LAMBDA) * redundancy[k]))
    return [sentences[k].span for k in chosen]
