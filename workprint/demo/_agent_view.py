"""What the agent's model reads: the task and the page redacted exactly as training data was.

A model trained on Workprint data has only ever seen redacted text: names from the directory
as keyed placeholders (``<PERSON_4821>``, by the collector) and phone numbers, e-mail
addresses and the like as ordinal ones (``<PHONE_1>``, by the capturer). Reading a live page
raw would show it a different world, and would put raw personal data into a model's input.
:class:`RedactedView` runs both stages on the runner's task text and snapshots, in one
session (so a name in the task and the same name on the page get the same placeholder), and
keeps, in memory only, which raw text each placeholder stands for: the values the model
picks (a span of the task, an option) are turned back into real text just before the
browser types or selects them, and nowhere else.

```python
view = RedactedView(engine)                    # the store: its policy, deny-list and key
seen = view.task('Move the deal "Acme renewal" from lead to qualified.')
elements = view.elements(url, raw_elements)      # list[Element], redacted
typed = view.reveal("<PHONE_1>")                 # the raw number, for the browser only
```
"""

from __future__ import annotations

import copy
import os
from datetime import UTC, datetime
from typing import Final

from sqlalchemy.engine import Engine

from workprint.collector.redaction import KEY_NAME, KeyedVault, directory_names
from workprint.core import events as ev
from workprint.core.ids import uuid7
from workprint.governance.policies import load_active
from workprint.privacy.detectors import default_detectors
from workprint.privacy.policy import Policy
from workprint.privacy.redact import PLACEHOLDER, Vault, Vaults, redact_event
from workprint.store.keys import server_key

DEVICE: Final = "dev_agent"
_SERVER_ONLY: Final = ("names", "address")
_GRANT: Final = ev.Consent(grant_id="agent", notice_version="agent")


class _Recording(KeyedVault):
    """A session vault that remembers which raw text each placeholder replaced: numbered in
    order of appearance like a capturer's, or from a keyed digest like the collector's."""

    def __init__(self, key: bytes, seen: dict[str, str], *, keyed: bool) -> None:
        super().__init__(key)
        self._seen = seen
        self._keyed = keyed

    def placeholder(self, entity: str, value: str) -> str:
        if self._keyed:
            out = super().placeholder(entity, value)
        else:
            out = Vault.placeholder(self, entity, value)
        self._seen.setdefault(out, value)
        return out


class _Vaults(Vaults):
    def __init__(self, key: bytes, seen: dict[str, str], *, keyed: bool) -> None:
        super().__init__(key)
        self._seen = seen
        self._keyed = keyed

    def _new_vault(self, session_key: bytes) -> Vault:
        return _Recording(session_key, self._seen, keyed=self._keyed)


class RedactedView:
    """The runner's view of one task run (one session): see the module docstring."""

    def __init__(self, engine: Engine, policy: Policy | None = None) -> None:
        self.policy = policy if policy is not None else load_active(engine)
        names = directory_names(engine, self.policy.document.deny_list.sources)
        # The browser SDK has no name or address detector (the directory is never sent to
        # browsers): names are the collector's, as they were for every recorded episode.
        self._capture_detectors = tuple(
            d for d in default_detectors([]) if d.name not in _SERVER_ONLY
        )
        self._collector_detectors = default_detectors(names)
        self._key = server_key(engine, KEY_NAME)
        self._start()

    def _start(self) -> None:
        self._seen: dict[str, str] = {}
        # The capturer's vault key is its own secret; only numbering order matters here.
        self._capture = _Vaults(os.urandom(32), self._seen, keyed=False)
        self._collector = _Vaults(self._key, self._seen, keyed=True)
        self._session = uuid7()
        self._seq = 0

    def fresh(self) -> RedactedView:
        """A view of a new run (a new session: its own placeholders), sharing the policy and
        the detectors."""
        view = copy.copy(self)
        view._start()
        return view

    def _envelope(self, url: str | None) -> dict[str, object]:
        self._seq += 1
        return {
            "event_id": uuid7(),
            "seq": self._seq,
            "stream": "agent",
            "device_id": DEVICE,
            "session_id": self._session,
            "occurred_at": datetime.now(UTC),
            "context": ev.Context(url=url),
            "privacy": ev.Privacy(mode="redacted", policy_version=str(self.policy.version)),
            "consent": _GRANT,
        }

    def _redact(self, event: ev.Event) -> ev.Event | None:
        first = redact_event(
            event, self.policy, detectors=self._capture_detectors, vaults=self._capture
        )
        if first is None:
            return None
        return redact_event(
            first, self.policy, detectors=self._collector_detectors, vaults=self._collector
        )

    def task(self, text: str, url: str | None = None) -> str | None:
        """The task text as a ``task_start`` label would be stored (None: the policy keeps
        nothing of ``url``)."""
        event = ev.TaskStartEvent(
            **self._envelope(url),  # type: ignore[arg-type]
            payload=ev.TaskStartPayload(task_id="agent", label=text),
        )
        out = self._redact(event)
        return out.payload.label if isinstance(out, ev.TaskStartEvent) else None

    def elements(self, url: str, elements: list[ev.Element]) -> list[ev.Element] | None:
        """A snapshot's elements as an ``observe`` event of ``url`` would be stored, in the
        same order (None: the policy keeps nothing of ``url``)."""
        event = ev.ObserveEvent(
            **self._envelope(url),  # type: ignore[arg-type]
            payload=ev.ObservePayload(elements=elements),
        )
        out = self._redact(event)
        return list(out.payload.elements) if isinstance(out, ev.ObserveEvent) else None

    def reveal(self, value: str) -> str:
        """``value`` with every placeholder this view made replaced by the text it stands
        for (placeholders it did not make are left as they are)."""
        for _ in range(3):  # a placeholder's text may hold an earlier stage's placeholder
            new = PLACEHOLDER.sub(lambda m: self._seen.get(m.group(0), m.group(0)), value)
            if new == value:
                break
            value = new
        return value
