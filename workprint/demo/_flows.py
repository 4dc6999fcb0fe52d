"""The steps of each task family, as a person does them in Nexus CRM, with the variation
people show: the way to a record (header search, a list's filter, a stage tab), the order in
which fields are filled, Tab or click between fields, Enter or the button to send, a look at
the rest of the page, and now and then giving up before saving (``abandon`` in the task).

Each flow returns what the person saw: ``done`` when the CRM confirmed, ``failed`` when it
did not, ``abandoned`` when they left without saving. The CRM's database, through
:func:`workprint.demo._tasks.judge`, is the ground truth that tests compare against.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Final

from workprint.demo._person import Outcome, Person
from workprint.demo._tasks import TaskSpec

_CONTACT_FIELDS: Final = ("first_name", "last_name", "email", "phone", "title")


def _abandon(person: Person, task: TaskSpec) -> bool:
    return task.params.get("abandon") == "yes"


def _leave(person: Person) -> Outcome:
    """Give up: a moment of doubt, then back to the dashboard without saving."""
    person.hands.think(1.2)
    person.nav("Dashboard")
    return "abandoned"


def _fill_in_order(person: Person, values: dict[str, str], order: list[str]) -> None:
    """Fill fields in ``order``; Tab moves on when the next field is the next in the form."""
    previous: str | None = None
    for name in order:
        if name == "company_id":
            person.page.select_option("#company_id", label=values[name])
        else:
            follows = previous is not None and _next_in_form(previous) == name
            tab = follows and person.hands.chance(0.7)
            person.hands.fill(f"#{name}", values[name], via_tab=tab)
        person.hands.think(0.4)
        previous = name


def _next_in_form(name: str) -> str | None:
    at = _CONTACT_FIELDS.index(name) if name in _CONTACT_FIELDS else -1
    return _CONTACT_FIELDS[at + 1] if 0 <= at < len(_CONTACT_FIELDS) - 1 else None


def create_contact(person: Person, task: TaskSpec) -> Outcome:
    p = task.params
    h = person.hands
    h.think(1.5)  # reading the email
    if h.chance(0.35):
        person.search(p["last_name"])  # already in the CRM?
        h.look_around()
    person.nav("Contacts")
    person.follow(person.page.get_by_role("link", name="New contact", exact=True).click)
    order = [*_CONTACT_FIELDS, "company_id"]
    if h.chance(0.5):
        rest = order[2:]
        h.rng.shuffle(rest)
        order = order[:2] + rest
    values = {**{k: p[k] for k in _CONTACT_FIELDS}, "company_id": p["company"]}
    half = len(order) // 2
    _fill_in_order(person, values, order[:half])
    if _abandon(person, task):
        return _leave(person)
    _fill_in_order(person, values, order[half:])
    person.submit("Create contact", enter_ok=order[-1] != "company_id")
    return "done" if person.flash_says("Contact created") else "failed"


def _find_contact(person: Person, name: str, email: str) -> None:
    h = person.hands
    if h.chance(0.5):
        person.search(name)
        person.open_link(name)
        return
    person.nav("Contacts")
    h.look_around()
    person.filter_list("#contact-q", name if h.chance(0.6) else email)
    person.open_link(name)


def move_deal(person: Person, task: TaskSpec) -> Outcome:
    p = task.params
    h = person.hands
    company = p["deal"].split(" – ")[0]
    way = h.rng.choice(("search", "filter", "tab"))
    if way == "search":
        person.search(company)
    else:
        person.nav("Deals")
        if way == "filter":
            person.filter_list("#deal-q", company)
        else:
            tabs = person.page.locator('nav[aria-label="Stages"]')
            person.follow(tabs.get_by_role("link", name=p["from"].capitalize()).click)
            h.look_around()
    person.open_link(p["deal"])
    h.look_around()
    person.page.select_option("#stage", value=p["to"])
    if _abandon(person, task):
        return _leave(person)
    person.submit("Move deal")
    return "done" if person.flash_says(f"Deal moved to {p['to']}") else "failed"


def log_call(person: Person, task: TaskSpec) -> Outcome:
    p = task.params
    h = person.hands
    if h.chance(0.3):
        person.nav("Activities")
        person.follow(person.page.get_by_role("link", name="Log activity").first.click)
        person.page.select_option("#contact_id", value=p["contact_id"])
    else:
        _find_contact(person, p["contact"], p["contact_email"])
        h.look_around()
        person.follow(person.page.get_by_role("link", name="Log activity").first.click)
    if h.chance(0.5):
        person.page.get_by_role("radio", name="Call").check()
    h.fill("#subject", p["subject"])
    h.think(0.5)
    h.fill("#notes", p["notes"])
    if _abandon(person, task):
        return _leave(person)
    person.submit("Log activity")
    return "done" if person.flash_says("Call logged") else "failed"


def update_contact(person: Person, task: TaskSpec) -> Outcome:
    p = task.params
    h = person.hands
    _find_contact(person, p["contact"], p["contact_email"])
    h.look_around()
    person.follow(person.page.get_by_role("link", name="Edit contact", exact=True).click)
    h.fill(f"#{p['field']}", p["value"], replace=True)
    if _abandon(person, task):
        return _leave(person)
    person.submit("Save contact", enter_ok=True)
    return "done" if person.flash_says("Contact saved") else "failed"


def add_card(person: Person, task: TaskSpec) -> Outcome:
    p = task.params
    h = person.hands
    person.account_menu("Billing")
    h.look_around()
    h.fill("#cardholder", p["cardholder"])
    number = p["number"]
    if h.chance(0.5):
        number = " ".join(number[i : i + 4] for i in range(0, len(number), 4))
    h.fill("#card_number", number, via_tab=h.chance(0.6))
    h.fill("#card_expiry", p["expiry"], via_tab=h.chance(0.6))
    h.fill("#card_cvc", p["cvc"], via_tab=h.chance(0.6))
    person.submit("Add card", enter_ok=True)
    return "done" if person.flash_says(f"ending in {p['last4']} added") else "failed"


def change_password(person: Person, task: TaskSpec) -> Outcome:
    p = task.params
    h = person.hands
    person.account_menu("Settings")
    h.fill("#current_password", p["old_password"])
    h.fill("#new_password", p["new_password"], via_tab=h.chance(0.6))
    h.fill("#confirm_password", p["new_password"], via_tab=h.chance(0.6))
    person.submit("Change password", enter_ok=True)
    return "done" if person.flash_says("Password changed") else "failed"


FLOWS: Final[dict[str, Callable[[Person, TaskSpec], Outcome]]] = {
    "create_contact": create_contact,
    "move_deal": move_deal,
    "log_call": log_call,
    "update_contact": update_contact,
    "add_card": add_card,
    "change_password": change_password,
}
