"""Labelled corpus for ``bench/privacy_eval.py``: generated texts with gold spans.

Deterministic from a seed. Needs Faker, so it runs inside ``.venv-bench-privacy`` (the eval
script calls :func:`build` there and writes the result as JSON). Each item is a dict::

    {"id": 17, "kind": "crm_note", "locale": "de_DE", "negative": false,
     "text": "...", "spans": [[start, end, "EMAIL"], ...]}

Labels are the common set the eval scores: EMAIL, PHONE, CARD, IBAN, NATIONAL_ID, IP,
URL_CREDENTIALS, SECRET, PERSON, ADDRESS. Texts look like what workers type and see in
internal tools (CRM notes, support replies, search boxes, window titles, URLs, terminal
commands, config snippets, chat), written with Faker in several locales, with checksum-valid
identifiers (Faker's Luhn cards and mod-97 IBANs, SSNs, NINOs, BSN/NIR/DNI/CPF), provider-style
secrets, JWTs, PEM private keys and password assignments. Dates, prices, order numbers and
hashes appear unlabelled among them, as they do in real text. The negative set (``negative``
true) has no gold spans at all: UUIDs, commit hashes, checksums, order numbers, versions,
dates, prices, tracking and ticket numbers.

Gold spans cover the value only: a password's value, not ``password=``; ``user:password`` of
a URL, not its host; a person's first and last name, not the honorific.
"""

from __future__ import annotations

import base64
import json
import random
import string
import uuid
from collections.abc import Callable
from urllib.parse import quote

from faker import Faker

LOCALES = ("en_US", "en_GB", "de_DE", "fr_FR", "es_ES", "nl_NL", "pt_BR", "it_IT")
LABELS = (
    "EMAIL", "PHONE", "CARD", "IBAN", "NATIONAL_ID", "IP", "URL_CREDENTIALS", "SECRET",
    "PERSON", "ADDRESS",
)  # fmt: skip
_IBAN_LOCALES = ("en_GB", "de_DE", "fr_FR", "es_ES", "nl_NL", "it_IT", "pt_BR")
_ALNUM = string.ascii_letters + string.digits
_B64 = _ALNUM + "+/"
_B64URL = _ALNUM + "-_"


