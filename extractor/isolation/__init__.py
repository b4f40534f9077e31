"""Process isolation, for the batch (``batch.supervisor``: one document per job) and the service
(``service.pool``: one request's extraction or page per job): jobs run in worker processes under a
wall-clock timeout and a memory cap, and a worker that hangs, overruns its memory or dies is killed and
replaced while the others go on.

    pool = Pool(2, timeout_s=300, max_memory_mb=4096, init=fn, init_args=(...))
    pool.submit(key, fn, *args)           # False: no idle worker
    for key, result in pool.poll(): ...   # Done(value) or Failed(code, message)
    pool.close()

A job is ``fn(*args)`` (a module-level function, sent by reference) in a worker process; its result is
``Done(value)`` or ``Failed`` with an error code: ``timeout`` (no result within ``timeout_s``: the worker
is killed), ``memory`` (a ``MemoryError`` in the job, or a resident set over ``max_memory_mb``: the
worker is killed), ``crashed`` (the worker died: a segfault, ``os._exit``, a kill from outside) or
``internal`` (the job raised, or its value cannot be pickled; the worker stays). A job may return ``Retire(value)``: its worker exits
after sending the value (the batch does so after a memory record: the heap of a process that hit its cap
is not worth trusting), as it does after ``max_jobs`` jobs; a retired or killed worker is replaced.

Unlike ``ProcessPoolExecutor`` (where one dead worker breaks the pool and fails every pending job) each
worker has its own pipe and holds at most one job, so a death costs exactly that job. Workers are
started with ``spawn`` (nothing inherited; safe with threads). At start a worker caps its address space
at ``max_memory_mb`` (``RLIMIT_AS``: a runaway allocation becomes a ``MemoryError``), turns off core
dumps, asks the kernel to kill it when the parent dies (``PR_SET_PDEATHSIG``: a ``kill -9`` of the batch
or the service leaves no worker behind), points ``TMPDIR`` at the pool's folder, runs ``init`` and warms
up (templates, the tokenizer). The memory cap is enforced twice: ``RLIMIT_AS`` inside, and the pool
polling each busy worker's resident set from ``/proc`` and killing it past the cap. Each job's
``TMPDIR`` is a folder of its own (``job-N`` in the pool's folder), removed when the job ends, also
after its worker was killed.

``Pool`` is driven by one thread (``poll`` in a loop); ``Background`` drives it from a thread of its own
for callers that cannot poll (the service's event loop) and gives each job a ``Future``. The batch gives
jobs to idle workers only (a document's time starts when it is sent); the service's ``Background`` also
gives a job to a worker still starting or retiring (``submit(..., hold=True)``: sent once the worker is
ready, its timeout counting from the submission, as a request's does). After more than
``max_start_failures`` workers in a row die before they are ready, ``Pool.broken`` says why.

Not chosen: ``loky`` (a dead worker breaks the executor and fails every pending job; no per-job
timeout), ``pebble`` (per-job timeout and worker restart, but no memory cap or memory-vs-crash verdict,
no die-with-parent, and its shared task queue makes a request wait instead of being told the pool is
busy).
"""

from .background import Background
from .pool import POLL_S, Done, Failed, Pool, Result, exit_name, rss_bytes
from .worker import Retire, die_with_parent, set_limits, warm_up

__all__ = ["POLL_S", "Background", "Done", "Failed", "Pool", "Result", "Retire", "die_with_parent", "exit_name",
           "rss_bytes", "set_limits", "warm_up"]
