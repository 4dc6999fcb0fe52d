"""Settings of the governance plane (section ``[retention]``, env ``WORKPRINT_RETENTION__*``)."""

from __future__ import annotations

from dataclasses import dataclass

MAX_TTL_DAYS = 3650


@dataclass(frozen=True, slots=True)
class RetentionConfig:
    events_ttl_days: int = 90
    """Raw events are deleted this many days after they occurred (or were received, whichever
    is earlier). The privacy officer may set another period in the portal; it wins."""
    quarantine_ttl_days: int = 30
    """Quarantined events (kept with their original bytes) are deleted this many days after
    they were received."""
    exports_ttl_days: int = 30
    """An approved dataset export may be downloaded for this many days; then it expires and
    needs a new approval. Pending requests expire after the same period."""
    chunk_rows: int = 1000
    """Rows deleted per transaction, so ingest and the portal keep going during a run."""

    def __post_init__(self) -> None:
        for name in ("events_ttl_days", "quarantine_ttl_days", "exports_ttl_days"):
            value = getattr(self, name)
            if not 1 <= value <= MAX_TTL_DAYS:
                raise ValueError(f"{name} must be between 1 and {MAX_TTL_DAYS} days")
        if not 1 <= self.chunk_rows <= 100_000:
            raise ValueError("chunk_rows must be between 1 and 100000")