class _Text:
    """A text built from literal parts and labelled values; records gold spans."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.spans: list[list[object]] = []
        self.n = 0

    def lit(self, s: str) -> _Text:
        self.parts.append(s)
        self.n += len(s)
        return self

    def val(self, label: str, s: str) -> _Text:
        self.spans.append([self.n, self.n + len(s), label])
        return self.lit(s)

    def text(self) -> str:
        return "".join(self.parts)


class _Gen:
    """Value generators sharing one RNG and one Faker per locale."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.fakers: dict[str, Faker] = {}
        for i, loc in enumerate(LOCALES):
            f = Faker(loc)
            f.seed_instance(seed * 101 + i)
            self.fakers[loc] = f
        self.directory: set[str] = set()
        self.loc = "en_US"

    @property
    def f(self) -> Faker:
        return self.fakers[self.loc]

    def pick(self, seq: tuple[str, ...] | list[str]) -> str:
        return self.rng.choice(seq)

    def rand(self, alphabet: str, n: int) -> str:
        return "".join(self.rng.choice(alphabet) for _ in range(n))

    # --- personal data -------------------------------------------------------------------

    def person(self) -> tuple[str, str]:
        first, last = self.f.first_name(), self.f.last_name()
        self.directory.add(f"{first} {last}")
        return first, last

    def email(self, first: str = "", last: str = "") -> str:
        r = self.rng.random()
        if first and r < 0.5:
            local = f"{first}.{last}".lower()
            local = "".join(c for c in local if c.isascii() and (c.isalnum() or c in "._-"))
            return f"{local or 'info'}@{self.f.domain_name()}"
        if r < 0.8:
            return self.f.email()
        return self.f.company_email()

    def phone(self) -> str:
        return self.f.phone_number()

    def card(self) -> str:
        digits = self.f.credit_card_number()
        style = self.rng.random()
        if style < 0.4:
            return digits
        sep = " " if style < 0.8 else "-"
        return sep.join(digits[i : i + 4] for i in range(0, len(digits), 4))

    def iban(self) -> str:
        loc = self.loc if self.loc in _IBAN_LOCALES else self.pick(_IBAN_LOCALES)
        value = self.fakers[loc].iban()
        if self.rng.random() < 0.5:
            return " ".join(value[i : i + 4] for i in range(0, len(value), 4))
        return value

    def ssn(self) -> str:
        value = self.fakers["en_US"].ssn()
        return value.replace("-", "") if self.rng.random() < 0.15 else value

    def nino(self) -> str:
        bad = set("DFIQUV")
        first = self.pick([c for c in string.ascii_uppercase if c not in bad])
        second = self.pick([c for c in string.ascii_uppercase if c not in bad | {"O"}])
        prefix = first + second
        if prefix in ("BG", "GB", "NK", "KN", "TN", "NT", "ZZ"):
            prefix = "AB"
        digits = self.rand(string.digits, 6)
        suffix = self.pick("ABCD")
        if self.rng.random() < 0.5:
            return f"{prefix} {digits[:2]} {digits[2:4]} {digits[4:]} {suffix}"
        return f"{prefix}{digits}{suffix}"

    def national_id(self) -> str:
        """An identifier of the current locale (SSN, NINO, BSN, NIR, DNI/NIE, CPF, CF)."""
        loc = self.loc
        if loc == "en_US":
            return self.ssn()
        if loc == "en_GB":
            return self.nino()
        if loc == "es_ES":
            return self.f.nif() if self.rng.random() < 0.6 else self.f.nie()
        if loc == "pt_BR":
            return self.f.cpf()
        if loc in ("nl_NL", "fr_FR", "it_IT"):
            return self.f.ssn()
        return self.ssn() if self.rng.random() < 0.5 else self.nino()

    def address(self) -> str:
        f = self.f
        r = self.rng.random()
        if r < 0.4:
            return f.street_address()
        return f.address().replace("\n", ", ")

    def ip(self) -> str:
        r = self.rng.random()
        if r < 0.45:
            return self.f.ipv4_public()
        if r < 0.8:
            return self.f.ipv4_private()
        return self.f.ipv6()

    # --- secrets -------------------------------------------------------------------------

    def password(self) -> str:
        r = self.rng.random()
        if r < 0.5:
            return self.f.password(length=self.rng.randint(10, 20))
        if r < 0.8:
            word = self.f.word().capitalize()
            return f"{word}{self.rng.randint(10, 9999)}{self.pick('!?#$%')}"
        return self.rand(_ALNUM, self.rng.randint(12, 24))

    def provider_key(self) -> str:
        kind = self.rng.randrange(7)
        if kind == 0:
            return "AKIA" + self.rand(string.ascii_uppercase + "234567", 16)
        if kind == 1:
            return "ghp_" + self.rand(_ALNUM, 36)
        if kind == 2:
            return "github_pat_" + self.rand(_ALNUM, 22) + "_" + self.rand(_ALNUM, 59)
        if kind == 3:
            return (
                f"xoxb-{self.rand(string.digits, 11)}-{self.rand(string.digits, 13)}-"
                + self.rand(_ALNUM, 24)
            )
        if kind == 4:
            return self.pick(("sk_live_", "rk_live_", "sk_test_")) + self.rand(_ALNUM, 24)
        if kind == 5:
            return "AIza" + self.rand(_ALNUM + "-_", 35)
        return "glpat-" + self.rand(_ALNUM + "-_", 20)

    def jwt(self) -> str:
        def b64(obj: object) -> str:
            raw = json.dumps(obj, separators=(",", ":")).encode()
            return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()

        header = {"alg": self.pick(("HS256", "RS256")), "typ": "JWT"}
        payload = {
            "sub": str(self.rng.randint(10**6, 10**9)),
            "email": self.f.email(),
            "iat": self.rng.randint(1_600_000_000, 1_800_000_000),
        }
        sig_len = 43 if header["alg"] == "HS256" else 342
        return f"{b64(header)}.{b64(payload)}.{self.rand(_B64URL, sig_len)}"

    def pem(self) -> str:
        kinds = ("RSA PRIVATE KEY", "PRIVATE KEY", "EC PRIVATE KEY", "OPENSSH PRIVATE KEY")
        kind = self.pick(kinds)
        lines = [self.rand(_B64, 64) for _ in range(self.rng.randint(4, 12))]
        lines.append(self.rand(_B64, self.rng.randint(8, 60)) + "==")
        return f"-----BEGIN {kind}-----\n" + "\n".join(lines) + f"\n-----END {kind}-----"

    def aws_secret(self) -> str:
        return self.rand(_B64, 40)

    def token(self) -> str:
        return self.rand(_ALNUM, self.rng.choice((24, 32, 40)))

    # --- unlabelled distractors ------------------------------------------------------------

    def date(self) -> str:
        d = self.f.date_between(start_date="-3y", end_date="+1y")
        return d.strftime(self.pick(("%Y-%m-%d", "%d/%m/%Y", "%m/%d/%Y", "%d.%m.%Y", "%b %d, %Y")))

    def price(self) -> str:
        amount = self.rng.randint(1, 250_000) / 100
        return self.pick(("${:,.2f}", "€{:.2f}", "£{:,.2f}", "{:.2f} EUR", "USD {:,.2f}")).format(
            amount
        )

    def order_no(self) -> str:
        r = self.rng.random()
        if r < 0.3:
            return f"#{self.rng.randint(10_000, 9_999_999)}"
        if r < 0.6:
            return f"{self.pick(('PO', 'SO', 'INV', 'ORD'))}-{self.rng.randint(2019, 2026)}-" + str(
                self.rng.randint(1000, 999_999)
            )
        return self.rand(string.digits, self.rng.randint(8, 16))

    def version(self) -> str:
        v = f"{self.rng.randint(0, 12)}.{self.rng.randint(0, 40)}.{self.rng.randint(0, 30)}"
        suffix = self.pick(("", "", "-rc.1", "-beta", "+build.7"))
        return self.pick(("v", "", "version ")) + v + suffix

    def uuid(self) -> str:
        return str(uuid.UUID(int=self.rng.getrandbits(128), version=4))

    def sha(self, n: int = 40) -> str:
        return self.rand("0123456789abcdef", n)

    def ticket(self) -> str:
        return f"{self.pick(('JIRA', 'OPS', 'SUP', 'CRM', 'INC'))}-{self.rng.randint(1, 99_999)}"


