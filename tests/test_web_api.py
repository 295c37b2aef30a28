"""The HTTP API and the pages, through FastAPI's TestClient: the real app over a real SQLite store."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from pgserver import wait_for
from storyline.web import create_app
from storyline.web.queries import store_counts
from storyline.web.security import CSP

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "examples" / "corpus"
TOKEN = "test-token-0123456789"
JOB_WAIT = 300  # seconds a background job may take before a test gives up on it (a bound, not a measurement)
AUTH = {"Authorization": f"Bearer {TOKEN}"}
LOOPBACK = "http://127.0.0.1:8000"  # a server without a token answers only to a loopback Host


def corpus_files() -> list[Path]:
    return sorted(p for p in CORPUS.rglob("*") if p.is_file())


def needs_brief() -> None:
    """Brief content checks wait for the brief builder (storyline.brief.build_brief)."""
    try:
        from storyline.brief import build_brief  # noqa: F401
    except ImportError as e:
        pytest.skip(f"storyline.brief.build_brief is not available yet: {e}")


def fictional(n: int = 1, **extra: object) -> dict:
    """A made-up article in the JSONL reader's field names."""
    return {
        "title": f"Tern Island lighthouse keeper retires after {n} decades",
        "text": (
            f"The keeper of the Tern Island lighthouse, Oskar Brandt, retired on Friday after {n} decades. "
            '"The light never failed on my watch," Mr. Brandt said at a ceremony in the harbour.'
        ),
        "source": "Tern Island Chronicle",
        "url": f"https://ternislandchronicle.example/news/keeper-{n}",
        "date": "2026-03-20T09:00:00+00:00",
        **extra,
    }


@pytest.fixture(scope="module")
def corpus_client(tmp_path_factory) -> TestClient:
    """One app whose store holds the example corpus, uploaded through the API."""
    db = tmp_path_factory.mktemp("web") / "corpus.db"
    client = TestClient(create_app(str(db), TOKEN))
    files = [("files", (p.name, p.read_bytes())) for p in corpus_files()]
    r = client.post("/api/articles", files=files, headers=AUTH)
    assert r.status_code == 200, r.text
    body = r.json()
    assert (body["articles"], body["new"], body["errors"], body["update_error"]) == (16, 16, [], None)
    assert body["stories"] == 5
    return client


@pytest.fixture
def fresh_client(tmp_path) -> TestClient:
    return TestClient(create_app(str(tmp_path / "fresh.db"), TOKEN))


def counts(client: TestClient) -> dict[str, int]:
    return store_counts(client.app.state.newsroom.store)


def finished_job(client: TestClient, url: str) -> dict:
    """Poll a background job's API URL until it has finished."""
    seen: list[dict] = []
    assert wait_for(lambda: seen.append(client.get(url).json()) or seen[-1]["state"] in ("done", "failed"), JOB_WAIT), seen[-1]
    return seen[-1]


def finished_page(client: TestClient, url: str):
    """Reload an upload's page until it shows the outcome, as its refresh tag makes a browser do."""
    seen: list = []
    assert wait_for(lambda: seen.append(client.get(url)) or 'http-equiv="refresh"' not in seen[-1].text, JOB_WAIT)
    return seen[-1]


def story_by_word(client: TestClient, word: str) -> dict:
    items = client.get("/api/stories", params={"q": word, "limit": 100}).json()["items"]
    return max(items, key=lambda s: s["size"])


# ------------------------------------------------------------------ stories


def test_story_list_is_paginated_with_a_total(corpus_client):
    first = corpus_client.get("/api/stories", params={"limit": 2}).json()
    assert (first["total"], first["limit"], first["offset"], len(first["items"])) == (5, 2, 0, 2)
    last = corpus_client.get("/api/stories", params={"limit": 2, "offset": 4}).json()
    assert len(last["items"]) == 1
    everything = corpus_client.get("/api/stories", params={"limit": 100}).json()["items"]
    assert [s["size"] for s in everything] == sorted((s["size"] for s in everything), reverse=True)
    assert sum(s["size"] for s in everything) == 16
    ids = [s["id"] for s in first["items"] + corpus_client.get("/api/stories", params={"limit": 2, "offset": 2}).json()["items"] + last["items"]]
    assert len(set(ids)) == 5


def test_story_list_sorts_by_recency(corpus_client):
    items = corpus_client.get("/api/stories", params={"sort": "recent"}).json()["items"]
    last_seen = [s["last_seen"] for s in items if s["last_seen"]]
    assert last_seen == sorted(last_seen, reverse=True)
    assert "Kessler" in items[0]["headline"] or "mill" in items[0]["headline"].lower()  # the mill story ends latest (18 March)


def test_story_filters_words_entity_source_and_dates(corpus_client):
    def headlines(**params: str) -> list[str]:
        return [s["headline"] for s in corpus_client.get("/api/stories", params=params).json()["items"]]

    ferry = headlines(q="ferry pier")
    assert len(ferry) == 1 and "ferry" in ferry[0].lower()
    assert headlines(q="pier Kessler") == []  # every word must occur in the story
    (mill,) = headlines(entity="Marta Lindqvist")
    assert "Kessler" in mill or "mill" in mill.lower()
    assert headlines(source="Midland Courier") == ferry
    assert headlines(source="midlandcourier.example") == ferry or headlines(source="midlandcourier.example") == []
    early = headlines(until="2026-03-13")
    assert ferry[0] not in early and mill not in early and len(early) == 2  # museum and library
    late = headlines(since="2026-03-17")
    assert late == [mill]


