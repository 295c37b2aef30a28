"""Uploads ingested in the background, so that no request waits for analysis and clustering.

A job's state lives in the store's ``jobs`` table, so whichever server process a browser's next
request reaches (``storyline serve --workers N``) can report it; the uploaded bytes stay in the
memory of the process that took them, which runs its jobs one at a time on one thread. A job whose
process is gone is reported as failed, with that reason: at once when that process ran on this
host, else once the job is older than ``STALE_AFTER``. Finished jobs are kept ``KEEP_FOR``.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from datetime import datetime, timedelta, timezone
from typing import Callable, Mapping

from sqlalchemy import delete, insert, select, update

from storyline.storage import Store
from storyline.storage.schema import jobs

QUEUED, RUNNING, DONE, FAILED = "queued", "running", "done", "failed"
GONE = "the server process that took this upload stopped before it finished; upload the files again"
STOPPED = "the server stopped before this upload was ingested; upload the files again"
BUSY = "too many uploads are waiting to be ingested; try again in a minute"
# Jobs a process holds (queued or running) at most: each keeps its upload in memory until it is done.
MAX_PENDING = 8
# An upload of the largest size is ingested in minutes; an unfinished job this old has lost its process.
STALE_AFTER = timedelta(hours=1)
KEEP_FOR = timedelta(days=30)

log = logging.getLogger(__name__)


class Busy(RuntimeError):
    """This process holds ``MAX_PENDING`` jobs already; the caller should retry later."""


@dataclass(frozen=True)
class Job:
    id: str
    state: str
    files: list[str]
    submitted_at: datetime
    finished_at: datetime | None
    outcome: dict | None  # IngestOutcome.to_json()
    error: str | None

    @property
    def finished(self) -> bool:
        return self.state in (DONE, FAILED)

    def to_json(self) -> dict:
        return {
            "id": self.id, "state": self.state, "files": self.files,
            "submitted_at": _iso(self.submitted_at), "finished_at": _iso(self.finished_at) if self.finished_at else None,
            "outcome": self.outcome, "error": self.error,
        }


class JobBoard:
    """Runs submitted work on this process's single job thread and records each job's state in the store."""

    def __init__(self, store: Store):
        self.store = store
        # host:pid:incarnation; the incarnation tells this process from an earlier one with its pid (a container's 1)
        self.worker = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:12]}"
        self._runner: ThreadPoolExecutor | None = None
        self._pending = 0
        self._lock = threading.Lock()  # guards the count and the runner

    @property
    def full(self) -> bool:
        """Whether ``submit`` would refuse a job now (checked before an upload is read)."""
        return self._pending >= MAX_PENDING

    def submit(self, files: list[str], work: Callable[[], dict]) -> str:
        """Queue ``work`` (which returns the outcome as JSON); returns the job's id at once, or raises
        ``Busy`` when this process already holds ``MAX_PENDING`` jobs."""
        with self._lock:
            if self._pending >= MAX_PENDING:
                raise Busy(BUSY)
            self._pending += 1
            if self._runner is None:  # made here, not at start: a forked server worker must not inherit a thread
                self._runner = ThreadPoolExecutor(max_workers=1, thread_name_prefix="storyline-job")
            runner = self._runner
        job_id = uuid.uuid4().hex
        now = _now()
        try:
            with self.store.begin() as conn:
                conn.execute(delete(jobs).where(jobs.c.finished_at < now - KEEP_FOR))
                conn.execute(insert(jobs).values(id=job_id, state=QUEUED, files=files, worker=self.worker,
                                                 submitted_at=now))
        except BaseException:
            self._done_with_one()
            raise
        try:
            runner.submit(self._run, job_id, work)
        except BaseException as e:  # a runner shut down by ``close``: the row must not stay queued
            self._done_with_one()
            self._finish(job_id, None, f"{type(e).__name__}: {e}")
            raise
        return job_id

    def get(self, job_id: str) -> Job | None:
        with self.store.engine.connect() as conn:
            row = conn.execute(select(jobs).where(jobs.c.id == job_id)).mappings().first()
        return None if row is None else self._job(row)

    def recent(self, limit: int) -> list[Job]:
        """The latest jobs, newest first."""
        with self.store.engine.connect() as conn:
            rows = conn.execute(select(jobs).order_by(jobs.c.submitted_at.desc(), jobs.c.id).limit(limit)).mappings().all()
        return [self._job(row) for row in rows]

    def _job(self, row: Mapping) -> Job:
        job = Job(row["id"], row["state"], list(row["files"]), row["submitted_at"], row["finished_at"],
                  row["outcome"], row["error"])
        if not job.finished and self._lost(row["worker"], job.submitted_at):
            self._finish(job.id, None, GONE)
            return self.get(job.id) or replace(job, state=FAILED, error=GONE)  # as stored: it may have finished after all
        return job

    def close(self) -> None:
        """At server shutdown: drop the jobs not started and say so, then wait for the running one to end
        (the server exits when this returns, and would kill it half-way)."""
        with self._lock:
            runner, self._runner = self._runner, None
        if runner is None:
            return
        runner.shutdown(wait=False, cancel_futures=True)
        with self.store.begin() as conn:
            conn.execute(update(jobs).where(jobs.c.worker == self.worker, jobs.c.state == QUEUED)
                         .values(state=FAILED, finished_at=_now(), error=STOPPED))
        runner.shutdown(wait=True)

    def _run(self, job_id: str, work: Callable[[], dict]) -> None:
        outcome, error = None, "the job ended without an outcome"
        try:
            if not self._claim(job_id):
                return  # failed meanwhile (``close``): its page already says so
            outcome, error = work(), None
        except Exception as e:  # recorded for whoever asks; the server goes on
            log.exception("upload job %s failed", job_id)
            error = f"{type(e).__name__}: {e}"
        finally:
            self._done_with_one()  # before the state says so: whoever sees it finished may submit again
            self._finish(job_id, outcome, error)

    def _done_with_one(self) -> None:
        with self._lock:
            self._pending -= 1

    def _claim(self, job_id: str) -> bool:
        """Queued to running; False when the job is no longer queued."""
        with self.store.begin() as conn:
            claimed = conn.execute(update(jobs).where(jobs.c.id == job_id, jobs.c.state == QUEUED).values(state=RUNNING))
        return claimed.rowcount == 1

    def _finish(self, job_id: str, outcome: dict | None, error: str | None) -> None:
        """The final state, once: a job already failed as gone is not made done, nor the reverse."""
        values = {"state": FAILED if error else DONE, "finished_at": _now(), "outcome": outcome, "error": error}
        try:
            self._end(job_id, values)
        except Exception as e:  # an outcome the database cannot store: the job still ends
            log.exception("upload job %s: could not store its outcome", job_id)
            self._end(job_id, {**values, "state": FAILED, "outcome": None,
                               "error": f"its outcome could not be stored: {type(e).__name__}: {e}"})

    def _end(self, job_id: str, values: dict) -> None:
        with self.store.begin() as conn:
            conn.execute(update(jobs).where(jobs.c.id == job_id, jobs.c.state.in_((QUEUED, RUNNING))).values(**values))

    def _lost(self, worker: str, submitted_at: datetime) -> bool:
        """Whether the process that took a job can no longer finish it."""
        host, pid, _ = worker.rsplit(":", 2)
        if host != socket.gethostname():
            return _now() - submitted_at > STALE_AFTER
        if int(pid) == os.getpid():
            return worker != self.worker
        try:
            os.kill(int(pid), 0)
        except ProcessLookupError:
            return True
        except PermissionError:  # someone else's process: it exists
            return False
        return _now() - submitted_at > STALE_AFTER  # a pid taken since by another process


def _now() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)  # stored naive UTC, like every time in the store


def _iso(dt: datetime) -> str:
    return dt.replace(tzinfo=timezone.utc).isoformat()
