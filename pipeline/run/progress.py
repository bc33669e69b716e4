"""Progress of a long run, read from the shards' files (so it also sees the work of other worker processes):
a finished shard's output, or a running shard's count of seeds done, which its task updates every second.
A live line on a terminal, a plain line every few seconds otherwise (cron, a log file)."""

from __future__ import annotations

import contextlib
import sys
import threading
import time
from pathlib import Path
from typing import TextIO


class Progress(threading.Thread):
    """Watches the planned shards' outputs and progress files; `stop()` ends the line."""

    def __init__(self, outputs: dict[Path, tuple[int, Path]], stream: TextIO = sys.stderr,
                 every: float | None = None) -> None:
        super().__init__(daemon=True)
        self.outputs = outputs  # shard output file -> (seeds in that shard, its progress file)
        self.stream = stream
        self.live = stream.isatty()
        self.every = every if every is not None else (1.0 if self.live else 5.0)
        self.done = threading.Event()
        self.started = time.monotonic()
        self.initial = self._finished()[1]

    def _finished(self) -> tuple[int, int]:
        """Shards done, and seeds done in all shards (finished ones whole, running ones as far as they got)."""
        shards = documents = 0
        for path, (size, progress) in self.outputs.items():
            if path.exists():
                shards, documents = shards + 1, documents + size
            else:
                with contextlib.suppress(OSError, ValueError):  # not started, or a count being written
                    documents += min(int(progress.read_text()), size)
        return shards, documents

    def line(self) -> str:
        shards, documents = self._finished()
        total = sum(size for size, _ in self.outputs.values())
        elapsed = max(time.monotonic() - self.started, 1e-9)
        rate = (documents - self.initial) / elapsed
        remaining = (total - documents) / rate if rate > 0 else float("nan")
        eta = f"{remaining:.0f} s" if remaining == remaining else "?"
        return f"shards {shards}/{len(self.outputs)}, documents {documents}/{total}, {rate:.0f} docs/s, ETA {eta}"

    def run(self) -> None:
        while not self.done.wait(self.every):
            self.stream.write(f"\r{self.line()}\033[K" if self.live else f"progress: {self.line()}\n")
            self.stream.flush()

    def stop(self) -> None:
        self.done.set()
        if self.live:
            self.stream.write("\r\033[K")
            self.stream.flush()
