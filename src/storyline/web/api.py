"""The JSON API under /api: read stories, briefs, articles and outlets; post articles."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse

from storyline.model import Article, Story, to_jsonable
from storyline.web import queries
from storyline.web.jobs import BUSY, Busy
from storyline.web.security import same_origin
from storyline.web.service import BadInput, Newsroom, make_filters

MAX_LIMIT = 100

router = APIRouter(prefix="/api", tags=["api"])

Limit = Query(20, ge=1, le=MAX_LIMIT, description=f"page size (at most {MAX_LIMIT})")
Offset = Query(0, ge=0, le=10**9, description="items to skip")
Q = Query("", max_length=200, description="words that must all occur, each as a word or the start of one")
Entity = Query("", max_length=200, description="a named entity (person, place, organisation)")
SourceName = Query("", max_length=200, description="an outlet name or domain")
Since = Query(None, max_length=40, description="from this date (YYYY-MM-DD or ISO 8601)")
Until = Query(None, max_length=40, description="up to this date, inclusive")
Sort = Query("size", pattern="^(size|recent)$", description="size or recent")
Wait = Query(True, description="true: answer when the articles are stored and the stories updated; "
             "false: answer 202 at once with a job to poll (GET /api/jobs/{job})")


def newsroom(request: Request) -> Newsroom:
    return request.app.state.newsroom


def page_json(page: queries.Page, items: list[Any]) -> dict:
    return {"total": page.total, "limit": page.limit, "offset": page.offset, "items": items}


def story_json(s: Story) -> dict:
    return {**to_jsonable(s), "size": s.size}


def article_json(a: Article) -> dict:
    return {**to_jsonable(a), "source": {"name": a.source.name, "domain": a.source.domain}, "provenance": str(a.provenance)}


def filters_or_422(**kw: Any) -> queries.Filters:
    try:
        return make_filters(**kw)
    except BadInput as e:
        raise HTTPException(422, str(e)) from None


@router.get("/stories", summary="Stories, filtered and paginated")
def list_stories(
    request: Request, q: str = Q, entity: str = Entity, source: str = SourceName,
    since: str | None = Since, until: str | None = Until, sort: str = Sort, limit: int = Limit, offset: int = Offset,
) -> dict:
    f = filters_or_422(q=q, entity=entity, source=source, since=since, until=until)
    page = queries.find_stories(newsroom(request).store, f, sort, limit, offset)
    return page_json(page, [story_json(s) for s in page.items])


@router.get("/stories/{story_id}", summary="One story: headline, outlets, article ids")
def get_story(request: Request, story_id: str) -> dict:
    story = newsroom(request).store.get_story(story_id)
    if story is None:
        raise HTTPException(404, f"no story {story_id!r}")
    return story_json(story)


@router.get("/stories/{story_id}/brief", summary="A story's brief, as `storyline brief --format json` prints it")
def get_brief(request: Request, story_id: str) -> dict:
    room = newsroom(request)
    if room.store.get_story(story_id) is None:
        raise HTTPException(404, f"no story {story_id!r}")
    brief, error = room.brief(story_id)
    if brief is None:
        raise HTTPException(503, f"the brief could not be built: {error}")
    from storyline.brief import to_json  # the document `storyline brief --format json` prints

    return to_json([brief])


@router.get("/articles", summary="Article summaries (no text), filtered and paginated")
def list_articles(
    request: Request, q: str = Q, entity: str = Entity, source: str = SourceName,
    since: str | None = Since, until: str | None = Until, limit: int = Limit, offset: int = Offset,
) -> dict:
    f = filters_or_422(q=q, entity=entity, source=source, since=since, until=until)
    page = queries.find_articles(newsroom(request).store, f, limit, offset)
    return page_json(page, [_summary(r) for r in page.items])


def _summary(row: dict) -> dict:
    return {
        "id": row["id"], "title": row["title"], "source": row["source_name"], "domain": row["source_domain"],
        "published": row["published"], "url": row["url"], "language": row["language"], "chars": row["chars"],
        "story": row["story_id"],
    }


@router.get("/articles/{article_id:path}", summary="One article with its analysis")
def get_article(request: Request, article_id: str) -> dict:
    found = newsroom(request).article(article_id)
    if found is None:
        raise HTTPException(404, f"no article {article_id!r}")
    article, analysis = found
    return {"article": article_json(article), "analysis": to_jsonable(analysis)}


@router.get("/search", summary="Stories and articles matching words (and optional filters)")
def search(
    request: Request, q: str = Q, entity: str = Entity, source: str = SourceName,
    since: str | None = Since, until: str | None = Until, limit: int = Limit, offset: int = Offset,
) -> dict:
    f = filters_or_422(q=q, entity=entity, source=source, since=since, until=until)
    if not (f.terms() or f.entity or f.source or f.since or f.until):
        raise HTTPException(422, "search needs at least one of: q, entity, source, since, until")
    store = newsroom(request).store
    stories = queries.find_stories(store, f, "recent", limit, offset)
    articles = queries.find_articles(store, f, limit, offset)
    return {
        "stories": page_json(stories, [story_json(s) for s in stories.items]),
        "articles": page_json(articles, [_summary(r) for r in articles.items]),
    }


@router.get("/sources", summary="Outlets by number of articles")
def list_sources(request: Request, limit: int = Limit, offset: int = Offset) -> dict:
    page = queries.list_sources(newsroom(request).store, limit, offset)
    return page_json(page, [{**r, "last": r["last"].isoformat() if r["last"] else None} for r in page.items])


@router.get("/sources/{name:path}", summary="What one outlet covered, and the facts only it reported")
def get_source(request: Request, name: str) -> dict:
    stats = queries.source_stats(newsroom(request).store, name)
    if stats is None:
        raise HTTPException(404, f"no outlet named {name!r}")
    return to_jsonable(stats)


@router.post(
    "/articles",
    summary="Ingest articles (JSON object or list, or multipart files), then update stories",
    responses={202: {"description": "with wait=false: accepted as a job to poll at GET /api/jobs/{job}"},
               401: {"description": "missing token"}, 413: {"description": "body too large"},
               422: {"description": "invalid input"}, 503: {"description": "too many uploads waiting; retry later"}},
    openapi_extra={"requestBody": {"required": True, "content": {
        "application/json": {"schema": {"oneOf": [{"type": "object"}, {"type": "array", "items": {"type": "object"}}]}},
        "multipart/form-data": {"schema": {"type": "object", "properties": {"files": {"type": "array", "items": {"type": "string", "format": "binary"}}}}},
    }}},
)
async def post_articles(request: Request, wait: bool = Wait) -> JSONResponse:
    tokens = request.app.state.tokens
    tokens.require_bearer(request)  # before the body is read
    if not tokens.auth and not same_origin(request):  # a form posted from another site needs no preflight
        raise HTTPException(403, "without a token this server only accepts posts from its own pages or from scripts")
    room = newsroom(request)
    ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if not wait and room.jobs.full:  # before the body is read
        raise HTTPException(503, BUSY, headers=RETRY_LATER)
    try:
        if ctype == "multipart/form-data":
            files = await uploaded_files(request)
            if not wait:
                return job_accepted(await run_in_threadpool(room.submit_files, files))
            outcome = await run_in_threadpool(room.ingest_files, files)
        elif ctype == "application/json":
            payload = await request.body()
            if not wait:
                return job_accepted(await run_in_threadpool(room.submit_records, payload))
            outcome = await run_in_threadpool(room.ingest_records, payload)
        else:
            raise HTTPException(415, "send application/json (an article or a list) or multipart/form-data (files)")
    except BadInput as e:
        return JSONResponse({"detail": str(e), "errors": [_error(x) for x in e.errors]}, 422)
    except Busy as e:
        raise HTTPException(503, str(e), headers=RETRY_LATER) from None
    return JSONResponse(outcome.to_json(), 200 if outcome.new or outcome.articles else 422)


RETRY_LATER = {"Retry-After": "60"}


def job_accepted(job_id: str) -> JSONResponse:
    url = f"/api/jobs/{job_id}"
    return JSONResponse({"job": job_id, "state": "queued", "url": url}, 202, headers={"Location": url})


@router.get("/jobs", summary="The latest background ingest jobs, newest first (needs the token)",
            responses={401: {"description": "missing token"}})
def list_jobs(request: Request, limit: int = Limit) -> dict:
    request.app.state.tokens.require_bearer(request)  # uploaders' file names and errors; a job's own id reads it
    return {"items": [j.to_json() for j in newsroom(request).jobs.recent(limit)]}


@router.get("/jobs/{job_id}", summary="A background ingest job: its state, and its outcome once done",
            responses={404: {"description": "no such job"}})
def get_job(request: Request, job_id: str) -> dict:
    job = newsroom(request).jobs.get(job_id)
    if job is None:
        raise HTTPException(404, "no such job")
    return job.to_json()


async def uploaded_files(request: Request) -> list[tuple[str, bytes]]:
    """Every uploaded file of a multipart body, as (name, bytes)."""
    form = await request.form()
    uploads = [v for _, v in form.multi_items() if hasattr(v, "read") and getattr(v, "filename", None)]
    if not uploads:
        raise HTTPException(422, "no files in the upload: send them as multipart form fields with a filename")
    return [(u.filename, await u.read()) for u in uploads]


def _error(e: Any) -> dict:
    return {"file": e.file, "locator": e.locator, "reason": e.reason}
