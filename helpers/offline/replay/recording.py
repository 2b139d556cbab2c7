"""The kit's recording format: one JSON line per exchange under ``recordings/NAME/``.

Files: ``exchanges.jsonl`` (one exchange per line, sorted keys, UTF-8, diff-friendly) and
``meta.json`` (format, created, models, hosts; never a secret). ``FORMAT`` is in both.

Matching rule (``canonical_request``): a recorded answer is replayed only for a request that
would get the same answer from the API. The canonical request keeps the method, the path and
EVERY body field (model, messages / input / instructions, tools, tool_choice, response_format /
text.format, temperature, top_p, n, max tokens, stop, reasoning, verbosity, logprobs, seed,
stream, stream_options, dimensions, encoding_format, service_tier, store, ...) except these,
which cannot change what the model says:

- ``user``, ``safety_identifier``: abuse-monitoring ids of the end user.
- ``prompt_cache_key``, ``prompt_cache_retention``: cache routing hints (cost, not content).
- ``metadata``: free tags for the caller's dashboards.
  (The Responses object echoes these fields; a replay echoes the recorded values.)
- ``"stream": false``: the same as leaving ``stream`` out (``parse()`` sends it explicitly).

Keeping everything else by default means an unknown new parameter is a near miss (simulated)
rather than a wrong replay. Key order never matters (sorted-key JSON is hashed).

Why not vcrpy (checked 2026-12-07, its docs and FACTS.md section 7): vcrpy patches HTTP
client libraries inside one Python process, while here the recorder is a separate server (the
teacher's relay) and the replayer is the simulator serving other processes (Jupyter kernels);
its default ``match_on`` ignores the body, and its YAML cassettes are keyed by URL, not by a
canonical request, so we would write a custom matcher and serializer anyway and keep only the
file layout. A JSON-lines file with our canonical key is smaller than that glue code.
"""

from __future__ import annotations

import copy
import datetime as _dt
import hashlib
import json
import os
import re
import threading
import warnings
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

FORMAT = 1
EXCHANGES = "exchanges.jsonl"
META = "meta.json"

#: Body fields that cannot change the answer (see the module docstring for each reason).
IGNORED_FIELDS = frozenset({"user", "safety_identifier", "prompt_cache_key", "prompt_cache_retention", "metadata"})

#: Response headers a client reads; everything else (cookies, org/project ids) is never kept.
KEPT_HEADERS = ("x-request-id", "openai-processing-ms", "openai-version", "content-type")
KEPT_HEADER_PREFIXES = ("x-ratelimit-",)

REDACTED = "[redacted]"
_SECRET = re.compile(
    r"(?:Bearer\s+\S+"
    r"|sk-[A-Za-z0-9_\-]{8,}"
    r"|sess-[A-Za-z0-9]{8,}"
    r"|org-[A-Za-z0-9]{8,}"
    r"|proj_[A-Za-z0-9]{8,}"
    r"|[A-Za-z0-9_\-]*T3BlbkFJ[A-Za-z0-9_\-]*)"
)
_SECRET_KEYS = re.compile(r"authorization|api[-_]?key|cookie|openai-organization|openai-project", re.I)


class RecordingError(ValueError):
    """A recording that cannot be read; the message says what to do."""


def canonical_request(method: str, path: str, body: dict | None) -> dict:
    """What changes an answer, exactly (see the module docstring)."""
    kept: dict[str, Any] = {}
    for key, value in (body or {}).items():
        if key in IGNORED_FIELDS or (key == "stream" and value is False):
            continue
        kept[key] = value
    path = "/" + path.split("?", 1)[0].strip("/")
    if path.startswith("/v1/"):
        path = path[3:]
    return {"method": method.upper(), "path": path, "body": kept}


