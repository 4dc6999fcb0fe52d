"""How a simulated person uses the keyboard and the mouse: typing at a human speed with the
odd typo caught and corrected, pauses to read, scrolling to look around, moving between fields
with the mouse or the Tab key, and sending a form with the button or the Enter key.

Every choice comes from the person's ``random.Random`` and every wait is bounded, so the same
seed makes the same session. :class:`Pace` sets the tempo; :data:`QUICK` keeps the demo's
quick run short, :data:`INSTANT` (no pauses) is for measurements.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:
    from playwright.sync_api import Page

_NEIGHBOURS: Final = {
    "a": "sq", "b": "vn", "c": "xv", "d": "sf", "e": "wr", "f": "dg", "g": "fh", "h": "gj",
    "i": "uo", "j": "hk", "k": "jl", "l": "k", "m": "n", "n": "bm", "o": "ip", "p": "o",
    "q": "w", "r": "et", "s": "ad", "t": "ry", "u": "yi", "v": "cb", "w": "qe", "x": "zc",
    "y": "tu", "z": "x", "0": "9", "1": "2", "2": "13", "3": "24", "4": "35", "5": "46",
    "6": "57", "7": "68", "8": "79", "9": "80",
}  # fmt: skip


@dataclass(frozen=True, slots=True)
class Pace:
    """The tempo of a simulated person; every duration in milliseconds."""

    think: tuple[int, int] = (250, 900)
    """A pause to read or decide, drawn between these bounds."""
    key_delay: tuple[int, int] = (35, 90)
    """Time between two key presses, drawn per field."""
    typo_rate: float = 0.25
    """Chance that a typed field gets one wrong key, then Backspace and the right one."""
    scroll_rate: float = 0.35
    """Chance of scrolling around on a list or record page."""


QUICK: Final = Pace(think=(30, 150), key_delay=(0, 6), typo_rate=0.25, scroll_rate=0.3)
INSTANT: Final = Pace(think=(0, 0), key_delay=(0, 0), typo_rate=0.25, scroll_rate=0.3)


class Hands:
    """The keyboard and mouse of one simulated person on one page."""

    def __init__(self, page: Page, rng: random.Random, pace: Pace) -> None:
        self.page = page
        self.rng = rng
        self.pace = pace

    def chance(self, p: float) -> bool:
        return self.rng.random() < p

    def think(self, scale: float = 1.0) -> None:
        lo, hi = self.pace.think
        ms = self.rng.uniform(lo, hi) * scale
        if ms >= 1:
            self.page.wait_for_timeout(ms)

    def _delay(self) -> float:
        lo, hi = self.pace.key_delay
        return self.rng.uniform(lo, hi)

    def type_text(self, text: str, *, typo: bool | None = None) -> None:
        """Type ``text`` where the focus is; maybe one wrong key, noticed and corrected."""
        delay = self._delay()
        typo = self.chance(self.pace.typo_rate) if typo is None else typo
        spots = [i for i, ch in enumerate(text) if ch.lower() in _NEIGHBOURS and i > 0]
        if not typo or not spots:
            self.page.keyboard.type(text, delay=delay)
            return
        at = self.rng.choice(spots)
        wrong = self.rng.choice(_NEIGHBOURS[text[at].lower()])
        self.page.keyboard.type(text[:at] + wrong, delay=delay)
        self.think(0.5)
        self.page.keyboard.press("Backspace")
        self.page.keyboard.type(text[at:], delay=delay)

    def fill(
        self, selector: str, text: str, *, via_tab: bool = False, replace: bool = False
    ) -> None:
        """Go to a field (a click, or Tab when the field is next in order) and type into it.

        ``replace`` empties it first, with Ctrl+A or with Backspaces, as people do.
        """
        field = self.page.locator(selector)
        if via_tab:
            self.page.keyboard.press("Tab")
        else:
            field.click()
        if replace:
            current = field.input_value()
            if current and self.chance(0.6):
                self.page.keyboard.press("ControlOrMeta+a")
            elif current:
                self.page.keyboard.press("End")
                for _ in range(len(current)):
                    self.page.keyboard.press("Backspace")
        self.type_text(text)

    def look_around(self) -> None:
        """Sometimes scroll down a little to read, then back up."""
        if not self.chance(self.pace.scroll_rate):
            return
        self.page.mouse.move(self.rng.randint(300, 700), self.rng.randint(250, 450))
        distance = self.rng.choice((240, 360, 600))
        self.page.mouse.wheel(0, distance)
        self.think(0.7)
        self.page.mouse.wheel(0, -distance)
        self.think(0.3)

    def scroll_to(self, selector: str) -> None:
        """Bring an element into view with the wheel (a person does not teleport)."""
        target = self.page.locator(selector).first
        for _ in range(8):
            box = target.bounding_box()
            viewport = self.page.viewport_size
            if box is None or viewport is None or box["y"] + box["height"] < viewport["height"]:
                return
            self.page.mouse.wheel(0, min(500.0, box["y"] - viewport["height"] / 2))
            self.think(0.3)
