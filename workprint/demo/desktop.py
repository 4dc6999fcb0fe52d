"""The demo's desktop session: one consenting person works for a minute on a private X display
(Xvfb + openbox) while the real desktop agent records them into the demo's collector.

The person writes a short call note in ``xedit`` (with a phone number and an e-mail address,
which reach the store only as placeholders), runs a command in ``xterm``, and answers an
``ssh-askpass`` password prompt (which the agent never records: it pauses for secure input).
Everything is driven with ``xdotool``; nothing leaves the loopback interface.

```python
from rich.console import Console
from workprint.demo.desktop import desktop_session

# with the collector still running, on the store it writes to:
result = desktop_session(collector_url, engine, out / "desktop", console=Console())
if result is not None:
    print(result.events_by_kind, result.redactions, result.secure_prompt_blocked)
```

It returns ``None`` (and says why in one line) when an X program it needs is not installed:
``apt-get install xvfb openbox xdotool xterm x11-apps ssh-askpass x11-utils``.
"""

from __future__ import annotations

import contextlib
import logging
import secrets
import shutil
import subprocess
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from importlib.util import find_spec
from pathlib import Path
from typing import Final
from urllib.parse import urlsplit

import httpx
import sqlalchemy as sa
from rich.console import Console
from sqlalchemy.engine import Engine

from workprint.collector.admin import enroll, token_hash
from workprint.demo._agentproc import FAST, AgentProcess, write_private
from workprint.demo._xdesktop import XDesktop, missing_tools
from workprint.demo.errors import DemoError
from workprint.governance import consent, policies
from workprint.governance.consent import Purpose
from workprint.store.engine import read_tx
from workprint.store.rows import row_to_wire
from workprint.store.schema import devices, events

log = logging.getLogger(__name__)

DEFAULT_PERSON: Final = "desktop.demo"
ACTOR: Final = "demo"
APPS: Final = ("xedit", "xterm")
"""The window classes the policy records in mode ``redacted`` (the prompt's is not listed)."""
POLICY_WAIT_S: Final = 30.0
LOOPBACK: Final = frozenset({"127.0.0.1", "localhost", "::1"})
SETTINGS: Final = {**FAST, "WORKPRINT_AGENT__TYPE_COMMIT_AFTER_S": "10"}
"""The agent's settings: send often; a typed line is one run even on a busy machine, so a
phone number is never cut in two before it is redacted."""


def _password() -> str:
    return f"Desk-{secrets.token_hex(4)}-Pw"


@dataclass(frozen=True)
class DesktopScript:
    """What the person types. The defaults are synthetic; the password is new each run."""

    note: tuple[str, ...] = (
        "Renewal call: the contract runs out in March, they want a quote.",
        "Call back on +44 20 7946 0958 or write to dana.okafor@example.com",
        "Next step: send the revised quote by Friday.",
    )
    """Lines of the call note typed into xedit."""
    phone: str = "+44 20 7946 0958"
    """The phone number in :attr:`note`: must reach the store only as a placeholder."""
    email: str = "dana.okafor@example.com"
    """The e-mail address in :attr:`note`: must reach the store only as a placeholder."""
    command: str = "date"
    """The command run in xterm."""
    password: str = field(default_factory=_password)
    """Typed into the ssh-askpass prompt: must never be recorded."""

    def private(self) -> tuple[str, ...]:
        return (self.phone, self.email, self.password)


@dataclass(frozen=True)
class DesktopResult:
    """What the session left in the store, for the demo's report: counts, never content."""

    person_id: str
    device_id: str
    events_by_kind: dict[str, int]
    """Events stored for the session's device since the session began, by kind."""
    redactions: dict[str, int]
    """Placeholders in those events, by entity."""
    secure_prompt_blocked: bool
    """The prompt got the password, and the agent recorded a ``secure_input`` pause for it."""
    leaked: int
    """Stored events of the device holding the phone, e-mail or password verbatim (0)."""
    policy_version: int
    seconds: float


def _say(console: Console | None, line: str) -> None:
    """A line for the person running the demo (counts and ids only); the log gets one
    line per session of its own."""
    if console is not None:
        console.print(line, highlight=False, soft_wrap=True)


def unavailable() -> str | None:
    """Why the desktop session cannot run here, or ``None`` when it can."""
    missing = missing_tools()
    if missing:
        return f"not installed: {', '.join(missing)}"
    modules = [m for m in ("pynput", "Xlib") if find_spec(m) is None]
    if modules:
        return f"the agent extra is not installed ({', '.join(modules)})"
    return None


