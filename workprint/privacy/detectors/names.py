"""Person names: the directory's names anywhere, and any name announced by its context.

* **Directory** (the deny-list of employees and customers): a listed full name ("Jane Doe")
  is found anywhere, case-insensitively, as whole words with any spacing between them. One
  token of a listed name (``Jane``, ``doe``; three letters or more) is a name only in a name
  context, where it may also be lower-case ("hi jane,").
* **Context cues** find names that are not listed: honorifics (``Mr.``, ``Ms``, ``Dr.``,
  ``Herr``, ``Mme``...), greetings (``Dear X``, ``Hi X,``, ``Hallo X``, ``Bonjour X``),
  verbs (``called X Y``, ``spoke with X``, ``my name is X``, ``I'm X``, ``this is X``),
  sign-offs with the name alone
  on the next line (``Regards,\\nX Y``, ``Mit freundlichen Grüßen\\nX``) or after a comma
  at the end of a line (``Kind regards, X Y``), and header lines
  (``From: X``, ``Assignee: X``; these only at the start of a line). After a cue, one to
  three capitalised tokens (with particles such as ``van`` or ``de`` and initials such as
  ``Q.`` between them) are the name, unless they are a word that follows such cues without
  being a name (``Hi all``, ``Dear Customer``, ``called Monday``). A lone letter is not a name.

An ``@mention`` is a handle, not a name: nothing directly after ``@`` is flagged.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from workprint.privacy.detectors._context import word_set
from workprint.privacy.detectors.base import Span


def _trie(words: Iterable[str]) -> str:
    """A regex matching exactly ``words``, factored by common prefixes."""
    root: dict[str, dict[str, Any]] = {}
    for word in words:
        node = root
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}
    return _trie_source(root)


def _trie_source(node: dict[str, dict[str, Any]]) -> str:
    branches = [re.escape(ch) + _trie_source(child) for ch, child in sorted(node.items()) if ch]
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    if "" in node:
        return f"(?:{body})?"
    return body


_HONORIFIC = (
    r"Mr|Mrs|Ms|Mx|Miss|Dr|Prof|Sir|Dame|Herr|Frau|Hr|Fr|Mme|Mlle|Sra?|Srta|Dott|Sig|Sig\.ra|"
    r"Dhr|Mevr|M(?=\.)"
)
_GREETINGS = (
    "Dear", "Hi", "Hello", "Hey", "Hallo", "Liebe", "Lieber", "Bonjour", "Bonsoir", "Salut",
    "Hola", "Ciao", "Cara", "Caro", "Olá", "Estimado", "Estimada", "Good morning",
    "Good afternoon", "Thanks", "Thank you", "Cheers",
)  # fmt: skip
_SIGN_OFFS = (
    "Regards", "Best", "Best wishes", "Cheers", "Thanks", "Thank you", "Many thanks",
    "Sincerely", "Yours truly", "Mit freundlichen Grüßen", "Viele Grüße", "Beste Grüße",
    "Liebe Grüße", "Gruß", "Grüße", "Cordialement", "Bien à vous", "Amitiés", "Saludos",
    "Un saludo", "Atentamente", "Met vriendelijke groet", "Met vriendelijke groeten",
    "Groeten", "Cordiali saluti",
)  # fmt: skip
_VERBS = (
    "called", "named", "spoke with", "spoke to", "talked with", "talked to", "met with",
    "meeting with", "call with", "assigned to", "escalated to", "handed to", "handed over to",
    "signed by", "approved by", "requested by", "reported by", "submitted by", "on behalf of",
    "my name is", "I'm", "I’m", "I am", "this is",
)  # fmt: skip
_HEADER = (
    r"From|To|Cc|Bcc|Attn|Attention|Contact|Name|Full name|Customer|Client|Owner|Assignee|"
    r"Reporter|Requester|Author|Sender|Recipient|Patient|Employee|Kunde|Ansprechpartner"
)


def _both_cases(words: Iterable[str]) -> list[str]:
    return [v for w in words for v in (w, w[0].lower() + w[1:], w[0].upper() + w[1:])]


_GREETING_CUE = re.compile(f"(?P<greet>{_trie(_both_cases(_GREETINGS))})[ \t]+")
"""Greetings, anywhere a word starts (``Hi X``, ``dear X``)."""
_SIGN_OFF_CUE = re.compile(
    f"(?P<sign>{_trie(_both_cases(_SIGN_OFFS))})[ \t]*(?:[,!.]?[ \t]*\r?\n(?:[ \t]*>)*|,)[ \t]*"
)
"""Sign-offs: the name is alone on the next line (also in a quoted message, whose lines start
with ``>``), or after a comma at the end of the line (``Kind regards, Louise Grenier``
closing a one-line message)."""
_VERB_CUE = re.compile(f"(?P<verb>{_trie(_both_cases(_VERBS))})[ \t]+")
_HEADER_CUE = re.compile(rf"(?m:^)[ \t]*(?:[>*\-\"'(]+[ \t]*)?(?P<head>{_HEADER})[ \t]*:[ \t]*")
"""Header lines (``From: X``), only at the start of a line."""
_HONORIFIC_CUE = re.compile(rf"(?P<hon>{_HONORIFIC})\.?[ \t]+")
_NAME_TOKEN = re.compile(r"[A-Z]\.|[^\W\d_][^\W\d_'’\-]*(?:['’\-][^\W\d_]+)*")
_GAP = re.compile(r"[ \t]+")
_WORD_END = r"(?![\w]|['’\-](?![sS]\b)[^\W\d_])"
"""After a listed or known name word: the word ends there (``Anna's`` is Anna's; ``Anna-Lena``
and ``Annabel`` are other names)."""
_SPACE = re.compile(r"\s+['’]?")
"""Between two words of a listed name: space, and the apostrophe of an elided particle
(``van 't Hof``, ``d'Almeida`` after a space)."""
_WORD = re.compile(r"[^\W\d_]+(?:['’\-][^\W\d_]+)*")
_PARTICLES = word_set(
    "van von de der den da das dos du del della di la le bin ibn al el ter zu het t"
)
NOT_NAMES = word_set(
    """
    all team there everyone everybody folks guys gang sir sirs madam madame customer customers
    support again so for you both world friends colleagues hiring valued the a an and or my
    our your this that it we i me us they he she him her his mr mrs ms mx dr prof miss
    herr frau hr fr mme mlle sr sra srta dott sig dhr mevr m dame lady lord
    monday tuesday wednesday thursday friday saturday sunday january february march april may
    june july august september october november december today tomorrow yesterday tonight
    admin user users sales billing service services manager management hr ops devops staff
    good morning afternoon evening night day week thanks thank regards best cheers sincerely
    yours kind warm many please hello hi hey dear what how why when where who which not no
    yes just also here now then again back sure ok okay in on at to from with by of as is be
    was were are am will would can could should shall might must do does did have has had
    going trying looking happy glad sorry working new old first last next other another one
    two three some any every each few more most no none nobody someone somebody anyone
    anybody something anything nothing everything all support helpdesk desk reception
    available back busy afraid interested only out still sure very really free late
    accounts accounting finance legal marketing engineering product design security it
    unknown n/a none null test tester system bot robot assistant agent operator
    grüße gruß wishes saludos groeten regards saluti
    """
)
"""Capitalised words that follow name cues without being names (compared in lower case)."""


@dataclass(frozen=True, slots=True)
class NamesDetector:
    """Finds person names (entity ``PERSON``); the span is the name without its cue."""

    name: str = "names"
    entities: tuple[str, ...] = ("PERSON",)
    directory: tuple[str, ...] = ()
    """Full names always recognised (employees, customers), in any letter case."""
    not_names: frozenset[str] = NOT_NAMES
    min_token: int = 3
    """Shortest single token of a directory name recognised on its own after a cue."""
    _full: dict[str, tuple[tuple[str, ...], ...]] = field(
        init=False, repr=False, compare=False, default_factory=dict
    )
    _first: re.Pattern[str] | None = field(init=False, repr=False, compare=False, default=None)
    _tokens: frozenset[str] = field(init=False, repr=False, compare=False, default=frozenset())

    def __post_init__(self) -> None:
        full: dict[str, list[tuple[str, ...]]] = {}
        tokens: set[str] = set()
        for entry in self.directory:
            words = tuple(w.lower() for w in _WORD.findall(entry))
            if not words:
                continue
            full.setdefault(words[0], []).append(words)
            tokens.update(w for w in words if len(w) >= self.min_token)
        ordered = {k: tuple(sorted(set(v), key=len, reverse=True)) for k, v in full.items()}
        object.__setattr__(self, "_full", ordered)
        object.__setattr__(self, "_tokens", frozenset(tokens - self.not_names))
        if ordered:
            # One scan for every first name of the directory, as a trie so that the regex
            # engine tries only the branches that match the next character.
            first = rf"(?<![\w@'’\-])(?:{_trie(ordered)}){_WORD_END}"
            object.__setattr__(self, "_first", re.compile(first, re.IGNORECASE))

    def find(self, text: str) -> list[Span]:
        """Spans of person names in ``text``."""
        spans = self._find_listed(text)
        cues = [m for m in _GREETING_CUE.finditer(text) if _word_start(text, m.start())]
        cues.extend(m for m in _HONORIFIC_CUE.finditer(text) if _word_start(text, m.start()))
        cues.extend(_HEADER_CUE.finditer(text))
        if "\n" in text or "," in text:
            cues.extend(m for m in _SIGN_OFF_CUE.finditer(text) if _word_start(text, m.start()))
        cues.extend(m for m in _VERB_CUE.finditer(text) if _word_start(text, m.start()))
        for m in cues:
            span = self._after_cue(text, m.end(), honorific=m.lastgroup == "hon")
            if span is None:
                continue
            if m.lastgroup == "sign" and not _ends_line(text, span.end):
                continue
            spans.append(span)
        return spans

    def _find_listed(self, text: str) -> list[Span]:
        spans: list[Span] = []
        if self._first is None:
            return spans
        done = 0
        for m in self._first.finditer(text):
            if m.start() < done:
                continue
            first = m.group().lower()
            for full in self._full.get(first, ()):
                end = _rest_of_name(text, m.end(), full[1:])
                if end is None:
                    continue
                if len(full) > 1 or len(first) >= self.min_token:
                    spans.append(Span(m.start(), end, "PERSON"))
                    done = end
                break
        return spans

    def _after_cue(self, text: str, pos: int, honorific: bool) -> Span | None:
        """The name starting at ``pos``: up to three name tokens, particles between them."""
        start = end = -1
        names = 0
        while names < 3:
            token = _NAME_TOKEN.match(text, pos)
            if token is None:
                break
            word = token.group()
            low = word.lower()
            if low in _PARTICLES and names:
                gap = _GAP.match(text, token.end())
                if gap is None:
                    break
                pos = gap.end()
                continue
            if not self._is_name(word, low, first=names == 0):
                break
            if start < 0:
                start = token.start()
            end = token.end()
            names += 1
            gap = _GAP.match(text, end)
            if gap is None:
                break
            pos = gap.end()
        if start < 0:
            return None
        if text[end - 1] == "." and end - start == 2:
            return None  # a lone initial
        return Span(start, end, "PERSON", 0.9 if honorific else 0.85)

    def is_listed_word(self, word: str) -> bool:
        """Whether ``word`` (any case) is a word of a listed name that may stand alone after
        a cue (three letters or more, not a common word of name contexts)."""
        return word.lower() in self._tokens

    def _is_name(self, word: str, low: str, first: bool) -> bool:
        if low in self._tokens:
            return True
        return _name_like(word, low, self.not_names)


def _name_like(word: str, low: str, not_names: frozenset[str] = NOT_NAMES) -> bool:
    """A capitalised word that may be a name where the context says one stands."""
    if low in not_names or not word[0].isupper():
        return False
    if low[-2:] in ("'s", "’s") and low[:-2] in not_names:
        return False  # "this is Monday's list"
    if len(word) < 2:
        return False  # a lone letter; an initial is written "Q."
    return not (word.isupper() and not word.endswith("."))  # IT, HR, ACME: acronyms


def repeated_names(
    text: str, spans: Sequence[Span], taken: Sequence[tuple[int, int]]
) -> list[Span]:
    """Where a word of a name found in ``text`` (by a cue) recurs elsewhere in it without a
    cue, with the capitalised word right after it (a surname): ``Please note my details:
    Luise Winkler, ... Thanks, Luise`` names Luise Winkler twice. New spans only, none
    overlapping ``spans`` or ``taken`` (placeholders already in the text)."""
    words = {
        m.group()
        for sp in spans
        if sp.entity == "PERSON"
        for m in _WORD.finditer(text, sp.start, sp.end)
        if is_learnable(m.group())
    }
    if not words:
        return []
    busy = [(sp.start, sp.end) for sp in spans] + list(taken)
    # Where a name (a span, or a name's placeholder already in the text) ends.
    name_ends = {sp.end for sp in spans if sp.entity == "PERSON"}
    name_ends.update(end for start, end in taken if text.startswith("<PERSON_", start))
    name_starts = {sp.start for sp in spans if sp.entity == "PERSON"}

    def free(start: int, end: int) -> bool:
        return not any(start < b_end and b_start < end for b_start, b_end in busy)

    extra: list[Span] = []
    # The words are found as a session's learnt names are: whole words, as written.
    for found in KnownNames(tuple(sorted(words))).find(text):
        is_free = free(found.start, found.end)
        gap = _GAP.match(text, found.end)
        token = _NAME_TOKEN.match(text, gap.end()) if gap else None
        if token is not None and not (
            _name_like(token.group(), token.group().lower())
            and free(token.start(), token.end())
            # Only a word that begins a name has a surname after it. The last word of a
            # name ("Adam Edwards", a listed name or two learnt words) ends it: the word
            # after it ("Apply", a button's label) is no surname.
            and (is_free or found.start in name_starts)
            and not _after_name(text, found.start, name_ends)
        ):
            token = None  # no surname follows
        if is_free:
            start = found.start
        elif token is not None:
            # Another detector already holds the word alone (a first name the session has
            # learnt from someone else): the surname after it is still this name's.
            start = token.start()
        else:
            continue
        end = token.end() if token is not None else found.end
        extra.append(Span(start, end, "PERSON", found.score))
        busy.append((start, end))
    return extra


MAX_FIRST_NAMES = 2
"""Words of listed names one name takes before its found word, at most (``Mary Ann``)."""


def first_names(
    text: str,
    spans: Sequence[Span],
    taken: Sequence[tuple[int, int]],
    listed: Callable[[str], bool],
) -> list[Span]:
    """``spans`` with the first names of the names found as one word (a surname the session
    learnt, ``<PERSON_2>`` already in the text) taken in: the capitalised words right before
    such a word that are words of listed names (``listed``), with only spaces and particles
    between, at most :data:`MAX_FIRST_NAMES`. A one-word name span grows to start at its
    first name (one name); a placeholder of ``taken`` gets a new span before it. A contact
    created seconds ago is not on the deny-list yet: ``Olivia Martin`` was captured as
    ``Olivia <PERSON_2>``, the surname known from another Martin, and the build, which has
    the complete list, could not match the listed name through the placeholder."""
    busy = [(sp.start, sp.end) for sp in spans] + list(taken)
    names: list[tuple[int, int, Span | None]] = [
        (start, end, None) for start, end in taken if text.startswith("<PERSON_", start)
    ]
    names.extend(
        (sp.start, sp.end, sp)
        for sp in spans
        if sp.entity == "PERSON" and len(name_words(text[sp.start : sp.end])) == 1
    )
    if not names:
        return list(spans)
    # Only the last word of a name has first names before it: in ``<PERSON_1> <PERSON_2>``
    # (or a listed name found whole) the word before the first is not one.
    starts = {start for start, _, _ in names} | {sp.start for sp in spans if sp.entity == "PERSON"}
    anchors = [(start, sp) for start, end, sp in names if not _before_name(text, end, starts)]
    out = list(spans)
    for anchor, span in anchors:
        start = _first_names_start(text, anchor, busy, listed)
        if start == anchor:
            continue
        if span is None:
            end = anchor
            while text[end - 1] in " \t":
                end -= 1
            out.append(Span(start, end, "PERSON", 0.8))
        else:
            out[out.index(span)] = Span(start, span.end, "PERSON", span.score)
        busy.append((start, anchor))
    return sorted(out, key=lambda sp: sp.start)


def _before_name(text: str, end: int, name_starts: set[int]) -> bool:
    """Whether a name (one starting in ``name_starts``) follows ``end`` with only spaces and
    particles between."""
    pos = end
    while True:
        gap = _GAP.match(text, pos)
        if gap is None:
            return False
        if gap.end() in name_starts:
            return True
        word = _WORD.match(text, gap.end())
        if word is None or not is_particle(word.group()):
            return False
        pos = word.end()


def _first_names_start(
    text: str, anchor: int, busy: Sequence[tuple[int, int]], listed: Callable[[str], bool]
) -> int:
    """Where the first names before the word at ``anchor`` start (``anchor``: none)."""
    start = pos = anchor
    names = 0
    while names < MAX_FIRST_NAMES:
        gap = pos
        while gap > 0 and text[gap - 1] in " \t":
            gap -= 1
        if gap == pos or gap == 0:
            break
        word = gap
        while word > 0 and (text[word - 1].isalpha() or text[word - 1] in "'’-"):
            word -= 1
        value = text[word:gap]
        if (
            not _WORD.fullmatch(value)
            or (word > 0 and (text[word - 1].isalnum() or text[word - 1] in "_@<>"))
            or any(word < b_end and b_start < gap for b_start, b_end in busy)
        ):
            break
        pos = word
        if is_particle(value):
            continue
        if not (listed(value) and _name_like(value, value.lower())):
            break
        start = word
        names += 1
    return start


def _after_name(text: str, start: int, name_ends: set[int]) -> bool:
    """Whether the word at ``start`` follows a name (one ending in ``name_ends``) with only
    spaces and particles between (``Jan van Dijk``: ``Dijk`` follows ``Jan``)."""
    pos = start
    while True:
        gap = pos
        while gap > 0 and text[gap - 1] in " \t":
            gap -= 1
        if gap == pos or gap == 0:
            return False
        if gap in name_ends:
            return True
        word = gap
        while word > 0 and (text[word - 1].isalpha() or text[word - 1] in "'’"):
            word -= 1
        if not is_particle(text[word:gap].lstrip("'’")):
            return False
        pos = word


def _rest_of_name(text: str, pos: int, rest: tuple[str, ...]) -> int | None:
    """Where the name ends if ``rest`` (lower case) follows ``pos`` word by word, else None."""
    for expected in rest:
        gap = _SPACE.match(text, pos)
        word = _WORD.match(text, gap.end()) if gap else None
        if word is None:
            return None
        low = word.group().lower()
        if low == expected:
            pos = word.end()
        elif low[-2:] in ("'s", "’s") and low[:-2] == expected:
            pos = word.end() - 2  # "Jane Doe's file": the name without the possessive
        else:
            return None
    return pos


def _word_start(text: str, start: int) -> bool:
    return start == 0 or not (text[start - 1].isalnum() or text[start - 1] in "_.@")


def _ends_line(text: str, end: int) -> bool:
    newline = text.find("\n", end)
    rest = text[end : newline if newline != -1 else len(text)]
    return not rest.strip(" \t\r,.")


def name_words(name: str) -> list[re.Match[str]]:
    """The words of a name (``Jean-Luc``, ``O'Brien`` are one word each)."""
    return list(_WORD.finditer(name))


def is_particle(word: str) -> bool:
    """A particle written in lower case between the words of a name (``van``, ``de``,
    ``'t``): not personal by itself, and kept as it is."""
    return word.islower() and word in _PARTICLES


def is_learnable(word: str) -> bool:
    """Whether a word of a found name is recognised on its own later in the same session: a
    capitalised word of three letters or more that is not a common word of name contexts
    (particles such as ``van`` and words such as ``Support`` are not)."""
    return len(word) >= 3 and word[0].isupper() and word.lower() not in NOT_NAMES


@dataclass(frozen=True, slots=True)
class KnownNames:
    """The words of the names one session has already shown (``Blake`` of ``I'm Blake
    Russell``), found anywhere later in that session, as written (entity ``PERSON``): the
    first name typed into its own field has no cue of its own. Made by a redaction vault
    (:meth:`workprint.privacy.redact.Vault.commit`), never from a list of names."""

    words: tuple[str, ...] = field(repr=False)  # names: never in a repr, a log or an error
    name: str = "known_names"
    entities: tuple[str, ...] = ("PERSON",)
    _pattern: re.Pattern[str] | None = field(init=False, repr=False, compare=False, default=None)

    def __post_init__(self) -> None:
        if self.words:
            listed = _trie(sorted(set(self.words)))
            pattern = rf"(?<![\w@'’\-])(?:{listed}){_WORD_END}"
            object.__setattr__(self, "_pattern", re.compile(pattern))

    def find(self, text: str) -> list[Span]:
        if self._pattern is None:
            return []
        return [Span(m.start(), m.end(), "PERSON", 0.8) for m in self._pattern.finditer(text)]