# --- positive templates ------------------------------------------------------------------


def _crm_note(g: _Gen, t: _Text) -> None:
    first, last = g.person()
    style = g.rng.randrange(5)
    if style == 0:
        t.lit(f"{g.date()} call with ").val("PERSON", f"{first} {last}")
        t.lit(f" ({g.f.company()}). Renewal at {g.price()}, wants SSO. Reach her at ")
        t.val("PHONE", g.phone()).lit(" or ").val("EMAIL", g.email(first, last)).lit(".")
    elif style == 1:
        t.lit("Spoke with ").val("PERSON", f"{first} {last}")
        t.lit(" about invoice ").lit(g.order_no()).lit("; new billing address: ")
        t.val("ADDRESS", g.address()).lit(". IBAN for refunds ").val("IBAN", g.iban()).lit(".")
    elif style == 2:
        t.lit("Customer ").val("PERSON", f"{first} {last}").lit(" DOB ").lit(g.date())
        t.lit(", ID ").val("NATIONAL_ID", g.national_id()).lit(", mobile ").val("PHONE", g.phone())
    elif style == 3:
        t.lit(f"Meeting notes {g.date()}: ").val("PERSON", f"{first} {last}")
        t.lit(" confirmed the PO ").lit(g.order_no()).lit(". Ship to ").val("ADDRESS", g.address())
        t.lit(". Next step: demo in two weeks.")
    else:
        other_first, other_last = g.person()
        t.lit("Lead from webinar. Contact: ").val("PERSON", f"{first} {last}").lit(", ")
        t.val("EMAIL", g.email(first, last)).lit(". Referred by ")
        t.val("PERSON", f"{other_first} {other_last}").lit(f". Budget {g.price()}.")


