"""Many workers through Luigi's own central scheduler: luigid on loopback, two worker processes, one corpus."""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from benchmarks.bench import DEFAULT_AEB
from benchmarks.synth import generate
from tests.conftest import ROOT

LUIGID = Path(sys.executable).with_name("luigid")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(port: int, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise TimeoutError(f"luigid did not listen on {port}")


@pytest.mark.slow
@pytest.mark.skipif(not DEFAULT_AEB.exists(), reason="needs ../shared/bench/aeb for realistic seeds")
def test_two_workers_on_a_central_luigid_make_the_local_corpus(tmp_path):
    seeds = tmp_path / "seeds"
    generate(seeds, 600, DEFAULT_AEB)
    settings = tmp_path / "settings.toml"
    settings.write_text("shard_size = 25\n")
    command = [sys.executable, "-m", "pipeline", "corpus", "--seeds", str(seeds), "--config", str(settings)]
    subprocess.run([*command, "--data", str(tmp_path / "local")], check=True, capture_output=True, cwd=ROOT)

    port = free_port()
    (tmp_path / "logs").mkdir()
    luigid = subprocess.Popen([str(LUIGID), "--address", "127.0.0.1", "--port", str(port),
                               "--state-path", str(tmp_path / "luigid.state"), "--logdir", str(tmp_path / "logs")],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        wait_for(port)
        shared = tmp_path / "shared"
        workers = [subprocess.Popen([*command, "--data", str(shared), "--scheduler", f"127.0.0.1:{port}"],
                                    cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                   for _ in range(2)]
        outputs = [worker.communicate(timeout=600) for worker in workers]
    finally:
        os.killpg(luigid.pid, signal.SIGTERM)
        luigid.wait(timeout=30)
    assert [worker.returncode for worker in workers] == [0, 0], outputs
    ran = [int(re.search(r"this worker ran (\d+) task", err).group(1)) for _, err in outputs]
    assert all(count > 0 for count in ran), ran
    assert sum(ran) >= 24  # every shard cleaned once, by one worker or the other
    for name in ("corpus.jsonl", "duplicates.jsonl", "rejected.jsonl"):
        assert (shared / name).read_bytes() == (tmp_path / "local" / name).read_bytes(), name
    shutil.rmtree(seeds)
