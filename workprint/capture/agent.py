"""The desktop agent: sources -> protection -> reduction -> redaction -> spool -> uploader.

:class:`Agent` wires the parts together on a few threads:

* the sources' own threads put raw records on one queue;
* the keyboard source asks the grab probe before it hands on each key press, in its own
  thread, the moment the X server reports the key;
* the pipeline thread takes the records in order (ticking only while the reducer holds
  something that time will close) and runs :class:`~.pipeline.Pipeline`, which writes
  redacted events to the spool;
* the uploader thread sends the spool to the collector (``uploader.py``);
* the refresh thread fetches ``/v1/device`` and ``/v1/policy`` (with its ETag) every
  ``policy_refresh_s``, sooner while the collector is out of reach;
* the control thread answers ``workprint agent pause|resume|status``.

It starts with the device answer and policy cached from the last run, so an agent that
starts offline still records (and spools) what the last known policy allows; an agent that
never reached its collector records nothing. At start it says, on one line and in a desktop
notification when ``notify-send`` exists, that recording is on and how to pause it.
"""

from __future__ import annotations

import logging
import os
import platform
import queue
import shutil
import signal
import subprocess
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import httpx

import workprint
from workprint.capture._files import private_dir
from workprint.capture.config import AgentConfig
from workprint.capture.control import ControlServer
from workprint.capture.errors import CaptureError, CollectorRefused, CollectorUnreachable
from workprint.capture.pipeline import Identity, Pipeline
from workprint.capture.protect import GateConfig
from workprint.capture.reduce import ReducerConfig
from workprint.capture.remote import Cache, Collector
from workprint.capture.sources import base as raw
from workprint.capture.sources.grab import GrabWatcher
from workprint.capture.spool import Spool
from workprint.capture.uploader import Uploader, UploaderConfig
from workprint.core import events as ev
from workprint.core.clock import Clock, SystemClock
from workprint.core.config import Secret
from workprint.core.ids import IdFactory, uuid7
from workprint.privacy.errors import PrivacyError
from workprint.privacy.policy import Policy, default_policy

log = logging.getLogger(__name__)

AGENT_NAME = "workprint-desktop"


@dataclass(frozen=True, slots=True)
class _SetPolicy:
    policy: Policy


@dataclass(frozen=True, slots=True)
class _SetIdentity:
    identity: Identity | None


_STOP = object()


def x11_sources(config: AgentConfig, clock: Clock) -> tuple[list[raw.Source], GrabWatcher]:
    """The Linux/X11 sources (imported here so the package loads without the extra)."""
    from workprint.capture.sources.idle import IdleSource
    from workprint.capture.sources.keyboard import KeyboardSource
    from workprint.capture.sources.mouse import MouseSource
    from workprint.capture.sources.window import WindowSource

    grab = GrabWatcher(clock=clock)
    sources: list[raw.Source] = [
        WindowSource(clock),
        KeyboardSource(clock, before_key=grab.check),
        MouseSource(clock),
        IdleSource(clock, idle_after_s=config.idle_after_s),
    ]
    return sources, grab


