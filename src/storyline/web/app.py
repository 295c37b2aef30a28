"""The FastAPI application: server-rendered newsroom pages plus a JSON API, nothing loaded from elsewhere."""

from __future__ import annotations

import os
from contextlib import asynccontextmanager
from importlib import resources
from typing import Any, AsyncIterator

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, FileSystemLoader
from starlette.exceptions import HTTPException as StarletteHTTPException

from storyline import __version__
from storyline.storage import Store
from storyline.web import api, pages, render
from storyline.web.security import ASGIApp, GuardMiddleware, TokenCheck, is_api_path
from storyline.web.service import Newsroom

TOKEN_ENV = "STORYLINE_TOKEN"
HERE = resources.files("storyline.web")


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    yield
    app.state.newsroom.jobs.close()  # uploads not started are dropped, and their pages say so


def create_app(store_url: str | None = None, token: str | None = None, auth: bool = True) -> FastAPI:
    """The app over one store; writes need ``token`` (else $STORYLINE_TOKEN) unless ``auth`` is off."""
    app = FastAPI(
        lifespan=_lifespan,
        title="storyline",
        version=__version__,
        description="Stories, briefs and articles from the storyline store.",
        docs_url=None,  # FastAPI's docs pages load from a CDN; /docs is served by pages.docs
        redoc_url=None,
        openapi_url="/openapi.json",
    )
    app.state.newsroom = Newsroom(Store(store_url))
    app.state.tokens = TokenCheck(token or os.environ.get(TOKEN_ENV) or None, auth)
    env = Environment(loader=FileSystemLoader(str(HERE / "templates")), autoescape=True)
    env.globals.update(auth=auth, chip=render.chip, when=render.when)
    env.filters["timex"] = render.timex_label
    env.filters["segment"] = render.segment
    app.state.templates = Jinja2Templates(env=env)
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")
    app.include_router(api.router)
    app.include_router(pages.router)
    app.add_middleware(GuardMiddleware, loopback_only=not auth)
    app.add_middleware(HeadAsGet)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _invalid_request)
    return app


class HeadAsGet:
    """HEAD answered as GET without the body: FastAPI routes list GET only, and link checkers and
    ``curl -I`` ask with HEAD. The headers, Content-Length included, are the GET's."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http" or scope["method"] != "HEAD":
            await self.app(scope, receive, send)
            return

        async def without_body(message: dict) -> None:
            await send({**message, "body": b""} if message["type"] == "http.response.body" else message)

        await self.app({**scope, "method": "GET"}, receive, without_body)


async def _http_error(request: Request, exc: StarletteHTTPException) -> Response:
    if is_api_path(request.url.path):
        return JSONResponse({"detail": exc.detail}, exc.status_code, headers=exc.headers)
    return request.app.state.templates.TemplateResponse(
        request, "error.html", {"status": exc.status_code, "message": exc.detail}, status_code=exc.status_code
    )


async def _invalid_request(request: Request, exc: RequestValidationError) -> Response:
    """422 with one readable line per problem: 'query.limit: Input should be less than or equal to 100'."""
    problems = [f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors()]
    return JSONResponse({"detail": "; ".join(problems), "errors": problems}, 422)
