"""Batch results as Parquet tables: written by the local batch run, read back for import.

A result directory holds ``dup_groups`` (id, group, parent, syndicated_from),
``story_articles`` (id, story), ``stories`` (story, headline, size, sources, first_seen,
last_seen), ``manifest.json`` and ``failures.jsonl`` (one object per input row that could not
be read or analysed: file, record, reason). Spark writes each table as a directory of part files;
the local run writes one part file per table, so both read back the same way.
"""

from __future__ import annotations

import itertools
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterable, Iterator, TypeVar

from storyline.engines.spark import BatchReport, write_report
from storyline.engines.spark_input import Row, carried_analysis, features_of, read_records, read_row
from storyline.model import Analysis, Article, DupAssignment, IngestError, Story, StoryAssignment

if TYPE_CHECKING:
    from storyline.storage import Store

T = TypeVar("T")


def _schemas() -> dict[str, Any]:
    import pyarrow as pa

    ts = pa.timestamp("us", tz="UTC")
    return {
        "dup_groups": pa.schema(
            [("id", pa.string()), ("group", pa.string()), ("parent", pa.string()), ("syndicated_from", pa.string())]
        ),
        "story_articles": pa.schema([("id", pa.string()), ("story", pa.string())]),
        "stories": pa.schema(
            [("story", pa.string()), ("headline", pa.string()), ("size", pa.int32()),
             ("sources", pa.list_(pa.string())), ("first_seen", ts), ("last_seen", ts)]
        ),
    }


def read_batch_input(path: str) -> Iterator[Row | IngestError]:
    """(article, carried analysis JSON or None) of each input row in order, or why the row cannot be read."""
    for record, where in read_records(path):
        yield read_row(record, path, where)


def succeeded(results: Iterable[T | IngestError], on_error: Callable[[IngestError], None]) -> Iterator[T]:
    """The results that are not failures; each failure goes to ``on_error``."""
    for result in results:
        if isinstance(result, IngestError):
            on_error(result)
        else:
            yield result


def first_per_id(rows: Iterable[tuple[Article, Any]]) -> Iterator[tuple[Article, Any]]:
    """The first row of each article id (ids are content hashes: a repeat is the same article)."""
    seen: set[str] = set()
    for row in rows:
        if row[0].id not in seen:
            seen.add(row[0].id)
            yield row


def run_local_batch(input_path: str, out: str) -> BatchReport:
    """The local engine's dedup and batch clustering over the same input, written like the Spark run.

    Rows that cannot be read or analysed are left out and listed in ``report.failures``.
    """
    from storyline.cluster import cluster_features
    from storyline.dedup import find_duplicates

    report = BatchReport("local", input_path)
    started = time.perf_counter()

    # cluster() is article_features per article, then cluster_features; the features are made
    # while reading, so the analyses (token lists) are never all in memory at once. Repeats of
    # an id are dropped after the analysis, as in Spark, so a broken row never hides a good one.
    articles, features = [], []
    for article, f in first_per_id(succeeded(features_of(read_batch_input(input_path)), report.failures.append)):
        articles.append(article)
        features.append(f)
    report.articles = len(articles)
    report.seconds["read"] = time.perf_counter() - started

    started = time.perf_counter()
    dups = find_duplicates(articles)
    report.dup_groups = len({d.group for d in dups if d.id != d.parent})
    report.seconds["dedup"] = time.perf_counter() - started

    started = time.perf_counter()
    result = cluster_features(features)
    report.stories = len(result.stories)
    report.seconds["stories"] = time.perf_counter() - started
    report.details["model"] = result.model.name

    write_tables(out, dups, result.assignments, result.stories)
    write_report(out, report)
    return report


def write_tables(
    out: str, dups: Iterable[DupAssignment], assignments: Iterable[StoryAssignment], stories: Iterable[Story]
) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    schemas = _schemas()
    rows = {
        "dup_groups": [{"id": d.id, "group": d.group, "parent": d.parent, "syndicated_from": d.syndicated_from}
                       for d in dups],
        "story_articles": [{"id": a.id, "story": a.story} for a in assignments],
        "stories": [{"story": s.id, "headline": s.headline, "size": s.size, "sources": s.sources,
                     "first_seen": s.first_seen, "last_seen": s.last_seen} for s in stories],
    }
    for name, table_rows in rows.items():
        folder = Path(out, name)
        folder.mkdir(parents=True, exist_ok=True)
        for old in folder.glob("*.parquet"):
            old.unlink()
        pq.write_table(pa.Table.from_pylist(table_rows, schema=schemas[name]), folder / "part-0.parquet")


def import_input(
    store: "Store", path: str, on_error: Callable[[IngestError], None], chunk: int = 500
) -> tuple[int, int]:
    """Store the batch input's articles and carried analyses: (articles read, new).

    A row that cannot be read, or whose carried analysis is malformed, goes to ``on_error``
    and is left out, as the batch run leaves it out.
    """
    read = new = 0
    rows = first_per_id(succeeded(map(_with_analysis, read_batch_input(path)), on_error))
    while batch := list(itertools.islice(rows, chunk)):
        read += len(batch)
        new += store.add_articles([a for a, _ in batch])
        store.save_analyses([analysis for _, analysis in batch if analysis is not None])
    return read, new


def _with_analysis(row: Row | IngestError) -> tuple[Article, Analysis | None] | IngestError:
    if isinstance(row, IngestError):
        return row
    analysis = carried_analysis(*row)
    return analysis if isinstance(analysis, IngestError) else (row[0], analysis)


# ---------------------------------------------------------------- reading back


def read_table(out: str, name: str) -> list[dict[str, Any]]:
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pq.read_table(Path(out, name))
    # Spark writes nanosecond timestamps, which pyarrow hands out as pandas Timestamps
    # when pandas is installed: microseconds come out as datetimes either way.
    schema = pa.schema([
        f.with_type(pa.timestamp("us", f.type.tz)) if pa.types.is_timestamp(f.type) else f for f in table.schema
    ])
    return table.cast(schema).to_pylist()


def read_dup_groups(out: str) -> list[DupAssignment]:
    return [DupAssignment(r["id"], r["group"], r["parent"], r["syndicated_from"]) for r in read_table(out, "dup_groups")]


def read_story_assignments(out: str) -> dict[str, str]:
    return {r["id"]: r["story"] for r in read_table(out, "story_articles")}


def read_stories(out: str) -> list[Story]:
    members: dict[str, list[str]] = {}
    for article, story in sorted(read_story_assignments(out).items()):
        members.setdefault(story, []).append(article)
    return [
        Story(r["story"], r["headline"], members.get(r["story"], []), list(r["sources"] or []),
              r["first_seen"], r["last_seen"])
        for r in read_table(out, "stories")
    ]
