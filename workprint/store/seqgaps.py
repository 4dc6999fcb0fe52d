"""Sequence gaps per (device, stream): pure bookkeeping of which ``seq`` values are missing.

Agents number events per (device, stream) from 1 upwards. The collector keeps the highest
``seq`` seen and the open ranges below it that never arrived. A late event that fills part of
a range splits or shrinks it. Ranges are inclusive ``(from_seq, to_seq)``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

Range = tuple[int, int]


def advance(max_seq: int, gaps: Sequence[Range], seqs: Iterable[int]) -> tuple[int, list[Range]]:
    """New ``(max_seq, gaps)`` after the events numbered ``seqs`` arrived.

    ``max_seq`` is 0 for a stream never seen. Values already seen are harmless.
    """
    arrived = sorted(set(seqs))
    result = list(gaps)
    highest = max_seq
    late = [s for s in arrived if s <= max_seq]
    if late:
        result = _fill(result, late)
    for s in arrived:
        if s <= highest:
            continue
        if s > highest + 1:
            result.append((highest + 1, s - 1))
        highest = s
    return highest, sorted(result)


def _fill(gaps: list[Range], late: list[int]) -> list[Range]:
    out: list[Range] = []
    for lo, hi in gaps:
        pieces = [(lo, hi)]
        for s in late:
            if s < lo or s > hi:
                continue
            next_pieces: list[Range] = []
            for a, b in pieces:
                if a <= s <= b:
                    if a <= s - 1:
                        next_pieces.append((a, s - 1))
                    if s + 1 <= b:
                        next_pieces.append((s + 1, b))
                else:
                    next_pieces.append((a, b))
            pieces = next_pieces
        out.extend(pieces)
    return out


def missing_count(gaps: Iterable[Range]) -> int:
    """How many events the gaps stand for."""
    return sum(hi - lo + 1 for lo, hi in gaps)
