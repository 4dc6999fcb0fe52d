"""A session vault for the redaction tests: one that has already learnt some name words."""

from __future__ import annotations

from workprint.privacy._text import Vault


def vault_knowing(*words: str) -> Vault:
    """A fresh session vault that has learnt ``words`` (committed: found from now on)."""
    vault = Vault(b"k" * 32)
    for word in words:
        vault.learn(word)
    vault.commit()
    return vault
