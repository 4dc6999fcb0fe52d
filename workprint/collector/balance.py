"""Even connections across worker processes: least-connections rebalancing.

With ``workprint serve --workers N`` each worker listens on the port with ``SO_REUSEPORT`` and
the kernel hands each new connection to one of them by a hash of its addresses. Agents keep
one connection open for as long as they run, so a handful of agents can land unevenly: eight
connections over two workers split 5:3 or worse in 73% of cases (binomially, only 70 of the
256 ways are 4:4). The busier worker's agents then wait longer while the other worker's
core has time to spare.

Each worker publishes how many connections it holds (uvicorn's own count, every 0.1 s) in
a small array the workers share. A worker holding more than its fair share,
``ceil(total / workers)``, answers the next finished batch with ``Connection: close``; the
agent's next batch opens a new connection, which the kernel places afresh. The surplus
drains until the counts are even, and then nothing more is closed. No batch is refused or
delayed: only the connection of a batch already answered is closed, and every HTTP client
reconnects on its own. This is the least-connections policy of load balancers (HAProxy's
``leastconn``) applied by the workers themselves, since the kernel's hash cannot.
"""

from __future__ import annotations

from collections.abc import MutableSequence


class Balancer:
    """One worker's view of the shared connection counts (used from its event loop only)."""

    def __init__(self, counts: MutableSequence[int], index: int) -> None:
        if not 0 <= index < len(counts):
            raise ValueError("worker index out of range")
        self._counts = counts
        self._index = index
        self._shed = 0

    def publish(self, connections: int) -> None:
        """Record how many connections this worker holds now."""
        self._counts[self._index] = connections
        self._shed = 0

    def should_close(self) -> bool:
        """Whether to close the connection of the batch just answered: this worker holds
        more than its fair share, counting the connections it already asked to close since
        it last published."""
        counts = list(self._counts)
        fair = -(-sum(counts) // len(counts))
        if counts[self._index] - self._shed > fair:
            self._shed += 1
            return True
        return False


_balancer: Balancer | None = None


def install(balancer: Balancer | None) -> None:
    """Make ``balancer`` the one of this process (``None``: a lone worker, never closes)."""
    global _balancer
    _balancer = balancer


def publish(connections: int) -> None:
    if _balancer is not None:
        _balancer.publish(connections)


def should_close() -> bool:
    """Whether this process's worker should close the connection of the batch just answered."""
    return _balancer is not None and _balancer.should_close()
