"""The words of the simulated team's tasks: the emails that ask for a new contact, and the
subjects and notes of logged calls. Drawn with a ``random.Random`` only, so a plan is a
function of its seed. Some call notes carry an email address, as real notes do: the
recorder must redact it wherever it is typed.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from typing import Final

from workprint.demo._catalogue import ascii_slug

_EMAILS: Final = (
    (
        "Hi,\n\nI'm {first_name} {last_name}, {title} at {company}. We met at the trade fair "
        "and I'd like to stay in touch. My details: {email}, {phone}.\n\nBest,\n{first_name}"
    ),
    (
        "Hello there, {company} is looking at new tools this quarter and I'll be your contact "
        "({title}). Reach me at {email} or call {phone}. Kind regards, {first_name} {last_name}"
    ),
    (
        "Good morning! Please note my details for the renewal: {first_name} {last_name}, "
        "{title}, {company}. Email {email}, direct line {phone}. Thanks, {first_name}"
    ),
)
_INTROS: Final = (
    "Create a contact from this email:",
    "New lead in the inbox; add them as a contact:",
    "Add the sender of this email to the CRM:",
)
_SUBJECTS: Final = (
    "Discovery call", "Follow-up call", "Pricing call", "Renewal check-in",
    "Onboarding call", "Contract questions", "Quarterly check-in",
)  # fmt: skip
_TOPICS: Final = (
    "the renewal terms",
    "pricing for the extra seats",
    "the security questionnaire",
    "the onboarding timeline",
    "their data migration",
    "the pilot results",
)
_NEXT: Final = (
    "Follow up next Tuesday.",
    "Send the case study by Friday.",
    "They decide after the board meeting.",
    "Happy so far; no blockers.",
    "Needs a quote for two more teams.",
)
_ROLES: Final = ("legal", "procurement", "finance", "it-admin")


def contact_email_text(rng: random.Random, params: Mapping[str, str]) -> str:
    """The task text of ``create_contact``: an intro line and the quoted email."""
    body = rng.choice(_EMAILS).format(**params)
    quoted = "\n".join(f"> {line}" if line else ">" for line in body.splitlines())
    return f"{rng.choice(_INTROS)}\n\n{quoted}"


def call_subject(rng: random.Random) -> str:
    return rng.choice(_SUBJECTS)


def call_note(rng: random.Random, first_name: str, company: str | None) -> str:
    """A short call note; one in three asks to send something to a colleague's address."""
    note = f"Talked with {first_name} about {rng.choice(_TOPICS)}. {rng.choice(_NEXT)}"
    if company and rng.random() < 1 / 3:
        domain = ascii_slug(company.split(",")[0]) or "example"
        note += f" Copy {rng.choice(_ROLES)}@{domain}.example on the next email."
    return note
