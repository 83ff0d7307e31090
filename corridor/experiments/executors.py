"""Where runs execute: this process, local processes, or a Dask cluster; one interface.

The experiment runner (:mod:`corridor.experiments.runner`) only calls :meth:`Executor.map`,
whose :class:`RunStream` yields ``(task, result)`` pairs as runs finish, in any order. A
run's result does not depend on where or when it ran (its seed fixes every random draw), so
every executor gives the same tables. The executor is chosen at the edge, by
:func:`open_executor` from command line options, or built and passed in by a program.

``map`` keeps only a few tasks in flight at a time (twice the workers), so a sweep of
thousands of runs holds only a few tasks in memory, and an interrupted batch has little to
cancel: on Ctrl-C the runner cancels the queued runs and waits for (and keeps) the few under
way; a second Ctrl-C abandons them.
"""

from __future__ import annotations

import concurrent.futures as cf
import contextlib
import logging
import multiprocessing
import os
import signal
import threading
import time
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Iterator
from typing import Any, Generic, TypeVar

__all__ = [
    "DaskExecutor",
    "Executor",
    "LocalProcesses",
    "RunStream",
    "Serial",
    "default_workers",
    "open_executor",
]

log = logging.getLogger(__name__)

T = TypeVar("T")
R = TypeVar("R")


def default_workers() -> int:
    """The cores this process may use (its CPU affinity where the platform tells it)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


class RunStream(ABC, Generic[T, R]):
    """The results of :meth:`Executor.map`, as the runs finish.

    Iterating yields ``(task, result)`` pairs; an exception raised by a run is raised there.
    To stop early, call :meth:`finish_running` (queued runs are cancelled; the results of runs
    already under way are still yielded) and, if even that is too long to wait for,
    :meth:`abandon`.
    """

    def __iter__(self) -> RunStream[T, R]:
        return self

    @abstractmethod
    def __next__(self) -> tuple[T, R]:
        """The next finished run."""

    @abstractmethod
    def finish_running(self) -> Iterator[tuple[T, R]]:
        """Cancel what has not started; yield the runs under way as they finish."""

    def abandon(self) -> None:
        """Stop now, losing the runs under way."""


class Executor(ABC):
    """Runs a function over tasks and yields results as they come."""

    #: a short description for logs and the manifest ("2 local processes")
    description: str = ""
    #: how many runs can go on at once
    workers: int = 1

    @abstractmethod
    def map(self, fn: Callable[[T], R], tasks: Iterable[T]) -> RunStream[T, R]:
        """Start ``fn`` over ``tasks``; the stream yields ``(task, fn(task))`` as runs finish.

        Only a few tasks (twice the workers) are handed out at a time; the next one goes out
        as one finishes.
        """

    def close(self) -> None:  # noqa: B027 - optional hook
        """Release the workers (idempotent)."""

    def __enter__(self) -> Executor:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class _SerialStream(RunStream[T, R]):
    def __init__(self, fn: Callable[[T], R], tasks: Iterable[T]) -> None:
        self._fn = fn
        self._tasks = iter(tasks)

    def __next__(self) -> tuple[T, R]:
        task = next(self._tasks)
        return task, self._fn(task)

    def finish_running(self) -> Iterator[tuple[T, R]]:
        self._tasks = iter(())  # the run under way was the one interrupted
        return iter(())


class Serial(Executor):
    """Runs every task in this process, one after the other."""

    def __init__(self) -> None:
        self.description = "this process"
        self.workers = 1

    def map(self, fn: Callable[[T], R], tasks: Iterable[T]) -> RunStream[T, R]:
        return _SerialStream(fn, tasks)


def _exit_when_orphaned(parent: int) -> None:
    while True:
        time.sleep(0.5)
        if os.getppid() != parent:  # the parent died (say, killed with SIGKILL)
            os._exit(1)


def _ready() -> None:
    """A task that does nothing: submitted to start the pool's workers early."""


