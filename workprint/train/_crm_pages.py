"""Pages of a synthetic Nexus CRM as observations: the element lists the browser SDK sends.

Each builder returns a :class:`Page`: its URL, title and interactive elements (links,
buttons, inputs, selects, radios, table-row links) in document order with per-snapshot
``eid``s, CSS selectors and bounding boxes, laid out like the demo CRM's templates. Labels
come from a :class:`Skin`, drawn per episode, so the same control is not always named the
same way ("New contact", "Add contact").
"""

from __future__ import annotations

import random
import zlib
from dataclasses import dataclass, field

from workprint.dataset.format import AttrsRow, ElementRow

STAGES = ("Lead", "Qualified", "Proposal", "Negotiation", "Won", "Lost")
KINDS = ("Call", "Email", "Meeting", "Task")
NAV = (
    ("Dashboard", "/"),
    ("Companies", "/companies"),
    ("Contacts", "/contacts"),
    ("Deals", "/deals"),
    ("Activities", "/activities"),
)
_VARIANTS: dict[str, tuple[str, ...]] = {
    "new_contact": ("New contact", "Add contact", "New person"),
    "create_contact": ("Create contact", "Save contact", "Save"),
    "save_contact": ("Save contact", "Save changes", "Update contact"),
    "new_deal": ("New deal", "Add deal", "Create a deal"),
    "create_deal": ("Create deal", "Save deal", "Save"),
    "move_deal": ("Move deal", "Update stage", "Change stage"),
    "log_activity": ("Log activity", "Log an activity", "Record activity"),
    "add_note": ("Add note", "Save note", "Post note"),
    "apply": ("Apply", "Filter", "Apply filters"),
    "search": ("Search", "Find", "Go"),
    "edit": ("Edit", "Edit contact", "Change details"),
}


@dataclass(frozen=True, slots=True)
class Skin:
    """The labels of one episode's pages."""

    labels: dict[str, str]

    @classmethod
    def draw(cls, rng: random.Random) -> Skin:
        # The first variant is the usual one; the others appear in about a third of episodes.
        return cls(
            {k: v[0] if rng.random() < 0.65 else rng.choice(v[1:]) for k, v in _VARIANTS.items()}
        )

    def __getitem__(self, key: str) -> str:
        return self.labels[key]


@dataclass
class Page:
    """One observed page: URL, title, elements, and handles naming elements for the flows."""

    url: str
    title: str
    elements: list[ElementRow] = field(default_factory=list)
    handles: dict[str, int] = field(default_factory=dict)
    snapshot_id: str = ""

    def eid(self, handle: str) -> int:
        return self.handles[handle]

    def element(self, handle: str) -> ElementRow:
        return self.elements[self.handles[handle]]


def _num(name: str) -> int:
    """A stable record number for a name (the same in every process)."""
    return 1 + zlib.crc32(name.encode()) % 997


class _Builder:
    def __init__(self, url: str, title: str) -> None:
        self.page = Page(url, f"{title} · Nexus CRM")
        self.y = 0.0

    def add(
        self,
        handle: str | None,
        tag: str,
        role: str | None,
        name: str,
        selector: str,
        *,
        input_type: str | None = None,
        ident: str | None = None,
        href: str | None = None,
        placeholder: str | None = None,
        options: list[str] | None = None,
        value: str | None = None,
        x: float = 24.0,
        width: float = 160.0,
        newline: bool = True,
    ) -> None:
        eid = len(self.page.elements)
        attrs = AttrsRow(id=ident, name=ident, type=input_type, placeholder=placeholder, href=href)
        text = name if tag in ("a", "button", "summary") else None
        self.page.elements.append(
            ElementRow(
                eid=eid,
                tag=tag,
                role=role,
                name=name,
                text=text,
                selector=selector,
                value=value,
                options=options,
                bbox=[x, self.y, width, 32.0],
                attrs=attrs,
            )
        )
        if newline:
            self.y += 40.0
        if handle is not None:
            self.page.handles.setdefault(handle, eid)

    def link(self, handle: str | None, name: str, href: str, selector: str, **kw: object) -> None:
        self.add(handle, "a", "link", name, selector, href=href, **kw)  # type: ignore[arg-type]

    def button(self, handle: str | None, name: str, selector: str) -> None:
        self.add(handle, "button", "button", name, selector, input_type="submit")

    def field(self, handle: str, label: str, ident: str, kind: str = "text", **kw: object) -> None:
        role = "searchbox" if kind == "search" else "textbox"
        self.add(handle, "input", role, label, f"#{ident}", input_type=kind, ident=ident, **kw)  # type: ignore[arg-type]

    def select(self, handle: str, label: str, ident: str, options: list[str]) -> None:
        self.add(handle, "select", "combobox", label, f"#{ident}", ident=ident, options=options)


