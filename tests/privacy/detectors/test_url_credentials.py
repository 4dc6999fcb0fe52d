"""Table tests of credentials in URLs: userinfo and secret query parameters."""

from __future__ import annotations

import pytest

from workprint.privacy.detectors import find_all
from workprint.privacy.detectors.url_credentials import UrlCredentialsDetector, secret_param

DETECTOR = UrlCredentialsDetector()

POSITIVES = [
    pytest.param(
        "https://jane:s3cret@db.example.com/x", [(8, 19, "URL_CREDENTIALS")], id="userinfo"
    ),
    pytest.param(
        "postgres://u:p@ss@h.example/db", [(11, 17, "URL_CREDENTIALS")], id="userinfo-unencoded-at"
    ),
    pytest.param("ftp://jane@files.example.org", [(6, 10, "URL_CREDENTIALS")], id="username-only"),
    pytest.param(
        "https://a.example/cb#access_token=abc.def-ghi&state=1",
        [(34, 45, "URL_CREDENTIALS")],
        id="fragment-token",
    ),
    pytest.param(
        "https://s3.example/b/k?X-Amz-Credential=AKIDEXAMPLE%2F20240101&X-Amz-Signature=deadbeef01",
        [(40, 62, "URL_CREDENTIALS"), (79, 89, "URL_CREDENTIALS")],
        id="aws-presigned",
    ),
    pytest.param(
        "https://x.example/?authuser=0&accessToken=XyZ123.",
        [(42, 48, "URL_CREDENTIALS")],
        id="camel-case-name",
    ),
    pytest.param(
        "https://maps.example/api?key=AIzaSyA-1234&sensor=false",
        [(29, 41, "URL_CREDENTIALS")],
        id="api-key",
    ),
    pytest.param(
        "https://shop.example/?PHPSESSID=abc123", [(32, 38, "URL_CREDENTIALS")], id="php-session"
    ),
    pytest.param(
        "/login?user=jane&password=hunter2", [(26, 33, "URL_CREDENTIALS")], id="password-param"
    ),
    pytest.param(
        "/callback?code=4%2F0AX4XfWh&scope=email", [(15, 27, "URL_CREDENTIALS")], id="oauth-code"
    ),
]
"""Texts and the exact (start, end, entity) spans the detector must return for them."""

NEGATIVES = [
    pytest.param("ssh://git@github.com/org/repo", id="git-ssh-user"),
    pytest.param("https://a.example/?q=shoes&keyword=red&page=2", id="plain-query"),
    pytest.param("https://mail.example/?authuser=0", id="authuser"),
    pytest.param("https://a.example/?token=&page=1", id="no-value"),
    pytest.param("https://www.example.com/path/to/page", id="no-credentials"),
    pytest.param("http://127.0.0.1:8788/contacts/jane.doe@example.com", id="email-in-path"),
]
"""Texts in which the detector must find nothing."""


@pytest.mark.parametrize(("text", "expected"), POSITIVES)
def test_finds_exact_spans(text: str, expected: list[tuple[int, int, str]]) -> None:
    spans = find_all(text, [DETECTOR])
    assert [(s.start, s.end, s.entity) for s in spans] == expected


@pytest.mark.parametrize("text", NEGATIVES)
def test_finds_nothing(text: str) -> None:
    assert find_all(text, [DETECTOR]) == []


@pytest.mark.parametrize(
    ("name", "secret"),
    [
        pytest.param("access_token", True, id="access-token"),
        pytest.param("X-Amz-Signature", True, id="amz-signature"),
        pytest.param("PHPSESSID", True, id="php-session"),
        pytest.param("client_secret", True, id="client-secret"),
        pytest.param("sig", True, id="sig"),
        pytest.param("keyword", False, id="keyword"),
        pytest.param("authuser", False, id="authuser"),
        pytest.param("page", False, id="page"),
        pytest.param("monkey", False, id="monkey"),
    ],
)
def test_parameter_names(name: str, secret: bool) -> None:
    assert secret_param(name) is secret