def _support_reply(g: _Gen, t: _Text) -> None:
    first, last = g.person()
    agent_first, agent_last = g.person()
    greet = g.pick(("Hi", "Hello", "Dear", "Hey"))
    t.lit(f"{greet} ").val("PERSON", first).lit(",\n\n")
    style = g.rng.randrange(5)
    if style == 0:
        t.lit("Thanks for your patience. We refunded the charge on the card ending in ")
        t.lit(g.rand(string.digits, 4)).lit(f" ({g.price()}); it takes 5-10 days.")
    elif style == 1:
        t.lit("I could not find the payment from card ").val("CARD", g.card())
        t.lit(". Could you check with your bank?")
    elif style == 2:
        t.lit("We updated the delivery address to ").val("ADDRESS", g.address())
        t.lit(f" for order {g.order_no()}.")
    elif style == 3:
        t.lit("For verification please confirm the number we have on file, ")
        t.val("PHONE", g.phone()).lit(", and your email ").val("EMAIL", g.email(first, last))
        t.lit(".")
    else:
        t.lit("The transfer to ").val("IBAN", g.iban()).lit(f" was sent on {g.date()}.")
    signoff = g.pick(("Best regards", "Kind regards", "Thanks", "Cheers", "Best"))
    t.lit(f"\n\n{signoff},\n").val("PERSON", f"{agent_first} {agent_last}")
    t.lit(f"\n{g.f.company()} Support")


def _search(g: _Gen, t: _Text) -> None:
    style = g.rng.randrange(8)
    if style == 0:
        first, last = g.person()
        t.val("PERSON", f"{first} {last}")
    elif style == 1:
        t.val("EMAIL", g.email())
    elif style == 2:
        t.lit("customer ").val("PHONE", g.phone())
    elif style == 3:
        first, last = g.person()
        t.val("PERSON", f"{first} {last}").lit(" invoice ").lit(str(g.rng.randint(2019, 2026)))
    elif style == 4:
        t.val("IBAN", g.iban())
    elif style == 5:
        t.lit("ip:").val("IP", g.ip())
    elif style == 6:
        t.val("NATIONAL_ID", g.national_id())
    else:
        t.val("ADDRESS", g.address())


def _window_title(g: _Gen, t: _Text) -> None:
    style = g.rng.randrange(5)
    if style == 0:
        first, last = g.person()
        t.val("PERSON", f"{first} {last}").lit(" | Contact | Salesforce - Google Chrome")
    elif style == 1:
        t.lit("Inbox (").lit(str(g.rng.randint(1, 300))).lit(") - ").val("EMAIL", g.email())
        t.lit(" - Gmail")
    elif style == 2:
        first, last = g.person()
        t.lit("Chat with ").val("PERSON", f"{first} {last}").lit(" - Slack")
    elif style == 3:
        t.lit("ssh admin@").val("IP", g.ip()).lit(" - Terminal")
    else:
        first, last = g.person()
        t.lit(f"{g.ticket()}: Refund request from ").val("PERSON", f"{first} {last}")
        t.lit(" - Zendesk")


def _url(g: _Gen, t: _Text) -> None:
    style = g.rng.randrange(5)
    host = g.f.domain_name()
    if style == 0:
        t.lit(f"https://crm.{host}/contacts/search?email=").val("EMAIL", g.email())
    elif style == 1:
        user = g.f.user_name()
        t.lit(g.pick(("https://", "ftp://", "postgres://", "redis://", "amqp://")))
        password = quote(g.password(), safe="")  # as it must be written in a URL
        t.val("URL_CREDENTIALS", f"{user}:{password}").lit(f"@db.{host}:5432/app")
    elif style == 2:
        param = g.pick(("token", "access_token", "api_key", "apikey", "sig", "auth"))
        t.lit(f"https://api.{host}/v2/export?format=csv&{param}=").val("URL_CREDENTIALS", g.token())
    elif style == 3:
        t.lit(f"https://admin.{host}/users/{g.rng.randint(1, 99999)}?phone=")
        t.val("PHONE", quote(g.phone(), safe=""))
    else:
        ip = g.ip()
        v6 = ":" in ip  # an IPv6 literal is bracketed in a URL
        t.lit("http://[" if v6 else "http://").val("IP", ip).lit("]" if v6 else "")
        t.lit(f":{g.pick(('8080', '3000', '9200', '443'))}/status")


