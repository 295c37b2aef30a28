"""``storyline serve``: the newsroom web app and HTTP API."""

from __future__ import annotations

import json
import os
import secrets
from typing import TYPE_CHECKING, Optional

import typer

from storyline.cli.app import app, db_option, err_console, fail

if TYPE_CHECKING:
    from fastapi import FastAPI


@app.command()
def serve(
    db: Optional[str] = db_option(),
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on."),
    port: int = typer.Option(8000, "--port", min=1, max=65535, help="Port to listen on."),
    no_auth: bool = typer.Option(False, "--no-auth", help="Let anyone write (ingest) without a token; loopback hosts only."),
    workers: int = typer.Option(1, "--workers", min=1, help="Server processes; one per core serves more readers at once."),
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
        if not os.environ.get(TOKEN_ENV):  # unset or empty: the made-up token must be shown
            err_console.print(f"write token (set {TOKEN_ENV} to choose one): {token}", highlight=False, soft_wrap=True)
    import uvicorn

    options = dict(host=host, port=port, log_level="warning", server_header=False)
    if workers == 1:
        uvicorn.run(create_app(db, token, auth=not no_auth), **options)
        return
    # Worker processes build the app themselves, from the environment.
    os.environ[APP_ENV] = json.dumps({"db": db, "token": token, "auth": not no_auth})
    uvicorn.run("storyline.cli.serve_cmd:app_from_environment", factory=True, workers=workers, **options)


APP_ENV = "STORYLINE_SERVE_CONFIG"


def app_from_environment() -> "FastAPI":
    from storyline.web.app import create_app

    config = json.loads(os.environ[APP_ENV])
    return create_app(config["db"], config["token"], auth=config["auth"])
