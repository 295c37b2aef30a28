"""``storyline eval quotes``: direct quotations and their speakers against PolNeAR attributions."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Optional

import typer

from storyline.cli.app import OutputFormat, err_console, eval_app
from storyline.eval.quotes import evaluate, format_table


@eval_app.command("quotes")
def eval_quotes(
    split: str = typer.Option("dev", "--split", help="train, dev or test."),
    data: Optional[Path] = typer.Option(None, "--data", help="PolNeAR folder (default ../shared/data/polnear)."),
    limit: Optional[int] = typer.Option(None, "--limit", min=1, help="Articles to read, for a quick run."),
    fmt: OutputFormat = typer.Option(OutputFormat.table, "--format", help="table or json."),
) -> None:
    """Precision, recall, 80% coverage and speaker accuracy of quotes (rules tuned on train only)."""
    try:
        scores = evaluate(split, data, limit)
    except FileNotFoundError as e:
        err_console.print(f"[red]{e}[/red]")
        raise typer.Exit(2)
    if fmt is OutputFormat.table:
        typer.echo(format_table([scores]))
    else:
        json.dump(scores.as_dict(), sys.stdout, indent=2)
        sys.stdout.write("\n")
