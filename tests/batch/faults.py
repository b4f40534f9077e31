"""Fault-injection backend for batch tests (test-only; never registered by the library).

``install()`` is the worker-init hook (``run_batch(..., worker_init="tests.batch.faults:install")``, CLI
``--worker-init``): it wraps the plain-text reader so that a text document whose first line is
``#FAULT <kind> [arg]`` misbehaves inside the worker process:

- ``hang``: sleeps for an hour (-> ``timeout``);
- ``tmphang``: makes a temporary folder with a file (as a DOC conversion does), then hangs (-> ``timeout``;
  the supervisor must remove the job's temporary folder);
- ``alloc``: allocates without bound, touching every page (-> ``memory``);
- ``exit``: ``os._exit(3)`` (-> ``crashed``);
- ``kill``: SIGKILL to itself (-> ``crashed``);
- ``raise``: an unexpected exception (-> ``internal``);
- ``slow S``: sleeps S seconds, then reads the rest of the document normally;
- ``once PATH``: crashes if the file PATH does not exist yet (creating it), else reads normally: a
  document that fails once and succeeds on ``--retry-failed``.

Any other text document is read by the ordinary reader.
"""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path
from typing import Any

from extractor import textlayer
from extractor.textlayer import plain

MARK = "#FAULT "


def fault_doc(kind: str, body: str = "", arg: str = "") -> str:
    return f"{MARK}{kind} {arg}".rstrip() + "\n" + body


def load(raw: Any, options: Any) -> Any:
    text = raw.text or ""
    if text.startswith(MARK):
        first, _, rest = text.partition("\n")
        kind, _, arg = first[len(MARK):].partition(" ")
        if kind == "hang":
            time.sleep(3600)
        elif kind == "tmphang":
            import tempfile

            d = tempfile.mkdtemp(prefix="extractor-lo-")
            Path(d, "input.doc").write_bytes(b"x" * 1024)
            Path(arg).write_text(d, encoding="utf-8")  # tell the test where
            time.sleep(3600)
        elif kind == "alloc":
            hog = []
            while True:
                hog.append(bytearray(b"x" * (16 << 20)))
        elif kind == "exit":
            os._exit(3)
        elif kind == "kill":
            os.kill(os.getpid(), signal.SIGKILL)
        elif kind == "raise":
            raise RuntimeError("injected failure")
        elif kind == "once":
            marker = Path(arg)
            if not marker.exists():
                marker.touch()
                os._exit(4)
            raw.text = rest
        elif kind == "slow":
            time.sleep(float(arg or 1))
            raw.text = rest
    return plain.load(raw, options)


def install() -> None:
    for fmt in ("text", "markdown"):
        textlayer.register(fmt, "tests.batch.faults:load")
