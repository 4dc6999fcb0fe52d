"""The simulated team: the CRM's seeded people doing a sales team's work in Nexus CRM, in a
real Chromium driven by Playwright, recorded by the Workprint browser SDK.

```python
from pathlib import Path
from workprint.demo import team

plan = team.plan_tasks(seed=1, people=12, tasks_per_person=2, crm_db=Path("crm.db"))
result = team.run_team(crm_url, collector_url, tokens, plan)   # tokens: username -> device token
assert all(team.judge(Path("crm.db"), t) for ts in plan.values() for t in ts
           if t.params["abandon"] == "no")
```

Each person signs in (typing their password, which never reaches the store), works through
their tasks, each between ``Workprint.taskStart`` and ``taskEnd``, and sends what the SDK
still holds. How they go about each task (paths, field order, typos, pauses, scrolling,
giving up) follows from the plan's seed. People take turns in one browser, each in a fresh
context (their own cookies and SDK queue), because the machine this runs on has two cores.

:class:`TeamResult` counts tasks by family and outcome for the whole team: there is no
per-person figure, timing or productivity number anywhere (purpose lock).
"""

from __future__ import annotations

import contextlib
import gzip
import logging
import random
import shutil
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

from workprint.demo._catalogue import read_catalogue
from workprint.demo._human import INSTANT, QUICK, Pace
from workprint.demo._recorders import (
    NoRecorder,
    Recorder,
    WorkprintRecorder,
    sdk_source,
)
from workprint.demo._tasks import (
    CHORES,
    FAMILIES,
    TaskSpec,
    judge,
    plan_tasks,
    secrets_of,
)
from workprint.demo.crm.seed import DEMO_PASSWORD
from workprint.demo.errors import BrowserUnavailable, DemoError

__all__ = [
    "CHORES",
    "FAMILIES",
    "INSTANT",
    "QUICK",
    "NoRecorder",
    "Pace",
    "Recorder",
    "TaskSpec",
    "TeamResult",
    "WorkprintRecorder",
    "chromium",
    "judge",
    "plan_tasks",
    "read_catalogue",
    "run_person",
    "run_team",
    "sdk_source",
    "secrets_of",
]

log = logging.getLogger(__name__)

CHROMIUM: Final = "/usr/bin/chromium"
CHROMIUM_ARGS: Final = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)
VIEWPORT: Final = {"width": 1280, "height": 800}
RequestHook = Callable[[str, str, bytes], None]
"""``(method, url, body)`` of every request a person's browser sends (body decompressed)."""


@dataclass(frozen=True)
class TeamResult:
    """What the team did, counted over everyone: tasks by family and outcome."""

    done: Mapping[str, int] = field(default_factory=dict)
    abandoned: Mapping[str, int] = field(default_factory=dict)
    failed: Mapping[str, int] = field(default_factory=dict)
    people: int = 0

    @property
    def tasks(self) -> int:
        return sum(self.done.values()) + sum(self.abandoned.values()) + sum(self.failed.values())


@contextlib.contextmanager
def chromium(*, headless: bool = True) -> Iterator[Any]:
    """Debian's Chromium under Playwright (never a downloaded browser); yields the browser."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as exc:
        raise BrowserUnavailable("playwright is not installed (the demo extra)") from exc
    if shutil.which(CHROMIUM) is None:
        raise BrowserUnavailable("Chromium was not found at /usr/bin/chromium")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM, headless=headless, args=list(CHROMIUM_ARGS)
        )
        try:
            yield browser
        finally:
            browser.close()


def _hook(on_request: RequestHook, request: Any) -> None:
    body: bytes = request.post_data_buffer or b""
    if body and request.headers.get("content-encoding") == "gzip":
        body = gzip.decompress(body)
    on_request(request.method, request.url, body)


def run_person(
    browser: Any,
    crm_url: str,
    username: str,
    tasks: list[TaskSpec],
    recorder: Recorder,
    *,
    pace: Pace = QUICK,
    on_request: RequestHook | None = None,
    on_task: Callable[[TaskSpec, str], None] | None = None,
) -> list[str]:
    """One person's session in a fresh browser context: sign in, do ``tasks`` in order,
    send what the recorder holds. Returns the outcome of each task, in order."""
    from workprint.demo._flows import FLOWS
    from workprint.demo._person import Person

    context = browser.new_context(viewport=VIEWPORT, locale="en-US", timezone_id="UTC")
    try:
        recorder.install(context)
        if on_request is not None:
            hook = on_request
            context.on("request", lambda request: _hook(hook, request))
        page = context.new_page()
        variant = tasks[0].params.get("variant", "") if tasks else ""
        person = Person(page, crm_url, username, recorder, random.Random(variant), pace)
        if not person.sign_in(DEMO_PASSWORD):
            raise DemoError("a simulated person could not sign in to the CRM")
        outcomes: list[str] = []
        for task in tasks:
            outcome = person.run(task, FLOWS[task.family])
            outcomes.append(outcome)
            if on_task is not None:
                on_task(task, outcome)
        person.finish()
        return outcomes
    finally:
        context.close()


def run_team(
    crm_url: str,
    collector_url: str,
    tokens: Mapping[str, str],
    plan: Mapping[str, list[TaskSpec]],
    *,
    headless: bool = True,
    progress: Callable[[int, int], None] | None = None,
    pace: Pace = QUICK,
    sdk_path: Path | None = None,
    on_request: RequestHook | None = None,
    workers: int = 1,
) -> TeamResult:
    """Run ``plan`` in Nexus CRM at ``crm_url``, each person recorded by the SDK with their
    device token (``tokens[username]``) and sending to ``collector_url``.

    ``progress(finished, total)`` is called after each task (team totals only).
    ``on_request`` sees every request the browsers send (tests check them for secrets).
    ``workers`` people work at once (each worker its own Chromium); keep it at 1 or 2 on a
    small machine.
    """
    missing = [u for u in plan if u not in tokens]
    if missing:
        raise DemoError(f"{len(missing)} people of the plan have no device token")
    sdk = sdk_source(sdk_path)
    total = sum(len(tasks) for tasks in plan.values())
    counts: dict[str, Counter[str]] = {o: Counter() for o in ("done", "abandoned", "failed")}
    finished = 0

    def on_task(task: TaskSpec, outcome: str) -> None:
        nonlocal finished
        counts[outcome][task.family] += 1
        finished += 1
        if progress is not None:
            progress(finished, total)

    started = time.monotonic()
    queue = list(plan.items())
    lock = threading.Lock()

    def on_task_locked(task: TaskSpec, outcome: str) -> None:
        with lock:
            on_task(task, outcome)

    def worker() -> None:
        with chromium(headless=headless) as browser:
            while True:
                with lock:
                    if not queue:
                        return
                    username, tasks = queue.pop(0)
                recorder = WorkprintRecorder(sdk, endpoint=collector_url, token=tokens[username])
                run_person(
                    browser,
                    crm_url,
                    username,
                    tasks,
                    recorder,
                    pace=pace,
                    on_request=on_request,
                    on_task=on_task_locked,
                )

    workers = max(1, min(workers, len(queue)))
    if workers == 1:
        worker()
    else:
        with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="team") as pool:
            for future in [pool.submit(worker) for _ in range(workers)]:
                future.result()
    log.info(
        "team finished people=%d tasks=%d done=%d seconds=%.1f",
        len(plan),
        total,
        sum(counts["done"].values()),
        time.monotonic() - started,
    )
    return TeamResult(
        done=dict(counts["done"]),
        abandoned=dict(counts["abandoned"]),
        failed=dict(counts["failed"]),
        people=len(plan),
    )
