"""``storyline brief`` (the whole pipeline in one go) and ``storyline stories``."""

from __future__ import annotations

import enum
import sys
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator, List, Optional

import typer
from rich.markup import escape
from rich.table import Table

from storyline.cli.app import (
    OutputFormat, analyse_stored, app, console, db_option, emit, err_console, fail, id_table, report_error,
)
from storyline.engines.local import LocalEngine
from storyline.model import Story
from storyline.storage import Store


class BriefFormat(str, enum.Enum):
    terminal = "terminal"
    markdown = "markdown"
    html = "html"
    json = "json"


class Timings:
    """Wall time per stage, printed with --timings."""

    def __init__(self) -> None:
        self.stages: list[tuple[str, float]] = []
        self.start = time.perf_counter()

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        t = time.perf_counter()
        yield
        self.stages.append((name, time.perf_counter() - t))

    def print(self) -> None:
        table = Table("stage", "seconds", title="time by stage", title_justify="left")
        for name, seconds in self.stages:
            table.add_row(name, f"{seconds:.2f}")
        table.add_row("total", f"{time.perf_counter() - self.start:.2f}")
        err_console.print(table)


@app.command()
def brief(
    paths: List[str] = typer.Argument(None, help="Inputs to ingest first (files, directories, '-'); without them, the stored stories are briefed."),
    db: Optional[str] = db_option(),
    story: Optional[str] = typer.Option(None, "--story", help="Brief only this stored story."),
    fmt: BriefFormat = typer.Option(BriefFormat.terminal, "--format", help="terminal (rich), markdown, html (one self-contained file) or json (see brief/schema.json)."),
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="Write to this file instead of stdout."),
    min_articles: int = typer.Option(1, "--min-articles", min=1, help="Skip stories with fewer articles."),
    processes: int = typer.Option(1, "--processes", "-j", min=1, help="Analysis worker processes, each running spaCy and the extractors."),
    timings: bool = typer.Option(False, "--timings", help="Print the time each stage took (on stderr)."),
) -> None:
    """Write one sourced brief per story: agreed facts counted by independent publisher,
    facts only some sources report, typed contradictions with each claim's exact text,
    quote variants with their differences, and a timeline.

    With PATHs, runs ingest, analysis, dedup, clustering and comparison in one go on the
    store (by default the embedded ./storyline.db) and briefs the stories those inputs
    belong to. The exit code is 1 when any input could not be read.
    """
    from storyline.brief import render

    clock = Timings()
    engine = LocalEngine(Store(db), processes=processes)
    failed = False
    wanted: set[str] | None = None
    if paths:
        with clock.stage("ingest"):
            report = engine.ingest(paths, lambda e: report_error(str(e)))
        with clock.stage("analyze"):
            failed = bool(report.errors) | bool(analyse_stored(engine))
        with clock.stage("dedup"):
            engine.dedup()
        with clock.stage("cluster"):
            engine.cluster(leave_out=[f.article_id for f in engine.analysis_failures])
        wanted = set(report.ids)
    with clock.stage("compare + brief"):
        if story:
            found = engine.store.get_story(story)
            if found is None:
                fail(f"no story with id {story!r}")
            stories = [found]
        else:
            stories = engine.store.list_stories()
        stories = [s for s in stories if s.size >= min_articles and (wanted is None or wanted & set(s.article_ids))]
        briefs = [b for s in stories if (b := engine.brief(s.id)) is not None]
    with clock.stage("render"):
        text = render(briefs, fmt.value)
    if output:
        output.write_text(text, encoding="utf-8")
    elif fmt is BriefFormat.terminal:
        sys.stdout.write(text)
    else:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
    if timings:
        clock.print()
    if failed:
        raise typer.Exit(1)


def story_summary(s: Story) -> dict:
    return {
        "id": s.id,
        "headline": s.headline,
        "size": s.size,
        "outlets": s.sources,
        "first_seen": s.first_seen.isoformat() if s.first_seen else None,
        "last_seen": s.last_seen.isoformat() if s.last_seen else None,
    }


class StoryOrder(str, enum.Enum):
    size = "size"
    recent = "recent"


@app.command()
def stories(
    db: Optional[str] = db_option(),
    sort: StoryOrder = typer.Option(StoryOrder.size, "--sort", help="size (largest first) or recent (latest first)."),
    limit: Optional[int] = typer.Option(None, "--limit", min=1, help="At most this many stories."),
    fmt: OutputFormat = typer.Option(OutputFormat.table, "--format", help="table, json or jsonl."),
) -> None:
    """List the stored stories with headline, size, outlets, first seen and last seen."""
    found = Store(db).list_stories(limit=limit, order=sort.value)
    if fmt is not OutputFormat.table:
        emit((story_summary(s) for s in found), fmt)
        return
    table = id_table("story", "size", "headline", "outlets", "first seen", "last seen", ids=["story"])
    for s in found:
        table.add_row(
            s.id, str(s.size), escape(s.headline), escape(", ".join(s.sources)),
            s.first_seen.strftime("%Y-%m-%d %H:%M") if s.first_seen else "—",
            s.last_seen.strftime("%Y-%m-%d %H:%M") if s.last_seen else "—",
        )
    console.print(table)
