"""Throughput of the default privacy detectors: characters per second on one core.

Run it from the repository root::

    .venv/bin/python bench/privacy_throughput.py             # about 3 MB, about 10 s
    .venv/bin/python bench/privacy_throughput.py --mb 1      # quicker
    .venv/bin/python bench/privacy_throughput.py --directory 2000 --peer

The input is generated (fixed seed) to look like what the agent redacts: CRM notes, support
replies with greetings and sign-offs, window titles, URLs, terminal commands and plain prose,
with dates, times, prices, versions, order numbers and hashes in them, and personal data or a
secret in about one item out of four. The script times ``find_all(text, default_detectors())``

* per item, as the redactor calls it (one call per text field, 40 characters to 2 KB), and
* over 64 KB documents (the same text, concatenated),

then each detector's ``find`` alone over the items, so a slow detector shows. With
``--directory N`` the names detector also holds a deny-list of N made-up names, and one item in
twenty mentions one of them. With
``--peer`` it also runs phonenumbers' ``PhoneNumberMatcher`` (region US) over the same
items, the approach the phone detector avoids, and prints the ratio.

It runs in this one process, so the figures are per core. No matched value is printed: only
counts per entity.
"""

from __future__ import annotations

import argparse
import platform
import random
import sys
import time
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from workprint.privacy.detectors import Detector, default_detectors, find_all

MB = 1_000_000
"""Figures are in millions of characters (text is mostly ASCII: about the same in bytes)."""


def _words(text: str) -> list[str]:
    return text.split()


FIRST = _words("Jane John Priya Ahmed Maria Chen Lukas Sofia Kwame Aiko Olivia Mateo Fatima Noah")
LAST = _words("Doe Smith Raman Khan García Wei Müller Rossi Mensah Tanaka Brown Silva Haddad Berg")
WORDS = _words(
    "the customer asked about renewal pricing for next quarter and whether the integration "
    "supports single sign on we agreed to follow up after the demo meeting with their team "
    "invoice was paid late because of a billing address mismatch please check the dashboard "
    "deployment failed on staging after the migration rollback worked fine logs attached "
    "ticket escalated to tier two waiting on engineering for a fix estimated next sprint"
)
APPS = ["Google Chrome", "Slack", "Visual Studio Code", "Terminal", "Outlook", "Salesforce"]


def _sentence(rng: random.Random) -> str:
    words = rng.choices(WORDS, k=rng.randint(6, 18))
    extra = rng.random()
    if extra < 0.15:
        words.insert(rng.randrange(len(words)), f"{rng.randint(1, 28)}/{rng.randint(1, 12)}/2024")
    elif extra < 0.25:
        words.insert(rng.randrange(len(words)), f"${rng.randint(10, 9999)}.{rng.randint(0, 99):02}")
    elif extra < 0.35:
        words.insert(rng.randrange(len(words)), f"v{rng.randint(1, 9)}.{rng.randint(0, 20)}.3")
    elif extra < 0.45:
        words.insert(rng.randrange(len(words)), f"order #{rng.randint(100000, 99999999)}")
    elif extra < 0.5:
        words.insert(
            rng.randrange(len(words)), f"at {rng.randint(0, 23):02}:{rng.randint(0, 59):02}"
        )
    return " ".join(words).capitalize() + "."


def _person(rng: random.Random) -> str:
    return f"{rng.choice(FIRST)} {rng.choice(LAST)}"


def _pii(rng: random.Random) -> str:
    first, last = rng.choice(FIRST), rng.choice(LAST)
    return rng.choice(
        [
            f"{first.lower()}.{last.lower()}@example.com",
            f"+44 20 7946 {rng.randint(1000, 9999)}",
            f"({rng.randint(201, 989)}) 555-{rng.randint(1000, 9999)}",
            "4111 1111 1111 1111",
            "DE89 3704 0044 0532 0130 00",
            f"10.{rng.randint(0, 255)}.{rng.randint(0, 255)}.{rng.randint(1, 254)}",
            f"{rng.randint(10, 999)} Baker Street, London NW1 6XE",
            "ghp_" + "".join(rng.choices("abcdefghijklmnopqrstuvwxyzABCDEF0123456789", k=36)),
            "536-22-5487",
        ]
    )


