"""Reading and parsing files in worker processes while this one writes: ``ingest --workers``.

Only the writing is serial, and it stays in the calling process, one file after another in
the order of the paths: which copy of a question arrives first decides what merges into
what, so a run with workers leaves exactly the archive a run without them leaves. What moves
to the workers is ``prepare_file``: reading, hashing, the check for bytes already ingested
and parsing, which is pure Python and would otherwise wait for each file's writes.

Workers run a few files ahead of the writer and no further, so however many files there are,
only that many parsed documents are held at once.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import signal
from collections import deque
from collections.abc import Iterable, Iterator
from itertools import islice
from pathlib import Path

from django.db import connection, connections

from ingest.loader import PreparedFile, prepare_file

# Files handed out per worker before the writer has taken the first: enough that a worker
# finishing a file always has the next, while the writer spends a whole file on its writes.
AHEAD_PER_WORKER = 4


@contextlib.contextmanager
def prepared_files(paths: Iterable[Path], workers: int) -> Iterator[Iterator[PreparedFile]]:
    """``prepare_file`` of each path, in order; by ``workers`` processes when more than one.

    Enter it before starting any thread (a progress bar's): a forked process holds only the
    thread that forked, and a lock another thread held stays locked in it for good.
    """
    if workers <= 1 or connection.in_atomic_block:
        # Inside a caller's transaction (``call_command`` in ``atomic``, a test) the
        # connection cannot be closed for the fork, and workers could not see what the
        # transaction wrote: the files are prepared here.
        yield (prepare_file(path) for path in paths)
        return
    # Fork, not spawn: a worker starts at once with Django set up and the embedded server's
    # address known, where a spawned one would import everything again and register with
    # the server as one more client. No connection crosses the fork: each worker opens its
    # own on its first query. A forked worker ends without running exit handlers, so it
    # never takes the server down with it.
    connections.close_all()
    pool = multiprocessing.get_context("fork").Pool(workers, initializer=_start_worker)
    try:
        yield _in_order(pool, iter(paths), workers * AHEAD_PER_WORKER)
    finally:
        # Idle once every file is prepared; on Ctrl-C or an error in the writer, busy ones
        # are stopped too: no worker outlives the command.
        pool.terminate()
        pool.join()


def _in_order(pool, paths: Iterator[Path], ahead: int) -> Iterator[PreparedFile]:
    pending = deque(pool.apply_async(prepare_file, (path,)) for path in islice(paths, ahead))
    while pending:
        prepared = pending.popleft().get()
        for path in islice(paths, 1):
            pending.append(pool.apply_async(prepare_file, (path,)))
        yield prepared


def _start_worker() -> None:
    # Ctrl-C reaches the whole process group; the writer alone handles it, by ending the
    # pool, so workers print no tracebacks of their own.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # The embedded server's SIGTERM handler (exit handlers, unregistering) is the parent's
    # business; ``terminate`` should end a worker at once.
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
