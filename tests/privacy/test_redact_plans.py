"""The compiled, remembering redaction walk gives exactly what the reference walk gives."""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from typing import Any

import msgspec
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from workprint.core import events as ev
from workprint.core.events import CaptureMode
from workprint.privacy import _reference
from workprint.privacy.detectors import default_detectors
from workprint.privacy.policy import Policy, parse
from workprint.privacy.redact import Vaults, redact_event

DETECTORS = default_detectors(["Jane Customer"])
_BASE = """\
version = {version}
[[origins]]
origin = "https://crm.example.test"
mode = "redacted"
allow_query = ["page"]

[[origins]]
origin = "https://other.example.test"
mode = "redacted"
allow_query = ["q"]

[[origins]]
origin = "https://meta.example.test"
mode = "metadata"

[[origins]]
origin = "https://full.example.test"
mode = "full"

[[apps]]
match = "code"
mode = "redacted"

[[titles]]
pattern = "(?i)password"
mode = "off"
"""
POLICIES = [
    parse(_BASE.format(version=3)),
    parse(
        _BASE.format(version=4)
        + """
[fields]
"context.window_title" = "keep"
"element.name" = "drop"
"element.options" = "drop"
"attrs.href" = "keep"
"target.selector" = "redact"
"type.text" = "drop"
"context.app" = "drop"
"""
    ),
    parse(
        _BASE.format(version=5)
        + """
[fields]
"context.url" = "drop"
"element.value" = "keep"
"element.options" = "keep"
"attrs.id" = "drop"
"select.value" = "keep"
"""
    ),
]

_texts = st.sampled_from(
    [
        "",
        "Save",
        "jane.doe@example.com",
        "call +44 20 7946 0958",
        "card 4111 1111 1111 1111",
        "Jane Customer",
        "<EMAIL_2> wrote",
        "password reset",
        "deal #42",
        "AKIAIOSFODNN7EXAMPLE",
    ]
)
_maybe = st.none() | _texts
_urls = st.sampled_from(
    [
        "https://crm.example.test/contacts/jane.doe@example.com?page=2&email=x#f",
        "https://other.example.test/a?q=1&page=3",
        "https://u:pw@crm.example.test/a?page=1",
        "https://meta.example.test/x/y",
        "https://full.example.test/jane.doe@example.com?page=1",
        "https://unlisted.example.test/",
        "/deals/42?page=1&q=2",
        "http://[::1",
    ]
)
_attrs = st.none() | st.builds(
    ev.Attrs,
    id=_maybe,
    name=_maybe,
    type=st.none() | st.just("email"),
    placeholder=_maybe,
    aria_label=_maybe,
    href=st.none() | _urls,
)
_selectors = st.none() | st.sampled_from(
    ["a", "input[name='jane.doe@example.com']", 'form > [data-x="Jane Customer"]']
)
_elements = st.builds(
    ev.Element,
    eid=st.integers(0, 5),
    tag=st.none() | st.just("input"),
    role=st.none() | st.just("textbox"),
    name=_maybe,
    text=_maybe,
    selector=_selectors,
    attrs=_attrs,
    bbox=st.none() | st.just((1.0, 2.0, 3.0, 4.0)),
    frame=st.none() | st.just("iframe[name='jane.doe@example.com']"),
    value=_maybe,
    options=st.none() | st.lists(_texts, max_size=3),
    disabled=st.booleans(),
)
_targets = st.none() | st.builds(
    ev.Target,
    tag=st.none() | st.just("a"),
    role=st.none() | st.just("link"),
    name=_maybe,
    text=_maybe,
    selector=_selectors,
    attrs=_attrs,
    eid=st.none() | st.integers(0, 3),
    x=st.none() | st.integers(0, 9),
)
_payloads = st.one_of(
    st.builds(ev.ObservePayload, elements=st.lists(_elements, max_size=4)),
    st.builds(ev.TypePayload, text=_texts),
    st.builds(ev.SelectPayload, value=_texts),
    st.builds(ev.NavigatePayload, from_url=st.none() | _urls),
    st.builds(ev.TaskStartPayload, task_id=st.just("t1"), label=_texts),
    st.builds(ev.KeyPayload, keys=st.just("ctrl+s")),
    st.just(ev.NoPayload()),
)
_KIND_OF: dict[type, Any] = {
    ev.ObservePayload: ev.ObserveEvent,
    ev.TypePayload: ev.TypeEvent,
    ev.SelectPayload: ev.SelectEvent,
    ev.NavigatePayload: ev.NavigateEvent,
    ev.TaskStartPayload: ev.TaskStartEvent,
    ev.KeyPayload: ev.KeyEvent,
    ev.NoPayload: ev.ClickEvent,
}


