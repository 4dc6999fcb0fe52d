"""Lazy access to the optional X11 libraries (pynput, python-xlib) with one install hint.

They are imported only when a desktop source starts, through :func:`load`, so the package
imports and type-checks without them; the returned modules are untyped (``Any``) and are
converted to the records of ``base.py`` at once.
"""

from __future__ import annotations

import contextlib
import importlib
import importlib.util
import logging
import os
import threading
from typing import Any, Final

from workprint.capture.errors import AgentExtraMissing, DisplayUnavailable

log = logging.getLogger(__name__)

INSTALL_HINT: Final = "pip install 'workprint[agent]'"


def load(module: str) -> Any:
    """Import ``module`` (``pynput.keyboard``, ``Xlib.display``...); a missing library is
    :class:`AgentExtraMissing`, a display pynput cannot open is :class:`DisplayUnavailable`."""
    root = module.split(".", 1)[0]
    if importlib.util.find_spec(root) is None:
        raise AgentExtraMissing(f"desktop capture needs {root}: {INSTALL_HINT}")
    if not os.environ.get("DISPLAY"):
        raise DisplayUnavailable("no X11 display: DISPLAY is not set (the agent needs X11)")
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        raise DisplayUnavailable(f"cannot use the X11 display through {root}") from exc


def open_display() -> Any:
    """A new python-xlib connection to ``$DISPLAY``."""
    display = load("Xlib.display")
    xerror = load("Xlib.error")
    try:
        return display.Display()
    except (xerror.DisplayError, xerror.ConnectionClosedError, OSError) as exc:
        raise DisplayUnavailable("cannot open the X11 display named by DISPLAY") from exc


def x_errors() -> tuple[type[BaseException], ...]:
    """The exceptions python-xlib raises for a request that failed (window gone...)."""
    xerror = load("Xlib.error")
    return (xerror.XError, xerror.ConnectionClosedError)


def ignore_error(*_args: object) -> bool:
    """An ``onerror`` handler for requests whose failure does not matter (window gone); true
    tells python-xlib the error was handled (else it prints it)."""
    return True


_START_OF_DATA: Final = 4
"""``XRecordStartOfData``: the X server has begun recording for a context."""


def start_listener(listener: Any, timeout_s: float = 5.0) -> None:
    """Start a pynput listener and return once the X server really records for it.

    pynput reports itself ready before it enables its RECORD context, so input in the next
    moment would be missed; the first reply of an enabled context (``StartOfData``) is the
    true signal. The hook uses pynput internals (pinned by the ``agent`` extra); without them
    the listener is simply started."""
    ready = threading.Event()
    original = getattr(listener, "_handler", None)
    if callable(original):

        def handler(reply: Any) -> Any:
            if getattr(reply, "category", None) == _START_OF_DATA:
                ready.set()
            return original(reply)

        listener._handler = handler
    else:
        ready.set()
    listener.start()
    listener.wait()
    if not ready.wait(timeout_s):
        log.warning("the X server did not confirm recording in %.0f s", timeout_s)


def stop_listener(listener: Any, timeout_s: float = 5.0) -> None:
    """Stop a pynput listener without waiting for the next input event: pynput's own stop
    leaves its disable request unsent on a blocked connection, so it is sent (and flushed)
    on the listener's other connection too."""
    listener.stop()
    display = getattr(listener, "_display_stop", None)
    context = getattr(listener, "_context", None)
    if display is not None and context is not None:
        with contextlib.suppress(Exception):
            display.record_disable_context(context)
            display.flush()
    listener.join(timeout_s)
