"""The dedup index in the database: band keys as indexed rows, groups in ``dup_groups``.

Candidates are found with indexed lookups on ``minhash_bands(band, key)``,
one per band for a whole batch of articles: the same equi-join PostgreSQL and
Spark run, and memory stays flat however large the corpus grows. Use as a
context manager; everything written inside the ``with`` block is one
transaction::

    with SqlIndex(store) as index:
        find_duplicates(new_articles, index)
"""

from __future__ import annotations

from typing import Any, Iterable, Iterator, Sequence

import numpy as np
from sqlalchemy import delete, select
from sqlalchemy.engine import Connection

from storyline.model import Article, DupAssignment
from storyline.storage.schema import articles, dup_groups, minhash_bands
from storyline.storage.store import Store

_CHUNK = 500


def _chunks(items: list, size: int = _CHUNK) -> Iterator[list]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


# Who holds a batch's band keys that more than one article holds (every key has its own article):
# the (band, key) index answers both the IN list and the GROUP BY.
_SHARED_KEYS = """
SELECT key, article_id FROM minhash_bands WHERE band = ? AND key IN (
    SELECT key FROM minhash_bands WHERE band = ? AND key IN ({keys}) GROUP BY key HAVING COUNT(*) > 1
)"""
# Band keys are random, so each batch's rows land all over the (band, key) index: with SQLite's default
# 2 MiB page cache most of them miss it. A fixed cache, whatever the corpus size.
_SQLITE_PAGE_CACHE_KIB = 65536
_INSERT_BANDS = "INSERT INTO minhash_bands (band, key, article_id) VALUES (?, ?, ?)"


def _driver_sql(conn: Connection, statement: str, marks: int = 0) -> str:
    """``statement`` for the DBAPI itself, with its own parameter marks.

    Band rows go straight to the driver: SQLAlchemy's per-parameter handling
    costs more than SQLite's own work on 64 rows an article.
    """
    if marks:
        statement = statement.format(keys=", ".join("?" * marks))
    return statement if conn.dialect.paramstyle == "qmark" else statement.replace("?", "%s")


class SqlIndex:
    """A ``storyline.dedup.DedupIndex`` over a ``Store``; articles must be stored before they are added."""

    def __init__(self, store: Store):
        self.store = store
        self._conn: Connection | None = None
        self._page_cache: int | None = None

    def __enter__(self) -> SqlIndex:
        self._conn = self.store.engine.connect()
        self._conn.begin()
        self._page_cache = self._set_sqlite_page_cache(-_SQLITE_PAGE_CACHE_KIB)
        return self

    def __exit__(self, exc_type: Any, *_: Any) -> None:
        conn = self.conn
        if exc_type is None:
            conn.commit()
        else:
            conn.rollback()
        self._set_sqlite_page_cache(self._page_cache)  # the pooled connection goes back as it came
        conn.close()
        self._conn = None

    def _set_sqlite_page_cache(self, size: int | None) -> int | None:
        """Set SQLite's page cache of this connection (negative: KiB); returns the previous size."""
        if self.conn.dialect.name != "sqlite" or size is None:
            return None
        previous = self.conn.exec_driver_sql("PRAGMA cache_size").scalar()
        self.conn.exec_driver_sql(f"PRAGMA cache_size={int(size)}")
        return previous

    @property
    def conn(self) -> Connection:
        if self._conn is None:
            raise RuntimeError("use SqlIndex inside a `with` block")
        return self._conn

    def add(self, articles: Sequence[Article], keys: Sequence[Sequence[int]]) -> list[set[str]]:
        ids = [a.id for a in articles]
        for chunk in _chunks(ids):
            self.conn.execute(delete(minhash_bands).where(minhash_bands.c.article_id.in_(chunk)))
        keyed = [j for j, k in enumerate(keys) if len(k)]
        sharing: dict[str, set[str]] = {i: set() for i in ids}
        if keyed:
            matrix = np.array([keys[j] for j in keyed], dtype=np.int64)  # one row of band keys per article
            self._insert(np.array(ids, dtype=object)[keyed], matrix)
            for holders in self._shared_keys(matrix):
                for i in holders:
                    if i in sharing:
                        sharing[i].update(holders)
        return [sharing[i] - {i} for i in ids]

    def _insert(self, owners: np.ndarray, matrix: np.ndarray) -> None:
        """Band rows in (band, key) order, so the index's B-tree is written page by page rather than at random."""
        bands = np.broadcast_to(np.arange(matrix.shape[1]), matrix.shape).ravel()
        keys = matrix.ravel()
        order = np.lexsort((keys, bands))
        owner = np.repeat(owners, matrix.shape[1])
        rows = zip(bands[order].tolist(), keys[order].tolist(), owner[order].tolist())
        self.conn.exec_driver_sql(_driver_sql(self.conn, _INSERT_BANDS), list(rows))

    def _shared_keys(self, matrix: np.ndarray) -> Iterator[list[str]]:
        """For each (band, key) of the matrix that more than one stored article holds: its holders."""
        for band in range(matrix.shape[1]):
            for chunk in _chunks(np.unique(matrix[:, band]).tolist()):
                holders: dict[int, list[str]] = {}
                statement = _driver_sql(self.conn, _SHARED_KEYS, len(chunk))
                for key, article_id in self.conn.exec_driver_sql(statement, (band, band, *chunk)):
                    holders.setdefault(key, []).append(article_id)
                yield from holders.values()

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
