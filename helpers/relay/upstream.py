"""The one connection to the real API: where it is, the teacher's key, and what may come back.

HTTP goes through httpx2, the client library the openai SDK itself depends on (so nothing
new is installed). The key is held here and only written into the upstream request's
``Authorization`` header; every text that comes back is scrubbed of it before a student,
a log line or a recording sees it (:meth:`Upstream.scrub`).
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import httpx2

from .. import providers
from ..envfile import load_env_file
from ..keys import is_openai_key, mask_key, redact, unquote_key, unsendable_key
from ..offline.replay.recording import client_headers
from ..offline.wire.errors import SimError

#: Request headers a student's client may pass upstream; nothing else (no key, cookie, org id).
PASSED_UP = ("content-type", "accept", "openai-beta")
#: Answer headers passed back besides the recording's (``x-ratelimit-*``, ``x-request-id``...).
PASSED_DOWN = ("retry-after", "retry-after-ms", "x-should-retry")
TIMEOUT = httpx2.Timeout(connect=10.0, read=300.0, write=60.0, pool=60.0)


class RelayConfigError(ValueError):
    """The relay cannot start as configured; the message (English and Chinese) says what to do."""


@dataclass
class Upstream:
    base_url: str
    key: str = field(repr=False)
    label: str = "openai"
    azure: bool = False

    def __post_init__(self) -> None:
        self.base_url = self.base_url.rstrip("/")
        self.client = httpx2.Client(timeout=TIMEOUT, follow_redirects=False, trust_env=True)

    def __repr__(self) -> str:  # never the key
        return f"Upstream({self.base_url!r}, key={mask_key(self.key)})"

    @property
    def host(self) -> str:
        return urlsplit(self.base_url).netloc.rsplit("@", 1)[-1]

    def request(self, method: str, path: str, body: bytes | None, headers: Mapping[str, str]) -> httpx2.Response:
        """Open the upstream answer as a stream (the caller closes it); raises httpx2.TransportError."""
        sent = {name: value for name, value in headers.items() if name.lower() in PASSED_UP}
        sent["Authorization"] = f"Bearer {self.key}"
        if self.azure:
            sent["api-key"] = self.key
        url = self.base_url + "/" + path.lstrip("/")
        request = self.client.build_request(method, url, content=body or None, headers=sent)
        return self.client.send(request, stream=True)

    def scrub(self, text: str) -> str:
        """``text`` with the upstream key, wherever it appears whole, replaced."""
        key = self.key
        if key and key in text:
            text = text.replace(key, "[the relay's key]")
        return text

    def reply_headers(self, headers: httpx2.Headers) -> dict[str, str]:
        kept = client_headers(headers)
        kept.update({name: headers[name] for name in PASSED_DOWN if name in headers})
        return {name: self.scrub(value) for name, value in kept.items()}

    def error_body(self, status: int, text: str) -> str:
        """An upstream error as the student gets it: the API's shape, never the relay's key, not even masked."""
        try:
            data = json.loads(text)
        except ValueError:
            data = None
        if not (isinstance(data, dict) and isinstance(data.get("error"), dict)):
            data = {"error": {"message": text.strip()[:500] or f"HTTP {status} from the upstream API.",
                              "type": "server_error" if status >= 500 else "invalid_request_error",
                              "param": None, "code": None}}
        error = data["error"]
        if status == 401 or error.get("code") == "invalid_api_key":
            error["message"] = (f"The upstream API ({self.host}) refused the relay's own key (HTTP {status}). Your key "
                                "for the relay is fine: tell the teacher, who must fix OPENAI_API_KEY on the relay. / "
                                f"上游接口（{self.host}）拒绝了中转服务自己的密钥（HTTP {status}）。你的密钥没有问题，"
                                "请告诉老师修改中转服务上的 OPENAI_API_KEY。")
        elif isinstance(error.get("message"), str):
            error["message"] = redact(self.scrub(error["message"]), [self.key])
        return self.scrub(json.dumps(data, ensure_ascii=False))

    def unreachable(self, exc: Exception) -> SimError:
        kind = "timed out" if isinstance(exc, httpx2.TimeoutException) else "cannot be reached"
        return SimError(
            503 if isinstance(exc, httpx2.TimeoutException) else 502,
            f"The relay's upstream API ({self.host}) {kind} ({type(exc).__name__}). Answers the relay already has "
            "are still served; try again in a minute or tell the teacher. / 中转服务连不上上游接口"
            f"（{self.host}，{type(exc).__name__}）。已有的回答仍可使用；请稍后再试或告诉老师。",
            type="server_error", code="upstream_unreachable")

    def close(self) -> None:
        self.client.close()


def sse_events(lines: Iterator[str]) -> Iterator[dict]:
    """Server-sent events as ``{"data", "event"}`` (the recording's event shape).

    Written here rather than taken from httpx2's ``EventSource``: the relay needs each event's
    raw ``data`` text unchanged (to fan it out and record it byte for byte), nothing more.
    """
    data: list[str] = []
    name = None
    for line in lines:
        if not line:
            if data:
                yield {"data": "\n".join(data), "event": name}
            data, name = [], None
        elif line.startswith("data:"):
            data.append(line[5:].removeprefix(" "))
        elif line.startswith("event:"):
            name = line[6:].strip() or None
    if data:
        yield {"data": "\n".join(data), "event": name}


def resolve(spec: str, environ: Mapping[str, str], env_file: str | None = None) -> Upstream:
    """The upstream for ``--upstream`` (``openai``, a preset id, or a URL) and its key.

    The key comes from the environment, else from the teacher's ``.env``: the preset's own
    variable (``DEEPSEEK_API_KEY``...), else ``OPENAI_API_KEY``. An OpenAI key is never sent
    to another provider.
    """
    file_values = load_env_file(env_file).values
    env = {name: value for name, value in file_values.items() if value}
    env.update({name: value for name, value in environ.items() if value and value.strip()})
    spec = (spec or "openai").strip()
    if "://" in spec:
        if urlsplit(spec).scheme not in ("http", "https") or not urlsplit(spec).hostname:
            raise RelayConfigError(f"--upstream {spec!r} is not an http(s) URL. / --upstream 必须是 http(s) 地址。")
        preset, base = None, spec
    else:
        try:
            preset = providers.get_preset(spec)
            base = providers.base_url(preset, env)
        except (providers.UnknownPreset, providers.PresetError) as exc:
            raise RelayConfigError(str(exc)) from None
    variables = [preset.key_env] if preset is not None and preset.key_env else []
    variables += [] if "OPENAI_API_KEY" in variables else ["OPENAI_API_KEY"]
    for variable in variables:
        key = unquote_key(env.get(variable) or "")
        if not key:
            continue
        if variable == "OPENAI_API_KEY" and preset is not None and preset.id != "openai" and is_openai_key(key):
            continue  # an OpenAI key is never sent to another provider
        problem = unsendable_key(key, variable)
        if problem is not None:  # httpx would fail with the key in its message
            raise RelayConfigError(str(problem))
        return Upstream(base, key, label=preset.id if preset else base, azure=bool(preset and preset.id == "azure"))
    names = " or ".join(variables)
    raise RelayConfigError(f"The relay needs your API key for {preset.id if preset else base}: set {names} in .env or "
                           f"the environment. / 中转服务需要你的 API 密钥：请在 .env 或环境变量中设置 {names}。")
