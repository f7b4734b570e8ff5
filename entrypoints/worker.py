"""`kirbygen worker`: works on queued runs from the SAQ queue named by ``QUEUE_URL``.

It reads the same environment as the API (database, storage, sessions, progress fan-out)
and takes no arguments. Any number of workers may run beside any number of API processes;
the API processes then only enqueue. SIGTERM or SIGINT stops it: running runs stop at
their next phase boundary and go back to the queue for another worker (or this one, when
it starts again). A worker killed outright stops sending its jobs' heartbeats; SAQ's sweep
in another worker puts them back after ``KIRBYGEN_JOB_HEARTBEAT_SECONDS``, checked every
``KIRBYGEN_QUEUE_SWEEP_SECONDS``. Now and then the worker also looks for runs whose job was
lost altogether (see application/recovery.py).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal

from config.container import Container
from config.settings import Settings

logger = logging.getLogger("kirbygen.worker")

STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)


def recovery_interval(settings: Settings) -> float:
    """How often to look for lost runs: rarely, since SAQ's sweep handles dead workers."""
    return float(max(60, 2 * settings.worker.sweep_seconds))


async def work(container: Container, settings: Settings, stop: asyncio.Event) -> None:
    """Work until ``stop`` is set."""
    queue = container.job_queue()
    recovery = container.run_recovery()
    await queue.start(container.job_handler())
    logger.info(
        "Kirby-Gen worker on queue %r (%d at a time)",
        settings.worker.queue_name,
        settings.worker.concurrency,
    )
    try:
        interval = recovery_interval(settings)
        while not stop.is_set():
            try:
                await recovery.recover(confirm=True)
            except Exception:  # the next look may find the database back
                logger.exception("looking for lost runs failed")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), interval)
    finally:
        logger.info("Kirby-Gen worker stopping")
        await queue.stop()


async def _main(container: Container, settings: Settings) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in STOP_SIGNALS:
        loop.add_signal_handler(signum, stop.set)
    try:
        await work(container, settings, stop)
    finally:
        for signum in STOP_SIGNALS:
            loop.remove_signal_handler(signum)


def run_worker(container: Container, settings: Settings) -> None:
    asyncio.run(_main(container, settings))