@st.composite
def _events(draw: st.DrawFn) -> ev.EventBase:
    payload = draw(_payloads)
    event: ev.EventBase = _KIND_OF[type(payload)](
        event_id="01937b2e-8d4c-7a10-9f3e-5b2a6c1d0e4f",
        seq=draw(st.integers(1, 9)),
        stream=draw(st.sampled_from(["web", "desktop"])),
        device_id="dev_1",
        session_id=draw(
            st.sampled_from(
                ["01937b2e-8d4c-7a10-9f3e-000000000001", "01937b2e-8d4c-7a10-9f3e-000000000002"]
            )
        ),
        occurred_at=datetime(2026, 11, 2, 9, 0, tzinfo=UTC),
        context=ev.Context(
            app=draw(st.none() | st.sampled_from(["chromium", "code"])),
            window_title=draw(_maybe),
            url=draw(st.none() | _urls),
            tab_id=draw(st.none() | st.just(1)),
        ),
        target=draw(_targets),
        privacy=ev.Privacy(
            mode=draw(st.sampled_from(["metadata", "redacted", "full"])),
            policy_version="1",
            redactions=draw(st.sampled_from([{}, {"EMAIL": 1}, {"ZIP": 0, "CARD": 2}])),
        ),
        consent=ev.Consent(grant_id="g_1", notice_version="n1"),
        payload=payload,
    )
    return event


def _same_walks(events: list[ev.EventBase], policy: Policy) -> None:
    fast, reference = Vaults(b"k" * 32), Vaults(b"k" * 32)
    for event in events:
        got = redact_event(event, policy, detectors=DETECTORS, vaults=fast)  # type: ignore[arg-type]
        want = _reference.redact_event(
            event,  # type: ignore[arg-type]
            policy,
            detectors=DETECTORS,
            vaults=reference,
        )
        assert (got is None) == (want is None)
        if got is not None:
            assert ev.encode(got) == ev.encode(want)  # type: ignore[arg-type]


@settings(max_examples=300, deadline=None)
@given(st.lists(_events(), min_size=1, max_size=8), st.sampled_from(POLICIES))
def test_compiled_walk_equals_the_reference_walk(
    events: list[ev.EventBase], policy: Policy
) -> None:
    # Several events per vault, repeats included, so remembered structs are reused.
    _same_walks(events + events[::-1], policy)


def test_unchanged_parts_are_the_events_own_objects() -> None:
    event = ev.ClickEvent(
        event_id="01937b2e-8d4c-7a10-9f3e-5b2a6c1d0e4f",
        seq=1,
        stream="web",
        device_id="dev_1",
        session_id="01937b2e-8d4c-7a10-9f3e-000000000001",
        occurred_at=datetime(2026, 11, 2, 9, 0, tzinfo=UTC),
        context=ev.Context(app="chromium", window_title="Deals", url="https://crm.example.test/d"),
        target=ev.Target(tag="button", name="Save", selector="form > button"),
        privacy=ev.Privacy(mode="redacted", policy_version="1"),
        consent=ev.Consent(grant_id="g_1", notice_version="n1"),
    )
    vaults = Vaults(b"k" * 32)
    for _ in range(2):  # computed, then remembered
        out = redact_event(event, POLICIES[0], detectors=DETECTORS, vaults=vaults)
        assert out is not None
        assert out.context is event.context
        assert out.target is event.target
        assert out.payload is event.payload


