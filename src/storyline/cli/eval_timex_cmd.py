"""``storyline eval timex``: time expressions against TimeML gold (TBAQ-cleaned)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Optional

import typer

from storyline.cli.app import OutputFormat, err_console, eval_app
from storyline.eval.timex import (
    PROTOCOL_NOTE,
    default_data_path,
    evaluate,
    format_table,
    split_aquaint,
    summarise,
)


@eval_app.command("timex")
def eval_timex(
    data: Optional[Path] = typer.Option(None, "--data", help="TBAQ-cleaned folder (default ../shared/data/tbaq_cleaned)."),
    limit: Optional[int] = typer.Option(None, "--limit", min=1, help="Files per sub-corpus, for a quick run."),
    fmt: OutputFormat = typer.Option(OutputFormat.table, "--format", help="table or json."),
) -> None:
    """Strict, relaxed and value F1 (TempEval-3 definitions) per sub-corpus and combined.

    Rules were developed on TimeBank and AQUAINT-dev; AQUAINT-test is the held-out figure.
    """
    path = data or default_data_path()
    if not path.is_dir():
        err_console.print(f"[red]no TimeML data at {path}[/red]")
        raise typer.Exit(2)
    table = summarise(split_aquaint(evaluate(path, limit=limit)))
    if fmt is OutputFormat.table:
        typer.echo(format_table(table))
        typer.echo(PROTOCOL_NOTE)
    else:
        json.dump({name: c.as_dict() for name, c in table.items()}, sys.stdout, indent=2)
        sys.stdout.write("\n")
