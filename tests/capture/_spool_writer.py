"""A child process for the crash test: appends events to a spool, one transaction each, and
prints the number of events committed after every append (then is killed with SIGKILL)."""

from __future__ import annotations

import sys
from pathlib import Path

from tests.capture._policies import pipeline
from workprint.capture.sources.fake import FakeSource, Script


def main(folder: str) -> None:
    p = pipeline(Path(folder))
    script = Script().allow().focus(1, "testbed", "notes")
    FakeSource(script.records).start(p.feed)
    for n in range(100_000):  # bounded; the parent kills it long before
        step = Script(start=script.now).click(n % 500, 7).wait(1).tick()
        script = step
        FakeSource(step.records).start(p.feed)
        sys.stdout.write(f"{p.stats.written}\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main(sys.argv[1])
