"""One reader per input format. Each turns decoded bytes into Articles and IngestErrors.

A reader never raises for bad content: it yields an ``IngestError`` naming the
record and the reason, and goes on with the next record.
"""

from __future__ import annotations

import io
import json
import re
from typing import Any, Iterator

import feedparser
import htmldate
import lxml.html
import trafilatura
from lxml.etree import ParserError
from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed

from storyline.ingest.normalize import (
    clean_body,
    clean_inline,
    guess_language,
    lines_to_paragraphs,
    make_source,
    normalize_url,
    parse_date,
    storable,
)
from storyline.model import Article, IngestError, Provenance

Result = Article | IngestError

# ------------------------------------------------------------------ helpers


def _article(
    file: str,
    locator: str | None,
    text: str,
    *,
    title: str | None = None,
    url: str | None = None,
    source_name: str | None = None,
    source_domain: str | None = None,
    published: Any = None,
    byline: str | None = None,
    language: str | None = None,
    article_id: str | None = None,
) -> Result:
    """Build an Article, or the error that explains why the record is not one."""
    if not text or not text.strip():
        return IngestError(file, locator, "empty body: no article text found")
    text, title, url, source_name, source_domain, byline, language, article_id = (
        storable(v) if isinstance(v, str) else v
        for v in (text, title, url, source_name, source_domain, byline, language, article_id)
    )
    url = normalize_url(url)
    published_dt = parse_date(published)
    if published not in (None, "") and published_dt is None:
        return IngestError(file, locator, f"unreadable date {str(published)[:60]!r}")
    return Article(
        id=str(article_id) if article_id not in (None, "") else "",
        text=text,
        title=clean_inline(title) if title else None,
        url=url,
        source=make_source(source_name, url, source_domain),
        published=published_dt,
        byline=clean_inline(byline) if byline else None,
        language=language or guess_language(text),
        provenance=Provenance(file, locator),
    )


def decode_text(data: bytes, file: str, declared: str | None = None) -> str | IngestError:
    """UTF-8 (BOM allowed), or a declared encoding; anything else is a clear error."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    encoding = (declared or "utf-8").strip().lower()
    try:
        return data.decode(encoding)
    except LookupError:
        return IngestError(file, None, f"unknown encoding {declared!r}")
    except UnicodeDecodeError as e:
        return IngestError(
            file, None, f"invalid {encoding.upper()} (byte 0x{data[e.start]:02x} at offset {e.start}); convert the file to UTF-8"
        )


# ------------------------------------------------------------------ plain text

_HEADER = re.compile(r"^(title|headline|date|published|source|outlet|url|link|byline|author|language|lang)\s*:\s*(.*)$", re.I)
_BARE_DATE = re.compile(r"^date\s+(\S.*)$", re.I)


def read_text(text: str, file: str) -> Iterator[Result]:
    """Optional ``name: value`` header lines, then the body. Without a title header, a short
    headline-like first line is the title."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    fields: dict[str, str] = {}
    i = 0
    while i < len(lines):
        line = lines[i].strip()
        m = _HEADER.match(line)
        bare = _BARE_DATE.match(line) if not m and i == 0 else None
        if m:
            fields[_TEXT_FIELDS[m.group(1).lower()]] = m.group(2).strip()
        elif bare:
            fields["published"] = bare.group(1).strip()
        else:
            break
        i += 1
    body_lines = lines[i:]
    while body_lines and not body_lines[0].strip():
        body_lines.pop(0)
    if "title" not in fields and body_lines and _looks_like_headline(body_lines):
        fields["title"] = body_lines.pop(0).strip()
    yield _article(file, None, clean_body("\n".join(body_lines)), **fields)


_TEXT_FIELDS = {
    "title": "title", "headline": "title", "date": "published", "published": "published",
    "source": "source_name", "outlet": "source_name", "url": "url", "link": "url",
    "byline": "byline", "author": "byline", "language": "language", "lang": "language",
}


def _looks_like_headline(lines: list[str]) -> bool:
    first = lines[0].strip()
    followed_by_break = len(lines) > 1 and not lines[1].strip()
    return 0 < len(first) <= 150 and not first.endswith((".", ",", ";", ":")) and followed_by_break


# ------------------------------------------------------------------ JSON and JSONL

_JSON_FIELDS = {
    "text": ("text", "body", "content", "article", "articleBody", "maintext", "full_text"),
    "title": ("title", "headline", "name"),
    "published": ("published", "date", "publish_date", "pubDate", "date_publish", "datePublished", "published_at", "timestamp"),
    "source_name": ("source", "outlet", "publisher", "source_name", "site_name", "domain"),
    "url": ("url", "link", "canonical_url", "source_url"),
    "byline": ("byline", "author", "authors"),
    "language": ("language", "lang"),
    "article_id": ("id", "doc_id", "article_id"),
}


