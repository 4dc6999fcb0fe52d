"""Writes the published JSON Schema of the wire format.

Run ``python -m workprint.core.schema_export`` after changing the contract.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from workprint.core.events import json_schema


def write(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(json_schema(), indent=2, sort_keys=True) + "\n")


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else Path("docs/schema/event-v1.json")
    write(target)
    print(f"wrote {target}")
