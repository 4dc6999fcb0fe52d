"""The browser's redactor against Python's, on the labelled corpus of the privacy evaluation.

For e-mail addresses, card numbers, IBANs, IP addresses, secrets and URL credentials, every
gold value that Python's detectors find (as that entity, the evaluation's matching rule) and
remove must be gone from the browser's output too. Phone
numbers and national ids (the browser has no libphonenumber) are held to a lower bar, and
names and addresses are not compared: the browser never has the name directory, and both are
caught again at the collector. The agreement per entity is printed (`pytest -s`).
"""

from __future__ import annotations

import importlib.util
import json
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from workprint.privacy.detectors import default_detectors, find_all

ROOT = Path(__file__).resolve().parents[2]
RUNNER = ROOT / "sdk" / "test" / "parity-runner.mjs"
STRICT = ("EMAIL", "CARD", "IBAN", "IP", "SECRET", "URL_CREDENTIALS")
LENIENT = {"PHONE": 0.9, "NATIONAL_ID": 0.9}
TEXTS = 600


def _corpus_module() -> ModuleType:
    pytest.importorskip("faker")
    spec = importlib.util.spec_from_file_location("_bench_corpus", ROOT / "bench" / "_corpus.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def compared() -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    node = shutil.which("node")
    if node is None:
        pytest.skip("Node.js is not installed")
    corpus = _corpus_module().build(TEXTS, seed=2026)
    items: list[dict[str, Any]] = corpus["items"]
    result = subprocess.run(
        [node, str(RUNNER)],
        input=json.dumps([item["text"] for item in items]).encode(),
        capture_output=True,
        timeout=300,
        check=True,
    )
    outputs: list[dict[str, Any]] = json.loads(result.stdout)
    assert len(outputs) == len(items)
    return items, outputs


_LABEL = {"JWT": "SECRET", "PRIVATE_KEY": "SECRET", "PASSWORD": "SECRET", "SSN": "NATIONAL_ID"}
_LABEL["NINO"] = "NATIONAL_ID"


def _python_catches(text: str, start: int, end: int, label: str, spans: list[Any]) -> bool:
    """Python's spans of the same label cover at least half of the gold value, and the value
    no longer appears verbatim once they are replaced (the evaluation's matching rule)."""
    covered = sum(
        max(0, min(end, s.end) - max(start, s.start))
        for s in spans
        if _LABEL.get(s.entity, s.entity) == label
    )
    if covered * 2 < end - start:
        return False
    out = text
    for span in reversed(spans):
        out = out[: span.start] + "\0" + out[span.end :]
    return text[start:end] not in out


def test_browser_removes_what_python_removes(
    compared: tuple[list[dict[str, Any]], list[dict[str, Any]]],
) -> None:
    items, outputs = compared
    detectors = default_detectors()
    caught: Counter[str] = Counter()
    agreed: Counter[str] = Counter()
    leaks: list[tuple[int, str]] = []
    for item, out in zip(items, outputs, strict=True):
        spans = find_all(item["text"], detectors)
        for start, end, label in item["spans"]:
            gold = item["text"][start:end]
            if label not in (*STRICT, *LENIENT):
                continue
            if not _python_catches(item["text"], start, end, label, spans):
                continue
            caught[label] += 1
            if gold in out["text"]:
                if label in STRICT:
                    leaks.append((item["id"], label))
            else:
                agreed[label] += 1
    print("\nbrowser vs Python, gold values Python removes that the browser removes too:")
    for label in sorted(caught):
        print(
            f"  {label:16} {agreed[label]:4}/{caught[label]:<4} {agreed[label] / caught[label]:.3f}"
        )
    assert all(caught[label] for label in STRICT), "the corpus lacks an entity"
    assert leaks == [], f"browser leaves values Python removes (item id, entity): {leaks[:10]}"
    for label, floor in LENIENT.items():
        assert agreed[label] >= floor * caught[label], f"{label} agreement below {floor}"


def test_browser_flags_no_more_negative_texts_than_python(
    compared: tuple[list[dict[str, Any]], list[dict[str, Any]]],
) -> None:
    items, outputs = compared
    detectors = default_detectors()
    negatives = [(item, out) for item, out in zip(items, outputs, strict=True) if item["negative"]]
    assert negatives
    python_flagged = sum(1 for item, _ in negatives if find_all(item["text"], detectors))
    browser_flagged = sum(1 for _, out in negatives if out["spans"])
    assert browser_flagged <= python_flagged + 1
