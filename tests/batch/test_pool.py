"""``extractor.isolation``, the process isolation the batch and the service share, on small jobs
(``tests.batch.jobs``): each failure its code, a death costs only its job, workers are replaced,
nothing is left behind."""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

import pytest

from extractor.isolation import Background, Done, Failed, Pool, Result
from tests.batch import jobs
from tests.batch.common import wait_gone, worker_children


def _ready(pool: Pool, n: int, seconds: float = 60.0) -> None:
    deadline = time.monotonic() + seconds
    while pool.idle() < n:
        assert time.monotonic() < deadline, "the workers did not start"
        pool.poll()


def _results(pool: Pool, n: int, seconds: float = 60.0) -> dict[Any, Result]:
    out: dict[Any, Result] = {}
    deadline = time.monotonic() + seconds
    while len(out) < n:
        assert time.monotonic() < deadline, f"only {out} after {seconds} s"
        out.update(pool.poll())
    return out


def _code(r: Result) -> str:
    assert isinstance(r, Failed), r
    return r.code


def _message(r: Result) -> str:
    assert isinstance(r, Failed), r
    return r.message


def _value(r: Result) -> Any:
    assert isinstance(r, Done), r
    return r.value


@pytest.fixture(scope="module")
def pool() -> Any:
    with Pool(3, timeout_s=2.0, max_memory_mb=768) as p:
        yield p
    assert worker_children() == []


def test_each_failure_has_its_code_and_costs_only_its_job(pool: Pool) -> None:
    _ready(pool, 3)
    before, replaced = set(pool.pids()), pool.replaced
    assert pool.submit("ok", jobs.echo, {"a": [1, 2]})
    assert pool.submit("kill", jobs.kill)
    assert pool.submit("exit", jobs.exit_, 3)
    assert not pool.submit("none", jobs.echo, 0)  # every worker holds a job
    got = _results(pool, 3)
    assert got["ok"] == Done({"a": [1, 2]}, got["ok"].seconds)
    for key, how in (("kill", "signal SIGKILL"), ("exit", "exit code 3")):
        res = got[key]
        assert isinstance(res, Failed) and res.code == "crashed" and how in res.message, res
    assert pool.replaced == replaced + 2 and len(before & set(pool.pids())) == 1
    _ready(pool, 3)
    assert pool.submit("hang", jobs.sleep, 60)
    assert pool.submit("alloc", jobs.alloc)
    assert pool.submit("raise", jobs.boom)
    t0 = time.monotonic()
    got = _results(pool, 3)
    assert [_code(got[k]) for k in ("hang", "alloc", "raise")] == ["timeout", "memory", "internal"]
    assert 2.0 <= got["hang"].seconds < 3.0 and time.monotonic() - t0 < 5
    assert "RuntimeError: injected failure" in _message(got["raise"])


def test_a_result_that_cannot_be_sent_is_internal_and_the_worker_stays(pool: Pool) -> None:
    _ready(pool, 3)
    assert pool.submit(1, jobs.unpicklable)
    res = _results(pool, 1)[1]
    assert isinstance(res, Failed) and res.code == "internal" and "pickle" in res.message
    assert pool.submit(2, jobs.echo, "still here")
    assert _value(_results(pool, 1)[2]) == "still here"


def test_each_job_has_its_own_temporary_folder_removed_also_after_a_kill(pool: Pool) -> None:
    _ready(pool, 3)
    assert pool.submit("a", jobs.tmpdir)
    assert pool.submit("b", jobs.tmpdir)
    got = _results(pool, 2)
    a, b = _value(got["a"]), _value(got["b"])
    assert a != b and Path(a).parent == Path(b).parent == Path(pool.tmp) and Path(a).name.startswith("job-")
    assert not Path(a).exists() and not Path(b).exists()
    assert pool.submit("hung", jobs.tmpdir, 60)
    assert _code(_results(pool, 1)["hung"]) == "timeout"
    assert [p.name for p in Path(pool.tmp).iterdir() if p.name.startswith("job-")] == []


def test_retire_and_max_jobs_replace_the_worker() -> None:
    with Pool(1, timeout_s=30, max_jobs=2) as p:
        _ready(p, 1)
        first = p.pids()
        p.submit(1, jobs.retire, "last")
        assert _value(_results(p, 1)[1]) == "last"
        _ready(p, 1)
        second = p.pids()
        assert second != first and wait_gone(first) == []
        for i in (2, 3):
            p.submit(i, jobs.pid)
            assert _value(_results(p, 1)[i]) == second[0]
            _ready(p, 1)
        assert p.pids() != second and p.replaced == 2  # retired after its max_jobs-th job


def test_a_worker_that_cannot_start_breaks_the_pool() -> None:
    with Pool(1, timeout_s=30, init=jobs.exit_, init_args=(5,), max_start_failures=1) as p:
        deadline = time.monotonic() + 60
        while not p.broken:
            assert time.monotonic() < deadline
            p.poll()
        assert "exit code 5" in p.broken and p.workers == []


def test_background_gives_futures_holds_jobs_for_a_starting_worker_and_cancels() -> None:
    bg = Background(Pool(1, timeout_s=3.0))
    try:
        fut = bg.submit(jobs.echo, 7)  # the worker is still starting: held, sent once it is ready (the
        # timeout counts from now, as a request's does)
        assert fut is not None and bg.submit(jobs.echo, 8) is None and bg.busy == 1
        assert fut.result(60) == Done(7, fut.result().seconds)
        hang = bg.submit(jobs.sleep, 60)
        assert hang is not None and _code(hang.result(20)) == "timeout"
        again = bg.submit(jobs.pid)  # held for the replacement (the timeout counts from here)
        assert again is not None
        pid = _value(again.result(60))
        slow = bg.submit(jobs.sleep, 60)
        assert slow is not None
        time.sleep(0.3)
        assert slow.cancel() and wait_gone([pid]) == []  # its worker is killed
        late = bg.submit(jobs.echo, 9)  # held for the replacement
        assert late is not None and _value(late.result(60)) == 9
    finally:
        left = bg.pool.pids()
        bg.close()
    assert wait_gone(left) == [] and not os.path.isdir(bg.pool.tmp)