def test_one_story_and_unknown_story(corpus_client):
    story = story_by_word(corpus_client, "Saltwind")
    got = corpus_client.get(f"/api/stories/{story['id']}").json()
    assert got["size"] == 4 and len(got["article_ids"]) == 4
    r = corpus_client.get("/api/stories/s_not_there")
    assert r.status_code == 404 and "no story" in r.json()["detail"]
    assert corpus_client.get("/api/stories/s_not_there/brief").status_code == 404


@pytest.mark.parametrize(
    "params, message",
    [
        ({"limit": 0}, "greater than or equal to 1"),
        ({"limit": 101}, "less than or equal to 100"),
        ({"limit": "ten"}, "valid integer"),
        ({"offset": -1}, "greater than or equal to 0"),
        ({"sort": "alphabetical"}, "sort"),
        ({"since": "last tuesday"}, "not a date"),
        ({"until": "2026-13-45"}, "not a date"),
    ],
)
def test_bad_list_parameters_get_a_clear_422(corpus_client, params, message):
    for path in ("/api/stories", "/api/articles"):
        if path == "/api/articles" and "sort" in params:
            continue
        r = corpus_client.get(path, params=params)
        assert r.status_code == 422, (path, params)
        assert message in r.json()["detail"]


def test_brief_is_the_cli_json_shape(corpus_client):
    needs_brief()
    story = story_by_word(corpus_client, "Saltwind")
    r = corpus_client.get(f"/api/stories/{story['id']}/brief")
    assert r.status_code == 200, r.text
    (brief,) = r.json()["stories"]
    assert brief["id"] == story["id"]
    assert {"headline", "articles", "summary", "facts", "unique", "contradictions", "quotes", "timeline"} <= set(brief)
    values = {c["value"].split()[0] for x in brief["contradictions"] if x["kind"] == "number" for c in x["claims"]}
    assert {"37", "41"} <= values


# ------------------------------------------------------------------ articles, search, sources


def test_article_list_filters_and_pages(corpus_client):
    page = corpus_client.get("/api/articles", params={"limit": 5}).json()
    assert page["total"] == 16 and len(page["items"]) == 5
    assert "text" not in page["items"][0] and page["items"][0]["chars"] > 0
    gazette = corpus_client.get("/api/articles", params={"source": "Harbour Gazette"}).json()
    assert gazette["total"] == 2 and {a["source"] for a in gazette["items"]} == {"Harbour Gazette"}
    lindqvist = corpus_client.get("/api/articles", params={"q": "Lindqvist"}).json()
    assert lindqvist["total"] == 5
    dated = corpus_client.get("/api/articles", params={"since": "2026-03-15", "until": "2026-03-15"}).json()
    assert dated["total"] == 4  # the ferry reports, all on 15 March


def test_one_article_with_its_analysis(corpus_client):
    (item,) = corpus_client.get("/api/articles", params={"q": "Lindqvist", "source": "Harbour Gazette"}).json()["items"]
    got = corpus_client.get(f"/api/articles/{item['id']}").json()
    assert got["article"]["source"]["name"] == "Harbour Gazette"
    assert "Marta Lindqvist" in got["article"]["text"]
    quotes = got["analysis"]["quotes"]
    assert any("broke its promise" in q["text"] for q in quotes)
    text = got["article"]["text"]
    assert all(text[q["start"] : q["end"]].strip('"') == q["text"] or q["text"] in text[q["start"] : q["end"]] for q in quotes)
    assert corpus_client.get("/api/articles/ffffffffffffffff").status_code == 404


def test_search_finds_stories_and_articles(corpus_client):
    r = corpus_client.get("/api/search", params={"q": "Saltwind", "limit": 2}).json()
    assert r["stories"]["total"] == 1 and "ferry" in r["stories"]["items"][0]["headline"].lower()
    assert r["articles"]["total"] == 4 and len(r["articles"]["items"]) == 2
    empty = corpus_client.get("/api/search")
    assert empty.status_code == 422 and "at least one" in empty.json()["detail"]


def test_sources_and_one_source(corpus_client):
    page = corpus_client.get("/api/sources", params={"limit": 100}).json()
    by_name = {s["name"]: s["articles"] for s in page["items"]}
    assert page["total"] == len(page["items"]) and by_name["Harbour Gazette"] == 2
    got = corpus_client.get("/api/sources/Harbour Gazette").json()
    assert (got["articles"], got["stories"]) == (2, 2) and got["domains"] == ["harbourgazette.example"]
    assert corpus_client.get("/api/sources/No Such Outlet").status_code == 404
    assert all(s["last"].endswith("+00:00") for s in page["items"] if s["last"])  # as every other answer


