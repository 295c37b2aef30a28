"""Online story clustering, like a news desk: each article joins its best story or starts one
(a story of one article needs the model's higher seed bar, see ``ScoreModel.join_bar``).

Cost stays close to linear in the number of articles because an article is compared only
with the stories that share one of its index keys (its highest-weighted rare terms and its
named entities) and that were active within ``window_days`` of it; very common keys (long
posting lists) are skipped, and stories that ended a window before the newest article are
taken out of the posting lists, so those lists hold what is current, not the whole archive.
Every ``merge_every`` articles, the stories that changed are compared with their best
candidate story and merged when the articles of the smaller one, on average, would join the
other (``linkage``), or (a choice made in training, ``ScoreModel.merge_by_linkage``) when the
two centroids score high enough. Centroid to centroid the model overrates a merge of full
reports: a sum of reports keeps the topic's words and blurs the names that tell two same-type
events apart. ``finish`` merges until nothing changes; when the model says so and the caller
can list the articles again (the batch clusterer can), each article of a story still open moves
to the story that now fits it better than its own (``reassign``), which undoes early reports of a
second event taken into the first one's story; and, when the model says so, it lets small
stories join their best story at a lower threshold.
"""

from __future__ import annotations

import heapq
import itertools
import math
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Iterable

import numpy as np

from storyline.cluster.features import (
    ENTITY_KINDS,
    SECONDS_PER_DAY,
    ArticleFeatures,
    DocFreq,
    Profile,
    ScoreModel,
    cosine,
    pair_features,
    profile,
)
from storyline.dedup.groups import UnionFind
from storyline.model import Story, StoryAssignment, stable_hash


@dataclass(frozen=True, slots=True)
class Candidate:
    story: str
    features: dict[str, float]
    probability: float


@dataclass(frozen=True, slots=True)
class Decision:
    """Why an article went where it did: its best candidate story, even when it did not join it."""

    article: str
    story: str  # the story it was put in
    joined: bool  # False: it started ``story``
    best: Candidate | None
    candidates: int


@dataclass(frozen=True, slots=True)
class Merge:
    absorbed: str
    into: str
    features: dict[str, float]  # centroid to centroid
    probability: float  # the linkage the merge was decided on


@dataclass(frozen=True, slots=True)
class Move:
    """An article that left the story it was first put in, at the end (``OnlineClusterer.reassign``)."""

    article: str
    left: str
    joined: str
    probability: float  # of joining ``joined``
    stay: float  # of joining what ``left`` is without it (0 when it was alone there)


@dataclass(frozen=True, slots=True)
class Split:
    """Articles taken out of a story at the end, into a story of their own (``OnlineClusterer.split``)."""

    story: str
    new: str
    articles: list[str]
    connectivity: float  # of the story before the split (``connectivity``)


@dataclass(slots=True)
class _Story:
    id: str
    seq: int  # creation order; the older story survives a merge
    profile: Profile
    article_ids: list[str]
    members: dict[str, Profile]  # article id -> profile, of its first ``MEMBERS`` articles, for ``linkage``
    keys: set[str] = field(default_factory=set)


@dataclass(frozen=True, slots=True)
class _Meta:
    title: str
    source: str
    published: float | None
    title_vec: dict[str, float]
    arrival: int  # its position in the stream, which its profile was made with


# Articles per story that ``linkage`` averages over: the first ones, which set what a story is
# about (on ECB+ train, 5 scored the same as all of them).
MEMBERS = 5
# Rounds of ``reassign`` at the end at most (on ECB+ train, a third round scored the same as two).
REASSIGN_ROUNDS = 2
# Stories ``split`` looks at: smaller ones are left to ``reassign``; larger ones would cost a
# pair score per pair of articles (at most 44,850 scores for 300).
SPLIT_MIN = 6
SPLIT_MAX = 300
# Rounds of moving articles between the two halves of a split at most.
SPLIT_ROUNDS = 10
# Two articles whose bodies have at least this cosine are copies of one text for ``split``.
COPY_BODY = 0.9


