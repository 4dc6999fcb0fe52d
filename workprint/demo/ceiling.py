"""The most any next-action predictor can score on the simulated team's steps: the Bayes
ceiling of step success.

The simulated people of :mod:`workprint.demo._flows` make their choices with coin flips
that are the same for the whole team (search from the header 35% of the time, Tab to the
next field 70%, Enter or the button, a look down the page, a field order shuffled half of
the time, ...), drawn afresh for every task. Nothing in a task's text or page says which way
a coin will fall, so at such a step even a predictor that knew the simulator's code, the
task's parameters and everything on the page could do no better than the likelier side.

This module runs the real flows against a page that only takes notes
(:class:`_NotePage`), exploring every outcome of every coin with its probability, and turns
the notes into the steps the browser SDK and the dataset build make of them (one ``TYPE``
per field value, ``KEY`` for Enter, Tab and shortcuts, ``CLICK`` for the pointer, ``SELECT``
and ``SCROLL``, the task's ``END``). The tree of step sequences then gives, per family:

* the **ceiling**: the expected share of steps an oracle gets right when it predicts, at each
  step, the likeliest next step given the family and every step before it (it is told
  everything the model could be told and more: the task's parameters, whether the task will
  be abandoned, whether a link lies below the fold);
* for a recorded dataset (:func:`oracle_on_steps`), the same oracle scored on the recorded
  steps, and how many recorded episodes the tree holds (a check of the step mapping).

Values enter a step only where a coin chooses them (the contact filter by name or by e-mail,
a card number typed in groups or not); every other value is fixed by the task, so an oracle
copies it right by definition. The ceiling is therefore an upper bound for the element,
operation and value of a step all together, which is what step success counts.
"""

from __future__ import annotations

import itertools
import math
import re
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Final

from workprint.dataset.format import StepRow
from workprint.demo import _flows
from workprint.demo._human import QUICK, Hands, Pace
from workprint.demo._person import Outcome, Person
from workprint.demo._tasks import TaskSpec

END: Final = "END"
SCROLL: Final = "SCROLL"
BELOW_FOLD: Final = 0.5
"""The chance that a link to open lies below the fold of its list (only its weight in the
expected ceiling depends on it)."""
PARAMS: Final[dict[str, dict[str, str]]] = {
    "create_contact": {
        "first_name": "F", "last_name": "L", "email": "E", "phone": "P", "title": "T",
        "company": "C",
    },
    "move_deal": {"deal": "Acme – Deal", "from": "lead", "to": "proposal"},
    "log_call": {
        "contact_id": "1", "contact": "N", "contact_email": "E", "subject": "S", "notes": "O",
    },
    "update_contact": {"contact": "N", "contact_email": "E", "field": "<field>", "value": "V"},
    "add_card": {
        "cardholder": "H", "number": "4111111111111111", "expiry": "X", "cvc": "V", "last4": "1111",
    },
    "change_password": {"old_password": "A", "new_password": "B"},
}  # fmt: skip
"""Stand-in parameters: the flows' steps depend on which field, never on what it holds,
except for ``update_contact``'s field (the oracle is told it; every field gives the same
steps)."""


class _Explorer:
    """Replays a flow along a script of choices, extending it depth first.

    Each decision point is a list of weights; a run takes the scripted branch where the
    script reaches, else the first branch, and notes the weights it met.
    """

    def __init__(self) -> None:
        self.script: list[int] = []
        self.met: list[list[float]] = []

    def decide(self, weights: Sequence[float]) -> int:
        depth = len(self.met)
        self.met.append(list(weights))
        return self.script[depth] if depth < len(self.script) else 0

    def probability(self) -> float:
        p = 1.0
        for depth, weights in enumerate(self.met):
            branch = self.script[depth] if depth < len(self.script) else 0
            p *= weights[branch] / sum(weights)
        return p

    def advance(self) -> bool:
        """The next script in depth-first order; False when every path was run."""
        taken = [self.script[d] if d < len(self.script) else 0 for d in range(len(self.met))]
        for depth in range(len(taken) - 1, -1, -1):
            if taken[depth] + 1 < len(self.met[depth]):
                self.script = [*taken[:depth], taken[depth] + 1]
                self.met = []
                return True
        return False


class _Rng:
    """The ``random.Random`` a flow uses directly (``choice``, ``shuffle``), as branches."""

    def __init__(self, explorer: _Explorer) -> None:
        self.explorer = explorer

    def choice(self, seq: Sequence[Any]) -> Any:
        return seq[self.explorer.decide([1.0] * len(seq))]

    def shuffle(self, x: list[Any]) -> None:
        orders = list(itertools.permutations(x))
        x[:] = orders[self.explorer.decide([1.0] * len(orders))]

    def random(self) -> float:
        raise AssertionError("a flow drew a number the ceiling does not model")


