"""Errors of the dataset stage: a bad spec, a missing key, an output that exists, lineage.

Every error carries a machine-readable ``code``; messages name files, settings and version
ids, never captured values or person ids.
"""

from __future__ import annotations

from workprint.core.errors import Terminal, WorkprintError


class DatasetError(WorkprintError):
    """The dataset builder could not do its work; nothing partial is left behind."""

    code = "dataset_error"


class SpecInvalid(DatasetError, Terminal):
    """The dataset spec (TOML) is not valid; the message names the setting at fault."""

    code = "dataset_spec_invalid"


class KeyMissing(DatasetError, Terminal):
    """No pseudonym key is configured; set ``WORKPRINT_DATASET__PSEUDONYM_KEY`` (hex)."""

    code = "dataset_key_missing"


class KeyMismatch(DatasetError, Terminal):
    """The pseudonym key differs from the one a dataset version was built with, so its
    pseudonyms would change; use that version's key."""

    code = "dataset_key_mismatch"


class OutputExists(DatasetError, Terminal):
    """The output folder already exists; datasets are never overwritten, choose a new one."""

    code = "dataset_output_exists"


class ManifestInvalid(DatasetError, Terminal):
    """A dataset folder has no readable ``manifest.json`` (incomplete or not a dataset), or a
    file no longer matches the hash the manifest records."""

    code = "dataset_manifest_invalid"


class VersionUnknown(DatasetError, Terminal):
    """No dataset version with that id is registered in the store."""

    code = "dataset_version_unknown"


class NothingToRebuild(DatasetError, Terminal):
    """No registered dataset version is stale; run ``workprint dataset status`` first."""

    code = "dataset_nothing_to_rebuild"


class EngineUnavailable(DatasetError, Terminal):
    """The build engine asked for is not installed (Ray: ``pip install 'workprint[dataset]'``)."""

    code = "dataset_engine_unavailable"
