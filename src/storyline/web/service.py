"""What the pages and the API do with the store: ingest + update, briefs, story and article views."""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from datetime import datetime, time, timezone

from storyline.engines.local import IngestReport, LocalEngine
from storyline.ingest import read_bytes
from storyline.model import Analysis, Article, Brief, IngestError
from storyline.storage import Store
from storyline.web import queries
from storyline.web.jobs import JobBoard
from storyline.web.queries import Filters, words_of

MAX_INFLATED = 64 * 1024 * 1024  # what one uploaded file (gzip) may inflate to


class BadInput(ValueError):
    """Input the caller must fix; the message says what is wrong."""

    def __init__(self, message: str, errors: list[IngestError] | None = None):
        super().__init__(message)
        self.errors = errors or []


@dataclass
class FileResult:
    name: str
    articles: int
    new: int
    errors: list[IngestError]


@dataclass
class IngestOutcome:
    files: list[FileResult] = field(default_factory=list)
    stories: int = 0
    update_error: str | None = None

    @property
    def articles(self) -> int:
        return sum(f.articles for f in self.files)

    @property
    def new(self) -> int:
        return sum(f.new for f in self.files)

    @property
    def errors(self) -> list[IngestError]:
        return [e for f in self.files for e in f.errors]

    def to_json(self) -> dict:
        return {
            "files": len(self.files),
            "articles": self.articles,
            "new": self.new,
            "already_stored": self.articles - self.new,
            "errors": [{"file": e.file, "locator": e.locator, "reason": e.reason} for e in self.errors],
            "stories": self.stories,
            "update_error": self.update_error,
            "per_file": [
                {"name": f.name, "articles": f.articles, "new": f.new,
                 "errors": [{"locator": e.locator, "reason": e.reason} for e in f.errors]}
                for f in self.files
            ],
        }


def parse_when(value: str | None, end_of_day: bool = False) -> datetime | None:
    """A date (YYYY-MM-DD) or an ISO 8601 datetime; a bare ``until`` date includes that whole day."""
    if not value or not value.strip():
        return None
    value = value.strip()
    try:
        dt = datetime.fromisoformat(value)
    except ValueError:
        raise BadInput(f"not a date: {value[:40]!r} (use YYYY-MM-DD or an ISO 8601 date-time)") from None
    if len(value) == 10 and end_of_day:
        dt = datetime.combine(dt.date(), time.max)
    dt = dt if dt.tzinfo else dt.replace(tzinfo=timezone.utc)
    try:
        dt.astimezone(timezone.utc)  # what the query compares with
    except OverflowError:
        raise BadInput(f"date out of range: {value[:40]!r}") from None
    return dt


def make_filters(q: str = "", entity: str = "", source: str = "", since: str | None = None, until: str | None = None) -> Filters:
    """The filters of a request; words with nothing to search for ("!!!") are an error, not "everything"."""
    if q.strip() and not words_of(q):
        raise BadInput(f"q: {q.strip()[:60]!r} has no words to search for (letters or digits)")
    return Filters(q.strip(), entity.strip(), source.strip(), parse_when(since), parse_when(until, end_of_day=True))


class Newsroom:
    """The store and one engine, shared by all requests; writes are serialised by a lock."""

    def __init__(self, store: Store):
        self.store = store
        self.engine = LocalEngine(store)
        self.jobs = JobBoard(store)
        self._write = threading.Lock()

    # ------------------------------------------------------------ writes

    def ingest_files(self, files: list[tuple[str, bytes]]) -> IngestOutcome:
        """Ingest uploaded files (bad records are listed, the rest lands), then update."""
        outcome = IngestOutcome()
        stored: list[str] = []
        with self._write:
            for name, data in files:
                items = list(read_bytes(data, name, MAX_INFLATED))
                report = self.engine.ingest_items(items, IngestReport(files=1))
                stored += report.ids
                outcome.files.append(FileResult(name, report.articles, report.new, report.errors))
            if outcome.new or queries.any_unplaced(self.store, stored):  # a resend finishes a stopped upload
                self._update(outcome, stored)
        return outcome

    def submit_files(self, files: list[tuple[str, bytes]]) -> str:
        """``ingest_files`` as a background job (``JobBoard``); returns the job's id at once."""
        return self.jobs.submit([name for name, _ in files], lambda: self.ingest_files(files).to_json())

    def ingest_records(self, payload: bytes) -> IngestOutcome:
        """Ingest a JSON object or list of them: all of it, or (on any bad record) none of it."""
        return self.ingest_articles(self.records(payload))

    def submit_records(self, payload: bytes) -> str:
        """``ingest_records`` as a background job, once every record is found valid (else ``BadInput``)."""
        items = self.records(payload)
        return self.jobs.submit(["api"], lambda: self.ingest_articles(items).to_json())

    @staticmethod
    def records(payload: bytes) -> list[Article]:
        """The articles of a JSON object or list of them; ``BadInput`` names what is wrong, when anything is."""
        try:
            doc = json.loads(payload)
        except (ValueError, RecursionError) as e:  # JSONDecodeError and UnicodeDecodeError are ValueErrors
            raise BadInput(f"malformed JSON: {e}") from None
        records = doc if isinstance(doc, list) else [doc]
        if not records:
            raise BadInput("empty list: send one article object or a list of them")
        if not all(isinstance(r, dict) for r in records):
            raise BadInput("expected a JSON object or a list of objects (one per article)")
        items = list(read_bytes(json.dumps(records).encode(), "api"))
        errors = [i for i in items if isinstance(i, IngestError)]
        if errors:
            raise BadInput(f"{len(errors)} of {len(records)} records are invalid; nothing was stored", errors)
        return items  # type: ignore[return-value]  # no IngestError left

    def ingest_articles(self, items: list[Article]) -> IngestOutcome:
        """Store valid articles (``records``), then update."""
        outcome = IngestOutcome()
        with self._write:
            report = self.engine.ingest_items(items, IngestReport(files=1))
            outcome.files.append(FileResult("api", report.articles, report.new, report.errors))
            if outcome.new or queries.any_unplaced(self.store, report.ids):
                self._update(outcome, report.ids)
        return outcome

    def _update(self, outcome: IngestOutcome, article_ids: list[str]) -> None:
        """Analyse, dedup, cluster; then build the briefs of the stories the new articles joined."""
        try:
            outcome.stories = len(self.engine.update())
        except Exception as e:  # the articles are stored; the next update retries
            outcome.update_error = f"{type(e).__name__}: {e}"
            return
        if failures := self.engine.analysis_failures:  # stored, left out of the stories until they can be analysed
            outcome.update_error = f"{len(failures)} articles could not be analysed; first: {failures[0]}"
        for story_id in {s for a in article_ids if (s := queries.article_story(self.store, a))}:
            self.brief(story_id)

    # ------------------------------------------------------------ reads

    def brief(self, story_id: str) -> tuple[Brief | None, str | None]:
        """The story's brief, or None and the reason it could not be built."""
        try:
            return self.engine.brief(story_id), None
        except Exception as e:  # a brief that fails must not take the story page down
            return None, f"{type(e).__name__}: {e}"

    def article(self, article_id: str) -> tuple[Article, Analysis | None] | None:
        article = self.store.get_article(article_id)
        if article is None:
            return None
        return article, self.store.get_analyses([article.id]).get(article.id)
