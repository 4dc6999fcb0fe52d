"""Workprint: consent-first capture of computer work, turned into training data for AI."""

__version__ = "0.1.0"
