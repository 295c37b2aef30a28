"""The dedup index in the database: band keys as indexed rows, groups in ``dup_groups``.

``minhash_bands`` holds one (key, article number) row per band key, and its
primary key is the lookup index; ``minhash_articles`` numbers the indexed
articles and keeps each one's keys, so re-adding an article deletes its rows
by key. A batch costs one primary-key lookup and one insert per band key, in
key order, with no Python object per row: memory stays flat however large the
corpus grows. Use as a context manager; everything written inside the
``with`` block is one transaction::

    with SqlIndex(store) as index:
        find_duplicates(new_articles, index)
"""

from __future__ import annotations

from typing import Any, Iterable, Iterator, Sequence, Sized

import numpy as np
from sqlalchemy import select
from sqlalchemy.engine import Connection

from storyline.model import Article, DupAssignment
from storyline.storage.schema import articles, dup_groups, minhash_articles
from storyline.storage.store import Store

_CHUNK = 500
_KEY_BYTES = "<i8"  # how an article's band keys are kept in minhash_articles.band_keys


def _chunks(items: list, size: int = _CHUNK) -> Iterator[list]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


# Band keys are random, so each batch's rows land all over the key index: with SQLite's default 2 MiB page
# cache most of them miss it. A fixed cache, whatever the corpus size.
_SQLITE_PAGE_CACHE_KIB = 65536
# Who holds these keys. Always this many keys (the last one repeated), so the driver reuses the statement.
_LOOKUP_KEYS = 2000
_HOLDERS = (
    "SELECT m.key, a.article_id FROM minhash_bands m JOIN minhash_articles a ON a.id = m.article "
    "WHERE m.key IN ({marks})"
)
# Band rows go several to a statement: measured at half the cost per row of one row a statement.
_ROWS_PER_INSERT = 400
_INSERT_BANDS = "INSERT INTO minhash_bands (key, article) VALUES {rows}"
_DELETE_BAND = "DELETE FROM minhash_bands WHERE key = ? AND article = ?"
_INSERT_GROUP = "INSERT INTO dup_groups (article_id, group_id, parent_id, syndicated_from) VALUES (?, ?, ?, ?)"


def _driver_sql(conn: Connection, statement: str) -> str:
    """``statement`` for the DBAPI itself, with its own parameter marks.

    Band rows go straight to the driver: SQLAlchemy's per-parameter handling
    costs more than the database's own work on 64 rows an article.
    """
    return statement if conn.dialect.paramstyle == "qmark" else statement.replace("?", "%s")


def _marks(values: Sized) -> str:
    return ", ".join("?" * len(values))


