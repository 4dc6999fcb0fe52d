"""Tests of the desktop agent (workprint.capture)."""
