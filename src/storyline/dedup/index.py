"""What dedup has seen before: band keys, the articles behind them, their groups.

``DedupIndex`` is the interface ``find_duplicates`` works against, a batch of
articles at a time (one round trip per batch, not per article).
``MemoryIndex`` keeps everything in dicts (tests, benchmarks, one-off CLI runs);
``storyline.storage.bands.SqlIndex`` keeps it in the database, so the corpus
can outgrow memory and runs are incremental.
"""

from __future__ import annotations

from typing import Iterable, Protocol, Sequence

import numpy as np

from storyline.model import Article, DupAssignment


class DedupIndex(Protocol):
    def add(self, articles: Sequence[Article], keys: Sequence[Sequence[int]]) -> list[set[str]]:
        """Index each article under its band keys (``keys[j][i]`` is ``articles[j]``'s in band i, replacing
        any keys it had); return, for each, the ids of the other indexed articles sharing one of its keys."""

    def articles(self, ids: Iterable[str]) -> dict[str, Article]:
        """Indexed articles by id; unknown ids are left out."""

    def assignments(self, ids: Iterable[str]) -> dict[str, DupAssignment]:
        """Stored group assignments by article id; ids never assigned are left out."""

    def members(self, group_ids: Iterable[str]) -> dict[str, str]:
        """All articles stored in these groups: article id -> group id."""

    def save(self, assignments: Sequence[DupAssignment]) -> None:
        """Store (replace) group assignments."""


class MemoryIndex:
    """A ``DedupIndex`` in dicts: one bucket table per band."""

    def __init__(self) -> None:
        self._bands: list[dict[int, list[str]]] = []
        self._keys: dict[str, np.ndarray] = {}
        self._articles: dict[str, Article] = {}
        self._assignments: dict[str, DupAssignment] = {}
        self._groups: dict[str, set[str]] = {}

    def add(self, articles: Sequence[Article], keys: Sequence[Sequence[int]]) -> list[set[str]]:
        for article, article_keys in zip(articles, keys):
            self._index(article, article_keys)
        return [self._sharing(a.id, k) for a, k in zip(articles, keys)]

    def _index(self, article: Article, keys: Sequence[int]) -> None:
        old = self._keys.get(article.id)
        for band, key in enumerate(old.tolist() if old is not None else ()):
            self._bands[band][key].remove(article.id)
        self._keys[article.id] = np.array(keys, dtype=np.int64)  # a fifth of a list of Python ints
        self._articles[article.id] = article
        while len(self._bands) < len(keys):
            self._bands.append({})
        for table, key in zip(self._bands, keys):
            table.setdefault(key, []).append(article.id)

    def _sharing(self, article_id: str, keys: Sequence[int]) -> set[str]:
        found: set[str] = set()
        for table, key in zip(self._bands, keys):
            bucket = table[key]
            if len(bucket) > 1:
                found.update(bucket)
        found.discard(article_id)
        return found

    def articles(self, ids: Iterable[str]) -> dict[str, Article]:
        return {i: self._articles[i] for i in ids if i in self._articles}

    def assignments(self, ids: Iterable[str]) -> dict[str, DupAssignment]:
        return {i: self._assignments[i] for i in ids if i in self._assignments}

    def members(self, group_ids: Iterable[str]) -> dict[str, str]:
        return {m: g for g in group_ids for m in self._groups.get(g, ())}

    def save(self, assignments: Sequence[DupAssignment]) -> None:
        for a in assignments:
            old = self._assignments.get(a.id)
            if old is not None:
                self._groups[old.group].discard(a.id)
            self._assignments[a.id] = a
            self._groups.setdefault(a.group, set()).add(a.id)
