"""Everything the kit knows about endpoint URLs: their mistakes, local hosts, credentials, proxies.

Introduced in lesson 01 (compatible endpoints): ``get_client()`` notes a base URL that
cannot work, and ``make doctor`` shows the full list with the URL it suggests instead.
The one rule about schemes: ``https://`` for public hosts, plain ``http://`` for a server
on this machine or the local network (Ollama, LM Studio, vLLM), which rarely has TLS.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from .messages import Message, message

FAIL, WARN = "fail", "warn"
#: Quote characters a pasted value may carry along: ASCII, typographic (“ ” ‘ ’ „ ‚ « » ‹ ›), the
#: full-width forms a Chinese input method types (＂ ＇), CJK corner brackets (「 」 『 』 and their
#: vertical forms), the double prime quotes (〝 〞 〟) and the backtick.
QUOTES = "\"'“”‘’„‚«»‹›＂＇「」『』﹁﹂﹃﹄〝〞〟`"
#: Paths the SDK appends itself: a base URL must stop before them.
ENDPOINT_PATHS = ("/chat/completions", "/completions", "/responses", "/embeddings", "/moderations", "/models", "/chat")
#: Ollama's default port: plain http, API under /v1.
OLLAMA_PORT = 11434
PROXY_VARS = ("HTTPS_PROXY", "HTTP_PROXY", "ALL_PROXY")

_QUOTED = message("it has quotes or spaces around it", "两侧有引号或空格")
_QUOTED_FIX = message("delete them", "删掉它们")
_NO_SCHEME = message("it has no http:// or https://", "缺少 http:// 或 https://")
_WRITE_AS = message("write it as {url}", "写成 {url}")
_INVALID = message("it is not a valid URL", "不是有效的网址")
_INVALID_FIX = message("copy it again from your provider's documentation", "从服务商文档重新复制")
_NO_HOST = message("it is not an http(s) URL with a host name", "不是带主机名的 http(s) 网址")
_NO_HOST_FIX = message("use the form https://host/v1", "写成 https://主机名/v1 的形式")
_TAIL = message("it ends in {tail}, which the SDK adds itself", "结尾的 {tail} 会由 SDK 自动添加")
_TAIL_FIX = message("remove {tail}", "删掉 {tail}")
_TWICE = message("it contains /v1 twice", "里面出现了两次 /v1")
_TWICE_FIX = message("keep one /v1", "只保留一个 /v1")
_NO_V1 = message("it lacks the /v1 path", "缺少 /v1 路径")
_NO_V1_FIX = message("add /v1 at the end", "在末尾加上 /v1")
_PRESET_PATH = message("the {name} preset (written {checked_on}) uses {url}", "{name} 预设（{checked_on} 编写）使用的是 {url}")
_PRESET_PATH_FIX = message("if requests fail with 404, use {url}", "如果请求返回 404，请改用 {url}")
_NO_PATH = message("it has no path; most compatible endpoints end in /v1", "没有路径；大多数兼容接口以 /v1 结尾")
_NO_PATH_FIX = message("check your provider's documentation for the full base URL", "查看服务商文档里完整的 base URL")
_PLAIN_HTTP = message("plain http to a public host sends your key unencrypted", "用 http 连接公网主机会明文发送密钥")
_USE_HTTPS = message("use https://", "改用 https://")
_OLLAMA_HTTPS = message("Ollama serves plain http on port 11434", "Ollama 在 11434 端口只提供 http")
_USE_HTTP = message("use http://", "改用 http://")
BASE_URL_NOTE = message("OPENAI_BASE_URL '{url}': {problem}; every request will fail. Fix: {fix}.",
                        "OPENAI_BASE_URL '{url}'：{problem}，所有请求都会失败。请{fix}。")


@dataclass(frozen=True)
class UrlProblem:
    """One mistake in a base URL: how bad (``fail``/``warn``), what is wrong, how to fix it."""

    severity: str
    problem: Message
    fix: Message
    #: A stable name for tests and callers: quoted, scheme, invalid, host, tail, twice, v1, preset, path, http, ollama.
    kind: str


def host(url: str | None) -> str:
    """The host name of ``url``, lower case ('' when there is none or the URL is malformed)."""
    try:
        return (urlsplit(url or "").hostname or "").lower()
    except ValueError:
        return ""


def is_loopback(host_name: str) -> bool:
    """True for ``localhost`` and loopback addresses (127.0.0.0/8, ::1).

    The one loopback test lives with the simulator (``helpers/offline/wire/net.py``), imported
    only when asked, so live mode loads no simulator module.
    """
    from .offline import is_loopback as simulator_is_loopback

    return bool(simulator_is_loopback(host_name))


def is_local(host_name: str) -> bool:
    """True for a host on this machine or the local network, where plain http is normal."""
    name = host_name.lower().strip("[]")
    if name in ("localhost", "host.docker.internal") or name.endswith(".local"):
        return True
    try:
        address = ipaddress.ip_address(name)
    except ValueError:
        return False
    return address.is_loopback or address.is_private or address.is_link_local


def unquote(value: str) -> str:
    """``value`` without the spaces and quote characters around it."""
    return value.strip().strip(QUOTES).strip()


def with_scheme(text: str) -> str:
    """``text`` with the scheme it needs when it has none: http:// for local hosts, else https://."""
    if "://" in text:
        return text
    name = text.split("/")[0].rsplit("@", 1)[-1]
    name = name.split("]")[0] + "]" if name.startswith("[") else name.split(":")[0]
    return ("http://" if is_local(name) else "https://") + text


