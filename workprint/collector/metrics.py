"""Prometheus metrics of the collector.

Labels are codes and outcomes only: never a device, person, URL or any captured value, and
no per-device series (per-device volumes would be a per-person activity report).
"""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        self.batches = Counter(
            "workprint_ingest_batches",
            "Batches answered, by HTTP status class and code.",
            ["status", "code"],
            registry=self.registry,
        )
        self.events = Counter(
            "workprint_ingest_events",
            "Events in committed batches, by result.",
            ["result"],
            registry=self.registry,
        )
        self.quarantined = Counter(
            "workprint_quarantined_events",
            "Events quarantined, by code.",
            ["code"],
            registry=self.registry,
        )
        self.gaps = Counter(
            "workprint_seq_gaps_opened",
            "Sequence gaps detected across all devices.",
            registry=self.registry,
        )
        self.bytes = Counter(
            "workprint_ingest_body_bytes",
            "Decompressed bytes of committed batches.",
            registry=self.registry,
        )
        self.latency = Histogram(
            "workprint_ingest_batch_seconds",
            "Time from body received to commit.",
            buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
            registry=self.registry,
        )
        self.inflight = Gauge(
            "workprint_ingest_inflight", "Batches being processed now.", registry=self.registry
        )
