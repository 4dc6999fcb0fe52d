"""Table tests of the phone detector: E.164 in any region, national formats in configured ones."""

from __future__ import annotations

import phonenumbers
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from workprint.core.errors import ConfigError
from workprint.privacy.detectors import find_all
from workprint.privacy.detectors.phone import PhoneDetector

DETECTOR = PhoneDetector()

POSITIVES = [
    pytest.param(
        "Call +44 (0)20 7946 0958 today", [(5, 24, "PHONE")], id="gb-e164-with-trunk-in-parens"
    ),
    pytest.param("+1 415 555 2671", [(0, 15, "PHONE")], id="us-e164"),
    pytest.param("ring (415) 555-2671.", [(5, 19, "PHONE")], id="us-national"),
    pytest.param("cell 415.555.2671", [(5, 17, "PHONE")], id="us-dotted"),
    pytest.param("mobile 06 12 34 56 78", [(7, 21, "PHONE")], id="fr-national"),
    pytest.param("+33 6 12 34 56 78", [(0, 17, "PHONE")], id="fr-e164"),
    pytest.param("0044 20 7946 0958", [(0, 17, "PHONE")], id="gb-00-prefix"),
    pytest.param("Tel. 030 901820", [(5, 15, "PHONE")], id="de-national"),
    pytest.param("Ruf an: +49 30 901820.", [(8, 21, "PHONE")], id="de-e164-sentence-end"),
    pytest.param("98765 43210", [(0, 11, "PHONE")], id="in-mobile-without-trunk"),
    pytest.param("+91 98765 43210", [(0, 15, "PHONE")], id="in-e164"),
    pytest.param("(11) 98765-4321", [(0, 15, "PHONE")], id="br-area-in-parens"),
    pytest.param("llámame al 612 345 678", [(11, 22, "PHONE")], id="es-national"),
    pytest.param("03-1234-5678", [(0, 12, "PHONE")], id="jp-national"),
    pytest.param("0412 345 678", [(0, 12, "PHONE")], id="au-mobile"),
    pytest.param("020 123 4567", [(0, 12, "PHONE")], id="nl-national"),
    pytest.param("tel 4155552671", [(4, 14, "PHONE")], id="bare-digits-with-cue"),
    pytest.param("tel:+14155552671", [(4, 16, "PHONE")], id="tel-uri"),
    pytest.param("Telefon 030 90 1820", [(8, 19, "PHONE")], id="two-digit-middle-group"),
    pytest.param("paid 0207 946 0958", [(5, 18, "PHONE")], id="after-paid"),
    pytest.param("qty 2 0207 946 0958 2 times", [(6, 19, "PHONE")], id="quantity-glued-before"),
    pytest.param("call 020 7946 0958 3rd floor", [(5, 18, "PHONE")], id="trailing-ordinal"),
    pytest.param(
        "call 0207 946 0958 0207 946 0959", [(5, 18, "PHONE"), (19, 32, "PHONE")], id="two-in-a-row"
    ),
    pytest.param("call 555-234-5678 x123 now", [(5, 22, "PHONE")], id="us-extension-x-spaced"),
    pytest.param("415-555-2671x08301", [(0, 18, "PHONE")], id="us-extension-x-glued"),
    pytest.param("+1-415-555-2671x543", [(0, 19, "PHONE")], id="us-e164-extension"),
    pytest.param("tel (415) 555-2671 ext. 42.", [(4, 26, "PHONE")], id="us-extension-ext-dot"),
    pytest.param("telefono 3471234567", [(9, 19, "PHONE")], id="it-mobile-bare-with-cue"),
    pytest.param("Tel. 03090182000", [(5, 16, "PHONE")], id="de-bare-with-cue"),
    pytest.param("Telefon 015112345678", [(8, 20, "PHONE")], id="de-mobile-bare-with-cue"),
    pytest.param("mobiel 0612345678", [(7, 17, "PHONE")], id="nl-mobile-bare-with-cue"),
    pytest.param(
        "https://a.io/u?phone=%2B44%2020%207946%200958&x=1",
        [(21, 45, "PHONE")],
        id="url-encoded-e164",
    ),
    pytest.param(
        "https://a.io/u/7?phone=%28415%29%20555-2671",
        [(23, 43, "PHONE")],
        id="url-encoded-parens",
    ),
    pytest.param("0612345678", [(0, 10, "PHONE")], id="nl-mobile-bare-trunk-zero"),
    pytest.param("customer 04018782727", [(9, 20, "PHONE")], id="de-bare-trunk-zero"),
    pytest.param("(020)-1234567", [(0, 13, "PHONE")], id="nl-area-in-parens-then-dash"),
    pytest.param("0031 (020)-1234567", [(0, 18, "PHONE")], id="nl-00-area-in-parens-dash"),
    pytest.param("+44 115 496 0525", [(0, 16, "PHONE")], id="gb-e164-reserved-drama-range"),
    pytest.param("+31 6 1234 5678", [(0, 15, "PHONE")], id="nl-e164"),
    pytest.param("Reach her at 3407343311 or", [(13, 23, "PHONE")], id="it-bare-reach-cue"),
    pytest.param("call 400-873-3812", [(5, 17, "PHONE")], id="us-unassigned-area-with-cue"),
    pytest.param("583-981-8629", [(0, 12, "PHONE")], id="us-unassigned-area-nanp-layout"),
    pytest.param("(583) 981-8629", [(0, 14, "PHONE")], id="us-unassigned-area-parens"),
    pytest.param("on file: 578-346-3100x3338.", [(9, 26, "PHONE")], id="us-invalid-with-extension"),
    pytest.param("mobile (00981) 93474", [(7, 20, "PHONE")], id="malformed-with-cue"),
    pytest.param("Mobil: 0022345316", [(7, 17, "PHONE")], id="malformed-bare-with-cue"),
    pytest.param("téléphone 0376781441", [(10, 20, "PHONE")], id="fr-bare-cue"),
]
"""Texts and the exact (start, end, entity) spans the detector must return for them."""