def _topbar(url: str, title: str) -> _Builder:
    b = _Builder(url, title)
    b.link(None, "Skip to main content", "#main", "a.skip-link")
    b.link("brand", "Nexus CRM", "/", "header > a.brand", newline=False)
    for i, (label, href) in enumerate(NAV, start=1):
        sel = f"nav.mainnav > ul > li:nth-child({i}) > a"
        b.link(f"nav:{label.lower()}", label, href, sel, x=140.0 + 90 * i, width=80, newline=False)
    b.field(
        "global_search",
        "Search companies, contacts and deals",
        "global-search",
        "search",
        placeholder="Search companies, contacts, deals",
        x=700.0,
        newline=False,
    )
    b.add(
        "global_search_go",
        "button",
        "button",
        "Search",
        "form.global-search > button",
        input_type="submit",
        x=900.0,
        width=70,
        newline=False,
    )
    b.link(None, "Help", "/help", "header > a.help", x=980.0, width=40, newline=False)
    b.add(None, "summary", "button", "Account", "details.account-menu > summary", x=1030.0)
    return b


def _rows(b: _Builder, kind: str, rows: list[tuple[str, str, str | None]]) -> None:
    """Table rows: a link to the record, and a link to its company when there is one."""
    for i, (name, href, company) in enumerate(rows, start=1):
        base = f"main table tbody tr:nth-child({i})"
        b.link(f"row:{kind}:{name}", name, href, f"{base} > td:nth-child(1) > a", newline=False)
        if company is not None:
            b.link(
                None,
                company,
                f"/companies/{_num(company)}",
                f"{base} > td:nth-child(2) > a",
                x=320.0,
            )
        else:
            b.y += 40.0


def _pagination(b: _Builder, rng: random.Random, base: str) -> None:
    if rng.random() < 0.5:
        for i, label in enumerate(("Previous", "1", "2", "3", "Next"), start=1):
            b.link(
                None,
                label,
                f"{base}?page={i}",
                f"nav.pagination li:nth-child({i}) > a",
                x=24.0 + 60 * i,
                width=50,
                newline=i == 5,
            )


def dashboard(rng: random.Random, skin: Skin, deals: list[str], contacts: list[str]) -> Page:
    b = _topbar("/", "Dashboard")
    b.link("new_deal", skin["new_deal"], "/deals/new", "div.page-head a.button.primary")
    b.link("log_activity", skin["log_activity"], "/activities/new", "div.page-head a.secondary")
    _rows(b, "deal", [(d, f"/deals/{i}", None) for i, d in enumerate(deals)])
    b.link(None, "View all deals", "/deals", "section#pipeline > a")
    for i, c in enumerate(contacts, start=1):
        b.link(f"row:contact:{c}", c, f"/contacts/{i}", f"section#recent li:nth-child({i}) > a")
    return b.page


