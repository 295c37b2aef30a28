"""The one similarity implementation: article features, profiles and the pair score.

Everything here is a pure function over plain records, dicts and floats, so that the
online clusterer, the batch clusterer, ``storyline why`` and (later) Spark UDFs compute
exactly the same numbers.

An article becomes a ``Profile``: L2-normalised TF-IDF vectors for body lemmas and title
lemmas, IDF-weighted vectors for people, places, organisations, mentioned dates and the
names of its lead (title and first sentences: who the report is about), and its publication
time. A story's profile is the sum of its articles' profiles (a centroid up to scale, which
cosine ignores), so article-story and story-story comparisons use the same ``pair_features``
and ``score``.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Iterator, Mapping, TypeVar

from spacy.lang.en.stop_words import STOP_WORDS

from storyline.cluster.rarity import rarity
from storyline.model import Analysis, Article

CONTENT_POS = frozenset({"NOUN", "PROPN", "VERB", "ADJ"})
ENTITY_KIND = {"PERSON": "person", "GPE": "place", "LOC": "place", "FAC": "place", "ORG": "org"}
ENTITY_KINDS = ("person", "place", "org")
DATE_LABELS = frozenset({"DATE", "TIME", "EVENT"})
NUMBER_LABELS = frozenset({"CARDINAL", "MONEY", "QUANTITY", "PERCENT"})
YEAR = re.compile(r"\b(1[89]\d\d|20\d\d)\b")
MONTH = re.compile(r"\b(jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\s+\d", re.I)
WORD = re.compile(r"[^\W_]+(?:['’.-][^\W_]+)*")
# The lead: the title and the first sentences, where a report says which event it is about. Two
# same-type events (two DUI arrests of players of one team) share the body's names; the lead's differ.
LEAD_SENTENCES = 2

SECONDS_PER_DAY = 86_400.0
# Undated articles (a headline feed without timestamps) have their arrival order as the only clock:
# a gap of this many arrivals counts like a day in ``time_gap``.
ARRIVALS_PER_UNIT = 1000.0

SparseVec = dict[str, float]
Time = TypeVar("Time", int, float)  # POSIX seconds or arrival positions


@dataclass(frozen=True, slots=True)
class ArticleFeatures:
    """What clustering needs from one article, as counts (no corpus statistics yet)."""

    id: str
    title: str
    source: str
    published: float | None  # POSIX seconds
    terms: dict[str, int]
    title_terms: dict[str, int]
    entities: dict[str, int]  # "person:ana ruiz", "place:tarsis", "org:..." -> mentions
    names: dict[str, int]  # proper-noun lemmas, whatever entity type (if any) they got
    dates: dict[str, int]  # dates mentioned in the text: "2008", "2008-12", "march 14"
    numbers: dict[str, int]  # amounts mentioned in the text: "6.1", "$160 million"
    lead: dict[str, int] = field(default_factory=dict)  # ``names`` of the title and the first sentences

    @property
    def keys(self) -> set[str]:
        """Every key counted once for document frequency."""
        return (
            set(self.terms) | set(self.title_terms) | set(self.entities) | set(self.names)
            | set(self.dates) | set(self.numbers)
        )


def article_features(article: Article, analysis: Analysis) -> ArticleFeatures:
    """Counts of content lemmas, title lemmas, entities, mentioned dates and the lead's names."""
    lemma_of: dict[str, str] = {}
    terms: Counter[str] = Counter()
    names: Counter[str] = Counter()
    lead: Counter[str] = Counter()
    lead_end = analysis.sentences[:LEAD_SENTENCES][-1][1] if analysis.sentences else 0
    for tok in analysis.tokens:
        word = article.text[tok.start : tok.end].lower()
        lemma_of.setdefault(word, tok.lemma)
        if tok.pos in CONTENT_POS and not tok.is_stop and _is_term(tok.lemma):
            terms[tok.lemma] += 1
            if tok.pos == "PROPN":
                names[f"name:{tok.lemma}"] += 1
                if tok.start < lead_end:
                    lead[f"name:{tok.lemma}"] += 1
    entities: Counter[str] = Counter()
    dates: Counter[str] = Counter()
    numbers: Counter[str] = Counter()
    for ent in analysis.entities:
        kind = ENTITY_KIND.get(ent.label)
        if kind:
            entities[f"{kind}:{_normal_name(ent.canonical or ent.text)}"] += 1
        elif ent.label in DATE_LABELS:
            dates.update(YEAR.findall(ent.text))
            if MONTH.search(ent.text):  # a calendar date, not "52" (an age) or "7 hours"
                dates[f"date:{_normal_name(ent.text)}"] += 1
        elif ent.label in NUMBER_LABELS:
            numbers[f"number:{_normal_name(ent.text)}"] += 1
    for timex in analysis.timexes:
        # "on Tuesday" resolved against the publication date says nothing about which event it is
        if timex.value and timex.resolved and not timex.anchored and re.match(r"\d{4}-\d\d", timex.value):
            dates[timex.value[:7]] += 1
    published = article.published or analysis.published
    title = title_terms(article.title or "", lemma_of)
    lead.update({f"name:{lemma}": n for lemma, n in title.items() if f"name:{lemma}" in names})
    return ArticleFeatures(
        id=article.id,
        title=article.title or "",
        source=article.source.name,
        published=published.timestamp() if published else None,
        terms=dict(terms),
        title_terms=title,
        entities=dict(entities),
        names=dict(names),
        dates=dict(dates),
        numbers=dict(numbers),
        lead=dict(lead),
    )


