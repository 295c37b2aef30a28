"""Ingest: files, directories and stdin to ``Article`` records, format chosen by content.

``read_paths`` yields an ``Article`` per article read and an ``IngestError`` per
thing that could not be read, so one bad record never stops a batch.
"""

from __future__ import annotations

import gzip
import re
import os
import sys
import zlib
from pathlib import Path
from typing import BinaryIO, Iterable, Iterator

from storyline.ingest.readers import Result, decode_text, read_feed, read_html, read_json, read_text, read_warc
from storyline.model import Article, IngestError

# Bounds what one input may inflate to, so a gzip bomb is an error, not an outage.
MAX_BYTES = 256 * 1024 * 1024
_SKIP_DIRS = {".git", "__pycache__", ".svn", ".hg"}


def sniff(head: bytes) -> str:
    """The format of decoded content from its first bytes: warc, feed, html, json or text."""
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if start.startswith(b"warc/"):
        return "warc"
    probe = start[:2048]
    if probe.startswith(b"<?xml") or probe.startswith(b"<rss") or probe.startswith(b"<feed") or probe.startswith(b"<rdf:rdf"):
        if b"<rss" in probe or b"<feed" in probe or b"<rdf:rdf" in probe:
            return "feed"
        return "html" if b"<html" in probe else "feed"
    if probe.startswith(b"<!doctype html") or probe.startswith(b"<html") or b"<html" in probe[:512] or probe.startswith(b"<!--"):
        return "html"
    if probe.startswith(b"{") or probe.startswith(b"["):
        return "json"
    return "text"


def _looks_binary(data: bytes) -> bool:
    sample = data[:8192]
    if b"\x00" in sample:
        return True
    control = sum(1 for b in sample if b < 9 or 13 < b < 32)
    return bool(sample) and control / len(sample) > 0.1


def _read_limited(stream: BinaryIO, limit: int) -> bytes:
    data = stream.read(limit + 1)
    if len(data) > limit:
        raise OverflowError(f"larger than the {limit // (1024 * 1024)} MiB limit")
    return data


def read_bytes(data: bytes, file: str, max_bytes: int = MAX_BYTES) -> Iterator[Result]:
    """Every article in one input's bytes; gzip is inflated first (within ``max_bytes``)."""
    if not data:
        yield IngestError(file, None, "empty file (0 bytes)")
        return
    if data[:2] == b"\x1f\x8b":
        if sniff(_gunzip_head(data)) == "warc" and _gzipped_by_record(data, max_bytes):
            yield from read_warc(data, file, max_bytes)  # warcio inflates record by record itself
            return
        try:
            data = _read_limited(gzip.GzipFile(fileobj=_BytesReader(data)), max_bytes)
        except OverflowError as e:
            yield IngestError(file, None, f"gzip inflates {e}; refusing it")
            return
        except (OSError, EOFError, zlib.error) as e:
            yield IngestError(file, None, f"corrupt or truncated gzip: {e}")
            return
        if not data:
            yield IngestError(file, None, "empty file (gzip holds 0 bytes)")
            return
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):  # UTF-16 with its byte-order mark (Windows "Unicode" text)
        try:
            data = data.decode("utf-16").encode("utf-8")
        except UnicodeError as e:
            yield IngestError(file, None, f"invalid UTF-16 ({e.reason} at offset {e.start}); convert the file to UTF-8")
            return
    kind = sniff(data[:4096])
    if kind == "warc":
        yield from read_warc(data, file, max_bytes)
        return
    if kind == "feed":
        yield from read_feed(data, file)
        return
    if _looks_binary(data):
        yield IngestError(file, None, "binary file, not text, HTML, JSON, a feed or WARC")
        return
    declared = _declared_charset(data) if kind == "html" else None
    text = decode_text(data, file, declared)
    if isinstance(text, IngestError):
        yield text
        return
    if kind == "html":
        yield from read_html(text, file)
    elif kind == "json":
        yield from read_json(text, file)
    else:
        yield from read_text(text, file)


