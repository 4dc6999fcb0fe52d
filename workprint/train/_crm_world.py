"""The simulated people, records and flows behind :mod:`workprint.train.synthetic`.

:class:`World` holds the CRM's records (companies, contacts, deals) and draws pages that
show them; :class:`Persona` is one person's habits; :class:`Episode` turns a task family's
flow (click, type, select, submit, find a record) into dataset rows, one step per action,
each with the page observed before it.
"""

from __future__ import annotations

import hashlib
import random
import uuid
import zlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TypeVar

import msgspec

from workprint.dataset.format import ElementRow, EpisodeRow, StepRow, TargetRow
from workprint.train import _crm_pages as pages
from workprint.train._crm_names import FIRST, LAST, NOTES, PREFIX, PRODUCTS, SUBJECTS, SUFFIX
from workprint.train._crm_pages import Page, Skin

T = TypeVar("T")
ORIGIN = "https://crm.example.internal"
_quote = msgspec.json.Encoder().encode


class World:
    """The records of the synthetic CRM and the pages that show them."""

    def __init__(self, rng: random.Random) -> None:
        self.companies = sorted({f"{rng.choice(PREFIX)} {rng.choice(SUFFIX)}" for _ in range(60)})[
            :40
        ]
        names = sorted({f"{rng.choice(FIRST)} {rng.choice(LAST)}" for _ in range(200)})
        self.contacts = [(n, rng.choice(self.companies)) for n in rng.sample(names, 120)]
        self.deals = [(f"{c} {rng.choice(PRODUCTS)}", c) for c in rng.sample(self.companies, 30)]
        self.team = ["Morgan Lee", "Sam Rivera", "Alex Kim", "Jordan Blake"]
        self.subjects, self.notes, self.products = SUBJECTS, NOTES, PRODUCTS

    def new_person(self, rng: random.Random) -> tuple[str, str, str, str]:
        first, last, company = rng.choice(FIRST), rng.choice(LAST), rng.choice(self.companies)
        domain = company.split()[0].lower() + ".example"
        return first, last, company, f"{first}.{last}@{domain}".lower()

    def company_options(self, rng: random.Random, must: str) -> list[str]:
        return sorted({must, *rng.sample(self.companies, 11)})

    def contact_labels(self, rng: random.Random, must: str | None = None) -> list[str]:
        picked = rng.sample(self.contacts, 12)
        labels = {f"{n} ({c})" for n, c in picked}
        if must is not None:
            labels.add(must)
        return sorted(labels)

    def contact_options(self, rng: random.Random, name: str) -> list[str]:
        company = dict(self.contacts)[name]
        return self.contact_labels(rng, f"{name} ({company})")

    def deal_names(self, rng: random.Random) -> list[str]:
        return sorted(d for d, _ in rng.sample(self.deals, 10))

    def dashboard(self, rng: random.Random, skin: Skin) -> Page:
        deals = [d for d, _ in rng.sample(self.deals, rng.randrange(5, 10))]
        contacts = [n for n, _ in rng.sample(self.contacts, rng.randrange(4, 8))]
        return pages.dashboard(rng, skin, deals, contacts)

    def record(
        self, rng: random.Random, skin: Skin, kind: str, name: str, company: str | None
    ) -> Page:
        related = [n for n, _ in rng.sample(self.contacts, rng.randrange(2, 7))]
        return pages.record_page(rng, skin, kind, name, company, related)

    def lists(self, rng: random.Random, skin: Skin, section: str, must: str | None = None) -> Page:
        """The list page of a section, showing ``must`` among its rows when given."""
        n = rng.randrange(8, 18)
        if section == "contacts":
            rows = rng.sample(self.contacts, n)
            if must is not None:
                rows.insert(rng.randrange(n), (must, dict(self.contacts)[must]))
            return pages.contacts_list(rng, skin, _unique(rows), self.company_options(rng, ""))
        if section == "deals":
            deals = rng.sample(self.deals, n)
            if must is not None:
                deals.insert(rng.randrange(n), (must, dict(self.deals)[must]))
            return pages.deals_list(rng, skin, _unique(deals))
        if section == "companies":
            names = rng.sample(self.companies, n)
            if must is not None and must not in names:
                names.insert(rng.randrange(n), must)
            return pages.companies_list(rng, skin, names)
        if section == "activities":
            rows = [(rng.choice(self.contacts)[0], rng.choice(self.deals)[0]) for _ in range(n)]
            return pages.activities_list(rng, skin, rows)
        return self.dashboard(rng, skin)

    def search(self, rng: random.Random, kind: str, name: str) -> Page:
        others: list[tuple[str, str]] = [("contact", n) for n, _ in rng.sample(self.contacts, 4)]
        others += [("deal", d) for d, _ in rng.sample(self.deals, 3)]
        others += [("company", c) for c in rng.sample(self.companies, 2)]
        hits = [(kind, name), *(o for o in others if o[1] != name)]
        rng.shuffle(hits)
        return pages.search_results(rng, hits)


