"""Group commit: batches from many threads committed together, one transaction per group.

An acknowledged batch must be durable, so every commit waits for the disk (``fsync``), which
on ordinary disks costs more than writing a whole 500-event batch. Concurrent batches are
therefore handed to one writer thread that takes whatever is queued when it becomes free (up
to ``max_batches`` batches or ``max_events`` events), writes each inside its own savepoint and
commits once. Each caller still gets its own result, and only after the commit that made its
batch durable; a batch that fails rolls back to its savepoint without touching the others.
No batch waits for a group to fill: the writer never sleeps while work is queued.

Databases replicate this idea themselves (PostgreSQL's ``commit_delay``, InnoDB's group
commit); doing it here keeps SQLite's single writer busy with writing instead of waiting.
"""

from __future__ import annotations

import logging
import queue
import threading
from concurrent.futures import Future

from sqlalchemy.engine import Engine

from workprint.store.engine import write_tx
from workprint.store.errors import StoreUnavailable
from workprint.store.events import BatchWrite, WriteResult, write_in

log = logging.getLogger(__name__)

_Item = tuple[BatchWrite, "Future[WriteResult]"]


class GroupCommitter:
    """A writer thread for one engine; :meth:`write` blocks until the batch is committed."""

    def __init__(self, engine: Engine, *, max_batches: int = 16, max_events: int = 8000) -> None:
        self._engine = engine
        self._max_batches = max_batches
        self._max_events = max_events
        self._queue: queue.Queue[_Item | None] = queue.Queue()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self._closed = False
        self.groups = 0
        self.batches = 0

    def write(self, batch: BatchWrite) -> WriteResult:
        """Commit ``batch`` (with whatever else is queued); returns after the commit."""
        future: Future[WriteResult] = Future()
        with self._lock:
            if self._closed:
                raise StoreUnavailable("the store writer is shutting down; retry shortly")
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="group-commit", daemon=True)
                self._thread.start()
            self._queue.put((batch, future))
        return future.result()

    def close(self) -> None:
        """Finish what is queued, then stop the writer thread."""
        with self._lock:
            self._closed = True
            thread = self._thread
        if thread is not None:
            self._queue.put(None)
            thread.join(timeout=60)

    def _run(self) -> None:
        while True:
            first = self._queue.get()
            if first is None:
                return
            group = [first]
            events = len(first[0].rows)
            stop = False
            while len(group) < self._max_batches and events < self._max_events:
                try:
                    item = self._queue.get_nowait()
                except queue.Empty:
                    break
                if item is None:
                    stop = True
                    break
                group.append(item)
                events += len(item[0].rows)
            self._commit(group)
            if stop:
                return

    def _commit(self, group: list[_Item]) -> None:
        outcomes: list[tuple[Future[WriteResult], WriteResult | BaseException]] = []
        try:
            with write_tx(self._engine) as conn:
                for batch, future in group:
                    savepoint = conn.begin_nested()
                    try:
                        outcomes.append((future, write_in(conn, batch)))
                        savepoint.commit()
                    except Exception as exc:  # noqa: BLE001 - handed to that batch's caller
                        savepoint.rollback()
                        outcomes.append((future, exc))
        except BaseException as exc:  # the commit itself failed: nothing of the group is stored
            for _, future in group:
                if not future.done():
                    future.set_exception(exc)
            if not isinstance(exc, Exception):
                raise
            return
        self.groups += 1
        self.batches += len(group)
        for future, outcome in outcomes:
            if isinstance(outcome, BaseException):
                future.set_exception(outcome)
            else:
                future.set_result(outcome)
