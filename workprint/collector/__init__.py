"""The collector: the HTTP ingest service (FastAPI), its auth, admin and portal."""
