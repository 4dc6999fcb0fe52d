"""Sources of raw input: one module per kind of input and platform, all behind the
:class:`~workprint.capture.sources.base.Source` protocol.

On Linux/X11: ``keyboard.py`` and ``mouse.py`` (pynput, over the X RECORD extension),
``window.py`` (python-xlib, the EWMH active window), ``grab.py`` (keyboard grabs held by
password prompts), ``idle.py`` (the MIT-SCREEN-SAVER idle time). ``fake.py`` plays scripted
input for tests. Heavy libraries are imported only when a source starts, and a missing one
fails with the install hint ``pip install 'workprint[agent]'``.
"""
