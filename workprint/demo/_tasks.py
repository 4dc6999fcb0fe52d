"""The simulated team's tasks: what each one asks (:class:`TaskSpec`), how a plan of them is
drawn from a seed (:func:`plan_tasks`), and how the CRM's database says whether one was done
(:func:`judge`).

Four task families are the work of a sales team: ``create_contact`` (from an email quoted in
the task), ``move_deal``, ``log_call`` and ``update_contact``. Two account chores come on
top for some people: ``change_password`` and ``add_card``; the secrets they type are in the
task's ``params`` (the plan never leaves this machine) and never in its ``text``, which the
recorder labels the task with. Every task names records no other task touches, so each can
be judged alone, whoever ran first.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from workprint.core.errors import ConfigError
from workprint.demo import _catalogue as cat
from workprint.demo._notes import call_note, call_subject, contact_email_text
from workprint.demo.crm import schema as s
from workprint.demo.crm import state
from workprint.demo.crm.seed import DEMO_PASSWORD, usernames

FAMILIES: Final = ("create_contact", "move_deal", "log_call", "update_contact")
CHORES: Final = ("add_card", "change_password")
ABANDON_RATE: Final = 0.1
CHORE_RATE: Final = 0.3


@dataclass(frozen=True)
class TaskSpec:
    """One task for one simulated person; JSON-serialisable (``dataclasses.asdict``).

    ``params`` always holds ``user`` (who does it), ``variant`` (the seed of how they go
    about it: paths, field order, typos, pauses) and ``abandon`` (``"yes"`` when the person
    gives up before saving), plus the family's own values.
    """

    family: str
    text: str
    params: dict[str, str]


def _people(people: int | Sequence[str]) -> list[str]:
    names = usernames(people) if isinstance(people, int) else list(people)
    if not names or len(set(names)) != len(names):
        raise ConfigError("the team needs at least one person, each named once")
    return names


def plan_tasks(
    seed: int,
    people: int | Sequence[str],
    tasks_per_person: int,
    *,
    crm_db: Path | None = None,
    crm_seed: int = 7,
) -> dict[str, list[TaskSpec]]:
    """Each person's tasks, in order: a function of ``seed`` and the CRM's records.

    ``people`` is a team size (the CRM's first usernames) or the usernames. The records come
    from ``crm_db`` when given, else from a CRM seeded with ``crm_seed`` (what the CRM seeds
    on an empty file). Families are spread evenly over the team; about one task in ten is
    abandoned, and about a third of the people also do each chore (at least one each when
    the team has two people or more).
    """
    names = _people(people)
    if tasks_per_person < 1:
        raise ConfigError("tasks_per_person must be at least 1")
    catalogue = (
        cat.read_catalogue(crm_db)
        if crm_db is not None
        else cat.seeded_catalogue(crm_seed, max(len(names), 12))
    )
    unknown = [n for n in names if n not in catalogue.users]
    if unknown:
        raise ConfigError(f"{len(unknown)} people of the plan have no CRM account")
    rng = random.Random(f"workprint-team:{seed}")
    drawer = _Drawer(catalogue, rng)
    total = len(names) * tasks_per_person
    families = [FAMILIES[i % len(FAMILIES)] for i in range(total)]
    rng.shuffle(families)
    abandon = {i for i in range(total) if rng.random() < ABANDON_RATE}
    if not abandon and total >= 5:
        abandon.add(rng.randrange(total))
    plan: dict[str, list[TaskSpec]] = {}
    for p, user in enumerate(names):
        tasks = []
        for j in range(tasks_per_person):
            index = p * tasks_per_person + j
            tasks.append(drawer.task(families[index], user, index in abandon))
        plan[user] = tasks
    _add_chores(plan, names, drawer, rng)
    return plan


def _add_chores(
    plan: dict[str, list[TaskSpec]], names: list[str], drawer: _Drawer, rng: random.Random
) -> None:
    chosen = {chore: [u for u in names if rng.random() < CHORE_RATE] for chore in CHORES}
    if len(names) >= 2:
        if not chosen["add_card"]:
            chosen["add_card"] = [names[-1]]
        if not chosen["change_password"]:
            chosen["change_password"] = [names[0]]
    for user in names:
        tasks = plan[user]
        if user in chosen["add_card"]:
            tasks.insert(rng.randrange(len(tasks) + 1), drawer.task("add_card", user, False))
        if user in chosen["change_password"]:
            tasks.append(drawer.task("change_password", user, False))


class _Drawer:
    """Draws task parameters; each record is used by one task at most."""

    def __init__(self, catalogue: cat.Catalogue, rng: random.Random) -> None:
        self.cat = catalogue
        self.rng = rng
        self.contacts = list(catalogue.contacts)
        self.deals = list(catalogue.deals)
        self.companies = [c for c in catalogue.companies if c.domain]
        rng.shuffle(self.contacts)
        rng.shuffle(self.deals)
        self.new_names: set[str] = set()

    def task(self, family: str, user: str, abandon: bool) -> TaskSpec:
        common = {
            "user": user,
            "variant": str(self.rng.randrange(2**31)),
            "abandon": "yes" if abandon else "no",
        }
        text, params = getattr(self, family)()
        return TaskSpec(family, text, {**common, **params})

    def _contact(self) -> cat.Contact:
        if not self.contacts:
            raise ConfigError("the plan has more contact tasks than the CRM has contacts")
        return self.contacts.pop()

    def create_contact(self) -> tuple[str, dict[str, str]]:
        from faker import Faker  # the demo extra

        fake = Faker(self.rng.choice(("en_US", "en_GB", "de_DE", "fr_FR", "nl_NL")))
        fake.seed_instance(self.rng.randrange(2**31))
        company = self.rng.choice(self.companies)
        for _ in range(1000):
            first, last = fake.first_name(), fake.last_name()
            full = f"{first} {last}".lower()
            if full not in self.cat.taken_names and full not in self.new_names:
                break
        else:
            raise ConfigError("no new contact name left to draw")
        self.new_names.add(full)
        params = {
            "first_name": first,
            "last_name": last,
            "email": f"{cat.ascii_slug(first)}.{cat.ascii_slug(last)}@{company.domain}",
            "phone": cat.new_phone(self.rng),
            "title": self.rng.choice(cat.CONTACT_TITLES),
            "company": company.name,
        }
        return contact_email_text(self.rng, params), params

    def move_deal(self) -> tuple[str, dict[str, str]]:
        if not self.deals:
            raise ConfigError("the plan has more deal tasks than the CRM has open deals")
        deal = self.deals.pop()
        at = s.STAGES.index(deal.stage)
        to = "lost" if self.rng.random() < 0.15 else s.STAGES[at + 1]
        text = self.rng.choice(
            (
                'Move the deal "{deal}" from {src} to {dst}.',
                '{company} came back to us: the deal "{deal}" is now {dst}.',
                'Pipeline review: "{deal}" should be in {dst}, not {src}. Fix it.',
            )
        ).format(deal=deal.name, src=deal.stage, dst=to, company=deal.company)
        return text, {"deal": deal.name, "deal_id": str(deal.id), "from": deal.stage, "to": to}

    def log_call(self) -> tuple[str, dict[str, str]]:
        contact = self._contact()
        subject = call_subject(self.rng)
        notes = call_note(self.rng, contact.first_name, contact.company)
        who = contact.name + (f" ({contact.company})" if contact.company else "")
        text = f'Log the call you just had with {who}. Subject: "{subject}". Notes: "{notes}"'
        return text, {
            "contact_id": str(contact.id),
            "contact": contact.name,
            "contact_email": contact.email,
            "subject": subject,
            "notes": notes,
        }

    def update_contact(self) -> tuple[str, dict[str, str]]:
        contact = self._contact()
        if self.rng.random() < 0.5:
            field, value = "phone", cat.new_phone(self.rng)
            text = f"{contact.name} has a new phone number, {value}. Update the contact."
        else:
            field, value = "title", cat.new_title(self.rng, contact.title)
            text = f"{contact.name} was promoted to {value}. Update their job title."
        return text, {
            "contact_id": str(contact.id),
            "contact": contact.name,
            "contact_email": contact.email,
            "field": field,
            "value": value,
        }

    def add_card(self) -> tuple[str, dict[str, str]]:
        holder = self.rng.choice(sorted(self.cat.users.values()))
        number = cat.card_number(self.rng)
        params = {
            "cardholder": holder,
            "number": number,
            "last4": number[-4:],
            "expiry": cat.expiry(self.rng),
            "cvc": cat.security_code(self.rng),
        }
        return "Add the new company card to billing (the card is in your inbox).", params

    def change_password(self) -> tuple[str, dict[str, str]]:
        params = {"old_password": DEMO_PASSWORD, "new_password": cat.new_password(self.rng)}
        return "Your Nexus CRM password is due for rotation: change it in Settings.", params


def secrets_of(plan: dict[str, list[TaskSpec]]) -> list[str]:
    """Every secret the plan has people type: passwords and card numbers (as typed, and the
    digits alone), and security codes are left out only because three digits occur anywhere."""
    out = {DEMO_PASSWORD}
    for tasks in plan.values():
        for task in tasks:
            p = task.params
            if task.family == "change_password":
                out.add(p["new_password"])
            elif task.family == "add_card":
                out.add(p["number"])
                out.add(" ".join(p["number"][i : i + 4] for i in range(0, 16, 4)))
    return sorted(out)


def judge(crm_db_path: Path, task: TaskSpec) -> bool:
    """Whether the CRM's database shows ``task`` done, by the person it was planned for."""
    p = task.params
    user = p["user"]
    if task.family == "create_contact":
        c = state.find_contact(crm_db_path, email=p["email"])
        return c is not None and (
            (c.first_name, c.last_name, c.phone, c.title, c.company, c.owner)
            == (p["first_name"], p["last_name"], p["phone"], p["title"], p["company"], user)
        )
    if task.family == "move_deal":
        changes = state.stage_changes(crm_db_path, p["deal"])
        last = changes[-1]
        return state.deal_stage(crm_db_path, p["deal"]) == p["to"] and (
            (last.from_stage, last.to_stage, last.user) == (p["from"], p["to"], user)
        )
    if task.family == "log_call":
        return any(
            a.kind == "call"
            and a.subject == p["subject"]
            and " ".join(a.notes.split()) == " ".join(p["notes"].split())
            and a.user == user
            for a in state.activities_for(crm_db_path, contact_email=p["contact_email"])
        )
    if task.family == "update_contact":
        found = state.find_contact(crm_db_path, email=p["contact_email"])
        return found is not None and getattr(found, p["field"]) == p["value"]
    if task.family == "add_card":
        month, year = (int(x) for x in p["expiry"].split("/"))
        return {
            "last4": p["last4"],
            "cardholder": p["cardholder"],
            "exp_month": month,
            "exp_year": 2000 + year,
        }.items() <= next(
            (c for c in state.payment_cards(crm_db_path) if c["last4"] == p["last4"]), {}
        ).items()
    if task.family == "change_password":
        return _password_is(crm_db_path, user, p["new_password"])
    raise ConfigError("unknown task family", family=task.family)


def _password_is(db: Path, username: str, password: str) -> bool:
    snap = state.snapshot(db)
    names = list(s.users.columns.keys())
    for row in snap[s.users.name].values():
        user = dict(zip(names, row, strict=True))
        if user["username"] == username:
            try:
                return PasswordHasher().verify(str(user["password_hash"]), password)
            except (VerificationError, InvalidHashError):
                return False
    return False
