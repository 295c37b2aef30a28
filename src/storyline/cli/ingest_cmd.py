"""``storyline ingest``, ``articles`` and ``show``."""

from __future__ import annotations

import json
import sys
from datetime import datetime
from typing import List, Optional

import typer
from rich.markup import escape

from storyline.cli.app import OutputFormat, app, console, db_option, emit, fail, id_table, progress, report_error
from storyline.engines.local import LocalEngine
from storyline.ingest import MAX_BYTES, iter_files
from storyline.ingest.normalize import parse_date
from storyline.model import Article, to_jsonable
from storyline.storage import Store


def article_summary(a: Article) -> dict:
    return {
        "id": a.id,
        "source": a.source.name,
        "domain": a.source.domain,
        "title": a.title,
        "published": a.published.isoformat() if a.published else None,
        "url": a.url,
        "chars": len(a.text),
        "file": str(a.provenance),
    }


@app.command()
def ingest(
    paths: List[str] = typer.Argument(..., help="Files or directories (read recursively); '-' reads stdin."),
    db: Optional[str] = db_option(),
    strict: bool = typer.Option(False, "--strict", help="Stop at the first error instead of going on with the batch."),
    batch_size: int = typer.Option(200, "--batch-size", min=1, help="Articles committed per transaction."),
    max_mb: int = typer.Option(MAX_BYTES // (1024 * 1024), "--max-mb", min=1, help="Largest input (after gunzip) in MiB."),
    fmt: OutputFormat = typer.Option(OutputFormat.table, "--format", help="Summary as a line (table) or as JSON."),
) -> None:
    """Read articles (text, HTML, RSS/Atom, JSON/JSONL, WARC, gzip of those) into the store.

    Idempotent: an article already stored is skipped, and a re-crawl with changed
    text is stored as a new version linked to the first. Bad input is reported one
    line per problem on stderr; the rest of the batch lands; the exit code is 1
    when anything failed.
    """
    engine = LocalEngine(Store(db), batch_size=batch_size)
    files = list(iter_files(paths))
    with progress() as bar:
        task = bar.add_task("ingesting", total=len(files))
        report = engine.ingest(files, lambda e: report_error(str(e)), strict, max_mb * 1024 * 1024, lambda n: bar.advance(task, n))
    summary = {"files": report.files, "articles": report.articles, "new": report.new, "already_stored": report.already_stored, "errors": len(report.errors)}
    if fmt is OutputFormat.table:
        console.print(
            f"{summary['articles']} articles read from {summary['files']} files: "
            f"{summary['new']} new, {summary['already_stored']} already stored, {summary['errors']} errors",
            highlight=False,
        )
    else:
        print(json.dumps(summary))
    if report.errors:
        raise typer.Exit(1)


def _date_arg(value: Optional[str], name: str) -> Optional[datetime]:
    if value is None:
        return None
    parsed = parse_date(value)
    if parsed is None:
        fail(f"{name}: cannot read {value!r} as a date")
    return parsed


@app.command()
def articles(
    db: Optional[str] = db_option(),
    source: Optional[str] = typer.Option(None, "--source", help="Only this outlet (domain or display name)."),
    since: Optional[str] = typer.Option(None, "--since", help="Published on or after this date (e.g. 2026-03-01)."),
    until: Optional[str] = typer.Option(None, "--until", help="Published on or before this date."),
    limit: Optional[int] = typer.Option(None, "--limit", min=1, help="At most this many articles."),
    fmt: OutputFormat = typer.Option(OutputFormat.table, "--format", help="table, json or jsonl."),
) -> None:
    """List stored articles in publication order (undated last)."""
    store = Store(db)
    found = store.iter_articles(source=source, since=_date_arg(since, "--since"), until=_date_arg(until, "--until"), limit=limit)
    if fmt is not OutputFormat.table:
        emit((article_summary(a) for a in found), fmt)
        return
    table = id_table("id", "published", "source", "title", ids=["id"])
    for a in found:
        table.add_row(escape(a.id), a.published.strftime("%Y-%m-%d %H:%M") if a.published else "—", escape(a.source.name), escape(a.title or ""))
    console.print(table)


@app.command()
def show(
    article_id: str = typer.Argument(..., help="Article id (a unique prefix is enough)."),
    db: Optional[str] = db_option(),
    fmt: OutputFormat = typer.Option(OutputFormat.table, "--format", help="table (readable) or json/jsonl (the stored record; analysis offsets index its text)."),
) -> None:
    """Print one article as stored."""
    article = Store(db).get_article(article_id)
    if article is None:
        fail(f"no article with id {article_id!r}")
    if fmt is not OutputFormat.table:
        sys.stdout.write(json.dumps(to_jsonable(article), ensure_ascii=False, indent=None if fmt is OutputFormat.jsonl else 2) + "\n")
        return
    console.print(f"[bold]{escape(article.title or '(no title)')}[/bold]")
    console.print(
        f"{escape(article.source.name)} · {article.published.isoformat() if article.published else 'no date'}"
        f" · {escape(article.url or 'no url')}\n[dim]{article.id} from {escape(str(article.provenance))}[/dim]\n",
        highlight=False,
    )
    console.print(escape(article.text), highlight=False)