class _NoteHands(Hands):
    """The simulated hands, with each coin a branch and no waiting."""

    def __init__(self, page: _NotePage, explorer: _Explorer, pace: Pace) -> None:
        super().__init__(page, _Rng(explorer), pace)  # type: ignore[arg-type]
        self.explorer = explorer
        self.notes = page

    def chance(self, p: float) -> bool:
        if p <= 0.0 or p >= 1.0:
            return p >= 1.0
        return self.explorer.decide([p, 1.0 - p]) == 0

    def think(self, scale: float = 1.0) -> None:
        pass

    def type_text(self, text: str, *, typo: bool | None = None) -> None:
        # A typo is a wrong key and Backspace inside one field: the SDK keeps the value only.
        self.notes.keyboard.type(text)

    def look_around(self) -> None:
        if self.chance(self.pace.scroll_rate):
            self.notes.scroll()

    def scroll_to(self, selector: str) -> None:
        # The wheel turns only when the link lies below the fold. Telling the oracle would
        # not change its choice (the person scrolls at all only a third of the time), so
        # it is a branch like the others, of even odds.
        if self.explorer.decide([BELOW_FOLD, 1.0 - BELOW_FOLD]) == 0:
            self.notes.scroll()


_NAMED: Final = frozenset(
    {
        "Dashboard", "Contacts", "Deals", "Activities", "Companies", "New contact",
        "Edit contact", "Log activity", "Settings", "Billing", "Search", "Apply",
        "Create contact", "Move deal", "Save contact", "Add card", "Change password",
        "Sign in",
    }
)  # fmt: skip
_STAGES: Final = frozenset({"lead", "qualified", "proposal", "negotiation", "won", "lost"})
_UNNAMED: Final = {"form.global-search": "Search"}
"""Buttons the flows find by where they are, with the name the SDK records for them."""
_ACCOUNT: Final = re.compile(r"^[A-Z] \S")
_PLACEHOLDER: Final = re.compile(r"^<[A-Z_]+_\d+>$")


def descriptor(role: str | None, name: str | None, selector: str | None) -> str:
    """What a step is done to, with what changes from task to task left out.

    A field is its ``#id``; a secret field (a password, the card form) is recorded without
    a name, as ``textbox:``; a link or button is ``role:name``, where a record's name (a
    contact, a deal) is ``<record>``, a stage tab ``<stage>`` and the account menu's button
    ``<account>``. The contact filter's Apply button sometimes reaches the dataset under a
    name placeholder (the redaction took the word for a name): it is ``button:Apply``.
    """
    if selector and selector.startswith("#") and " " not in selector:
        return selector
    name = (name or "").strip()
    if role == "textbox" and not name:
        return "textbox:"
    if name in _NAMED:
        return f"{role}:{name}"
    if role == "link":
        return "link:<stage>" if name.casefold() in _STAGES else "link:<record>"
    if role == "button" and _ACCOUNT.match(name):
        return "button:<account>"
    if role == "button" and _PLACEHOLDER.match(name):
        return "button:Apply"
    return f"{role}:{name}"


@dataclass
class _Loc:
    page: _NotePage
    what: str

    @property
    def first(self) -> _Loc:
        return self

    def get_by_role(self, role: str, name: str | None = None, exact: bool = False) -> _Loc:
        return _Loc(self.page, descriptor(role, name or _UNNAMED.get(self.what), None))

    def click(self) -> None:
        self.page.click(self.what)

    def check(self) -> None:
        pass  # the radio the flows check ("Call") is checked when the form opens

    def count(self) -> int:
        return 1

    def input_value(self) -> str:
        return "current"

    def text_content(self) -> str:
        return ""


class _Keyboard:
    def __init__(self, page: _NotePage) -> None:
        self.page = page

    def press(self, key: str) -> None:
        self.page.press(key)

    def type(self, text: str, delay: float = 0) -> None:
        self.page.typing(text)


class _Mouse:
    def __init__(self, page: _NotePage) -> None:
        self.page = page

    def move(self, x: float, y: float) -> None:
        pass

    def wheel(self, dx: float, dy: float) -> None:
        pass