def title_terms(title: str, lemma_of: Mapping[str, str]) -> dict[str, int]:
    """Title words mapped to the lemmas the body gave them (the analysis covers the body only)."""
    counts: Counter[str] = Counter()
    lemmas = set(lemma_of.values())
    for m in WORD.finditer(title.lower()):
        word = m.group()
        lemma = lemma_of.get(word) or _inflected_lemma(word, lemmas)
        if word not in STOP_WORDS and lemma not in STOP_WORDS and _is_term(lemma):
            counts[lemma] += 1
    return dict(counts)


def _inflected_lemma(word: str, lemmas: set[str]) -> str:
    """A title word the body never used: strip a regular inflection when that gives a body lemma."""
    for cut in (1, 2, 3):  # enters -> enter, closes/closed -> close, opening -> open
        if len(word) - cut > 2 and word[:-cut] in lemmas and word[-cut:] in ("s", "es", "ed", "ing", "d"):
            return word[:-cut]
    return word


def _is_term(lemma: str) -> bool:
    return len(lemma) > 1 and any(c.isalpha() for c in lemma)


def _normal_name(name: str) -> str:
    name = re.sub(r"^(the|a|an)\s+", "", name.strip().lower())
    return re.sub(r"['’]s$", "", re.sub(r"\s+", " ", name))


# ---------------------------------------------------------------- corpus statistics


@dataclass(slots=True)
class DocFreq:
    """Document frequencies of every key; ``idf`` is smoothed so unseen keys get the top weight."""

    n: int = 0
    df: Counter[str] = field(default_factory=Counter)

    def add(self, features: ArticleFeatures) -> None:
        self.n += 1
        self.df.update(features.keys)

    def idf(self, key: str) -> float:
        return math.log((self.n + 1) / (self.df.get(key, 0) + 1)) + 1.0

    @classmethod
    def of(cls, features: list[ArticleFeatures]) -> "DocFreq":
        table = cls()
        for f in features:
            table.add(f)
        return table


def tfidf(counts: Mapping[str, int], idf: DocFreq) -> SparseVec:
    """Sublinear TF times IDF, L2-normalised."""
    vec = {k: (1.0 + math.log(c)) * idf.idf(k) for k, c in counts.items() if c > 0}
    norm = math.sqrt(sum(v * v for v in vec.values()))
    return {k: v / norm for k, v in vec.items()} if norm else {}