def _terminal(g: _Gen, t: _Text) -> None:
    style = g.rng.randrange(8)
    if style == 0:
        key_id = "AKIA" + g.rand(string.ascii_uppercase + "234567", 16)
        t.lit("export AWS_ACCESS_KEY_ID=").val("SECRET", key_id)
        t.lit("\nexport AWS_SECRET_ACCESS_KEY=").val("SECRET", g.aws_secret())
    elif style == 1:
        t.lit(f"curl -s https://api.{g.f.domain_name()}/v1/me -H 'Authorization: Bearer ")
        t.val("SECRET", g.jwt()).lit("'")
    elif style == 2:
        creds = f"{g.f.user_name()}:{g.provider_key()}"
        t.lit("git clone https://").val("URL_CREDENTIALS", creds)
        t.lit(f"@github.com/{g.f.user_name()}/{g.f.word()}.git")
    elif style == 3:
        t.lit("mysql -h ").val("IP", g.ip()).lit(" -u root -p").val("SECRET", g.password())
    elif style == 4:
        t.lit("ssh -i ~/.ssh/id_rsa deploy@").val("IP", g.ip())
        t.lit(f" 'sudo systemctl restart {g.f.word()}'")
    elif style == 5:
        t.lit("gh auth login --with-token <<< ").val("SECRET", g.provider_key())
    elif style == 6:
        t.lit(f"git commit -m 'fix {g.ticket()}' && git push origin {g.sha(7)}")
        t.lit(" # key ").val("SECRET", g.provider_key())
    else:
        creds = f"app:{quote(g.password(), safe='')}"
        t.lit('psql "postgresql://').val("URL_CREDENTIALS", creds)
        t.lit("@").val("IP", g.f.ipv4_private()).lit(":5432/prod\" -c 'select 1'")


def _config(g: _Gen, t: _Text) -> None:
    style = g.rng.randrange(7)
    if style == 0:
        key = g.pick(("password", "DB_PASSWORD", "db.password", "admin_pass", "PASSWD"))
        sep = g.pick(("=", ": ", " = "))
        mark = g.pick(("", '"', "'"))
        t.lit(f"host={g.f.domain_name()}\nport=5432\n{key}{sep}{mark}")
        t.val("SECRET", g.password()).lit(f"{mark}\n")
    elif style == 1:
        key = g.pick(("sk_live_", "rk_live_")) + g.rand(_ALNUM, 24)
        t.lit("STRIPE_SECRET_KEY=").val("SECRET", key)
        t.lit(f"\nSTRIPE_API_VERSION={g.date()}\n")
    elif style == 2:
        t.lit("slack:\n  bot_token: ").val("SECRET", g.provider_key()).lit("\n  channel: '#ops'\n")
    elif style == 3:
        t.val("SECRET", g.pem()).lit("\n")
    elif style == 4:
        t.lit('{"client_id": "').lit(g.uuid()).lit('", "client_secret": "')
        t.val("SECRET", g.token()).lit('", "version": "').lit(g.version()).lit('"}')
    elif style == 5:
        creds = f"svc:{quote(g.password(), safe='')}"
        t.lit("DATABASE_URL=postgres://").val("URL_CREDENTIALS", creds)
        t.lit(f"@db.{g.f.domain_name()}/prod\nREDIS_HOST=").val("IP", g.f.ipv4_private())
    else:
        t.lit("[smtp]\nuser = ").val("EMAIL", g.f.company_email()).lit("\npassword = ")
        t.val("SECRET", g.password()).lit("\n")


