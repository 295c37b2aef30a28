"""The dedup index in the database: band keys as indexed rows, groups in ``dup_groups``.

Candidates are found with an indexed lookup on ``minhash_bands(band, key)``:
the same equi-join PostgreSQL and Spark run, and memory stays flat however
large the corpus grows. Use as a context manager; everything written inside
the ``with`` block is one transaction::

    with SqlIndex(store) as index:
        find_duplicates(new_articles, index)
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any, Iterable, Iterator, Sequence

from sqlalchemy import Select, and_, bindparam, delete, or_, select
from sqlalchemy.engine import Connection

from storyline.model import Article, DupAssignment
from storyline.storage.schema import articles, dup_groups, minhash_bands
from storyline.storage.store import Store

_CHUNK = 500


def _chunks(items: list, size: int = _CHUNK) -> Iterator[list]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


@lru_cache(maxsize=8)
def _candidate_query(bands: int) -> Select:
    """Articles sharing a band key, as an OR of (band, key) equalities with one parameter per band.

    SQLite and PostgreSQL answer each term from the (band, key) index (a
    row-value IN list makes SQLite scan the table); the statement is built once.
    """
    terms = (and_(minhash_bands.c.band == band, minhash_bands.c.key == bindparam(f"k{band}")) for band in range(bands))
    return select(minhash_bands.c.article_id).where(or_(*terms)).distinct()


class SqlIndex:
    """A ``storyline.dedup.DedupIndex`` over a ``Store``; articles must be stored before they are added."""

    def __init__(self, store: Store):
        self.store = store
        self._conn: Connection | None = None

    def __enter__(self) -> SqlIndex:
        self._conn = self.store.engine.connect()
        self._conn.begin()
        return self

    def __exit__(self, exc_type: Any, *_: Any) -> None:
        conn = self.conn
        if exc_type is None:
            conn.commit()
        else:
            conn.rollback()
        conn.close()
        self._conn = None

    @property
    def conn(self) -> Connection:
        if self._conn is None:
            raise RuntimeError("use SqlIndex inside a `with` block")
        return self._conn

    def add(self, article: Article, keys: Sequence[int]) -> None:
        self.conn.execute(delete(minhash_bands).where(minhash_bands.c.article_id == article.id))
        if keys:
            rows = [{"article_id": article.id, "band": band, "key": key} for band, key in enumerate(keys)]
            self.conn.execute(minhash_bands.insert(), rows)

    def candidates(self, keys: Sequence[int]) -> set[str]:
        if not keys:
            return set()
        query = _candidate_query(len(keys))
        return set(self.conn.scalars(query, {f"k{band}": key for band, key in enumerate(keys)}))

    def articles(self, ids: Iterable[str]) -> dict[str, Article]:
        return {a.id: a for a in self.store.get_articles(ids)}

    def assignments(self, ids: Iterable[str]) -> dict[str, DupAssignment]:
        out: dict[str, DupAssignment] = {}
        for chunk in _chunks(list(ids)):
            for r in self.conn.execute(select(dup_groups).where(dup_groups.c.article_id.in_(chunk))):
                out[r.article_id] = DupAssignment(r.article_id, r.group_id, r.parent_id, r.syndicated_from)
        return out

    def members(self, group_ids: Iterable[str]) -> dict[str, str]:
        out: dict[str, str] = {}
        for chunk in _chunks(list(group_ids)):
            query = select(dup_groups.c.article_id, dup_groups.c.group_id).where(dup_groups.c.group_id.in_(chunk))
            out.update({r.article_id: r.group_id for r in self.conn.execute(query)})
        return out

    def save(self, assignments: Sequence[DupAssignment]) -> None:
        for chunk in _chunks(list(assignments)):
            self.conn.execute(delete(dup_groups).where(dup_groups.c.article_id.in_([a.id for a in chunk])))
            self.conn.execute(
                dup_groups.insert(),
                [
                    {"article_id": a.id, "group_id": a.group, "parent_id": a.parent, "syndicated_from": a.syndicated_from}
                    for a in chunk
                ],
            )

    def unindexed_ids(self) -> list[str]:
        """Stored articles with no band rows and no group yet: what an incremental run must add."""
        indexed = select(minhash_bands.c.article_id).where(minhash_bands.c.article_id == articles.c.id).exists()
        grouped = select(dup_groups.c.article_id).where(dup_groups.c.article_id == articles.c.id).exists()
        query = (
            select(articles.c.id)
            .where(~indexed, ~grouped)
            .order_by(articles.c.published_utc.is_(None), articles.c.published_utc, articles.c.id)
        )
        return list(self.conn.scalars(query))