def cosine(u: Mapping[str, float], v: Mapping[str, float]) -> float:
    if not u or not v:
        return 0.0
    if len(u) > len(v):
        u, v = v, u
    dot = sum(x * v.get(k, 0.0) for k, x in u.items())
    nu = math.sqrt(sum(x * x for x in u.values()))
    nv = math.sqrt(sum(x * x for x in v.values()))
    return dot / (nu * nv) if nu and nv else 0.0


def add_into(target: SparseVec, vec: Mapping[str, float]) -> None:
    for k, x in vec.items():
        target[k] = target.get(k, 0.0) + x


def _take_from(target: SparseVec, vec: Mapping[str, float]) -> float:
    """``add_into`` undone; keys left at rounding noise go, so an emptied vector is empty (no clash).
    Returns the change in the squared norm of ``target``."""
    change = 0.0
    for k, x in vec.items():
        old = target.get(k, 0.0)
        left = old - x
        if abs(left) > 1e-9:
            target[k] = left
        else:
            target.pop(k, None)
            left = 0.0
        change += left * left - old * old
    return change


# ---------------------------------------------------------------- profiles


@dataclass(slots=True)
class Profile:
    """Vectors of one article, or the sums over a story's articles."""

    terms: SparseVec
    title: SparseVec
    entities: dict[str, SparseVec]  # kind -> vector
    names: SparseVec
    dates: SparseVec
    numbers: SparseVec
    first: float | None
    last: float | None
    size: int = 1
    lead: SparseVec = field(default_factory=dict)
    rare: SparseVec = field(default_factory=dict)  # every key with rare words, by how rare (``rarity``)
    first_arrival: int | None = None  # position in the stream (the clusterer's input order)
    last_arrival: int | None = None
    _norms: dict[str, float] = field(default_factory=dict, repr=False, compare=False)

    def vector(self, name: str) -> SparseVec:
        """``terms``, ``title``, ``names``, ``dates``, ``numbers``, ``lead``, ``rare`` or an entity kind."""
        return self.entities.get(name, {}) if name in ENTITY_KINDS else getattr(self, name)

    def norm(self, name: str) -> float:
        """L2 norm of a vector, cached: a big story's centroid is compared many times between changes."""
        if name not in self._norms:
            self._norms[name] = math.sqrt(sum(x * x for x in self.vector(name).values()))
        return self._norms[name]

    def absorb(self, other: "Profile") -> None:
        self._norms.clear()
        add_into(self.terms, other.terms)
        add_into(self.title, other.title)
        for kind, vec in other.entities.items():
            add_into(self.entities.setdefault(kind, {}), vec)
        add_into(self.names, other.names)
        add_into(self.dates, other.dates)
        add_into(self.numbers, other.numbers)
        add_into(self.lead, other.lead)
        add_into(self.rare, other.rare)
        self.first = _min(self.first, other.first)
        self.last = _max(self.last, other.last)
        self.first_arrival = _min(self.first_arrival, other.first_arrival)
        self.last_arrival = _max(self.last_arrival, other.last_arrival)
        self.size += other.size

    def subtract(self, other: "Profile") -> None:
        """Take out an article ``absorb`` added: its vectors and count. The time spans stay (a span
        cannot be narrowed without the other members: when an article leaves for good, the clusterer,
        which knows them, narrows it; ``without`` keeps it, a slight overstatement for a moment).
        Cached norms are updated, not recomputed: the cost is the article's size, not the story's."""
        for name in ("terms", "title", "names", "dates", "numbers", "lead", "rare", *other.entities):
            target = self.entities.setdefault(name, {}) if name in ENTITY_KINDS else getattr(self, name)
            change = _take_from(target, other.vector(name))
            if name in self._norms:
                self._norms[name] = math.sqrt(max(self._norms[name] ** 2 + change, 0.0))
        self.size -= other.size

    @contextmanager
    def without(self, other: "Profile") -> Iterator["Profile"]:
        """This profile with ``other`` taken out (``subtract``) for the duration, then put back; the
        cached norms of before are kept, so the story is not recomputed at its next comparison."""
        norms = dict(self._norms)
        self.subtract(other)
        try:
            yield self
        finally:
            self.absorb(other)
            self._norms = norms

    def copy(self) -> "Profile":
        return Profile(
            dict(self.terms), dict(self.title), {k: dict(v) for k, v in self.entities.items()},
            dict(self.names), dict(self.dates), dict(self.numbers), self.first, self.last, self.size,
            dict(self.lead), dict(self.rare), self.first_arrival, self.last_arrival,
        )


