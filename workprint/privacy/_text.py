"""Redaction of one text, URL or selector, and the per-session vaults that number
placeholders and remember results (the text level of :mod:`workprint.privacy.redact`, which
re-exports what is public here)."""

from __future__ import annotations

import hashlib
import hmac
import itertools
import re
from collections import Counter, OrderedDict
from collections.abc import Hashable, Mapping, Sequence
from typing import Any, Final
from urllib.parse import parse_qsl, quote, unquote, urlencode, urlsplit

from workprint.core.events import CaptureMode
from workprint.privacy._plan import new_number
from workprint.privacy.detectors import Detector, find_all
from workprint.privacy.detectors.names import (
    KnownNames,
    NamesDetector,
    first_names,
    is_learnable,
    is_particle,
    name_words,
    repeated_names,
)

PLACEHOLDER: Final = re.compile(r"<[A-Z][A-Z0-9_]*_\d+>")
MAX_KNOWN_NAMES: Final = 512
"""Words of names one session recognises on their own at most (the first ones it met)."""
_SELECTOR_VALUE: Final = re.compile(r"""(=\s*)(["'])(.*?)\2""")


class Vault:
    """Placeholder numbers of one session: ``(entity, keyed digest of value) -> n``."""

    def __init__(self, key: bytes, memo_size: int = 20_000) -> None:
        self._key = key
        self._numbers: dict[tuple[str, bytes], int] = {}
        self._next: Counter[str] = Counter()
        self.memo: OrderedDict[str, tuple[str, tuple[tuple[str, int], ...]]] = OrderedDict()
        """Results of :func:`redact_text` in this session (the same labels recur in every
        snapshot of a page); exact, because placeholders are stable within the session, and
        kept only while the detectors stay the same (:meth:`use`).
        Holds redacted text and counts only; keys are the texts already seen in the session's
        own memory, never written anywhere."""
        self._memo_size = memo_size
        self._detectors: Sequence[Detector] | None = None
        self.known: KnownNames | None = None
        """The words of the names this session has shown, found alone from the next event on
        (:meth:`commit`); None before any."""
        self.known_number = 0
        """A number for the known names: remembered results shared between sessions are
        keyed by it too (0: none known)."""
        self._known_words: dict[str, None] = {}
        self._pending: set[str] = set()
        self._clean_keys: dict[int, int] = {}
        self.elements: OrderedDict[Hashable, tuple[dict[str, Any], tuple[tuple[str, int], ...]]] = (
            OrderedDict()
        )
        """What redaction changed in a struct (field -> new value: empty when nothing), by
        its type, the values of the fields redaction can change, and the mode, policy
        version and allowed query parameters: the same button recurs in every snapshot of a
        page, the same page context in every event on it."""

    def use(self, detectors: Sequence[Detector]) -> None:
        """Redaction in this session goes on with ``detectors``: what the session remembered
        under another set is forgotten (a name the deny-list has just added must not keep
        the result it had without it)."""
        if detectors is not self._detectors:
            if self._detectors is not None:
                self.memo.clear()
                self.elements.clear()
            self._detectors = detectors

    def remember_element(
        self, key: Hashable, changes: dict[str, Any], counts: Mapping[str, int]
    ) -> None:
        self.elements[key] = (changes, tuple(counts.items()))
        if len(self.elements) > self._memo_size:
            self.elements.popitem(last=False)

    def remember(self, text: str, result: str, counts: Counter[str]) -> None:
        self.memo[text] = (result, tuple(counts.items()))
        if len(self.memo) > self._memo_size:
            self.memo.popitem(last=False)

    def learn(self, word: str) -> None:
        """A word of a name just found, to be recognised on its own after :meth:`commit`."""
        if word not in self._known_words and len(self._known_words) < MAX_KNOWN_NAMES:
            self._pending.add(word)

    def commit(self) -> None:
        """The words learnt since the last commit are known from now on (called once an
        event is done, so that the order in which its fields are walked does not matter);
        what the session remembered without them is forgotten."""
        if not self._pending:
            return
        for word in sorted(self._pending)[: MAX_KNOWN_NAMES - len(self._known_words)]:
            self._known_words[word] = None
        self._pending.clear()
        self.known = KnownNames(tuple(self._known_words))
        self.known_number = new_number()
        self._clean_keys.clear()
        self.memo.clear()
        self.elements.clear()

    def clean_key(self, base: int) -> int:
        """``base`` (the key of results shared by all sessions) for this session: itself
        while no name is known, else a number of its own."""
        if not self.known_number:
            return base
        found = self._clean_keys.get(base)
        if found is None:
            found = self._clean_keys[base] = new_number()
        return found

    def placeholder(self, entity: str, value: str) -> str:
        digest = hmac.new(self._key, f"{entity}\0{value}".encode(), hashlib.sha256).digest()
        number = self._numbers.get((entity, digest))
        if number is None:
            self._next[entity] += 1
            number = self._numbers[(entity, digest)] = self._next[entity]
        return f"<{entity}_{number}>"


