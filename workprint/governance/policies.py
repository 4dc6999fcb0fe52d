"""Policy versions in the store: the active one, applying a new one, each change audited.

Versions only go up. Applying a document whose version is not above the active one is refused,
so two editors cannot silently overwrite each other.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from workprint.core.clock import Clock, SystemClock, to_epoch_ms
from workprint.core.events import CaptureMode
from workprint.governance import audit
from workprint.privacy.errors import PolicyInvalid
from workprint.privacy.policy import Policy, default_policy, parse, with_rule
from workprint.store.engine import read_tx, write_tx
from workprint.store.schema import policies


def active(conn: Connection) -> Policy:
    """The policy in force: the newest active version, or the default (capture nothing)."""
    row = conn.execute(
        sa.select(policies.c.version, policies.c.document)
        .where(policies.c.active.is_(True))
        .order_by(policies.c.version.desc())
        .limit(1)
    ).first()
    if row is None:
        return default_policy()
    return parse(row.document, name=f"policy version {row.version}")


def load_active(engine: Engine) -> Policy:
    with read_tx(engine) as conn:
        return active(conn)


def apply(
    engine: Engine,
    policy: Policy,
    *,
    actor: str,
    reason: str | None = None,
    clock: Clock | None = None,
) -> Policy:
    """Make ``policy`` the active version (written to the audit log)."""
    now = to_epoch_ms((clock or SystemClock()).now())
    with write_tx(engine) as conn:
        current = active(conn)
        if (
            policy.version <= current.version
            and conn.execute(sa.select(sa.func.count()).select_from(policies)).scalar_one()
        ):
            raise PolicyInvalid(
                f"policy version {policy.version} is not above the active version "
                f"{current.version}; raise 'version'"
            )
        conn.execute(policies.update().values(active=False))
        conn.execute(
            policies.insert().values(
                version=policy.version,
                document=policy.source,
                created_at_ms=now,
                created_by=actor,
                active=True,
            )
        )
        audit.append(
            conn,
            at_ms=now,
            actor=actor,
            action="policy.apply",
            subject=f"v{policy.version}",
            reason=reason,
            details={"etag": policy.etag},
        )
    return policy


def allow(
    engine: Engine, target: str, mode: CaptureMode, *, actor: str, clock: Clock | None = None
) -> Policy:
    """A new active version with ``target`` (origin or app) captured in ``mode``."""
    current = load_active(engine)
    return apply(
        engine, with_rule(current, target, mode), actor=actor, reason=f"allow {mode}", clock=clock
    )