def profile(features: ArticleFeatures, idf: DocFreq, arrival: int | None = None) -> Profile:
    """The article's vectors; ``arrival`` is its position in the stream, when known."""
    by_kind: dict[str, dict[str, int]] = {}
    for key, count in features.entities.items():
        by_kind.setdefault(key.split(":", 1)[0], {})[key] = count
    return Profile(
        terms=tfidf(features.terms, idf),
        title=tfidf(features.title_terms, idf),
        entities={kind: tfidf(counts, idf) for kind, counts in by_kind.items()},
        names=tfidf(features.names, idf),
        dates=tfidf(features.dates, idf),
        numbers=tfidf(features.numbers, idf),
        first=features.published,
        last=features.published,
        lead=tfidf(features.lead, idf),
        rare={k: r for k in features.keys if (r := rarity(k)) > 0},
        first_arrival=arrival,
        last_arrival=arrival,
    )


def _min(a: Time | None, b: Time | None) -> Time | None:
    return b if a is None else a if b is None else min(a, b)


def _max(a: Time | None, b: Time | None) -> Time | None:
    return b if a is None else a if b is None else max(a, b)


# ---------------------------------------------------------------- pair features and score

VECTORS = ("terms", "title", "names", "dates", "numbers", "lead", "rare") + ENTITY_KINDS
FEATURES = (
    "body", "title", "names", "names_clash", "person", "person_clash", "place", "place_clash", "org",
    "dates", "dates_clash", "numbers", "numbers_clash", "time_gap", "undated", "lead", "lead_clash",
    "arrival_gap", "rare",
)


def gap_days(a: Profile, b: Profile) -> float | None:
    """Days between the two time spans (0 when they overlap); None when either is undated."""
    if a.first is None or b.first is None or a.last is None or b.last is None:
        return None
    gap = max(a.first - b.last, b.first - a.last, 0.0)
    return gap / SECONDS_PER_DAY


def arrival_gap(a: Profile, b: Profile) -> float:
    """``time_gap`` for two undated profiles: arrivals between their spans, in ``ARRIVALS_PER_UNIT``.

    0 when either is dated (``time_gap`` measures those) or an arrival is unknown (no evidence apart).
    """
    if a.first is not None or b.first is not None:
        return 0.0
    if a.first_arrival is None or b.first_arrival is None or a.last_arrival is None or b.last_arrival is None:
        return 0.0
    gap = max(a.first_arrival - b.last_arrival, b.first_arrival - a.last_arrival, 0)
    return math.log1p(gap / ARRIVALS_PER_UNIT)


def _cos(a: Profile, b: Profile, name: str) -> float:
    u, v = a.vector(name), b.vector(name)
    if not u or not v:
        return 0.0
    if len(u) > len(v):
        u, v = v, u
    dot = sum(x * v.get(k, 0.0) for k, x in u.items())
    return dot / (a.norm(name) * b.norm(name)) if a.norm(name) and b.norm(name) else 0.0


def _overlap_and_clash(a: Profile, b: Profile, name: str) -> tuple[float, float]:
    """Cosine, and its shortfall when both sides name something (a different person is evidence apart)."""
    if not a.vector(name) or not b.vector(name):
        return 0.0, 0.0
    c = _cos(a, b, name)
    return c, max(1.0 - c, 0.0)


