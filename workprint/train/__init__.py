"""Training and evaluation of next-action models; reads datasets, never the store."""
