"""Filling a store with people and realistic events for the dataset tests."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

import msgspec
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from workprint.collector.admin import enroll
from workprint.core import events as ev
from workprint.core.clock import to_epoch_ms
from workprint.core.ids import uuid7
from workprint.dataset._arrow import pq
from workprint.demo.workload import WorkloadSpec, generate
from workprint.governance import policies
from workprint.governance.consent import Purpose
from workprint.privacy.policy import parse
from workprint.store.engine import write_tx
from workprint.store.events import BatchWrite, write_batch
from workprint.store.rows import event_to_row
from workprint.store.schema import (
    consent_grants,
    devices,
    enrollment_codes,
    events,
    people,
)

KEY = bytes.fromhex("5f" * 32)
ORIGIN = "http://127.0.0.1:8788"
PLANTED = "jane.doe@example.com"
TASK = "Renew the Acme contract"
POLICY = f"""\
version = 2

[[origins]]
origin = "{ORIGIN}"
mode = "redacted"

[[apps]]
match = "code"
mode = "redacted"
"""


def allow_demo(engine: Engine) -> None:
    policies.apply(engine, parse(POLICY), actor="test")


@dataclass
class Person:
    person_id: str
    event_ids: list[str] = field(default_factory=list)


def _write(
    engine: Engine, person_id: str, device_id: str, evs: list[ev.EventBase], skew_ms: int
) -> None:
    for start in range(0, len(evs), 40):
        chunk = evs[start : start + 40]
        sent = to_epoch_ms(chunk[-1].occurred_at) + 500
        batch_id = uuid7()
        received = sent + skew_ms
        write_batch(
            engine,
            BatchWrite(
                batch_id=batch_id,
                device_id=device_id,
                person_id=person_id,
                received_at_ms=received,
                sent_at_ms=sent,
                agent_name="test",
                agent_version="1",
                events_total=len(chunk),
                rows=[
                    event_to_row(e, person_id=person_id, batch_id=batch_id, received_at_ms=received)
                    for e in chunk
                ],
            ),
        )


def _with_task(evs: list[ev.EventBase]) -> list[ev.EventBase]:
    first, middle = evs[0], evs[len(evs) // 2]
    common = {
        "stream": first.stream,
        "device_id": first.device_id,
        "session_id": first.session_id,
        "privacy": first.privacy,
        "consent": first.consent,
        "context": first.context,
        "seq": 0,
    }
    start = ev.TaskStartEvent(
        event_id=uuid7(),
        occurred_at=first.occurred_at - timedelta(milliseconds=1),
        payload=ev.TaskStartPayload(task_id="t-1", label=TASK),
        **common,
    )
    end = ev.TaskEndEvent(
        event_id=uuid7(),
        occurred_at=middle.occurred_at + timedelta(milliseconds=1),
        payload=ev.TaskEndPayload(task_id="t-1", outcome="done"),
        **common,
    )
    half = len(evs) // 2 + 1
    merged = [start, *evs[:half], end, *evs[half:]]
    return [msgspec.structs.replace(e, seq=i + 1) for i, e in enumerate(merged)]


def add_person(
    engine: Engine,
    person_id: str,
    *,
    training: bool = True,
    count: int = 80,
    seed: int = 1,
    task: bool = False,
    plant: bool = False,
    desktop: bool = False,
    skew_ms: int = 40,
) -> Person:
    """Enroll a person (capture, and training unless told otherwise) and store their events."""
    purposes = [Purpose.CAPTURE, Purpose.TRAINING] if training else [Purpose.CAPTURE]
    enrolled = enroll(engine, person_id, purposes=purposes)
    spec = WorkloadSpec(device_id=enrolled.device_id, grant_id=enrolled.grants[0], seed=seed)
    evs: list[ev.EventBase] = list(generate(spec, count))
    if plant:
        index = next(i for i, e in enumerate(evs) if isinstance(e, ev.TypeEvent))
        evs[index] = msgspec.structs.replace(
            evs[index], payload=ev.TypePayload(text=f"send the quote to {PLANTED} today")
        )
    if task:
        evs = _with_task(evs)
    _write(engine, person_id, enrolled.device_id, evs, skew_ms)
    person = Person(person_id, [e.event_id for e in evs])
    if desktop:
        laptop = enroll(engine, person_id, purposes=[Purpose.CAPTURE])
        at = evs[-1].occurred_at + timedelta(minutes=20)
        base = {
            "stream": "desktop",
            "device_id": laptop.device_id,
            "session_id": evs[0].session_id,
            "privacy": ev.Privacy(mode="redacted", policy_version="1"),
            "consent": ev.Consent(grant_id=laptop.grants[0], notice_version="2026-11-v1"),
            "context": ev.Context(app="code", window_title="notes.md - code"),
        }
        desk: list[ev.EventBase] = []
        for i in range(6):
            desk.append(
                ev.KeyEvent(
                    event_id=uuid7(),
                    seq=2 * i + 1,
                    occurred_at=at + timedelta(seconds=2 * i),
                    payload=ev.KeyPayload(keys="ctrl+s"),
                    **base,
                )
            )
            desk.append(
                ev.ClickEvent(
                    event_id=uuid7(),
                    seq=2 * i + 2,
                    occurred_at=at + timedelta(seconds=2 * i + 1),
                    target=ev.Target(x=100 + i, y=200, button="left"),
                    **base,
                )
            )
        # The laptop's clock runs 3 s ahead of the server.
        _write(engine, person_id, laptop.device_id, desk, -3000)
        person.event_ids += [e.event_id for e in desk]
    return person


def erase(engine: Engine, person_id: str) -> None:
    """Remove a person and everything stored about them (what erasure does)."""
    with write_tx(engine) as conn:
        conn.execute(events.delete().where(events.c.person_id == person_id))
        conn.execute(enrollment_codes.delete().where(enrollment_codes.c.person_id == person_id))
        conn.execute(consent_grants.delete().where(consent_grants.c.person_id == person_id))
        conn.execute(devices.delete().where(devices.c.person_id == person_id))
        conn.execute(people.delete().where(people.c.person_id == person_id))


def grants_of(engine: Engine, person_id: str) -> int:
    with engine.connect() as conn:
        return int(
            conn.execute(
                sa.select(sa.func.count())
                .select_from(consent_grants)
                .where(consent_grants.c.person_id == person_id)
            ).scalar_one()
        )


def dataset_text(root: Path) -> bytes:
    """Every byte of every file, plus the decoded values of every Parquet file (compressed
    pages would hide a string from a byte scan)."""
    out = bytearray()
    for path in sorted(root.rglob("*")):
        if not path.is_file():
            continue
        out += path.read_bytes()
        if path.suffix == ".parquet":
            out += json.dumps(pq.read_table(path).to_pylist()).encode()
    return bytes(out)


def files_of(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()
    }
