"""Command-line interface: ``storyline COMMAND``. One module per pipeline stage registers its commands."""

from storyline.cli.app import app

# Importing a module registers its commands on ``app``.
from storyline.cli import analyze_cmd, batch_cmd, brief_cmd, cluster_cmd, dedup_cmd, eval_quotes_cmd, eval_timex_cmd, ingest_cmd, serve_cmd  # noqa: E402,F401


def main() -> None:
    """``app``, with the errors a user's paths and store URL cause as one line each, not a traceback."""
    from sqlalchemy.exc import OperationalError

    from storyline.cli.app import report_error

    try:
        app()
    except OSError as e:  # an output file in a missing folder, a results folder that is not there
        report_error(f"{e.filename}: {e.strerror}" if e.filename and e.strerror else str(e))
        raise SystemExit(1) from None
    except OperationalError as e:  # --db naming a file in a missing folder, a server that does not answer, a lock
        report_error(f"the store ({e.orig.__class__.__name__}): {e.orig}")
        raise SystemExit(1) from None
