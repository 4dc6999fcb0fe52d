"""One valid request for every portal route, for the access matrix and the CSRF tests.

A builder gets the site and the caller's CSRF token and returns the request; builders of
routes that consume something (a pending export, an active device, a person to erase) make a
fresh one each time, so every caller tries the route on equal terms.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable
from dataclasses import dataclass

from starlette.testclient import TestClient

from tests.governance import _seed
from tests.portal.conftest import USERS, Site
from workprint.collector.portal._access import CSRF_FIELD
from workprint.governance import approvals
from workprint.governance.accounts import Role
from workprint.store.engine import write_tx

NOTICE = "We record the steps you take in the allow-listed tools to train assistants. " * 2
_n = itertools.count(1)


@dataclass(frozen=True)
class Call:
    method: str
    path: str
    data: dict[str, str] | None = None

    def send(self, client: TestClient, headers: dict[str, str] | None = None):
        if self.method == "GET":
            return client.get(self.path, headers=headers)
        return client.post(self.path, data=self.data or {}, headers=headers)


def _form(csrf: str, **fields: str) -> dict[str, str]:
    return {CSRF_FIELD: csrf, **fields}


def dataset_dir(site: Site) -> str:
    folder = site.tmp / "datasets" / "v1"
    if not folder.exists():
        folder.mkdir(parents=True)
        (folder / "manifest.json").write_text(json.dumps({"version_id": "v1"}))
        (folder / "train.parquet").write_bytes(b"PAR1")
        _seed.dataset(site.engine, "v1", [f"p{i}" for i in range(3)], out_dir=str(folder))
    return str(folder)


def _pending_export(site: Site) -> str:
    dataset_dir(site)
    with write_tx(site.engine) as conn:
        return approvals.request(
            conn,
            "v1",
            "train the next-action model",
            requested_by=USERS[Role.RESEARCHER],
            at_ms=site.now(),
        ).export_id


def _approved_export(site: Site) -> str:
    export_id = _pending_export(site)
    with write_tx(site.engine) as conn:
        approvals.decide(conn, export_id, True, actor="olivia", at_ms=site.now(), ttl_days=30)
    return export_id


def _device(site: Site) -> str:
    return _seed.person(site.engine, "emp098").device_id


def _victim(site: Site) -> str:
    person = f"victim{next(_n)}"
    _seed.person(site.engine, person)
    return person


Builder = Callable[[Site, str], Call]

REQUESTS: dict[str, Builder] = {
    "static.css": lambda s, c: Call("GET", "/portal/static/portal.css"),
    "login.form": lambda s, c: Call("GET", "/portal/login"),
    "login.submit": lambda s, c: Call(
        "POST", "/portal/login", {"username": "x", "password": "y", CSRF_FIELD: "z"}
    ),
    "home": lambda s, c: Call("GET", "/portal/"),
    "logout": lambda s, c: Call("POST", "/portal/logout", _form(c)),
    "me.timeline": lambda s, c: Call("GET", "/portal/me/timeline?kind=click&from=2026-01-01"),
    "me.policy": lambda s, c: Call("GET", "/portal/me/policy"),
    "me.capture": lambda s, c: Call("GET", "/portal/me/capture"),
    "me.capture.set": lambda s, c: Call("POST", "/portal/me/capture", _form(c, action="pause")),
    "me.consent": lambda s, c: Call("GET", "/portal/me/consent"),
    "me.consent.set": lambda s, c: Call(
        "POST", "/portal/me/consent", _form(c, purpose="training", action="grant")
    ),
    "me.range": lambda s, c: Call(
        "GET", "/portal/me/range?start=2026-01-05T00:00&end=2026-01-05T10:00"
    ),
    "me.range.delete": lambda s, c: Call(
        "POST", "/portal/me/range", _form(c, start="2026-01-05T09:00", end="2026-01-05T09:30")
    ),
    "me.export.json": lambda s, c: Call("GET", "/portal/me/export.json"),
    "me.export.parquet": lambda s, c: Call("GET", "/portal/me/export.parquet"),
    "me.erase": lambda s, c: Call("GET", "/portal/me/erase"),
    "me.erase.confirm": lambda s, c: Call("POST", "/portal/me/erase", _form(c, confirm="ERASE")),
    "po.policy": lambda s, c: Call("GET", "/portal/po/policy"),
    "po.policy.preview": lambda s, c: Call(
        "POST", "/portal/po/policy/preview", _form(c, document="version = 900\n")
    ),
    "po.policy.apply": lambda s, c: Call(
        "POST",
        "/portal/po/policy/apply",
        _form(c, document=f"version = {100 + next(_n)}\n", reason="test"),
    ),
    "po.consent": lambda s, c: Call("GET", "/portal/po/consent"),
    "po.notice.publish": lambda s, c: Call(
        "POST", "/portal/po/notice", _form(c, version=f"v-test-{next(_n)}", text=NOTICE)
    ),
    "po.requests": lambda s, c: Call("GET", "/portal/po/requests"),
    "po.erase": lambda s, c: (
        lambda victim: Call(
            "POST",
            "/portal/po/erase",
            _form(c, person_id=victim, confirm=victim, reason="asked by letter"),
        )
    )(_victim(s)),
    "po.audit": lambda s, c: Call("GET", "/portal/po/audit?action=consent."),
    "po.retention": lambda s, c: Call("GET", "/portal/po/retention"),
    "po.retention.set": lambda s, c: Call(
        "POST", "/portal/po/retention", _form(c, target="events", ttl_days="60")
    ),
    "po.exports": lambda s, c: Call("GET", "/portal/po/exports"),
    "po.exports.decide": lambda s, c: Call(
        "POST", f"/portal/po/exports/{_pending_export(s)}", _form(c, decision="approve")
    ),
    "api.audit": lambda s, c: Call("GET", "/portal/api/audit?subject=emp001"),
    "admin.devices": lambda s, c: Call("GET", "/portal/admin/devices"),
    "admin.devices.revoke": lambda s, c: Call(
        "POST", f"/portal/admin/devices/{_device(s)}/revoke", _form(c)
    ),
    "admin.codes": lambda s, c: Call("GET", "/portal/admin/codes"),
    "admin.codes.create": lambda s, c: Call(
        "POST", "/portal/admin/codes", _form(c, person_id="emp097")
    ),
    "research.datasets": lambda s, c: Call("GET", "/portal/research/datasets"),
    "research.exports.request": lambda s, c: (
        dataset_dir(s),
        Call(
            "POST",
            "/portal/research/exports",
            _form(c, version_id="v1", purpose="evaluate the agent runner"),
        ),
    )[1],
    "research.exports.download": lambda s, c: Call(
        "GET", f"/portal/research/exports/{_approved_export(s)}/download"
    ),
    "aggregates": lambda s, c: Call("GET", "/portal/aggregates?view=kinds&month=2026-01"),
    "api.aggregates": lambda s, c: Call("GET", "/portal/api/aggregates?view=apps&month=2026-01"),
}

LAST = ("me.erase.confirm",)
"""Routes that end the caller's account: tried after every other route."""


def ordered() -> list[str]:
    names = sorted(REQUESTS)
    return [n for n in names if n not in LAST] + list(LAST)
