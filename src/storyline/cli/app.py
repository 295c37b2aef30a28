"""The Typer application objects every command module registers on."""

from __future__ import annotations

import enum
import json
import re
import sys
from typing import Any, Iterable, Sequence

import typer
from rich.console import Console
from rich.table import Column, Table

from storyline import __version__
from storyline.model import Article, IngestError, to_jsonable

app = typer.Typer(
    name="storyline",
    help="Find the articles that report the same story and write one sourced brief per story.",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode="rich",
    pretty_exceptions_enable=False,
)
eval_app = typer.Typer(help="Score a stage against labelled data.", no_args_is_help=True)
app.add_typer(eval_app, name="eval")

console = Console()
err_console = Console(stderr=True)
# Story ids are "s" and 16 hex digits, article ids 16: columns of them are kept whole
ID_WIDTH = 17


def id_table(*headers: str, ids: Sequence[str]) -> Table:
    """A table whose id columns are never wrapped or cut, however narrow the terminal: an id is what a
    reader copies into the next command. The other columns wrap instead."""
    return Table(*(Column(h, no_wrap=True, min_width=ID_WIDTH) if h in ids else h for h in headers),
                 header_style="bold")


class OutputFormat(str, enum.Enum):
    table = "table"
    json = "json"
    jsonl = "jsonl"


def emit(records: Iterable[Any], fmt: OutputFormat, wrap: str | None = None) -> None:
    """Print records as JSON lines or one JSON document (under ``wrap`` when given)."""
    if fmt is OutputFormat.jsonl:
        for r in records:
            sys.stdout.write(json.dumps(to_jsonable(r), ensure_ascii=False) + "\n")
        return
    data = [to_jsonable(r) for r in records]
    doc: Any = {wrap: data} if wrap else data
    sys.stdout.write(json.dumps(doc, ensure_ascii=False, indent=2) + "\n")


def version_callback(value: bool) -> None:
    if value:
        typer.echo(f"storyline {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    version: bool = typer.Option(
        False, "--version", callback=version_callback, is_eager=True, help="Print the version and exit."
    ),
) -> None:
    """storyline reads news articles (text, HTML, RSS/Atom, JSONL, WARC) and writes sourced briefs."""


DB_HELP = "Database: a SQLite file path or any SQLAlchemy URL (postgresql://...). Default: $STORYLINE_DB, else ./storyline.db."


def db_option() -> Any:
    return typer.Option(None, "--db", help=DB_HELP, show_default=False)


def progress(transient: bool = True) -> Any:
    """A rich progress bar on a terminal; silent when stderr is not one (pipes, CI, tests)."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    return Progress(
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err_console,
        transient=transient,
        disable=not err_console.is_terminal,
    )


def analyse_stored(engine: Any) -> int:
    """Analyse the stored articles a ``LocalEngine`` lacks analyses of, with a progress bar; each
    article that fails is one line on stderr (it stays out of the stories). Returns how many failed."""
    with progress() as bar:
        task = bar.add_task("analysing", total=len(engine.store.ids_needing_analysis(engine.analyzer.version)))
        engine.analyze(lambda n: bar.advance(task, n), on_error=lambda f: report_error(str(f)))
    return len(engine.analysis_failures)


def read_articles(paths: Sequence[str]) -> tuple[list[Article], int]:
    """The articles of the inputs, one per id, and how many records failed (each one line on stderr)."""
    from storyline.ingest import read_paths

    found: dict[str, Article] = {}
    errors = 0
    for item in read_paths(paths):
        if isinstance(item, IngestError):
            report_error(str(item))
            errors += 1
        else:
            found.setdefault(item.id, item)
    return list(found.values()), errors


def report_error(message: str) -> None:
    """One line on stderr, never wrapped, markup in ``message`` not interpreted; a reason that spans
    lines (a library's exception) is joined into one."""
    from rich.markup import escape

    one_line = re.sub(r"\s*\n\s*", " ", message.strip())
    err_console.print(f"[red]error:[/red] {escape(one_line)}", highlight=False, soft_wrap=True)


def fail(message: str, code: int = 1) -> None:
    """One clear error line and a non-zero exit."""
    report_error(message)
    raise typer.Exit(code)
