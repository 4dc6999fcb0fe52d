"""Write ``sdk/src/_shared.js``: the tables the browser SDK shares with the Python privacy engine.

The SDK redacts in the browser with the same rules the collector applies again. Rules that are
data (provider key formats, IBAN lengths, card issuer ranges, credential words, the contract's
text-field classification) are generated from the Python modules rather than copied by hand,
so the two cannot drift apart silently: ``tests/sdk/test_sdk_build.py`` fails when the
committed file differs from what this script writes.

    .venv/bin/python sdk/tools/gen_shared.py          # rewrite sdk/src/_shared.js
    .venv/bin/python sdk/tools/gen_shared.py --check  # exit 1 when it is stale
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from workprint.core.events import TEXT_FIELDS
from workprint.privacy.detectors import (
    _context,
    card,
    email,
    iban,
    national_id,
    phone,
    secrets,
    url_credentials,
)

TARGET = Path(__file__).resolve().parents[1] / "src" / "_shared.js"

_CHECKS = {"_openai_ok": "openai", "_jwt_ok": "jwt"}
"""Python validators of provider rules, by the name the SDK's table of checks uses."""


def _js(value: object) -> str:
    return json.dumps(value, ensure_ascii=True, sort_keys=True)


def _provider_rules() -> list[dict[str, object]]:
    rules: list[dict[str, object]] = []
    for rule in secrets.PROVIDER_RULES:
        check = None
        if rule.check is not None:
            name = rule.check.__name__
            if name not in _CHECKS:
                raise SystemExit(f"provider rule {rule.label!r}: no SDK check for {name}")
            check = _CHECKS[name]
        rules.append(
            {
                "label": rule.label,
                "entity": rule.entity,
                "pattern": rule.pattern.pattern,
                "triggers": list(rule.triggers),
                "check": check,
                "skip": rule.skip,
            }
        )
    return rules


def render() -> str:
    """The JavaScript module text (deterministic: sorted sets, fixed order)."""
    tables: list[tuple[str, str, object]] = [
        (
            "TEXT_FIELDS",
            "Every string field of the v1 contract with its redaction rule (core/events.py).",
            {path: rule.value for path, rule in sorted(TEXT_FIELDS.items())},
        ),
        (
            "PROVIDER_RULES",
            "Key formats that announce themselves with a prefix (detectors/secrets.py).",
            _provider_rules(),
        ),
        (
            "PASSWORD_PARTS",
            "Name parts that make an assignment a password (detectors/secrets.py).",
            sorted(secrets.PASSWORD_PARTS),
        ),
        (
            "SECRET_PARTS",
            "Name parts that make an assignment a secret (detectors/secrets.py).",
            sorted(secrets.SECRET_PARTS),
        ),
        (
            "SECRET_ENDINGS",
            "Name endings that make an assignment a secret (detectors/secrets.py).",
            list(secrets.SECRET_ENDINGS),
        ),
        (
            "KEY_QUALIFIERS",
            "Words that make a following 'key' a secret (detectors/secrets.py).",
            sorted(secrets.KEY_QUALIFIERS),
        ),
        (
            "URL_SECRET_PARTS",
            "Query parameter name parts that carry credentials (detectors/url_credentials.py).",
            sorted(url_credentials.SECRET_PARTS),
        ),
        (
            "URL_SECRET_SUFFIXES",
            "Query parameter name endings that carry credentials (detectors/url_credentials.py).",
            list(url_credentials.SECRET_SUFFIXES),
        ),
        (
            "IBAN_LENGTHS",
            "Total IBAN length per country (detectors/iban.py).",
            dict(sorted(iban.IBAN_LENGTHS.items())),
        ),
        (
            "CARD_ISSUERS",
            "[first prefix, last prefix, allowed lengths] per issuer range (detectors/card.py).",
            [[lo, hi, sorted(lengths)] for lo, hi, lengths in card._IINS],
        ),
        (
            "CARD_CUES",
            "Words that announce a card number, regex alternatives (detectors/card.py).",
            list(card.CARD_CUES),
        ),
        (
            "RECORD_WORDS",
            "Words whose number right after them is a record's (detectors/_context.py).",
            list(_context.RECORD_WORDS),
        ),
        (
            "PHONE_WORDS",
            "Words that announce a phone number, regex alternatives (detectors/phone.py).",
            phone.PHONE_WORDS,
        ),
        (
            "WEAK_PHONE_WORDS",
            "Words that only make a bare run worth checking (detectors/phone.py).",
            phone.WEAK_PHONE_WORDS,
        ),
        (
            "EMAIL_NOT_TLDS",
            "Final labels that are file extensions, not domains (detectors/email.py).",
            sorted(email._NOT_TLDS),
        ),
        (
            "SSN_DUMMIES",
            "Well-known example SSNs that identify no one (detectors/national_id.py).",
            sorted(national_id._SSN_DUMMIES),
        ),
        (
            "NINO_BAD_PREFIXES",
            "Prefixes never issued for a UK NINO (detectors/national_id.py).",
            sorted(national_id._NINO_BAD_PREFIXES),
        ),
    ]
    out = [
        "// Generated by sdk/tools/gen_shared.py from the Python privacy engine. Do not edit:",
        "// run `.venv/bin/python sdk/tools/gen_shared.py` after changing the Python tables.",
        "",
    ]
    for name, doc, value in tables:
        out.append(f"/** {doc} */")
        out.append(f"export const {name} = {_js(value)};")
        out.append("")
    return "\n".join(out)


def main(argv: list[str]) -> int:
    text = render()
    if "--check" in argv:
        current = TARGET.read_text() if TARGET.exists() else ""
        if current != text:
            print(f"{TARGET.name} is stale: run sdk/tools/gen_shared.py", file=sys.stderr)
            return 1
        return 0
    TARGET.write_text(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
