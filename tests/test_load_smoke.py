"""A tiny, bounded run of ``bench/load.py``'s fault mix: behaviour, not speed.

Every fault kind runs briefly against a simulator of this test's own; afterwards a normal
request must still get a correct answer and the server's threads must be back to baseline.
Figures (latency, throughput) belong to the benchmark, not here.
"""

from __future__ import annotations

import sys
import threading
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))

import load  # noqa: E402  (bench/load.py)

from helpers.offline import Simulator  # noqa: E402


def test_fault_mix_leaves_the_server_answering_and_no_thread_behind():
    with Simulator() as sim, Simulator(max_body=16 * 1024) as small_sim:
        target, small = load.Target(sim), load.Target(small_sim)
        assert target.normal()[0] == 200
        baseline = threading.active_count()
        kinds = {
            "vanish": load.vanish_mid_stream,
            "slow reader": load.slow_reader,
            "oversized body": load.oversized_body(small),
            "random bytes": load.garbage,
            "half request line": load.half_request_line,
            "oversized header": load.oversized_header,
            "non-JSON": load.non_json,
            "rate_limit": load.injected("rate_limit"),
            "disconnect": load.injected("disconnect"),
        }
        expected = {"oversized body": "413", "oversized header": "431", "non-JSON": "400", "rate_limit": "429",
                    "disconnect": "RemoteDisconnected", "vanish": "stream started"}
        for name, fault in kinds.items():
            result = load.run_fault(target, name, fault, seconds=0.25, workers=2)
            assert result["count"] > 0 and result["probe_errors"] == 0, result
            assert result["after"] == 200, (name, result)
            if name in expected:
                assert set(result["outcomes"]) == {expected[name]}, (name, result["outcomes"])
        concurrent = load.concurrent_clients(target, clients=10, seconds=0.5)
        assert concurrent["served"] > 0 and all(k.endswith(" 200") for k in concurrent["statuses"]), concurrent
        assert load.settle(baseline) <= baseline
        assert target.normal(stream=True)[0] == 200
