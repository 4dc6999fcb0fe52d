"""A first name right before a surname that is already redacted: the CRM's contact picker
("Olivia Martin – Börner") showed a contact created seconds before, so the deny-list did not
list it yet, and the session knew only the surname (from another Martin). The option was
stored as "Olivia <PERSON_6970> – Börner", and the dataset build, with the complete
deny-list, could not match the listed "Olivia Martin" through the placeholder."""

from __future__ import annotations

import re
from collections import Counter
from datetime import UTC, datetime

import pytest

from tests.privacy._vaults import vault_knowing
from workprint.collector.redaction import KeyedVaults
from workprint.core import events as ev
from workprint.core.ids import SequentialIds
from workprint.privacy.detectors import default_detectors
from workprint.privacy.policy import parse
from workprint.privacy.redact import Vaults, redact_event, redact_text

POLICY = parse("""\
version = 7
[[origins]]
origin = "https://crm.example.test"
mode = "redacted"
""")

# directory (the deny-list), words the session has learnt, text, expected.
_FIRST_NAMES = [
    pytest.param(
        ("Olivia Martin", "Vanessa Martin"),
        (),
        "Olivia <PERSON_6970> – Börner",
        "<PERSON_1> <PERSON_6970> – Börner",
        id="listed-first-name-before-a-placeholder",
    ),
    pytest.param(
        ("Pierre Charles",),
        ("Pierre",),
        "Pierre <PERSON_8874> – Kohl AG",
        "<PERSON_1> <PERSON_8874> – Kohl AG",
        id="learnt-first-name-before-a-placeholder",
    ),
    pytest.param(
        ("Andrew Riley", "Cheryl Green"),
        ("Green",),
        "Andrew Green – Launay Grégoire et Fils",
        "<PERSON_1> <PERSON_2> – Launay Grégoire et Fils",
        id="listed-word-before-a-learnt-surname",
    ),
    pytest.param(
        ("Mary Ann Smith", "Jan van Dijk"),
        ("Dijk",),
        "Jan van Dijk, Mary Ann <PERSON_1200>",
        "<PERSON_1> van <PERSON_2>, <PERSON_3> <PERSON_4> <PERSON_1200>",
        id="particles-and-two-first-names",
    ),
    # Negatives: what stays as it was.
    pytest.param(
        ("Olivia Martin", "Claire Lambert"),
        ("Martin",),
        "Barrett, Lambert and Martin",
        "Barrett, Lambert and <PERSON_1>",
        id="company-with-a-surname",
    ),
    pytest.param(
        ("Vanessa Martin", "Christine Martinez"),
        (),
        "Vanessa Martin Martinez and Sons",
        "<PERSON_1> <PERSON_2> Martinez and Sons",
        id="listed-word-after-a-complete-name",
    ),
    pytest.param(
        ("Olivia Martin", "Rose Green"),
        ("Martin",),
        "Call Martin · olivia <PERSON_1300> · OLIVIA <PERSON_1300> · Rose, <PERSON_1300>",
        "Call <PERSON_1> · olivia <PERSON_1300> · OLIVIA <PERSON_1300> · Rose, <PERSON_1300>",
        id="unlisted-lower-case-acronym-or-comma",
    ),
    pytest.param(
        ("Olivia Martin",),
        (),
        "Olivia <EMAIL_1001> · Olivia",
        "Olivia <EMAIL_1001> · Olivia",
        id="not-before-a-name",
    ),
    pytest.param(
        ("Rose Green", "Olivia Martin"),
        (),
        "Rose Olivia Martin",
        "Rose <PERSON_1> <PERSON_2>",
        id="before-a-complete-name",
    ),
]


@pytest.mark.parametrize(("directory", "learnt", "text", "expected"), _FIRST_NAMES)
def test_a_first_name_before_a_redacted_surname_is_redacted(
    directory: tuple[str, ...], learnt: tuple[str, ...], text: str, expected: str
) -> None:
    detectors = default_detectors(directory)
    vault = vault_knowing(*learnt)
    out = redact_text(text, detectors, vault, Counter())
    assert out == expected
    assert redact_text(out, detectors, vault, Counter()) == out  # idempotent


