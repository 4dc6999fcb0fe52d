"""Properties of the detectors: total and well-formed on any text; recall 1.0 on gold values.

The gold generators build values that are valid by construction (Luhn-valid card numbers
with real issuer prefixes, IBANs with computed mod-97 check digits, JWTs whose header
carries ``alg``, AWS access key ids, e-mail addresses) and embed them in random words.
"""

from __future__ import annotations

import base64
import itertools
import json
import string
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.privacy.detectors import (
    test_address,
    test_card,
    test_email,
    test_iban,
    test_ip,
    test_names,
    test_national_id,
    test_phone,
    test_secrets,
    test_url_credentials,
)
from workprint.privacy.detectors import Detector, Span, default_detectors, find_all
from workprint.privacy.detectors._checksums import iban_mod97, luhn_ok
from workprint.privacy.detectors._context import labelled_as_record
from workprint.privacy.detectors.card import CardDetector
from workprint.privacy.detectors.email import EmailDetector
from workprint.privacy.detectors.iban import IBAN_LENGTHS, IbanDetector
from workprint.privacy.detectors.secrets import SecretsDetector

DETECTORS = default_detectors(["Jane Doe", "Priya Raman"])
ENTITIES = frozenset(e for d in DETECTORS for e in d.entities)

# ----------------------------------------------------------------------------- any text

_FRAGMENTS = st.sampled_from(
    [
        "4111 1111 1111 1111", "+44 20 7946 0958", "(415) 555-2671", "jane@example.com",
        "DE89 3704 0044 0532 0130 00", "10.0.0.1", "fe80::1", "::", "https://u:p@h.example/",
        "?token=", "password=", "--password ", "-----BEGIN PRIVATE KEY-----", "eyJ", "AKIA",
        "ghp_", "sk-", "Hi ", "Dear Mr. ", "Regards,\n", "called ", "From: ", "221B Baker Street",
        "Hauptstraße 5", "SW1A 1AA", ", CA 94103", "Calle ", "SSN ", "078-05-1121", "BSN ",
        "Jane Doe", "@", ".", "-", "(", ")", ":", "=", "/", "0", "7", " ", "\n", "٣", "İ", "ß",
        "\x00", "\u200b", "é",
    ]
)  # fmt: skip
_TEXTS = st.one_of(
    st.text(max_size=200),
    st.lists(_FRAGMENTS | st.text(max_size=5), max_size=25).map("".join),
    # Runs of digits, a few of them digits of other scripts (which \d matches):
    st.text(st.sampled_from("0123456789" * 4 + "٣٤߇ -./+()"), max_size=40),
)


def _well_formed(spans: list[Span], text: str) -> None:
    for span in spans:
        assert 0 <= span.start < span.end <= len(text)
        assert span.entity in ENTITIES
        assert 0.0 <= span.score <= 1.0
    for before, after in itertools.pairwise(spans):
        assert before.end <= after.start


@settings(max_examples=1000, deadline=None)
@given(_TEXTS)
def test_find_all_is_total_sorted_and_non_overlapping(text: str) -> None:
    _well_formed(find_all(text, DETECTORS), text)


@settings(max_examples=300, deadline=None)
@given(_TEXTS)
def test_every_detector_is_total_and_in_bounds(text: str) -> None:
    for detector in DETECTORS:
        for span in detector.find(text):
            assert 0 <= span.start < span.end <= len(text)
            assert span.entity in detector.entities


_TABLES = (test_address, test_card, test_email, test_iban, test_ip, test_names,
           test_national_id, test_phone, test_secrets, test_url_credentials)  # fmt: skip
TABLE_TEXTS = sorted({str(p.values[0]) for m in _TABLES for p in (*m.POSITIVES, *m.NEGATIVES)})
_OTHER_DIGITS = "٠١٢٣٤٥٦٧٨٩" + "۰۱۲۳۴۵۶۷۸۹" + "०१२३४५६७८९" + "０１２３４５６７８９"


@st.composite
def foreign_digits(draw: st.DrawFn) -> str:
    """A table text with some of its ASCII digits swapped for digits of other scripts."""
    text = draw(st.sampled_from(TABLE_TEXTS))
    chars = list(text)
    for i, ch in enumerate(chars):
        if ch.isdigit() and draw(st.booleans()):
            chars[i] = draw(st.sampled_from(_OTHER_DIGITS))
    return "".join(chars)


@settings(max_examples=500, deadline=None)
@given(foreign_digits())
def test_digits_of_other_scripts_never_break_a_detector(text: str) -> None:
    _well_formed(find_all(text, DETECTORS), text)


# Repetitions that would make a backtracking pattern or a per-match rescan quadratic.
_REPEATS = [
    pytest.param("-----BEGIN PRIVATE KEY-----\n", id="pem-begin-without-end"),
    pytest.param("eyJ", id="jwt-prefix-run"),
    pytest.param("1 ", id="digit-groups"),
    pytest.param("1-", id="dashed-digits"),
    pytest.param("password=", id="assignments"),
    pytest.param("a@", id="at-signs"),
    pytest.param(", CA 94103", id="state-zip"),
    pytest.param("https://a:b@", id="userinfo"),
    pytest.param("?token=", id="query"),
    pytest.param("Jane Doe ", id="listed-names"),
    pytest.param("1 Abc ", id="street-words"),
    pytest.param("Mr. ", id="honorifics"),
    pytest.param("aB3+", id="base64-run"),
    pytest.param("12 34-56.78/90 ", id="mixed-digits"),
]


