"""Bounded work per file: worker processes with a memory limit and a deadline per file,
and a pool that survives a worker's death.

* Each worker limits its own address space (``RLIMIT_AS``: what it had when it started plus
  :attr:`Limits.memory_mb`): a file that needs more gets a ``MemoryError``, which makes
  that file ``failed`` with a sentence.
* Each file has a deadline (:attr:`Limits.seconds`): a ``SIGALRM`` stops the parse at the
  next line of Python; if the parse is stuck inside a library, a watchdog thread in C
  (``faulthandler``) ends the worker a little later.
* A worker that dies (killed, out of memory, a crash in a library) breaks the pool
  (``BrokenProcessPool``): the pool is replaced, the files of the lost chunk are retried
  one by one, and a file that kills its worker again is ``failed`` with a sentence. The
  run always ends, with a row for every file.

:class:`Background` runs one function in a process of its own beside the caller (an
ingest writes ``values.csv`` there while it finishes the rest).
"""

from __future__ import annotations

import faulthandler
import math
import multiprocessing
import multiprocessing.context
import os
import pickle
import signal
import subprocess
import sys
import time
import types
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sized
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

DEFAULT_MEMORY_MB = 2048.0
DEFAULT_SECONDS = 300.0
#: After the deadline, how long a parse stuck in a library has before its worker is ended.
GRACE_SECONDS = 30.0


@dataclass(frozen=True, slots=True)
class Limits:
    """What one file may take: memory (MB above what a worker starts with), seconds."""

    memory_mb: float = DEFAULT_MEMORY_MB
    seconds: float = DEFAULT_SECONDS
    grace: float = GRACE_SECONDS  # then a parse stuck in a library ends its worker


class Overtime(BaseException):
    """A file's deadline passed (a BaseException, so no parser's ``except Exception``
    swallows it)."""


