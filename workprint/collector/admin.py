"""Device administration: enrollment (person + device + token), enrollment codes, revocation.

An enrollment code is a short one-time secret an administrator hands a person (or prints in
the portal); the person types it once into the browser extension, which exchanges it at
``POST /v1/enroll`` for a device token of its own. Codes expire and work once; only their
SHA-256 is kept.

A device token is 32 random bytes; the collector keeps only its SHA-256. A slow password
hash is unnecessary for a secret of that entropy and would cost every ingest request.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from workprint.collector.errors import CodeInvalid
from workprint.core.clock import Clock, SystemClock, to_epoch_ms
from workprint.core.ids import new_token, uuid7
from workprint.governance import audit, consent
from workprint.governance.consent import Purpose
from workprint.governance.errors import UnknownPerson
from workprint.store.engine import write_tx
from workprint.store.schema import devices, enrollment_codes, people

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
    now = to_epoch_ms((clock or SystemClock()).now())
    with write_tx(engine) as conn:
        return _enroll_in(conn, person_id, purposes, actor, now)


def _enroll_in(
    conn: Connection, person_id: str, purposes: Iterable[Purpose], actor: str, now: int
) -> Enrollment:
    device_id = f"dev_{uuid7().replace('-', '')}"
    token = new_token("wpd")
    grants = _person_and_grants(conn, person_id, purposes, actor, now)
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
    return Enrollment(device_id, token, person_id, grants)


def _person_and_grants(
    conn: Connection, person_id: str, purposes: Iterable[Purpose], actor: str, now: int
) -> tuple[str, ...]:
    if not _PERSON_ID.match(person_id):
        raise UnknownPerson("person id must be 1-64 letters, digits or . _ @ - characters")
    exists = conn.execute(
        sa.select(people.c.person_id).where(people.c.person_id == person_id)
    ).first()
    if exists is None:
        conn.execute(people.insert().values(person_id=person_id, created_at_ms=now))
    grants: list[str] = []
    wanted = list(dict.fromkeys(purposes))
    if wanted:
        consent.ensure_notice(
            conn, consent.DEFAULT_NOTICE_VERSION, consent.DEFAULT_NOTICE_TEXT, now
        )
        notice = consent.current_notice(conn)
        assert notice is not None
        for purpose in wanted:
            grants.append(consent.grant(conn, person_id, purpose, notice, now, actor).grant_id)
    return tuple(grants)


CODE_TTL_S = 7 * 24 * 3600
_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud and typed once


def create_code(
    engine: Engine,
    person_id: str,
    *,
    purposes: Iterable[Purpose] = (),
    ttl_s: int = CODE_TTL_S,
    actor: str = "admin",
    clock: Clock | None = None,
) -> str:
    """A one-time enrollment code for ``person_id`` (created if new, with the given consent
    grants), like ``WP-7KQ4-M2XD-9HTA``."""
    now = to_epoch_ms((clock or SystemClock()).now())
    groups = ["".join(secrets.choice(_CODE_ALPHABET) for _ in range(4)) for _ in range(3)]
    code = "WP-" + "-".join(groups)
    with write_tx(engine) as conn:
        _person_and_grants(conn, person_id, purposes, actor, now)
        conn.execute(
            enrollment_codes.insert().values(
                code_hash=_code_hash(code),
                person_id=person_id,
                created_at_ms=now,
                expires_at_ms=now + ttl_s * 1000,
            )
        )
        audit.append(
            conn, at_ms=now, actor=actor, action="enrollment_code.create", subject=person_id
        )
    return code


def redeem_code(engine: Engine, code: str, *, clock: Clock | None = None) -> Enrollment:
    """Exchange a live enrollment code for a new device of its person; the code is spent.
    The person's consent grants are not touched: a device works only while they are live."""
    now = to_epoch_ms((clock or SystemClock()).now())
    digest = _code_hash(code)
    with write_tx(engine) as conn:
        row = conn.execute(
            sa.select(enrollment_codes.c.person_id).where(
                (enrollment_codes.c.code_hash == digest)
                & enrollment_codes.c.used_at_ms.is_(None)
                & (enrollment_codes.c.expires_at_ms > now)
            )
        ).first()
        if row is None:
            raise CodeInvalid("enrollment code unknown, used or expired; ask for a new one")
        enrollment = _enroll_in(conn, row.person_id, (), "self", now)
        conn.execute(
            enrollment_codes.update()
            .where(enrollment_codes.c.code_hash == digest)
            .values(used_at_ms=now, device_id=enrollment.device_id)
        )
    return enrollment


def _code_hash(code: str) -> bytes:
    normal = "".join(ch for ch in code.upper() if ch.isalnum())
    return hashlib.sha256(normal.encode()).digest()


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
