"""Portal accounts and their roles, argon2 password hashes, and API tokens for scripts.

Four roles, one per account (a person who is both an employee and a privacy officer has two
accounts, so every request acts in exactly one capacity):

* ``employee``: their own data only; the account names its ``person_id``;
* ``researcher``: datasets only, pseudonymous, never raw identities;
* ``privacy_officer``: policy, consent records, subject requests, audit, export approvals;
* ``admin``: devices and enrollment.

Passwords are hashed with argon2id. An API token is 32 random bytes shown once; only its
SHA-256 is kept (like device tokens: a slow hash is unnecessary for a secret of that entropy).
A token carries the role of its account at issue time and stops working when the account is
disabled, the token revoked or its expiry passed. Every change is written to the audit log.
"""

from __future__ import annotations

import enum
import hashlib
import re
from dataclasses import dataclass
from typing import Final

import argon2
import sqlalchemy as sa
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy.engine import Connection, Engine

from workprint.core.ids import new_token, uuid7
from workprint.governance import audit
from workprint.governance.errors import AccountInvalid, AccountUnknown, UnknownPerson
from workprint.store.engine import read_tx
from workprint.store.schema import accounts, api_tokens, people


class Role(enum.StrEnum):
    EMPLOYEE = "employee"
    RESEARCHER = "researcher"
    PRIVACY_OFFICER = "privacy_officer"
    ADMIN = "admin"


ROLES: Final = tuple(Role)
USERNAME = re.compile(r"^[a-z0-9][a-z0-9_.@\-]{0,63}$")
PERSON_ID = re.compile(r"^[A-Za-z0-9_.@\-]{1,64}$")
MIN_PASSWORD: Final = 12
MAX_PASSWORD: Final = 1024


@dataclass(frozen=True, slots=True)
class Account:
    """A portal account as the portal sees it (never the password hash)."""

    account_id: str
    username: str
    role: Role
    person_id: str | None


@dataclass(frozen=True, slots=True)
class HashParams:
    """argon2id cost parameters (defaults: RFC 9106's second recommendation)."""

    time_cost: int = 3
    memory_kib: int = 65536
    parallelism: int = 4


class Passwords:
    """Hashes and checks passwords with argon2id."""

    def __init__(self, params: HashParams | None = None) -> None:
        p = params or HashParams()
        self._hasher = argon2.PasswordHasher(
            time_cost=p.time_cost, memory_cost=p.memory_kib, parallelism=p.parallelism
        )
        self._dummy = self._hasher.hash("not a password: equalises timing for unknown users")

    def hash(self, password: str) -> str:
        check_password(password)
        return self._hasher.hash(password)

    def verify(self, stored: str | None, password: str) -> bool:
        """True when ``password`` matches ``stored``; costs the same when ``stored`` is None."""
        try:
            return self._hasher.verify(stored or self._dummy, password) and stored is not None
        except (VerificationError, InvalidHashError):
            return False


def check_password(password: str) -> None:
    if not MIN_PASSWORD <= len(password) <= MAX_PASSWORD:
        raise AccountInvalid(
            f"a password needs {MIN_PASSWORD} to {MAX_PASSWORD} characters; "
            "a phrase of several words is easiest"
        )


def parse_role(value: str) -> Role:
    try:
        return Role(value)
    except ValueError:
        raise AccountInvalid(f"role must be one of {', '.join(ROLES)}") from None


def normal_username(value: str) -> str:
    name = value.strip().lower()
    if not USERNAME.match(name):
        raise AccountInvalid("a username is 1-64 lower-case letters, digits or . _ @ - characters")
    return name


def _account(m: sa.RowMapping) -> Account:
    return Account(str(m["account_id"]), str(m["username"]), Role(m["role"]), m["person_id"])


def create_account(
    conn: Connection,
    username: str,
    role: Role,
    *,
    password_hash: str | None,
    person_id: str | None,
    at_ms: int,
    actor: str,
) -> Account:
    """Add an account. An employee account names its person (created if new); other roles
    name none."""
    name = normal_username(username)
    if role is Role.EMPLOYEE:
        if person_id is None or not PERSON_ID.match(person_id):
            raise AccountInvalid("an employee account needs a person id (1-64 letters, digits)")
        if (
            conn.execute(sa.select(people.c.person_id).where(people.c.person_id == person_id))
        ).first() is None:
            conn.execute(people.insert().values(person_id=person_id, created_at_ms=at_ms))
    elif person_id is not None:
        raise AccountInvalid("only employee accounts are linked to a person")
    taken = conn.execute(sa.select(accounts.c.account_id).where(accounts.c.username == name))
    if taken.first() is not None:
        raise AccountInvalid("that username is taken")
    account_id = f"acc_{uuid7().replace('-', '')}"
    conn.execute(
        accounts.insert().values(
            account_id=account_id,
            username=name,
            role=role.value,
            person_id=person_id,
            password_hash=password_hash,
            created_at_ms=at_ms,
        )
    )
    audit.append(
        conn,
        at_ms=at_ms,
        actor=actor,
        action="account.create",
        subject=name,
        details={"role": role.value, "linked_person": person_id is not None},
    )
    return Account(account_id, name, role, person_id)


