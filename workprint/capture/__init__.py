"""Capture: the desktop agent (sources, reduction, spool, uploader). Reaches the collector
only over HTTP."""
