"""Redaction of whole events under a policy: every text field, every mode, fail closed."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime

import msgspec
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.privacy._vaults import vault_knowing
from workprint.core import events as ev
from workprint.core.ids import SequentialIds
from workprint.privacy.detectors import default_detectors
from workprint.privacy.policy import parse
from workprint.privacy.redact import (
    Vault,
    Vaults,
    redact_event,
    redact_or_gap,
    redact_text,
    redact_url,
)

GOLD = "jane.doe@example.com"
CARD = "4111 1111 1111 1111"
DETECTORS = default_detectors(["Jane Customer"])
POLICY = parse("""\
version = 7
[[origins]]
origin = "https://crm.example.test"
mode = "redacted"
allow_query = ["page"]

[[origins]]
origin = "https://meta.example.test"
mode = "metadata"

[[origins]]
origin = "https://test-account.example.test"
mode = "full"

[[apps]]
match = "code"
mode = "redacted"
""")


def _event(url: str = "https://crm.example.test/contacts", **payload_text: str) -> ev.Event:
    ids = SequentialIds()
    secret = f"note for {GOLD} card {CARD}"
    element = ev.Element(
        eid=1,
        tag="input",
        role="textbox",
        name=secret,
        text=secret,
        value=secret,
        selector=f"input[name='{GOLD}']",
        options=[secret, "Won"],
        attrs=ev.Attrs(
            id=GOLD,
            name=GOLD,
            type="email",
            placeholder=secret,
            aria_label=secret,
            href=f"/contacts/{GOLD}?token=abc",
        ),
    )
    return ev.ObserveEvent(
        event_id=ids(),
        seq=3,
        stream="web",
        device_id="dev_1",
        session_id=ids(),
        occurred_at=datetime(2026, 11, 2, 9, 0, tzinfo=UTC),
        context=ev.Context(
            app="chromium",
            window_title=f"Inbox - {GOLD}",
            url=f"{url}/{GOLD}?page=2&email={GOLD}#frag",
            tab_id=1,
        ),
        target=ev.Target(
            tag="a",
            role="link",
            name=secret,
            text=secret,
            selector=f"a[href='/c/{GOLD}']",
            attrs=element.attrs,
        ),
        privacy=ev.Privacy(mode="redacted", policy_version="6"),
        consent=ev.Consent(grant_id="g_1", notice_version="n1"),
        payload=ev.ObservePayload(elements=[element]),
    )


def _all_strings(value: object) -> list[str]:
    found: list[str] = []
    obj = msgspec.to_builtins(value)

    def walk(x: object) -> None:
        if isinstance(x, str):
            found.append(x)
        elif isinstance(x, dict):
            for k, v in x.items():
                walk(k)
                walk(v)
        elif isinstance(x, list):
            for v in x:
                walk(v)

    walk(obj)
    return found


def test_redacted_mode_leaves_no_gold_value_anywhere() -> None:
    out = redact_event(_event(), POLICY, detectors=DETECTORS, vaults=Vaults(b"k" * 32))
    assert out is not None
    for text in _all_strings(out):
        assert GOLD not in text and "4111" not in text, text
    assert out.context.url == "https://crm.example.test/contacts/<EMAIL_1>?page=2"
    assert out.privacy.mode == "redacted"
    assert out.privacy.policy_version == "7"
    assert out.privacy.redactions["EMAIL"] >= 5
    assert out.payload.elements[0].role == "textbox"  # vocabulary kept


def test_placeholders_are_consistent_within_a_session() -> None:
    out = redact_event(_event(), POLICY, detectors=DETECTORS, vaults=Vaults(b"k" * 32))
    assert out is not None
    assert out.context.window_title == "Inbox - <EMAIL_1>"
    assert out.target is not None and out.target.name == "note for <EMAIL_1> card <CARD_1>"


def test_metadata_mode_keeps_no_text() -> None:
    event = _event(url="https://meta.example.test/x")
    out = redact_event(event, POLICY, detectors=DETECTORS, vaults=Vaults(b"k" * 32))
    assert out is not None
    assert out.context.url == "https://meta.example.test"
    assert out.context.window_title is None
    assert out.target is not None and out.target.name is None and out.target.selector is None
    assert out.payload.elements[0].role == "textbox"
    for text in _all_strings(out):
        assert GOLD not in text


def test_off_drops_the_event() -> None:
    event = _event(url="https://unlisted.example.test/x")
    assert redact_event(event, POLICY, detectors=DETECTORS, vaults=Vaults(b"k" * 32)) is None


def test_full_mode_keeps_text_but_never_query_or_fragment() -> None:
    event = msgspec.structs.replace(
        _event(url="https://test-account.example.test/x"),
        privacy=ev.Privacy(mode="full", policy_version="6"),
    )
    out = redact_event(event, POLICY, detectors=DETECTORS, vaults=Vaults(b"k" * 32))
    assert out is not None
    assert out.context.window_title == f"Inbox - {GOLD}"
    assert out.context.url == f"https://test-account.example.test/x/{GOLD}"


def test_stricter_event_mode_wins() -> None:
    event = msgspec.structs.replace(
        _event(), privacy=ev.Privacy(mode="metadata", policy_version="6")
    )
    out = redact_event(event, POLICY, detectors=DETECTORS, vaults=Vaults(b"k" * 32))
    assert out is not None and out.privacy.mode == "metadata"


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        pytest.param("https://u:pw@crm.example.test/a", "https://crm.example.test/a", id="creds"),
        pytest.param(
            "https://crm.example.test/a?page=1&q=x",
            "https://crm.example.test/a?page=1",
            id="allowed-query",
        ),
        pytest.param(
            "https://crm.example.test/deals/123#x",
            "https://crm.example.test/deals/123",
            id="ids-kept-fragment-dropped",
        ),
        pytest.param(
            "https://crm.example.test:8443/a", "https://crm.example.test:8443/a", id="port"
        ),
    ],
)
def test_redact_url(url: str, expected: str) -> None:
    out = redact_url(
        url,
        mode="redacted",
        allowed_query=frozenset({"page"}),
        detectors=DETECTORS,
        vault=Vault(b"k" * 32),
        counts=Counter(),
    )
    assert out == expected


def test_failure_becomes_a_gap_event() -> None:
    class Broken:
        name = "broken"
        entities = ("X",)

        def find(self, text: str) -> list:
            raise RuntimeError("boom")

    errors: list[BaseException] = []
    out = redact_or_gap(
        _event(), POLICY, detectors=[Broken()], vaults=Vaults(b"k" * 32), on_error=errors.append
    )
    assert isinstance(out, ev.GapEvent)
    assert out.payload.reason == "redaction_error"
    assert out.payload.from_seq == out.payload.to_seq == 3
    assert errors and GOLD not in " ".join(_all_strings(out))


_pieces = st.lists(
    st.sampled_from(
        [
            GOLD,
            CARD,
            "Jane Customer",
            "AKIAIOSFODNN7EXAMPLE",
            "+44 20 7946 0958",
            "DE89370400440532013000",
            " ",
            "hello",
            "deal #42",
            "\n",
            "<",
            ">",
        ]
    )
    | st.text(max_size=8).map(lambda s: [s]),
    max_size=12,
).map(lambda parts: " ".join(p if isinstance(p, str) else "".join(p) for p in parts))


@settings(max_examples=200, deadline=None)
@given(_pieces)
def test_redaction_is_idempotent_and_removes_gold(text: str) -> None:
    vault = Vault(b"k" * 32)
    once = redact_text(text, DETECTORS, vault, Counter())
    assert redact_text(once, DETECTORS, vault, Counter()) == once
    for gold in (GOLD, "4111 1111 1111 1111", "AKIAIOSFODNN7EXAMPLE", "DE89370400440532013000"):
        assert gold not in once
    assert len(once) <= max(len(text) * 4, 64)


def test_a_remembered_element_keeps_its_own_position_and_counts() -> None:
    vaults = Vaults(b"k" * 32)
    first = _event()
    out1 = redact_event(first, POLICY, detectors=DETECTORS, vaults=vaults)
    [element] = first.payload.elements  # type: ignore[union-attr]
    moved = msgspec.structs.replace(element, eid=9, bbox=(5.0, 6.0, 7.0, 8.0), disabled=True)
    second = msgspec.structs.replace(first, payload=ev.ObservePayload(elements=[moved]))
    out2 = redact_event(second, POLICY, detectors=DETECTORS, vaults=vaults)
    assert out1 is not None and out2 is not None
    a, b = out1.payload.elements[0], out2.payload.elements[0]  # type: ignore[union-attr]
    assert (b.eid, b.bbox, b.disabled) == (9, (5.0, 6.0, 7.0, 8.0), True)
    assert (b.name, b.text, b.value, b.selector) == (a.name, a.text, a.value, a.selector)
    assert out2.privacy.redactions == out1.privacy.redactions


def _typed(session: str, text: str, seq: int) -> ev.Event:
    return ev.TypeEvent(
        event_id=SequentialIds()(),
        seq=seq,
        stream="web",
        device_id="dev_1",
        session_id=session,
        occurred_at=datetime(2026, 11, 2, 9, 0, tzinfo=UTC),
        context=ev.Context(app="chromium", url="https://crm.example.test/contacts/new"),
        target=ev.Target(tag="input", role="textbox", name="First name", selector="#first"),
        privacy=ev.Privacy(mode="redacted", policy_version="7"),
        consent=ev.Consent(grant_id="g_1", notice_version="n1"),
        payload=ev.TypePayload(text=text),
    )


def _text_of(out: ev.Event | None) -> str:
    assert isinstance(out, ev.TypeEvent)
    return out.payload.text


def test_each_word_of_a_name_has_its_own_placeholder_counted_once() -> None:
    counts: Counter[str] = Counter()
    vault = Vault(b"k" * 32)
    out = redact_text("Hi, I'm Blake Russell from Acme. Thanks, Blake", DETECTORS, vault, counts)
    assert out == "Hi, I'm <PERSON_1> <PERSON_2> from Acme. Thanks, <PERSON_1>"
    assert counts["PERSON"] == 2  # two names found, three words replaced
    particle = redact_text("I'm Jan van Dijk", DETECTORS, vault, counts)
    assert particle == "I'm <PERSON_3> van <PERSON_4>"  # a particle is not personal


def test_a_name_a_text_announces_once_is_redacted_wherever_the_text_shows_it() -> None:
    vault = Vault(b"k" * 32)
    counts: Counter[str] = Counter()
    out = redact_text(
        "Please note my details: Luise Winkler, Head of Sales. Thanks, Luise",
        DETECTORS,
        vault,
        counts,
    )
    # The sign-off names Luise; the first mention (no cue) is hers too, with her surname.
    assert out == "Please note my details: <PERSON_1> <PERSON_2>, Head of Sales. Thanks, <PERSON_1>"
    assert counts["PERSON"] == 2
    possessive = redact_text(
        "Dear Anna, Anna's notes are in; Annabel has hers", DETECTORS, vault, counts
    )
    assert possessive == "Dear <PERSON_3>, <PERSON_3>'s notes are in; Annabel has hers"
    # Without a cue anywhere in the text, nothing is a name.
    assert redact_text("Luise Winkler, Head of Sales", DETECTORS, Vault(b"k" * 32), counts) == (
        "Luise Winkler, Head of Sales"
    )
    # A listed name with a possessive is still the listed name.
    listed = default_detectors(["Jane Doe"])
    assert redact_text("Jane Doe's file", listed, Vault(b"k" * 32), counts) == (
        "<PERSON_1> <PERSON_2>'s file"
    )


def test_a_word_of_a_name_the_session_has_shown_is_redacted_alone_later() -> None:
    vaults = Vaults(b"k" * 32)
    other = Vaults(b"k" * 32)
    # Another session types the same word first: clean there, and shared as clean.
    assert (
        _text_of(redact_event(_typed("s2", "Blake", 1), POLICY, detectors=DETECTORS, vaults=other))
        == "Blake"
    )
    assert (
        _text_of(redact_event(_typed("s2", "Blake", 1), POLICY, detectors=DETECTORS, vaults=vaults))
        == "Blake"
    )
    said = redact_event(
        _typed("s1", "Dear Blake Russell, see you", 1), POLICY, detectors=DETECTORS, vaults=vaults
    )
    assert _text_of(said) == "Dear <PERSON_1> <PERSON_2>, see you"
    typed = redact_event(_typed("s1", "Blake", 2), POLICY, detectors=DETECTORS, vaults=vaults)
    assert _text_of(typed) == "<PERSON_1>"
    assert typed is not None and typed.privacy.redactions == {"PERSON": 1}
    surname = redact_event(
        _typed("s1", "Russell & co", 3), POLICY, detectors=DETECTORS, vaults=vaults
    )
    assert _text_of(surname) == "<PERSON_2> & co"
    # Only as written, only whole words, and only in the session that showed the name.
    for text in ("blake", "Blakes", "Blake-Smith"):
        again = redact_event(_typed("s1", text, 4), POLICY, detectors=DETECTORS, vaults=vaults)
        assert _text_of(again) == text
    elsewhere = redact_event(_typed("s2", "Blake", 2), POLICY, detectors=DETECTORS, vaults=vaults)
    assert _text_of(elsewhere) == "Blake"


def test_a_surname_after_a_first_name_the_session_knows_is_redacted_too() -> None:
    # The session learnt "Amanda" from another Amanda; a new e-mail announces Amanda
    # Turnbull by its sign-off only. The known first name must not hide the surname.
    vaults = Vaults(b"k" * 32)
    said = redact_event(
        _typed("s1", "Dear Amanda Smith, see you", 1), POLICY, detectors=DETECTORS, vaults=vaults
    )
    assert _text_of(said) == "Dear <PERSON_1> <PERSON_2>, see you"
    mail = redact_event(
        _typed("s1", "Please note my details: Amanda Turnbull, Head of Sales. Thanks, Amanda", 2),
        POLICY,
        detectors=DETECTORS,
        vaults=vaults,
    )
    assert _text_of(mail) == (
        "Please note my details: <PERSON_1> <PERSON_3>, Head of Sales. Thanks, <PERSON_1>"
    )
    # A known word followed by a word that is no name (an acronym, a lower-case word) stays.
    plain = redact_event(
        _typed("s1", "Smith LLC and Amanda said yes. Thanks, Amanda", 3),
        POLICY,
        detectors=DETECTORS,
        vaults=vaults,
    )
    assert _text_of(plain) == "<PERSON_2> LLC and <PERSON_1> said yes. Thanks, <PERSON_1>"


# A complete name followed by a control's label (a form's text ends with its button): the
# label is no surname, and the session must not learn it as a name.
_LABEL_AFTER_NAME = [
    pytest.param(
        ("Abdul Robinson", "Adam Edwards"),
        (),
        "Owner Everyone Abdul Robinson Adam Edwards Apply",
        "Owner Everyone <PERSON_1> <PERSON_2> <PERSON_3> <PERSON_4> Apply",
        id="listed-names-then-apply",
    ),
    pytest.param(
        (),
        ("Adam", "Edwards"),
        "Owner Everyone Adam Edwards Apply",
        "Owner Everyone <PERSON_1> <PERSON_2> Apply",
        id="learnt-names-then-apply",
    ),
    pytest.param(
        (),
        ("Jan", "Dijk"),
        "Jan van Dijk Save",
        "<PERSON_1> van <PERSON_2> Save",
        id="learnt-name-with-particle-then-save",
    ),
    pytest.param(
        (),
        (),
        "Luise Winkler Search\nRegards,\nLuise Winkler",
        "<PERSON_1> <PERSON_2> Search\nRegards,\n<PERSON_1> <PERSON_2>",
        id="announced-name-repeated-then-search",
    ),
]


@pytest.mark.parametrize(("directory", "learnt", "text", "expected"), _LABEL_AFTER_NAME)
def test_a_word_after_a_complete_name_is_no_surname(
    directory: tuple[str, ...], learnt: tuple[str, ...], text: str, expected: str
) -> None:
    detectors = default_detectors(directory)
    vault = vault_knowing(*learnt)
    assert redact_text(text, detectors, vault, Counter()) == expected
    vault.commit()
    label = text.split("\n")[0].split()[-1]
    assert redact_text(label, detectors, vault, Counter()) == label


def test_a_known_first_name_alone_still_takes_its_surname() -> None:
    vault = Vault(b"k" * 32)
    vault.learn("Amanda")
    vault.commit()
    out = redact_text("Amanda Turnbull called", DETECTORS, vault, Counter())
    assert out == "<PERSON_1> <PERSON_2> called"


def _on_page(seq: int, path: str, target: ev.Target, *, submit: bool = False) -> ev.Event:
    cls = ev.SubmitEvent if submit else ev.ClickEvent
    return cls(
        event_id=SequentialIds()(),
        seq=seq,
        stream="web",
        device_id="dev_1",
        session_id="s1",
        occurred_at=datetime(2026, 11, 2, 9, 0, tzinfo=UTC),
        context=ev.Context(app="chromium", url=f"https://crm.example.test{path}"),
        target=target,
        privacy=ev.Privacy(mode="redacted", policy_version="7"),
        consent=ev.Consent(grant_id="g_1", notice_version="n1"),
    )


def test_a_button_label_after_a_listed_owner_stays_a_label_in_the_session() -> None:
    # The CRM's deal filter lists its owners, then its submit button: "... Adam Edwards
    # Apply". Later clicks on any "Apply" button of the session must keep their label.
    vaults = Vaults(b"k" * 32)
    detectors = default_detectors(["Abdul Robinson", "Adam Edwards"])
    form = ev.Target(
        tag="form",
        name="Filter deals",
        text="Stage All stages Lead Won Owner Everyone Abdul Robinson Adam Edwards Apply",
        selector="#main > form",
    )
    submitted = redact_event(
        _on_page(1, "/deals", form, submit=True), POLICY, detectors=detectors, vaults=vaults
    )
    assert submitted is not None and submitted.target is not None
    assert submitted.target.text == (
        "Stage All stages Lead Won Owner Everyone <PERSON_1> <PERSON_2> <PERSON_3> <PERSON_4> Apply"
    )
    assert submitted.privacy.redactions == {"PERSON": 2}
    button = ev.Target(
        tag="button", role="button", name="Apply", text="Apply", selector="#main > form > button"
    )
    clicked = redact_event(
        _on_page(2, "/contacts", button), POLICY, detectors=detectors, vaults=vaults
    )
    assert clicked is not None and clicked.target is not None
    assert (clicked.target.name, clicked.target.text) == ("Apply", "Apply")
    assert not clicked.privacy.redactions
    # The owners' names are still known to the session on their own.
    typed = redact_event(_typed("s1", "Edwards", 3), POLICY, detectors=detectors, vaults=vaults)
    assert _text_of(typed) == "<PERSON_4>"
