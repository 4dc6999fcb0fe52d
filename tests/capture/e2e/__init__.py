"""Desktop end-to-end tests: a real X server (Xvfb), window manager, apps and agent."""