def request_key(canonical: dict) -> str:
    text = json.dumps(canonical, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def client_headers(headers: Any) -> dict[str, str]:
    """Only the headers a client reads, lower-cased."""
    items = headers.items() if hasattr(headers, "items") else headers
    out = {}
    for name, value in items:
        low = name.lower()
        if low in KEPT_HEADERS or low.startswith(KEPT_HEADER_PREFIXES):
            out[low] = str(value)
    return out


@dataclass
class Exchange:
    request: dict  # canonical_request(...)
    status: int
    headers: dict = field(default_factory=dict)
    body: Any = None  # JSON body, or None for a stream
    events: list | None = None  # [{"t": seconds, "data": str, "event": str | None}]
    model: str | None = None
    date: str = ""
    host: str = ""
    user_agent: str = ""
    format: int = FORMAT
    #: request_key of the request as sent (before redaction, so a prompt holding a key still matches).
    key: str = ""

    def __post_init__(self) -> None:
        if not self.key:
            self.key = request_key(self.request)

    def to_json(self) -> str:
        return json.dumps(asdict(self), sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def now_iso() -> str:
    return _dt.datetime.now(_dt.timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def redact(value: Any) -> Any:
    """A deep copy with every key-like string replaced; secret-named fields are dropped."""
    if isinstance(value, str):
        return _SECRET.sub(REDACTED, value)
    if isinstance(value, list):
        return [redact(v) for v in value]
    if isinstance(value, dict):
        return {k: (REDACTED if _SECRET_KEYS.search(str(k)) else redact(v)) for k, v in value.items()}
    return copy.copy(value)


class Writer:
    """Appends redacted exchanges to ``folder/exchanges.jsonl``; safe to share between threads."""

    def __init__(self, folder: str | os.PathLike):
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._models: set[str] = set()
        self._hosts: set[str] = set()
        meta = self.folder / META
        self.created = now_iso()
        if meta.exists():
            try:
                old = json.loads(meta.read_text(encoding="utf-8"))
                self.created = old.get("created", self.created)
                self._models.update(old.get("models", []))
                self._hosts.update(old.get("hosts", []))
            except (OSError, ValueError):
                pass

    def write(self, exchange: Exchange) -> Exchange:
        clean = Exchange(**redact(asdict(exchange)))
        clean.key = exchange.key
        clean.headers = client_headers(clean.headers)
        clean.host = _SECRET.sub(REDACTED, re.sub(r"^[a-z]+://[^@/]*@", "", clean.host))
        line = clean.to_json()
        if _SECRET.search(line.replace(REDACTED, "")):  # belt and braces: never write a key
            raise RecordingError("refused to write an exchange that still holds a key-like string")
        with self._lock:
            with open(self.folder / EXCHANGES, "a", encoding="utf-8", newline="\n") as fh:
                fh.write(line + "\n")
            if clean.model:
                self._models.add(clean.model)
            if clean.host:
                self._hosts.add(clean.host)
            meta = {"format": FORMAT, "created": self.created, "models": sorted(self._models), "hosts": sorted(self._hosts)}
            tmp = self.folder / (META + ".tmp")
            tmp.write_text(json.dumps(meta, sort_keys=True, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
            os.replace(tmp, self.folder / META)
        return clean


class Recording:
    """The exchanges of one recording, looked up by canonical request (the last one wins)."""

    def __init__(self, folder: Path, exchanges: list[Exchange], problems: list[str]):
        self.folder = folder
        self.exchanges = exchanges
        self.problems = problems
        self._by_key = {ex.key: ex for ex in exchanges}

    def lookup(self, method: str, path: str, body: dict | None) -> Exchange | None:
        return self._by_key.get(request_key(canonical_request(method, path, body)))

    def __len__(self) -> int:
        return len(self._by_key)

    @property
    def models(self) -> list[str]:
        return sorted({ex.model for ex in self.exchanges if ex.model})

    @property
    def dates(self) -> list[str]:
        return sorted({ex.date[:10] for ex in self.exchanges if ex.date})


def load(folder: str | os.PathLike) -> Recording:
    folder = Path(folder)
    path = folder / EXCHANGES
    if not path.is_file():
        raise RecordingError(
            f"no recording at {folder}: {EXCHANGES} is missing. Record one with the teacher's relay "
            f"(`make relay ARGS=\"--class-list CSV --record {folder}\"`), or unset KIT_REPLAY to use the simulator."
        )
    exchanges: list[Exchange] = []
    problems: list[str] = []
    raw = path.read_bytes()
    lines = raw.decode("utf-8", errors="replace").split("\n")
    truncated_tail = not raw.endswith(b"\n") and lines[-1] != ""
    for number, text in enumerate(lines, start=1):
        if not text.strip():
            continue
        try:
            data = json.loads(text)
            if not isinstance(data, dict):
                raise ValueError("not an object")
        except ValueError as exc:
            if truncated_tail and number == len(lines):
                msg = f"{path}: line {number} is cut off (a writer stopped mid-line); skipped it"
            else:
                msg = f"{path}: line {number} is not valid JSON ({exc}); skipped it, the other lines are used"
            problems.append(msg)
            warnings.warn(msg, stacklevel=2)
            continue
        version = data.get("format", FORMAT)
        if not isinstance(version, int) or version > FORMAT:
            raise RecordingError(
                f"{path}: line {number} is format {version}, newer than this kit reads ({FORMAT}). "
                "Update the kit (git pull) to replay it."
            )
        try:
            exchanges.append(Exchange(**{k: v for k, v in data.items() if k in Exchange.__dataclass_fields__}))
        except TypeError as exc:
            msg = f"{path}: line {number} is not an exchange ({exc}); skipped it"
            problems.append(msg)
            warnings.warn(msg, stacklevel=2)
    return Recording(folder, exchanges, problems)
