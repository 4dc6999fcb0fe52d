"""``python -m workprint.capture`` runs the agent's command line (``workprint agent``)."""

from workprint.capture._cli import app

app(prog_name="workprint agent")
