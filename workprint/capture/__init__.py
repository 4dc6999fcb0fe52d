"""Capture: the desktop agent. Sources (keyboard, mouse, window, grabs, idle) feed a
protection gate, a pure reducer turns raw input into semantic events, the privacy engine
redacts them, a durable spool keeps them and an uploader sends them to the collector, which
it reaches only over HTTP. See ``docs/desktop.md``; the command line is ``workprint agent``
(``_cli.py``)."""
