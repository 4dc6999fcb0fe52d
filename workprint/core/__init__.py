"""The shared core: the event contract, the error tree, ids, clocks and config plumbing."""
