"""Governance: the consent ledger, the audit log, subject rights and retention."""