def test_a_page_past_the_end_links_back_to_the_last_one(corpus_client):
    total = corpus_client.get("/api/sources").json()["total"]
    page = corpus_client.get("/sources", params={"offset": 1000}).text
    assert f"0–0 of {total}" in page and 'href="?"' in page and "Next page" not in page


# ------------------------------------------------------------------ writes: refused, nothing stored


def test_writes_need_the_token(corpus_client):
    before = counts(corpus_client)
    r = corpus_client.post("/api/articles", json=fictional())
    assert r.status_code == 401 and "missing token" in r.json()["detail"]
    r = corpus_client.post("/api/articles", json=fictional(), headers={"Authorization": "Bearer wrong"})
    assert r.status_code == 403 and "invalid token" in r.json()["detail"]
    r = corpus_client.post("/api/articles", files=[("files", ("a.jsonl", json.dumps(fictional()).encode()))])
    assert r.status_code == 401
    assert counts(corpus_client) == before


@pytest.mark.parametrize(
    "body, message",
    [
        (b'{"title": "half', "malformed JSON"),
        (b"", "malformed JSON"),
        (b"[]", "empty list"),
        (b'[{"title": "x", "text": "Some words."}, 7]', "expected a JSON object"),
        (json.dumps(fictional(text=12345)).encode(), "must be a string"),
        (json.dumps([fictional(1), fictional(2, date="not a date at all")]).encode(), "unreadable date"),
        (json.dumps(fictional(text="   ")).encode(), "empty body"),
    ],
)
def test_bad_json_is_refused_and_nothing_is_stored(corpus_client, body, message):
    before = counts(corpus_client)
    r = corpus_client.post("/api/articles", content=body, headers={**AUTH, "Content-Type": "application/json"})
    assert r.status_code == 422, r.text
    got = r.json()
    assert message in got["detail"] + json.dumps(got.get("errors", []))
    assert counts(corpus_client) == before


def test_huge_bodies_get_413_before_anything_is_stored(corpus_client):
    before = counts(corpus_client)
    big = json.dumps(fictional(text="word " * 700_000)).encode()  # 3.5 MB of JSON
    r = corpus_client.post("/api/articles", content=big, headers={**AUTH, "Content-Type": "application/json"})
    assert r.status_code == 413 and "2 MB" in r.json()["detail"]
    chunks = (b"x" * 65536 for _ in range(40))  # 2.5 MB streamed without a Content-Length
    r = corpus_client.post("/api/articles", content=chunks, headers={**AUTH, "Content-Type": "application/json"})
    assert r.status_code == 413
    r = corpus_client.post("/api/articles", files=[("files", ("big.txt", b"a" * (21 * 1024 * 1024)))], headers=AUTH)
    assert r.status_code == 413 and "20 MB" in r.json()["detail"]
    # the upload form gets a page back, not JSON
    r = corpus_client.post("/ingest", files=[("files", ("big.txt", b"a" * (21 * 1024 * 1024)))], headers=AUTH)
    assert r.status_code == 413 and r.headers["content-type"].startswith("text/html")
    assert "the limit for file uploads (multipart) is 20 MB" in r.text and 'href="/ingest"' in r.text
    assert r.headers["content-security-policy"] == CSP
    assert counts(corpus_client) == before


def test_unsupported_type_and_unreadable_upload(corpus_client):
    before = counts(corpus_client)
    r = corpus_client.post("/api/articles", content=b"hello", headers={**AUTH, "Content-Type": "text/plain"})
    assert r.status_code == 415 and "application/json" in r.json()["detail"]
    r = corpus_client.post("/api/articles", files=[("files", ("blob.bin", bytes(range(256)) * 8))], headers=AUTH)
    assert r.status_code == 422
    assert r.json()["errors"][0]["file"] == "blob.bin" and "binary" in r.json()["errors"][0]["reason"]
    r = corpus_client.post("/api/articles", files={"note": (None, "no file here")}, headers=AUTH)
    assert r.status_code == 422 and "no files" in r.json()["detail"]
    assert counts(corpus_client) == before


# ------------------------------------------------------------------ writes: accepted


def test_post_json_ingests_then_updates(fresh_client):
    r = fresh_client.post("/api/articles", json=[fictional(1), fictional(2)], headers=AUTH)
    assert r.status_code == 200, r.text
    got = r.json()
    assert (got["articles"], got["new"], got["errors"], got["update_error"]) == (2, 2, [], None)
    assert counts(fresh_client)["analyses"] == 2 and got["stories"] >= 1
    again = fresh_client.post("/api/articles", json=fictional(1), headers=AUTH).json()
    assert (again["new"], again["already_stored"]) == (0, 1)
    found = fresh_client.get("/api/articles", params={"q": "lighthouse"}).json()
    assert found["total"] == 2 and found["items"][0]["story"]