def url_problems(url: str, presets: Mapping[str, Any] | None = None) -> tuple[list[UrlProblem], str]:
    """(problems, suggested URL) for a base URL as written; ``presets`` are ``providers.PRESETS``."""
    found: list[UrlProblem] = []
    text = unquote(url)
    if text != url:
        found.append(UrlProblem(FAIL, _QUOTED, _QUOTED_FIX, "quoted"))
    if "://" not in text:
        text = with_scheme(text)
        found.append(UrlProblem(FAIL, _NO_SCHEME, _WRITE_AS.format(url=text), "scheme"))
    try:
        parts = urlsplit(text)
        name, port = (parts.hostname or "").lower(), parts.port
    except ValueError:
        return found + [UrlProblem(FAIL, _INVALID, _INVALID_FIX, "invalid")], text
    if parts.scheme not in ("http", "https") or not name:
        return found + [UrlProblem(FAIL, _NO_HOST, _NO_HOST_FIX, "host")], text
    path = _path_problems(parts.path.rstrip("/"), name, port, presets or {}, found)
    scheme = parts.scheme
    if scheme == "http" and not is_local(name):
        found.append(UrlProblem(WARN, _PLAIN_HTTP, _USE_HTTPS, "http"))
        scheme = "https"
    if scheme == "https" and port == OLLAMA_PORT:
        found.append(UrlProblem(WARN, _OLLAMA_HTTPS, _USE_HTTP, "ollama"))
        scheme = "http"
    return found, urlunsplit((scheme, parts.netloc, path, "", ""))


def base_url_note(url: str | None) -> Message | None:
    """The settings note for a base URL that cannot work at all (no scheme, not a URL), else None.

    The warnings (a missing /v1, plain http to a public host...) are ``make doctor``'s to show.
    """
    failing = [p for p in url_problems(url)[0] if p.kind in ("scheme", "invalid", "host")] if url else []
    if not failing:
        return None
    first = failing[0]
    return BASE_URL_NOTE.format(url=url, problem=first.problem, fix=first.fix)


def preset_on_host(name: str, presets: Mapping[str, Any]) -> Any | None:
    """The preset (of ``presets``, e.g. ``providers.PRESETS``) whose fixed base URL is on host ``name``, else None."""
    return next((p for p in presets.values() if "{" not in p.base_url and host(p.base_url) == name), None)


def _path_problems(path: str, name: str, port: int | None, presets: Mapping[str, Any], found: list[UrlProblem]) -> str:
    """The path fixed (endpoint tails, doubled /v1, missing /v1, a preset's path); problems appended."""
    for tail in ENDPOINT_PATHS:
        if path.endswith(tail):
            path = path[: -len(tail)]
            found.append(UrlProblem(FAIL, _TAIL.format(tail=tail), _TAIL_FIX.format(tail=tail), "tail"))
            break
    while "/v1/v1" in path:
        path = path.replace("/v1/v1", "/v1")
        found.append(UrlProblem(FAIL, _TWICE, _TWICE_FIX, "twice"))
    preset = preset_on_host(name, presets)
    if not path and (name == "api.openai.com" or port == OLLAMA_PORT):
        found.append(UrlProblem(FAIL, _NO_V1, _NO_V1_FIX, "v1"))
        return "/v1"
    if preset is not None:
        preset_path = urlsplit(preset.base_url).path.rstrip("/")
        if path != preset_path:
            fields = {"url": preset.base_url, "checked_on": preset.checked_on}
            said = _PRESET_PATH.format(name=preset.display_name, **fields)
            found.append(UrlProblem(WARN, said, _PRESET_PATH_FIX.format(url=preset.base_url), "preset"))
        return preset_path
    if not path:
        found.append(UrlProblem(WARN, _NO_PATH, _NO_PATH_FIX, "path"))
    return path


# --------------------------------------------------------------------------- credentials

# ``scheme://user[:password]@``: the user-info part of every URL in a text.
_USERINFO = re.compile(r"(?<=://)[^/\s@]+@")


def mask_credentials(text: str) -> str:
    """``text`` (a URL or any text holding URLs) with every ``user:password@`` shown as ``***@``.

    A value without a scheme (``ann:s3cret@proxy:8080``) is treated as one URL.
    """
    if "://" not in text and "@" in text and not any(ch.isspace() for ch in text):
        return "***@" + text.rsplit("@", 1)[1]
    return _USERINFO.sub("***@", text)


def strip_credentials(url: str) -> str:
    """``url`` without its ``user:password@`` part (for cache keys and displays that need no marker)."""
    return _USERINFO.sub("", url) if "://" in url else url.rsplit("@", 1)[-1]


# --------------------------------------------------------------------------- proxies


def proxy_for(url: str, environ: Mapping[str, str]) -> str | None:
    """The proxy a request to ``url`` goes through (by the usual ``*_PROXY``/``NO_PROXY`` rules), or None."""
    proxies: dict[str, str] = {}
    # Lowercase names win over uppercase ones, as in urllib (which httpx follows).
    for name in sorted(environ, key=lambda n: n.islower()):
        if name.lower().endswith("_proxy"):
            proxies[name.lower()[: -len("_proxy")]] = environ[name].strip()
    parts = urlsplit(url)
    chosen = proxies.get(parts.scheme) or proxies.get("all")
    if not chosen:
        return None
    no_proxy = proxies.get("no", "")
    if no_proxy.strip() == "*":
        return None
    target = (parts.hostname or "").lower()
    for entry in (e.strip().lower().lstrip("*") for e in no_proxy.split(",")):
        if entry and (target == entry.lstrip(".") or target.endswith(entry if entry.startswith(".") else "." + entry)):
            return None
    return chosen


def same_url(a: str | None, b: str | None) -> bool:
    """True when two base URLs are the same but for a trailing slash."""
    return bool(a and b) and a.rstrip("/") == b.rstrip("/")  # type: ignore[union-attr]
