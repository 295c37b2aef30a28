"""Uploads ingested in the background, so that no request waits for analysis and clustering.

A job's state lives in the store's ``jobs`` table, so whichever server process a browser's next
request reaches (``storyline serve --workers N``) can report it; the uploaded bytes stay in the
memory of the process that took them, which runs its jobs one at a time on one thread. A job left
queued or running by a process that is gone (a restart) is reported as failed, with that reason.
"""

from __future__ import annotations

import os
import socket
import threading
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Callable

from sqlalchemy import insert, select, update

from storyline.storage import Store
from storyline.storage.schema import jobs

QUEUED, RUNNING, DONE, FAILED = "queued", "running", "done", "failed"
GONE = "the server process that took this upload stopped before it finished; upload the files again"
# Jobs a process holds (queued or running) at most: each keeps its upload in memory until it is done.
MAX_PENDING = 8


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
        self._count = threading.Lock()

    def submit(self, files: list[str], work: Callable[[], dict]) -> str:
        """Queue ``work`` (which returns the outcome as JSON); returns the job's id at once, or raises
        ``Busy`` when this process already holds ``MAX_PENDING`` jobs."""
        with self._count:
            if self._pending >= MAX_PENDING:
                raise Busy(f"{MAX_PENDING} uploads are waiting to be ingested; try again in a minute")
            self._pending += 1
        job_id = uuid.uuid4().hex
        try:
            with self.store.begin() as conn:
                conn.execute(insert(jobs).values(id=job_id, state=QUEUED, files=files, worker=self.worker,
                                                 submitted_at=_now()))
            if self._runner is None:  # made here, not at start: a forked server worker must not inherit a thread
                self._runner = ThreadPoolExecutor(max_workers=1, thread_name_prefix="storyline-job")
            self._runner.submit(self._run, job_id, work)
        except BaseException:
            self._done_with_one()
            raise
        return job_id

    def get(self, job_id: str) -> Job | None:
        with self.store.engine.connect() as conn:
            row = conn.execute(select(jobs).where(jobs.c.id == job_id)).mappings().first()
        if row is None:
            return None
        job = Job(row["id"], row["state"], list(row["files"]), row["submitted_at"], row["finished_at"],
                  row["outcome"], row["error"])
        if not job.finished and not self._alive(row["worker"]):
            self._set(job.id, FAILED, error=GONE)
            return self.get(job_id)
        return job

    def _run(self, job_id: str, work: Callable[[], dict]) -> None:
        outcome, error = None, None
        try:
            self._set(job_id, RUNNING)
            outcome = work()
        except Exception as e:  # recorded for whoever asks; the server goes on
            error = f"{type(e).__name__}: {e}"
        finally:
            self._done_with_one()  # before the state says so: whoever sees it finished may submit again
        self._set(job_id, FAILED if error else DONE, outcome=outcome, error=error)

    def _done_with_one(self) -> None:
        with self._count:
            self._pending -= 1

    def _set(self, job_id: str, state: str, outcome: dict | None = None, error: str | None = None) -> None:
        values: dict = {"state": state}
        if state in (DONE, FAILED):
            values.update(finished_at=_now(), outcome=outcome, error=error)
        with self.store.begin() as conn:
            conn.execute(update(jobs).where(jobs.c.id == job_id).values(**values))

    def _alive(self, worker: str) -> bool:
        """Whether the process that took a job may still run it; one on another host is assumed to."""
        host, pid, _ = worker.rsplit(":", 2)
        if host != socket.gethostname():
            return True
        if int(pid) == os.getpid():
            return worker == self.worker
        try:
            os.kill(int(pid), 0)
        except ProcessLookupError:
            return False
        except PermissionError:  # someone else's process: it exists
            return True
        return True


def _now() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)  # stored naive UTC, like every time in the store


def _iso(dt: datetime) -> str:
    return dt.replace(tzinfo=timezone.utc).isoformat()