def test_post_without_waiting_gives_a_job_to_poll(fresh_client):
    r = fresh_client.post("/api/articles", params={"wait": "false"}, json=[fictional(1), fictional(2)], headers=AUTH)
    assert r.status_code == 202 and r.json()["state"] == "queued"
    assert r.headers["location"] == r.json()["url"] == f"/api/jobs/{r.json()['job']}"
    job = finished_job(fresh_client, r.json()["url"])
    assert (job["state"], job["files"], job["error"]) == ("done", ["api"], None)
    assert (job["outcome"]["new"], job["outcome"]["errors"], job["outcome"]["update_error"]) == (2, [], None)
    assert job["finished_at"] >= job["submitted_at"]
    assert counts(fresh_client)["analyses"] == 2  # analysed and clustered before the job said done

    files = [("files", ("keeper.jsonl", json.dumps(fictional(3)).encode())), ("files", ("empty.txt", b""))]
    r = fresh_client.post("/api/articles", params={"wait": "false"}, files=files, headers=AUTH)
    job = finished_job(fresh_client, r.json()["url"])
    assert job["files"] == ["keeper.jsonl", "empty.txt"]
    per_file = {f["name"]: (f["articles"], f["new"], [e["reason"] for e in f["errors"]]) for f in job["outcome"]["per_file"]}
    assert per_file["keeper.jsonl"] == (1, 1, []) and "empty file" in per_file["empty.txt"][2][0]


def test_the_latest_jobs_are_listed_newest_first_to_those_who_may_upload(fresh_client, tmp_path, monkeypatch):
    assert fresh_client.get("/api/jobs", headers=AUTH).json() == {"items": []}
    urls = [fresh_client.post("/api/articles", params={"wait": "false"}, json=fictional(n), headers=AUTH).json()["url"]
            for n in (1, 2, 3)]
    ids = [finished_job(fresh_client, u)["id"] for u in urls]
    listed = fresh_client.get("/api/jobs", params={"limit": 2}, headers=AUTH).json()["items"]
    assert [j["id"] for j in listed] == ids[::-1][:2] and all(j["outcome"]["new"] == 1 for j in listed)
    assert fresh_client.get("/api/jobs").status_code == 401  # file names and errors are the uploaders' business
    assert 'id="recent"' not in fresh_client.get("/ingest").text

    monkeypatch.delenv("STORYLINE_TOKEN", raising=False)
    open_app = TestClient(create_app(str(tmp_path / "open.db"), None, auth=False), base_url=LOOPBACK)  # no token
    hostile = "<img src=x onerror=alert(1)>.jsonl"
    job = open_app.post("/api/articles", params={"wait": "false"}, files=[("files", (hostile, json.dumps(fictional(1)).encode()))]).json()
    finished_job(open_app, job["url"])
    page = open_app.get("/ingest").text
    assert f'href="/ingest/jobs/{job["job"]}"' in page
    assert "&lt;img src=x onerror=alert(1)&gt;.jsonl" in page and hostile not in page  # a file name is text


def test_a_job_is_refused_up_front_when_a_record_is_invalid(fresh_client):
    r = fresh_client.post("/api/articles", params={"wait": "false"}, json=[fictional(1), {"title": "no text"}], headers=AUTH)
    assert r.status_code == 422 and "nothing was stored" in r.json()["detail"]
    r = fresh_client.post("/api/articles", params={"wait": "false"}, json=fictional(1))  # no token
    assert r.status_code == 401
    assert counts(fresh_client)["articles"] == 0
    assert fresh_client.get("/api/jobs/0123456789abcdef").status_code == 404
    assert fresh_client.get("/ingest/jobs/0123456789abcdef").status_code == 404


class StoreDown(RuntimeError):
    pass


def test_a_job_that_raises_or_whose_process_is_gone_is_failed(fresh_client):
    from datetime import timedelta

    from sqlalchemy import insert

    from storyline.storage.schema import jobs
    from storyline.web.jobs import GONE, _now

    board = fresh_client.app.state.newsroom.jobs

    def raising() -> dict:
        raise StoreDown("the disk is full")

    failed = board.submit(["x.jsonl"], raising)
    assert finished_job(fresh_client, f"/api/jobs/{failed}")["error"] == "StoreDown: the disk is full"
    unstorable = board.submit(["y.jsonl"], lambda: {"not json": object()})
    assert "outcome could not be stored" in finished_job(fresh_client, f"/api/jobs/{unstorable}")["error"]

    host, pid, _ = board.worker.rsplit(":", 2)
    left = {  # job -> (worker, hours since it was submitted)
        "earlier": (f"{host}:{pid}:000000000000", 0),  # an earlier process with this pid (a restarted container)
        "gone": (f"{host}:999999999:abc", 0),  # a process of this host that has ended
        "elsewhere-old": ("another-host:12:abc", 2),  # another host's, older than any upload takes
        "elsewhere": ("another-host:12:abc", 0),  # another host's, which may still be at it
    }
    with board.store.begin() as conn:
        for job_id, (worker, hours) in left.items():
            conn.execute(insert(jobs).values(id=job_id, state="running", files=["a.txt"], worker=worker,
                                             submitted_at=_now() - timedelta(hours=hours)))
    states = {job_id: fresh_client.get(f"/api/jobs/{job_id}").json() for job_id in left}
    assert {j: (s["state"], s["error"]) for j, s in states.items()} == {
        "earlier": ("failed", GONE), "gone": ("failed", GONE), "elsewhere-old": ("failed", GONE), "elsewhere": ("running", None)}
    page = fresh_client.get("/ingest/jobs/gone")
    assert "The upload failed" in page.text and 'http-equiv="refresh"' not in page.text
    assert 'http-equiv="refresh"' in fresh_client.get("/ingest/jobs/elsewhere").text