def _start_worker() -> None:
    """Worker start-up: leave Ctrl-C to the parent, and never outlive it.

    The parent stops its workers itself on Ctrl-C. A parent killed outright cannot, and a pool
    worker waiting for tasks would wait forever, so each worker watches its parent.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    threading.Thread(
        target=_exit_when_orphaned, args=(os.getppid(),), name="corridor-orphan-watch", daemon=True
    ).start()


class LocalProcesses(Executor):
    """Runs tasks in a pool of local processes, started with ``spawn``.

    Parameters
    ----------
    workers
        Number of processes; default all cores this process may use.

    Notes
    -----
    ``spawn`` starts each worker as a fresh interpreter that imports corridor (about a second),
    so the pool is started once and reused for every run; it is safe on every platform and
    in programs that use threads. Workers ignore Ctrl-C: the parent cancels what is queued,
    waits for the runs under way, and on a second Ctrl-C stops the workers.
    """

    def __init__(self, workers: int | None = None) -> None:
        self.workers = workers or default_workers()
        if self.workers < 1:
            raise ValueError(f"workers must be >= 1, got {self.workers}")
        self.description = f"{self.workers} local process{'es' if self.workers > 1 else ''}"
        self._pool: cf.ProcessPoolExecutor | None = None

    def start(self) -> LocalProcesses:
        """Start the workers now, in the background (each takes about a second to import
        corridor), so that they are ready when the first runs come; returns ``self``."""
        pool = self._started()
        for _ in range(self.workers):
            pool.submit(_ready)
        return self

    def _started(self) -> cf.ProcessPoolExecutor:
        if self._pool is None:
            self._pool = cf.ProcessPoolExecutor(
                max_workers=self.workers,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=_start_worker,
            )
        return self._pool

    def map(self, fn: Callable[[T], R], tasks: Iterable[T]) -> RunStream[T, R]:
        return _PoolStream(self, self._started(), fn, tasks)

    def _stop_workers(self) -> None:
        """Stop the workers now, abandoning the runs they are doing.

        The pool has no public way to stop a busy worker (Python 3.14 adds one); these
        processes are ours. A worker stopped while it sends a result can leave a partial
        message in the result pipe, on which the pool's manager thread would wait forever, so
        that thread is also taken off the list that the interpreter joins at exit.
        """
        pool, self._pool = self._pool, None
        if pool is None:
            return
        processes = list(getattr(pool, "_processes", {}).values())
        pool.shutdown(wait=False, cancel_futures=True)
        for process in processes:
            with contextlib.suppress(Exception):
                process.terminate()
        for process in processes:
            with contextlib.suppress(Exception):
                process.join(timeout=5)
        manager = getattr(pool, "_executor_manager_thread", None)
        registry = getattr(cf.process, "_threads_wakeups", None)
        if manager is not None and isinstance(registry, dict):
            registry.pop(manager, None)

    def close(self) -> None:
        pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)


class _PoolStream(RunStream[T, R]):
    def __init__(
        self,
        owner: LocalProcesses,
        pool: cf.ProcessPoolExecutor,
        fn: Callable[[T], R],
        tasks: Iterable[T],
    ) -> None:
        self._owner = owner
        self._pool = pool
        self._fn = fn
        self._pending = iter(tasks)
        self._running: dict[cf.Future[R], T] = {}
        for task in self._pending:
            self._submit(task)
            if len(self._running) >= 2 * owner.workers:
                break

    def _submit(self, task: T) -> None:
        self._running[self._pool.submit(self._fn, task)] = task

    def _take(self) -> tuple[T, R]:
        done, _ = cf.wait(self._running, return_when=cf.FIRST_COMPLETED)
        future = next(iter(done))
        task = self._running.pop(future)
        return task, future.result()

    def __next__(self) -> tuple[T, R]:
        if not self._running:
            raise StopIteration
        task, result = self._take()
        for nxt in self._pending:
            self._submit(nxt)
            break
        return task, result

    def finish_running(self) -> Iterator[tuple[T, R]]:
        self._pending = iter(())
        for future in list(self._running):
            if future.cancel():
                del self._running[future]
        while self._running:
            yield self._take()

    def abandon(self) -> None:
        self._pending = iter(())
        for future in self._running:
            future.cancel()
        if any(not f.done() for f in self._running):
            self._owner._stop_workers()
        self._running.clear()


class _DaskStream(RunStream[T, R]):
    def __init__(self, client: Any, workers: int, fn: Callable[[T], R], tasks: Iterable[T]) -> None:
        # dask is heavy (about 0.3 s to import) and only needed on a cluster: import it here
        from distributed import as_completed

        self._client = client
        self._fn = fn
        self._pending = iter(tasks)
        self._running: dict[Any, T] = {}
        first = [self._submit(t) for _, t in zip(range(2 * workers), self._pending, strict=False)]
        self._stream = iter(as_completed(first))  # type: ignore[no-untyped-call]
        self._as_completed = self._stream

    def _submit(self, task: T) -> Any:
        future = self._client.submit(self._fn, task, pure=False)
        self._running[future] = task
        return future

    def __next__(self) -> tuple[T, R]:
        future = next(self._stream)
        task = self._running.pop(future)
        result: R = future.result()
        for nxt in self._pending:
            self._as_completed.add(self._submit(nxt))  # type: ignore[attr-defined]
            break
        return task, result

    def finish_running(self) -> Iterator[tuple[T, R]]:
        # Dask does not tell a queued task from a running one cheaply: cancel them all
        self.abandon()
        return iter(())

    def abandon(self) -> None:
        self._pending = iter(())
        if self._running:
            self._client.cancel(list(self._running))
        self._running.clear()


class DaskExecutor(Executor):
    """Runs tasks on a Dask distributed cluster.

    Parameters
    ----------
    scheduler
        The scheduler's address (``tcp://host:8786``); None starts a
        ``distributed.LocalCluster`` on this machine, closed again by :meth:`close`.
    n_workers, threads_per_worker, processes
        For the local cluster only: its worker count (default all cores), threads per
        worker (runs hold the GIL, so 1) and whether workers are processes (default) or
        threads in this process.

    Notes
    -----
    Workers need corridor installed (the same version); they need neither the scenario nor
    the network files, which travel with the tasks. Results come back to this process, which
    alone writes the store, so the store need not be on a shared file system.
    """

    def __init__(
        self,
        scheduler: str | None = None,
        *,
        n_workers: int | None = None,
        threads_per_worker: int = 1,
        processes: bool = True,
    ) -> None:
        # dask is heavy (about 0.3 s to import) and only needed on a cluster: import it here
        from distributed import Client, LocalCluster

        self._cluster: Any = None
        if scheduler is None:
            self._cluster = LocalCluster(  # type: ignore[no-untyped-call]
                n_workers=n_workers or default_workers(),
                threads_per_worker=threads_per_worker,
                processes=processes,
                dashboard_address=":0",  # a free port: another cluster may hold 8787
            )
            self._client: Any = Client(self._cluster)  # type: ignore[no-untyped-call]
        else:
            self._client = Client(scheduler)  # type: ignore[no-untyped-call]
        info = self._client.scheduler_info()
        self.workers = max(
            1, sum(int(w.get("nthreads", 1)) for w in info.get("workers", {}).values())
        )
        where = "local Dask cluster" if scheduler is None else f"Dask cluster at {scheduler}"
        self.description = f"{where} ({self.workers} worker threads)"

    def map(self, fn: Callable[[T], R], tasks: Iterable[T]) -> RunStream[T, R]:
        return _DaskStream(self._client, self.workers, fn, tasks)

    def close(self) -> None:
        client, self._client = self._client, None
        if client is not None:
            client.close()
        cluster, self._cluster = self._cluster, None
        if cluster is not None:
            cluster.close()


def open_executor(
    jobs: int | None = None, scheduler: str | None = None, dask_local: bool = False
) -> Executor:
    """The executor for command-line options.

    Parameters
    ----------
    jobs
        Local processes (default all cores); 1 runs in this process.
    scheduler
        A Dask scheduler address: run there.
    dask_local
        Start a Dask ``LocalCluster`` with ``jobs`` workers.
    """
    if scheduler is not None:
        return DaskExecutor(scheduler)
    if dask_local:
        return DaskExecutor(None, n_workers=jobs)
    if jobs == 1:
        return Serial()
    return LocalProcesses(jobs).start()
