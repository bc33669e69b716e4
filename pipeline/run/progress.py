"""Progress of a long run, read from the shard outputs as they appear (so it also sees the work of other
worker processes): a live line on a terminal, a plain line every half minute otherwise (cron)."""

from __future__ import annotations

import sys
import threading
import time
from pathlib import Path
from typing import TextIO


class Progress(threading.Thread):
    """Watches for the planned shards' outputs; `stop()` ends the line."""

    def __init__(self, outputs: dict[Path, int], stream: TextIO = sys.stderr, every: float | None = None) -> None:
        super().__init__(daemon=True)
        self.outputs = outputs  # shard output file -> documents in that shard
        self.stream = stream
        self.live = stream.isatty()
        self.every = every if every is not None else (1.0 if self.live else 30.0)
        self.done = threading.Event()
        self.started = time.monotonic()
        self.initial = self._finished()[1]

    def _finished(self) -> tuple[int, int]:
        shards = [path for path in self.outputs if path.exists()]
        return len(shards), sum(self.outputs[path] for path in shards)

    def line(self) -> str:
        shards, documents = self._finished()
        total = sum(self.outputs.values())
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