def test_jobs_not_started_when_the_server_stops_are_failed_and_say_so(fresh_client):
    import threading

    from storyline.web.jobs import STOPPED

    board, release = fresh_client.app.state.newsroom.jobs, threading.Event()
    running = board.submit(["a.txt"], lambda: {"released": release.wait()})
    assert wait_for(lambda: board.get(running).state == "running", JOB_WAIT)
    waiting = [board.submit([f"{n}.txt"], lambda: {"ran": True}) for n in range(3)]
    closing = threading.Thread(target=board.close)
    closing.start()
    assert {finished_job(fresh_client, f"/api/jobs/{j}")["error"] for j in waiting} == {STOPPED}
    assert closing.is_alive() and board.get(running).state == "running"  # shutdown waits for the running job
    release.set()
    closing.join()
    assert board.get(running).to_json()["outcome"] == {"released": True}  # it ended before close returned


def test_a_process_holding_too_many_jobs_asks_to_retry_later(fresh_client):
    import threading

    from storyline.web.jobs import MAX_PENDING

    board, release = fresh_client.app.state.newsroom.jobs, threading.Event()
    held = [board.submit([f"{n}.txt"], lambda: {"released": release.wait()}) for n in range(MAX_PENDING)]
    r = fresh_client.post("/api/articles", params={"wait": "false"}, json=fictional(1), headers=AUTH)
    assert r.status_code == 503 and r.headers["retry-after"] == "60" and "try again" in r.json()["detail"]
    form = fresh_client.post("/ingest", files=[("files", ("k.jsonl", json.dumps(fictional(1)).encode()))], data={"token": TOKEN})
    assert form.status_code == 503 and "try again" in form.text
    release.set()
    assert [finished_job(fresh_client, f"/api/jobs/{j}")["outcome"] for j in held] == [{"released": True}] * MAX_PENDING
    r = fresh_client.post("/api/articles", params={"wait": "false"}, json=fictional(1), headers=AUTH)
    assert r.status_code == 202 and finished_job(fresh_client, r.json()["url"])["outcome"]["new"] == 1
    assert counts(fresh_client)["articles"] == 1  # nothing of the refused posts was stored


def test_writes_without_auth_and_with_no_token_configured(tmp_path, monkeypatch):
    monkeypatch.delenv("STORYLINE_TOKEN", raising=False)
    open_app = TestClient(create_app(str(tmp_path / "open.db"), None, auth=False), base_url=LOOPBACK)
    assert open_app.post("/api/articles", json=fictional()).status_code == 200
    locked = TestClient(create_app(str(tmp_path / "locked.db"), None, auth=True))
    r = locked.post("/api/articles", json=fictional(), headers=AUTH)
    assert r.status_code == 403 and "STORYLINE_TOKEN" in r.json()["detail"]
    assert counts(locked)["articles"] == 0


def test_a_server_error_still_carries_the_security_headers(tmp_path):
    app = create_app(str(tmp_path / "boom.db"), TOKEN)

    def boom() -> None:
        raise RuntimeError("a bug")

    app.add_api_route("/api/boom", boom)
    r = TestClient(app, raise_server_exceptions=False).get("/api/boom")
    assert r.status_code == 500 and r.json() == {"detail": "internal server error"}
    assert r.headers["content-security-policy"] == CSP


# ------------------------------------------------------------------ pages


def test_pages_render_with_security_headers(corpus_client):
    story = story_by_word(corpus_client, "Saltwind")
    article = corpus_client.get("/api/articles", params={"limit": 1}).json()["items"][0]
    for path in ["/", "/?q=ferry&sort=recent", f"/stories/{story['id']}", f"/articles/{article['id']}",
                 "/sources", "/sources/Harbour Gazette", "/ingest", "/docs"]:
        r = corpus_client.get(path)
        assert r.status_code == 200, path
        assert r.headers["content-security-policy"] == CSP
        assert r.headers["x-content-type-options"] == "nosniff"
        assert r.headers["referrer-policy"] == "no-referrer"
        assert "http://" not in r.text.split("<main>")[0] and "https://" not in r.text.split("<main>")[0]  # no external assets
    assert corpus_client.get("/stories/nope").status_code == 404
    assert corpus_client.get("/api/stories").headers["content-security-policy"] == CSP


def test_head_gets_the_get_headers_without_a_body(corpus_client):
    story = story_by_word(corpus_client, "Saltwind")
    for path in ["/", f"/stories/{story['id']}", "/api/stories", f"/api/stories/{story['id']}/brief", "/static/style.css"]:
        got, head = corpus_client.get(path), corpus_client.head(path)
        assert head.status_code == 200, path
        assert head.content == b"", path
        assert head.headers["content-type"] == got.headers["content-type"], path
        assert head.headers["content-security-policy"] == CSP
    assert corpus_client.head("/stories/nope").status_code == 404
    assert corpus_client.head("/api/articles").status_code == 200
    assert corpus_client.head("/api/articles", params={"limit": 0}).status_code == 422


