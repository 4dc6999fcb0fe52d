"""Table tests of national numbers: SSN, NINO, BSN, DNI/NIE, NIR, Steuer-ID, Aadhaar, CPF, CF."""

from __future__ import annotations

import pytest

from workprint.privacy.detectors import find_all
from workprint.privacy.detectors.national_id import NationalIdDetector

DETECTOR = NationalIdDetector()

POSITIVES = [
    pytest.param("SSN 078-05-1121", [(4, 15, "SSN")], id="ssn-dashed"),
    pytest.param("on file: 536-22-5487.", [(9, 20, "SSN")], id="ssn-dashed-no-cue"),
    pytest.param("ssn: 536225487", [(5, 14, "SSN")], id="ssn-bare-with-cue"),
    pytest.param("social security number 536 22 5487", [(23, 34, "SSN")], id="ssn-spaced"),
    pytest.param("NI number AB 12 34 56 C", [(10, 23, "NINO")], id="nino-spaced"),
    pytest.param("JG103759A", [(0, 9, "NINO")], id="nino-compact"),
    pytest.param("BSN 111222333", [(4, 13, "NATIONAL_ID")], id="bsn-with-cue"),
    pytest.param("burgerservicenummer: 1112.22.333", [(21, 32, "NATIONAL_ID")], id="bsn-dotted"),
    pytest.param("DNI 12345678Z", [(4, 13, "NATIONAL_ID")], id="dni"),
    pytest.param("12345678-Z", [(0, 10, "NATIONAL_ID")], id="dni-dashed"),
    pytest.param("NIE X1234567L", [(4, 13, "NATIONAL_ID")], id="nie"),
    pytest.param("NIR 1 84 12 76 451 089 46", [(4, 25, "NATIONAL_ID")], id="nir-spaced"),
    pytest.param("184127645108946", [(0, 15, "NATIONAL_ID")], id="nir-compact"),
    pytest.param(
        "invoice to 184127645108946", [(11, 26, "NATIONAL_ID")], id="nir-compact-not-labelled"
    ),
    pytest.param("Steuer-ID 86095742719", [(10, 21, "NATIONAL_ID")], id="steuer-id-with-cue"),
    pytest.param("86 095 742 719", [(0, 14, "NATIONAL_ID")], id="steuer-id-grouped"),
    pytest.param("Aadhaar 234123412346", [(8, 20, "NATIONAL_ID")], id="aadhaar-with-cue"),
    pytest.param("2341 2341 2346", [(0, 14, "NATIONAL_ID")], id="aadhaar-grouped"),
    pytest.param("CPF 52998224725", [(4, 15, "NATIONAL_ID")], id="cpf-with-cue"),
    pytest.param("529.982.247-25", [(0, 14, "NATIONAL_ID")], id="cpf-formatted"),
    pytest.param("ID 111222333", [(3, 12, "NATIONAL_ID")], id="bsn-id-cue"),
    pytest.param("sofinummer 111222333", [(11, 20, "NATIONAL_ID")], id="bsn-sofinummer"),
    pytest.param(
        "citizen service number: 111222333", [(24, 33, "NATIONAL_ID")], id="bsn-english-cue"
    ),
    pytest.param("BSN: 1112.22.333", [(5, 16, "NATIONAL_ID")], id="bsn-colon-dotted"),
    pytest.param("ID-nummer 111222333", [(10, 19, "NATIONAL_ID")], id="bsn-id-nummer"),
    pytest.param("codice fiscale RSSMRA85T10A562S", [(15, 31, "NATIONAL_ID")], id="codice-fiscale"),
    pytest.param("CF: RSSMRA85T10A56NH.", [(4, 20, "NATIONAL_ID")], id="codice-fiscale-omocodia"),
    pytest.param("MRTMTT91D08F205J", [(0, 16, "NATIONAL_ID")], id="codice-fiscale-bare"),
    pytest.param("social security: 536225487", [(17, 26, "SSN")], id="ssn-bare-social-security"),
    pytest.param("Social Security no. 536225487", [(20, 29, "SSN")], id="ssn-bare-soc-sec-no"),
    pytest.param("DOB 1990-01-02, ID 536225487", [(19, 28, "SSN")], id="ssn-bare-id-label"),
    pytest.param("ID no.: 536225487", [(8, 17, "SSN")], id="ssn-bare-id-no-label"),
    pytest.param("national ID 536225487", [(12, 21, "SSN")], id="ssn-bare-national-id"),
    pytest.param("111222333", [(0, 9, "NATIONAL_ID")], id="bsn-alone-in-a-field"),
    pytest.param(" 1112.22.333\n", [(1, 12, "NATIONAL_ID")], id="bsn-dotted-alone"),
    pytest.param("86095742719", [(0, 11, "NATIONAL_ID")], id="steuer-id-alone-in-a-field"),
    pytest.param("234123412346", [(0, 12, "NATIONAL_ID")], id="aadhaar-alone-in-a-field"),
    pytest.param("52998224725", [(0, 11, "NATIONAL_ID")], id="cpf-alone-in-a-field"),
]
"""Texts and the exact (start, end, entity) spans the detector must return for them."""

