"""Hand-made dataset rows for the training tests."""

from __future__ import annotations

from workprint.dataset.format import ElementRow, StepRow, TargetRow


def step_row(
    episode: str,
    index: int,
    person: str,
    task: str,
    page: list[ElementRow],
    op: str,
    target: ElementRow,
    value: str | None,
) -> StepRow:
    """One web step on ``page``: ``op`` on ``target`` (an element of the page) with ``value``."""
    return StepRow(
        episode_id=episode,
        step_index=index,
        person=person,
        event_id=f"{episode}-{index}",
        t_ms=index,
        task=task,
        stream="web",
        app=None,
        url=None,
        obs_kind="elements",
        obs_event_id=None,
        obs_app=None,
        obs_url=None,
        obs_title=None,
        obs_elements=page,
        previous_actions=[],
        op=op,
        target_eid=target.eid,
        target_match="selector",
        target=TargetRow(tag=target.tag, role=target.role, name=target.name),
        value=value,
        action_repr=op,
    )
