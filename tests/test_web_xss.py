"""Hostile article content renders inert in a real browser, on every page that shows it."""

from __future__ import annotations

import json
import re
import urllib.parse
import urllib.request

import pytest

from test_web_browser import TOKEN, chromium, serve

RUN = "window.__pwned=1"
SOURCE = f"<img src=x onerror={RUN}>Evil</script> Gazette"
TITLE = f'<script>{RUN}</script>Harbour crane <b onmouseover="{RUN}">collapses</b>'
BODY = (
    "A crane collapsed at the Tern Island harbour on Monday, injuring 12 workers, "
    f"said harbour master Ines Okafor <img src=x onerror=\"{RUN};alert(1)\">. "
    f'"We heard a crack and then <script>{RUN};alert(2)</script> it fell," Ms. Okafor said. '
    f"Details at javascript:{RUN} and <a href=\"javascript:{RUN}\">here</a> "
    f"<svg onload={RUN}></svg><iframe src=\"javascript:alert(3)\"></iframe>.\n\n"
    "The harbour will stay closed until Thursday, the port authority said."
)


def hostile(n: int, injured: int) -> dict:
    return {
        "title": f"{TITLE} {n}",
        "text": BODY.replace("12 workers", f"{injured} workers"),
        "source": SOURCE if n == 1 else f'"><script>{RUN}</script> Courier',
        "url": f"javascript:{RUN}//{n}",
        "date": f"2026-03-2{n}T08:00:00+00:00",
    }


def post(base: str, records: list[dict]) -> dict:
    req = urllib.request.Request(
        base + "/api/articles",
        data=json.dumps(records).encode(),
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {TOKEN}"},
        method="POST",
    )
    with urllib.request.urlopen(req, timeout=300) as r:
        return json.load(r)


@pytest.mark.browser
def test_hostile_article_renders_inert_everywhere(tmp_path):
    with chromium() as browser, serve(tmp_path / "xss.db") as base:
        report = post(base, [hostile(1, 12), hostile(2, 14)])
        assert report["new"] == 2 and report["update_error"] is None
        stories = json.load(urllib.request.urlopen(base + "/api/stories"))["items"]
        articles = json.load(urllib.request.urlopen(base + "/api/articles"))["items"]
        assert articles and all(a["url"] is None or a["url"].startswith("javascript:") for a in articles)

        page = browser.new_page()
        dialogs, errors, console = [], [], []
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.on("console", lambda m: console.append(m.text))

        urls = ["/", "/?q=crane", "/sources"]
        urls += [f"/stories/{s['id']}" for s in stories]
        urls += [f"/articles/{a['id']}" for a in articles]
        urls += ["/sources/" + urllib.parse.quote(a["source"], safe="") for a in articles]
        for url in urls:
            response = page.goto(base + url)
            assert response.status == 200, url
            page.wait_for_load_state("load")
            page.mouse.move(300, 300)  # would fire an injected onmouseover
            assert page.evaluate("typeof window.__pwned") == "undefined", url
            _assert_no_live_markup(page, url)

        assert dialogs == []
        assert errors == []
        assert not [m for m in console if "Content Security Policy" in m or "__pwned" in m], console
        # The payload is shown as text, so a reader sees what the outlet sent.
        page.goto(base + f"/articles/{articles[0]['id']}")
        assert "<script>window.__pwned=1" in page.inner_text("#text")
        assert "<img src=x onerror=" in page.inner_text("main")


def _assert_no_live_markup(page, url: str) -> None:
    """No element, attribute or link the payload could have created."""
    scripts = page.eval_on_selector_all("script", "els => els.map(e => e.getAttribute('src'))")
    assert scripts == ["/static/app.js"], url
    for selector in ("img", "iframe", "b", "svg:not(.coverage):not(.timeline)", "[onerror]", "[onload]", "[onmouseover]"):
        assert page.locator(selector).count() == 0, (url, selector)
    hrefs = page.eval_on_selector_all("a[href]", "els => els.map(e => e.getAttribute('href'))")
    assert not [h for h in hrefs if re.match(r"\s*javascript:", h, re.I)], url


# ------------------------------------------------------------------ the helpers that cut text at offsets


def test_highlight_escapes_every_segment_and_nests_overlaps():
    from storyline.web.render import Span, highlight

    text = 'Ana <b>Ruiz</b> said "<script>x()</script> & more" today.'
    quote = (text.index('"') + 1, text.rindex('"'))
    name = (0, text.index(" said"))
    html = str(highlight(text, [Span(*quote, "hl-quote", 'by "Ana"'), Span(*name, "hl-entity"), Span(5, 3, "bad"), Span(0, 999, "bad")]))
    assert "<script>" not in html and "<b>" not in html
    assert "&lt;script&gt;x()&lt;/script&gt; &amp; more" in html
    assert 'title="by &#34;Ana&#34;"' in html  # attribute values are escaped too
    assert html.count("<span") == html.count("</span>") == 2 and "bad" not in html  # invalid spans ignored
    # Removing the tags gives back the escaped text, character for character.
    import html as htmllib
    import re as _re

    assert htmllib.unescape(_re.sub(r"<[^>]+>", "", html)) == text


def test_claim_sentence_and_quote_diff_are_escaped():
    from storyline.web.render import in_sentence, word_diff

    text = "First one. Then <i>37</i> people were hurt, Ms. Berg said. Last."
    start = text.index("37")
    html = str(in_sentence(text, start, start + 2))
    assert html == "Then &lt;i&gt;<mark>37</mark>&lt;/i&gt; people were hurt, Ms. Berg said."
    diff = str(word_diff("We <b>won</b> today", "We <b>lost</b> today"))
    assert "<del>won</del><ins>lost</ins>" in diff and "&lt;b&gt;" in diff and "<b>" not in diff


@pytest.mark.parametrize(
    "url, link",
    [
        ("https://portvale.example/a?b=1", True),
        ("http://portvale.example/", True),
        ("javascript:alert(1)", False),
        ("JaVaScRiPt:alert(1)", False),
        (" javascript:alert(1)", False),
        ("data:text/html,<script>alert(1)</script>", False),
        ("https://x.example/\"onmouseover=alert(1)", False),
        ("//portvale.example/", False),
        ("vbscript:msgbox", False),
        (None, False),
    ],
)
def test_only_plain_http_urls_become_links(url, link):
    from storyline.web.render import safe_url

    assert (safe_url(url) is not None) is link
    assert safe_url(url) in (None, url)