def _item(rng: random.Random) -> str:
    kind = rng.random()
    pii = _pii(rng) if rng.random() < 0.25 else ""
    if kind < 0.3:
        body = " ".join(_sentence(rng) for _ in range(rng.randint(1, 6)))
        return f"Called {rng.choice(FIRST)} about renewal. {body} {pii}".strip()
    if kind < 0.45:
        body = "\n\n".join(_sentence(rng) for _ in range(rng.randint(2, 8)))
        return f"Hi {rng.choice(FIRST)},\n\n{body} {pii}\n\nKind regards,\n{_person(rng)}"
    if kind < 0.65:
        return rng.choice(
            [
                f"Inbox ({rng.randint(1, 99)}) - {pii or 'work'} - Gmail - {rng.choice(APPS)}",
                f"invoice_2024-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}.pdf - Adobe Acrobat",
                f"main.py - workprint - {rng.choice(APPS)}",
                f"#support-{rng.choice(WORDS)} | Slack",
                f"Terminal — zsh — {rng.randint(80, 200)}×{rng.randint(24, 60)}",
                f"Case {rng.randint(10000, 99999)}: {_sentence(rng)} | Salesforce",
            ]
        )
    if kind < 0.8:
        return rng.choice(
            [
                f"https://crm.example.com/contacts/{rng.randint(1, 99999)}?tab=notes&page=2",
                f"https://www.google.com/search?q={'+'.join(rng.choices(WORDS, k=4))}",
                f"https://app.example.com/reset?token={rng.getrandbits(128):032x}",
                f"https://github.com/acme/api/commit/{rng.getrandbits(160):040x}",
                f"https://docs.example.com/v{rng.randint(1, 4)}.{rng.randint(0, 9)}/guide#setup",
            ]
        )
    return rng.choice(
        [
            f"git commit -m '{_sentence(rng)}'",
            f"docker run -p 8080:80 nginx:1.25.{rng.randint(0, 9)}",
            f"kubectl logs deploy/api-{rng.randint(1, 9)} -n prod --since=1h",
            f"ssh deploy@10.0.{rng.randint(0, 255)}.{rng.randint(1, 254)}",
            f"pip install requests=={rng.randint(1, 2)}.{rng.randint(0, 31)}.0",
            f"sha256sum dist/app.tar.gz  {rng.getrandbits(256):064x}",
            f"export API_KEY={pii or 'sk_live_' + 'a1B2c3D4e5F6g7H8i9J0'}",
            f"psql -h db.internal -c 'select * from orders where id = {rng.randint(1, 9999)}'",
        ]
    )


SYLLABLES = _words("ka ri lo me an to su el ni ra vo de la mi jo ha ze pu ol in ta ve")


def made_up_names(count: int, seed: int = 11) -> list[str]:
    """``count`` distinct two-word names built from syllables (a directory of that size)."""
    rng = random.Random(seed)
    names: set[str] = set()
    while len(names) < count:
        first = "".join(rng.choices(SYLLABLES, k=rng.randint(2, 3))).capitalize()
        last = "".join(rng.choices(SYLLABLES, k=rng.randint(2, 4))).capitalize()
        names.add(f"{first} {last}")
    return sorted(names)


def generate(total_chars: int, seed: int = 7) -> list[str]:
    """Items of generated text summing to about ``total_chars`` characters."""
    rng = random.Random(seed)
    items: list[str] = []
    size = 0
    while size < total_chars:
        item = _item(rng)
        items.append(item)
        size += len(item)
    return items


def documents(items: Sequence[str], size: int = 64 * 1024) -> list[str]:
    """The items joined by newlines into documents of about ``size`` characters."""
    docs: list[str] = []
    current: list[str] = []
    length = 0
    for item in items:
        current.append(item)
        length += len(item) + 1
        if length >= size:
            docs.append("\n".join(current))
            current, length = [], 0
    if current:
        docs.append("\n".join(current))
    return docs


def timed(texts: Sequence[str], run: Callable[[str], object], repeat: int = 3) -> float:
    """Best wall time over ``repeat`` passes of ``run`` over every text."""
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        for text in texts:
            run(text)
        best = min(best, time.perf_counter() - t0)
    return best


def machine() -> str:
    cpu = platform.processor() or "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{cpu}; Python {platform.python_version()}; {platform.system()} {platform.release()}"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mb", type=float, default=3.0, help="millions of characters of text")
    parser.add_argument("--directory", type=int, default=0, help="names in the deny-list")
    parser.add_argument("--peer", action="store_true", help="also time PhoneNumberMatcher")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)

    directory = made_up_names(args.directory)
    items = generate(int(args.mb * MB))
    if directory:  # one item in twenty mentions someone from the directory
        rng = random.Random(3)
        items = [
            f"{t} cc {rng.choice(directory)}" if i % 20 == 0 else t for i, t in enumerate(items)
        ]
    docs = documents(items)
    chars = sum(len(t) for t in items)
    detectors = default_detectors(directory)

    print(f"machine: {machine()}")
    print(f"input: {len(items)} items, {chars / MB:.2f} M characters, {len(docs)} documents")
    print(f"directory: {len(directory)} names")
    entities: Counter[str] = Counter(s.entity for t in items for s in find_all(t, detectors))
    print("spans found: " + ", ".join(f"{k}={v}" for k, v in sorted(entities.items())))

    per_item = timed(items, lambda t: find_all(t, detectors), args.repeat)
    per_doc = timed(docs, lambda t: find_all(t, detectors), args.repeat)
    print(f"find_all per item:     {chars / per_item / MB:6.2f} M chars/s per core")
    print(f"find_all per 64 KB doc: {chars / per_doc / MB:6.2f} M chars/s per core")

    print("each detector alone, per item:")
    for detector in detectors:
        d: Detector = detector
        seconds = timed(items, d.find, 1)
        print(f"  {d.name:16s} {chars / seconds / MB:8.2f} M chars/s ({seconds * 1e3:7.1f} ms)")

    if args.peer:
        import phonenumbers

        phone = next(d for d in detectors if d.name == "phone")
        ours = timed(items, phone.find, 1)
        peer = timed(items, lambda t: list(phonenumbers.PhoneNumberMatcher(t, "US")), 1)
        print(
            f"phone detector {chars / ours / MB:.2f} M chars/s vs PhoneNumberMatcher(US) "
            f"{chars / peer / MB:.2f} M chars/s: {peer / ours:.1f}x"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