def contacts_list(
    rng: random.Random, skin: Skin, rows: list[tuple[str, str]], companies: list[str]
) -> Page:
    b = _topbar("/contacts", "Contacts")
    b.link("new_contact", skin["new_contact"], "/contacts/new", "div.page-head > a.button")
    b.field("contact_q", "Name, email or company", "contact-q", "search")
    b.select("company_filter", "Company", "company", ["All companies", *companies])
    b.button("apply", skin["apply"], "form.filters > button")
    _rows(b, "contact", [(n, f"/contacts/{i}", c) for i, (n, c) in enumerate(rows)])
    _pagination(b, rng, "/contacts")
    return b.page


def contact_form(skin: Skin, companies: list[str], *, editing: str | None = None) -> Page:
    title = "Edit contact" if editing else "New contact"
    b = _topbar("/contacts/7/edit" if editing else "/contacts/new", title)
    b.link(None, "Home", "/", "nav.breadcrumbs li:nth-child(1) > a", newline=False)
    b.link(None, "Contacts", "/contacts", "nav.breadcrumbs li:nth-child(2) > a", x=90.0)
    b.field("first_name", "First name", "first_name", value="Alex" if editing else None)
    b.field("last_name", "Last name", "last_name", value=editing.split()[-1] if editing else None)
    b.field("email", "Email", "email", "email")
    b.field("phone", "Phone", "phone", "tel")
    b.field("title", "Job title", "title")
    b.select("company", "Company", "company_id", ["No company", *companies])
    key = "save_contact" if editing else "create_contact"
    b.button("submit", skin[key], "form.form div.form-actions > button")
    b.link(None, "Cancel", "/contacts", "form.form div.form-actions > a")
    return b.page


def record_page(
    rng: random.Random,
    skin: Skin,
    kind: str,
    name: str,
    company: str | None,
    related: list[str],
) -> Page:
    """A contact, deal or company page: actions, related links, the notes form."""
    section = {"contact": "Contacts", "deal": "Deals", "company": "Companies"}[kind]
    b = _topbar(f"/{section.lower()}/{_num(name)}", name)
    b.link(None, "Home", "/", "nav.breadcrumbs li:nth-child(1) > a", newline=False)
    b.link(None, section, f"/{section.lower()}", "nav.breadcrumbs li:nth-child(2) > a", x=90.0)
    if company is not None:
        b.link("company_link", company, "/companies/3", "p.subtitle > a")
    if kind != "deal":
        b.link(
            "edit",
            skin["edit"] if kind == "contact" else "Edit",
            f"/{kind}s/3/edit",
            "div.actions > a:nth-child(1)",
        )
    if kind == "contact":
        b.link(None, "Delete", "/contacts/3/delete", "div.actions > a:nth-child(2)")
    if kind == "company":
        b.link("new_deal", skin["new_deal"], "/deals/new?company=3", "div.actions > a.deal")
    b.link("log_activity", skin["log_activity"], "/activities/new", "div.actions > a.secondary")
    if kind == "deal":
        b.select("stage", "Move this deal to", "stage", list(STAGES))
        b.button("move", skin["move_deal"], "form.inline-form > button")
    for i, other in enumerate(related, start=1):
        b.link(None, other, f"/contacts/{i}", f"section#related li:nth-child({i}) > a")
    b.add("note_body", "textarea", "textbox", "Add a note", "#body", ident="body")
    b.button("add_note", skin["add_note"], "form.note-form > button")
    if rng.random() < 0.3:
        b.link(None, "Back to top", "#main", "footer > a")
    return b.page


def deals_list(rng: random.Random, skin: Skin, rows: list[tuple[str, str]]) -> Page:
    b = _topbar("/deals", "Deals")
    b.link("new_deal", skin["new_deal"], "/deals/new", "div.page-head > a.button")
    b.link(None, "Board", "/deals/board", "div.page-head > a.secondary")
    b.field("deal_q", "Deal name", "deal-q", "search")
    b.select("stage_filter", "Stage", "stage-filter", ["All stages", *STAGES])
    b.button("apply", skin["apply"], "form.filters > button")
    _rows(b, "deal", [(n, f"/deals/{i}", c) for i, (n, c) in enumerate(rows)])
    _pagination(b, rng, "/deals")
    return b.page