NEGATIVES = [
    pytest.param("4155552671", id="bare-digits-no-cue"),
    pytest.param("order 4155552671", id="order-number"),
    pytest.param("Order #415-555-2671", id="order-hash-formatted"),
    pytest.param("id 202-403-1510", id="id-formatted"),
    pytest.param("1710498765", id="unix-timestamp"),
    pytest.param("2024-03-15 10:23:45", id="iso-datetime"),
    pytest.param("ts 2024-03-15T10:23:45Z", id="iso-datetime-t"),
    pytest.param("15/03/2024", id="date-slashes"),
    pytest.param("15.03.2024", id="date-dots"),
    pytest.param("05 12 2024", id="date-spaces"),
    pytest.param("2024.3.15", id="date-year-first"),
    pytest.param("15-03-24", id="date-two-digit-year"),
    pytest.param("v1.2.3.4567", id="version"),
    pytest.param("1.5.0", id="version-bare"),
    pytest.param("build 20240315.1", id="build-number"),
    pytest.param("192.168.100.200", id="ip-address"),
    pytest.param("$1,234.56", id="price-dollars"),
    pytest.param("1 234 567,89 €", id="price-euros"),
    pytest.param("price 49.99", id="price-decimal"),
    pytest.param("550e8400-e29b-41d4-a716-446655440000", id="uuid"),
    pytest.param("at 10:23:45", id="time"),
    pytest.param("ISBN 978-3-16-148410-0", id="isbn"),
    pytest.param("call 555 1234", id="short-number"),
    pytest.param("3471234567", id="it-mobile-bare-no-cue"),
    pytest.param("00612345678", id="bare-double-zero-no-cue"),
    pytest.param("Merge: 0739669 de036da", id="all-digit-short-commit-hash"),
    pytest.param("Vila Paraíso, 06657759 Nogueira", id="br-postcode-without-dash"),
    pytest.param("call 555 1234", id="short-number-with-cue"),
    pytest.param("mobile 12 34", id="too-short-with-cue"),
    pytest.param("tel 1234567890123456", id="too-long-with-cue"),
    pytest.param("Telefon 2024-03-15", id="date-after-cue"),
    pytest.param("CEP 01310-100", id="br-postcode"),
    pytest.param("Rua Augusta 500, 01304-001 Sao Paulo", id="br-postcode-in-address"),
    pytest.param("contact 4008733812", id="invalid-after-weak-cue"),
    pytest.param("number 2117954133", id="invalid-after-number"),
    pytest.param("4008733812", id="invalid-bare-no-cue"),
    pytest.param("400 873 3812", id="invalid-spaced-no-cue"),
    pytest.param("order 3471234567", id="it-digits-after-order"),
    pytest.param("1920x1080", id="resolution"),
    pytest.param("request_id=07707622-1630-466e-948a-0d1e2f3a4b5c", id="uuid-digits-first"),
    pytest.param("size 415-555-2671x5.5", id="extension-continued-by-decimal"),
    pytest.param("https://a.io/search?q=%2B1%20and%2020240315", id="url-encoded-not-a-phone"),
    pytest.param("https://a.io/u?q=order%20%2312345678", id="url-encoded-order-number"),
]
"""Texts in which the detector must find nothing."""