def test_story_list_page_shows_coverage_and_pages(corpus_client):
    html = corpus_client.get("/").text
    assert html.count('class="story"') == 5 and html.count('<svg class="coverage"') == 5
    assert "Midland Courier" in html and "1–5 of 5" in html
    assert "not a date" in corpus_client.get("/?since=yesterday").text


def test_article_page_highlights_from_the_analysis(corpus_client):
    (item,) = corpus_client.get("/api/articles", params={"q": "Lindqvist", "source": "Harbour Gazette"}).json()["items"]
    html = corpus_client.get(f"/articles/{item['id']}").text
    assert '<span class="hl-quote"' in html and '<span class="hl-time"' in html and "hl-entity" in html
    assert 'href="https://harbourgazette.example/' in html and 'rel="noopener noreferrer nofollow"' in html


def test_docs_page_and_openapi_list_every_endpoint(corpus_client):
    schema = corpus_client.get("/openapi.json").json()
    paths = set(schema["paths"])
    assert {"/api/stories", "/api/stories/{story_id}/brief", "/api/articles", "/api/articles/{article_id}", "/api/search", "/api/sources"} <= paths
    html = corpus_client.get("/docs").text
    assert all(p in html for p in paths) and "<script" not in html.split("</head>")[1]


def test_ingest_form_checks_token_and_origin(fresh_client):
    files = [("files", ("keeper.jsonl", json.dumps(fictional()).encode()))]
    r = fresh_client.post("/ingest", files=files, data={"token": "wrong"})
    assert r.status_code == 403 and "invalid token" in r.text
    r = fresh_client.post("/ingest", files=files, data={"token": TOKEN}, headers={"Origin": "https://elsewhere.example"})
    assert r.status_code == 403 and "only accepts posts from this site" in r.text
    assert counts(fresh_client)["articles"] == 0
    r = fresh_client.post("/ingest", files=files + [("files", ("empty.txt", b""))], data={"token": TOKEN})
    assert r.status_code == 200 and r.history[0].status_code == 303  # to the upload's page
    r = finished_page(fresh_client, str(r.url))
    assert "1 new" in r.text and "empty file" in r.text
    assert counts(fresh_client)["articles"] == 1


def test_serve_refuses_no_auth_off_loopback():
    from typer.testing import CliRunner

    import storyline.cli.serve_cmd  # noqa: F401  (registers the command)
    from storyline.cli.app import app

    result = CliRunner().invoke(app, ["serve", "--host", "0.0.0.0", "--no-auth"])
    assert result.exit_code != 0
    assert "only allowed on a loopback address" in result.output + (result.stderr if result.stderr_bytes is not None else "")


@pytest.mark.postgres
def test_queries_work_on_postgresql(pg_url):
    """The same pages and API over PostgreSQL: the web queries are portable SQL."""
    client = TestClient(create_app(pg_url, TOKEN))
    r = client.post("/api/articles", json=[fictional(1), fictional(2, source="Kellsport Courier")], headers=AUTH)
    assert r.status_code == 200 and r.json()["new"] == 2, r.text
    assert client.get("/api/stories", params={"q": "LIGHTHOUSE keeper", "since": "2026-03-01"}).json()["total"] >= 1
    assert client.get("/api/stories", params={"q": "100%_"}).json()["total"] == 0  # wildcards are literal
    assert client.get("/api/stories", params={"entity": "Oskar Brandt"}).json()["total"] >= 1
    assert client.get("/api/articles", params={"source": "kellsport courier"}).json()["total"] == 1
    assert client.get("/api/sources/Kellsport Courier").json()["articles"] == 1
    assert client.get("/api/search", params={"q": "Brandt"}).json()["articles"]["total"] == 2
    for path in ("/", "/?q=keeper&sort=recent", "/sources", "/sources/Kellsport Courier"):
        assert client.get(path).status_code == 200, path


# ------------------------------------------------------------------ word search: the full-text index


BRIDGE, LIGHT, RUSSIAN, ARABIC = "Kellsport Bridges reopen", "Lighthouse keeper retires", "Новый мост в Кельспорте", "افتتاح الجسر الجديد"
SEARCH_ARTICLES = [
    {"title": BRIDGE, "text": "The two Bridges over the Varn reopened on Monday. Engineer Ilse Vogt said the 3.5-tonne bridge decks were new, "
     "at a meeting in the Café Lumière (kellsport.example) with engineers from Hawaiʻi.", "source": "Kellsport Courier", "url": "https://kellsport.example/bridges"},
    {"title": LIGHT, "text": "Oskar Brandt kept the Tern Island light for forty years.", "source": "Tern Island Chronicle",
     "url": "https://ternisland.example/keeper"},
    {"title": RUSSIAN, "text": "Жители города встретили открытие моста в понедельник.", "source": "Kellsport Courier",
     "url": "https://kellsport.example/most"},
    {"title": ARABIC, "text": "افتتح الجسر الجديد في المدينة يوم الاثنين.", "source": "Kellsport Courier",
     "url": "https://kellsport.example/jisr"},
]


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def search_client(request, tmp_path) -> TestClient:
    """An app over SQLite or the test PostgreSQL server, holding the four search articles."""
    url = str(tmp_path / "search.db") if request.param == "sqlite" else request.getfixturevalue("pg_url")
    client = TestClient(create_app(url, TOKEN))
    r = client.post("/api/articles", json=[{**a, "date": "2026-03-16T08:00:00+00:00"} for a in SEARCH_ARTICLES], headers=AUTH)
    assert r.status_code == 200 and r.json()["new"] == 4, r.text
    return client