def desktop_session(
    collector_url: str,
    engine: Engine,
    folder: Path,
    *,
    person: str | None = None,
    console: Console | None = None,
    script: DesktopScript | None = None,
) -> DesktopResult | None:
    """Record one short desktop session through the running collector at ``collector_url``,
    which writes to ``engine``'s store; ``None`` when the X programs are missing.

    ``folder`` keeps the X programs' logs (``x/``) and the agent's token, spool and logs
    (``agent/``); a later call with the same folder and store reuses the device. ``person``
    (default :data:`DEFAULT_PERSON`) is created with consent to capture when new; ``None``
    too when they withdrew that consent. The policy gains ``xedit`` and ``xterm`` in mode
    ``redacted`` (its other rules are kept). Raises :class:`DemoError` when a step does not
    finish in time; every process it started is stopped by then.
    """
    if urlsplit(collector_url).hostname not in LOOPBACK:
        raise DemoError("the desktop session sends only to a collector on 127.0.0.1")
    person = person or DEFAULT_PERSON
    why = "the person withdrew consent to capture" if withdrew(engine, person) else unavailable()
    if why is not None:
        _say(console, f"desktop session skipped ({why})")
        log.info("desktop session skipped (%s)", why)
        return None
    started = time.monotonic()
    script = script or DesktopScript()
    folder.mkdir(parents=True, exist_ok=True)
    version = _allow_apps(engine)
    device_id, token = _device(engine, person, folder / "agent")
    after_pk = _last_pk(engine)
    _wait_for_policy(collector_url, token, version)
    _say(console, f"desktop session: Xvfb + openbox, agent device {device_id}")
    # The control socket's path must stay short: a private temporary folder, removed after.
    try:
        with tempfile.TemporaryDirectory(prefix="wp-desk-") as runtime:
            answered = _work(collector_url, token, folder, Path(runtime), version, script)
    except (OSError, subprocess.SubprocessError) as exc:
        raise DemoError(f"the desktop session failed ({type(exc).__name__}); see {folder}") from exc
    result = _result(engine, person, device_id, after_pk, version, answered, script, started)
    log.info(
        "desktop session: device %s, %d events, %d placeholders, secure prompt %s, %.1f s",
        device_id,
        sum(result.events_by_kind.values()),
        sum(result.redactions.values()),
        "blocked" if result.secure_prompt_blocked else "NOT blocked",
        result.seconds,
    )
    # Kinds and entities, no counts: one person's activity is not a figure the demo shows.
    kinds = ", ".join(k for k, n in sorted(result.events_by_kind.items()) if n)
    entities = ", ".join(k for k, n in sorted(result.redactions.items()) if n) or "none"
    _say(console, f"desktop events stored, of kinds: {kinds}")
    _say(
        console,
        f"desktop placeholders for: {entities}; password prompt "
        f"{'not recorded' if result.secure_prompt_blocked else 'NOT shown to be blocked'}",
    )
    return result


def _last_pk(engine: Engine) -> int:
    """The newest stored event's key: what the session stores comes after it."""
    with read_tx(engine) as conn:
        return int(
            conn.execute(sa.select(sa.func.coalesce(sa.func.max(events.c.pk), 0))).scalar_one()
        )


def _allow_apps(engine: Engine) -> int:
    """Record the desktop apps in mode ``redacted``; every other rule (the CRM's origin,
    the deny-list) stays as it is. The active version."""
    policy = policies.load_active(engine)
    for app in APPS:
        if not any(r.match.lower() == app and r.mode == "redacted" for r in policy.document.apps):
            policy = policies.allow(engine, app, "redacted", actor=ACTOR)
    return policy.version


def withdrew(engine: Engine, person: str) -> bool:
    """True when ``person`` once consented to capture and has withdrawn every such grant:
    the demo never grants it again on their behalf."""
    with read_tx(engine) as conn:
        past = [g for g in consent.history(conn, person) if g.purpose is Purpose.CAPTURE]
    return bool(past) and all(g.withdrawn_at_ms is not None for g in past)


def _device(engine: Engine, person: str, folder: Path) -> tuple[str, str]:
    """The device whose token ``folder`` keeps while it is active in this store and its
    person consents to capture; else a new device (and a fresh spool), with a capture grant
    only when the person has no live one."""
    folder.mkdir(parents=True, exist_ok=True)
    saved = folder / "token"
    token = saved.read_text(encoding="utf-8").strip() if saved.is_file() else ""
    with read_tx(engine) as conn:
        row = conn.execute(
            sa.select(devices.c.device_id).where(
                (devices.c.token_hash == token_hash(token))
                & (devices.c.person_id == person)
                & (devices.c.status == "active")
            )
        ).first()
        live = bool(consent.live_grants(conn, person, Purpose.CAPTURE))
    if token and row is not None and live:
        return str(row.device_id), token
    purposes = () if live else (Purpose.CAPTURE,)
    enrollment = enroll(engine, person, purposes=purposes, actor=ACTOR)
    shutil.rmtree(folder / "agent-data", ignore_errors=True)  # another device's spool
    write_private(saved, enrollment.token + "\n")
    return enrollment.device_id, enrollment.token


