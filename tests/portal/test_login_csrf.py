"""Signing in (cookie flags, rate limit, login CSRF), session expiry, and CSRF on every form."""

from __future__ import annotations

import re

import pytest
from starlette.testclient import TestClient

from tests.portal._routes import REQUESTS
from tests.portal.conftest import PASSWORD, USERS, Site
from workprint.collector.portal._access import ACCESS, CSRF_FIELD
from workprint.governance.accounts import Role

FORMS = [
    "logout",
    "me.capture.set",
    "me.consent.set",
    "me.range.delete",
    "me.erase.confirm",
    "po.policy.preview",
    "po.policy.apply",
    "po.notice.publish",
    "po.erase",
    "po.retention.set",
    "po.exports.decide",
    "admin.devices.revoke",
    "admin.codes.create",
    "research.exports.request",
]
"""Every route that changes something (POST) and needs an account."""


def _login(client: TestClient, username: str, password: str, next_url: str = ""):
    form = client.get("/portal/login")
    assert form.status_code == 200
    token = re.search(r'name="csrf_token" value="([^"]+)"', form.text)
    assert token is not None
    return client.post(
        "/portal/login",
        data={
            "username": username,
            "password": password,
            CSRF_FIELD: token.group(1),
            "next": next_url,
        },
    )


def test_signing_in_sets_a_strict_http_only_session_cookie(site: Site) -> None:
    site.client.cookies.clear()
    response = _login(site.client, "emp001", PASSWORD)
    assert response.status_code == 303 and response.headers["location"] == "/portal/"
    cookie = next(c for c in response.headers.get_list("set-cookie") if c.startswith("wp_portal="))
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie and "Path=/portal" in cookie
    assert "Secure" not in cookie  # plain http here
    assert site.client.get("/portal/me/timeline").status_code == 200


def test_the_cookie_is_secure_over_https(site: Site) -> None:
    with TestClient(site.app, base_url="https://testserver", follow_redirects=False) as client:
        response = _login(client, "olivia", PASSWORD)
    cookie = next(c for c in response.headers.get_list("set-cookie") if c.startswith("wp_portal="))
    assert "Secure" in cookie


@pytest.mark.parametrize(
    ("wanted", "lands"),
    [
        ("/portal/me/consent", "/portal/me/consent"),
        ("https://evil.example/portal/", "/portal/"),
        ("//evil.example/portal/", "/portal/"),
        ("/elsewhere", "/portal/"),
    ],
    ids=["same-portal-page", "other-site", "scheme-relative", "outside-the-portal"],
)
def test_next_only_leads_inside_the_portal(site: Site, wanted: str, lands: str) -> None:
    site.client.cookies.clear()
    assert _login(site.client, "emp001", PASSWORD, wanted).headers["location"] == lands


def test_nobody_is_sent_to_sign_in_and_back(site: Site) -> None:
    site.client.cookies.clear()
    response = site.client.get("/portal/me/timeline?kind=click")
    assert response.status_code == 303
    assert (
        response.headers["location"]
        == "/portal/login?next=%2Fportal%2Fme%2Ftimeline%3Fkind%3Dclick"
    )


def test_a_wrong_password_says_nothing_specific(site: Site) -> None:
    site.client.cookies.clear()
    wrong = _login(site.client, "emp001", "not the password at all")
    unknown = _login(site.client, "nobody-here", "not the password at all")
    assert wrong.status_code == unknown.status_code == 401
    assert "do not match an account" in wrong.text and "do not match an account" in unknown.text
    assert "wp_portal=" not in " ".join(wrong.headers.get_list("set-cookie"))
    assert "not the password" not in wrong.text


def test_sign_in_is_rate_limited_per_username(site: Site) -> None:
    site.client.cookies.clear()
    for _ in range(5):
        assert _login(site.client, "olivia", "wrong password, again").status_code == 401
    throttled = _login(site.client, "olivia", PASSWORD)
    assert throttled.status_code == 429
    assert 1 <= int(throttled.headers["retry-after"]) <= 900
    assert "login_throttled" in throttled.text
    # Another account from the same address is not locked out by olivia's failures.
    assert _login(site.client, "adam", PASSWORD).status_code == 303
    site.clock.advance(15 * 60 + 1)
    site.client.cookies.clear()
    assert _login(site.client, "olivia", PASSWORD).status_code == 303


def test_the_sign_in_form_needs_its_own_token(site: Site) -> None:
    site.client.cookies.clear()
    bare = site.client.post(
        "/portal/login", data={"username": "emp001", "password": PASSWORD, CSRF_FIELD: "guess"}
    )
    assert bare.status_code == 403 and "csrf_invalid" in bare.text
    site.client.get("/portal/login")
    mismatched = site.client.post(
        "/portal/login", data={"username": "emp001", "password": PASSWORD, CSRF_FIELD: "guess"}
    )
    assert mismatched.status_code == 403


def test_idle_sessions_end(site: Site) -> None:
    site.sign_in(Role.EMPLOYEE)
    assert site.client.get("/portal/me/capture").status_code == 200
    site.clock.advance(31 * 60)
    assert site.client.get("/portal/me/capture").status_code == 303


def test_signing_out_ends_the_session(site: Site) -> None:
    token = site.sign_in(Role.PRIVACY_OFFICER)
    out = site.client.post("/portal/logout", data={CSRF_FIELD: site.csrf(Role.PRIVACY_OFFICER)})
    assert out.status_code == 303 and out.headers["location"] == "/portal/login"
    site.client.cookies.set("wp_portal", token or "")
    assert site.client.get("/portal/po/audit").status_code == 303


def _owner(name: str) -> Role:
    return sorted(ACCESS[name], key=str)[0]


@pytest.mark.parametrize("name", FORMS)
def test_every_form_needs_the_session_csrf_token(site: Site, name: str) -> None:
    role = _owner(name)
    site.sign_in(role)
    good = site.csrf(role)
    for token, headers in (
        (None, None),
        ("0" * 64, None),
        (good, {"Sec-Fetch-Site": "cross-site"}),
    ):
        call = REQUESTS[name](site, good)
        data = dict(call.data or {})
        if token is None:
            data.pop(CSRF_FIELD)
        else:
            data[CSRF_FIELD] = token
        response = site.client.post(call.path, data=data, headers=headers)
        assert response.status_code == 403 and "csrf_invalid" in response.text, (token, headers)
    assert REQUESTS[name](site, good).send(site.client).status_code in (200, 303)


def test_every_post_route_is_in_the_csrf_list(site: Site) -> None:
    posts = {name for name in ACCESS if ACCESS[name] and REQUESTS[name](site, "x").method == "POST"}
    assert posts == set(FORMS)


def test_api_tokens_need_no_csrf_token(site: Site) -> None:
    token = site.api_token(Role.EMPLOYEE)
    site.client.cookies.clear()
    response = site.client.post(
        "/portal/me/capture", data={"action": "pause"}, headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status_code == 303


def test_pages_carry_security_headers(site: Site) -> None:
    site.sign_in(Role.EMPLOYEE)
    page = site.client.get("/portal/me/timeline")
    assert "default-src 'none'" in page.headers["content-security-policy"]
    assert "script-src" not in page.headers["content-security-policy"]
    assert page.headers["x-content-type-options"] == "nosniff"
    assert page.headers["x-frame-options"] == "DENY"
    assert page.headers["cache-control"] == "no-store"
    css = site.client.get("/portal/static/portal.css")
    assert css.headers["cache-control"].startswith("public")
    assert "<script" not in page.text
    assert USERS[Role.EMPLOYEE] in page.text