def _insert_statement(rows: int) -> str:
    return _INSERT_BANDS.format(rows=", ".join(["(?, ?)"] * rows))


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

    def _cursor(self) -> Any:
        """A DBAPI cursor in this transaction: rows come back as plain tuples, without SQLAlchemy's Row."""
        return self.conn.connection.cursor()

    def _fetch(self, statement: str, params: Sequence[Any]) -> list[tuple]:
        cursor = self._cursor()
        try:
            cursor.execute(_driver_sql(self.conn, statement), params)
            return cursor.fetchall()
        finally:
            cursor.close()

    def _execute_many(self, statement: str, rows: Sequence[Sequence[Any]]) -> None:
        if not rows:
            return
        cursor = self._cursor()
        try:
            cursor.executemany(_driver_sql(self.conn, statement), rows)
        finally:
            cursor.close()

    def add(self, articles: Sequence[Article], keys: Sequence[Sequence[int]]) -> list[set[str]]:
        ids = [a.id for a in articles]
        self._remove(ids)
        numbers = self._number(ids, keys)
        sharing: dict[str, set[str]] = {i: set() for i in ids}
        keyed = [j for j, k in enumerate(keys) if len(k)]
        if keyed:
            band_keys, owners = _key_order(np.array([keys[j] for j in keyed], dtype=np.int64), np.array(keyed))
            for holders in self._shared(band_keys, owners, ids):
                for i in holders:
                    if i in sharing:
                        sharing[i].update(holders)
            self._insert(band_keys, np.array(numbers, dtype=np.int64)[owners])
        return [sharing[i] - {i} for i in ids]

    def _remove(self, ids: list[str]) -> None:
        """Delete the band rows and numbers these articles had (re-adding replaces their keys)."""
        for chunk in _chunks(ids):
            found = self._fetch(f"SELECT id, band_keys FROM minhash_articles WHERE article_id IN ({_marks(chunk)})", chunk)
            rows = [(key, n) for n, blob in found for key in np.unique(np.frombuffer(blob, dtype=_KEY_BYTES)).tolist()]
            self._execute_many(_DELETE_BAND, rows)
            self._execute_many("DELETE FROM minhash_articles WHERE id = ?", [(n,) for n, _ in found])

    def _number(self, ids: list[str], keys: Sequence[Sequence[int]]) -> list[int]:
        """Give each article its number in ``minhash_articles``, with its keys; returns the numbers."""
        rows = [(i, np.asarray(k, dtype=_KEY_BYTES).tobytes()) for i, k in zip(ids, keys)]
        self._execute_many("INSERT INTO minhash_articles (article_id, band_keys) VALUES (?, ?)", rows)
        numbers: dict[str, int] = {}
        for chunk in _chunks(ids):
            numbers.update(self._fetch(f"SELECT article_id, id FROM minhash_articles WHERE article_id IN ({_marks(chunk)})", chunk))
        return [numbers[i] for i in ids]

    def _shared(self, band_keys: np.ndarray, owners: np.ndarray, ids: list[str]) -> set[frozenset[str]]:
        """The holders of each key of the batch that another article holds too, stored or in the batch.

        A copy shares most of its keys with the same articles, so each set of holders is returned once.
        """
        starts = np.flatnonzero(np.r_[True, band_keys[1:] != band_keys[:-1]])
        ends = np.r_[starts[1:], band_keys.size]
        unique = band_keys[starts]

        def batch_holders(run: int) -> list[str]:
            return [ids[p] for p in owners[starts[run] : ends[run]].tolist()]

        stored = self._stored_holders(unique)
        groups = {frozenset(batch_holders(run) + stored.pop(key, [])) for run, key in _runs_of(unique, starts, ends)}
        runs = np.searchsorted(unique, np.array(list(stored), dtype=np.int64)).tolist()
        groups.update(frozenset(batch_holders(run) + holders) for run, holders in zip(runs, stored.values()))
        return groups

    def _stored_holders(self, unique_keys: np.ndarray) -> dict[int, list[str]]:
        """Stored articles holding any of these (sorted, distinct) keys: key -> article ids."""
        statement = _HOLDERS.format(marks=_marks(range(_LOOKUP_KEYS)))
        holders: dict[int, list[str]] = {}
        for chunk in _chunks(unique_keys.tolist(), _LOOKUP_KEYS):
            chunk += [chunk[-1]] * (_LOOKUP_KEYS - len(chunk))
            for key, article_id in self._fetch(statement, chunk):
                holders.setdefault(key, []).append(article_id)
        return holders

    def _insert(self, band_keys: np.ndarray, numbers: np.ndarray) -> None:
        """Band rows in key order, so the key index's B-tree is written page by page rather than at random."""
        flat = np.column_stack((band_keys, numbers)).ravel().tolist()  # key, number, key, number, ...
        width = 2 * _ROWS_PER_INSERT
        whole = len(flat) // width * width
        self._execute_many(_insert_statement(_ROWS_PER_INSERT), [flat[i : i + width] for i in range(0, whole, width)])
        if whole < len(flat):
            self._execute_many(_insert_statement((len(flat) - whole) // 2), [flat[whole:]])

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
            ids = [a.id for a in chunk]
            self._execute_many(f"DELETE FROM dup_groups WHERE article_id IN ({_marks(ids)})", [ids])
            self._execute_many(_INSERT_GROUP, [(a.id, a.group, a.parent, a.syndicated_from) for a in chunk])

    def unindexed_ids(self) -> list[str]:
        """Stored articles not indexed and with no group yet: what an incremental run must add."""
        indexed = select(minhash_articles.c.id).where(minhash_articles.c.article_id == articles.c.id).exists()
        grouped = select(dup_groups.c.article_id).where(dup_groups.c.article_id == articles.c.id).exists()
        query = (
            select(articles.c.id)
            .where(~indexed, ~grouped)
            .order_by(articles.c.published_utc.is_(None), articles.c.published_utc, articles.c.id)
        )
        return list(self.conn.scalars(query))


def _key_order(matrix: np.ndarray, owners: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The (key, owner) pairs of a matrix of band keys (one row per owner), by key, each pair once."""
    keys = matrix.ravel()
    owner = np.repeat(owners, matrix.shape[1])
    order = np.lexsort((owner, keys))
    keys, owner = keys[order], owner[order]
    first = np.r_[True, (keys[1:] != keys[:-1]) | (owner[1:] != owner[:-1])]
    return keys[first], owner[first]


def _runs_of(unique: np.ndarray, starts: np.ndarray, ends: np.ndarray) -> Iterator[tuple[int, int]]:
    """(run, key) of each key that more than one batch article holds."""
    shared = np.flatnonzero(ends - starts > 1)
    return zip(shared.tolist(), unique[shared].tolist())