def _json_article(obj: Any, file: str, locator: str) -> Result:
    if not isinstance(obj, dict):
        return IngestError(file, locator, f"expected a JSON object, got {type(obj).__name__}")
    fields: dict[str, Any] = {}
    for field, names in _JSON_FIELDS.items():
        for name in names:
            value = obj.get(name)
            if value not in (None, ""):
                fields[field] = value
                break
    source = fields.get("source_name")
    if isinstance(source, dict):  # {"name": ..., "domain"/"url": ...}
        fields["source_domain"] = source.get("domain") or make_source(None, source.get("url")).domain
        fields["source_name"] = source.get("name") or source.get("title")
    if isinstance(fields.get("byline"), list):
        fields["byline"] = ", ".join(map(str, fields["byline"]))
    text = fields.pop("text", "")
    if not isinstance(text, str):
        return IngestError(file, locator, f"field 'text' must be a string, got {type(text).__name__}")
    for name in ("title", "url", "source_name", "byline", "language"):
        if name in fields and not isinstance(fields[name], str):
            fields[name] = str(fields[name])
    return _article(file, locator, clean_body(text), **fields)


def read_json(text: str, file: str) -> Iterator[Result]:
    """One JSON document (an array of articles, or one article, however laid out); else JSON
    lines, each line one article."""
    stripped = text.lstrip()
    try:
        document = json.loads(stripped)
    except json.JSONDecodeError as e:
        # "Extra data": a first value parsed and more follows, as in JSON lines. Otherwise a broken
        # document (an array, or an object over several lines) is one error, unless some of its first
        # lines parse on their own: JSON lines whose first line is broken.
        if not e.msg.startswith("Extra data") and (stripped.startswith("[") or not _some_line_parses(stripped)):
            yield IngestError(file, f"line {e.lineno}", f"invalid JSON: {e.msg} at column {e.colno}")
            return
    else:
        if isinstance(document, list):
            for n, obj in enumerate(document, 1):
                yield _safe_json_article(obj, file, f"record {n}")
        else:
            yield _safe_json_article(document, file, "line 1" if "\n" not in stripped.rstrip() else "record 1")
        return
    # Only "\n" ends a line: U+2028 and the like may stand raw inside a JSON string.
    for n, line in enumerate(text.split("\n"), 1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as e:
            yield IngestError(file, f"line {n}", f"invalid JSON: {e.msg} at column {e.colno}")
            continue
        yield _safe_json_article(obj, file, f"line {n}")


def _some_line_parses(text: str, lines: int = 5) -> bool:
    """Whether one of the first ``lines`` lines is a JSON object on its own, as a JSON line is."""
    for line in text.split("\n", lines)[:lines]:
        try:
            if isinstance(json.loads(line), dict):
                return True
        except json.JSONDecodeError:
            continue
    return False


def _safe_json_article(obj: Any, file: str, locator: str) -> Result:
    """``_json_article``, with whatever a record's values raise turned into that record's error."""
    try:
        return _json_article(obj, file, locator)
    except Exception as e:  # a value of an unforeseen type or range must not end the batch
        return IngestError(file, locator, f"{type(e).__name__}: {str(e)[:200]}")


# ------------------------------------------------------------------ HTML pages


def _meta(tree: Any, *names: str) -> str | None:
    for name in names:
        for attr in ("property", "name", "itemprop"):
            found = tree.xpath(f'//meta[@{attr}="{name}"]/@content')
            if found and found[0].strip():
                return found[0].strip()
    return None


def read_html(html: str, file: str, locator: str | None = None, url: str | None = None) -> Iterator[Result]:
    """Main text by trafilatura (deduplication off: it is order-dependent and drops text),
    the date by htmldate, title and outlet from the page metadata."""
    try:
        tree = lxml.html.document_fromstring(html)
    except (ParserError, ValueError) as e:
        yield IngestError(file, locator, f"unparseable HTML: {e}")
        return
    doc = trafilatura.bare_extraction(
        tree, url=url, deduplicate=False, with_metadata=True, include_comments=False, include_tables=False
    )
    body = lines_to_paragraphs(doc.text or "") if doc is not None else ""
    canonical = tree.xpath('//link[@rel="canonical"]/@href')
    page_url = url or (canonical[0] if canonical else None) or _meta(tree, "og:url")
    title = _meta(tree, "og:title", "twitter:title") or (doc.title if doc else None)
    if not title:
        titles = tree.xpath("//title/text()")
        title = titles[0] if titles else None
    body = _without_leading_title(body, title)
    site = _meta(tree, "og:site_name", "application-name", "publisher") or (doc.sitename if doc else None)
    lang = tree.get("lang") or _meta(tree, "og:locale", "language")
    try:
        found = htmldate.find_date(tree, url=page_url, original_date=True, outputformat="%Y-%m-%dT%H:%M:%S%z", extensive_search=False)
    except (ValueError, TypeError):
        found = None
    published = _meta(tree, "article:published_time", "datePublished", "pubdate", "date") or found
    yield _article(
        file,
        locator,
        body,
        title=title,
        url=page_url,
        source_name=site,
        published=published,
        byline=(doc.author if doc else None) or _meta(tree, "author", "article:author"),
        language=(lang or "").split("-")[0].split("_")[0].lower() or None,
    )


def _without_leading_title(body: str, title: str | None) -> str:
    """Extractors sometimes keep the <h1> as the first paragraph; the title is stored apart."""
    first, _, rest = body.partition("\n\n")
    if title and rest and _comparable(first) in (_comparable(title), _comparable(title.split(" | ")[0])):
        return rest
    return body


def _comparable(text: str) -> str:
    return re.sub(r"\W+", " ", text).strip().lower()


def fragment_text(html: str) -> str:
    """Plain text of an HTML fragment (a feed item's content), one paragraph per block."""
    try:
        root = lxml.html.fragment_fromstring(html, create_parent="div")
    except (ParserError, ValueError):
        return clean_body(html)
    for br in root.iter("br"):
        br.tail = "\n" + (br.tail or "")
    blocks = root.xpath(".//p|.//h1|.//h2|.//h3|.//h4|.//li|.//blockquote")
    if not blocks:
        return clean_body(root.text_content())
    return clean_body("\n\n".join(b.text_content() for b in blocks if not b.xpath("ancestor::p|ancestor::li")))


# ------------------------------------------------------------------ RSS and Atom


def read_feed(data: bytes, file: str) -> Iterator[Result]:
    """One article per item; the full text from content:encoded when present. An item's
    <source> names the real publisher behind an aggregator feed."""
    parsed = feedparser.parse(data)
    if parsed.bozo and not parsed.entries:
        yield IngestError(file, None, f"unreadable feed: {parsed.get('bozo_exception')}")
        return
    feed_title = parsed.feed.get("title")
    for n, entry in enumerate(parsed.entries, 1):
        contents = entry.get("content") or []
        html = contents[0].get("value") if contents else entry.get("summary", "")
        src = entry.get("source") or {}
        yield _article(
            file,
            f"item {n}",
            fragment_text(html or ""),
            title=entry.get("title"),
            url=entry.get("link"),
            source_name=src.get("title") or feed_title,
            source_domain=make_source(None, src.get("href")).domain if src.get("href") else None,
            published=entry.get("published") or entry.get("updated"),
            byline=entry.get("author"),
            language=(parsed.feed.get("language") or "").split("-")[0] or None,
        )


# ------------------------------------------------------------------ WARC


def read_warc(data: bytes, file: str, max_bytes: int) -> Iterator[Result]:
    """Each HTML response record becomes an article; other records are skipped. A record whose
    body inflates past ``max_bytes`` or ends before its stated length is an error, not an article."""
    n = 0
    try:
        for record in ArchiveIterator(io.BytesIO(data)):
            n += 1
            if record.rec_type != "response":
                continue
            ctype = (record.http_headers.get_header("Content-Type") or "") if record.http_headers else ""
            if "html" not in ctype.lower():
                continue
            url = record.rec_headers.get_header("WARC-Target-URI")
            body = record.content_stream().read(max_bytes + 1)
            if len(body) > max_bytes:
                yield IngestError(file, f"record {n}", f"body is larger than the {max_bytes // (1024 * 1024)} MiB limit; skipped")
                continue
            record.raw_stream.read()  # the rest of the record: an HTTP body may end before it does
            if getattr(record.raw_stream, "limit", 0):  # bytes the record header promised and the file lacks
                yield IngestError(file, f"record {n}", "truncated: the file ends before the record does")
                continue
            charset = re.search(r"charset=([\w-]+)", ctype, re.I)
            html = decode_text(body, file, charset.group(1) if charset else None)
            if isinstance(html, IngestError):
                html = body.decode("utf-8", errors="replace")
            yield from read_html(html, file, f"record {n}", url=url)
    except (ArchiveLoadFailed, EOFError, OSError, ValueError) as e:
        yield IngestError(file, f"record {n + 1}", f"broken WARC: {str(e)[:300]}")
