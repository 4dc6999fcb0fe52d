"""The researcher's pages (pseudonymous datasets and approved exports) and the aggregates.

Researchers see dataset versions with counts of people per split, never who. A version
leaves the store only through an export the privacy officer approved; the download is a zip
of the version's folder, refused once the version is stale. The aggregates page and its JSON
twin are the only activity summaries in Workprint (see ``governance/aggregates.py``).
"""

from __future__ import annotations

import tempfile
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Annotated

import msgspec
from fastapi import FastAPI, Form, Query, Request
from fastapi.responses import Response, StreamingResponse

from workprint.collector.portal._access import viewer
from workprint.collector.portal._context import Portal
from workprint.core.clock import from_epoch_ms
from workprint.governance import aggregates, approvals
from workprint.governance.errors import ExportUnavailable

_ZIP_CHUNK = 1 << 16


def _zip_folder(folder: Path) -> IO[bytes]:
    spool = tempfile.SpooledTemporaryFile(max_size=32 << 20)  # noqa: SIM115 - streamed, closed below
    with zipfile.ZipFile(spool, "w", compression=zipfile.ZIP_STORED) as archive:
        for path in sorted(p for p in folder.rglob("*") if p.is_file() and not p.is_symlink()):
            archive.write(path, path.relative_to(folder).as_posix())
    spool.seek(0)
    return spool


def _stream(spool: IO[bytes]) -> Iterator[bytes]:
    try:
        while chunk := spool.read(_ZIP_CHUNK):
            yield chunk
    finally:
        spool.close()


def add(app: FastAPI, portal: Portal) -> None:
    web = portal.web

    @app.get("/research/datasets", name="research.datasets")
    def research_datasets(request: Request) -> Response:
        who = viewer(request)
        with portal.read() as conn:
            known = approvals.versions(conn)
            mine = approvals.requests(conn, requested_by=who.username)
        return web.page(
            request,
            "research_datasets.html",
            versions=known,
            requests=mine,
            now=portal.now(),
            done=request.query_params.get("done"),
        )

    @app.post("/research/exports", name="research.exports.request")
    def research_exports_request(
        request: Request,
        version_id: Annotated[str, Form(max_length=64)],
        purpose: Annotated[str, Form(max_length=2000)],
    ) -> Response:
        with portal.write() as conn:
            approvals.request(
                conn,
                version_id,
                purpose,
                requested_by=viewer(request).username,
                at_ms=portal.now(),
            )
        return web.redirect(request, "research.datasets", query="done=requested")

    @app.get("/research/exports/{export_id}/download", name="research.exports.download")
    def research_exports_download(request: Request, export_id: str) -> Response:
        with portal.write() as conn:
            version_id, out_dir = approvals.download_version(
                conn, export_id, requested_by=viewer(request).username, at_ms=portal.now()
            )
        folder = Path(out_dir)
        if not (folder / "manifest.json").is_file():
            raise ExportUnavailable(
                "the dataset version's files are not on this server", export_id=export_id
            )
        return StreamingResponse(
            _stream(_zip_folder(folder)),
            media_type="application/zip",
            headers={"Content-Disposition": f'attachment; filename="{version_id}.zip"'},
        )

    def current_month() -> str:
        return from_epoch_ms(portal.now()).strftime("%Y-%m")

    @app.get("/aggregates", name="aggregates")
    def aggregate_page(
        request: Request,
        view: Annotated[str, Query(max_length=16)] = "apps",
        month: Annotated[str, Query(max_length=32)] = "",
    ) -> Response:
        chosen = month or current_month()
        with portal.read() as conn:
            result = aggregates.aggregate(conn, view, chosen)
        return web.page(request, "aggregates.html", result=result, views=aggregates.VIEWS)

    @app.get("/api/aggregates", name="api.aggregates")
    def aggregate_api(
        request: Request,
        view: Annotated[str, Query(max_length=16)] = "apps",
        month: Annotated[str, Query(max_length=32)] = "",
    ) -> Response:
        with portal.read() as conn:
            result = aggregates.aggregate(conn, view, month or current_month())
        return Response(msgspec.json.encode(result), media_type="application/json")