def _unique(rows: list[tuple[str, str]]) -> list[tuple[str, str]]:
    seen: set[str] = set()
    out = []
    for row in rows:
        if row[0] not in seen:
            seen.add(row[0])
            out.append(row)
    return out


@dataclass(frozen=True, slots=True)
class Persona:
    """One simulated person's habits."""

    pseudonym: str
    search: float
    """Chance of finding a record with the global search instead of browsing."""
    typo: float
    scroll: float
    enter: float
    """Chance of submitting a form with Enter instead of the button."""
    navigate: float
    """Chance of typing a section's address instead of using the menu."""
    own_order: bool
    """Fills forms in an order of their own instead of top to bottom."""
    weights: tuple[float, ...]
    families: tuple[str, ...]

    @classmethod
    def draw(cls, rng: random.Random, pseudonym: str, families: Sequence[str]) -> Persona:
        return cls(
            pseudonym=pseudonym,
            search=rng.choice((0.05, 0.3, 0.8)),
            typo=rng.choice((0.0, 0.05, 0.15)),
            scroll=rng.choice((0.0, 0.2, 0.5)),
            enter=rng.choice((0.0, 0.0, 0.6)),
            navigate=rng.choice((0.0, 0.0, 0.2)),
            own_order=rng.random() < 0.4,
            weights=tuple(rng.uniform(0.5, 2.0) for _ in families),
            families=tuple(families),
        )

    def family(self, rng: random.Random) -> str:
        return rng.choices(self.families, weights=self.weights)[0]

    def order(self, items: list[tuple[str, T]]) -> list[tuple[str, T]]:
        if not self.own_order:
            return items
        return sorted(items, key=lambda it: zlib.crc32(f"{self.pseudonym}/{it[0]}".encode()))


@dataclass
class _Act:
    page: Page
    op: str
    eid: int | None
    value: str | None


