"""The simulator's small public constants: its keys, its latency headers, the source header.

Kept apart from ``server.py`` so configuration can name them without loading the server.
"""

from __future__ import annotations

#: The one key the simulator rejects, to show the real 401 (every other key is accepted).
INVALID_KEY = "sk-offline-invalid"
#: The key the kit sends to a simulator: never a learner's real key.
OFFLINE_KEY = "sk-offline-simulator"
#: Per-request latency overrides (milliseconds), capped so a typo cannot hang a class.
LATENCY_HEADER = "x-offline-latency-ms"
TOKEN_LATENCY_HEADER = "x-offline-token-latency-ms"
MAX_LATENCY_MS = 60_000.0
MAX_TOKEN_LATENCY_MS = 2_000.0
#: Every answer says where it came from: ``simulated`` (the simulator) or ``recorded`` (a replay).
SOURCE_HEADER = "x-kit-source"
#: A replayed answer also names the model that answered and when it was recorded.
RECORDED_MODEL_HEADER = "x-kit-recorded-model"
RECORDED_DATE_HEADER = "x-kit-recorded-date"

#: Request bodies above this size get 413 (a base64 photo is a few MB); the relay reads with the same limit.
MAX_BODY = 32 * 1024 * 1024
