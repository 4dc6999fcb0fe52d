"""Table tests of the secrets detector: provider formats, JWTs, keys, assignments, entropy."""

from __future__ import annotations

import base64
import json

import pytest

from workprint.privacy.detectors import find_all
from workprint.privacy.detectors.secrets import SecretsDetector, classify_name

# Fake credentials in the providers' formats, assembled at run time so that this file holds
# no literal that a secret scanner would take for a real key.
_CHARS = "aB3dE5fG7hJ9kL2mN4pQ6rS8tU0vW1xYz"


def _fake(prefix: str, n: int) -> str:
    return prefix + (_CHARS * 8)[:n]


def _b64(obj: object) -> str:
    raw = json.dumps(obj, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


AWS_ID = "AKIA" + "IOSFODNN7" + "EXAMPLE"
AWS_SECRET = "wJalrXUtnFEMI/K7MDENG/" + "bPxRfiCYEXAMPLEKEY"
GITHUB = _fake("gh" + "p_", 36)
GITHUB_PAT = _fake("github" + "_pat_", 82)
GITLAB = _fake("gl" + "pat-", 20)
SLACK = "xo" + "xb-1234567890-" + _fake("", 24)
SLACK_HOOK_PATH = "T0123ABCD/B0456EFGH/" + _fake("", 24)
STRIPE = _fake("sk" + "_live_", 24)
STRIPE_RESTRICTED = _fake("rk" + "_live_", 24)
GOOGLE = _fake("AI" + "za", 35)
OPENAI = _fake("sk-" + "proj-", 48)
TWILIO = "SK" + "0123456789abcdef" * 2
SENDGRID = "SG." + _fake("", 22) + "." + _fake("", 43)
NPM = _fake("np" + "m_", 36)
PYPI = "py" + "pi-AgEIcHlwaS5vcmc" + _fake("", 60)
AZURE_KEY = _fake("", 86) + "=="
JWT = _b64({"alg": "HS256", "typ": "JWT"}) + "." + _b64({"sub": "1234"}) + "." + _fake("", 43)
NOT_JWT = _b64({"typ": "JWT"}) + "." + _b64({"sub": "1234"}) + "." + _fake("", 43)
PEM = (
    "-----BEGIN "
    + "RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA"
    + _fake("", 40)
    + "\n-----END "
    + "RSA PRIVATE KEY-----"
)
RANDOM = "9fQ2xLr7Zt0pWm4Kd8sV1bN6cH3jY5gT"

DETECTOR = SecretsDetector()

POSITIVES = [
    pytest.param(f"key {AWS_ID} in config", [(4, 24, "SECRET")], id="aws-access-key-id"),
    pytest.param(
        f"export AWS_SECRET_ACCESS_KEY={AWS_SECRET}", [(29, 69, "SECRET")], id="aws-secret-env"
    ),
    pytest.param(f"pushed with {GITHUB}", [(12, 52, "SECRET")], id="github-classic"),
    pytest.param(f"GH_TOKEN={GITHUB_PAT}", [(9, 102, "SECRET")], id="github-fine-grained"),
    pytest.param(f"({GITLAB})", [(1, 27, "SECRET")], id="gitlab"),
    pytest.param(f"slack {SLACK}", [(6, 46, "SECRET")], id="slack-bot"),
    pytest.param(
        f"https://hooks.slack.com/services/{SLACK_HOOK_PATH}",
        [(33, 77, "SECRET")],
        id="slack-webhook",
    ),
    pytest.param(f"charge with {STRIPE}", [(12, 44, "SECRET")], id="stripe-live"),
    pytest.param(f"{STRIPE_RESTRICTED}", [(0, 32, "SECRET")], id="stripe-restricted"),
    pytest.param(f"maps {GOOGLE}.", [(5, 44, "SECRET")], id="google-api-key"),
    pytest.param(f"OPENAI {OPENAI}", [(7, 63, "SECRET")], id="openai-project"),
    pytest.param(f"sid {TWILIO}", [(4, 38, "SECRET")], id="twilio-api-key-sid"),
    pytest.param(f"{SENDGRID}", [(0, 69, "SECRET")], id="sendgrid"),
    pytest.param(f"//registry.npmjs.org/:_authToken={NPM}", [(33, 73, "SECRET")], id="npm"),
    pytest.param(f"[pypi]\npassword = {PYPI}", [(18, 98, "SECRET")], id="pypi"),
    pytest.param(
        f"DefaultEndpointsProtocol=https;AccountName=acme;AccountKey={AZURE_KEY};EndpointSuffix=core.windows.net",
        [(59, 147, "SECRET")],
        id="azure-account-key",
    ),
    pytest.param(f"Cookie: jwt {JWT}", [(12, 112, "JWT")], id="jwt"),
    pytest.param(f"key:\n{PEM}\nend", [(5, 123, "PRIVATE_KEY")], id="pem-block"),
    pytest.param(
        "-----BEGIN " + "PRIVATE KEY-----\nMIIEvQIBADANBg",
        [(0, 42, "PRIVATE_KEY")],
        id="pem-truncated",
    ),
    pytest.param("password=hunter2", [(9, 16, "PASSWORD")], id="password-equals"),
    pytest.param('password="hunter2', [(10, 17, "PASSWORD")], id="unterminated-quote"),
    pytest.param("passwd: Tr0ub4dor&3", [(8, 19, "PASSWORD")], id="passwd-colon"),
    pytest.param(
        '{"user": "jane", "password": "correct horse"}', [(30, 43, "PASSWORD")], id="json-password"
    ),
    pytest.param("DB_PASSWORD=s3cr3t! ./run.sh", [(12, 19, "PASSWORD")], id="env-password"),
    pytest.param("PGPASSWORD='pa55word' psql", [(12, 20, "PASSWORD")], id="pg-password-suffix"),
    pytest.param("mysqladmin --password hunter22 status", [(22, 30, "PASSWORD")], id="cli-flag"),
    pytest.param("app --db-password=hunter22", [(18, 26, "PASSWORD")], id="cli-flag-equals"),
    pytest.param(
        "curl -u admin:hunter2 https://api.example.com", [(8, 21, "PASSWORD")], id="curl-user"
    ),
    pytest.param(
        "the new password is Summer2024. thanks", [(20, 30, "PASSWORD")], id="prose-password"
    ),
    pytest.param("token: 8f3Kq9Zp1xYw", [(7, 19, "SECRET")], id="token-yaml"),
    pytest.param("client_secret=Zk29fQ0pLx7Tw3Rm", [(14, 30, "SECRET")], id="secret-equals"),
    pytest.param('api_key = "abcd1234efgh5678"', [(11, 27, "SECRET")], id="api-key-quoted"),
    pytest.param("apiKey: 'Xy12Zw34Vu56Ts78'", [(9, 25, "SECRET")], id="camel-api-key"),
    pytest.param("X-Api-Key: 0a1b2c3d4e5f6a7b", [(11, 27, "SECRET")], id="header-api-key"),
    pytest.param(
        "api_key=550e8400-e29b-41d4-a716-446655440000",
        [(8, 44, "SECRET")],
        id="api-key-uuid-assignment",
    ),
    pytest.param("Authorization: Bearer abc123def456ghi789", [(22, 40, "SECRET")], id="bearer"),
    pytest.param(
        f"the signing key {RANDOM} rotated", [(16, 48, "SECRET")], id="entropy-near-keyword"
    ),
    pytest.param(f"session cookie was {RANDOM}", [(19, 51, "SECRET")], id="entropy-session-cookie"),
    pytest.param(
        "mysql -h 10.0.0.5 -u root -pS3cr3t!x mydb", [(28, 36, "PASSWORD")], id="mysql-glued-p"
    ),
    pytest.param(
        "mysqldump -uroot -p'Pa55 w0rd' db", [(20, 29, "PASSWORD")], id="mysqldump-quoted-p"
    ),
    pytest.param("mysql --password=Hunter22 db", [(17, 25, "PASSWORD")], id="mysql-password-flag"),
    pytest.param("PGPASSWORD=Abc123x psql -h db", [(11, 18, "PASSWORD")], id="pgpassword-env"),
    pytest.param("sshpass -p Xy7!abcd ssh deploy@host", [(11, 19, "PASSWORD")], id="sshpass-p"),
    pytest.param(
        "temp password for the shared account is Xibb3JDH(f0#ICXzr, change it",
        [(40, 57, "PASSWORD")],
        id="prose-password-for-account",
    ),
    pytest.param("new password: Summer2024!", [(14, 25, "PASSWORD")], id="prose-new-password"),
    pytest.param(
        "the password for the VPN is Kx9#mmq2.", [(28, 36, "PASSWORD")], id="prose-password-for"
    ),
    pytest.param("pw: tr0ub4dor&3", [(4, 15, "PASSWORD")], id="prose-pw"),
    pytest.param("password=!Xy9abc", [(9, 16, "PASSWORD")], id="value-starts-with-symbol"),
    pytest.param("DB_PASSWORD: G(t8%#UwCL", [(13, 23, "PASSWORD")], id="value-with-bracket"),
    pytest.param(
        "password is $9TuL%3W2738Lph5%iD", [(12, 31, "PASSWORD")], id="value-starts-with-dollar"
    ),
]
"""Texts and the exact (start, end, entity) spans the detector must return for them."""

NEGATIVES = [
    pytest.param(
        "token usage for request 550e8400-e29b-41d4-a716-446655440000", id="uuid-near-token"
    ),
    pytest.param(
        "commit 3f786850e387550fdab836ed7e6dc881de23001b token refresh fix", id="git-commit"
    ),
    pytest.param(
        "signing key checksum sha256: "
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        id="sha256-checksum",
    ),
    pytest.param(
        "secret rotation done in 2fd4e1c67a2d28fced849ee1bb76e7391b93eb12",
        id="sha1-after-secret-word",
    ),
    pytest.param("api key AAAAAAAAAAAAAAAAAAAAAAAAAAAA", id="low-entropy-base64"),
    pytest.param("token YWFhYWFhYWFhYWFhYWFhYWFhYWFh", id="repetitive-base64"),
    pytest.param("key AbstractSingletonProxyFactoryBean1", id="camel-case-identifier"),
    pytest.param("ref 9fQ2xLr7Zt0pWm4Kd8sV1bN6cH3jY5gT attached", id="random-without-keyword"),
    pytest.param("max_tokens=100", id="max-tokens"),
    pytest.param("tokenizer=bert-base-uncased", id="tokenizer"),
    pytest.param("password_hash=pbkdf2", id="password-hash-name"),
    pytest.param("password: ********", id="masked"),
    pytest.param("token: ${GITHUB_TOKEN}", id="env-reference"),
    pytest.param("api_key: <your-api-key>", id="placeholder"),
    pytest.param("secret: {{ secrets.DEPLOY_KEY }}", id="template"),
    pytest.param("secret: null", id="null"),
    pytest.param("password = os.environ['DB_PASSWORD']", id="code-reference"),
    pytest.param("password = getpass()", id="code-call"),
    pytest.param("password reset link sent", id="prose-reset"),
    pytest.param("the password is incorrect", id="prose-incorrect"),
    pytest.param("keyword=shoes", id="keyword-param"),
    pytest.param("pip install sk-learn", id="sk-learn"),
    pytest.param("AKIA1234", id="aws-prefix-short"),
    pytest.param("token: 5", id="short-token"),
    pytest.param("use a bearer token for authentication", id="bearer-prose"),
    pytest.param(f"jwt {NOT_JWT}", id="jwt-without-alg"),
    pytest.param("passenger=3", id="passenger"),
    pytest.param("mysql -u root -p", id="mysql-prompt-p"),
    pytest.param("mysql -u root -p -h db", id="mysql-prompt-p-then-flag"),
    pytest.param("the password is reset", id="prose-word"),
    pytest.param("the password for the VPN is in the vault", id="prose-password-for-words"),
    pytest.param("pw: resetting", id="prose-pw-word"),
    pytest.param('password = os.getenv("X")', id="code-call-with-argument"),
    pytest.param("new password policy: 12 characters", id="prose-policy"),
    pytest.param("the password was changed on 2024-01-02", id="prose-date"),
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
    ("name", "entity"),
    [
        pytest.param("password", "PASSWORD", id="password"),
        pytest.param("DB_PASSWORD", "PASSWORD", id="env-password"),
        pytest.param("PGPASSWORD", "PASSWORD", id="glued-password"),
        pytest.param("pwd", "PASSWORD", id="pwd"),
        pytest.param("client_secret", "SECRET", id="client-secret"),
        pytest.param("accessToken", "SECRET", id="camel-token"),
        pytest.param("AWS_SECRET_ACCESS_KEY", "SECRET", id="aws-secret-access-key"),
        pytest.param("X-Api-Key", "SECRET", id="header-api-key"),
        pytest.param("secretKey", "SECRET", id="camel-secret-key"),
        pytest.param("max_tokens", None, id="max-tokens"),
        pytest.param("tokenizer", None, id="tokenizer"),
        pytest.param("password_hash", None, id="password-hash"),
        pytest.param("keyword", None, id="keyword"),
        pytest.param("primary_key", None, id="primary-key"),
        pytest.param("Idempotency-Key", None, id="idempotency-key"),
        pytest.param("bypass", None, id="bypass"),
    ],
)
def test_names_are_classified_by_their_last_part(name: str, entity: str | None) -> None:
    assert classify_name(name) == entity


def test_two_private_keys_are_two_spans() -> None:
    text = f"{PEM}\n\n{PEM}"
    spans = find_all(text, [DETECTOR])
    second = len(PEM) + 2
    assert [(s.start, s.end, s.entity) for s in spans] == [
        (0, len(PEM), "PRIVATE_KEY"),
        (second, second + len(PEM), "PRIVATE_KEY"),
    ]
