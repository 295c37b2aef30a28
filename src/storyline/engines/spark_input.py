"""Batch input records (JSONL or Parquet rows) as ``Article`` and ``Analysis`` records.

Both batch engines (``--engine spark`` and ``--engine local``) build their records here,
so the same row gives the same article id, source, date and analysis in either, and the
same row fails in either with the same reason.
A row has ``id``, ``title``, ``text``, ``published``, ``source``, ``url`` and optionally
``byline`` and ``analysis`` (a JSON object or string: ``to_jsonable(Analysis)``).

A row that cannot be read or analysed becomes an ``IngestError`` (file, ``record ID`` or
``line N``, reason) instead of an article: bad rows are normal input, the rest of the
batch goes on without them.
"""

from __future__ import annotations

import itertools
import json
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable, Iterator, Mapping
from urllib.parse import unquote, urlsplit

from storyline.ingest.normalize import clean_body, clean_inline, make_source, normalize_url, parse_date, storable
from storyline.model import Analysis, Article, IngestError, Provenance, from_jsonable, to_jsonable

if TYPE_CHECKING:
    from storyline.cluster import ArticleFeatures

FIELDS = ("id", "title", "text", "published", "source", "url", "byline", "analysis")
TEXT_FIELDS = ("title", "text", "url", "byline")

Row = tuple[Article, Any]  # an article and the analysis its row carries (None, a JSON string or object)


def article_of(record: Mapping[str, Any], file: str, locator: str | None) -> Article:
    """The article of one input row, read from ``file`` at ``locator``; the row's ``id`` is kept when it has one.

    Raises ``ValueError`` naming the field when a value has a type no article field takes.
    """
    _check_types(record)
    record = {k: storable(v) if k in (*TEXT_FIELDS, "id", "source") and isinstance(v, str) else v for k, v in record.items()}  # as ingest does
    source = record.get("source")
    if isinstance(source, dict):
        source = {k: storable(v) if isinstance(v, str) else v for k, v in source.items()}
    url = normalize_url(record.get("url") or None)
    title = record.get("title")
    byline = record.get("byline")
    published = parse_date(record.get("published"))
    if record.get("published") not in (None, "") and published is None:
        raise ValueError(f"unreadable date {str(record.get('published'))[:60]!r}")
    return Article(
        # the body as ``storyline ingest`` stores it, so that both give a row the same id
        text=clean_body(record.get("text") or title or ""),
        title=clean_inline(title) if title else None,
        url=url,
        source=make_source(source.get("name"), url, source.get("domain")) if isinstance(source, dict)
        else make_source(str(source) if source else None, url),
        published=published,
        byline=clean_inline(byline) if byline else None,
        provenance=Provenance(file, locator),
        id=str(record.get("id") or ""),
    )


def _check_types(record: Mapping[str, Any]) -> None:
    for name in TEXT_FIELDS:
        _expect(name, record.get(name), str)
    _expect("id", record.get("id"), str, int)
    _expect("published", record.get("published"), str, int, float, date)  # Parquet timestamps: datetime
    source = record.get("source")
    if isinstance(source, dict):
        for name in ("name", "domain"):
            _expect(f"source.{name}", source.get(name), str)
    else:
        _expect("source", source, str, dict)


def _expect(name: str, value: Any, *types: type) -> None:
    if value is not None and (isinstance(value, bool) or not isinstance(value, types)):
        wanted = " or ".join(_kind(t) for t in types)
        raise ValueError(f"{name} is {_kind(type(value))}, not {wanted}")


def _kind(t: type) -> str:
    return {str: "a string", int: "an integer", float: "a number", dict: "an object", list: "a list",
            bool: "a boolean", date: "a date"}.get(t, t.__name__)


def locator_of(record: Any, where: str | None = None) -> str | None:
    """``record ID`` when the row has a usable id, else ``where`` (its line or row number)."""
    rid = record.get("id") if isinstance(record, Mapping) else None
    if isinstance(rid, (str, int)) and not isinstance(rid, bool) and str(rid):
        return f"record {rid}"
    return where


def read_row(record: bytes | str | Mapping[str, Any], file: str, where: str) -> Row | IngestError:
    """(article, carried analysis) of one row, a JSON line (UTF-8) or a Parquet row; or why it cannot be read.

    ``where`` is the row's line or row number, named when the row has no id.
    """
    try:
        if isinstance(record, (bytes, str)):
            record = _json_object(record, "the line")
        return article_of(record, file, locator_of(record, where)), record.get("analysis")
    except Exception as e:  # any value a row can hold must fail that row only
        return IngestError(file, locator_of(record, where), _reason(e))


