"""Every portal route, tried as every role and as nobody: only the access table's grants pass.

The table (``_access.ACCESS``) is the single place that decides; this test fails on any route
missing from it, on any route the table names that does not exist, and on any answer that
lets in a caller the table does not list (or keeps out one it does).
"""

from __future__ import annotations

import pytest
from fastapi.routing import APIRoute

from tests.portal._routes import REQUESTS, ordered
from tests.portal.conftest import Site
from workprint.collector.portal import _access
from workprint.collector.portal._access import ACCESS
from workprint.governance.accounts import Role

CALLERS: tuple[Role | None, ...] = (None, *Role)


def _portal_routes(site: Site) -> set[str]:
    mounted = next(r for r in site.app.routes if getattr(r, "path", "") == "/portal")
    return {r.name for r in mounted.app.routes if isinstance(r, APIRoute)}  # type: ignore[attr-defined]


def test_the_table_names_exactly_the_routes_that_exist(site: Site) -> None:
    routes = _portal_routes(site)
    assert routes - set(ACCESS) == set(), "routes missing from the access table"
    assert set(ACCESS) - routes == set(), "access table entries without a route"
    assert set(REQUESTS) == set(ACCESS), "the matrix must try every route"


def _denied(response) -> bool:
    status = response.status_code
    if status == 303:
        return "/portal/login?next=" in response.headers.get("location", "")
    if status == 401:
        return response.json().get("code") == "login_required"
    if status == 403:
        return "forbidden" in response.text and "csrf_invalid" not in response.text
    return False


def test_every_route_as_every_role_and_as_nobody(site: Site) -> None:
    problems: list[str] = []
    for name in ordered():
        allowed = ACCESS[name]
        callers = sorted(CALLERS, key=lambda r: (r is not None and r in allowed, str(r)))
        for role in callers:
            site.sign_in(role)
            call = REQUESTS[name](site, site.csrf(role) if role else "")
            response = call.send(site.client)
            who = role.value if role else "nobody"
            public = not allowed
            if public or (role is not None and role in allowed):
                if _denied(response):
                    problems.append(f"{name}: {who} was refused ({response.status_code})")
                elif not public and response.status_code >= 400:
                    problems.append(f"{name}: {who} got {response.status_code}")
            elif not _denied(response):
                problems.append(f"{name}: {who} got in ({response.status_code})")
    assert problems == []


def test_api_tokens_obey_the_same_table(site: Site) -> None:
    tokens = {role: site.api_token(role) for role in Role}
    site.client.cookies.clear()
    for name in ("api.aggregates", "api.audit", "me.export.json", "admin.devices"):
        for role, token in tokens.items():
            call = REQUESTS[name](site, "")
            response = call.send(site.client, {"Authorization": f"Bearer {token}"})
            expected = role in ACCESS[name]
            assert (response.status_code == 200) is expected, (name, role, response.status_code)
            if not expected:
                assert response.status_code == 403 and response.json()["code"] == "forbidden"
    bad = site.client.get("/portal/api/aggregates", headers={"Authorization": "Bearer wpa_nope"})
    assert bad.status_code == 401 and bad.json()["code"] == "login_required"


def test_a_route_missing_from_the_table_is_refused(site: Site) -> None:
    mounted = next(r for r in site.app.routes if getattr(r, "path", "") == "/portal")
    portal = mounted.app  # type: ignore[attr-defined]

    @portal.get("/not-in-the-table", name="not.in.table")
    def _extra() -> dict[str, str]:
        return {"secret": "nothing"}

    try:
        site.sign_in(Role.ADMIN)
        response = site.client.get("/portal/not-in-the-table")
        assert response.status_code == 403
    finally:
        portal.router.routes.pop()
    assert "not.in.table" not in _access.ACCESS


@pytest.mark.parametrize(
    ("prefix", "roles"),
    [
        ("me.", {Role.EMPLOYEE}),
        ("po.", {Role.PRIVACY_OFFICER}),
        ("api.audit", {Role.PRIVACY_OFFICER}),
        ("admin.", {Role.ADMIN}),
        ("research.", {Role.RESEARCHER}),
        ("aggregates", {Role.RESEARCHER, Role.PRIVACY_OFFICER}),
        ("api.aggregates", {Role.RESEARCHER, Role.PRIVACY_OFFICER}),
    ],
    ids=["own-data", "officer", "audit-api", "admin", "research", "aggregates", "aggregates-api"],
)
def test_the_table_gives_each_area_to_its_role_only(prefix: str, roles: set[Role]) -> None:
    names = [n for n in ACCESS if n.startswith(prefix)]
    assert names
    for name in names:
        assert set(ACCESS[name]) == roles, name


def test_only_the_sign_in_form_and_style_sheet_are_public() -> None:
    assert {n for n, roles in ACCESS.items() if not roles} == {
        "static.css",
        "login.form",
        "login.submit",
    }
