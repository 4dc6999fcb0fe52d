"""Settings of the collector (section ``[collector]``, env ``WORKPRINT_COLLECTOR__*``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from workprint.core.config import default_data_dir


def default_db_url() -> str:
    """The embedded SQLite database under the data directory."""
    return f"sqlite:///{default_data_dir() / 'workprint.db'}"


@dataclass(frozen=True, slots=True)
class CollectorConfig:
    db: str = ""
    """Database URL: ``sqlite:///PATH`` (embedded default, under the data directory) or
    ``postgresql://USER@HOST:PORT/DB``. Empty means the embedded default."""
    host: str = "127.0.0.1"
    """Address to listen on. Loopback by default; put a TLS proxy in front for a network."""
    port: int = 8787
    """TCP port to listen on."""
    max_batch_events: int = 1000
    """Most events accepted in one batch; larger batches get 413 and the agent splits them."""
    max_body_bytes: int = 16 * 1024 * 1024
    """Most bytes of a batch body after gzip decompression; larger bodies get 413."""
    flush_interval_ms: int = 3000
    """Hint to agents: how often to send a batch when events trickle in."""
    max_inflight_batches: int = 64
    """Batches processed at once; beyond this the collector answers 429 with Retry-After.
    0 refuses every batch (drain mode for maintenance)."""
    ingest_threads: int = 0
    """Threads per worker process that decode and commit batches; 0 chooses by backend and
    workers. On SQLite (0 = 1 thread) batch work is CPU-bound Python and threads of one
    process share one interpreter lock, so a second thread mostly slows the writer holding
    the database lock: use more worker processes instead (``workprint serve --workers``, one
    per core). On PostgreSQL a thread spends much of a batch waiting for the server, so with
    one worker (0 = 4 threads) several overlap and their commits are grouped; with several
    workers (0 = 1 thread each) the workers already keep the cores busy, and more threads
    only contend for the lock (2 workers on 2 cores: 22,400 events/s and p99 263-299 ms with
    one thread, 20,000 and 340-368 ms with four). Further batches wait their turn and get
    429 past ``max_inflight_batches``."""
    sqlite_synchronous: Literal["FULL", "NORMAL"] = "FULL"
    """SQLite durability: FULL survives power loss, NORMAL survives process crashes only."""
    sqlite_busy_timeout_ms: int = 30_000
    """How long a SQLite write waits for the lock before the batch gets 503 + Retry-After."""
    auto_migrate: bool = True
    """Apply pending schema migrations at start-up (the embedded default); turn off where a
    deployment runs ``workprint db upgrade`` itself."""
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    """Log level of the collector's own log lines (never payloads)."""
    redact: bool = True
    """Run the privacy engine again on every event before it is stored (defence in depth:
    the name deny-list, the policy as it is now). Events from contexts the policy sets to
    ``off`` are then not stored at all."""
    policy_cache_s: float = 2.0
    """How long the active policy is reused before it is read again (seconds)."""

    @property
    def db_url(self) -> str:
        return self.db or default_db_url()
