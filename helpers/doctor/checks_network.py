"""Network checks that need no request: the base URL, proxies, certificates, and one TCP connect.

URL knowledge (mistakes, local hosts, proxies, credentials) lives in :mod:`helpers.urls`.
"""

from __future__ import annotations

import importlib.util
import socket
from pathlib import Path
from urllib.parse import urlsplit

from .. import config
from ..messages import Message, message
from ..providers import PRESETS
from ..urls import PROXY_VARS, host, is_local, mask_credentials, proxy_for, url_problems
from .context import LEGACY_URL_VAR, URL_VAR, Context, show_path
from .report import FAIL, OK, SKIP, WARN, Issues, Result

#: Seconds for the quick TCP connect.
CONNECT_TIMEOUT = 3.0

_RENAME_TO = message("rename it to {name}", "改名为 {name}")
_LEGACY_TOO = message("{legacy} is set too and is ignored ({name} wins)", "同时设置了 {legacy}，它会被忽略（以 {name} 为准）")
_DELETE = message("delete {name}", "删掉 {name}")
_NO_ENDPOINT = message("Offline simulation: no endpoint to check", "离线模拟模式：无需检查接口地址")
_URL_PROBLEM = message("{name} {url}: {problem}", "{name} {url} 有问题：{problem}")
_ENDPOINT = message("Endpoint {url}", "接口地址 {url}")
_SUGGESTED = message("{fix} → {name}={url}", "{fix}，改为 {name}={url}")


def _legacy_issues(ctx: Context, raw: str | None, issues: Issues) -> str | None:
    """Problems with OPENAI_API_BASE; the legacy value as written."""
    legacy = ctx.raw(LEGACY_URL_VAR)[0]
    fields = {"legacy": LEGACY_URL_VAR, "name": URL_VAR}
    if config.LEGACY_BASE in getattr(ctx.settings, "notes", []):  # the settings use it: their note says so
        issues.add(WARN, config.LEGACY_BASE, _RENAME_TO.format(**fields))
    elif legacy is not None and raw is not None and legacy.strip() != raw.strip():
        issues.add(WARN, _LEGACY_TOO.format(**fields), _DELETE.format(name=LEGACY_URL_VAR))
    return legacy


def check_base_url(ctx: Context) -> Result:
    raw = ctx.raw(URL_VAR)[0]
    issues = Issues()
    legacy = _legacy_issues(ctx, raw, issues)
    written = raw if raw is not None else legacy
    url = written if written is not None else ctx.endpoint()
    if url is None:
        return Result("base_url", OK, _NO_ENDPOINT)
    problems, suggested = url_problems(url, PRESETS)
    name = URL_VAR if raw is not None else (LEGACY_URL_VAR if legacy is not None else "base URL")
    for found in problems:
        issues.add(found.severity, _URL_PROBLEM.format(name=name, url=url.strip(), problem=found.problem), found.fix)
    result = issues.result("base_url", _ENDPOINT.format(url=url))
    if problems and suggested != url.strip():
        result.fix = _SUGGESTED.format(fix=result.fix, name=URL_VAR, url=suggested)
    return result


_NO_PROXY_SET = message("No proxy variables set", "没有设置代理变量")
_SOCKS = message("{name} is a SOCKS proxy, which needs the socksio package", "{name} 是 SOCKS 代理，需要 socksio 包")
_SOCKS_FIX = message("`pip install socksio`, or use the proxy's http:// port", "运行 `pip install socksio`，或改用代理的 http:// 端口")
_SCHEME = message("{name} uses {scheme}://, which the SDK cannot use", "{name} 使用 {scheme}://，SDK 无法使用")
_SCHEME_FIX = message("use an http:// proxy address", "改用 http:// 代理地址")
_LOCAL_VIA_PROXY = message("requests to the local endpoint {url} would go through the proxy", "发往本地接口 {url} 的请求会经过代理")
_LOCAL_VIA_PROXY_FIX = message("add localhost,127.0.0.1 to NO_PROXY", "把 localhost,127.0.0.1 加入 NO_PROXY")
_ROUTE_VIA = message("; {url} goes through {proxy}", "；{url} 经过 {proxy}")
_ROUTE_DIRECT = message("; {url} bypasses it (NO_PROXY)", "；{url} 不经过代理（NO_PROXY）")
_PROXY_OK = message("Proxy: {shown}{route}", "代理：{shown}{route}")
_PROXY_BAD = message("Proxy ({shown}): {problems}", "代理（{shown}）：{problems}")