def found(client: TestClient, q: str) -> set[str]:
    """Titles of the articles the word search finds; the story list and the search page must answer too."""
    r = client.get("/api/articles", params={"q": q, "limit": 100})
    assert r.status_code == 200, (q, r.text)
    for path in ("/api/stories", "/"):
        assert client.get(path, params={"q": q}).status_code == 200, (path, q)
    return {a["title"] for a in r.json()["items"]}


def test_words_match_whole_words_and_word_starts_in_any_case(search_client):
    assert found(search_client, "bridg") == {BRIDGE}
    assert found(search_client, "BRIDGES") == found(search_client, "Bridge") == {BRIDGE}
    assert found(search_client, "ridge") == set()  # inside a word is not a match
    assert found(search_client, "lumière") == {BRIDGE}
    assert found(search_client, "5 tonne") == found(search_client, "3.5") == found(search_client, "example") == {BRIDGE}


def test_every_word_must_match(search_client):
    assert found(search_client, "bridge vogt") == {BRIDGE}
    assert found(search_client, "bridge brandt") == set()
    stories = search_client.get("/api/stories", params={"q": "bridge  Vogt"}).json()["items"]
    assert len(stories) == 1 and stories[0]["size"] >= 1


LITERAL_QUERIES = [  # (what is typed, the titles found): search syntax is punctuation, hence a separator
    ("bridg*", {BRIDGE}),
    ('"bridg', {BRIDGE}),
    ("(bridge", {BRIDGE}),
    ("bridge:*", {BRIDGE}),
    ("-brandt", {LIGHT}),  # not a negation
    ("bridge & !vogt", {BRIDGE}),  # nor in tsquery syntax
    ("bridge OR brandt", set()),  # "or" is a word like the others
    ("brandt | bridge", set()),
    ("NEAR(bridge vogt)", set()),
    ("text:bridge", set()),  # not a column filter
    ("' OR 1=1 --", set()),
    ("100%_", set()),
]


def test_query_syntax_in_the_box_is_taken_literally(search_client):
    assert {q: found(search_client, q) for q, _ in LITERAL_QUERIES} == dict(LITERAL_QUERIES)
    for q in ['"', "*", '"*"', "'", "\\", "!", "&|", "()", "^", ":", "—"]:  # no words: an error, not everything
        for path in ("/api/articles", "/api/stories", "/api/search"):
            r = search_client.get(path, params={"q": q})
            assert r.status_code == 422 and "no words to search for" in r.json()["detail"], (path, q)
        r = search_client.get("/", params={"q": q})
        assert r.status_code == 400 and "no words to search for" in r.text and "<ol" not in r.text.split("<main>")[1], q
    assert len(found(search_client, "  ")) == 4  # an empty box is no filter


def test_non_latin_words_are_found(search_client):
    assert found(search_client, "мост") == found(search_client, "МОСТ") == {RUSSIAN}  # "моста" in the text starts with it
    assert found(search_client, "понедельник") == {RUSSIAN}
    assert found(search_client, "الجسر") == {ARABIC}


def test_accents_are_folded_both_ways(search_client):
    """FTS5's unicode61 tokenizer drops diacritics; on PostgreSQL, unaccent (migration 0004) does."""
    assert found(search_client, "lumiere") == found(search_client, "CAFE") == found(search_client, "Lumière") == {BRIDGE}
    assert found(search_client, "cafè") == {BRIDGE}  # an accent the text does not have
    assert found(search_client, "Hawaiʻi") == found(search_client, "hawaiʻ") == {BRIDGE}  # ʻ folds to a quote mark


def test_the_index_follows_new_versions_updates_and_deletes(search_client):
    from sqlalchemy import delete, update

    from storyline.storage.schema import articles

    again = {**SEARCH_ARTICLES[0], "text": "The Bridges over the Varn closed again for an inspection."}
    assert search_client.post("/api/articles", json=again, headers=AUTH).json()["new"] == 1  # a new version
    assert search_client.get("/api/articles", params={"q": "inspection"}).json()["total"] == 1
    assert search_client.get("/api/articles", params={"q": "bridges"}).json()["total"] == 2  # both versions

    store = search_client.app.state.newsroom.store
    ids = {a["title"]: a["id"] for a in search_client.get("/api/articles", params={"limit": 100}).json()["items"]}
    with store.begin() as conn:
        conn.execute(update(articles).where(articles.c.id == ids[LIGHT]).values(title="Lamp keeper retires", text="Gone."))
        conn.execute(delete(articles).where(articles.c.id == ids[ARABIC]))
    assert found(search_client, "lighthouse") == found(search_client, "brandt") == set()
    assert found(search_client, "lamp gone") == {"Lamp keeper retires"}
    assert found(search_client, "الجسر") == set()
    if store.engine.dialect.name == "sqlite":  # FTS5 checks its index against the articles; an error if they differ
        with store.begin() as conn:
            conn.exec_driver_sql("INSERT INTO articles_fts(articles_fts, rank) VALUES ('integrity-check', 1)")


