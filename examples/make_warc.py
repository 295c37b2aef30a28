"""Rebuild corpus/archive.warc.gz from the HTML pages in warc_src/.

The archive holds a warcinfo record, then a request and a response record per
page; readers must keep only the HTML responses. Record ids and dates are fixed
so the output is byte-for-byte reproducible: run `python examples/make_warc.py`.
"""

from __future__ import annotations

import uuid
from io import BytesIO
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

HERE = Path(__file__).resolve().parent
OUTPUT = HERE / "corpus" / "archive.warc.gz"
CRAWL_DATE = "2026-03-19T06:00:00Z"

# (source file, URL it was crawled from, HTTP Date header of the response)
PAGES = [
    ("eveningstar-mill.html",
     "https://eveningstar.example/local/riverside-counts-cost-kessler-mill-closure",
     "Thu, 19 Mar 2026 06:00:01 GMT"),
    ("brackenridgeherald-museum.html",
     "https://brackenridgeherald.example/arts/aldmoor-museum-theft-skylight-varn-seascape",
     "Thu, 19 Mar 2026 06:00:02 GMT"),
    ("northernnaturalist-puffins.html",
     "https://northernnaturalist.example/birds/puffin-numbers-recover-skerry-island",
     "Thu, 19 Mar 2026 06:00:03 GMT"),
]


def record_id(name: str) -> str:
    """A fixed WARC-Record-ID, so rebuilding gives the same bytes."""
    return f"<urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, 'storyline-example:' + name)}>"


def fixed_headers(name: str) -> dict[str, str]:
    return {"WARC-Record-ID": record_id(name), "WARC-Date": CRAWL_DATE}


def write_warcinfo(writer: WARCWriter) -> None:
    fields = b"software: storyline examples/make_warc.py\r\nformat: WARC File Format 1.0\r\n"
    writer.write_record(writer.create_warc_record(
        "", "warcinfo", payload=BytesIO(fields), length=len(fields),
        warc_content_type="application/warc-fields",
        warc_headers_dict={**fixed_headers("warcinfo"), "WARC-Filename": OUTPUT.name},
    ))


def write_page(writer: WARCWriter, source: str, url: str, http_date: str) -> None:
    host = url.split("/")[2]
    path = "/" + url.split("/", 3)[3]
    request_headers = StatusAndHeaders(f"GET {path} HTTP/1.1", [
        ("Host", host), ("User-Agent", "storyline-example-crawler/1.0"), ("Accept", "text/html"),
    ], is_http_request=True)
    writer.write_record(writer.create_warc_record(
        url, "request", http_headers=request_headers,
        warc_headers_dict=fixed_headers("request " + url),
    ))
    body = (HERE / "warc_src" / source).read_bytes()
    response_headers = StatusAndHeaders("200 OK", [
        ("Content-Type", "text/html; charset=utf-8"), ("Content-Length", str(len(body))),
        ("Date", http_date), ("Server", "nginx"),
    ], protocol="HTTP/1.1")
    writer.write_record(writer.create_warc_record(
        url, "response", payload=BytesIO(body), length=len(body), http_headers=response_headers,
        warc_headers_dict={**fixed_headers("response " + url),
                           "WARC-Concurrent-To": record_id("request " + url)},
    ))


def main() -> None:
    with OUTPUT.open("wb") as out:
        writer = WARCWriter(out, gzip=True)
        write_warcinfo(writer)
        for source, url, http_date in PAGES:
            write_page(writer, source, url, http_date)
    print(f"wrote {OUTPUT.relative_to(HERE.parent)} ({OUTPUT.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