@pytest.mark.parametrize("first", ["https://crm.example.test/a", "https://other.example.test/a"])
def test_a_remembered_element_depends_on_the_query_parameters_allowed(first: str) -> None:
    # The same link on two origins whose policies keep different query parameters.
    link = ev.Element(eid=1, tag="a", attrs=ev.Attrs(href="/x?page=1&q=2"))
    second = (
        "https://other.example.test/a"
        if first.startswith("https://crm")
        else "https://crm.example.test/a"
    )
    events = [
        ev.ObserveEvent(
            event_id="01937b2e-8d4c-7a10-9f3e-5b2a6c1d0e4f",
            seq=n,
            stream="web",
            device_id="dev_1",
            session_id="01937b2e-8d4c-7a10-9f3e-000000000001",
            occurred_at=datetime(2026, 11, 2, 9, 0, tzinfo=UTC),
            context=ev.Context(url=url),
            privacy=ev.Privacy(mode="redacted", policy_version="1"),
            consent=ev.Consent(grant_id="g_1", notice_version="n1"),
            payload=ev.ObservePayload(elements=[link]),
        )
        for n, url in enumerate([first, second], start=1)
    ]
    _same_walks(events, POLICIES[0])  # type: ignore[arg-type]
    hrefs = [
        str(out.payload.elements[0].attrs.href)  # type: ignore[union-attr]
        for out in (
            redact_event(e, POLICIES[0], detectors=DETECTORS, vaults=Vaults(b"k" * 32))
            for e in events
        )
        if out is not None
    ]
    assert sorted(hrefs) == ["/x?page=1", "/x?q=2"]


def test_every_contract_struct_has_a_plan() -> None:
    from workprint.privacy._plan import plan_for

    for policy in POLICIES:
        modes: tuple[CaptureMode, ...] = ("metadata", "redacted", "full")
        for mode in modes:
            plan = plan_for(policy, mode)
            for kind, event_type in ev.EVENT_TYPES.items():
                hints = msgspec.structs.fields(event_type)
                payload = next(f for f in hints if f.name == "payload")
                plan.shape(payload.type, str(kind))
            for struct in (ev.Context, ev.Target, ev.Element, ev.Attrs):
                plan.shape(struct, "x")


def test_what_is_clean_for_one_session_is_clean_for_all_until_the_detectors_change() -> None:
    def typed(session: str) -> ev.TypeEvent:
        return ev.TypeEvent(
            event_id="01937b2e-8d4c-7a10-9f3e-5b2a6c1d0e4f",
            seq=1,
            stream="web",
            device_id="dev_1",
            session_id=session,
            occurred_at=datetime(2026, 11, 2, 9, 0, tzinfo=UTC),
            context=ev.Context(url="https://crm.example.test/d"),
            privacy=ev.Privacy(mode="redacted", policy_version="1"),
            consent=ev.Consent(grant_id="g_1", notice_version="n1"),
            payload=ev.TypePayload(text="Call Ingrid Vale"),
        )

    vaults = Vaults(b"k" * 32)
    first, second = "01937b2e-8d4c-7a10-9f3e-000000000001", "01937b2e-8d4c-7a10-9f3e-000000000002"
    before = default_detectors([])
    out = redact_event(typed(first), POLICIES[0], detectors=before, vaults=vaults)
    assert isinstance(out, ev.TypeEvent) and out.payload.text == "Call Ingrid Vale"
    assert len(vaults.clean) > 0
    out = redact_event(typed(second), POLICIES[0], detectors=before, vaults=vaults)
    assert isinstance(out, ev.TypeEvent) and out.payload.text == "Call Ingrid Vale"
    # The name is enrolled: the detectors are rebuilt, and what was clean is looked at again.
    after = default_detectors(["Ingrid Vale"])
    out = redact_event(typed(second), POLICIES[0], detectors=after, vaults=vaults)
    assert isinstance(out, ev.TypeEvent) and "Ingrid" not in out.payload.text