@pytest.mark.parametrize(("text", "expected"), POSITIVES)
def test_finds_exact_spans(text: str, expected: list[tuple[int, int, str]]) -> None:
    spans = find_all(text, [DETECTOR])
    assert [(s.start, s.end, s.entity) for s in spans] == expected


@pytest.mark.parametrize("text", NEGATIVES)
def test_finds_nothing(text: str) -> None:
    assert find_all(text, [DETECTOR]) == []


def test_national_formats_follow_the_configured_regions() -> None:
    gb_only = PhoneDetector(regions=("GB",))
    assert find_all("ring (415) 555-2671", [gb_only]) == []
    assert [(s.start, s.end) for s in find_all("ring 020 7946 0958", [gb_only])] == [(5, 18)]
    assert [(s.start, s.end) for s in find_all("ring +1 415 555 2671", [gb_only])] == [(5, 20)]


def test_unknown_region_is_a_config_error() -> None:
    with pytest.raises(ConfigError) as info:
        PhoneDetector(regions=("US", "XX"))
    assert info.value.code == "config_invalid"


_TYPES = [getattr(phonenumbers.PhoneNumberType, t) for t in ("FIXED_LINE", "MOBILE", "TOLL_FREE")]


@pytest.mark.parametrize("region", DETECTOR.regions)
def test_the_parse_filter_keeps_every_example_number(region: str) -> None:
    (resolved,) = [r for r in DETECTOR._regions if r.code == region]
    for kind in _TYPES:
        example = phonenumbers.example_number_for_type(region, kind)
        if example is None:
            continue
        national = phonenumbers.format_number(example, phonenumbers.PhoneNumberFormat.NATIONAL)
        digits = "".join(ch for ch in national if ch.isdigit())
        assert resolved.may_be_valid(digits), (region, kind)


@settings(max_examples=2000, deadline=None)
@given(st.sampled_from(DETECTOR.regions), st.text("0123456789", min_size=7, max_size=17))
def test_the_parse_filter_never_drops_a_valid_number(region: str, digits: str) -> None:
    (resolved,) = [r for r in DETECTOR._regions if r.code == region]
    try:
        valid = phonenumbers.is_valid_number(phonenumbers.parse(digits, region))
    except phonenumbers.NumberParseException:
        valid = False
    if valid:
        assert resolved.may_be_valid(digits)