class Agent:
    def __init__(
        self,
        config: AgentConfig,
        *,
        collector_url: str,
        token: Secret,
        sources: Sequence[raw.Source] | None = None,
        grab: GrabWatcher | None = None,
        clock: Clock | None = None,
        ids: IdFactory = uuid7,
        transport: httpx.BaseTransport | None = None,
        notice: Callable[[str], None] | None = None,
        tick_s: float = 1.0,
    ) -> None:
        self.config = config
        self.clock = clock or SystemClock()
        self.ids = ids
        self._given_sources = sources
        self._grab = grab
        self._notice = notice or (lambda line: print(line, flush=True))
        self._tick_s = tick_s
        self.session_id = ids()
        self._queue: queue.SimpleQueue[object] = queue.SimpleQueue()
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self._sources: list[raw.Source] = []
        self._control: ControlServer | None = None
        self.collector = Collector(collector_url, token, transport=transport)
        self.cache = Cache(config.agent_dir / "state.json")
        private_dir(config.agent_dir)
        self.spool = Spool(config.spool_path, quota_bytes=config.quota_bytes)
        cached_policy = self.cache.policy()
        self._etag = cached_policy[1] if cached_policy else None
        self.pipeline = Pipeline(
            spool=self.spool,
            policy=cached_policy[0] if cached_policy else default_policy(),
            session_id=self.session_id,
            ids=ids,
            redaction_key=os.urandom(32),
            gate_config=GateConfig(config.pause_hotkey, config.secure_classes),
            reducer_config=ReducerConfig(
                double_click_s=config.double_click_s,
                type_commit_after_s=config.type_commit_after_s,
            ),
        )
        self.uploader = Uploader(
            self.spool,
            self.collector,
            agent=ev.Agent(name=AGENT_NAME, version=workprint.__version__, os=_os_name()),
            ids=ids,
            config=UploaderConfig(
                max_batch_events=config.max_batch_events,
                flush_interval_s=config.flush_interval_s,
                retry_max_s=config.retry_max_s,
            ),
            clock=self.clock,
            on_refused=lambda code: self._queue.put(_SetIdentity(None)),
            make_gap=self.pipeline.make_gap,
        )
        self.refused: str | None = None
        cached_device = self.cache.device()
        if cached_device is not None:
            self.pipeline.set_identity(cached_device.identity, self.clock.now())

    # ---------------------------------------------------------------- lifecycle

    def start(self) -> None:
        """Fetch device and policy (or use the cache), then start every thread and source."""
        self.refresh()
        if self._given_sources is None:
            sources, self._grab = x11_sources(self.config, self.clock)
        else:
            sources = list(self._given_sources)
        if self._grab is not None:
            sources.insert(0, self._grab)  # probing before the keyboard reports anything
        self._spawn(self._pipeline_loop, "wp-pipeline")
        self._spawn(lambda: self.uploader.run(self._stop), "wp-uploader")
        self._spawn(self._refresh_loop, "wp-refresh")
        for source in sources:
            source.start(self._queue.put)
            self._sources.append(source)
        # Last: an agent that answers on its socket records every input from then on.
        self._control = ControlServer(self.config.socket_path, self.handle)
        self._announce()

    def stop(self, drain_s: float = 5.0) -> None:
        """Stop the sources, commit what is pending, try once more to send, close."""
        for source in reversed(self._sources):
            try:
                source.stop()
            except (CaptureError, OSError) as exc:
                log.warning("a source did not stop cleanly (%s)", type(exc).__name__)
        self._sources.clear()
        self._queue.put(_STOP)
        self._stop.set()
        self.uploader.wake.set()
        for thread in self._threads:
            thread.join(30)
        if self._control is not None:
            self._control.close()
        if drain_s > 0 and self.refused is None:
            self.uploader.drain(drain_s)
        self.collector.close()
        self.spool.close()

    def run(self) -> None:
        """Start, then run until SIGTERM or SIGINT."""
        done = threading.Event()
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, lambda *_: done.set())
        self.start()
        try:
            while not done.wait(1.0):
                pass
        finally:
            self.stop()

    def _spawn(self, target: Callable[[], None], name: str) -> None:
        thread = threading.Thread(target=target, name=name, daemon=True)
        thread.start()
        self._threads.append(thread)

    def _announce(self) -> None:
        line = (
            "Workprint is recording your work in the apps your organisation allow-listed "
            f"(pause: {self.config.pause_hotkey} or 'workprint agent pause')."
        )
        self._notice(line)
        notifier = shutil.which("notify-send") if self.config.notify else None
        if notifier:
            try:
                subprocess.Popen(  # noqa: S603 - fixed arguments, no shell
                    [notifier, "--app-name=Workprint", "Workprint is recording", line],
                    stdin=subprocess.DEVNULL,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                    start_new_session=True,
                )
            except OSError as exc:
                log.info("no desktop notification (%s)", type(exc).__name__)

    # ---------------------------------------------------------------- threads

    def _pipeline_loop(self) -> None:
        """Feed the pipeline in arrival order; tick only when the reducer holds something
        that time alone will close (a click, a scroll, a quiet typed run)."""
        pipeline, clock = self.pipeline, self.clock
        while True:
            deadline = pipeline.deadline()
            timeout = None
            if deadline is not None:
                timeout = min(self._tick_s, max(0.0, (deadline - clock.now()).total_seconds()))
            try:
                item = self._queue.get(timeout=timeout)
            except queue.Empty:
                item = None
            try:
                if deadline is not None and clock.now() >= deadline:
                    pipeline.feed(raw.Tick(clock.now()))
                if item is None:
                    continue
                if item is _STOP:
                    pipeline.close(clock.now())
                    return
                if isinstance(item, _SetPolicy):
                    pipeline.set_policy(item.policy, clock.now())
                elif isinstance(item, _SetIdentity):
                    pipeline.set_identity(item.identity, clock.now())
                else:
                    pipeline.feed(item)  # type: ignore[arg-type]
            except (CaptureError, PrivacyError, OSError) as exc:
                log.error("pipeline step failed (%s); input dropped", type(exc).__name__)

    def _refresh_loop(self) -> None:
        wait = self.config.policy_refresh_s
        while not self._stop.wait(wait):
            ok = self.refresh()
            wait = self.config.policy_refresh_s if ok else min(30.0, self.config.policy_refresh_s)

    def refresh(self) -> bool:
        """Fetch the device's identity and the policy; True when the collector answered."""
        try:
            info = self.collector.device()
        except CollectorRefused as exc:
            code = str(exc.ids.get("status", "refused"))
            if self.refused != code:
                log.warning("the collector refuses this device (%s); recording stopped", code)
            self.refused = code
            self._queue.put(_SetIdentity(None))
            return True
        except CollectorUnreachable:
            log.info("collector out of reach; recording with the cached policy")
            return False
        self.cache.save_device(info)
        self.refused = None
        self._queue.put(_SetIdentity(info.identity))
        self.uploader.accepted_again()
        try:
            fetched = self.collector.policy(self._etag)
        except (CollectorUnreachable, CollectorRefused, PrivacyError) as exc:
            log.warning("policy not refreshed (%s)", type(exc).__name__)
            return False
        if fetched is not None:
            policy, self._etag = fetched
            self.cache.save_policy(policy, self._etag)
            self._queue.put(_SetPolicy(policy))
            log.info("capture policy version %d in force", policy.version)
        return True

    # ---------------------------------------------------------------- control

    def pause(self, pause: bool = True) -> None:
        self._queue.put(raw.PauseRequest(self.clock.now(), pause))

    def handle(self, cmd: str) -> dict[str, Any]:
        """A control request (``pause``, ``resume``, ``status``); the answer."""
        if cmd in ("pause", "resume"):
            self.pause(cmd == "pause")
            return {"paused": cmd == "pause"}
        return self.status()

    def status(self) -> dict[str, Any]:
        state = self.pipeline.state()
        upload = self.uploader.status
        identity = self.pipeline.identity
        return {
            "recording": state.blocked is None,
            "paused": state.paused,
            "blocked": state.blocked,
            "app": state.app,
            "mode": state.mode,
            "queue_depth": self.spool.depth(),
            "spool_bytes": self.spool.size_bytes(),
            "last_upload": upload.last_upload.isoformat() if upload.last_upload else None,
            "upload_state": upload.state,
            "last_error": self.refused or upload.last_error,
            "retry_in_s": upload.retry_in_s,
            "device_id": identity.device_id if identity else None,
            "policy_version": self.pipeline.policy.version,
            "events_written": self.pipeline.stats.written,
        }


def _os_name() -> str:
    return f"{platform.system().lower()}-x11"[:64]