def pair_features(a: Profile, b: Profile) -> dict[str, float]:
    """The similarity features of two profiles (article-article, article-story or story-story)."""
    person, person_clash = _overlap_and_clash(a, b, "person")
    place, place_clash = _overlap_and_clash(a, b, "place")
    names, names_clash = _overlap_and_clash(a, b, "names")
    dates, dates_clash = _overlap_and_clash(a, b, "dates")
    numbers, numbers_clash = _overlap_and_clash(a, b, "numbers")
    lead, lead_clash = _overlap_and_clash(a, b, "lead")
    gap = gap_days(a, b)
    return {
        "body": _cos(a, b, "terms"),
        "title": _cos(a, b, "title"),
        "names": names,
        "names_clash": names_clash,
        "person": person,
        "person_clash": person_clash,
        "place": place,
        "place_clash": place_clash,
        "org": _cos(a, b, "org"),
        "dates": dates,
        "dates_clash": dates_clash,
        "numbers": numbers,
        "numbers_clash": numbers_clash,
        "time_gap": math.log1p(gap) if gap is not None else 0.0,  # undated: no penalty
        "undated": 1.0 if gap is None else 0.0,  # lets a model trained on dated news adjust its bias
        "lead": lead,
        "lead_clash": lead_clash,
        "arrival_gap": arrival_gap(a, b),
        "rare": _cos(a, b, "rare"),
    }


@dataclass(frozen=True, slots=True)
class ScoreModel:
    """A logistic model over ``FEATURES`` plus the decision thresholds, learned on training data."""

    name: str
    weights: Mapping[str, float]
    bias: float
    join_threshold: float  # an article joins its best story at or above this probability
    merge_threshold: float  # two stories merge at or above this probability
    trained_on: str = ""
    # At the end, a story of fewer than ``adopt_below`` articles joins its best story at or above
    # ``adopt_threshold`` (None: never): small fragments of a story, when the evidence is weak.
    adopt_threshold: float | None = None
    adopt_below: int = 2
    # An article joins a story of one article only at or above this (None: ``join_threshold``).
    # Two reports of same-type events (two DUI arrests of players of one team) look alike
    # article to article; the first join decides what a story is about, so it needs more.
    seed_threshold: float | None = None
    # Two stories merge on the mean probability of the smaller one's articles joining the other
    # (``OnlineClusterer.linkage``), else on the probability of their centroids; chosen in training.
    merge_by_linkage: bool = True
    # At the end, each article of an open story moves to the story it would now join with a higher
    # probability than its own story without it (``OnlineClusterer.reassign``); chosen in training.
    reassign: bool = False
    # At the end, an open story whose articles fall apart in two groups is split in two: when the
    # algebraic connectivity of the graph of its articles' pair probabilities (``connectivity``) is
    # below this (None: never). Online, an early report of a second same-type event that joins the
    # first event's story takes the second event's reports with it; the merge rule never sees two
    # stories to keep apart. Chosen in training.
    split_below: float | None = None

    def join_bar(self, story_size: int) -> float:
        """The probability an article needs to join a story of ``story_size`` articles."""
        if story_size == 1 and self.seed_threshold is not None:
            return max(self.join_threshold, self.seed_threshold)
        return self.join_threshold

    def logit(self, feats: Mapping[str, float]) -> float:
        return self.bias + sum(self.weights.get(k, 0.0) * v for k, v in feats.items())

    def probability(self, feats: Mapping[str, float]) -> float:
        z = self.logit(feats)
        return 1.0 / (1.0 + math.exp(-z)) if z > -50 else 0.0


def shared_keys(a: Profile, b: Profile, limit: int = 8) -> list[tuple[str, float]]:
    """The keys contributing most to the similarity of two profiles, for explanations."""
    contributions: Counter[str] = Counter()
    for name in VECTORS:
        u, v = a.vector(name), b.vector(name)
        for k, x in u.items():
            if k in v:
                contributions[k] += x * v[k] / (a.norm(name) * b.norm(name))
    return [(k, round(c, 4)) for k, c in contributions.most_common(limit)]
