"""Policies and identities the capture tests share."""

from __future__ import annotations

from pathlib import Path

from workprint.capture.pipeline import Identity, Pipeline
from workprint.capture.spool import Spool
from workprint.core.ids import SequentialIds
from workprint.privacy.policy import Policy, parse

POLICY_TEXT = """\
version = 3
default_mode = "off"

[[apps]]
match = "xedit"
mode = "redacted"

[[apps]]
match = "xterm"
mode = "metadata"

[[apps]]
match = "testbed"
mode = "full"

[[titles]]
pattern = "(?i)private browsing"
mode = "off"
"""

IDENTITY = Identity("dev-test-1", "grant-1", "notice-1")


def policy() -> Policy:
    return parse(POLICY_TEXT, name="test policy")


def pipeline(tmp: Path, *, quota_bytes: int = 10_000_000, **kwargs: object) -> Pipeline:
    spool = Spool(tmp / "spool.db", quota_bytes=quota_bytes)
    made = Pipeline(
        spool=spool,
        policy=policy(),
        session_id=SequentialIds(1_767_000_000_000)(),
        ids=SequentialIds(),
        redaction_key=b"k" * 32,
        tz_offset=lambda _at: 60,
        **kwargs,  # type: ignore[arg-type]
    )
    made.identity = IDENTITY
    return made