def deal_form(skin: Skin, companies: list[str], contacts: list[str], team: list[str]) -> Page:
    b = _topbar("/deals/new", "New deal")
    b.link(None, "Home", "/", "nav.breadcrumbs li:nth-child(1) > a", newline=False)
    b.link(None, "Deals", "/deals", "nav.breadcrumbs li:nth-child(2) > a", x=90.0)
    b.field("deal_name", "Deal name", "name")
    b.select("company", "Company", "company_id", ["Choose a company", *companies])
    b.select("contact", "Primary contact", "contact_id", ["No contact yet", *contacts])
    b.select("stage", "Stage", "stage", list(STAGES))
    b.select("owner", "Owner", "owner_id", team)
    b.field("amount", "Amount (USD)", "amount")
    b.field("close_date", "Expected close date", "close_date", "date")
    b.button("submit", skin["create_deal"], "form.form div.form-actions > button")
    b.link(None, "Cancel", "/deals", "form.form div.form-actions > a")
    return b.page


def companies_list(rng: random.Random, skin: Skin, rows: list[str]) -> Page:
    b = _topbar("/companies", "Companies")
    b.link(None, "New company", "/companies/new", "div.page-head > a.button")
    b.field("company_q", "Company name", "company-q", "search")
    b.button("apply", skin["apply"], "form.filters > button")
    _rows(b, "company", [(n, f"/companies/{i}", None) for i, n in enumerate(rows)])
    _pagination(b, rng, "/companies")
    return b.page


def activities_list(rng: random.Random, skin: Skin, rows: list[tuple[str, str]]) -> Page:
    b = _topbar("/activities", "Activities")
    b.link("log_activity", skin["log_activity"], "/activities/new", "div.page-head > a.button")
    for i, (contact, deal) in enumerate(rows, start=1):
        base = f"main table tbody tr:nth-child({i})"
        b.link(None, contact, f"/contacts/{i}", f"{base} > td:nth-child(4) > a", newline=False)
        b.link(None, deal, f"/deals/{i}", f"{base} > td:nth-child(5) > a", x=320.0)
    _pagination(b, rng, "/activities")
    return b.page


def activity_form(skin: Skin, contacts: list[str], deals: list[str]) -> Page:
    b = _topbar("/activities/new", "Log activity")
    b.link(None, "Home", "/", "nav.breadcrumbs li:nth-child(1) > a", newline=False)
    b.link(None, "Activities", "/activities", "nav.breadcrumbs li:nth-child(2) > a", x=90.0)
    for i, kind in enumerate(KINDS, start=1):
        b.add(
            f"kind:{kind.lower()}",
            "input",
            "radio",
            kind,
            f"div.choices label:nth-child({i}) > input",
            input_type="radio",
            ident="kind" if i == 1 else None,
            x=24.0 + 90 * i,
            width=80,
            newline=i == len(KINDS),
        )
    b.field("subject", "Subject", "subject")
    b.field("date", "Date", "occurred_on", "date")
    b.select("contact", "Contact", "contact_id", ["No contact", *contacts])
    b.select("deal", "Deal", "deal_id", ["No deal", *deals])
    b.add("notes", "textarea", "textbox", "Notes", "#notes", ident="notes")
    b.button("submit", skin["log_activity"], "form.form div.form-actions > button")
    b.link(None, "Cancel", "/activities", "form.form div.form-actions > a")
    return b.page


def search_results(rng: random.Random, hits: list[tuple[str, str]]) -> Page:
    """Results of the global search: links to matching companies, contacts and deals."""
    b = _topbar("/search", "Search")
    for i, (kind, name) in enumerate(hits, start=1):
        b.link(
            f"row:{kind}:{name}", name, f"/{kind}s/{i}", f"section.results li:nth-child({i}) > a"
        )
    return b.page
