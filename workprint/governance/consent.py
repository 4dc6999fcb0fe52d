"""The consent ledger: versioned notices and per-purpose grants, withdrawable at any time.

A grant is live from ``granted_at_ms`` until ``withdrawn_at_ms``. Withdrawal never deletes the
grant: the history is kept, and every change is written to the audit log.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from workprint.core.ids import uuid7
from workprint.governance import audit
from workprint.governance.errors import ConsentInvalid, UnknownPerson
from workprint.store.schema import consent_grants, consent_notices, people


class Purpose(enum.StrEnum):
    CAPTURE = "capture"
    TRAINING = "training"
    EVALUATION = "evaluation"


DEFAULT_NOTICE_VERSION = "2026-11-v1"
DEFAULT_NOTICE_TEXT = """\
Workprint records how you use the work tools your organisation has allow-listed: which
application or page is in focus, what you click, the text you commit into fields (with
personal data and secrets replaced by placeholders on your own computer), and snapshots of
the buttons and fields on screen. It never records passwords or payment fields, private
windows, or anything while you have paused it.

Why: to train and evaluate AI assistants that can help with this kind of work.
Who sees it: researchers see pseudonymous datasets only; the privacy officer approves exports.
No one gets per-person activity, timing or productivity reports, and there is no inference of
emotions or engagement.
How long: raw events are deleted after the retention period; you can see, export, pause,
delete a range of, or erase your data at any time, and withdraw this consent in one click.
"""


@dataclass(frozen=True, slots=True)
class Grant:
    grant_id: str
    person_id: str
    purpose: Purpose
    notice_version: str
    granted_at_ms: int
    withdrawn_at_ms: int | None


def ensure_notice(conn: Connection, version: str, text: str, at_ms: int) -> None:
    """Publish a notice version if it is not yet published (idempotent)."""
    exists = conn.execute(
        sa.select(consent_notices.c.notice_version).where(
            consent_notices.c.notice_version == version
        )
    ).first()
    if exists is None:
        conn.execute(
            consent_notices.insert().values(
                notice_version=version, text=text, published_at_ms=at_ms
            )
        )


def current_notice(conn: Connection) -> str | None:
    """The newest published notice version."""
    return conn.execute(
        sa.select(consent_notices.c.notice_version)
        .order_by(consent_notices.c.published_at_ms.desc(), consent_notices.c.notice_version.desc())
        .limit(1)
    ).scalar_one_or_none()


def grant(
    conn: Connection,
    person_id: str,
    purpose: Purpose,
    notice_version: str,
    at_ms: int,
    actor: str,
) -> Grant:
    """Record that the person consents to ``purpose`` under ``notice_version``."""
    if (
        conn.execute(sa.select(people.c.person_id).where(people.c.person_id == person_id)).first()
        is None
    ):
        raise UnknownPerson("no such person", person_id=person_id)
    grant_id = f"g_{uuid7().replace('-', '')}"
    conn.execute(
        consent_grants.insert().values(
            grant_id=grant_id,
            person_id=person_id,
            purpose=purpose.value,
            notice_version=notice_version,
            granted_at_ms=at_ms,
            withdrawn_at_ms=None,
        )
    )
    audit.append(
        conn,
        at_ms=at_ms,
        actor=actor,
        action="consent.grant",
        subject=person_id,
        details={"grant_id": grant_id, "purpose": purpose.value, "notice": notice_version},
    )
    return Grant(grant_id, person_id, purpose, notice_version, at_ms, None)


def withdraw(conn: Connection, person_id: str, purpose: Purpose, at_ms: int, actor: str) -> int:
    """Withdraw every live grant of the person for ``purpose``; returns how many."""
    live = consent_grants.c.withdrawn_at_ms.is_(None)
    result = conn.execute(
        consent_grants.update()
        .where(
            (consent_grants.c.person_id == person_id)
            & (consent_grants.c.purpose == purpose.value)
            & live
        )
        .values(withdrawn_at_ms=at_ms)
    )
    audit.append(
        conn,
        at_ms=at_ms,
        actor=actor,
        action="consent.withdraw",
        subject=person_id,
        details={"purpose": purpose.value, "grants": result.rowcount},
    )
    return int(result.rowcount)


def live_grants(conn: Connection, person_id: str, purpose: Purpose) -> list[Grant]:
    rows = conn.execute(
        sa.select(consent_grants).where(
            (consent_grants.c.person_id == person_id)
            & (consent_grants.c.purpose == purpose.value)
            & consent_grants.c.withdrawn_at_ms.is_(None)
        )
    )
    return [
        Grant(
            r.grant_id,
            r.person_id,
            Purpose(r.purpose),
            r.notice_version,
            r.granted_at_ms,
            r.withdrawn_at_ms,
        )
        for r in rows
    ]


@dataclass(frozen=True, slots=True)
class Notice:
    notice_version: str
    text: str
    published_at_ms: int


NOTICE_VERSION = re.compile(r"^[A-Za-z0-9_.\-]{1,64}$")


def _grant(m: sa.RowMapping) -> Grant:
    withdrawn = m["withdrawn_at_ms"]
    return Grant(
        str(m["grant_id"]),
        str(m["person_id"]),
        Purpose(m["purpose"]),
        str(m["notice_version"]),
        int(m["granted_at_ms"]),
        None if withdrawn is None else int(withdrawn),
    )


def history(conn: Connection, person_id: str) -> list[Grant]:
    """Every grant the person ever gave, live or withdrawn, oldest first."""
    rows = conn.execute(
        sa.select(consent_grants)
        .where(consent_grants.c.person_id == person_id)
        .order_by(consent_grants.c.granted_at_ms, consent_grants.c.grant_id)
    )
    return [_grant(r._mapping) for r in rows]


def live_purposes(conn: Connection, person_id: str) -> frozenset[Purpose]:
    return frozenset(g.purpose for g in history(conn, person_id) if g.withdrawn_at_ms is None)


def notices(conn: Connection) -> list[Notice]:
    """Every published notice version, newest first."""
    rows = conn.execute(
        sa.select(consent_notices).order_by(
            consent_notices.c.published_at_ms.desc(), consent_notices.c.notice_version.desc()
        )
    )
    return [Notice(r.notice_version, r.text, r.published_at_ms) for r in rows]


def notice(conn: Connection, version: str) -> Notice | None:
    row = conn.execute(
        sa.select(consent_notices).where(consent_notices.c.notice_version == version)
    ).first()
    return None if row is None else Notice(row.notice_version, row.text, row.published_at_ms)


def ensure_default(conn: Connection, at_ms: int) -> str:
    """The current notice version, publishing the built-in notice when none exists."""
    current = current_notice(conn)
    if current is not None:
        return current
    ensure_notice(conn, DEFAULT_NOTICE_VERSION, DEFAULT_NOTICE_TEXT, at_ms)
    return DEFAULT_NOTICE_VERSION


def publish(conn: Connection, version: str, text: str, *, at_ms: int, actor: str) -> Notice:
    """Publish a new notice version (audited). Existing grants stay under the version they
    were given for; people see that a newer notice exists and may consent again."""
    if not NOTICE_VERSION.match(version):
        raise ConsentInvalid("a notice version is 1-64 letters, digits or . _ - characters")
    body = text.strip()
    if not 40 <= len(body) <= 20_000:
        raise ConsentInvalid("a notice text needs 40 to 20000 characters of plain language")
    if notice(conn, version) is not None:
        raise ConsentInvalid("that notice version is already published; choose a new one")
    newest = conn.execute(sa.select(sa.func.max(consent_notices.c.published_at_ms))).scalar()
    published = max(at_ms, int(newest) + 1) if newest is not None else at_ms
    conn.execute(
        consent_notices.insert().values(
            notice_version=version, text=body + "\n", published_at_ms=published
        )
    )
    audit.append(
        conn,
        at_ms=at_ms,
        actor=actor,
        action="notice.publish",
        subject=version,
        details={"chars": len(body)},
    )
    return Notice(version, body + "\n", published)


def grant_current(
    conn: Connection, person_id: str, purpose: Purpose, at_ms: int, actor: str
) -> Grant:
    """Grant ``purpose`` under the current notice, unless a live grant under it exists."""
    version = ensure_default(conn, at_ms)
    for g in live_grants(conn, person_id, purpose):
        if g.notice_version == version:
            return g
    return grant(conn, person_id, purpose, version, at_ms, actor)