def test_entity_filter_uses_the_names_words(search_client):
    assert search_client.get("/api/stories", params={"entity": "Oskar Brandt"}).json()["total"] == 1
    assert search_client.get("/api/stories", params={"entity": "oskar brandt"}).json()["total"] == 1
    assert search_client.get("/api/stories", params={"entity": "Oskar"}).json()["total"] == 0  # the whole name, not a part
    assert search_client.get("/api/articles", params={"entity": '"*'}).json()["total"] == 0


def test_a_server_without_a_token_refuses_other_sites_and_other_host_names(tmp_path, monkeypatch):
    monkeypatch.delenv("STORYLINE_TOKEN", raising=False)
    app = create_app(str(tmp_path / "open.db"), None, auth=False)
    local = TestClient(app, base_url=LOOPBACK)
    upload = [("files", ("a.json", json.dumps(fictional(1)).encode()))]
    cross = local.post("/api/articles", files=upload, headers={"Origin": "https://evil.example", "Sec-Fetch-Site": "cross-site"})
    assert cross.status_code == 403  # a form on another site posts multipart without a preflight
    rebound = TestClient(app, base_url="http://rebind.attacker.example:8000")
    assert rebound.get("/api/stories").status_code == 400
    assert rebound.post("/api/articles", files=upload).status_code == 400
    assert counts(local)["articles"] == 0
    assert local.post("/api/articles", files=upload).status_code == 200  # a script on this machine
    assert TestClient(app, base_url="http://[::1]:8000").get("/api/stories").status_code == 200


def test_a_request_naming_its_body_twice_or_carrying_nul_is_refused(fresh_client):
    big = json.dumps([fictional(n) for n in range(1, 3)]).encode()
    two_types = [("content-type", "application/json"), ("content-type", "multipart/form-data"), *AUTH.items()]
    r = fresh_client.post("/api/articles", content=big, headers=two_types)
    assert r.status_code == 400 and "more than one" in r.json()["detail"]
    for path in ("/api/stories/x%00", "/articles/a%00b", "/api/stories?source=x%00"):
        assert fresh_client.get(path).status_code == 400, path
    assert counts(fresh_client)["articles"] == 0


def test_ids_with_slashes_and_outlets_with_accents_have_working_links(fresh_client):
    record = fictional(1, id="2026/03/keeper", source="Élysée Times (elysee.example)")
    assert fresh_client.post("/api/articles", json=record, headers=AUTH).status_code == 200
    assert fresh_client.get("/api/articles/2026/03/keeper").json()["article"]["id"] == "2026/03/keeper"
    story = fresh_client.get("/api/stories").json()["items"][0]["id"]
    page = fresh_client.get(f"/stories/{story}").text
    assert 'href="/articles/2026%2F03%2Fkeeper"' in page and 'href="/sources/%C3%89lys%C3%A9e%20Times"' in page
    assert fresh_client.get("/articles/2026%2F03%2Fkeeper").status_code == 200
    assert fresh_client.get("/sources/%C3%89lys%C3%A9e%20Times").status_code == 200  # SQLite's lower() is ASCII only
    assert fresh_client.get("/api/stories", params={"source": "Élysée Times"}).json()["total"] == 1


def test_sending_again_articles_stored_without_a_story_finishes_them(fresh_client):
    from storyline.engines.local import IngestReport
    from storyline.web.service import Newsroom

    room: Newsroom = fresh_client.app.state.newsroom
    articles = room.records(json.dumps([fictional(1), fictional(2)]).encode())
    room.engine.ingest_items(articles, IngestReport())  # stored; the update never ran (the server stopped)
    assert counts(fresh_client)["stories"] == 0
    r = fresh_client.post("/api/articles", json=[fictional(1), fictional(2)], headers=AUTH)
    assert r.json()["new"] == 0 and r.json()["stories"] >= 1
    assert counts(fresh_client)["stories"] >= 1
    corrected = fictional(1, text=fictional(1)["text"] + " Corrected.", date="2026-03-21T09:00:00+00:00")
    assert fresh_client.post("/api/articles", json=corrected, headers=AUTH).json()["new"] == 1
    again = fresh_client.post("/api/articles", json=fictional(1), headers=AUTH).json()  # the superseded version
    assert again["new"] == 0 and again["stories"] == 0  # in no story by design: no update is run for it


@pytest.mark.parametrize("query", ["since=0001-01-01T00:00:00%2B01:00", "until=9999-12-31T23:59:59-01:00", "offset=9223372036854775808"])
def test_dates_and_offsets_out_of_range_are_a_client_error(fresh_client, query):
    assert fresh_client.get(f"/api/stories?{query}").status_code in (400, 422)
    page = fresh_client.get(f"/?{query}")
    assert page.status_code in (200, 400) and "<!doctype html>" in page.text  # the page clamps an offset