def _json_object(text: bytes | str, what: str) -> dict[str, Any]:
    try:
        value = json.loads(text)
    except ValueError as e:
        raise ValueError(f"{what} is not valid JSON: {e}") from None
    if not isinstance(value, dict):
        raise ValueError(f"{what} is {_kind(type(value))}, not a JSON object")
    return value


def _reason(e: Exception) -> str:
    return str(e) if isinstance(e, ValueError) else f"{type(e).__name__}: {e}"


def analysis_of(value: Any, article_id: str) -> Analysis | None:
    """The precomputed analysis a row carries (its ``analysis`` value), re-keyed to the article id; None when absent.

    Raises ``ValueError`` when the value is not the JSON of an ``Analysis``.
    """
    if value in (None, ""):
        return None
    data = _json_object(value, "analysis") if isinstance(value, str) else value
    if not isinstance(data, dict):
        raise ValueError(f"analysis is {_kind(type(data))}, not a JSON object")
    try:
        return from_jsonable(Analysis, {**data, "article_id": article_id})
    except Exception as e:
        raise ValueError(f"analysis is not an Analysis: {type(e).__name__}: {e}") from None


def failure_of(article: Article, reason: str) -> IngestError:
    return IngestError(article.provenance.file, article.provenance.locator, reason)


def features_of(
    rows: Iterable[Row | IngestError], chunk: int = 64
) -> Iterator[tuple[Article, "ArticleFeatures"] | IngestError]:
    """(article, clustering features) per row, in order; a row that fails (or failed to read) as its ``IngestError``.

    Analyses are parsed a chunk at a time and dropped once the features are made, so
    memory holds features, not token lists; spaCy loads once, only if a row carries no
    analysis (in Spark: once per partition).
    """
    analyzer = None
    rows = iter(rows)
    while batch := list(itertools.islice(rows, chunk)):
        carried = [row if isinstance(row, IngestError) else carried_analysis(*row) for row in batch]
        missing = [row[0] for row, analysis in zip(batch, carried) if analysis is None]
        made: dict[str, Analysis] = {}
        failed: dict[str, str] = {}
        if missing:
            if analyzer is None:
                from storyline.analyze import Analyzer

                analyzer = Analyzer()
            for analysis in analyzer.pipe(missing, on_error=lambda f: failed.setdefault(f.article_id, f.reason)):
                made[analysis.article_id] = analysis
        for row, analysis in zip(batch, carried):
            if analysis is None:
                article = row[0]
                analysis = made.get(article.id) or failure_of(article, f"analysis failed: {failed.get(article.id)}")
            yield analysis if isinstance(analysis, IngestError) else _featured(row[0], analysis)


def carried_analysis(article: Article, value: Any) -> Analysis | IngestError | None:
    """The analysis a row carries (None when it carries none), or why it is malformed."""
    try:
        return analysis_of(value, article.id)
    except ValueError as e:
        return failure_of(article, str(e))


def _featured(article: Article, analysis: Analysis) -> tuple[Article, "ArticleFeatures"] | IngestError:
    from storyline.cluster import article_features

    try:
        return article, article_features(article, analysis)
    except Exception as e:  # a carried analysis whose spans do not fit the text
        return failure_of(article, f"features failed: {type(e).__name__}: {e}")


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


def local_name(uri: str) -> str:
    """A ``file:`` URI as the path it names (as the local engine names files); other URIs unchanged."""
    parts = urlsplit(uri)
    return unquote(parts.path) if parts.scheme == "file" else uri


def is_parquet(path: str) -> bool:
    p = Path(path)
    return p.suffix == ".parquet" or (p.is_dir() and any(p.glob("*.parquet")))


def read_records(path: str) -> Iterator[tuple[bytes | dict[str, Any], str]]:
    """(row, "line N" or "row N") of a local JSONL file or Parquet file/directory (the local engine's reader).

    JSON lines come as bytes, for ``read_row`` to decode and parse: a line that is not
    UTF-8 JSON fails alone.
    """
    if is_parquet(path):
        import pyarrow.parquet as pq

        for n, row in enumerate(pq.read_table(path).to_pylist(), 1):
            yield row, f"row {n}"
        return
    with open(path, "rb") as f:
        for n, line in enumerate(f, 1):
            if line.strip():
                yield line.rstrip(b"\r\n"), f"line {n}"  # as Spark's reader gives lines