def _wait_for_policy(collector_url: str, token: str, version: int) -> None:
    """Until the collector serves ``version`` (it caches the policy for a few seconds): an
    agent started earlier would record under the old one, and the collector would refuse
    what the new one allows."""
    deadline = time.monotonic() + POLICY_WAIT_S
    headers = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=collector_url, headers=headers, timeout=10) as client:
        while True:
            served = 0
            with contextlib.suppress(httpx.HTTPError, ValueError, KeyError, TypeError):
                response = client.get("/v1/policy")
                if response.status_code == 200:
                    served = int(response.json()["version"])
            if served >= version:
                return
            if time.monotonic() > deadline:
                raise DemoError(
                    f"the collector did not serve policy version {version} "
                    f"within {POLICY_WAIT_S:.0f} s"
                )
            time.sleep(0.2)  # bounded: the collector's policy cache lives a few seconds


def _work(
    collector_url: str,
    token: str,
    folder: Path,
    runtime: Path,
    version: int,
    script: DesktopScript,
) -> bool:
    """The person's minute of work; True when the password prompt got the password. Every
    process (apps, agent, X server) is stopped on the way out, whatever happens."""
    with XDesktop(folder / "x") as x:
        agent = AgentProcess(x, collector_url, token, folder / "agent", SETTINGS, 0.1, runtime)
        try:
            editor = x.start_app(["xedit"], "Xedit", "xedit")
            term = x.start_app(["xterm", "-T", "shell"], "XTerm", "xterm")
            agent.start()
            agent.wait_for(
                lambda s: s is not None and s["policy_version"] >= version,
                f"the agent to use policy version {version}",
            )
            agent.focus(editor, "xedit")
            for line in script.note:
                x.type(line)
                x.key("Return")
            agent.focus(term, "xterm")
            x.type(script.command)
            x.key("Return")
            x.click(term)
            answered = _answer_prompt(x, agent, script.password)
            agent.focus(editor, "xedit")
            x.type("Prompt answered, note done.")
            x.key("Return", "ctrl+e")
            agent.settle()
            status = agent.stop()
            if status != 0:
                raise DemoError(f"the agent stopped with status {status}; see its log")
            return answered
        finally:
            agent.close()


def _answer_prompt(x: XDesktop, agent: AgentProcess, password: str) -> bool:
    """Type ``password`` into ssh-askpass once the agent has paused for it; True when the
    prompt printed it back (the keys really reached it). The password is compared, never
    written anywhere."""
    prompt = x.spawn(["ssh-askpass"], name="askpass", stdout=subprocess.PIPE)
    x.window("SshAskpass")
    agent.wait_for(
        lambda s: s is not None and s["blocked"] == "secure_input",
        "the agent to pause for the password prompt",
    )
    x.type(password)
    x.key("Return")
    try:
        out, _ = prompt.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        prompt.kill()
        prompt.communicate(timeout=10)
        return False
    agent.wait_for(
        lambda s: s is not None and s["blocked"] != "secure_input",
        "the agent to notice the prompt's end",
    )
    return out.decode(errors="replace").strip() == password


def _result(
    engine: Engine,
    person: str,
    device_id: str,
    after_pk: int,
    version: int,
    answered: bool,
    script: DesktopScript,
    started: float,
) -> DesktopResult:
    by_kind: Counter[str] = Counter()
    redacted: Counter[str] = Counter()
    secure_pauses = leaked = 0
    private = [p.casefold() for p in script.private()]
    with read_tx(engine) as conn:
        rows = conn.execute(
            sa.select(events).where((events.c.device_id == device_id) & (events.c.pk > after_pk))
        )
        for row in rows:
            wire = row_to_wire(dict(row._mapping))
            by_kind[wire["kind"]] += 1
            redacted.update(wire["privacy"].get("redactions") or {})
            if wire["kind"] == "pause" and wire["payload"].get("reason") == "secure_input":
                secure_pauses += 1
            text = repr(wire).casefold()
            leaked += any(p in text for p in private)
    return DesktopResult(
        person_id=person,
        device_id=device_id,
        events_by_kind=dict(by_kind),
        redactions=dict(redacted),
        secure_prompt_blocked=answered and secure_pauses > 0,
        leaked=leaked,
        policy_version=version,
        seconds=round(time.monotonic() - started, 1),
    )