# The form fields of the CRM in their tab order (Tab from one goes to the next), and the
# fields the SDK keeps no value of (passwords, the card form): a click on one is recorded
# without its name, and no TYPE.
_TAB_ORDER: Final = (
    ("#first_name", "#last_name", "#email", "#phone", "#title", "#company_id"),
    ("#subject", "#notes"),
    ("#cardholder", "#card_number", "#card_expiry", "#card_cvc"),
    ("#current_password", "#new_password", "#confirm_password"),
    ("#username", "#password"),
)
_SECRET: Final = frozenset(
    {
        "#current_password", "#new_password", "#confirm_password", "#password",
        "#cardholder", "#card_number", "#card_expiry", "#card_cvc",
    }
)  # fmt: skip
_MENU: Final = "details.account-menu > summary"


class _NotePage:
    """A page that notes what is done to it as the steps a dataset would hold.

    Text typed into a field becomes its ``TYPE`` step when the focus leaves it or a key is
    pressed there (the SDK commits a value before the key that follows it); Tab, Enter and
    shortcuts are ``KEY`` steps; End and Backspace are not recorded; a look down the page
    is one ``SCROLL`` step however many turns of the wheel it took.
    """

    url = "http://crm.test/"
    viewport_size: Final = {"width": 1280, "height": 800}

    def __init__(self, values: Callable[[str, str], str]) -> None:
        self.keyboard = _Keyboard(self)
        self.mouse = _Mouse(self)
        self.steps: list[str] = []
        self.focus: str | None = None
        self.typed: str | None = None
        self.value_class = values

    # -- notes ---------------------------------------------------------------------------

    def note(self, step: str) -> None:
        self.steps.append(step)

    def _commit(self) -> None:
        field = self.focus
        if field is not None and self.typed is not None and field not in _SECRET:
            self.note(f"TYPE {field}{self.value_class(field, self.typed)}")
        self.typed = None

    def click(self, what: str) -> None:
        self._commit()
        self.focus = what if what.startswith("#") else None
        if what == _MENU:
            what = "button:<account>"
        self.note(f"CLICK {'textbox:' if what in _SECRET else what}")

    def press(self, key: str) -> None:
        self._commit()
        if key in ("Tab", "Enter"):
            self.note(f"KEY {key}")
        elif key.startswith("ControlOrMeta+"):
            self.note(f"KEY ctrl+{key.partition('+')[2]}")
        if key == "Tab":
            self.focus = _next_field(self.focus)
        # End, Backspace: not recorded

    def typing(self, text: str) -> None:
        self.typed = (self.typed or "") + text

    def scroll(self) -> None:
        self.note(SCROLL)

    # -- the Page methods the flows call -------------------------------------------------

    def locator(self, selector: str) -> _Loc:
        return _Loc(self, selector)

    def get_by_role(self, role: str, name: str | None = None, exact: bool = False) -> _Loc:
        return _Loc(self, descriptor(role, name, None))

    def select_option(self, selector: str, **_: str) -> None:
        # Playwright sets the list without moving the focus: a value typed before it is
        # committed later, when the focus does move.
        self.note(f"SELECT {selector}")

    @contextmanager
    def expect_navigation(self, **_: Any) -> Iterator[None]:
        yield
        self._commit()
        self.focus = None

    def wait_for_timeout(self, ms: float) -> None:
        pass

    def wait_for_load_state(self, state: str = "load") -> None:
        pass

    def set_default_timeout(self, ms: float) -> None:
        pass

    def set_default_navigation_timeout(self, ms: float) -> None:
        pass


def _next_field(current: str | None) -> str | None:
    for order in _TAB_ORDER:
        if current in order:
            at = order.index(current)
            return order[at + 1] if at + 1 < len(order) else None
    return None


class _NoteRecorder:
    def ready(self, page: Any) -> None:
        pass


def _value_class(params: dict[str, str]) -> Callable[[str, str], str]:
    """The part of a typed value a coin chose, as a suffix of the step."""

    def value(selector: str, text: str) -> str:
        if selector == "#contact-q":
            return "=e-mail" if text == params.get("contact_email") else "=name"
        if selector == "#card_number":
            return "=groups" if " " in text else "=digits"
        return ""

    return value


@dataclass(frozen=True)
class Path:
    """One way a task can go: its steps (and the facts the oracle is told) and its chance."""

    notes: tuple[str, ...]
    probability: float
    outcome: str


