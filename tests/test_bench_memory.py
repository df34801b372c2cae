"""The benchmarks' peak RSS of a stage (casemix.bench.TreeRSS): this process's own peak from the kernel's
high-water mark, reset for each stage, plus what its child processes hold."""

from __future__ import annotations

import subprocess
import sys
import time

from casemix.bench import TreeRSS

MB = 1_000_000


def _touch(n: int) -> bytearray:
    b = bytearray(n)
    b[::4096] = b"\x01" * len(b[::4096])     # every page written, so it is resident
    return b


def test_a_stage_reports_its_own_peak_not_an_earlier_one():
    import psutil

    before = psutil.Process().memory_info().rss
    big = _touch(400 * MB)
    del big
    with TreeRSS() as quiet:
        time.sleep(0.1)
    with TreeRSS() as busy:
        x = _touch(150 * MB)
        del x                                 # freed before the stage ends: the peak still counts it
    assert busy.peak >= 150 * MB
    assert quiet.peak < before + 200 * MB     # the 400 MB held before the stage are not its peak


def test_a_child_process_counts_in_the_peak():
    code = "x = bytearray(300_000_000); x[::4096] = b'\\x01' * len(x[::4096]); import time; time.sleep(1.6)"
    with TreeRSS() as r:
        subprocess.run([sys.executable, "-c", code], check=True)
    assert r.peak >= 300 * MB