def test_vaults_keep_to_their_budget_of_remembered_results() -> None:
    from collections import Counter

    vaults = Vaults(b"k" * 32, budget=100)
    for i in range(2000):
        vaults.for_session(f"session-{i}").remember(f"text {i}", f"<X_{i}>", Counter(X=1))
        # Checked every few calls: never more than one interval's growth above the budget.
        assert vaults.remembered() <= 100 + Vaults._CHECK_EVERY
    assert vaults.for_session("session-1999").memo  # the most recent session is kept


def test_a_policy_read_again_shares_what_was_remembered() -> None:
    event = ev.ClickEvent(
        event_id="01937b2e-8d4c-7a10-9f3e-5b2a6c1d0e4f",
        seq=1,
        stream="web",
        device_id="dev_1",
        session_id="01937b2e-8d4c-7a10-9f3e-000000000001",
        occurred_at=datetime(2026, 11, 2, 9, 0, tzinfo=UTC),
        context=ev.Context(app="chromium", window_title="Deals", url="https://crm.example.test/d"),
        target=ev.Target(tag="button", name="Save", selector="form > button"),
        privacy=ev.Privacy(mode="redacted", policy_version="1"),
        consent=ev.Consent(grant_id="g_1", notice_version="n1"),
    )
    vaults = Vaults(b"k" * 32)
    redact_event(event, POLICIES[0], detectors=DETECTORS, vaults=vaults)
    remembered = len(vaults.clean)
    again = parse(POLICIES[0].source)  # what the collector's policy cache does every 2 s
    assert again is not POLICIES[0]
    redact_event(event, again, detectors=DETECTORS, vaults=vaults)
    assert len(vaults.clean) == remembered


def test_policies_of_one_version_with_other_rules_are_not_confused() -> None:
    # Same version number, the title kept by one and redacted by the other.
    kept = parse(_BASE.format(version=9) + '\n[fields]\n"context.window_title" = "keep"\n')
    redacted = parse(_BASE.format(version=9))
    event = ev.ClickEvent(
        event_id="01937b2e-8d4c-7a10-9f3e-5b2a6c1d0e4f",
        seq=1,
        stream="web",
        device_id="dev_1",
        session_id="01937b2e-8d4c-7a10-9f3e-000000000001",
        occurred_at=datetime(2026, 11, 2, 9, 0, tzinfo=UTC),
        context=ev.Context(window_title="jane.doe@example.com", url="https://crm.example.test/d"),
        privacy=ev.Privacy(mode="redacted", policy_version="1"),
        consent=ev.Consent(grant_id="g_1", notice_version="n1"),
    )
    fast, reference = Vaults(b"k" * 32), Vaults(b"k" * 32)
    outs = []
    for policy in (kept, redacted, kept):
        got = redact_event(event, policy, detectors=DETECTORS, vaults=fast)
        want = _reference.redact_event(event, policy, detectors=DETECTORS, vaults=reference)
        assert got is not None and want is not None
        assert ev.encode(got) == ev.encode(want)
        outs.append(got.context.window_title)
    assert outs == ["jane.doe@example.com", "<EMAIL_1>", "jane.doe@example.com"]


def test_vaults_shared_by_threads_keep_their_budget_without_errors() -> None:
    from collections import Counter
    from concurrent.futures import ThreadPoolExecutor

    vaults = Vaults(b"k" * 32, budget=50)

    def work(offset: int) -> None:
        for i in range(3000):
            vault = vaults.for_session(f"session-{offset}-{i % 300}")
            vault.remember(f"text {i}", "<X_1>", Counter(X=1))

    switch = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # threads interleave as often as they can
    try:
        with ThreadPoolExecutor(4) as pool:
            list(pool.map(work, range(4)))  # re-raises any error of a thread
    finally:
        sys.setswitchinterval(switch)
    assert vaults.remembered() <= 50 + 4 * Vaults._CHECK_EVERY
