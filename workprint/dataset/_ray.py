"""The ``ray`` build engine: each person's steps built by a Ray Data pipeline.

The pipeline is ``from_items(people) -> map_batches(build one person)``, with Ray Data's
``preserve_order`` on, and its output (records encoded with MessagePack, in order) goes to the
same writer as the local engine's, so both engines write the same bytes. Workers open their own
connection to the store from its URL (SQLite on one machine, PostgreSQL on a cluster) and read
only their person's rows; they get a redaction sub-key and pseudonyms made by the build
process, never the pseudonym key.

Ray is imported only here, only when this engine is chosen. With no Ray running, a local
one is started for the build (and stopped after); to use a cluster, pass its address
(``auto`` inside one), or call ``ray.init(...)`` yourself before building.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Iterable, Iterator
from typing import Any

from sqlalchemy.engine import Engine

from workprint.dataset._arrow import pa
from workprint.dataset._person import PersonJob, Record, WorkerContext, person_records, record_codec
from workprint.dataset.errors import DatasetError, EngineUnavailable

_ENGINES: dict[str, Engine] = {}
_RECORDS_PER_BATCH = 32


def _worker_engine(url: str) -> Engine:
    engine = _ENGINES.get(url)
    if engine is None:
        from workprint.store.engine import create_engine

        engine = _ENGINES[url] = create_engine(url, pool_size=1)
    return engine


def _empty() -> Any:
    return pa.table(
        {
            "order": pa.array([], pa.int64()),
            "index": pa.array([], pa.int64()),
            "payload": pa.array([], pa.binary()),
        }
    )


def build_people(batch: Any, *, url: str, ctx: WorkerContext) -> Iterator[Any]:
    """Ray Data UDF: the records of the people in ``batch``, as Arrow tables of
    ``(order, index, payload)``."""
    engine = _worker_engine(url)
    encode = record_codec[0].encode
    rows = batch.to_pylist()
    for row in rows:
        job = PersonJob(order=row["order"], person_id=row["person_id"], pseudonym=row["pseudonym"])
        orders: list[int] = []
        indexes: list[int] = []
        payloads: list[bytes] = []
        for index, record in enumerate(person_records(engine, job, ctx)):
            orders.append(job.order)
            indexes.append(index)
            payloads.append(encode(record))
            if len(payloads) >= _RECORDS_PER_BATCH:
                yield pa.table({"order": orders, "index": indexes, "payload": payloads})
                orders, indexes, payloads = [], [], []
        if payloads:
            yield pa.table({"order": orders, "index": indexes, "payload": payloads})
    if not rows:
        yield _empty()


def ray_records(
    engine: Engine, jobs: list[PersonJob], ctx: WorkerContext, *, address: str | None = None
) -> Iterator[Record]:
    """The records of every job, in job order, built by Ray workers."""
    try:
        import ray
        import ray.data
    except ImportError as exc:
        raise EngineUnavailable(
            "the ray engine needs Ray: pip install 'workprint[dataset]'"
        ) from exc
    if not jobs:
        return
    started = False
    if not ray.is_initialized():
        if address:
            ray.init(address=address, log_to_driver=False)
        else:
            ray.init(num_cpus=os.cpu_count() or 1, include_dashboard=False, log_to_driver=False)
        started = True
    context = ray.data.DataContext.get_current()
    previous = (context.execution_options.preserve_order, context.enable_progress_bars)
    context.execution_options.preserve_order = True
    context.enable_progress_bars = False
    try:
        url = engine.url.render_as_string(hide_password=False)
        items = [
            {"order": j.order, "person_id": j.person_id, "pseudonym": j.pseudonym} for j in jobs
        ]
        dataset = ray.data.from_items(items, override_num_blocks=len(items)).map_batches(
            functools.partial(build_people, url=url, ctx=ctx),
            batch_size=1,
            batch_format="pyarrow",
        )
        decode = record_codec[1].decode
        last = (-1, -1)
        tables: Iterable[Any] = dataset.iter_batches(batch_size=None, batch_format="pyarrow")
        for table in tables:
            columns = table.to_pydict()
            for order, index, payload in zip(
                columns["order"], columns["index"], columns["payload"], strict=True
            ):
                if (order, index) <= last:
                    raise DatasetError("ray returned records out of order; the build stopped")
                last = (order, index)
                yield decode(payload)
    finally:
        context.execution_options.preserve_order, context.enable_progress_bars = previous
        if started:
            ray.shutdown()