def _proxy_scheme_issues(set_vars: list[tuple[str, str]], issues: Issues) -> None:
    for name, value in set_vars:
        scheme = value.strip().split("://", 1)[0].lower() if "://" in value else ""
        if scheme.startswith("socks") and importlib.util.find_spec("socksio") is None:
            issues.add(FAIL, _SOCKS.format(name=name), _SOCKS_FIX)
        elif scheme and scheme not in ("http", "https", "socks5", "socks5h"):
            issues.add(FAIL, _SCHEME.format(name=name, scheme=scheme), _SCHEME_FIX)


def check_proxy(ctx: Context) -> Result:
    set_vars = [(n, v) for n, v in ctx.environ.items() if n.upper() in PROXY_VARS and v.strip()]
    if not set_vars:
        return Result("proxy", OK, _NO_PROXY_SET)
    shown = ", ".join(f"{n}={mask_credentials(v.strip())}" for n, v in sorted(set_vars))
    issues = Issues()
    _proxy_scheme_issues(set_vars, issues)
    url = ctx.endpoint()
    via = proxy_for(url, ctx.environ) if url else None
    if url and via and is_local(host(url)):
        issues.add(WARN, _LOCAL_VIA_PROXY.format(url=url), _LOCAL_VIA_PROXY_FIX)
    if via:
        route = _ROUTE_VIA.format(url=url, proxy=mask_credentials(via))
    else:
        route = _ROUTE_DIRECT.format(url=url) if url else Message("", "")
    result = issues.result("proxy", _PROXY_OK.format(shown=shown, route=route))
    if result.status != OK:
        result.summary = _PROXY_BAD.format(shown=shown, problems=result.summary)
    return result


_CERT_MISSING = message("{name} points to {value}, which does not exist: every HTTPS request fails",
                        "{name} 指向的 {value} 不存在：所有 HTTPS 请求都会失败")
_CERT_MISSING_FIX = message("fix the path or remove {name}", "改正路径，或删掉 {name}")
_CERT_UNREAD = message("{name} is set, but the SDK's HTTP library does not read it", "设置了 {name}，但 SDK 使用的 HTTP 库不读取它")
_CERT_UNREAD_FIX = message("set SSL_CERT_FILE to the same file", "把 SSL_CERT_FILE 设为同一个文件")
_CERTS = message("Certificates: {used}", "证书：{used}")
_CERTS_SYSTEM = message("Certificates: the system's trust store", "证书：使用系统的信任库")


def check_ssl(ctx: Context) -> Result:
    issues = Issues()
    used = []
    for name, want_dir in (("SSL_CERT_FILE", False), ("SSL_CERT_DIR", True)):
        value = (ctx.environ.get(name) or "").strip()
        if not value:
            continue
        if Path(value).is_dir() if want_dir else Path(value).is_file():
            used.append(f"{name}={show_path(Path(value))}")
        else:
            issues.add(FAIL, _CERT_MISSING.format(name=name, value=value), _CERT_MISSING_FIX.format(name=name))
    for name in ("REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE"):
        if (ctx.environ.get(name) or "").strip() and not (ctx.environ.get("SSL_CERT_FILE") or "").strip():
            issues.add(WARN, _CERT_UNREAD.format(name=name), _CERT_UNREAD_FIX)
    return issues.result("ssl", _CERTS.format(used=", ".join(used)) if used else _CERTS_SYSTEM)


_SKIPPED_OFFLINE = message("{check}: not run (offline checks only)", "{check}：已跳过（要求只做离线检查）")
_NOTHING_TO_REACH = message("{check}: nothing to reach in offline simulation", "{check}：离线模拟模式下无需连接")
#: What each network check would have done, named in its skip line.
_NETWORK_CHECKS = {
    "reachable": message("Reaching the server", "连接服务器"),
    "endpoint": message("Querying the endpoint with your key", "用你的密钥访问接口"),
    "probe": message("Feature checklist", "功能清单"),
}


