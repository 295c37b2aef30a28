"""Batch results as Parquet tables: written by the local batch run, read back for import.

A result directory holds ``dup_groups`` (id, group, parent, syndicated_from),
``story_articles`` (id, story), ``stories`` (story, headline, size, sources, first_seen,
last_seen) and ``manifest.json``. Spark writes each table as a directory of part files;
the local run writes one part file per table, so both read back the same way.
"""

from __future__ import annotations

import itertools
import json
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable, Iterator

from storyline.engines.spark import BatchReport
from storyline.engines.spark_input import analysis_of, article_of, features_of, read_records
from storyline.model import Article, DupAssignment, Story, StoryAssignment

if TYPE_CHECKING:
    from storyline.storage import Store


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


def read_batch_input(path: str) -> Iterator[tuple[Article, Any]]:
    """(article, carried analysis JSON or None) for the first row of each id, in input order."""
    seen: set[str] = set()
    for record in read_records(path):
        article = article_of(record)
        if article.id not in seen:
            seen.add(article.id)
            yield article, record.get("analysis")


def run_local_batch(input_path: str, out: str) -> BatchReport:
    """The local engine's dedup and batch clustering over the same input, written like the Spark run."""
    from storyline.cluster import cluster_features
    from storyline.dedup import find_duplicates

    report = BatchReport("local", input_path)
    started = time.perf_counter()
    articles: list[Article] = []

    def kept(rows: Iterable[tuple[Article, Any]]) -> Iterator[tuple[Article, Any]]:
        for article, analysis in rows:
            articles.append(article)
            yield article, analysis

    # cluster() is article_features per article, then cluster_features; the features are made
    # while reading, so the analyses (token lists) are never all in memory at once.
    features = list(features_of(kept(read_batch_input(input_path))))
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
    Path(out, "manifest.json").write_text(json.dumps(report.manifest(), indent=2) + "\n", encoding="utf-8")
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


def import_input(store: "Store", path: str, chunk: int = 500) -> tuple[int, int]:
    """Store the batch input's articles and carried analyses: (articles read, new)."""
    read = new = 0
    rows = read_batch_input(path)
    while batch := list(itertools.islice(rows, chunk)):
        read += len(batch)
        new += store.add_articles([a for a, _ in batch])
        store.save_analyses([x for a, value in batch if (x := analysis_of({"analysis": value}, a.id)) is not None])
    return read, new


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
