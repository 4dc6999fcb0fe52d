"""The text of one typed run, as far as the keys tell it (pure; used by ``reduce.py``).

The agent never reads a field's content: it knows only what was typed since the run began.
Positions below 0 or above the run's length are in text that was there before; selecting or
deleting into it marks the run ``replaced``. A cursor move that leaves the known text (an
arrow past either end, Home, Up, a click) ends the run, because where later keys land is
then unknown. Pasted content is unknown too and stands as one ``<PASTE>`` token.
"""

from __future__ import annotations

from datetime import datetime
from typing import Final, Literal

FAR: Final = 1 << 30
"""A position certainly outside the run (the start or end of the field)."""

EditResult = Literal["ok", "left"]
"""``left``: the cursor left the known text; the caller ends the run."""


class TypedRun:
    """Tokens typed into one field: single characters and the paste mark."""

    __slots__ = ("anchor", "cursor", "last_at", "replaced", "started_at", "tokens")

    def __init__(self) -> None:
        self.tokens: list[str] = []
        self.cursor = 0
        self.anchor: int | None = None
        """The other end of the selection, when there is one."""
        self.replaced = False
        self.started_at: datetime | None = None
        self.last_at: datetime | None = None

    # ------------------------------------------------------------------ state

    @property
    def text(self) -> str:
        return "".join(self.tokens)

    @property
    def touched(self) -> bool:
        """True once a key changed the field (typed, pasted or deleted something)."""
        return self.started_at is not None

    def select_all(self) -> None:
        self.anchor, self.cursor = -FAR, FAR

    def _mark(self, at: datetime) -> None:
        if self.started_at is None:
            self.started_at = at
        self.last_at = at

    def _selection(self) -> tuple[int, int] | None:
        if self.anchor is None or self.anchor == self.cursor:
            return None
        return min(self.anchor, self.cursor), max(self.anchor, self.cursor)

    def _delete_selection(self) -> bool:
        selected = self._selection()
        self.anchor = None
        if selected is None:
            self.cursor = max(0, min(self.cursor, len(self.tokens)))
            return False
        lo, hi = selected
        if lo < 0 or hi > len(self.tokens):
            self.replaced = True
        lo, hi = max(0, lo), min(len(self.tokens), hi)
        del self.tokens[lo:hi]
        self.cursor = lo
        return True

    # ------------------------------------------------------------------ edits

    def insert(self, token: str, at: datetime) -> None:
        """Type one character, or the paste mark, replacing any selection."""
        self._mark(at)
        self._delete_selection()
        self.tokens.insert(self.cursor, token)
        self.cursor += 1

    def backspace(self, at: datetime, *, word: bool = False) -> None:
        self._mark(at)
        if self._delete_selection():
            return
        if self.cursor == 0:
            self.replaced = True  # deleted text that was there before the run
            return
        start = self._word_start(self.cursor) if word else self.cursor - 1
        if word and start == 0 and not self._is_space_before(0):
            self.replaced = True  # the word may go on before the run began
        del self.tokens[start : self.cursor]
        self.cursor = start

    def delete(self, at: datetime, *, word: bool = False) -> None:
        self._mark(at)
        if self._delete_selection():
            return
        if self.cursor >= len(self.tokens):
            self.replaced = True  # deleted text after the run
            return
        end = self._word_end(self.cursor) if word else self.cursor + 1
        del self.tokens[self.cursor : end]

    def move(self, key: str, *, shift: bool, word: bool) -> EditResult:
        """An arrow, Home, End, PageUp or PageDown, extending the selection with ``shift``."""
        n = len(self.tokens)
        if shift and self.anchor is None:
            self.anchor = self.cursor
        if not shift and self._selection() is not None and key in ("Left", "Right"):
            lo, hi = self._selection() or (0, 0)
            self.anchor = None
            self.cursor = lo if key == "Left" else hi
            return "ok" if 0 <= self.cursor <= n else "left"
        if not shift:
            self.anchor = None
        if key == "Left":
            target = self._word_start(self.cursor) if word and self.cursor > 0 else self.cursor - 1
        elif key == "Right":
            target = self._word_end(self.cursor) if word and self.cursor < n else self.cursor + 1
        elif key in ("Home", "Up", "PageUp"):
            target = -FAR
        else:  # End, Down, PageDown
            target = FAR
        if not shift:
            if key == "End" and self.cursor >= n:
                return "ok"  # already at the end of what was typed: the usual case
            if target < 0 or target > n:
                return "left"
        self.cursor = target
        return "ok"

    def _is_space_before(self, pos: int) -> bool:
        return pos > 0 and self.tokens[pos - 1].isspace()

    def _word_start(self, pos: int) -> int:
        pos = min(pos, len(self.tokens))
        while pos > 0 and self.tokens[pos - 1].isspace():
            pos -= 1
        while pos > 0 and not self.tokens[pos - 1].isspace():
            pos -= 1
        return pos

    def _word_end(self, pos: int) -> int:
        n = len(self.tokens)
        pos = max(pos, 0)
        while pos < n and self.tokens[pos].isspace():
            pos += 1
        while pos < n and not self.tokens[pos].isspace():
            pos += 1
        return pos
