"""Table tests of the payment card detector: Luhn, issuer prefixes and lengths."""

from __future__ import annotations

import pytest

from workprint.privacy.detectors import find_all
from workprint.privacy.detectors.card import CardDetector

DETECTOR = CardDetector()

POSITIVES = [
    pytest.param("card 4111 1111 1111 1111 exp 12/27", [(5, 24, "CARD")], id="visa-spaced"),
    pytest.param("4111111111111111", [(0, 16, "CARD")], id="visa-compact"),
    pytest.param("3782-822463-10005", [(0, 17, "CARD")], id="amex-dashed"),
    pytest.param("5555 5555 5555 4444", [(0, 19, "CARD")], id="mastercard"),
    pytest.param("2221 0000 0000 0009", [(0, 19, "CARD")], id="mastercard-2-series"),
    pytest.param("6011-1111-1111-1117", [(0, 19, "CARD")], id="discover"),
    pytest.param("3530 1113 3330 0000", [(0, 19, "CARD")], id="jcb"),
    pytest.param("3056 9309 0259 04", [(0, 17, "CARD")], id="diners-14"),
    pytest.param("6200 0000 0000 0005", [(0, 19, "CARD")], id="unionpay"),
    pytest.param("2200 0000 0000 0004", [(0, 19, "CARD")], id="mir"),
    pytest.param("qty 2 4111 1111 1111 1111", [(6, 25, "CARD")], id="quantity-glued-before"),
    pytest.param(
        "6011 1111 1111 1117 and 5105 1051 0510 5100",
        [(0, 19, "CARD"), (24, 43, "CARD")],
        id="two-in-a-row",
    ),
    pytest.param("(4000056655665556)", [(1, 17, "CARD")], id="in-parentheses"),
    pytest.param("4111 1111 1111 1111 0A", [(0, 19, "CARD")], id="trailing-group-glued-to-letters"),
    pytest.param("4111 1111 1111 1111 1", [(0, 19, "CARD")], id="trailing-digit"),
    pytest.param("card 213100000000001", [(5, 20, "CARD")], id="jcb-15-2131"),
    pytest.param("1800 0000 0000 002", [(0, 18, "CARD")], id="jcb-15-1800"),
    pytest.param("3528000000000007", [(0, 16, "CARD")], id="jcb-3528"),
    pytest.param("3589 0000 0000 0003", [(0, 19, "CARD")], id="jcb-3589"),
    pytest.param("maestro 501800000009", [(8, 20, "CARD")], id="maestro-12"),
    pytest.param("6759 0000 0000", [(0, 14, "CARD")], id="maestro-12-grouped"),
    pytest.param("5020000000000000003", [(0, 19, "CARD")], id="maestro-19"),
    pytest.param(
        "order paid with card 4111 1111 1111 1111", [(21, 40, "CARD")], id="order-then-card-cue"
    ),
    pytest.param(
        "from card 3501 1665 6121 8741.", [(10, 29, "CARD")], id="issuer-unknown-with-card-word"
    ),
    pytest.param("Kreditkarte: 3595415679048665", [(13, 29, "CARD")], id="issuer-unknown-karte"),
    pytest.param("card 0604 4582 1048", [(5, 19, "CARD")], id="twelve-digits-with-card-word"),
    pytest.param("visa 4222222222222", [(5, 18, "CARD")], id="visa-13-with-card-word"),
    pytest.param("order 4111 1111 1111 1111", [(6, 25, "CARD")], id="grouped-after-order"),
    pytest.param(
        "order 123 paid with card 4111111111111111", [(25, 41, "CARD")], id="record-then-card"
    ),
    pytest.param("4111111111111111 order", [(0, 16, "CARD")], id="record-word-after"),
]
"""Texts and the exact (start, end, entity) spans the detector must return for them."""

NEGATIVES = [
    pytest.param("4111 1111 1111 1112", id="luhn-fails"),
    pytest.param("0000 0000 0000 0000", id="luhn-ok-no-issuer-zero"),
    pytest.param("9111 1111 1111 1110", id="luhn-ok-no-issuer-nine"),
    pytest.param("order 1000000000000008", id="luhn-ok-no-issuer-one"),
    pytest.param("3400 0000 0000 0000", id="amex-prefix-wrong-length"),
    pytest.param("4111111111111111a", id="glued-to-letters"),
    pytest.param("5555555555554444.5", id="decimal"),
    pytest.param("4111 1111 111", id="too-short"),
    pytest.param("41111111111111111111", id="too-long"),
    pytest.param("1234 5678 9012 3456", id="sequence"),
    pytest.param("213100000000000008", id="jcb-2131-wrong-length"),
    pytest.param("3527000000000008", id="jcb-below-range"),
    pytest.param("3590000000000000", id="jcb-above-range"),
    pytest.param("400000000002", id="visa-prefix-12-digits"),
    pytest.param("51000000000008", id="mastercard-prefix-14-digits"),
    pytest.param("1800000000000000", id="jcb-1800-16-digits"),
    pytest.param("3501 1665 6121 8741", id="issuer-unknown-no-card-word"),
    pytest.param("card 3501 1665 6121 8742", id="card-word-luhn-fails"),
    pytest.param("card 0000 0000 0000 0000", id="card-word-one-repeated-digit"),
    pytest.param("Invoice 5699406614879 due", id="ean-13-after-invoice"),
    pytest.param("Order 6468980275290539 shipped", id="order-number-passes-luhn"),
    pytest.param("invoice no. 5105105105105100", id="invoice-no-passes-luhn"),
    pytest.param("ref: 4111111111111111", id="ref-passes-luhn"),
    pytest.param("PO 671461431270", id="po-12-digits"),
    pytest.param("Bestellung Nr. 5555555555554444", id="bestellung-nr"),
]
"""Texts in which the detector must find nothing."""


@pytest.mark.parametrize(("text", "expected"), POSITIVES)
def test_finds_exact_spans(text: str, expected: list[tuple[int, int, str]]) -> None:
    spans = find_all(text, [DETECTOR])
    assert [(s.start, s.end, s.entity) for s in spans] == expected


@pytest.mark.parametrize("text", NEGATIVES)
def test_finds_nothing(text: str) -> None:
    assert find_all(text, [DETECTOR]) == []