@dataclass
class Episode:
    """One task being done: the flow methods record a step per action."""

    world: World
    persona: Persona
    rng: random.Random
    page: Page
    episode_id: str
    task: str = ""
    skin: Skin = field(init=False)
    acts: list[_Act] = field(default_factory=list)
    last_field: str | None = None

    def __post_init__(self) -> None:
        self.skin = Skin.draw(self.rng)

    def act(self, op: str, handle: str | None, value: str | None = None) -> None:
        eid = self.page.eid(handle) if handle is not None else None
        self.acts.append(_Act(self.page, op, eid, value))

    def click(self, handle: str, then: Page) -> None:
        self.act("CLICK", handle)
        self.page = then

    def type(self, handle: str, value: str) -> None:
        swappable = [i for i in range(len(value) - 1) if value[i] != value[i + 1]]
        if len(value) > 3 and swappable and self.rng.random() < self.persona.typo:
            i = self.rng.choice(swappable)
            self.act("TYPE", handle, value[:i] + value[i + 1] + value[i] + value[i + 2 :])
            if self.rng.random() < 0.5:
                self.act("CLICK", handle)
        self.act("TYPE", handle, value)
        self.last_field = handle

    def select(self, handle: str, value: str) -> None:
        self.act("SELECT", handle, value)

    def submit(self, handle: str, then: Page) -> None:
        if self.last_field is not None and self.rng.random() < self.persona.enter:
            self.act("KEY", self.last_field, "Enter")
            self.page = then
        else:
            self.click(handle, then)

    def open_section(self, section: str, must: str | None = None) -> None:
        if must is None and self.page.url == f"/{section}":
            return
        then = self.world.lists(self.rng, self.skin, section, must)
        if self.rng.random() < self.persona.navigate:
            self.act("NAVIGATE", None, f"{ORIGIN}/{section}")
            self.page = then
        else:
            self.click(f"nav:{section}", then)

    def find(self, kind: str, name: str) -> None:
        """Open the page of a record: by the global search, or from its list."""
        rng = self.rng
        if rng.random() < self.persona.search:
            if rng.random() < 0.5:
                self.act("CLICK", "global_search")
            self.act("TYPE", "global_search", name)
            results = self.world.search(rng, kind, name)
            if rng.random() < 0.5:
                self.act("KEY", "global_search", "Enter")
                self.page = results
            else:
                self.click("global_search_go", results)
        else:
            self.open_section({"company": "companies"}.get(kind, f"{kind}s"), must=name)
            if rng.random() < self.persona.scroll:
                self.act("SCROLL", None, "0,400")
        company = dict(self.world.contacts + self.world.deals).get(name)
        self.click(f"row:{kind}:{name}", self.world.record(rng, self.skin, kind, name, company))
        self.last_field = None

    def rows(self) -> tuple[EpisodeRow, list[StepRow]]:
        """The episode and its steps as dataset rows."""
        steps: list[StepRow] = []
        history: list[str] = []
        t = 0
        for i, act in enumerate(self.acts):
            page = act.page
            if not page.snapshot_id:
                page.snapshot_id = _uuid(f"{self.episode_id}/obs/{i}")
            element = page.elements[act.eid] if act.eid is not None else None
            t += self.rng.randrange(600, 4000)
            r = _repr(act.op, act.eid, act.value)
            steps.append(
                StepRow(
                    episode_id=self.episode_id,
                    step_index=i,
                    person=self.persona.pseudonym,
                    event_id=_uuid(f"{self.episode_id}/{i}"),
                    t_ms=t,
                    task=self.task,
                    stream="web",
                    app="chromium",
                    url=ORIGIN + page.url,
                    obs_kind="elements",
                    obs_event_id=page.snapshot_id,
                    obs_app="chromium",
                    obs_url=ORIGIN + page.url,
                    obs_title=page.title,
                    obs_elements=page.elements,
                    previous_actions=list(history),
                    op=act.op,
                    target_eid=act.eid,
                    target_match="selector" if element is not None else "absent",
                    target=_target(element),
                    value=act.value,
                    action_repr=r,
                )
            )
            history.append(r)
        episode = EpisodeRow(
            episode_id=self.episode_id,
            person=self.persona.pseudonym,
            task=self.task,
            task_id=hashlib.sha256(self.episode_id.encode()).hexdigest()[:12],
            outcome="done",
            end_reason="task_end",
            interruptions=0,
            app="chromium",
            origin=ORIGIN,
            apps=["chromium"],
            origins=[ORIGIN],
            streams=["web"],
            n_events=2 * len(steps) + 2,
            n_steps=len(steps),
            duration_ms=t,
            first_event_id=steps[0].event_id,
            last_event_id=steps[-1].event_id,
        )
        return episode, steps


def _uuid(text: str) -> str:
    return str(uuid.UUID(bytes=hashlib.sha256(text.encode()).digest()[:16]))


def _repr(op: str, eid: int | None, value: str | None) -> str:
    parts = [op]
    if eid is not None:
        parts.append(f"[{eid}]")
    if value is not None:
        parts.append(value if op == "SCROLL" else _quote(value).decode())
    return " ".join(parts)


def _target(element: ElementRow | None) -> TargetRow | None:
    if element is None:
        return None
    return TargetRow(
        tag=element.tag,
        role=element.role,
        name=element.name,
        text=element.text,
        selector=element.selector,
        attrs=element.attrs,
        bbox=element.bbox,
    )