def _chat(g: _Gen, t: _Text) -> None:
    style = g.rng.randrange(6)
    if style == 0:
        t.lit("temp password for the shared account is ").val("SECRET", g.password())
        t.lit(", change it after login")
    elif style == 1:
        first, last = g.person()
        t.lit("can you add ").val("PERSON", f"{first} {last}").lit(" (")
        t.val("EMAIL", g.email(first, last))
        t.lit(") to the billing channel?")
    elif style == 2:
        t.lit("here's the token for staging ").val("SECRET", g.jwt())
    elif style == 3:
        first, last = g.person()
        t.lit("ping ").val("PERSON", first).lit(" about the outage on ").val("IP", g.ip())
    elif style == 4:
        t.lit("my SSN is ").val("NATIONAL_ID", g.ssn()).lit(" and card ").val("CARD", g.card())
    else:
        first, last = g.person()
        t.lit(f"{g.f.word()} ok, ").val("PERSON", f"{first} {last}")
        t.lit(f" said the {g.f.word()} release {g.version()} ships on {g.date()}")


_TEMPLATES: dict[str, Callable[[_Gen, _Text], None]] = {
    "crm_note": _crm_note,
    "support_reply": _support_reply,
    "search": _search,
    "window_title": _window_title,
    "url": _url,
    "terminal": _terminal,
    "config": _config,
    "chat": _chat,
}


# --- negative templates ------------------------------------------------------------------


def _negative(g: _Gen, t: _Text) -> None:
    style = g.rng.randrange(10)
    if style == 0:
        t.lit(f"request_id={g.uuid()} status=200 duration_ms={g.rng.randint(1, 9000)}")
    elif style == 1:
        t.lit(f"commit {g.sha(40)}\nMerge: {g.sha(7)} {g.sha(7)}\nDate: {g.date()}")
    elif style == 2:
        t.lit(f"sha256:{g.sha(64)}  {g.f.file_name(extension='tar.gz')}")
    elif style == 3:
        t.lit(f"Order {g.order_no()} shipped {g.date()}, total {g.price()}")
    elif style == 4:
        t.lit(f"Upgrade {g.f.word()} from {g.version()} to {g.version()} ({g.ticket()})")
    elif style == 5:
        t.lit(f"Invoice {g.order_no()} due {g.date()}: {g.price()} (tax {g.price()})")
    elif style == 6:
        t.lit(f"docker pull registry.local/{g.f.word()}@sha256:{g.sha(64)}")
    elif style == 7:
        t.lit(f"Tracking 1Z{g.rand(string.ascii_uppercase + string.digits, 16)} ")
        t.lit(f"weight {g.rng.randint(1, 40)}.{g.rng.randint(0, 9)} kg, ref {g.order_no()}")
    elif style == 8:
        t.lit(f"build #{g.rng.randint(100, 99999)} {g.sha(12)} passed in ")
        t.lit(f"{g.rng.randint(1, 59)}m{g.rng.randint(0, 59)}s at {g.f.time()}")
    else:
        t.lit(f"{g.f.sentence()} See {g.ticket()} and {g.ticket()}, updated {g.date()}.")


def build(n: int, seed: int = 2026, negative_fraction: float = 1 / 6) -> dict[str, object]:
    """``n`` items (about ``negative_fraction`` of them negative) and the name directory."""
    g = _Gen(seed)
    kinds = list(_TEMPLATES)
    items: list[dict[str, object]] = []
    for i in range(n):
        g.loc = LOCALES[g.rng.randrange(len(LOCALES))]
        t = _Text()
        negative = g.rng.random() < negative_fraction
        if negative:
            kind = "negative"
            _negative(g, t)
        else:
            kind = kinds[g.rng.randrange(len(kinds))]
            _TEMPLATES[kind](g, t)
        items.append(
            {
                "id": i,
                "kind": kind,
                "locale": g.loc,
                "negative": negative,
                "text": t.text(),
                "spans": t.spans,
            }
        )
    return {"seed": seed, "items": items, "directory": sorted(g.directory)}
