"""Device administration: enrollment (person + device + token), revocation.

A device token is 32 random bytes; the collector keeps only its SHA-256. A slow password
hash is unnecessary for a secret of that entropy and would cost every ingest request.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from workprint.core.clock import Clock, SystemClock, to_epoch_ms
from workprint.core.ids import new_token, uuid7
from workprint.governance import audit, consent
from workprint.governance.consent import Purpose
from workprint.governance.errors import UnknownPerson
from workprint.store.engine import write_tx
from workprint.store.schema import devices, people

_PERSON_ID = re.compile(r"^[A-Za-z0-9_.@\-]{1,64}$")


@dataclass(frozen=True, slots=True)
class Enrollment:
    device_id: str
    token: str
    person_id: str
    grants: tuple[str, ...]


def token_hash(token: str) -> bytes:
    return hashlib.sha256(token.encode()).digest()


def enroll(
    engine: Engine,
    person_id: str,
    *,
    purposes: Iterable[Purpose] = (),
    actor: str = "admin",
    clock: Clock | None = None,
) -> Enrollment:
    """Create the person if new, a device with a fresh token, and the given consent grants."""
    if not _PERSON_ID.match(person_id):
        raise UnknownPerson("person id must be 1-64 letters, digits or . _ @ - characters")
    now = to_epoch_ms((clock or SystemClock()).now())
    device_id = f"dev_{uuid7().replace('-', '')}"
    token = new_token("wpd")
    grants: list[str] = []
    with write_tx(engine) as conn:
        exists = conn.execute(
            sa.select(people.c.person_id).where(people.c.person_id == person_id)
        ).first()
        if exists is None:
            conn.execute(people.insert().values(person_id=person_id, created_at_ms=now))
        conn.execute(
            devices.insert().values(
                device_id=device_id,
                person_id=person_id,
                token_hash=token_hash(token),
                status="active",
                created_at_ms=now,
            )
        )
        audit.append(
            conn,
            at_ms=now,
            actor=actor,
            action="device.enroll",
            subject=person_id,
            details={"device_id": device_id},
        )
        wanted = list(dict.fromkeys(purposes))
        if wanted:
            consent.ensure_notice(
                conn, consent.DEFAULT_NOTICE_VERSION, consent.DEFAULT_NOTICE_TEXT, now
            )
            notice = consent.current_notice(conn)
            assert notice is not None
            for purpose in wanted:
                grants.append(consent.grant(conn, person_id, purpose, notice, now, actor).grant_id)
    return Enrollment(device_id, token, person_id, tuple(grants))


def revoke(
    engine: Engine, device_id: str, *, actor: str = "admin", clock: Clock | None = None
) -> bool:
    """Revoke a device: its token then gets 410. Returns False if no such active device."""
    now = to_epoch_ms((clock or SystemClock()).now())
    with write_tx(engine) as conn:
        result = conn.execute(
            devices.update()
            .where((devices.c.device_id == device_id) & (devices.c.status == "active"))
            .values(status="revoked", revoked_at_ms=now)
        )
        if result.rowcount:
            audit.append(conn, at_ms=now, actor=actor, action="device.revoke", subject=device_id)
        return bool(result.rowcount)
