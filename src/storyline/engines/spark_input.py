"""Batch input records (JSONL or Parquet rows) as ``Article`` and ``Analysis`` records.

Both batch engines (``--engine spark`` and ``--engine local``) build their records here,
so the same row gives the same article id, source, date and analysis in either.
A row has ``id``, ``title``, ``text``, ``published``, ``source``, ``url`` and optionally
``byline`` and ``analysis`` (a JSON object or string: ``to_jsonable(Analysis)``).
"""

from __future__ import annotations

import itertools
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable, Iterator, Mapping

from storyline.ingest.normalize import clean_inline, make_source, normalize_url, parse_date
from storyline.model import Analysis, Article, Provenance, from_jsonable, to_jsonable

if TYPE_CHECKING:
    from storyline.cluster import ArticleFeatures

FIELDS = ("id", "title", "text", "published", "source", "url", "byline", "analysis")


def article_of(record: Mapping[str, Any], file: str = "batch") -> Article:
    """The article of one input row; the row's ``id`` is kept when it has one."""
    source = record.get("source")
    url = normalize_url(record.get("url") or None)
    title = record.get("title")
    byline = record.get("byline")
    return Article(
        text=record.get("text") or title or "",
        title=clean_inline(title) if title else None,
        url=url,
        source=make_source(source.get("name"), url, source.get("domain")) if isinstance(source, dict)
        else make_source(str(source) if source else None, url),
        published=parse_date(record.get("published")),
        byline=clean_inline(byline) if byline else None,
        provenance=Provenance(file, f"id {record.get('id')}" if record.get("id") else None),
        id=str(record.get("id") or ""),
    )


def analysis_of(record: Mapping[str, Any], article_id: str) -> Analysis | None:
    """The precomputed analysis carried by a row, re-keyed to the article id; None when absent."""
    value = record.get("analysis")
    if value in (None, ""):
        return None
    data = dict(json.loads(value) if isinstance(value, str) else value)
    data["article_id"] = article_id
    return from_jsonable(Analysis, data)


def features_of(rows: Iterable[tuple[Article, Any]], chunk: int = 64) -> Iterator["ArticleFeatures"]:
    """Clustering features of (article, carried analysis or None) rows, in order.

    Analyses are parsed a chunk at a time and dropped once the features are made, so
    memory holds features, not token lists; spaCy loads once, only if a row carries no
    analysis (in Spark: once per partition).
    """
    from storyline.cluster import article_features

    analyzer = None
    rows = iter(rows)
    while batch := list(itertools.islice(rows, chunk)):
        carried = [analysis_of({"analysis": value}, article.id) for article, value in batch]
        missing = [article for (article, _), analysis in zip(batch, carried) if analysis is None]
        if missing and analyzer is None:
            from storyline.analyze import Analyzer

            analyzer = Analyzer()
        made = iter(analyzer.pipe(missing)) if analyzer and missing else iter(())
        for (article, _), analysis in zip(batch, carried):
            yield article_features(article, analysis or next(made))


def record_of(article: Article, analysis: Analysis | None = None) -> dict[str, Any]:
    """The input row of an article (what ``article_of`` reads back): for writing test and benchmark inputs."""
    return {
        "id": article.id,
        "title": article.title,
        "text": article.text,
        "published": article.published.isoformat() if article.published else None,
        "source": article.source.name,
        "url": article.url,
        "byline": article.byline,
        "analysis": json.dumps(to_jsonable(analysis)) if analysis is not None else None,
    }


def is_parquet(path: str) -> bool:
    p = Path(path)
    return p.suffix == ".parquet" or (p.is_dir() and any(p.glob("*.parquet")))


def read_records(path: str) -> Iterator[dict[str, Any]]:
    """Rows of a local JSONL file or Parquet file/directory (the local engine's reader)."""
    if is_parquet(path):
        import pyarrow.parquet as pq

        yield from pq.read_table(path).to_pylist()
        return
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                yield json.loads(line)