def paths(family: str, *, abandon: bool = False, pace: Pace = QUICK) -> list[Path]:
    """Every way a person of the simulated team does a task of ``family``, with its chance.

    A task that is done ends with the ``END`` step, as the dataset build writes it.
    """
    params = {**PARAMS[family], "abandon": "yes" if abandon else "no", "user": "u"}
    task = TaskSpec(family, "", params)
    flow = _flows.FLOWS[family]
    explorer = _Explorer()
    found: list[Path] = []
    while True:
        page = _NotePage(_value_class(params))
        person = Person.__new__(Person)
        person.page = page  # type: ignore[assignment]
        person.base = "http://crm.test"
        person.username = "u"
        person.recorder = _NoteRecorder()  # type: ignore[assignment]
        person.pace = pace
        person.hands = _NoteHands(page, explorer, pace)
        person.flash_says = lambda text: True  # type: ignore[method-assign]
        outcome: Outcome = flow(person, task)
        notes = [*page.steps, END] if outcome == "done" else page.steps
        found.append(Path(tuple(notes), explorer.probability(), outcome))
        if not explorer.advance():
            break
    total = sum(p.probability for p in found)
    if not math.isclose(total, 1.0, rel_tol=1e-9):
        raise AssertionError(f"the paths of {family} add up to {total}")
    return found


@dataclass
class Tree:
    """The next-step distribution after every prefix of notes, over the paths of a family."""

    next: dict[tuple[str, ...], dict[str, float]] = field(default_factory=dict)

    @classmethod
    def of(cls, found: Sequence[Path]) -> Tree:
        table: dict[tuple[str, ...], dict[str, float]] = defaultdict(lambda: defaultdict(float))
        for path in found:
            for i, note in enumerate(path.notes):
                table[path.notes[:i]][note] += path.probability
        return cls({k: dict(v) for k, v in table.items()})

    def best(self, prefix: tuple[str, ...]) -> tuple[str, float] | None:
        """The likeliest next note after ``prefix`` and its conditional probability."""
        options = self.next.get(prefix)
        if not options:
            return None
        total = sum(options.values())
        # An even coin ties: rounding keeps the sums' last bits from choosing, the name does.
        note, weight = max(options.items(), key=lambda kv: (round(kv[1] / total, 9), kv[0]))
        return note, weight / total


def _steps(notes: Sequence[str]) -> list[tuple[tuple[str, ...], str]]:
    """The steps of a path, each with the steps before it."""
    return [(tuple(notes[:i]), n) for i, n in enumerate(notes)]


@dataclass(frozen=True)
class Ceiling:
    """A family's expected steps per task and the oracle's expected right steps per task."""

    family: str
    steps: float
    right: float

    @property
    def rate(self) -> float:
        return self.right / self.steps if self.steps else 0.0


def ceiling(family: str, *, abandon: bool = False, pace: Pace = QUICK) -> Ceiling:
    """The oracle's expected step success on tasks of ``family``."""
    found = paths(family, abandon=abandon, pace=pace)
    tree = Tree.of(found)
    steps = right = 0.0
    for path in found:
        for prefix, note in _steps(path.notes):
            best = tree.best(prefix)
            steps += path.probability
            right += path.probability * (best is not None and best[0] == note)
    return Ceiling(family, steps, right)


def family_of(task: str | None) -> str | None:
    """The family of a recorded task from its text (the demo's phrasings), or None."""
    text = task or ""
    for family, cue in _CUES:
        if cue.search(text):
            return family
    return None


_CUES: Final = (
    ("log_call", re.compile(r"^Log the call ")),
    ("add_card", re.compile(r"company card to billing")),
    ("change_password", re.compile(r"password is due for rotation")),
    ("update_contact", re.compile(r"has a new phone number|was promoted to")),
    ("move_deal", re.compile(r'deal "|^Pipeline review: "')),
    ("create_contact", re.compile(r"\n>")),
)


def _without_scrolls(found: Sequence[Path]) -> list[Path]:
    merged: dict[tuple[tuple[str, ...], str], float] = defaultdict(float)
    for path in found:
        merged[(tuple(n for n in path.notes if n != SCROLL), path.outcome)] += path.probability
    return [Path(notes, p, outcome) for (notes, outcome), p in merged.items()]


def note_of(step: StepRow) -> str:
    """A recorded step as a note of :class:`_NotePage` (see :func:`descriptor`)."""
    if step.op in (END, SCROLL):
        return step.op
    if step.op == "KEY":
        return f"KEY {step.value}"
    t = step.target
    what = descriptor(t.role, t.name, t.selector) if t is not None else "-"
    if step.op == "TYPE":
        value = step.value or ""
        if what == "#contact-q":
            what += "=e-mail" if "@" in value or "<EMAIL" in value else "=name"
        elif what == "#card_number":
            what += "=groups" if " " in value.strip() else "=digits"
    return f"{step.op} {what}"


@dataclass(frozen=True)
class OracleStep:
    """The oracle on one recorded step."""

    episode_id: str
    step_index: int
    family: str | None
    note: str
    right: bool
    credited: bool
    """Off the tree (an unknown task, or a step no path has): counted right, unjudged."""
    odds: float | None = None
    """The chance of the oracle's guess coming true (1.0: the step was certain; None: off
    the tree, or a look down the page)."""


