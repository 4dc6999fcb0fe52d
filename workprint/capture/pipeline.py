"""The capture pipeline on one thread: gate -> reducer -> envelope -> redaction -> spool.

:class:`Pipeline` is fed raw records (``sources/base.py``) one at a time. The gate drops what
must not be seen, the reducer turns the rest into actions, each action gets its envelope
(event id, sequence number, device, session, consent, privacy) and passes the privacy engine
(:func:`~workprint.privacy.redact.redact_or_gap`, which fails closed into a ``gap``) before the
spool writes it. Nothing unredacted reaches the disk.

Time and ids are injected; tests drive it with :class:`~.sources.fake.FakeSource` and a fake
clock.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Literal, cast

import msgspec

from workprint.capture.protect import Gate, GateConfig, GateState
from workprint.capture.reduce import Action, Reducer, ReducerConfig
from workprint.capture.sources import base as raw
from workprint.capture.spool import Spool
from workprint.core import events as ev
from workprint.core.events import CaptureMode
from workprint.core.ids import IdFactory
from workprint.privacy.detectors import Detector, default_detectors
from workprint.privacy.policy import Policy
from workprint.privacy.redact import Vaults, redact_or_gap

log = logging.getLogger(__name__)

GapReason = Literal["redaction_error", "quota_evicted", "crash", "dropped", "other"]


@dataclass(frozen=True, slots=True)
class Identity:
    """What the collector says this device stamps on its events (``GET /v1/device``)."""

    device_id: str
    grant_id: str
    notice_version: str


def local_offset_min(at: datetime) -> int:
    """The local time zone's offset from UTC at ``at``, in minutes."""
    offset = at.astimezone().utcoffset() or timedelta()
    return int(offset / timedelta(minutes=1))


@dataclass(slots=True)
class PipelineStats:
    written: int = 0
    redaction_errors: int = 0
    dropped_off: int = 0
    evicted: int = 0


class Pipeline:
    """Not thread-safe: the agent feeds it from its one pipeline thread."""

    def __init__(
        self,
        *,
        spool: Spool,
        policy: Policy,
        session_id: str,
        ids: IdFactory,
        redaction_key: bytes,
        gate_config: GateConfig | None = None,
        reducer_config: ReducerConfig | None = None,
        detectors: tuple[Detector, ...] | None = None,
        tz_offset: Callable[[datetime], int] = local_offset_min,
    ) -> None:
        self.spool = spool
        self.policy = policy
        self.session_id = session_id
        self.ids = ids
        self.gate = Gate(policy, gate_config)
        self.reducer = Reducer(reducer_config)
        self.identity: Identity | None = None
        self.stats = PipelineStats()
        self._detectors = detectors if detectors is not None else default_detectors()
        self._vaults = Vaults(redaction_key)
        self._tz_offset = tz_offset
        self._last_at: datetime | None = None

    # ----------------------------------------------------------------- control

    def state(self) -> GateState:
        return self.gate.state()

    def set_policy(self, policy: Policy, at: datetime) -> int:
        self.policy = policy
        return self._reduce(self.gate.set_policy(policy, raw.Tick(at)))

    def set_identity(self, identity: Identity | None, at: datetime) -> int:
        """The device's identity and consent (``None``: the collector refused the device)."""
        if identity is not None:
            self.identity = identity
        return self.feed(raw.CaptureAllowed(at, identity is not None))

    def deadline(self) -> datetime | None:
        """When the reducer next needs a tick (see :meth:`Reducer.deadline`)."""
        return self.reducer.deadline()

    def feed(self, item: raw.Raw) -> int:
        """Process one raw record; returns how many events were written."""
        self._last_at = item.at
        return self._reduce(self.gate.feed(item))

    def close(self, at: datetime) -> int:
        """Commit what the reducer holds (at shutdown)."""
        return self._write(self.reducer.flush(at))

    # ----------------------------------------------------------------- internals

    def _reduce(self, items: list[raw.Raw]) -> int:
        actions: list[Action] = []
        for item in items:
            actions.extend(self.reducer.feed(item))
        return self._write(actions)

    def _write(self, actions: list[Action]) -> int:
        identity = self.identity
        if not actions or identity is None:
            return 0
        events: list[ev.Event] = []
        for action in actions:
            event = self._redacted(self._stamp(action, identity))
            if event is None:
                self.stats.dropped_off += 1
                continue
            events.append(_with_seq(event, self.spool.allocate_seq()))
        if events:
            self.stats.evicted += self.spool.append(events, self._evicted)
            self.stats.written += len(events)
        return len(events)

    def _redacted(self, event: ev.Event) -> ev.Event | None:
        def failed(exc: BaseException) -> None:
            self.stats.redaction_errors += 1
            log.error("redaction failed (%s); the event became a gap", type(exc).__name__)

        return redact_or_gap(
            event, self.policy, detectors=self._detectors, vaults=self._vaults, on_error=failed
        )

    def _mode(self, window: raw.WindowFocus | None) -> CaptureMode:
        if window is None:
            return "metadata"
        return self.policy.mode_for(app=window.app_class, title=window.title)

    def _stamp(self, action: Action, identity: Identity) -> ev.Event:
        window = action.window
        context = (
            ev.Context(
                app=window.app_class[:256] if window.app_class else None,
                window_title=window.title[:8192] if window.title else window.title,
            )
            if window is not None
            else ev.Context()
        )
        fields: dict[str, Any] = dict(
            event_id=self.ids(),
            seq=0,
            stream="desktop",
            device_id=identity.device_id,
            session_id=self.session_id,
            occurred_at=action.at,
            tz_offset_min=self._tz_offset(action.at),
            duration_ms=action.duration_ms,
            context=context,
            target=action.target,
            privacy=ev.Privacy(mode=self._mode(window), policy_version=str(self.policy.version)),
            consent=ev.Consent(grant_id=identity.grant_id, notice_version=identity.notice_version),
            payload=action.payload,
        )
        event = ev.EVENT_TYPES[action.kind](**fields)
        return cast(ev.Event, event)

    def make_gap(
        self, from_seq: int, to_seq: int, count: int, seq: int, reason: str = "quota_evicted"
    ) -> ev.GapEvent | None:
        """A ``gap`` event for lost events (``None`` before the device is known)."""
        identity = self.identity
        if identity is None:
            return None
        at = self._last_at or datetime.now().astimezone()
        return ev.GapEvent(
            event_id=self.ids(),
            seq=seq,
            stream="desktop",
            device_id=identity.device_id,
            session_id=self.session_id,
            occurred_at=at,
            tz_offset_min=self._tz_offset(at),
            privacy=ev.Privacy(mode="metadata", policy_version=str(self.policy.version)),
            consent=ev.Consent(grant_id=identity.grant_id, notice_version=identity.notice_version),
            payload=ev.GapPayload(
                from_seq=from_seq,
                to_seq=to_seq,
                reason=cast(GapReason, reason),
                count=count,
            ),
        )

    def _evicted(self, from_seq: int, to_seq: int, count: int, seq: int) -> ev.GapEvent:
        gap = self.make_gap(from_seq, to_seq, count, seq)
        assert gap is not None, "events are written only once the device is known"
        return gap


def _with_seq(event: ev.Event, seq: int) -> ev.Event:
    if isinstance(event, ev.GapEvent) and event.payload.reason == "redaction_error":
        payload = msgspec.structs.replace(event.payload, from_seq=seq, to_seq=seq)
        return msgspec.structs.replace(event, seq=seq, payload=payload)
    return msgspec.structs.replace(event, seq=seq)
