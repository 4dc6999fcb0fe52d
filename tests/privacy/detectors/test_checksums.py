"""Check-digit algorithms against published examples, and one digit off each."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from workprint.privacy.detectors._checksums import (
    bsn_ok,
    codice_fiscale_ok,
    cpf_ok,
    dni_letter,
    iban_mod97,
    luhn_ok,
    nir_ok,
    steuer_id_ok,
    verhoeff_ok,
)

CASES = [
    pytest.param(luhn_ok, "4111111111111111", True, id="luhn-visa-test-number"),
    pytest.param(luhn_ok, "4111111111111112", False, id="luhn-off-by-one"),
    pytest.param(luhn_ok, "378282246310005", True, id="luhn-amex-test-number"),
    pytest.param(verhoeff_ok, "2363", True, id="verhoeff-textbook"),
    pytest.param(verhoeff_ok, "2364", False, id="verhoeff-off-by-one"),
    pytest.param(verhoeff_ok, "234123412346", True, id="verhoeff-aadhaar-shape"),
    pytest.param(bsn_ok, "111222333", True, id="bsn-example"),
    pytest.param(bsn_ok, "111222334", False, id="bsn-off-by-one"),
    pytest.param(bsn_ok, "000000000", False, id="bsn-all-zero"),
    pytest.param(nir_ok, "184127645108946", True, id="nir-example"),
    pytest.param(nir_ok, "184127645108947", False, id="nir-bad-key"),
    pytest.param(nir_ok, "1841220123456", False, id="nir-too-short"),
    pytest.param(steuer_id_ok, "86095742719", True, id="steuer-id-example"),
    pytest.param(steuer_id_ok, "86095742718", False, id="steuer-id-bad-check"),
    pytest.param(steuer_id_ok, "12345678903", False, id="steuer-id-no-repeated-digit"),
    pytest.param(cpf_ok, "52998224725", True, id="cpf-example"),
    pytest.param(cpf_ok, "52998224726", False, id="cpf-bad-check"),
    pytest.param(cpf_ok, "11111111111", False, id="cpf-all-same"),
    pytest.param(codice_fiscale_ok, "RSSMRA85T10A562S", True, id="cf-example"),
    pytest.param(codice_fiscale_ok, "RSSMRA85T10A562T", False, id="cf-bad-check"),
    pytest.param(codice_fiscale_ok, "RSSMRA85T10A56NH", True, id="cf-omocodia"),
    pytest.param(codice_fiscale_ok, "MRTMTT91D08F205J", True, id="cf-second-example"),
    pytest.param(codice_fiscale_ok, "RSSMRA85T10A562", False, id="cf-too-short"),
    pytest.param(codice_fiscale_ok, "RSSMRA85T10A5622", False, id="cf-digit-check"),
]


@pytest.mark.parametrize(("check", "value", "expected"), CASES)
def test_check_digits(check: Callable[[str], bool], value: str, expected: bool) -> None:
    assert check(value) is expected


@pytest.mark.parametrize(
    ("iban", "valid"),
    [
        pytest.param("DE89370400440532013000", True, id="de-valid"),
        pytest.param("GB82WEST12345698765432", True, id="gb-valid"),
        pytest.param("DE89370400440532013001", False, id="de-last-digit-off"),
        pytest.param("DE98370400440532013000", False, id="de-check-digits-swapped"),
    ],
)
def test_iban_mod97(iban: str, valid: bool) -> None:
    assert (iban_mod97(iban) == 1) is valid


@pytest.mark.parametrize(
    ("number", "letter"),
    [pytest.param(12345678, "Z", id="dni"), pytest.param(1234567, "L", id="nie-x-as-0")],
)
def test_dni_letter(number: int, letter: str) -> None:
    assert dni_letter(number) == letter
