"""Names of the synthetic CRM's records: people, companies, products, call subjects, notes.

All invented; any resemblance to a real person or company is chance.
"""

from __future__ import annotations

FIRST = tuple(
    [
        "Ada",
        "Ben",
        "Chloe",
        "Dev",
        "Elena",
        "Farid",
        "Grace",
        "Hugo",
        "Iris",
        "Jonas",
        "Kemal",
        "Lena",
        "Mateo",
        "Nadia",
        "Oskar",
        "Priya",
        "Quinn",
        "Rosa",
        "Sven",
        "Tara",
        "Umar",
        "Vera",
        "Wen",
        "Xavi",
        "Yara",
        "Zane",
        "Amir",
        "Bea",
        "Carlos",
        "Dana",
    ]
)
LAST = tuple(
    [
        "Okafor",
        "Schmidt",
        "Tanaka",
        "Moreau",
        "Silva",
        "Novak",
        "Haddad",
        "Larsen",
        "Quispe",
        "Brennan",
        "Ivanova",
        "Costa",
        "Lindqvist",
        "Mensah",
        "Patel",
        "Rossi",
        "Sato",
        "Weber",
        "Yilmaz",
        "Zhou",
        "Keller",
        "Duarte",
        "Fischer",
        "Nguyen",
    ]
)
PREFIX = tuple(
    [
        "Acme",
        "Globex",
        "Initech",
        "Umbrella",
        "Stark",
        "Hooli",
        "Vandelay",
        "Soylent",
        "Cyberdyne",
        "Tyrell",
        "Wonka",
        "Oscorp",
        "Aperture",
        "Northwind",
        "Contoso",
        "Fabrikam",
        "Litware",
        "Tailspin",
        "Wingtip",
        "Adatum",
    ]
)
SUFFIX = ["Logistics", "Labs", "Foods", "Systems", "Partners", "Health", "Energy", "Media"]
PRODUCTS = (
    "renewal 2027",
    "expansion",
    "pilot",
    "enterprise plan",
    "support upgrade",
    "onboarding package",
    "annual licence",
    "data migration",
)
SUBJECTS = (
    "renewal pricing",
    "onboarding schedule",
    "contract questions",
    "quarterly review",
    "invoice dispute",
    "product demo",
    "security review",
    "upgrade options",
)
NOTES = (
    "left a voicemail",
    "wants a demo next week",
    "asked for a discount",
    "sent the proposal",
    "needs legal approval",
    "budget frozen until March",
    "happy with the pilot",
    "call back on Friday",
)
