"""Normalisation shared by every reader: URLs, outlets, dates, body text, language."""

from __future__ import annotations

import email.utils
import re
import unicodedata
from datetime import date, datetime, timezone
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import dateparser

from storyline.model import Source

_TRACKING = re.compile(
    r"^(utm_[a-z_]+|fbclid|gclid|dclid|msclkid|mc_cid|mc_eid|igshid|yclid|_hsenc|_hsmi|ref|ref_src|cmpid|ocid|smid|sr_share|at_medium|at_campaign)$",
    re.I,
)


def normalize_url(url: str | None) -> str | None:
    """Canonical form of a URL: lower-case host, no default port, fragment or tracking parameters."""
    if not url:
        return None
    url = url.strip()
    try:
        parts = urlsplit(url)
    except ValueError:
        return url
    if not parts.scheme or not parts.netloc:
        return url
    host = (parts.hostname or "").lower()
    port = parts.port if parts.port not in (None, 80, 443) else None
    netloc = f"{host}:{port}" if port else host
    query = urlencode([(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _TRACKING.match(k)])
    path = parts.path or "/"
    return urlunsplit((parts.scheme.lower(), netloc, path, query, ""))


def domain_of(url: str | None) -> str | None:
    if not url:
        return None
    try:
        host = (urlsplit(url.strip()).hostname or "").lower()
    except ValueError:
        return None
    host = host.removeprefix("www.").removeprefix("m.").removeprefix("amp.")
    return host or None


_NAME_WITH_DOMAIN = re.compile(r"^(?P<name>.*?)\s*\((?P<domain>[a-z0-9.-]+\.[a-z]{2,})\)\s*$", re.I)


def make_source(name: str | None, url: str | None = None, domain: str | None = None) -> Source:
    """An outlet from whatever is known: "Harbour Gazette (harbourgazette.example)", a name, a URL."""
    name = clean_inline(name) if name else None
    if name:
        m = _NAME_WITH_DOMAIN.match(name)
        if m:
            name, domain = m.group("name").strip() or m.group("domain"), m.group("domain").lower()
        elif re.fullmatch(r"[a-z0-9-]+(\.[a-z0-9-]+)+", name, re.I):
            domain = domain or name.lower().removeprefix("www.")
    domain = (domain or "").lower().removeprefix("www.") or domain_of(url)
    if not name:
        name = domain or "unknown"
    return Source(name=name, domain=domain)


def parse_date(value: object) -> datetime | None:
    """A timezone-aware datetime from the common forms, or None. A date without a zone is taken as UTC."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        dt = value
    elif isinstance(value, date):
        dt = datetime(value.year, value.month, value.day)
    elif isinstance(value, (int, float)):
        # Epoch seconds, or milliseconds as many feeds and datasets give them.
        seconds = value / 1000 if value > 1e11 else value
        try:
            dt = datetime.fromtimestamp(seconds, tz=timezone.utc)
        except (OverflowError, OSError, ValueError):  # NaN, or past year 9999
            return None
    else:
        dt = _parse_date_text(str(value).strip())
        if dt is None:
            return None
    dt = dt if dt.tzinfo else dt.replace(tzinfo=timezone.utc)
    try:
        dt.astimezone(timezone.utc)  # the store keeps UTC: 0001-01-01 at +01:00 has none
    except OverflowError:
        return None
    return dt


def _parse_date_text(text: str) -> datetime | None:
    if not text:
        return None
    iso = text.replace("Z", "+00:00") if text.endswith("Z") else text
    try:
        return datetime.fromisoformat(iso)
    except ValueError:
        pass
    try:
        return email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        pass
    if re.fullmatch(r"\d{10}(\d{3})?", text):
        return parse_date(int(text))
    try:
        return dateparser.parse(text, languages=["en"], settings=_DATEPARSER_SETTINGS)
    except (OverflowError, ValueError):
        return None


# No relative-time parser: "yesterday" or "2 days ago" would be read against this machine's
# clock, inventing a publication date.
_DATEPARSER_SETTINGS = {
    "PREFER_DAY_OF_MONTH": "first", "REQUIRE_PARTS": ["year", "month"], "STRICT_PARSING": False,
    "PARSERS": ["timestamp", "custom-formats", "absolute-time"],
}


_SURROGATE = re.compile("[\ud800-\udfff]")


def storable(value: str) -> str:
    """Lone surrogates (a JSON "\\ud800" escape, half an emoji) cannot be stored as UTF-8, nor
    NUL in PostgreSQL text: the one becomes U+FFFD, the other goes."""
    return _SURROGATE.sub("\ufffd", value).replace("\x00", "")


_INLINE_WS = re.compile(r"[ \t\u00a0\u2000-\u200b\u202f\u205f\u3000]+")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def clean_inline(text: str) -> str:
    return _INLINE_WS.sub(" ", _CONTROL.sub("", text)).strip()


def clean_body(text: str) -> str:
    """Body text with paragraphs separated by one blank line and spaces folded inside them."""
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    paragraphs = [clean_inline(p) for p in re.split(r"\n\s*\n", text)]
    # Inside a paragraph, single line breaks are wrapping, not structure.
    return "\n\n".join(re.sub(r"\s*\n\s*", " ", p) for p in paragraphs if p)


def lines_to_paragraphs(text: str) -> str:
    """Extractor output has one paragraph a line; store them as paragraphs."""
    return clean_body("\n\n".join(text.splitlines()))


_EN_STOPWORDS = frozenset(
    "the of and to in a is that for on was with he it as at by his be from are have has said were an "
    "will not they but had this who their she her been its which after would".split()
)


def guess_language(text: str) -> str | None:
    """"en" when the text reads as English; None when it cannot tell (no other language is guessed)."""
    words = re.findall(r"[a-z']+", text[:5000].lower())
    if len(words) < 8:
        return None
    share = sum(w in _EN_STOPWORDS for w in words) / len(words)
    return "en" if share > 0.15 else None