def _address_space() -> int:
    try:
        with open("/proc/self/statm", "rb") as fh:
            return int(fh.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


def _alarm(signum: int, frame: Any) -> None:
    raise Overtime()


_devnull: Any = None


def init_worker(limits: Limits) -> None:
    """Set a worker's memory limit and deadline handler (the pool's initializer)."""
    global _devnull
    try:
        import resource

        limit = _address_space() + int(limits.memory_mb * 2**20)
        _, hard = resource.getrlimit(resource.RLIMIT_AS)
        if hard != resource.RLIM_INFINITY:
            limit = min(limit, hard)
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    except (ImportError, ValueError, OSError):  # not on a POSIX system
        pass
    if hasattr(signal, "SIGALRM"):
        signal.signal(signal.SIGALRM, _alarm)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    _devnull = open(os.devnull, "w")


#: The watchdog is re-armed only when its last arming is older than this (re-arming for
#: every file costs a thread wake-up each); a stuck file is ended at most this much later.
REARM_SECONDS = 5.0
_armed_at = -math.inf


def start_deadline(limits: Limits) -> None:
    """Arm the deadline of one file (in a worker made by :func:`init_worker`)."""
    global _armed_at
    if _devnull is None:
        return  # not a worker: the caller's process is not ours to stop
    if hasattr(signal, "setitimer"):
        signal.setitimer(signal.ITIMER_REAL, limits.seconds)
    rearm = min(REARM_SECONDS, limits.seconds)
    now = time.monotonic()
    if now - _armed_at > rearm:  # the watchdog fires ≥ seconds + grace after this file began
        faulthandler.dump_traceback_later(limits.seconds + limits.grace + rearm, exit=True,
                                          file=_devnull)
        _armed_at = now


def stop_deadline() -> None:
    """Disarm the deadline of :func:`start_deadline` (the watchdog stays armed until
    :func:`stop_watchdog`)."""
    if _devnull is not None and hasattr(signal, "setitimer"):
        signal.setitimer(signal.ITIMER_REAL, 0)


def stop_watchdog() -> None:
    """Disarm the watchdog (a worker waiting for work is not stuck)."""
    global _armed_at
    if _devnull is not None:
        faulthandler.cancel_dump_traceback_later()
        _armed_at = -math.inf


def _context(first: bool) -> Any:
    # the first pool forks (the parent has imported everything, and no thread of ours runs
    # yet); a replacement starts from a fork server, as threads may run by then
    if sys.platform.startswith("linux"):
        return multiprocessing.get_context("fork") if first else _NoMainForkServerContext()
    return _NoMainSpawnContext()


@contextmanager
def _main_left_out() -> Iterator[None]:
    """While a process starts: :mod:`multiprocessing`'s spawn and fork server hand a new
    process the caller's main script, which it runs again (as ``__mp_main__``), so a
    script without an ``if __name__ == "__main__"`` guard would start its ingest again in
    every replacement worker, each waiting on the first's output folder: a run that never
    ends. Our workers run only reportkit's functions and need none of it: the main module
    is a bare one while the process's start is prepared."""
    main = sys.modules.get("__main__")
    sys.modules["__main__"] = types.ModuleType("__main__")
    try:
        yield
    finally:
        if main is None:
            del sys.modules["__main__"]
        else:
            sys.modules["__main__"] = main


class _NoMainForkServerProcess(multiprocessing.context.ForkServerProcess):
    @staticmethod
    def _Popen(process_obj: Any) -> Any:
        with _main_left_out():
            return multiprocessing.context.ForkServerProcess._Popen(process_obj)


class _NoMainSpawnProcess(multiprocessing.context.SpawnProcess):
    @staticmethod
    def _Popen(process_obj: Any) -> Any:
        with _main_left_out():
            return multiprocessing.context.SpawnProcess._Popen(process_obj)


class _NoMainForkServerContext(multiprocessing.context.ForkServerContext):
    Process = _NoMainForkServerProcess


class _NoMainSpawnContext(multiprocessing.context.SpawnContext):
    Process = _NoMainSpawnProcess


class Background:
    """``function(*args)`` in a process of its own while the caller goes on: a fresh
    interpreter (``sys.executable``) that is handed the caller's ``sys.path``, the
    function and its arguments (pickled, on its standard input) and hands back the
    outcome (on its standard output). Unlike :mod:`multiprocessing`'s spawn, it never
    runs the caller's main script again (a script without an ``if __name__ ==
    "__main__"`` guard is safe), and no thread of the caller's is forked with it; its CPU
    time counts in the caller's. :meth:`wait` gives the result or raises the exception
    it raised; :meth:`stop` ends it. ``function`` and ``args`` must pickle (a module's
    function, plain data)."""

    def __init__(self, function: Callable[..., Any], *args: Any) -> None:
        self._process = subprocess.Popen([sys.executable, "-c", _SERVE], stdin=subprocess.PIPE,
                                         stdout=subprocess.PIPE)
        assert self._process.stdin is not None
        try:
            with self._process.stdin as stdin:
                pickle.dump(sys.path, stdin)
                pickle.dump((function, args), stdin, protocol=pickle.HIGHEST_PROTOCOL)
        except BrokenPipeError:
            pass  # the process ended already: wait() says how
        except BaseException:
            self.stop()
            raise

    def wait(self) -> Any:
        """The function's result, once it returns; raises what it raised, or an
        ``OSError`` naming the exit code if the process died without a word."""
        assert self._process.stdout is not None
        with self._process.stdout as stdout:
            try:
                done, value = pickle.load(stdout)
            except (EOFError, pickle.UnpicklingError):
                code = self._process.wait()
                raise OSError(f"the process writing in the background died (exit code "
                              f"{code}; killed, or out of memory)") from None
        self._process.wait()
        if done:
            return value
        raise value

    def stop(self) -> None:
        """End the process (if still running) and wait for it."""
        if self._process.poll() is None:
            self._process.terminate()
        self._process.wait()
        if self._process.stdout is not None:
            self._process.stdout.close()


#: What the process of a :class:`Background` runs.
_SERVE = ("import pickle, sys; sys.path[:0] = pickle.load(sys.stdin.buffer); "
          "data = sys.stdin.buffer.read(); "  # at once: the caller is not kept waiting
          "from reportkit.corpus.workers import serve_background; serve_background(data)")


def serve_background(data: bytes) -> None:
    """The process of a :class:`Background`: run the function and its arguments pickled
    in ``data`` (its standard input), write ``(True, result)`` or ``(False, exception)``
    to standard output."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    out = sys.stdout.buffer
    sys.stdout = sys.stderr  # what the function prints is not mistaken for the outcome
    try:
        function, args = pickle.loads(data)
        outcome = (True, function(*args))
    except BaseException as exc:  # handed to the caller, which raises it
        outcome = (False, exc)
    try:
        data = pickle.dumps(outcome, protocol=pickle.HIGHEST_PROTOCOL)
    except Exception as exc:  # the result or the exception does not pickle
        data = pickle.dumps((False, OSError(f"{type(outcome[1]).__name__}: {outcome[1]} "
                                            f"({type(exc).__name__}: {exc})")))
    out.write(data)
    out.flush()


Task = Any
Chunk = list[Task]


def robust_map(work: Callable[[Chunk], Any], chunks: Iterable[Chunk], jobs: int,
               limits: Limits, lost: Callable[[Task, str], Any],
               n_chunks: int | None = None) -> Iterator[Any]:
    """``work(chunk)`` for every chunk, in worker processes, results in order.

    When a worker dies, each file of its chunk is retried alone; a file whose worker dies
    again gives ``lost(task, sentence)`` (a result for a one-file chunk) instead.
    ``chunks`` is read as the window ahead needs it (an iterator over a corpus's files is
    never held whole); ``n_chunks``, when known (else ``len(chunks)`` for a list), keeps
    the pool no larger than the work. The first workers start here, before the first
    result is asked for (so that no thread the caller starts later is forked with them).
    """
    if n_chunks is None and isinstance(chunks, Sized):
        n_chunks = len(chunks)
    size = max(1, jobs if n_chunks is None else min(jobs, n_chunks))
    pool = ProcessPoolExecutor(size, mp_context=_context(True), initializer=init_worker,
                               initargs=(limits,))
    window = _Window(iter(chunks), max(1, jobs) * AHEAD_PER_JOB + 1)
    window.submit_ahead(pool, work)
    return _results(pool, window, work, jobs, limits, lost)


#: Chunks handed to the pool ahead of the one the caller waits for, per worker: enough to
#: keep every worker busy, few enough that results a slow caller has not taken yet do not
#: pile up in its memory (at most this many per worker are parsed and waiting).
AHEAD_PER_JOB = 3


class _Window:
    """The chunks from the one the caller waits for on, each with its future (None: not
    submitted yet), taken from ``source`` as the window moves on."""

    def __init__(self, source: Iterator[Chunk], width: int) -> None:
        self.source = source
        self.width = width
        self.slots: deque[tuple[Chunk, Future | None]] = deque()

    def _fill(self) -> bool:
        """At least one slot, if any chunk is left."""
        if not self.slots:
            chunk = next(self.source, None)
            if chunk is None:
                return False
            self.slots.append((chunk, None))
        return True

    def submit_ahead(self, pool: ProcessPoolExecutor, work: Callable[[Chunk], Any]) -> None:
        """Submit the chunks within the window not submitted yet."""
        while len(self.slots) < self.width:
            chunk = next(self.source, None)
            if chunk is None:
                break
            self.slots.append((chunk, None))
        for i in range(min(len(self.slots), self.width)):
            chunk, future = self.slots[i]
            if future is None:
                self.slots[i] = (chunk, _submit(pool, work, chunk))


def _results(pool: ProcessPoolExecutor, window: _Window, work: Callable[[Chunk], Any],
             jobs: int, limits: Limits, lost: Callable[[Task, str], Any]) -> Iterator[Any]:
    slots = window.slots
    try:
        while window._fill():
            window.submit_ahead(pool, work)
            chunk, future = slots[0]
            assert future is not None
            try:
                result = future.result()
            except Exception as exc:
                if isinstance(exc, BrokenProcessPool):
                    pool.shutdown(wait=True, cancel_futures=True)
                    pool = ProcessPoolExecutor(max(1, jobs), mp_context=_context(False),
                                               initializer=init_worker, initargs=(limits,))
                if len(chunk) == 1:
                    why = (_died(limits) if isinstance(exc, BrokenProcessPool) else
                           f"reading this file stopped with an internal error "
                           f"({type(exc).__name__}: {exc}): please report it")
                    slots[0] = (chunk, _done(lost(chunk[0], why)))
                else:
                    slots.popleft()
                    slots.extendleft(([t], None) for t in reversed(chunk))
                for i, (c, f) in enumerate(slots):
                    slots[i] = _again(pool, work, c, f)
                continue
            slots.popleft()  # let the result go once handed on
            yield result
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _died(limits: Limits) -> str:
    return (f"the process reading this file died (killed, out of memory, or a crash in a "
            f"library; each file may take {limits.seconds:.0f} s and "
            f"{limits.memory_mb:.0f} MB): the other files were read")


def _done(result: Any) -> Future:
    future: Future = Future()
    future.set_result(result)
    return future


def _again(pool: ProcessPoolExecutor, work: Callable[[Chunk], Any], chunk: Chunk,
           future: Future | None) -> tuple[Chunk, Future | None]:
    """A slot after a pool broke: kept if its result came or it was not submitted yet,
    else submitted anew."""
    if future is None or (future.done() and not future.cancelled()
                          and future.exception() is None and future.result() is not None):
        return chunk, future
    return chunk, _submit(pool, work, chunk)


def _submit(pool: ProcessPoolExecutor, work: Callable[[Chunk], Any], chunk: Chunk) -> Future:
    """``pool.submit``, except that a pool that broke while tasks were being handed out
    gives a future holding the :class:`BrokenProcessPool` (handled like any other death)
    instead of raising out of the run."""
    try:
        return pool.submit(work, chunk)
    except BrokenProcessPool as exc:
        future: Future = Future()
        future.set_exception(exc)
        return future