def oracle_on_steps(steps: Sequence[StepRow], *, pace: Pace = QUICK) -> list[OracleStep]:
    """The oracle on recorded steps, one result per step in the order given.

    At each step it predicts the likeliest next step given the task's family, whether the
    task was abandoned, and the steps of the episode so far. A look down the page is never
    the likelier next step (the person scrolls a third of the time at most), so every
    ``SCROLL`` is a miss and is left out of what the oracle has seen. A step of an episode the
    tree does not hold (a task of no known family, a step no path has, and every step after
    it) counts as right, so that the score stays an upper bound.
    """
    trees: dict[tuple[str, bool], Tree] = {}
    episodes: dict[str, list[StepRow]] = defaultdict(list)
    for step in steps:
        episodes[step.episode_id].append(step)
    judged: dict[tuple[str, int], OracleStep] = {}
    for episode_id, rows in episodes.items():
        rows.sort(key=lambda r: r.step_index)
        family = family_of(rows[0].task)
        notes = [note_of(r) for r in rows]
        if family == "update_contact":
            notes = [n.replace("#phone", "#<field>").replace("#title", "#<field>") for n in notes]
        tree = None
        if family is not None:
            abandoned = END not in notes
            key = (family, abandoned)
            if key not in trees:
                trees[key] = Tree.of(_without_scrolls(paths(family, abandon=abandoned, pace=pace)))
            tree = trees[key]
        for row, note, (right, credited, odds) in zip(rows, notes, _walk(tree, notes), strict=True):
            judged[(episode_id, row.step_index)] = OracleStep(
                episode_id, row.step_index, family, note, right, credited, odds
            )
    return [judged[(s.episode_id, s.step_index)] for s in steps]


def _walk(tree: Tree | None, notes: Sequence[str]) -> list[tuple[bool, bool, float | None]]:
    """(right, credited, odds of the guess) for each of one episode's notes."""
    out: list[tuple[bool, bool, float | None]] = []
    prefix: tuple[str, ...] | None = ()
    for note in notes:
        if note == SCROLL:
            out.append((False, False, None))
            continue
        options = tree.next.get(prefix) if tree is not None and prefix is not None else None
        best = tree.best(prefix) if tree is not None and prefix is not None else None
        if prefix is None or not options or note not in options or best is None:
            prefix = None  # off the tree from here on
            out.append((True, True, None))
            continue
        out.append((best[0] == note, False, best[1]))
        prefix = (*prefix, note)
    return out


def versus(
    steps: Sequence[StepRow], systems: dict[str, Sequence[bool]], *, pace: Pace = QUICK
) -> dict[str, Any]:
    """The oracle beside other systems on the same steps (``systems``: each one's step
    success, in the order of ``steps``), overall and by family.

    Returns ``{"steps", "episodes", "covered", "credited", "step_sr": {system: rate},
    "kinds": {"certain"|"coin": {"steps", "step_sr": {system: rate}}}, "by_family":
    {family: {"steps", "step_sr": {system: rate}}}}``, where ``oracle`` is one of the
    systems and ``covered`` counts the episodes the oracle's tree holds step for step.
    """
    judged = oracle_on_steps(steps, pace=pace)
    hits = {"oracle": [j.right for j in judged], **{k: list(v) for k, v in systems.items()}}
    if any(len(v) != len(judged) for v in hits.values()):
        raise ValueError("every system needs one result per step")

    def rates(rows: list[int]) -> dict[str, Any]:
        return {
            "steps": len(rows),
            "step_sr": {k: sum(v[i] for i in rows) / len(rows) if rows else None
                        for k, v in hits.items()},
        }  # fmt: skip

    families: dict[str, list[int]] = defaultdict(list)
    kinds: dict[str, list[int]] = defaultdict(list)
    for i, j in enumerate(judged):
        families[j.family or "(other)"].append(i)
        if j.odds is not None:
            kinds["certain" if j.odds > 0.999 else "coin"].append(i)
    episodes = {j.episode_id for j in judged}
    return {
        **rates(list(range(len(judged)))),
        "episodes": len(episodes),
        "covered": len(episodes - {j.episode_id for j in judged if j.credited}),
        "credited": sum(j.credited for j in judged),
        "scrolls": sum(j.note == SCROLL for j in judged),
        "kinds": {k: rates(v) for k, v in sorted(kinds.items())},
        "by_family": {k: rates(v) for k, v in sorted(families.items())},
    }
