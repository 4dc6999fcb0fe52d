"""A plain window (class ``testbed``, title ``Notes``) that grabs the keyboard, as a password
prompt or screen locker would, prints ``grabbed``, and keeps the grab until stdin closes.

Its class is one the test policy allows in mode ``full``: only the grab can keep what is
typed into it from being recorded."""

from __future__ import annotations

import select
import sys
import time

from Xlib import X, display


def main() -> None:
    d = display.Display()
    root = d.screen().root
    win = root.create_window(
        100,
        100,
        400,
        200,
        0,
        X.CopyFromParent,
        X.InputOutput,
        X.CopyFromParent,
        event_mask=X.ExposureMask | X.KeyPressMask,
    )
    win.set_wm_class("testbed", "Testbed")
    win.set_wm_name("Notes")
    win.map()
    d.sync()
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:  # bounded: the window manager maps it quickly
        status = win.grab_keyboard(True, X.GrabModeAsync, X.GrabModeAsync, X.CurrentTime)
        if status == X.GrabSuccess:
            break
        time.sleep(0.05)
    else:
        sys.exit("could not grab the keyboard")
    sys.stdout.write("grabbed\n")
    sys.stdout.flush()
    end = time.monotonic() + 120
    while time.monotonic() < end:  # bounded; the test closes stdin long before
        ready, _, _ = select.select([sys.stdin, d.fileno()], [], [], 0.2)
        while d.pending_events():
            d.next_event()
        if sys.stdin in ready and not sys.stdin.buffer.read1(4096):
            break
    d.ungrab_keyboard(X.CurrentTime)
    d.sync()
    d.close()


if __name__ == "__main__":
    main()
