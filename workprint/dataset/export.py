"""Exports besides Parquet: chat fine-tuning JSONL, trajectory JSONL, Hugging Face loading.

* ``chat-<split>.jsonl``: one line per step,
  ``{"messages": [{"role": "system", ...}, {"role": "user", ...}, {"role": "assistant", ...}]}``.
  The user turn holds the task, where the person is, the observation as a compact element list
  (``[17] button "Save"``) and the most recent previous actions; the assistant turn is the
  action in its compact form (``CLICK [17]``, ``TYPE [4] "hello"``).
* ``trajectories-<split>.jsonl``: one line per episode with all its steps (observation and
  action each), in the spirit of OpenCUA's trajectories, with element snapshots where they
  have screenshots; each snapshot is written once per episode and steps name it.
* The Parquet tables load with the Hugging Face ``datasets`` library::

      from datasets import load_dataset
      from workprint.dataset.export import hf_data_files
      steps = load_dataset("parquet", data_files=hf_data_files("out/crm-v1"))
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any, Final

import msgspec

from workprint.dataset.format import ElementRow, EpisodeRow, StepRow
from workprint.dataset.manifest import read_manifest

SYSTEM_PROMPT: Final = (
    "You operate a computer for a person at work. You see their task, where they are, the "
    'interactive elements on screen as [eid] role "name", and the actions so far. Answer '
    "with the next action only, one of: CLICK [eid], DOUBLE_CLICK [eid], RIGHT_CLICK [eid], "
    'TYPE [eid] "text", SELECT [eid] "option", KEY "keys", SCROLL dx,dy, '
    'NAVIGATE "url", SUBMIT [eid], DRAG (x,y)->(x,y). Text in <ENTITY_n> form stands for '
    "redacted personal data."
)
NO_TASK: Final = "(not stated: continue the work in progress)"
_quote = msgspec.json.Encoder().encode


def _q(value: str) -> str:
    return _quote(value).decode()


def element_line(element: ElementRow) -> str:
    """``[eid] role "name"`` plus value, options and state when present."""
    parts = [f"[{element.eid}]", element.role or element.tag or "element"]
    label = element.name or element.text
    if label:
        parts.append(_q(label))
    if element.value:
        parts.append(f"value={_q(element.value)}")
    if element.options:
        parts.append("options=" + _q("|".join(element.options)))
    if element.disabled:
        parts.append("disabled")
    return " ".join(parts)


def render_elements(
    elements: Sequence[ElementRow], target_eid: int | None, limit: int
) -> list[str]:
    """The first ``limit`` elements as lines; the target is always among them."""
    shown = list(elements[:limit])
    if target_eid is not None and all(e.eid != target_eid for e in shown):
        target = next((e for e in elements if e.eid == target_eid), None)
        if target is not None:
            shown[-1] = target
    lines = [element_line(e) for e in shown]
    if len(elements) > len(shown):
        lines.append(f"({len(elements) - len(shown)} more elements not shown)")
    return lines


def user_prompt(step: StepRow, history: int, max_elements: int) -> str:
    """The user turn of a chat example."""
    where = " ".join(p for p in (step.obs_app, step.obs_url) if p)
    lines = [f"Task: {step.task or NO_TASK}", f"Where: {where or '(unknown)'}"]
    if step.obs_title:
        lines.append(f"Title: {step.obs_title}")
    if step.obs_kind == "elements":
        lines.append("Elements:")
        lines.extend(render_elements(step.obs_elements, step.target_eid, max_elements))
    else:
        lines.append("Elements: (none observed)")
    previous = step.previous_actions[-history:] if history else []
    lines.append("Previous actions:")
    lines.extend(previous or ["(none)"])
    lines.append("Next action?")
    return "\n".join(lines)


def chat_example(step: StepRow, history: int, max_elements: int) -> dict[str, Any]:
    """One chat fine-tuning line."""
    return {
        "messages": [
            {"role": "system", "content": SYSTEM_PROMPT},
            {"role": "user", "content": user_prompt(step, history, max_elements)},
            {"role": "assistant", "content": step.action_repr},
        ]
    }


def trajectory(episode: EpisodeRow, steps: Sequence[StepRow], split: str) -> dict[str, Any]:
    """One trajectory line: the episode, its snapshots (each once, by observe event id) and
    its steps, each step naming the snapshot it saw."""
    snapshots: dict[str, list[Any]] = {}
    for s in steps:
        if s.obs_event_id is not None and s.obs_event_id not in snapshots:
            snapshots[s.obs_event_id] = [msgspec.to_builtins(e) for e in s.obs_elements]
    return {
        "episode_id": episode.episode_id,
        "person": episode.person,
        "split": split,
        "task": episode.task,
        "outcome": episode.outcome,
        "end_reason": episode.end_reason,
        "apps": episode.apps,
        "origins": episode.origins,
        "snapshots": snapshots,
        "steps": [
            {
                "step_index": s.step_index,
                "t_ms": s.t_ms,
                "event_id": s.event_id,
                "observation": {
                    "kind": s.obs_kind,
                    "app": s.obs_app,
                    "url": s.obs_url,
                    "title": s.obs_title,
                    "snapshot": s.obs_event_id,
                },
                "action": {
                    "op": s.op,
                    "target_eid": s.target_eid,
                    "target_match": s.target_match,
                    "target": msgspec.to_builtins(s.target),
                    "value": s.value,
                    "repr": s.action_repr,
                },
            }
            for s in steps
        ],
    }


def hf_data_files(root: Path | str, table: str = "steps") -> dict[str, list[str]]:
    """``split -> [parquet paths]`` of one table, for ``datasets.load_dataset("parquet",
    data_files=...)``; splits without rows are left out."""
    base = Path(root)
    manifest = read_manifest(base)
    out: dict[str, list[str]] = {}
    for name in sorted(manifest.files):
        if name.startswith(f"{table}-") and name.endswith(".parquet"):
            split = name[len(table) + 1 :].rsplit("-", 1)[0]
            out.setdefault(split, []).append(str(base / name))
    return out