class Clean(OrderedDict[Hashable, None]):
    """What redaction leaves exactly as it is without detecting anything (texts, structs),
    under given detectors, mode and policy: no placeholder is involved, so it is the same in
    every session and one set serves all the vaults of a :class:`Vaults`. Bounded; the
    oldest entries are forgotten first."""

    def __init__(self, size: int) -> None:
        super().__init__()
        self._size = size

    def add(self, key: Hashable) -> None:
        self[key] = None
        if len(self) > self._size:
            self.popitem(last=False)


class Vaults:
    """Vaults by session, the least recently used dropped beyond ``capacity`` sessions or,
    when ``budget`` is set, beyond that many remembered entries in all of them together
    (checked every few calls); and the :class:`Clean` set they share (``clean_size``
    entries at most)."""

    _CHECK_EVERY: Final = 256

    def __init__(
        self,
        key: bytes,
        capacity: int = 4096,
        *,
        clean_size: int = 50_000,
        budget: int | None = None,
    ) -> None:
        self._key = key
        self._capacity = capacity
        self._budget = budget
        # ``next`` on a count is one step under the GIL: ingest threads lose no call, so the
        # budget is checked every ``_CHECK_EVERY`` calls whatever the threads interleave.
        self._calls = itertools.count(1)
        self._vaults: OrderedDict[str, Vault] = OrderedDict()
        self.clean = Clean(clean_size)

    def _new_vault(self, session_key: bytes) -> Vault:
        return Vault(session_key)

    def for_session(self, session_id: str) -> Vault:
        vault = self._vaults.get(session_id)
        if vault is None:
            session_key = hmac.new(self._key, session_id.encode(), hashlib.sha256).digest()
            vault = self._vaults[session_id] = self._new_vault(session_key)
            if len(self._vaults) > self._capacity:
                self._vaults.popitem(last=False)
        else:
            self._vaults.move_to_end(session_id)
        if self._budget is not None and next(self._calls) % self._CHECK_EVERY == 0:
            self._keep_budget(self._budget)
        return vault

    def remembered(self) -> int:
        """Entries remembered by all the session vaults together."""
        # list() copies in one step: ingest threads may add a session meanwhile.
        return sum(len(v.memo) + len(v.elements) for v in list(self._vaults.values()))

    def _keep_budget(self, budget: int) -> None:
        total = self.remembered()
        while total > budget and len(self._vaults) > 1:
            _, oldest = self._vaults.popitem(last=False)
            total -= len(oldest.memo) + len(oldest.elements)


def redact_text(
    text: str, detectors: Sequence[Detector], vault: Vault, counts: Counter[str]
) -> str:
    """``text`` with every detected entity replaced by its placeholder. Placeholders already
    in the text are left alone, so redacting twice changes nothing."""
    vault.use(detectors)
    known = vault.memo.get(text)
    if known is not None:
        for entity, n in known[1]:
            counts[entity] += n
        return known[0]
    local: Counter[str] = Counter()
    result = redact_all(text, detectors, vault, local)
    vault.remember(text, result, local)
    counts.update(local)
    return result


