"""``storyline serve``: the newsroom web app and HTTP API."""

from __future__ import annotations

import os
import secrets
from typing import Optional

import typer

from storyline.cli.app import app, db_option, err_console, fail


@app.command()
def serve(
    db: Optional[str] = db_option(),
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on."),
    port: int = typer.Option(8000, "--port", min=1, max=65535, help="Port to listen on."),
    no_auth: bool = typer.Option(False, "--no-auth", help="Let anyone write (ingest) without a token; loopback hosts only."),
) -> None:
    """Serve the story list, briefs, articles, outlets, an upload form and the JSON API (/docs).

    Writes need the token in $STORYLINE_TOKEN (sent as 'Authorization: Bearer ...',
    or typed into the upload form); without one, a token is made up and printed.
    """
    from storyline.web.app import TOKEN_ENV, create_app
    from storyline.web.security import is_loopback

    if no_auth and not is_loopback(host):
        fail(f"--no-auth is only allowed on a loopback address (127.0.0.1, ::1, localhost), not {host!r}: anyone who can reach it could write to the store")
    token = None
    if not no_auth:
        token = os.environ.get(TOKEN_ENV) or secrets.token_urlsafe(24)
        if TOKEN_ENV not in os.environ:
            err_console.print(f"write token (set {TOKEN_ENV} to choose one): {token}", highlight=False, soft_wrap=True)
    import uvicorn

    uvicorn.run(create_app(db, token, auth=not no_auth), host=host, port=port, log_level="warning", server_header=False)
