"""Table tests of the e-mail detector: exact spans for positives, nothing for negatives."""

from __future__ import annotations

import pytest

from workprint.privacy.detectors import find_all
from workprint.privacy.detectors.email import EmailDetector

DETECTOR = EmailDetector()

POSITIVES = [
    pytest.param("Mail jane.doe@example.com now", [(5, 25, "EMAIL")], id="plain"),
    pytest.param(
        "cc: ops+alerts@corp.example.co.uk.", [(4, 33, "EMAIL")], id="plus-and-subdomains"
    ),
    pytest.param("'o'brien@example.ie'", [(1, 19, "EMAIL")], id="apostrophe-inside-quotes"),
    pytest.param("josé.müller@bücher.de schrieb", [(0, 21, "EMAIL")], id="unicode"),
    pytest.param(
        "http://127.0.0.1:8788/contacts/jane.doe@example.com", [(31, 51, "EMAIL")], id="in-url-path"
    ),
    pytest.param('<a href="mailto:a.b@example.org">', [(16, 31, "EMAIL")], id="mailto"),
    pytest.param("From: Jane <jane@example.com>", [(12, 28, "EMAIL")], id="angle-brackets"),
    pytest.param("a@example.com, b_c@example.net", [(0, 13, "EMAIL"), (15, 30, "EMAIL")], id="two"),
    pytest.param(
        "https://x.test/invite?email=sam@example.com&x=1", [(28, 43, "EMAIL")], id="query-value"
    ),
    pytest.param("admin@xn--bcher-kva.example", [(0, 27, "EMAIL")], id="punycode"),
]
"""Texts and the exact (start, end, entity) spans the detector must return for them."""

NEGATIVES = [
    pytest.param("@jane please review", id="mention"),
    pytest.param("npm i @types/node", id="npm-scope"),
    pytest.param("icon@2x.png", id="retina-asset"),
    pytest.param("pip install pkg@1.2.3", id="package-version"),
    pytest.param("git clone git@github.com:org/repo.git", id="ssh-remote"),
    pytest.param("user@localhost", id="no-tld"),
    pytest.param("https://jane:s3cret@example.com/", id="url-userinfo"),
    pytest.param("a @ b.com", id="spaced-at"),
    pytest.param("(@example.com)", id="no-local-part"),
    pytest.param("@dataclass(frozen=True)", id="decorator"),
]
"""Texts in which the detector must find nothing."""


@pytest.mark.parametrize(("text", "expected"), POSITIVES)
def test_finds_exact_spans(text: str, expected: list[tuple[int, int, str]]) -> None:
    spans = find_all(text, [DETECTOR])
    assert [(s.start, s.end, s.entity) for s in spans] == expected


@pytest.mark.parametrize("text", NEGATIVES)
def test_finds_nothing(text: str) -> None:
    assert find_all(text, [DETECTOR]) == []
