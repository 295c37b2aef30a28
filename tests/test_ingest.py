"""Readers on real files of every format, hostile inputs, and the ingest command."""

from __future__ import annotations

import gzip
import io
import json
import zlib
from datetime import datetime, timezone

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from storyline.ingest import read_bytes, read_paths, sniff
from storyline.ingest.normalize import make_source, normalize_url, parse_date
from storyline.model import Article, IngestError

PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<title>Bridge reopens after repairs | Harbour Gazette</title>
<meta property="og:site_name" content="Harbour Gazette">
<meta property="og:title" content="Bridge reopens after repairs">
<meta property="article:published_time" content="2026-03-17T09:30:00+01:00">
<link rel="canonical" href="https://harbourgazette.example/news/bridge?utm_source=x&id=4">
</head><body>
<nav><a href="/">Home</a> <a href="/news">News</a> <a href="/sport">Sport</a></nav>
<article><h1>Bridge reopens after repairs</h1>
<p class="byline">By Jane Doe</p>
<p>The Old Mill bridge in Portvale reopened on Monday after eleven weeks of repairs, the city council said.</p>
<p>"We are glad to have it back," said Mayor Ana Ruiz, who cut the ribbon at the ceremony on Monday morning.</p>
<p>Engineers replaced 40 steel beams and resurfaced the deck, at a cost of about 2 million euros.</p>
</article>
<aside>Related: <a href="/a">Council approves budget</a></aside>
<footer>Copyright Harbour Gazette. All rights reserved. We use cookies.</footer>
</body></html>"""

FEED = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">
<channel><title>News Aggregator</title><link>https://aggregator.example/</link><language>en-us</language>
<item><title>Ferry strike ends</title><link>https://tidewater.example/ferry?utm_medium=rss</link>
<pubDate>Tue, 17 Mar 2026 08:00:00 GMT</pubDate><guid>1</guid>
<source url="https://tidewater.example/rss">Tidewater Times</source>
<description>Short teaser.</description>
<content:encoded><![CDATA[<p>The ferry strike in Portvale ended on Tuesday.</p><p>Crews return to work on Wednesday, the union said.</p>]]></content:encoded>
</item>
<item><title>Second item</title><link>https://aggregator.example/2</link>
<pubDate>Tue, 17 Mar 2026 09:00:00 GMT</pubDate><description>Only a description here, with enough words to count.</description></item>
</channel></rss>"""

ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Valley Post</title><link href="https://valleypost.example/"/>
<id>urn:x</id><updated>2026-03-18T10:00:00Z</updated>
<entry><title>Dam inspection</title><link href="https://valleypost.example/dam"/><id>urn:1</id>
<updated>2026-03-18T10:00:00Z</updated><content type="html">&lt;p&gt;Inspectors checked the dam on Wednesday.&lt;/p&gt;</content></entry>
</feed>"""


def _one(data: bytes, name: str = "f") -> Article:
    results = list(read_bytes(data, name))
    assert len(results) == 1, results
    assert isinstance(results[0], Article), results[0]
    return results[0]


def _warc(pages: list[tuple[str, str]], gzip: bool = True) -> bytes:
    buf = io.BytesIO()
    writer = WARCWriter(buf, gzip=gzip)
    writer.write_record(writer.create_warcinfo_record("crawl.warc.gz", {"software": "test"}))
    for url, html in pages:
        headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
        writer.write_record(writer.create_warc_record(url, "request", payload=io.BytesIO(b"GET / HTTP/1.1\r\n\r\n")))
        writer.write_record(writer.create_warc_record(url, "response", payload=io.BytesIO(html.encode()), http_headers=headers))
    return buf.getvalue()


# ---------------------------------------------------------------- formats


def test_text_with_headers():
    a = _one(
        b"title: Council votes on budget\ndate: 2026-03-17T09:30:00+01:00\n"
        b"source: Harbour Gazette (harbourgazette.example)\nurl: https://harbourgazette.example/b?utm_campaign=z\n"
        b"byline: By Jane Doe\n\nFirst paragraph of the body.\nStill the first paragraph.\n\nSecond paragraph.\n"
    )
    assert a.title == "Council votes on budget"
    assert a.source.name == "Harbour Gazette" and a.source.domain == "harbourgazette.example"
    assert a.url == "https://harbourgazette.example/b"
    assert a.published == datetime(2026, 3, 17, 8, 30, tzinfo=timezone.utc)
    assert a.published.utcoffset().total_seconds() == 3600
    assert a.text == "First paragraph of the body. Still the first paragraph.\n\nSecond paragraph."
    assert a.byline == "By Jane Doe"


def test_text_bare_date_line_and_headline():
    a = _one(b"date 2021-01-31\nStorm closes harbour\n\nThe storm closed the harbour on Sunday.\n")
    assert a.published == datetime(2021, 1, 31, tzinfo=timezone.utc)
    assert a.title == "Storm closes harbour"
    assert a.text == "The storm closed the harbour on Sunday."


def test_text_without_headers_has_no_invented_date():
    a = _one(b"A plain paragraph of text that ends with a period, and nothing else.\n")
    assert a.published is None and a.title is None
    assert a.source.name == "unknown"


def test_jsonl_common_field_names_and_provenance():
    lines = [
        {"headline": "A", "body": "Body A.", "pubDate": "Tue, 17 Mar 2026 08:00:00 GMT", "outlet": "Tidewater Times", "link": "https://tidewater.example/a"},
        {"title": "B", "content": "Body B.", "publish_date": "2026-03-17", "publisher": "valleypost.example"},
        {"title": "C", "article": "Body C.", "date": 1773734400000, "domain": "c.example", "url": "https://c.example/c"},
    ]
    results = list(read_bytes("\n".join(json.dumps(x) for x in lines).encode(), "feed.jsonl"))
    assert [r.title for r in results] == ["A", "B", "C"]
    assert results[0].source.name == "Tidewater Times" and results[0].source.domain == "tidewater.example"
    assert results[1].source.domain == "valleypost.example"
    assert results[2].published == datetime(2026, 3, 17, 8, 0, tzinfo=timezone.utc)
    assert [str(r.provenance) for r in results] == ["feed.jsonl:line 1", "feed.jsonl:line 2", "feed.jsonl:line 3"]


def test_json_array():
    data = json.dumps([{"title": "A", "text": "Body one."}, {"title": "B", "text": "Body two."}]).encode()
    results = list(read_bytes(data, "a.json"))
    assert [r.provenance.locator for r in results] == ["record 1", "record 2"]


def test_html_page_main_text_metadata():
    a = _one(PAGE.encode(), "page.html")
    assert a.title == "Bridge reopens after repairs"
    assert a.source.name == "Harbour Gazette" and a.source.domain == "harbourgazette.example"
    assert a.url == "https://harbourgazette.example/news/bridge?id=4"
    assert a.published == datetime(2026, 3, 17, 8, 30, tzinfo=timezone.utc)
    assert "Engineers replaced 40 steel beams" in a.text
    assert "cookies" not in a.text and "Sport" not in a.text
    assert "\n\n" in a.text  # paragraphs kept
    assert a.language == "en"


def test_rss_items_use_content_encoded_and_source_element():
    results = list(read_bytes(FEED.encode(), "agg.xml"))
    first, second = results
    assert first.source.name == "Tidewater Times" and first.source.domain == "tidewater.example"
    assert first.text == "The ferry strike in Portvale ended on Tuesday.\n\nCrews return to work on Wednesday, the union said."
    assert first.url == "https://tidewater.example/ferry"
    assert first.provenance.locator == "item 1"
    assert second.source.name == "News Aggregator"
    assert second.text.startswith("Only a description")


def test_atom_feed():
    a = _one(ATOM.encode(), "atom.xml")
    assert a.title == "Dam inspection" and a.text == "Inspectors checked the dam on Wednesday."
    assert a.source.name == "Valley Post"


def test_warc_gz_html_responses_only():
    data = _warc([("https://a.example/one", PAGE), ("https://b.example/two", PAGE.replace("Old Mill", "New Mill"))])
    results = list(read_bytes(data, "crawl.warc.gz"))
    assert all(isinstance(r, Article) for r in results) and len(results) == 2
    assert results[0].url == "https://a.example/one"
    assert "New Mill" in results[1].text
    assert results[0].provenance.locator.startswith("record ")


def test_a_warc_gzipped_as_one_file_is_read_whole_and_a_truncated_record_is_an_error():
    pages = [("https://a.example/one", PAGE), ("https://b.example/two", PAGE.replace("Old Mill", "New Mill"))]
    plain = _warc(pages, gzip=False)
    whole = list(read_bytes(gzip.compress(plain), "crawl.warc.gz"))
    assert [r.url for r in whole] == ["https://a.example/one", "https://b.example/two"]
    cut = list(read_bytes(plain[:-300], "cut.warc"))
    assert [type(r).__name__ for r in cut] == ["Article", "IngestError"]
    assert str(cut[1]) == "cut.warc:record 5: truncated: the file ends before the record does"
    big = list(read_bytes(_warc([("https://c.example/big", PAGE + "<p>x</p>" * 200_000)]), "big.warc.gz", max_bytes=1024 * 1024))
    assert len(big) == 1 and "larger than the 1 MiB limit" in big[0].reason


def test_an_http_body_that_ends_before_its_record_is_not_truncation():
    buf = io.BytesIO()
    writer = WARCWriter(buf, gzip=True)
    body = PAGE.encode()
    chunked = b"%x\r\n" % len(body) + body + b"\r\n0\r\n\r\n\r\n"  # a CRLF after the last chunk
    headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html"), ("Transfer-Encoding", "chunked")], protocol="HTTP/1.1")
    writer.write_record(writer.create_warc_record("https://a.example/c", "response", payload=io.BytesIO(chunked), http_headers=headers))
    (a,) = list(read_bytes(buf.getvalue(), "chunked.warc.gz"))
    assert isinstance(a, Article) and a.url == "https://a.example/c"


def test_plain_gzip_of_html_is_sniffed_by_content():
    a = _one(gzip.compress(PAGE.encode()), "page.bin")
    assert a.title == "Bridge reopens after repairs"


def test_sniff_by_content_not_extension():
    assert sniff(b"WARC/1.0\r\n") == "warc"
    assert sniff(FEED.encode()[:200]) == "feed"
    assert sniff(b"  <!DOCTYPE html><html>") == "html"
    assert sniff(b'{"a": 1}') == "json"
    assert sniff(b"title: x\n") == "text"


def test_directories_recursive_and_stdin(tmp_path, monkeypatch):
    (tmp_path / "a" / "b").mkdir(parents=True)
    (tmp_path / "a" / "one.txt").write_text("title: One\n\nBody one.\n")
    (tmp_path / "a" / "b" / "two.html").write_text(PAGE)
    found = list(read_paths([str(tmp_path)]))
    assert sorted(r.title for r in found) == ["Bridge reopens after repairs", "One"]
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(b"title: From stdin\n\nBody.\n")))
    (a,) = list(read_paths(["-"]))
    assert a.title == "From stdin" and a.provenance.file == "<stdin>"


def test_linked_folders_are_read_once_and_link_loops_end(tmp_path):
    (tmp_path / "real").mkdir()
    (tmp_path / "real" / "one.txt").write_text("title: One\n\nBody one.\n")
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "linked").symlink_to(tmp_path / "real")
    (tmp_path / "in" / "again").symlink_to(tmp_path / "real")
    (tmp_path / "in" / "up").symlink_to(tmp_path / "in")  # a loop
    found = list(read_paths([str(tmp_path / "in")]))
    assert [r.title for r in found if isinstance(r, Article)] == ["One"]


def test_links_to_folders_around_the_input_are_not_walked(tmp_path):
    (tmp_path / "outside.txt").write_text("title: Outside\n\nNot part of the input.\n")
    (tmp_path / "in" / "sub").mkdir(parents=True)
    (tmp_path / "in" / "sub" / "inside.txt").write_text("title: Inside\n\nPart of the input.\n")
    (tmp_path / "in" / "sub" / "parent").symlink_to(tmp_path)
    (tmp_path / "in" / "root").symlink_to("/")
    found = list(read_paths([str(tmp_path / "in")]))
    assert [r.title for r in found] == ["Inside"]


# ---------------------------------------------------------------- normalisation


def test_url_normalisation_strips_tracking():
    assert normalize_url("HTTPS://WWW.X.Example:443/a?utm_source=t&b=2&fbclid=9#top") == "https://www.x.example/a?b=2"


def test_source_from_name_domain_and_url():
    assert make_source("Harbour Gazette (harbourgazette.example)") .domain == "harbourgazette.example"
    assert make_source(None, "https://www.tidewater.example/x").name == "tidewater.example"
    assert make_source("valleypost.example").domain == "valleypost.example"


def test_dates_are_aware_or_none():
    assert parse_date("2026-03-17").tzinfo is not None
    assert parse_date("Tue, 17 Mar 2026 08:00:00 GMT") == datetime(2026, 3, 17, 8, tzinfo=timezone.utc)
    assert parse_date("not a date at all") is None
    assert parse_date(None) is None


# ---------------------------------------------------------------- hostile inputs


def _errors(data: bytes, name: str) -> list[IngestError]:
    return [r for r in read_bytes(data, name, max_bytes=64 * 1024 * 1024) if isinstance(r, IngestError)]


def test_gzip_bomb_is_refused():
    member = zlib.compressobj(9, zlib.DEFLATED, 31)
    chunk = member.compress(b"\0" * (64 * 1024 * 1024)) + member.flush()
    bomb = chunk * 40  # concatenated members: 2.5 GiB inflated from a few hundred KiB
    (err,) = _errors(bomb, "bomb.gz")
    assert err.file == "bomb.gz" and "inflates" in err.reason


@pytest.mark.parametrize(
    "data, reason",
    [
        (b"", "empty file"),
        (bytes(range(256)) * 40, "binary file"),
        ("title: Café\n\nLe café est fermé.".encode("latin-1"), "invalid UTF-8"),
        (gzip.compress(PAGE.encode())[:200], "truncated gzip"),
        (b'<html><head><meta charset="klingon-8"></head><body><p>x</p></body></html>', "unknown encoding"),
        (b"title: Only a title\n\n", "empty body"),
    ],
)
def test_hostile_input_gives_one_clear_error(data, reason):
    (err,) = _errors(data, "bad.input")
    assert reason in err.reason and str(err).startswith("bad.input")


def test_bad_json_line_keeps_the_rest():
    data = b'{"title": "A", "text": "Good one."}\n{"title": "B", "text": \n{"title": "C", "text": "Good two."}\n'
    results = list(read_bytes(data, "mixed.jsonl"))
    assert [type(r).__name__ for r in results] == ["Article", "IngestError", "Article"]
    assert str(results[1]).startswith("mixed.jsonl:line 2: invalid JSON")


@pytest.mark.parametrize("date", ["NaN", "1e20", "-99999999999", '"0001-01-01T00:00:00+01:00"', '"yesterday"', '"2 days ago"'])
def test_a_date_that_cannot_be_read_or_stored_fails_its_record_only(date):
    data = (f'{{"title": "A", "text": "Good one.", "date": "2026-03-17"}}\n'
            f'{{"title": "B", "text": "Bad date.", "date": {date}}}\n'
            f'{{"title": "C", "text": "Good two."}}\n').encode()
    results = list(read_bytes(data, "dates.jsonl"))
    assert [type(r).__name__ for r in results] == ["Article", "IngestError", "Article"]
    assert str(results[1]).startswith("dates.jsonl:line 2: unreadable date")


def test_relative_dates_are_not_read_against_the_clock():
    for text in ("yesterday", "today", "now", "in 3 weeks", "last year"):
        assert parse_date(text) is None, text
    assert parse_date("DECEMBER 16, 2008") == datetime(2008, 12, 16, tzinfo=timezone.utc)


def test_lone_surrogates_and_nul_become_storable_text():
    data = b'{"id": "s\\u0000x", "title": "Broken \\ud83d emoji", "text": "Body with half an emoji \\ud83d here.", "url": "https://a.example/\\u0000p"}\n'
    a = _one(data, "s.jsonl")
    assert a.id == "sx" and a.title == "Broken \ufffd emoji" and "\ufffd here" in a.text and "\x00" not in a.url
    a.text.encode("utf-8")  # storable


def test_a_pretty_printed_object_is_one_article_and_json_lines_may_start_with_an_array():
    pretty = json.dumps({"title": "Pretty", "text": "The council voted."}, indent=2).encode()
    assert _one(pretty, "pretty.json").title == "Pretty"
    lines = b'["not an article"]\n{"title": "A", "text": "One."}\n{"title": "B", "text": "Two."}\n'
    results = list(read_bytes(lines, "first.jsonl"))
    assert [type(r).__name__ for r in results] == ["IngestError", "Article", "Article"]
    assert str(results[0]) == "first.jsonl:line 1: expected a JSON object, got list"


def test_a_broken_pretty_printed_object_is_one_error_and_a_broken_first_json_line_only_its_own():
    broken = b'{\n  "title": "Pretty",\n  "text": "The council voted.",,\n  "date": "2026-03-17"\n}\n'
    (err,) = list(read_bytes(broken, "pretty.json"))
    assert str(err).startswith("pretty.json:line 3: invalid JSON")
    lines = b'{"title": "A", "text": \n{"title": "B", "text": "Two."}\n'
    results = list(read_bytes(lines, "first.jsonl"))
    assert [type(r).__name__ for r in results] == ["IngestError", "Article"]


def test_utf16_text_with_its_byte_order_mark_is_read():
    a = _one("title: Café reopens\n\nThe café on the quay reopened on Monday.\n".encode("utf-16"), "notepad.txt")
    assert a.title == "Café reopens" and "quay" in a.text


def test_a_line_separator_inside_a_json_string_does_not_split_the_record():
    data = json.dumps({"title": "LS", "text": "First part\u2028second part."}, ensure_ascii=False).encode() + b"\n"
    a = _one(data, "ls.jsonl")
    assert "second part" in a.text


def test_broken_html_still_yields_text():
    a = _one(b"<html><body><p>Unclosed paragraph about the harbour strike and the ferry crews on Tuesday<div><p>More text", "broken.html")
    assert "harbour strike" in a.text