def redact_all(text: str, detectors: Sequence[Detector], vault: Vault, counts: Counter[str]) -> str:
    # Detectors see the whole text (context cues such as line starts stay intact); spans that
    # touch an existing placeholder are skipped, so redacting twice changes nothing.
    if not text:
        return text
    kept = [(m.start(), m.end()) for m in PLACEHOLDER.finditer(text)]
    found = find_all(text, detectors if vault.known is None else (*detectors, vault.known))
    spans = [
        sp for sp in found if not any(sp.start < end and start < sp.end for start, end in kept)
    ]
    named = any(sp.entity == "PERSON" for sp in spans)
    if named:
        # A name the text announces once is that name wherever else the text shows it.
        repeats = repeated_names(text, spans, kept)
        if repeats:
            spans = sorted([*spans, *repeats], key=lambda sp: sp.start)
    if named or (kept and "<PERSON_" in text):
        # A surname found alone, or already a placeholder, takes the listed first name
        # before it.
        for detector in detectors:
            if isinstance(detector, NamesDetector):
                spans = first_names(text, spans, kept, detector.is_listed_word)
    if not spans:
        return text
    out: list[str] = []
    last = 0
    for span in spans:
        out.append(text[last : span.start])
        value = text[span.start : span.end]
        out.append(
            _name_parts(value, vault)
            if span.entity == "PERSON"
            else vault.placeholder(span.entity, value)
        )
        counts[span.entity] += 1
        last = span.end
    out.append(text[last:])
    return "".join(out)


def _name_parts(name: str, vault: Vault) -> str:
    """A person's name with each of its words replaced by its own placeholder (``Blake
    Russell`` -> ``<PERSON_1> <PERSON_2>``; lower-case particles such as ``van`` kept), so a
    first name typed alone later gets the placeholder it has in the full name; the vault
    learns the words (:meth:`Vault.learn`)."""
    words = name_words(name)
    if not words:
        return vault.placeholder("PERSON", name)
    out: list[str] = []
    last = 0
    for m in words:
        word = m.group()
        out.append(name[last : m.start()])
        out.append(word if is_particle(word) else vault.placeholder("PERSON", word))
        if is_learnable(word):
            vault.learn(word)
        last = m.end()
    out.append(name[last:])
    return "".join(out)


def redact_url(
    url: str,
    *,
    mode: CaptureMode,
    allowed_query: frozenset[str],
    detectors: Sequence[Detector],
    vault: Vault,
    counts: Counter[str],
) -> str:
    """Origin + path; credentials and fragment dropped; query only where allowed."""
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
        port = parts.port
    except ValueError:
        counts["URL"] += 1
        return vault.placeholder("URL", url)
    if parts.username or parts.password:
        counts["URL_CREDENTIALS"] += 1
    netloc = host + (f":{port}" if port else "")
    origin = f"{parts.scheme}://{netloc}" if parts.scheme else netloc
    if mode == "metadata":
        return origin
    if mode == "full":
        path = parts.path
    else:
        segments = []
        for segment in parts.path.split("/"):
            plain = unquote(segment)
            redacted = redact_text(plain, detectors, vault, counts)
            segments.append(segment if redacted == plain else quote(redacted, safe="<>_"))
        path = "/".join(segments)
    kept = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k in allowed_query]
    if mode != "full":
        kept = [(k, redact_text(v, detectors, vault, counts)) for k, v in kept]
    query = f"?{urlencode(kept, safe='<>_')}" if kept else ""
    return f"{origin}{path}{query}"


def redact_selector(
    selector: str, detectors: Sequence[Detector], vault: Vault, counts: Counter[str]
) -> str:
    def repl(match: re.Match[str]) -> str:
        value = redact_text(match.group(3), detectors, vault, counts)
        return f"{match.group(1)}{match.group(2)}{value}{match.group(2)}"

    return _SELECTOR_VALUE.sub(repl, selector)