def _picker(seq: int, options: list[str]) -> ev.Event:
    return ev.ObserveEvent(
        event_id=SequentialIds()(),
        seq=seq,
        stream="web",
        device_id="dev_1",
        session_id="s1",
        occurred_at=datetime(2026, 11, 2, 9, 0, tzinfo=UTC),
        context=ev.Context(app="chromium", url="https://crm.example.test/activities/new"),
        privacy=ev.Privacy(mode="redacted", policy_version="7"),
        consent=ev.Consent(grant_id="g_1", notice_version="n1"),
        payload=ev.ObservePayload(
            elements=[ev.Element(eid=1, tag="select", name="Contact", options=options)]
        ),
    )


def _options(out: ev.Event | None) -> list[str]:
    assert isinstance(out, ev.ObserveEvent)
    return list(out.payload.elements[0].options or ())


def test_a_new_contact_in_the_picker_is_redacted_whole() -> None:
    # Capture: the deny-list does not list the contacts created seconds ago yet; the
    # session learnt Martin, Charles and Green from the contacts it showed before, not
    # Andrew (listed as Andrew Riley, first shown in the same picker).
    before = ["Vanessa Martin", "Jason Charles", "Cheryl Green"]
    capture, vaults = default_detectors([*before, "Andrew Riley"]), Vaults(b"k" * 32)
    seen = redact_event(_picker(1, before), POLICY, detectors=capture, vaults=vaults)
    assert _options(seen) == [
        "<PERSON_1> <PERSON_2>",
        "<PERSON_3> <PERSON_4>",
        "<PERSON_5> <PERSON_6>",
    ]
    new = [
        "Olivia Martin – Börner",
        "Pierre Charles – Kohl AG",
        "Andrew Green – Launay",
        "Andrew Riley – Phillips",
    ]
    stored = redact_event(_picker(2, new), POLICY, detectors=capture, vaults=vaults)
    # Nothing says Olivia or Pierre is a name yet; Andrew is a word of a listed name, right
    # before a surname the session knows.
    assert _options(stored) == [
        "Olivia <PERSON_2> – Börner",
        "Pierre <PERSON_4> – Kohl AG",
        "<PERSON_7> <PERSON_6> – Launay",
        "<PERSON_7> <PERSON_8> – Phillips",
    ]
    assert stored is not None and stored.privacy.redactions == {"PERSON": 4}
    # Build: the complete deny-list, a vault of its own (numbered as the collector's are).
    complete = default_detectors([*before, "Andrew Riley", *(n.split(" – ")[0] for n in new)])
    built = redact_event(stored, POLICY, detectors=complete, vaults=KeyedVaults(b"b" * 32))
    names = [o.split(" – ")[0] for o in _options(built)]
    assert all(re.fullmatch(r"<PERSON_\d+> <PERSON_\d+>", n) for n in names), names
    assert [n.split()[1] for n in names] == ["<PERSON_2>", "<PERSON_4>", "<PERSON_6>", "<PERSON_8>"]
    assert built is not None and built.privacy.redactions == {"PERSON": 4 + 2}


def test_a_name_the_deny_list_adds_is_redacted_in_a_session_that_saw_it_before() -> None:
    # The session redacted the option before the deny-list listed Olivia Martin, and
    # learnt nothing from it (Martin was known): its remembered result must not outlive
    # the detectors it was made with.
    vaults = Vaults(b"k" * 32)
    old = default_detectors(["Vanessa Martin"])
    new = default_detectors(["Vanessa Martin", "Olivia Martin"])
    assert redact_event(_picker(1, ["Vanessa Martin"]), POLICY, detectors=old, vaults=vaults)
    option = ["Olivia Martin – Börner"]
    before = redact_event(_picker(2, option), POLICY, detectors=old, vaults=vaults)
    assert _options(before) == ["Olivia <PERSON_2> – Börner"]
    after = redact_event(_picker(3, option), POLICY, detectors=new, vaults=vaults)
    assert _options(after) == ["<PERSON_3> <PERSON_2> – Börner"]
