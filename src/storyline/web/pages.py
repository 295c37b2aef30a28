"""The newsroom pages, rendered on the server."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, HTTPException, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse

from storyline.web import queries, render, views
from storyline.web.api import uploaded_files
from storyline.web.jobs import BUSY, Busy
from storyline.web.security import same_origin
from storyline.web.service import BadInput, make_filters

PAGE_SIZE = 20
RECENT_JOBS = 10  # uploads listed under the form

router = APIRouter(include_in_schema=False)


def page(request: Request, template: str, status: int = 200, **context: Any) -> HTMLResponse:
    return request.app.state.templates.TemplateResponse(request, template, context, status_code=status)


def _int(value: str | None, default: int, high: int = 10**9) -> int:
    try:
        return min(max(int(value or default), 0), high)
    except ValueError:
        return default


def pager(request: Request, total: int, offset: int, limit: int) -> dict:
    """Links to the previous and next pages, keeping the other query parameters."""
    params = {k: v for k, v in request.query_params.items() if k != "offset" and v}

    def link(o: int) -> str:
        return "?" + urlencode({**params, "offset": o}) if o else "?" + urlencode(params)

    if total and offset >= total:  # past the end (a stale link): nothing here, a way back to the last page
        return {"prev": link((total - 1) // limit * limit), "next": None, "first": 0, "last": 0, "total": total}
    return {
        "prev": link(max(offset - limit, 0)) if offset > 0 else None,
        "next": link(offset + limit) if offset + limit < total else None,
        "first": offset + 1 if total else 0,
        "last": min(offset + limit, total),
        "total": total,
    }


@router.get("/", response_class=HTMLResponse)
def story_list(request: Request) -> HTMLResponse:
    p = request.query_params
    form = {k: p.get(k, "")[:200] for k in ("q", "entity", "source", "since", "until")}
    sort = p.get("sort") if p.get("sort") in queries.STORY_ORDERS else "size"
    offset = _int(p.get("offset"), 0)
    store = request.app.state.newsroom.store
    try:
        f = make_filters(**form)
    except BadInput as e:
        return page(request, "stories.html", 400, form=form, sort=sort, error=str(e), stories=[], cover={}, pages=pager(request, 0, 0, PAGE_SIZE))
    found = queries.find_stories(store, f, sort, PAGE_SIZE, offset)
    cover = {sid: (render.coverage_bar(c), c) for sid, c in queries.coverage(store, [s.id for s in found.items]).items()}
    return page(request, "stories.html", form=form, sort=sort, error=None, stories=found.items, cover=cover, pages=pager(request, found.total, offset, PAGE_SIZE))


@router.get("/stories/{story_id}", response_class=HTMLResponse)
def story_page(request: Request, story_id: str) -> HTMLResponse:
    room = request.app.state.newsroom
    story = room.store.get_story(story_id)
    if story is None:
        raise HTTPException(404, "no such story")
    brief, error = room.brief(story_id)
    view = views.story_view(room.store, story, brief, error)
    return page(request, "story.html", v=view)


@router.get("/articles/{article_id:path}", response_class=HTMLResponse)
def article_page(request: Request, article_id: str) -> HTMLResponse:
    room = request.app.state.newsroom
    found = room.article(article_id)
    if found is None:
        raise HTTPException(404, "no such article")
    return page(request, "article.html", v=views.article_view(room.store, *found))


@router.get("/sources", response_class=HTMLResponse)
def source_list(request: Request) -> HTMLResponse:
    offset = _int(request.query_params.get("offset"), 0)
    found = queries.list_sources(request.app.state.newsroom.store, 50, offset)
    return page(request, "sources.html", sources=found.items, pages=pager(request, found.total, offset, 50))


@router.get("/sources/{name:path}", response_class=HTMLResponse)
def source_page(request: Request, name: str) -> HTMLResponse:
    store = request.app.state.newsroom.store
    stats = queries.source_stats(store, name)
    if stats is None:
        raise HTTPException(404, "no such outlet")
    offset = _int(request.query_params.get("offset"), 0)
    found = queries.source_stories(store, name, PAGE_SIZE, offset)
    return page(request, "source.html", s=stats, stories=found.items, pages=pager(request, found.total, offset, PAGE_SIZE))


def ingest_page(request: Request, status: int = 200, error: str | None = None) -> HTMLResponse:
    """The upload form. The latest uploads are listed only on a server without a token: their file names
    and errors are the uploaders' business, and reading needs no token (a job's own page needs its id)."""
    recent = [] if request.app.state.tokens.auth else request.app.state.newsroom.jobs.recent(RECENT_JOBS)
    return page(request, "ingest.html", status, outcome=None, error=error, recent=recent)


@router.get("/ingest", response_class=HTMLResponse)
def ingest_form(request: Request) -> HTMLResponse:
    return ingest_page(request)


@router.post("/ingest", response_class=HTMLResponse)
async def ingest_submit(request: Request) -> HTMLResponse:
    if not same_origin(request):
        return ingest_page(request, 403, "this form only accepts posts from this site")
    room = request.app.state.newsroom
    if room.jobs.full:  # before the upload is read
        return ingest_page(request, 503, BUSY)
    form = await request.form()
    try:
        token = form.get("token")
        request.app.state.tokens.require(token if isinstance(token, str) and token else None)
        job_id = await run_in_threadpool(room.submit_files, await uploaded_files(request))
    except HTTPException as e:
        return ingest_page(request, e.status_code, e.detail)
    except Busy as e:
        return ingest_page(request, 503, str(e))
    return RedirectResponse(f"/ingest/jobs/{job_id}", 303)  # the job's page, which a reload updates


@router.get("/ingest/jobs/{job_id}", response_class=HTMLResponse)
def ingest_job(request: Request, job_id: str) -> HTMLResponse:
    job = request.app.state.newsroom.jobs.get(job_id)
    if job is None:
        raise HTTPException(404, "no such upload")
    return page(request, "ingest.html", job=job, outcome=job.outcome, error=job.error)


@router.get("/docs", response_class=HTMLResponse)
def docs(request: Request) -> HTMLResponse:
    """The API reference from the OpenAPI schema, with no external assets."""
    schema = request.app.openapi()
    ops = [
        {
            "method": method.upper(),
            "path": path,
            "summary": op.get("summary", ""),
            "params": [(p["name"], p["in"], p.get("description", ""), p.get("required", False)) for p in op.get("parameters", [])],
            "body": list(op.get("requestBody", {}).get("content", {})),
        }
        for path, methods in schema.get("paths", {}).items()
        for method, op in methods.items()
    ]
    return page(request, "docs.html", ops=ops)