def find(conn: Connection, username: str) -> tuple[Account, str | None] | None:
    """The live account called ``username`` and its password hash, or None."""
    try:
        name = normal_username(username)
    except AccountInvalid:
        return None
    row = conn.execute(
        sa.select(accounts).where(
            (accounts.c.username == name) & accounts.c.disabled_at_ms.is_(None)
        )
    ).first()
    if row is None:
        return None
    return _account(row._mapping), row.password_hash


def by_id(conn: Connection, account_id: str) -> Account | None:
    row = conn.execute(
        sa.select(accounts).where(
            (accounts.c.account_id == account_id) & accounts.c.disabled_at_ms.is_(None)
        )
    ).first()
    return None if row is None else _account(row._mapping)


def set_password(
    conn: Connection, username: str, password_hash: str, *, at_ms: int, actor: str
) -> None:
    found = find(conn, username)
    if found is None:
        raise AccountUnknown("no such live account")
    conn.execute(
        accounts.update()
        .where(accounts.c.account_id == found[0].account_id)
        .values(password_hash=password_hash)
    )
    audit.append(
        conn, at_ms=at_ms, actor=actor, action="account.password", subject=found[0].username
    )


def disable(conn: Connection, username: str, *, at_ms: int, actor: str) -> None:
    """Disable an account: its sessions and tokens stop working at once."""
    found = find(conn, username)
    if found is None:
        raise AccountUnknown("no such live account")
    conn.execute(
        accounts.update()
        .where(accounts.c.account_id == found[0].account_id)
        .values(disabled_at_ms=at_ms)
    )
    audit.append(
        conn, at_ms=at_ms, actor=actor, action="account.disable", subject=found[0].username
    )


def require_person(conn: Connection, person_id: str) -> None:
    if (
        conn.execute(sa.select(people.c.person_id).where(people.c.person_id == person_id))
    ).first() is None:
        raise UnknownPerson("no such person", person_id=person_id)


# ---------------------------------------------------------------------------- API tokens


def _token_hash(token: str) -> bytes:
    return hashlib.sha256(token.encode()).digest()


def issue_token(
    conn: Connection,
    username: str,
    label: str,
    *,
    at_ms: int,
    expires_at_ms: int | None,
    actor: str,
) -> tuple[str, str]:
    """A new API token for the account; returns ``(token_id, token)``. The token is shown
    once and never stored."""
    found = find(conn, username)
    if found is None:
        raise AccountUnknown("no such live account")
    account = found[0]
    clean = " ".join(label.split())[:128] or "script"
    token = new_token("wpa")
    token_id = f"tok_{uuid7().replace('-', '')[-16:]}"
    conn.execute(
        api_tokens.insert().values(
            token_hash=_token_hash(token),
            token_id=token_id,
            account_id=account.account_id,
            role=account.role.value,
            label=clean,
            created_at_ms=at_ms,
            expires_at_ms=expires_at_ms,
        )
    )
    audit.append(
        conn,
        at_ms=at_ms,
        actor=actor,
        action="token.issue",
        subject=account.username,
        details={"token_id": token_id, "role": account.role.value},
    )
    return token_id, token


def revoke_token(conn: Connection, token_id: str, *, at_ms: int, actor: str) -> bool:
    result = conn.execute(
        api_tokens.update()
        .where((api_tokens.c.token_id == token_id) & api_tokens.c.revoked_at_ms.is_(None))
        .values(revoked_at_ms=at_ms)
    )
    if result.rowcount:
        audit.append(conn, at_ms=at_ms, actor=actor, action="token.revoke", subject=token_id)
    return bool(result.rowcount)


def token_account(engine: Engine, token: str, now_ms: int) -> Account | None:
    """The account an API token acts for, in the token's role; None when not valid."""
    with read_tx(engine) as conn:
        row = conn.execute(
            sa.select(
                accounts.c.account_id,
                accounts.c.username,
                api_tokens.c.role,
                accounts.c.person_id,
            )
            .select_from(api_tokens.join(accounts))
            .where(
                (api_tokens.c.token_hash == _token_hash(token))
                & api_tokens.c.revoked_at_ms.is_(None)
                & (api_tokens.c.expires_at_ms.is_(None) | (api_tokens.c.expires_at_ms > now_ms))
                & accounts.c.disabled_at_ms.is_(None)
            )
        ).first()
    return None if row is None else _account(row._mapping)
