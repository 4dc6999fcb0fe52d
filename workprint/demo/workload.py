"""A realistic, deterministic stream of v1 events for demos, tests and benchmarks.

The mix follows what the browser SDK and desktop agent send from an internal CRM: mostly small
``click``/``type``/``key``/``focus``/``scroll`` events, with an ``observe`` snapshot of 20-60
interactive elements after each navigation. All text is synthetic.
"""

from __future__ import annotations

import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Final

from workprint.core import events as ev
from workprint.core.ids import IdFactory, uuid7

_PAGES = ["/companies", "/contacts", "/deals", "/deals/new", "/activities", "/search", "/reports"]
_LABELS = [
    "Save",
    "Cancel",
    "New deal",
    "Edit",
    "Delete",
    "Next",
    "Previous",
    "Search",
    "Add note",
    "Assign owner",
    "Close won",
    "Close lost",
    "Export",
    "Filter",
]
_ROLES = ["button", "link", "textbox", "combobox", "checkbox", "tab", "menuitem", "row"]
_WORDS = [
    "follow",
    "up",
    "with",
    "the",
    "customer",
    "about",
    "renewal",
    "pricing",
    "next",
    "quarter",
    "discount",
    "contract",
    "signed",
    "pending",
    "legal",
    "review",
    "schedule",
    "demo",
    "onboarding",
    "call",
]

WORKLOAD_ORIGIN: Final = "http://127.0.0.1:8788"
"""The web tool the generated events claim to come from; a policy must allow it."""


@dataclass
class WorkloadSpec:
    """Parameters of a generated stream."""

    device_id: str
    grant_id: str
    notice_version: str = "2026-11-v1"
    policy_version: str = "1"
    stream: ev.Stream = "web"
    observe_every: int = 8
    """One observe snapshot every N events (after a navigation)."""
    min_elements: int = 20
    max_elements: int = 60
    seed: int = 7
    start: datetime = field(default_factory=lambda: datetime(2026, 11, 2, 9, 0, tzinfo=UTC))


def _element(rng: random.Random, eid: int) -> ev.Element:
    role = rng.choice(_ROLES)
    label = rng.choice(_LABELS)
    return ev.Element(
        eid=eid,
        tag={"button": "button", "link": "a", "textbox": "input", "combobox": "select"}.get(
            role, "div"
        ),
        role=role,
        name=f"{label} {eid}",
        text=label if role in ("button", "link", "tab") else None,
        selector=f"main > section:nth-of-type({eid % 5 + 1}) > [data-row='{eid}']",
        bbox=(float(rng.randint(0, 1200)), float(rng.randint(0, 800)), 120.0, 32.0),
        options=["Prospect", "Qualified", "Proposal", "Won", "Lost"]
        if role == "combobox"
        else None,
    )


def generate(spec: WorkloadSpec, count: int, ids: IdFactory = uuid7) -> Iterator[ev.EventBase]:
    """``count`` events of one device, seq 1..count, deterministic for a seed (ids aside)."""
    rng = random.Random(spec.seed)
    session = ids()
    privacy = ev.Privacy(mode="redacted", policy_version=spec.policy_version)
    consent = ev.Consent(grant_id=spec.grant_id, notice_version=spec.notice_version)
    at = spec.start
    page = rng.choice(_PAGES)
    for seq in range(1, count + 1):
        at += timedelta(milliseconds=rng.randint(150, 4000))
        common: dict[str, Any] = dict(
            event_id=ids(),
            seq=seq,
            stream=spec.stream,
            device_id=spec.device_id,
            session_id=session,
            occurred_at=at,
            tz_offset_min=60,
            privacy=privacy,
            consent=consent,
            context=ev.Context(
                app="chromium",
                window_title=f"Nexus CRM - {page[1:]}",
                url=f"{WORKLOAD_ORIGIN}{page}",
                tab_id=1,
            ),
        )
        roll = rng.random()
        if seq % spec.observe_every == 1:
            n = rng.randint(spec.min_elements, spec.max_elements)
            yield ev.ObserveEvent(
                **common,
                payload=ev.ObservePayload(
                    elements=[_element(rng, i) for i in range(n)], viewport=(1280, 800)
                ),
            )
        elif roll < 0.40:
            label = rng.choice(_LABELS)
            yield ev.ClickEvent(
                **common,
                target=ev.Target(
                    tag="button",
                    role="button",
                    name=label,
                    text=label,
                    selector=f"form > button.{label.lower().replace(' ', '-')}",
                    eid=rng.randint(0, 40),
                    bbox=(10.0, 20.0, 80.0, 24.0),
                ),
            )
        elif roll < 0.60:
            words = " ".join(rng.choice(_WORDS) for _ in range(rng.randint(2, 12)))
            yield ev.TypeEvent(
                **common,
                target=ev.Target(
                    tag="textarea",
                    role="textbox",
                    name="Note",
                    attrs=ev.Attrs(name="note"),
                    eid=rng.randint(0, 40),
                ),
                payload=ev.TypePayload(text=words),
            )
        elif roll < 0.72:
            yield ev.KeyEvent(
                **common,
                payload=ev.KeyPayload(
                    keys=rng.choice(["Enter", "Tab", "Escape", "ctrl+s", "ctrl+f"])
                ),
            )
        elif roll < 0.82:
            yield ev.ScrollEvent(
                **common,
                payload=ev.ScrollPayload(dy=rng.choice([-240, 120, 360])),
            )
        elif roll < 0.90:
            page = rng.choice(_PAGES)
            yield ev.NavigateEvent(
                **common,
                payload=ev.NavigatePayload(transition="link"),
            )
        elif roll < 0.95:
            yield ev.SelectEvent(
                **common,
                target=ev.Target(tag="select", role="combobox", name="Stage"),
                payload=ev.SelectPayload(value=rng.choice(["Qualified", "Proposal", "Won"])),
            )
        else:
            yield ev.FocusEvent(
                **common,
                payload=ev.FocusPayload(scope="tab"),
            )


def batch_of(
    events: Sequence[ev.EventBase], ids: IdFactory = uuid7, sent_at: datetime | None = None
) -> ev.Batch:
    """Wrap events in a batch envelope."""
    return ev.Batch(
        batch_id=ids(),
        sent_at=sent_at or datetime.now(UTC),
        agent=ev.Agent(name="workprint-demo", version="0.1.0", os="linux"),
        events=list(events),  # type: ignore[arg-type]
    )