@pytest.mark.parametrize("unit", _REPEATS)
def test_repetitions_take_linear_time(unit: str) -> None:
    # Growth, not wall time: four times the text must cost well under sixteen times as much
    # (quadratic); the best of three runs keeps a busy machine from deciding the answer.
    def cost(chars: int) -> float:
        text = unit * (chars // len(unit))
        best = float("inf")
        for _ in range(3):
            started = time.perf_counter()
            _well_formed(find_all(text, DETECTORS), text)
            best = min(best, time.perf_counter() - started)
        return best

    small, large = cost(25_000), cost(100_000)
    assert large < 9 * small + 0.05  # linear: ~4x; quadratic: ~16x


# ----------------------------------------------------------------------------- gold values


@st.composite
def emails(draw: st.DrawFn) -> str:
    local = draw(st.from_regex(r"[a-z][a-z0-9._%+\-]{0,15}[a-z0-9]", fullmatch=True))
    labels = draw(
        st.lists(st.from_regex(r"[a-z0-9](?:[a-z0-9\-]{0,8}[a-z0-9])?", fullmatch=True),
                 min_size=1, max_size=3)
    )  # fmt: skip
    tld = draw(st.from_regex(r"[a-z]{2,6}", fullmatch=True).filter(
        lambda t: t not in EmailDetector().not_tlds
    ))  # fmt: skip
    return f"{local}@{'.'.join(labels)}.{tld}"


_CARD_BRANDS = [("4", 16), ("51", 16), ("55", 16), ("2221", 16), ("34", 15), ("37", 15),
                ("6011", 16), ("3528", 16), ("62", 16), ("4", 13)]  # fmt: skip


@st.composite
def cards(draw: st.DrawFn) -> str:
    prefix, length = draw(st.sampled_from(_CARD_BRANDS))
    body = prefix + draw(st.text("0123456789", min_size=length - len(prefix) - 1,
                                 max_size=length - len(prefix) - 1))  # fmt: skip
    number = next(body + d for d in "0123456789" if luhn_ok(body + d))
    sep = draw(st.sampled_from(["", " ", "-"]))
    if not sep:
        return number
    widths = (
        (4, 6, 5) if length == 15 else (4,) * (length // 4) + ((length % 4,) * (length % 4 > 0))
    )
    parts, i = [], 0
    for w in widths:
        parts.append(number[i : i + w])
        i += w
    return sep.join(parts)


@st.composite
def ibans(draw: st.DrawFn) -> str:
    country = draw(st.sampled_from(sorted(IBAN_LENGTHS)))
    bban = draw(
        st.text(
            string.ascii_uppercase + string.digits,
            min_size=IBAN_LENGTHS[country] - 4,
            max_size=IBAN_LENGTHS[country] - 4,
        )
    )
    check = 98 - iban_mod97(country + "00" + bban)
    iban = f"{country}{check:02d}{bban}"
    assert iban_mod97(iban) == 1
    if draw(st.booleans()):
        iban = " ".join(iban[i : i + 4] for i in range(0, len(iban), 4))
    return iban.lower() if draw(st.booleans()) else iban


def _b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


@st.composite
def jwts(draw: st.DrawFn) -> str:
    alg = draw(st.sampled_from(["HS256", "RS256", "ES384", "EdDSA", "none"]))
    header = {"alg": alg, "typ": "JWT"}
    claims = draw(st.dictionaries(st.from_regex(r"[a-z]{1,8}", fullmatch=True),
                                  st.integers() | st.text(string.ascii_letters, max_size=12),
                                  max_size=4))  # fmt: skip
    payload = {"sub": draw(st.text(string.ascii_letters + string.digits, min_size=1)), **claims}
    signature = draw(st.binary(min_size=16, max_size=64))
    return ".".join(
        [_b64url(json.dumps(header).encode()), _b64url(json.dumps(payload).encode()),
         _b64url(signature)]
    )  # fmt: skip


aws_key_ids = st.builds(
    lambda prefix, rest: prefix + rest,
    st.sampled_from(["AKIA", "ASIA"]),
    st.text("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", min_size=16, max_size=16),
)

_WORDS = st.lists(st.text(string.ascii_letters, min_size=1, max_size=10), max_size=8).map(" ".join)
_WORDS_BEFORE = _WORDS.filter(lambda words: not labelled_as_record(words + " ", len(words) + 1))
"""Words before a gold value: any but a record label (``order``, ``ref``), which makes a bare
number of card length an order's or an invoice's number (the card detector's documented rule)."""
GOLD = [
    (emails(), "EMAIL", EmailDetector()),
    (cards(), "CARD", CardDetector()),
    (ibans(), "IBAN", IbanDetector()),
    (jwts(), "JWT", SecretsDetector()),
    (aws_key_ids, "SECRET", SecretsDetector()),
]
_GOLD_CASES = st.sampled_from(range(len(GOLD))).flatmap(
    lambda i: st.tuples(st.just(i), GOLD[i][0], _WORDS_BEFORE, _WORDS)
)


def _embed(before: str, value: str, after: str) -> tuple[str, int, int]:
    head = f"{before} " if before else ""
    return f"{head}{value} {after}", len(head), len(head) + len(value)


@settings(max_examples=1000, deadline=None)
@given(_GOLD_CASES)
def test_gold_values_are_always_found(case: tuple[int, str, str, str]) -> None:
    index, value, before, after = case
    _, entity, detector = GOLD[index]
    text, start, end = _embed(before, value, after)
    alone: Detector = detector
    found = {(s.start, s.end, s.entity) for s in alone.find(text)}
    assert (start, end, entity) in found
    covering = [s for s in find_all(text, DETECTORS) if s.start <= start and s.end >= end]
    assert [s.entity for s in covering] == [entity]
