"""Settings of the Nexus CRM demo tool: one frozen dataclass, resolved by the caller."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, slots=True)
class CrmConfig:
    """How one Nexus CRM instance runs; ``create_crm_app`` reads it once."""

    db_path: Path
    """SQLite file of the CRM (created and seeded when missing or empty)."""
    seed: int = 7
    """Seed of the generated team, companies, contacts and deals; same seed, same data."""
    secret_key: str | None = None
    """Key that derives the CSRF tokens from session ids; random per process when None."""
    embed_sdk: str | None = None
    """URL of a script added to every page's ``<head>`` (the Workprint browser SDK)."""
    sdk_endpoint: str | None = None
    """Value of that script's ``data-endpoint`` attribute (where the SDK sends events)."""
    users: int = 12
    """People in the seeded team (usernames ``alice``, ``bob``, ...)."""
    session_hours: int = 12
    """How long a sign-in lasts without activity before the person must sign in again."""
    login_failures_per_minute: int = 5
    """Failed sign-ins per username within a minute before further tries get 429."""
