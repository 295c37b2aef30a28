"""``storyline dedup``: near-duplicate groups and wire-service copies."""

from __future__ import annotations

from typing import List, Optional

import typer
from rich.markup import escape

from storyline.cli.app import OutputFormat, app, console, db_option, emit, id_table, read_articles
from storyline.dedup import MemoryIndex, find_duplicates
from storyline.model import Article, DupAssignment


def _from_files(paths: list[str]) -> tuple[list[DupAssignment], dict[str, Article], int]:
    """Assignments for the articles in the files, the articles by id, and how many inputs failed."""
    articles, errors = read_articles(paths)
    return find_duplicates(articles, MemoryIndex()), {a.id: a for a in articles}, errors


def _from_store(db: Optional[str]) -> tuple[list[DupAssignment], dict[str, Article]]:
    """Every stored article's group, once those not grouped yet are compared with the stored band index."""
    from storyline.engines.local import LocalEngine
    from storyline.storage import Store

    store = Store(db)
    LocalEngine(store).dedup()
    assigned = list(store.get_dup_groups().values())
    return assigned, {a.id: a for a in store.get_articles(d.id for d in assigned)}


def _table(assigned: list[DupAssignment], articles: dict[str, Article]) -> None:
    table = id_table("id", "group", "parent", "wire", "source", "title", ids=["id", "group", "parent"])
    for d in sorted(assigned, key=lambda d: (d.group, d.id != d.parent, d.id)):
        a = articles.get(d.id)
        table.add_row(
            escape(d.id),
            escape(d.group),
            "" if d.parent == d.id else escape(d.parent),
            d.syndicated_from or "",
            escape(a.source.name) if a else "",
            escape((a.title or "") if a else ""),
        )
    console.print(table)
    groups = {d.group for d in assigned}
    console.print(f"{len(assigned)} articles in {len(groups)} groups", highlight=False)


@app.command()
def dedup(
    paths: Optional[List[str]] = typer.Argument(
        None, help="Files or directories to read (JSONL with id, title, text, published, source; or any ingest format). Without them: the store."
    ),
    db: Optional[str] = db_option(),
    fmt: OutputFormat = typer.Option(OutputFormat.table, "--format", help="table, json or jsonl."),
) -> None:
    """Group near-duplicate articles (reprints, trimmed or re-headlined copies) and name wire copies.

    Prints one record per article: id, group (the id of the group's earliest
    copy), parent and syndicated_from (AP, Reuters, AFP, ... when the text is a
    wire story). Without PATHS, articles in the store that have no group yet are
    compared with the stored index and their groups saved; then every stored
    article is printed.
    """
    errors = 0
    if paths:
        assigned, articles, errors = _from_files(paths)
    else:
        assigned, articles = _from_store(db)
    records = [{"id": d.id, "group": d.group, "parent": d.parent, "syndicated_from": d.syndicated_from} for d in assigned]
    if fmt is OutputFormat.table:
        _table(assigned, articles)
    else:
        emit(records, fmt)
    if errors:
        raise typer.Exit(1)
