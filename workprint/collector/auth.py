"""Bearer device tokens: who is sending, and may they send.

Order of checks: unknown token 401, revoked device 410, no live capture grant 403.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from workprint.collector.admin import token_hash
from workprint.collector.errors import ConsentRequired, DeviceRevoked, TokenInvalid
from workprint.store.engine import read_tx
from workprint.store.schema import consent_grants, devices


@dataclass(frozen=True, slots=True)
class DeviceAuth:
    device_id: str
    person_id: str
    capture_grants: frozenset[str]
    """Ids of the person's live capture grants; events must name one of them."""


def bearer_token(header: str | None) -> str:
    if not header:
        raise TokenInvalid("missing Authorization: Bearer token")
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "bearer" or not value.strip():
        raise TokenInvalid("Authorization header must be 'Bearer <device token>'")
    return value.strip()


# Built once: every batch runs both (building costs several times what executing does).
_DEVICE_BY_TOKEN = sa.select(devices.c.device_id, devices.c.person_id, devices.c.status).where(
    devices.c.token_hash == sa.bindparam("b_digest")
)
_LIVE_CAPTURE_GRANTS = sa.select(consent_grants.c.grant_id).where(
    (consent_grants.c.person_id == sa.bindparam("b_person"))
    & (consent_grants.c.purpose == "capture")
    & consent_grants.c.withdrawn_at_ms.is_(None)
)


def authenticate(engine: Engine, token: str) -> DeviceAuth:
    digest = token_hash(token)
    with read_tx(engine) as conn:
        device = conn.execute(_DEVICE_BY_TOKEN, {"b_digest": digest}).first()
        if device is None:
            raise TokenInvalid("unknown device token")
        if device.status != "active":
            raise DeviceRevoked("device was revoked; enroll again", device_id=device.device_id)
        grants = frozenset(
            conn.execute(_LIVE_CAPTURE_GRANTS, {"b_person": device.person_id}).scalars()
        )
    if not grants:
        raise ConsentRequired(
            "no live capture consent for this device's person; nothing was stored",
            device_id=device.device_id,
        )
    return DeviceAuth(device.device_id, device.person_id, grants)