def _gzipped_by_record(data: bytes, max_bytes: int) -> bool:
    """Whether a gzipped WARC is one gzip member per record (the standard), which warcio reads a
    record at a time, rather than one member for the whole file, which is inflated like any gzip.
    The probe stops at ``max_bytes``: a first member that large is taken for one oversized record."""
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    chunk, inflated = 1 << 16, 0
    try:
        for start in range(0, len(data), chunk):
            inflated += len(inflater.decompress(data[start : start + chunk], chunk))  # the output is not kept
            while inflater.unconsumed_tail and not inflater.eof and inflated <= max_bytes:
                inflated += len(inflater.decompress(inflater.unconsumed_tail, chunk))
            if inflater.eof:
                return bool(inflater.unused_data) or start + chunk < len(data)  # another member follows
            if inflated > max_bytes:
                return True  # one record this large: warcio reads per record and refuses just that one
    except zlib.error:
        return True  # broken: warcio says where
    return False


def _gunzip_head(data: bytes) -> bytes:
    try:
        return zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(data[:65536], 64)
    except zlib.error:
        return b""


def _declared_charset(data: bytes) -> str | None:
    m = re.search(rb"<meta[^>]+charset=[\"']?([\w-]+)", data[:4096], re.I)
    return m.group(1).decode("ascii") if m else None


class _BytesReader:
    """Minimal file object over bytes without copying them into a BytesIO."""

    def __init__(self, data: bytes):
        self._view = memoryview(data)
        self._pos = 0

    def read(self, n: int = -1) -> bytes:
        end = len(self._view) if n is None or n < 0 else min(len(self._view), self._pos + n)
        chunk = self._view[self._pos : end].tobytes()
        self._pos = end
        return chunk


def iter_files(paths: Iterable[str]) -> Iterator[str]:
    """Files under the given paths, directories recursively in sorted order; ``-`` is stdin."""
    for p in paths:
        if p == "-":
            yield p
            continue
        path = Path(p)
        if path.is_dir():
            unreadable: list[str] = []
            top = os.path.realpath(path)
            seen = {top}  # linked folders are followed, each once: a link loop ends
            for root, dirs, files in os.walk(path, onerror=lambda e: unreadable.append(e.filename), followlinks=True):
                yield from unreadable  # ``read_path`` says why
                unreadable.clear()
                dirs[:] = [d for d in sorted(dirs) if d not in _SKIP_DIRS and not d.startswith(".")
                           and _first_visit(root, d, top, seen)]
                for name in sorted(files):
                    if not name.startswith("."):
                        yield str(Path(root) / name)
            yield from unreadable
        else:
            yield str(path)


def _first_visit(root: str, name: str, top: str, seen: set[str]) -> bool:
    """Whether a subfolder is new to this walk. A link to a folder holding ``top`` (its parent, the
    home folder, /) is not: it would walk the folder again and everything around it."""
    real = os.path.realpath(os.path.join(root, name))
    if real in seen or top.startswith(real.rstrip(os.sep) + os.sep):
        return False
    seen.add(real)
    return True


def read_path(path: str, max_bytes: int = MAX_BYTES) -> Iterator[Result]:
    if path == "-":
        try:
            data = _read_limited(sys.stdin.buffer, max_bytes)
        except OverflowError as e:
            yield IngestError("<stdin>", None, f"input {e}")
            return
        yield from read_bytes(data, "<stdin>", max_bytes)
        return
    if os.path.isdir(path):  # a folder ``iter_files`` could not list
        try:
            os.listdir(path)
        except OSError as e:
            yield IngestError(path, None, f"cannot read directory: {e.strerror or e}")
        return
    try:
        if os.path.getsize(path) > max_bytes:
            yield IngestError(path, None, f"file is larger than the {max_bytes // (1024 * 1024)} MiB limit")
            return
        with open(path, "rb") as fh:
            data = fh.read()
    except OSError as e:
        yield IngestError(path, None, f"cannot read: {e.strerror or e}")
        return
    yield from read_bytes(data, path, max_bytes)


def read_paths(paths: Iterable[str], max_bytes: int = MAX_BYTES) -> Iterator[Result]:
    """Articles and errors from files, directories (recursively) and ``-`` for stdin."""
    for file in iter_files(paths):
        yield from read_path(file, max_bytes)


__all__ = ["read_paths", "read_path", "read_bytes", "iter_files", "sniff", "Article", "IngestError", "MAX_BYTES"]
