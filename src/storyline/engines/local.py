"""The local engine: every stage over one store, in one process.

The CLI, the web app and the tests drive the pipeline through this class, so
each stage is wired to storage in exactly one place.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Callable, Iterable, Iterator

from storyline.ingest import MAX_BYTES, iter_files, read_path, read_bytes
from storyline.model import Article, Brief, DupAssignment, IngestError, Story, from_jsonable, stable_hash, to_jsonable
from storyline.storage import Store

if TYPE_CHECKING:
    from storyline.analyze import AnalysisFailure, Analyzer

# Bump when the brief's content changes for the same inputs, so cached briefs are rebuilt.
BRIEF_VERSION = "5"
ID_CLASH = ("id {id!r} is already stored with another text: give the changed article its own id, or leave the id "
            "out and a changed text is stored as a new version")


@dataclass
class IngestReport:
    files: int = 0
    articles: int = 0
    new: int = 0
    errors: list[IngestError] = field(default_factory=list)
    ids: list[str] = field(default_factory=list)  # every article read, new or already stored

    @property
    def already_stored(self) -> int:
        return self.articles - self.new


Tick = Callable[[int], None]


def _noop(_: int) -> None:
    pass


class LocalEngine:
    def __init__(self, store: Store, processes: int = 1, batch_size: int = 200, analyzer: "Analyzer | None" = None):
        self.store = store
        self.processes = processes
        self.batch_size = batch_size
        self._analyzer = analyzer
        self.analysis_failures: list[AnalysisFailure] = []  # of the last ``analyze``

    @property
    def analyzer(self) -> "Analyzer":
        if self._analyzer is None:  # spaCy loads only when something needs analysing
            from storyline.analyze import Analyzer

            self._analyzer = Analyzer(n_process=self.processes)
        return self._analyzer

    # ------------------------------------------------------------ ingest

    def ingest_items(
        self,
        items: Iterable[Article | IngestError],
        report: IngestReport,
        on_error: Callable[[IngestError], None] | None = None,
        strict: bool = False,
    ) -> IngestReport:
        """Store articles in batches, one transaction each; errors are collected and reported.

        A record whose id is stored (or earlier in the input) with another text is an error:
        kept silently, the new text would be lost.
        """
        batch: list[Article] = []

        def fail(error: IngestError) -> None:
            report.errors.append(error)
            if on_error:
                on_error(error)

        def flush() -> None:
            clashes = {id(a) for a in self.store.id_clashes(batch)}  # by identity: one id may come twice
            for a in batch:
                if id(a) in clashes:
                    fail(IngestError(a.provenance.file, a.provenance.locator, ID_CLASH.format(id=a.id)))
                else:
                    report.articles += 1
                    report.ids.append(a.id)
            report.new += self.store.add_articles([a for a in batch if id(a) not in clashes])
            batch.clear()

        for item in items:
            if isinstance(item, IngestError):
                fail(item)
            else:
                batch.append(item)
                if len(batch) >= self.batch_size:
                    flush()
            if strict and report.errors:
                break
        flush()
        return report

    def ingest(
        self,
        paths: Iterable[str],
        on_error: Callable[[IngestError], None] | None = None,
        strict: bool = False,
        max_bytes: int = MAX_BYTES,
        tick: Tick = _noop,
    ) -> IngestReport:
        files = list(iter_files(paths))
        report = IngestReport(files=len(files))
        for file in files:
            self.ingest_items(read_path(file, max_bytes), report, on_error, strict)
            tick(1)
            if strict and report.errors:
                break
        return report

    def ingest_bytes(self, data: bytes, name: str, max_bytes: int = MAX_BYTES) -> IngestReport:
        """One uploaded file (web form, API)."""
        return self.ingest_items(read_bytes(data, name, max_bytes), IngestReport(files=1))

    # ------------------------------------------------------------ analyze, dedup, cluster

    def analyze(
        self, tick: Tick = _noop, save_every: int = 100, on_error: "Callable[[AnalysisFailure], None] | None" = None
    ) -> int:
        """Analyse stored articles that have no analysis from this analyzer version; the number analysed.

        An article the extractors fail on is kept in ``analysis_failures`` (and passed to
        ``on_error``) and stays unanalysed, to be tried again by the next run; the others are saved.
        """
        self.analysis_failures = []

        def failed(failure: AnalysisFailure) -> None:
            self.analysis_failures.append(failure)
            if on_error:
                on_error(failure)

        todo = self.store.ids_needing_analysis(self.analyzer.version)
        for start in range(0, len(todo), save_every):
            batch = self.store.get_articles(todo[start : start + save_every])
            done = list(self.analyzer.pipe(batch, on_error=failed))
            self.store.save_analyses(done)
            tick(len(batch))
        return len(todo) - len(self.analysis_failures)

    def dedup(self) -> list[DupAssignment]:
        """Compare articles without a duplicate group against the stored band index."""
        from storyline.dedup import find_duplicates
        from storyline.storage.bands import SqlIndex

        with SqlIndex(self.store) as index:
            new = index.unindexed_ids()
            return find_duplicates(self._stream_articles(new), index) if new else []

    def _stream_articles(self, ids: list[str], chunk: int = 500) -> Iterator[Article]:
        """Stored articles in the given order, fetched a chunk at a time rather than all at once."""
        for start in range(0, len(ids), chunk):
            yield from self.store.get_articles(ids[start : start + chunk])

    def cluster(self, leave_out: Iterable[str] = ()) -> list[Story]:
        """Cluster the whole store in batch mode and replace the stored stories.

        Only the latest version of a re-crawled article takes part: two versions of one report
        would count as two articles and contradict each other. Every article needs an analysis,
        except those in ``leave_out`` (the ones the analysis failed on), which stay out of the
        stories until they can be analysed.
        """
        from storyline.cluster import cluster

        skipped = set(leave_out)
        articles = [a for a in self.store.iter_articles(latest_only=True) if a.id not in skipped]
        analyses = self.store.get_analyses(a.id for a in articles)
        missing = [a.id for a in articles if a.id not in analyses]
        if missing:
            raise RuntimeError(f"{len(missing)} articles are not analysed yet (first: {missing[0]}); run analyze first")
        result = cluster(articles, analyses.values())
        self.store.save_stories(result.stories, replace_all=True)
        return result.stories

    def update(self, tick: Tick = _noop) -> list[Story]:
        """Everything after ingest: analyse what is new, dedup, cluster (see ``analysis_failures``)."""
        self.analyze(tick)
        self.dedup()
        return self.cluster(leave_out=[f.article_id for f in self.analysis_failures])

    # ------------------------------------------------------------ brief

    def brief(self, story_id: str) -> Brief | None:
        """The brief of one stored story, from the cache when its inputs have not changed."""
        from storyline.brief import build_brief

        story = self.store.get_story(story_id)
        if story is None:
            return None
        versions = self.store.analyzer_versions(story.article_ids)
        dups = self.store.get_dup_groups(story.article_ids)
        fingerprint = stable_hash(
            BRIEF_VERSION,
            story.headline,
            *sorted(f"{i}:{versions.get(i, '-')}" for i in story.article_ids),
            *sorted(f"{d.id}:{d.parent}:{d.syndicated_from}" for d in dups.values()),
        )
        cached = self.store.get_brief(story_id, fingerprint)
        if cached is not None:
            return from_jsonable(Brief, cached)
        articles = self.store.get_articles(story.article_ids)
        analyses = self.store.get_analyses(story.article_ids)
        brief = build_brief(story, articles, analyses.values(), dups.values())
        self.store.save_brief(story_id, fingerprint, to_jsonable(brief))
        return brief

    def briefs(self) -> list[Brief]:
        return [b for s in self.store.list_stories() if (b := self.brief(s.id)) is not None]
