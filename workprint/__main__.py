"""``python -m workprint`` runs the CLI."""

from workprint.cli import main

main()
