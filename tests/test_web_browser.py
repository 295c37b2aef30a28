"""The newsroom in a real browser: Debian's headless Chromium, driven by Playwright,
against ``storyline serve`` running as a subprocess on a free loopback port.

Set STORYLINE_SCREENSHOT=path to also write the ferry story page screenshot there
(docs/story-page.png is made that way).
"""

from __future__ import annotations

import os
import re
import socket
import json
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import pytest

from pgserver import wait_for

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "examples" / "corpus"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"]
TOKEN = "browser-test-token-42"
# Runs the command whether or not storyline.cli already imports serve_cmd.
SERVE = "import storyline.cli.serve_cmd; from storyline.cli.app import app; app()"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def serve(db: Path, *options: str) -> Iterator[str]:
    """``storyline serve`` on a free loopback port; yields its base URL, stops it afterwards."""
    port = free_port()
    env = {**os.environ, "STORYLINE_TOKEN": TOKEN}
    proc = subprocess.Popen(
        [sys.executable, "-c", SERVE, "serve", "--db", str(db), "--host", "127.0.0.1", "--port", str(port), *options],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(proc, base)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def _wait_until_up(proc: subprocess.Popen, base: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"storyline serve exited: {proc.stderr.read().decode(errors='replace')}")
        try:
            with urllib.request.urlopen(base + "/api/stories?limit=1", timeout=2):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("storyline serve did not answer within a minute")


@contextmanager
def chromium() -> Iterator[object]:
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} not found: install Debian's chromium (scripts/install-system-deps.sh)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def upload(page, base: str, files: list[Path] | list[dict], token: str = TOKEN) -> str:
    """Ingest files (paths, or Playwright payloads with a name and bytes) through the upload form; returns
    the text of the page that ends the upload (its outcome, or the refusal)."""
    page.goto(base + "/ingest")
    page.set_input_files("input[name=files]", [f if isinstance(f, dict) else str(f) for f in files])
    page.fill("input[name=token]", token)
    page.click("button[type=submit]")
    page.wait_for_selector("#outcome, #ingest-error", timeout=180_000)
    return page.inner_text("main")


def needs_brief() -> None:
    try:
        from storyline.brief import build_brief  # noqa: F401
    except ImportError as e:
        pytest.skip(f"storyline.brief.build_brief is not available yet: {e}")


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """A server whose store was filled with the example corpus through the upload form."""
    with chromium() as browser, serve(tmp_path_factory.mktemp("browser") / "site.db") as base:
        page = browser.new_page(viewport={"width": 1200, "height": 900})
        outcome = upload(page, base, sorted(p for p in CORPUS.rglob("*") if p.is_file()))
        yield base, browser, outcome
        page.close()


def open_story(page, base: str, word: str) -> None:
    """Open the first story whose headline has ``word``."""
    page.goto(base + "/")
    page.locator("a.headline", has_text=re.compile(word, re.I)).first.click()
    page.wait_for_selector("article.brief")


def test_upload_form_ingests_the_corpus(site):
    base, browser, outcome = site
    assert "16 articles read from 11 files" in outcome
    assert "16 new" in outcome and "0 errors" in outcome
    page = browser.new_page()
    page.goto(base + "/")
    assert page.locator("li.story").count() == 5
    assert page.locator("svg.coverage").count() == 5


def test_upload_without_the_right_token_is_refused(site):
    base, browser, _ = site
    page = browser.new_page()
    text = upload(page, base, [CORPUS / "wire.jsonl"], token="not-the-token")
    assert "invalid token" in text
    page.goto(base + "/")
    assert page.locator("li.story").count() == 5


def test_an_upload_is_followed_on_its_own_page_with_its_file_names_inert(site):
    base, browser, _ = site
    page = browser.new_page()
    name = "<img src=x onerror=window.__pwned=1>.jsonl"  # (a browser sends a double quote as %22)
    outcome = upload(page, base, [{"name": name, "mimeType": "application/json", "buffer": (CORPUS / "wire.jsonl").read_bytes()}])
    assert re.search(r"/ingest/jobs/[0-9a-f]{32}$", page.url)  # the job's page, which reloaded itself until done
    assert name in outcome and "0 new" in outcome  # the name as text; the articles were stored before
    assert page.evaluate("window.__pwned") is None