def network_skip(check_id: str, ctx: Context) -> Result | None:
    """A SKIP result when the network must not or need not be used, else None."""
    check = _NETWORK_CHECKS.get(check_id, Message.same(check_id))
    if ctx.offline:
        return Result(check_id, SKIP, _SKIPPED_OFFLINE.format(check=check))
    if ctx.endpoint() is None:
        return Result(check_id, SKIP, _NOTHING_TO_REACH.format(check=check))
    return None


_UNPARSABLE = message("The URL cannot be parsed (see base_url)", "网址无法解析（见 base_url）")
_VIA_PROXY_LABEL = message("the proxy {proxy} (for {target})", "代理 {proxy}（用于 {target}）")
_UNRESOLVED = message("Cannot resolve {host}: the name is unknown or DNS is not working", "无法解析 {host}：主机名不存在或 DNS 不可用")
_UNRESOLVED_FIX = message("check the host name for typos and your network; some networks need a proxy for api.openai.com",
                          "检查主机名是否拼错以及网络；某些网络访问 api.openai.com 需要代理")
_REFUSED = message("Connection to {label} refused: nothing is listening there", "连接 {label} 被拒绝：该地址没有服务在监听")
_START_SERVER = message("start the server (Ollama: `ollama serve`)", "先启动服务（Ollama：`ollama serve`）")
_CHECK_PORT = message("check the port and that the service is up", "检查端口，并确认服务正在运行")
_NO_ANSWER = message("No answer from {label} within {seconds:g} s", "{label} 在 {seconds:g} 秒内没有响应")
_NO_ANSWER_FIX = message("a firewall may block it, or this network needs a proxy (HTTPS_PROXY)",
                         "可能被防火墙拦截，或此网络需要代理（HTTPS_PROXY）")
_CANNOT_CONNECT = message("Cannot connect to {label}: {error}", "无法连接 {label}：{error}")
_CANNOT_CONNECT_FIX = message("check the network and the URL", "检查网络和网址")
_CONNECTS = message("{label} accepts connections", "{label} 可以连接")


def _target(url: str, environ: dict[str, str]) -> tuple[str, int, Message]:
    """The host and port the first connection goes to (the proxy's, if any) and how to name it."""
    parts = urlsplit(url if "://" in url else "https://" + url.strip())
    name, port = parts.hostname or "", parts.port or (443 if parts.scheme == "https" else 80)
    via = proxy_for(url, environ)
    if not via:
        return name, port, Message(f"{name}:{port}", f"{name}:{port}")
    proxy = urlsplit(via if "://" in via else "http://" + via)
    label = _VIA_PROXY_LABEL.format(proxy=mask_credentials(via), target=f"{name}:{port}")
    return proxy.hostname or "", proxy.port or 8080, label


def check_reachable(ctx: Context) -> Result:
    skipped = network_skip("reachable", ctx)
    if skipped:
        return skipped
    try:
        target_host, target_port, label = _target(str(ctx.endpoint()), ctx.environ)
    except ValueError:
        return Result("reachable", SKIP, _UNPARSABLE)
    try:
        with socket.create_connection((target_host, target_port), timeout=CONNECT_TIMEOUT):
            pass
    except socket.gaierror:
        return Result("reachable", FAIL, _UNRESOLVED.format(host=target_host), _UNRESOLVED_FIX)
    except ConnectionRefusedError:
        fix = _START_SERVER if is_local(target_host) else _CHECK_PORT
        return Result("reachable", FAIL, _REFUSED.format(label=label), fix)
    except TimeoutError:
        return Result("reachable", FAIL, _NO_ANSWER.format(label=label, seconds=CONNECT_TIMEOUT), _NO_ANSWER_FIX)
    except OSError as exc:
        error = exc.strerror or type(exc).__name__
        return Result("reachable", FAIL, _CANNOT_CONNECT.format(label=label, error=error), _CANNOT_CONNECT_FIX)
    return Result("reachable", OK, _CONNECTS.format(label=label))
