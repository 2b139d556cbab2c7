"""The sealed environment: nothing a test or a notebook kernel starts can leave this machine.

The guard is ``tools/seal/sitecustomize.py``; ``tools/offline_env.py`` installs it in the test
process and puts it on ``PYTHONPATH`` for every Python process started from there.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys

import openai
import pytest

from tools.offline_env import SEALED

LEAK_CHECK = """
import socket
for target in (("10.255.255.1", 80), ("api.openai.com", 443)):
    try:
        socket.create_connection(target, timeout=2)
        print("LEAK", target)
    except OSError as error:
        print("refused", type(error).__name__)
"""


def test_this_process_cannot_reach_the_network() -> None:
    with pytest.raises(OSError, match="sealed offline environment"):
        socket.create_connection(("10.255.255.1", 80), timeout=2)
    with pytest.raises(OSError, match="sealed offline environment"):
        socket.getaddrinfo("api.openai.com", 443)


def test_the_sdk_gets_a_connection_error_not_the_internet() -> None:
    client = openai.OpenAI(api_key="sk-test", base_url="https://api.openai.com/v1", max_retries=0)
    with pytest.raises(openai.APIConnectionError):
        client.models.list()


def test_loopback_still_works(simulator) -> None:
    with socket.create_connection(("127.0.0.1", simulator.port), timeout=5):
        pass


def test_a_child_python_process_is_sealed_too() -> None:
    assert os.environ.get(SEALED) == "1"
    run = subprocess.run([sys.executable, "-c", LEAK_CHECK], capture_output=True, text=True, timeout=60, check=True)
    lines = run.stdout.splitlines()
    assert len(lines) == 2 and all(line.startswith("refused") for line in lines), run.stdout


def test_no_proxy_variable_reaches_the_lessons() -> None:
    # The guard replaced a dead proxy, which showed up in lesson 07's stored outputs.
    assert not [name for name in os.environ if name.lower().endswith("_proxy")]