def test_story_page_shows_the_ferry_contradiction(site):
    """Also writes the screenshot when STORYLINE_SCREENSHOT names a file."""
    needs_brief()
    base, browser, _ = site
    page = browser.new_page(viewport={"width": 1000, "height": 800})
    open_story(page, base, "ferry")
    if os.environ.get("STORYLINE_SCREENSHOT"):
        page.screenshot(path=os.environ["STORYLINE_SCREENSHOT"], full_page=True)
    numbers = page.locator(".contradiction", has_text=re.compile(r"\b37\b")).filter(has_text=re.compile(r"\b41\b"))
    assert numbers.count() >= 1
    marked = numbers.first.locator("blockquote mark").all_inner_texts()
    assert any("37" in m for m in marked) and any("41" in m for m in marked)
    wire_claim = numbers.first.locator("li", has_text=re.compile(r"\b37\b")).first
    assert wire_claim.locator(".chip").count() == 3  # A1 and its two copies share one sentence
    assert page.locator("#articles .badge.dup").count() >= 2  # the two wire copies


def test_story_page_shows_lindqvist_quote_diff(site):
    needs_brief()
    base, browser, _ = site
    page = browser.new_page()
    open_story(page, base, "mill|Kessler")
    group = page.locator(".quote-group", has_text="Marta Lindqvist")
    assert group.count() == 1
    assert group.locator("figure.variant").count() >= 4
    changed = " ".join(group.locator("ins, del").all_inner_texts())
    assert "[sic]" in changed  # the editorial insertion
    assert "to this town, and" in changed or "town" in changed  # the omission


def test_article_page_highlights_and_toggles(site):
    base, browser, _ = site
    page = browser.new_page()
    page.goto(base + "/?q=Lindqvist")
    page.locator("a.headline").first.click()
    page.locator("#articles a[href^='/articles/']").first.click()
    page.wait_for_selector("#text")
    assert page.locator("#text .hl-quote").count() > 0
    assert page.locator("#text .hl-time").count() > 0
    page.uncheck("input[data-layer=hl-quote]")  # the one piece of JavaScript
    assert "hide-hl-quote" in page.get_attribute("#text", "class")


def test_search_by_words_entity_and_outlet(site):
    base, browser, _ = site
    page = browser.new_page()
    page.goto(base + "/")
    page.fill("input[name=q]", "Saltwind")
    page.click("form.filters button")
    assert page.locator("li.story").count() == 1
    assert re.search("ferry", page.inner_text("li.story a.headline"), re.I)
    page.goto(base + "/")
    page.fill("input[name=entity]", "Marta Lindqvist")
    page.click("form.filters button")
    assert page.locator("li.story").count() == 1
    page.goto(base + "/")
    page.fill("input[name=source]", "The Northern Naturalist")
    page.click("form.filters button")
    assert "Puffin" in page.inner_text("ol.stories")
    page.locator("li.story a[href^='/sources/']").first.click()
    assert page.inner_text("h1") == "The Northern Naturalist"
    assert "sole coverage" in page.inner_text("main")


def test_several_worker_processes_serve_and_keep_the_token(tmp_path):
    import urllib.error

    with serve(tmp_path / "workers.db", "--workers", "2") as base:
        with urllib.request.urlopen(base + "/api/stories") as r:
            assert json.load(r)["total"] == 0
        request = urllib.request.Request(base + "/api/articles", data=b'{"title": "T", "text": "Body."}', headers={"Content-Type": "application/json"}, method="POST")
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(request)
        assert refused.value.code == 401
        request.add_header("Authorization", f"Bearer {TOKEN}")
        with urllib.request.urlopen(request) as r:
            assert r.status in (200, 201)
        # a background job is answered for by whichever worker a poll reaches
        request.full_url = base + "/api/articles?wait=false"
        request.data = (CORPUS / "wire.jsonl").read_bytes().splitlines()[0]
        with urllib.request.urlopen(request) as r:
            assert r.status == 202
            url = base + json.load(r)["url"]
        seen: list[dict] = []

        def finished() -> bool:
            with urllib.request.urlopen(url) as r:
                seen.append(json.load(r))
            return seen[-1]["state"] in ("done", "failed")

        assert wait_for(finished, 300), seen[-1]
        assert seen[-1]["state"] == "done" and seen[-1]["outcome"]["new"] == 1
