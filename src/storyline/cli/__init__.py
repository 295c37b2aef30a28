"""Command-line interface: ``storyline COMMAND``. One module per pipeline stage registers its commands."""

from storyline.cli.app import app

# Importing a module registers its commands on ``app``.
from storyline.cli import analyze_cmd, batch_cmd, brief_cmd, cluster_cmd, dedup_cmd, eval_quotes_cmd, eval_timex_cmd, ingest_cmd, serve_cmd  # noqa: E402,F401


def main() -> None:
    app()
