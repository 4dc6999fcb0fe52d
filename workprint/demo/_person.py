"""One simulated person at work in Nexus CRM: signing in, finding their way (the header
search, the lists and their filters, the stage tabs), sending forms, reading the confirmation,
and wrapping each task in the recorder's task labels.

The families' own steps are in :mod:`workprint.demo._flows`; this module is the person's
session around them. A broken step (an element that never appeared) ends the task as
``failed`` and brings the person back to the dashboard; the log says which family broke and
the error's type, never a value from the page.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Callable
from typing import Final, Literal

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page

from workprint.demo._human import Hands, Pace
from workprint.demo._recorders import Recorder
from workprint.demo._tasks import TaskSpec

log = logging.getLogger(__name__)

Outcome = Literal["done", "abandoned", "failed"]
NAV_TIMEOUT_MS: Final = 20_000
ACTION_TIMEOUT_MS: Final = 10_000


class Person:
    """A signed-in (or signing-in) member of the team, with their page and their habits."""

    def __init__(
        self,
        page: Page,
        base_url: str,
        username: str,
        recorder: Recorder,
        rng: random.Random,
        pace: Pace,
    ) -> None:
        self.page = page
        self.base = base_url.rstrip("/")
        self.username = username
        self.recorder = recorder
        self.pace = pace
        self.hands = Hands(page, rng, pace)
        page.set_default_timeout(ACTION_TIMEOUT_MS)
        page.set_default_navigation_timeout(NAV_TIMEOUT_MS)

    # -- moving around -------------------------------------------------------------------

    def settle(self) -> None:
        """After a page load: the recorder is on, and the person reads a moment."""
        self.page.wait_for_load_state("load")
        self.hands.think()
        self.recorder.ready(self.page)

    def goto(self, path: str) -> None:
        """Type an address (the first page of the day)."""
        self.page.goto(self.base + path, wait_until="load")
        self.settle()

    def follow(self, click: Callable[[], None]) -> None:
        """Do something that loads a new page, and wait for it."""
        with self.page.expect_navigation(wait_until="load"):
            click()
        self.settle()

    def nav(self, label: str) -> None:
        """A link of the header's main navigation (Dashboard, Contacts, Deals, ...)."""
        link = self.page.locator('nav[aria-label="Main"]').get_by_role("link", name=label)
        self.follow(link.click)

    def open_link(self, name: str) -> None:
        """A link by its exact text, brought into view with the wheel first."""
        link = self.page.get_by_role("link", name=name, exact=True).first
        if self.hands.chance(self.pace.scroll_rate):
            self.hands.scroll_to(f'a:text-is("{_css_text(name)}")')
        self.follow(link.click)

    def search(self, text: str) -> None:
        """The header's search box: type, then Enter or the Search button."""
        self.hands.fill("#global-search", text)
        self.hands.think(0.5)
        if self.hands.chance(0.6):
            self.follow(lambda: self.page.keyboard.press("Enter"))
        else:
            button = self.page.locator("form.global-search").get_by_role("button")
            self.follow(button.click)

    def filter_list(self, field: str, text: str) -> None:
        """A list page's filter: type into ``field``, then Enter or Apply."""
        self.hands.fill(field, text)
        if self.hands.chance(0.5):
            self.follow(lambda: self.page.keyboard.press("Enter"))
        else:
            self.follow(self.page.get_by_role("button", name="Apply", exact=True).click)
        self.hands.look_around()

    def submit(self, button: str, *, enter_ok: bool = False) -> None:
        """Send the form: its button, or Enter when the focus is in one of its text inputs."""
        self.hands.think(0.6)
        if enter_ok and self.hands.chance(0.4):
            self.follow(lambda: self.page.keyboard.press("Enter"))
        else:
            self.follow(self.page.get_by_role("button", name=button, exact=True).click)

    def flash_says(self, text: str) -> bool:
        """Whether the page shows the confirmation ``text`` (forms that fail show problems)."""
        flash = self.page.locator(".flash")
        return flash.count() > 0 and text in (flash.first.text_content() or "")

    def account_menu(self, item: str) -> None:
        """Open the account menu and follow one of its links (Settings, Billing)."""
        self.page.locator("details.account-menu > summary").click()
        self.hands.think(0.4)
        menu = self.page.locator("details.account-menu")
        self.follow(menu.get_by_role("link", name=item, exact=True).click)

    # -- the session ---------------------------------------------------------------------

    def sign_in(self, password: str) -> bool:
        """Sign in from the login page, typing the username and the password."""
        self.goto("/login")
        self.hands.fill("#username", self.username)
        self.hands.fill("#password", password, via_tab=self.hands.chance(0.5))
        self.submit("Sign in", enter_ok=True)
        return not self.page.url.rstrip("/").endswith("/login")

    def run(self, task: TaskSpec, flow: Callable[[Person, TaskSpec], Outcome]) -> Outcome:
        """One task between the recorder's labels; the outcome is what the person saw."""
        self.hands.rng = random.Random(task.params.get("variant", task.text))
        self.hands.think(1.5)  # reading the task
        task_id = self.recorder.task_start(self.page, task.text)
        outcome: Outcome
        try:
            outcome = flow(self, task)
        except PlaywrightError as exc:
            log.warning("task step failed family=%s error=%s", task.family, type(exc).__name__)
            outcome = "failed"
            self._recover()
        self.recorder.task_end(self.page, task_id, outcome)
        return outcome

    def _recover(self) -> None:
        try:
            self.goto("/")
        except PlaywrightError as exc:
            log.warning("could not return to the dashboard error=%s", type(exc).__name__)

    def finish(self) -> None:
        """Send what the recorder still holds; the person's day is over."""
        self.recorder.finish(self.page)


def _css_text(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"')