def story_id(first_article: str) -> str:
    return "s" + stable_hash("story", first_article)


class OnlineClusterer:
    """Assigns articles to stories one at a time, in the order given.

    With ``idf=None`` document frequencies are learned as articles arrive (a live desk);
    with a ``DocFreq`` they are frozen (the batch mode fits them on the whole corpus first).
    """

    def __init__(
        self,
        model: ScoreModel,
        idf: DocFreq | None = None,
        *,
        window_days: float = 30.0,
        index_terms: int = 12,
        max_candidates: int = 40,
        max_posting: int = 2000,
        merge_every: int = 100,
    ):
        self.model = model
        self.idf = idf or DocFreq()
        self.learn_idf = idf is None
        self.window = window_days * SECONDS_PER_DAY
        self.index_terms = index_terms
        self.max_candidates = max_candidates
        self.max_posting = max_posting
        self.merge_every = merge_every
        self.stories: dict[str, _Story] = {}
        self.story_of: dict[str, str] = {}  # article id -> story id (kept current across merges)
        self.postings: dict[str, set[str]] = {}
        self.meta: dict[str, _Meta] = {}
        self.decisions: dict[str, Decision] = {}
        self.merges: list[Merge] = []
        self.moves: list[Move] = []
        self.splits: list[Split] = []
        self._dirty: set[str] = set()
        self._seq = 0
        self._arrivals = 0  # articles observed: the stream's clock when they are undated
        self._posted: set[str] = set()  # stories in the posting lists
        self._expired_to = -math.inf  # stories that ended before this are out of the lists

    # ------------------------------------------------------------ candidates

    def index_keys(self, p: Profile) -> set[str]:
        """The keys a profile is found by: its top-weighted terms and title terms, and its entities."""
        keys = set(heapq.nlargest(self.index_terms, p.terms, key=p.terms.__getitem__))
        keys |= set(heapq.nlargest(self.index_terms // 2, p.title, key=p.title.__getitem__))
        for kind in ENTITY_KINDS:
            vec = p.entities.get(kind, {})
            keys |= set(heapq.nlargest(self.index_terms // 2, vec, key=vec.__getitem__))
        return keys

    def _in_window(self, p: Profile, s: Profile) -> bool:
        if p.first is None or s.first is None or p.last is None or s.last is None:
            return True
        return p.first - s.last <= self.window and s.first - p.last <= self.window

    def candidates(self, p: Profile, exclude: str | None = None) -> list[Candidate]:
        """Stories sharing index keys with ``p`` within the time window, scored, best first."""
        hits: Counter[str] = Counter()
        for key in self.index_keys(p):
            posting = self.postings.get(key)
            if posting and len(posting) <= self.max_posting:
                hits.update(posting)
        hits.pop(exclude, None)
        # most shared keys first, ties to the oldest story: not to set order, which varies by process
        nearest = heapq.nsmallest(self.max_candidates, hits, key=lambda s: (-hits[s], self.stories[s].seq))
        scored = []
        for sid in nearest:
            story = self.stories[sid]
            if self._in_window(p, story.profile):
                feats = pair_features(p, story.profile)
                scored.append(Candidate(sid, feats, self.model.probability(feats)))
        scored.sort(key=lambda c: (-c.probability, self.stories[c.story].seq))
        return scored

    # ------------------------------------------------------------ adding articles

    def observe(self, features: ArticleFeatures, arrival: int | None = None) -> tuple[Profile, list[Candidate]]:
        """The article's profile and its scored candidate stories; nothing is placed yet.

        ``arrival`` is the article's position in the whole stream (default: the count seen so far);
        a replay of part of the stream passes the global one.
        """
        if self.learn_idf:
            self.idf.add(features)
        if features.published is not None:
            self.advance(features.published)
        arrival = self._arrivals if arrival is None else arrival
        p = profile(features, self.idf, arrival)
        self._arrivals += 1
        self.meta[features.id] = _Meta(features.title, features.source, features.published, p.title, arrival)
        return p, self.candidates(p)

    def add(self, features: ArticleFeatures, arrival: int | None = None) -> Decision:
        """Place one article: join the best story if the model says so, else start a new one."""
        p, cands = self.observe(features, arrival)
        best = cands[0] if cands else None
        joined = best is not None and best.probability >= self.model.join_bar(self.stories[best.story].profile.size)
        sid = self.place(features.id, p, best.story if joined and best else None)
        decision = Decision(features.id, sid, joined, best, len(cands))
        self.decisions[features.id] = decision
        if self.merge_every and len(self.story_of) % self.merge_every == 0:
            self.merge_pass()
        return decision

    def place(self, article: str, p: Profile, story: str | None) -> str:
        """Put an article into ``story`` (created under that id if new; a fresh id when None)."""
        if story is None or story not in self.stories:
            sid = story or story_id(article)
            self.stories[sid] = _Story(sid, self._seq, p.copy(), [article], {article: p})
            self._seq += 1
        else:
            sid = story
            self.stories[sid].profile.absorb(p)
            self.stories[sid].article_ids.append(article)
            if len(self.stories[sid].members) < MEMBERS:
                self.stories[sid].members[article] = p
        self.story_of[article] = sid
        self._post(sid, self.index_keys(p))
        self._dirty.add(sid)
        return sid

    def _detach(self, article: str, p: Profile) -> None:
        """Take an article out of its story (``place`` undone); a story left empty is deleted."""
        story = self.stories[self.story_of.pop(article)]
        story.article_ids.remove(article)
        story.members.pop(article, None)
        if story.article_ids:
            story.profile.subtract(p)
            self._respan(story)
            self._dirty.add(story.id)
        else:
            self._unpost(story.id)
            self._dirty.discard(story.id)
            del self.stories[story.id]

    def _respan(self, story: _Story) -> None:
        """A story's time and arrival spans from its articles, after one left (``subtract`` cannot narrow them)."""
        metas = [self.meta[a] for a in story.article_ids]
        times = [m.published for m in metas if m.published is not None]
        story.profile.first, story.profile.last = (min(times), max(times)) if times else (None, None)
        story.profile.first_arrival = min(m.arrival for m in metas)
        story.profile.last_arrival = max(m.arrival for m in metas)

    def _post(self, sid: str, keys: set[str]) -> None:
        story = self.stories[sid]
        for key in keys - story.keys:
            self.postings.setdefault(key, set()).add(sid)
        story.keys |= keys
        self._posted.add(sid)

    def _unpost(self, sid: str) -> None:
        story = self.stories[sid]
        for key in story.keys:
            posting = self.postings.get(key)
            if posting is not None:
                posting.discard(sid)
                if not posting:
                    del self.postings[key]
        story.keys = set()
        self._posted.discard(sid)

    def advance(self, now: float) -> None:
        """The clock: stories that ended more than a window before ``now`` leave the posting lists.

        No article of ``now`` or later can join them (the window), yet they would lengthen
        the lists until common keys pass ``max_posting`` and find nothing. The horizon moves
        in steps of a quarter window, a function of ``now`` alone, so a replay of part of the
        corpus (the Spark engine) that advances to the same times expires the same stories.
        """
        step = self.window / 4
        horizon = math.floor((now - self.window) / step) * step
        if horizon <= self._expired_to:
            return
        self._expired_to = horizon
        for sid in [s for s in self._posted if (last := self.stories[s].profile.last) is not None and last < horizon]:
            self._retire(sid)

    def _retire(self, sid: str) -> None:
        """A story out of the window is final: out of the posting lists and the merge passes, and
        its member profiles (what ``linkage`` needs) are freed."""
        self._unpost(sid)
        self._dirty.discard(sid)
        self.stories[sid].members = {}

    # ------------------------------------------------------------ merging stories

    def merge_pass(self) -> None:
        """Merge each changed story into its best candidate story when their ``linkage`` is high enough."""
        dirty, self._dirty = self._dirty, set()
        for sid in sorted(dirty, key=lambda s: self.stories[s].seq if s in self.stories else -1):
            story = self.stories.get(sid)
            if story is None:
                continue  # already absorbed in this pass
            cands = self.candidates(story.profile, exclude=sid)
            if not cands:
                continue
            best = cands[0]
            link = self.linkage(story, self.stories[best.story]) if self.model.merge_by_linkage else best.probability
            if link >= self.model.merge_threshold:
                self._merge(sid, best, link)

    def linkage(self, a: _Story, b: _Story) -> float:
        """The mean probability that the smaller story's members join the other story: the decision
        each of them would face as an article, which is what the model was trained on. A story all of
        whose first articles left it in a ``split`` has no members: its sum stands for them."""
        small, big = (a, b) if len(a.article_ids) <= len(b.article_ids) else (b, a)
        members = list(small.members.values()) or [small.profile]
        return sum(self.model.probability(pair_features(m, big.profile)) for m in members) / len(members)

    def _merge(self, sid: str, best: Candidate, probability: float) -> None:
        a, b = self.stories[sid], self.stories[best.story]
        keep, gone = (a, b) if a.seq < b.seq else (b, a)
        keep.profile.absorb(gone.profile)
        keep.article_ids.extend(gone.article_ids)
        keep.members = dict(list({**keep.members, **gone.members}.items())[:MEMBERS])
        for article in gone.article_ids:
            self.story_of[article] = keep.id
        keys = gone.keys
        self._unpost(gone.id)
        self._post(keep.id, keys)
        del self.stories[gone.id]
        self._dirty.discard(gone.id)
        self._dirty.add(keep.id)
        self.merges.append(Merge(gone.id, keep.id, best.features, probability))

    def finish(self, articles: Iterable[ArticleFeatures] | None = None) -> None:
        """Final merge passes until nothing changes; when the model says so and the caller passes the
        articles again (in the order they came), those of stories still open (``is_open``: the
        ones of the last window, so memory stays bounded) are reassigned (``reassign``) with merge
        passes after each round, at most ``REASSIGN_ROUNDS``; then, when the model says so, stories whose
        articles fall apart in two groups are split (``split``); then small stories are adopted
        (see ``adopt``)."""
        self._merge_until_stable()
        still_open = [f for f in articles if self.is_open(f.id)] if articles is not None else []
        if self.model.reassign:
            for _ in range(REASSIGN_ROUNDS):
                moved = self.reassign(still_open)
                self._merge_until_stable()
                if not moved:
                    break
        if self.model.split_below is not None:
            self.split(still_open, self.model.split_below)
        if self.model.adopt_threshold is not None:
            self.adopt(self.model.adopt_threshold, self.model.adopt_below)
            self._merge_until_stable()

    def _merge_until_stable(self) -> None:
        while self._dirty:
            before = len(self.stories)
            self.merge_pass()
            if len(self.stories) == before:
                self._dirty.clear()

    def reassign(self, articles: Iterable[ArticleFeatures]) -> int:
        """Each article of an open story moves to its best candidate story when that one would take it
        (``join_bar``) with a higher probability than its own story without it would. Returns the moves.

        Online, the first articles decide what a story is about, and an early report of a second,
        same-type event that joined the first event's story stays there: once both stories have
        grown, each article has two clearer stories to choose from. Closed (retired) stories are
        final: their articles stay and no article moves into them. The profile is recomputed from
        the features, with the document frequencies and arrival the pass used.
        """
        moved = 0
        for features in articles:
            if not self.is_open(features.id):
                continue
            sid = self.story_of[features.id]
            p = profile(features, self.idf, self.meta[features.id].arrival)
            stay = self._stay(self.stories[sid], p)
            cands = self.candidates(p, exclude=sid)
            if not cands:
                continue
            best = cands[0]
            bar = self.model.join_bar(self.stories[best.story].profile.size)
            if best.probability > stay and best.probability >= bar:
                self._detach(features.id, p)
                self.place(features.id, p, best.story)
                self.moves.append(Move(features.id, sid, best.story, best.probability, stay))
                moved += 1
        return moved

    def split(self, articles: Iterable[ArticleFeatures], below: float) -> int:
        """Each open story of ``SPLIT_MIN`` to ``SPLIT_MAX`` of the given articles whose articles fall
        apart in two groups (``connectivity`` of their pair probabilities below ``below``) is split in
        two, and each half again while it falls apart. Returns the splits.

        Two same-type events in one story (two DUI arrests of players of one team) make two dense
        groups of pair probabilities with thin links between them; one event's reports are linked
        all about alike, even when they tell it differently. The half holding the first of the given
        articles keeps the story. The halves are not merged again by this finish's merge passes (the
        merge rule, which scores a story as a whole, is what could not tell them apart); adopting a
        lone article may still merge it into one.
        """
        groups: dict[str, list[tuple[str, Profile]]] = {}
        for f in articles:
            if self.is_open(f.id):
                groups.setdefault(self.story_of[f.id], []).append((f.id, profile(f, self.idf, self.meta[f.id].arrival)))
        before = len(self.splits)
        for sid, members in groups.items():
            if not SPLIT_MIN <= len(members) <= SPLIT_MAX:
                continue
            texts, links = self._texts([p for _, p in members])
            queue = [(sid, list(range(len(texts))))]
            while queue:
                story, part = queue.pop()
                if len(part) < SPLIT_MIN:
                    continue
                value, fiedler = connectivity(links[np.ix_(part, part)])
                if value >= below:
                    continue
                sums = [_sum_of([members[i][1] for i in texts[t]]) for t in part]
                stay, leave = self._halves(sums, fiedler)
                if not stay or not leave:
                    continue
                kept, gone = [part[i] for i in stay], [part[i] for i in leave]
                moving = sorted(i for t in gone for i in texts[t])
                new = "s" + stable_hash("split", story, members[moving[0]][0])
                for i in moving:
                    article, p = members[i]
                    self._detach(article, p)
                    self.place(article, p, new)
                self._dirty -= {story, new}
                self.splits.append(Split(story, new, [members[i][0] for i in moving], value))
                queue += [(story, kept), (new, gone)]
        return len(self.splits) - before

    def _texts(self, profiles: list[Profile]) -> tuple[list[list[int]], np.ndarray]:
        """The distinct texts among a story's articles (copies, whose bodies have a cosine of at least
        ``COPY_BODY``, count once) and the mean pair probability between each two of them.

        A wire story reprinted ten times is a block of pairs scored near 1 inside a story's graph;
        counted once per reprint, the copies would make one event look like two groups.
        """
        n = len(profiles)
        copies = UnionFind()
        probability = np.zeros((n, n))
        for i, j in itertools.combinations(range(n), 2):
            feats = pair_features(profiles[i], profiles[j])
            probability[i, j] = probability[j, i] = self.model.probability(feats)
            if feats["body"] >= COPY_BODY:
                copies.union(str(i), str(j))
        texts: dict[str, list[int]] = {}
        for i in range(n):
            texts.setdefault(copies.find(str(i)), []).append(i)
        members = list(texts.values())  # ordered by their first article
        links = np.zeros((len(members), len(members)))
        for a, b in itertools.combinations(range(len(members)), 2):
            links[a, b] = links[b, a] = probability[np.ix_(members[a], members[b])].mean()
        return members, links

    def _halves(self, profiles: list[Profile], fiedler: np.ndarray) -> tuple[list[int], list[int]]:
        """Two groups of texts (an article, or the sum of its copies): cut at the median of the Fiedler
        vector, then each text moves to the group it would join with the higher probability (its own
        without it), for at most ``SPLIT_ROUNDS`` rounds. The group of the first text comes first; one
        may end up empty."""
        side = fiedler > np.median(fiedler)
        for _ in range(SPLIT_ROUNDS):
            chosen = [[p for p, s in zip(profiles, side) if s == flag] for flag in (False, True)]
            if not chosen[0] or not chosen[1]:
                break
            halves = [_sum_of(c) for c in chosen]
            moved = side.copy()
            for i, p in enumerate(profiles):
                own, other = halves[int(side[i])], halves[int(not side[i])]
                if own.size <= 1:
                    continue
                with own.without(p) as rest:
                    stay = self.model.probability(pair_features(p, rest))
                if self.model.probability(pair_features(p, other)) > stay:
                    moved[i] = not side[i]
            if (moved == side).all():
                break
            side = moved
        first = side[0]
        return [i for i in range(len(side)) if side[i] == first], [i for i in range(len(side)) if side[i] != first]

    def is_open(self, article: str) -> bool:
        """Whether the article is in a story that can still change (not retired)."""
        return self.story_of.get(article) in self._posted

    def _stay(self, story: _Story, p: Profile) -> float:
        """The probability that ``p`` would join ``story`` without it: 0 when it is the only article."""
        if story.profile.size <= 1:
            return 0.0
        with story.profile.without(p) as rest:
            return self.model.probability(pair_features(p, rest))

    def adopt(self, threshold: float, below: int) -> None:
        """Each story of fewer than ``below`` articles joins its best candidate story at ``threshold`` or above.

        A lone article or a pair is rarely a story of its own in a news stream: when the
        evidence is weak either way, putting it with its most similar story costs less (on
        NMI and B-cubed recall) than leaving it apart. Oldest first, so the result is deterministic.
        """
        small = sorted((s for s in self.stories.values() if len(s.article_ids) < below), key=lambda s: s.seq)
        for story in small:
            if story.id not in self.stories or len(story.article_ids) >= below:
                continue  # absorbed or grown since
            cands = self.candidates(story.profile, exclude=story.id)
            if cands and cands[0].probability >= threshold:
                self._merge(story.id, cands[0], cands[0].probability)

    # ------------------------------------------------------------ results

    def assignments(self) -> list[StoryAssignment]:
        return [StoryAssignment(a, s) for a, s in self.story_of.items()]

    def story_records(self) -> list[Story]:
        return [self._record(s) for s in sorted(self.stories.values(), key=lambda s: s.seq)]

    def _record(self, story: _Story) -> Story:
        metas = [self.meta[a] for a in story.article_ids]
        central = max(range(len(metas)), key=lambda i: (cosine(metas[i].title_vec, story.profile.title), -i))
        times = [m.published for m in metas if m.published is not None]
        return Story(
            id=story.id,
            headline=metas[central].title,
            article_ids=list(story.article_ids),
            sources=sorted({m.source for m in metas}),
            first_seen=_when(min(times)) if times else None,
            last_seen=_when(max(times)) if times else None,
        )


def connectivity(weights: np.ndarray) -> tuple[float, np.ndarray]:
    """The algebraic connectivity of a weighted graph and the Fiedler vector that cuts it: the
    second-smallest eigenvalue of the normalized Laplacian (0 when the graph falls apart in two,
    1 and above when every pair is linked alike) and its eigenvector, signed so its first entry
    is not positive (an eigenvector's sign is arbitrary; a cut must not depend on it)."""
    scale = 1.0 / np.sqrt(weights.sum(axis=1) + 1e-9)
    values, vectors = np.linalg.eigh(np.eye(len(weights)) - weights * np.outer(scale, scale))
    fiedler = vectors[:, 1] * scale
    return float(values[1]), -fiedler if fiedler[0] > 0 else fiedler


def _sum_of(profiles: list[Profile]) -> Profile:
    """The sum of one or more profiles, as a story's is."""
    total = profiles[0].copy()
    for p in profiles[1:]:
        total.absorb(p)
    return total


def _when(ts: float) -> datetime:
    return datetime.fromtimestamp(ts, tz=timezone.utc)