NEGATIVES = [
    pytest.param("536225487", id="ssn-bare-no-cue-alone-has-no-check-digit"),
    pytest.param("see 536225487 today", id="ssn-bare-no-cue"),
    pytest.param("Device ID 536225487", id="ssn-bare-after-another-records-id"),
    pytest.param("user-id 536225487", id="ssn-bare-after-hyphenated-id"),
    pytest.param("IDs 536225487", id="ssn-bare-after-a-longer-word"),
    pytest.param("666-12-3456", id="ssn-area-666"),
    pytest.param("912-12-3456", id="ssn-area-9xx"),
    pytest.param("000-12-3456", id="ssn-area-000"),
    pytest.param("536-00-5487", id="ssn-group-00"),
    pytest.param("536-22-0000", id="ssn-serial-0000"),
    pytest.param("078-05-1120", id="ssn-advertising-number"),
    pytest.param("x536-22-5487x", id="ssn-glued"),
    pytest.param("1536-22-5487", id="ssn-longer-number"),
    pytest.param("QQ123456C", id="nino-bad-first-letter"),
    pytest.param("GB123456A", id="nino-bad-prefix"),
    pytest.param("AB123456E", id="nino-bad-suffix"),
    pytest.param("see 111222333 today", id="bsn-no-cue"),
    pytest.param("111222333 and 111222333", id="bsn-not-alone-no-cue"),
    pytest.param("BSN 111222334", id="bsn-checksum-fails"),
    pytest.param("12345678A", id="dni-wrong-letter"),
    pytest.param("A12345678Z", id="dni-glued"),
    pytest.param("184127645108947", id="nir-bad-key"),
    pytest.param("about invoice 184127645108946;", id="nir-shaped-invoice-number"),
    pytest.param("Order no. 184127645108946", id="nir-shaped-order-number"),
    pytest.param("see 86095742719 today", id="steuer-id-bare-no-cue"),
    pytest.param("Steuer-ID 86095742718", id="steuer-id-bad-check"),
    pytest.param("2341 2341 2345", id="aadhaar-bad-check"),
    pytest.param("Aadhaar 1341 2341 2346", id="aadhaar-starts-with-1"),
    pytest.param("see 52998224725 today", id="cpf-bare-no-cue"),
    pytest.param("52998224726", id="cpf-alone-bad-check"),
    pytest.param("111.111.111-11", id="cpf-all-same"),
    pytest.param("Order 111222333 shipped", id="bsn-order-number"),
    pytest.param("ref 111222333", id="bsn-ref-number"),
    pytest.param("ID 911222334", id="bsn-id-cue-checksum-fails-and-no-ssn"),
    pytest.param("Order ID 111222333", id="bsn-order-id"),
    pytest.param("user-id: 111222333", id="bsn-user-id"),
    pytest.param("Invoice id 111222333", id="bsn-invoice-id"),
    pytest.param("RSSMRA85T10A562T", id="codice-fiscale-bad-check"),
    pytest.param("rssmra85t10a562s", id="codice-fiscale-lower-case"),
    pytest.param("XRSSMRA85T10A562S", id="codice-fiscale-glued"),
    pytest.param("RSSMRA85T99A562U", id="codice-fiscale-day-99"),
    pytest.param("Tracking 1ZRSSMRA85T10A562S", id="codice-fiscale-inside-tracking-number"),
]
"""Texts in which the detector must find nothing."""


@pytest.mark.parametrize(("text", "expected"), POSITIVES)
def test_finds_exact_spans(text: str, expected: list[tuple[int, int, str]]) -> None:
    spans = find_all(text, [DETECTOR])
    assert [(s.start, s.end, s.entity) for s in spans] == expected


@pytest.mark.parametrize("text", NEGATIVES)
def test_finds_nothing(text: str) -> None:
    assert find_all(text, [DETECTOR]) == []
