"""Key checks: where the key comes from, how it is written, and whose it looks like.

The knowledge of keys (formats, mistakes, masking) lives in :mod:`helpers.keys`; these
checks only apply it to what the learner configured.
"""

from __future__ import annotations

from .. import config
from ..key_rules import prefix_problem
from ..keys import key_belongs_elsewhere, key_problems, mask_key, unquote_key
from ..messages import Message, message
from ..offline import OFFLINE_KEY
from ..providers import PRESETS
from ..urls import host, preset_on_host
from .context import Context, show_path
from .report import FAIL, OK, SKIP, WARN, Issues, Result, join, verbatim

_SOURCE_FIX = message("fix the setting named above", "按上面的提示修改设置")
_NOT_LOADED = message("settings could not be loaded", "设置未能加载")
_NO_KEY_OFFLINE = message("No key: offline simulation (no calls, no cost)", "没有密钥：离线模拟模式（不联网、不产生费用）")
_NO_KEY_LOCAL = message("No {var}: fine for a local server such as Ollama, not for a hosted provider",
                        "没有设置 {var}：本地服务（如 Ollama）可以不要密钥，在线服务商都需要")
_NO_KEY_LOCAL_FIX = message("add {var}=<your key> to .env if your provider needs one",
                            "如果服务商需要密钥，在 .env 里加上 {var}=<你的密钥>")
_STAND_IN = message("{var} is the offline simulator's stand-in (get_client() sets it offline)",
                    "{var} 是离线模拟器的占位密钥（离线模式下由 get_client() 设置）")
_NOT_SENT = message("{var} {masked} is set but not sent (see the provider line)", "已设置 {var} {masked}，但不会被发送（见 provider 一行）")
_NOT_SENT_FIX = message("put the key for this endpoint in the variable named above", "把此接口的密钥写入上面提到的变量")
_TWO_KEYS = message(
    "{var} {masked} comes from the environment, and .env has a different one ({other}) that is ignored",
    "{var} {masked} 来自环境变量；.env 里另有一个（{other}），不会被使用",
)
_TWO_KEYS_FIX = message("remove the stale one: `unset {var}` (Windows: `set {var}=`) or edit .env",
                        "删掉过时的那个：`unset {var}`（Windows：`set {var}=`），或修改 .env")
_FROM = message("{var} {masked} from {origin}{offline}", "{var} {masked} 来自{origin}{offline}")
_NOT_USED_OFFLINE = message(" (not used: offline simulation)", "（未使用：离线模拟模式）")
_FROM_ENVIRONMENT = message("the environment", "环境变量")
_FROM_COLAB = message("Colab Secrets", "Colab 的密钥面板（Secrets）")
_ALREADY_LOADED = message("{where} (already loaded into the environment)", "{where}（已载入环境变量）")


def _origin(origin: str, where: str) -> Message:
    """Where a key came from, as a reader would say it."""
    if origin == "environment":
        return _FROM_ENVIRONMENT
    if origin == ".env":
        return Message(where, where)
    if origin == "loaded":
        return _ALREADY_LOADED.format(where=where)
    return _FROM_COLAB if origin == "Colab Secrets" else Message(origin, origin)


def _no_key(ctx: Context, var: str) -> Result | None:
    assert ctx.settings is not None
    if ctx.settings.mode == config.OFFLINE:
        return Result("key_source", OK, _NO_KEY_OFFLINE)
    if ctx.settings.mode == config.COMPATIBLE:
        return Result("key_source", WARN, _NO_KEY_LOCAL.format(var=var), _NO_KEY_LOCAL_FIX.format(var=var))
    return None


def check_key_source(ctx: Context) -> Result:
    if ctx.settings is None:
        return Result("key_source", FAIL, ctx.settings_error or _NOT_LOADED, _SOURCE_FIX)
    settings, var = ctx.settings, ctx.key_var()
    value, origin = ctx.key()
    if value is None:
        return _no_key(ctx, var) or Result("key_source", SKIP, _NOT_LOADED)
    masked = mask_key(value)
    if value.strip() == OFFLINE_KEY:
        return Result("key_source", OK, _STAND_IN.format(var=var))
    if settings.api_key is None and settings.mode != config.OFFLINE:
        return Result("key_source", WARN, _NOT_SENT.format(var=var, masked=masked), _NOT_SENT_FIX)
    if origin == "environment":
        file_value = (ctx.file_values.get(var) or "").strip()
        if file_value and file_value != value.strip():
            return Result("key_source", WARN, _TWO_KEYS.format(var=var, masked=masked, other=mask_key(file_value)),
                          _TWO_KEYS_FIX.format(var=var))
        if file_value:
            origin = "loaded"
    where = show_path(ctx.env_file) if ctx.env_file is not None else ".env"
    offline = _NOT_USED_OFFLINE if settings.mode == config.OFFLINE else Message("", "")
    return Result("key_source", OK, _FROM.format(var=var, masked=masked, origin=_origin(origin, where), offline=offline))


_NO_KEY_TO_CHECK = message("No key to check", "没有可检查的密钥")
_KEY_PROBLEM = message("{var} ({masked}, {origin}): {problem}", "{var}（{masked}，来自{origin}）：{problem}")
_WELL_FORMED = message("{var} looks well-formed (ASCII, no quotes or spaces)", "{var} 格式正常（纯 ASCII，没有引号或空格）")


def check_key_format(ctx: Context) -> Result:
    value, origin = ctx.key()
    if value is None:
        return Result("key_format", SKIP, _NO_KEY_TO_CHECK)
    var = ctx.key_var()
    where = show_path(ctx.env_file) if ctx.env_file is not None else ".env"
    issues = Issues()
    for found in key_problems(value) + [p for p in (prefix_problem(value, ctx.endpoint()),) if p is not None]:
        issues.add(found.severity, _KEY_PROBLEM.format(var=var, masked=mask_key(unquote_key(value)),
                                           origin=_origin(origin, where), problem=found.problem), found.fix)
    return issues.result("key_format", _WELL_FORMED.format(var=var))


_NO_PAIR = message("No key or no endpoint: nothing to match", "没有密钥或接口：无需检查")
_MATCHING = message("Nothing suggests the key belongs to another provider", "没有迹象表明密钥属于其他服务商")
_ELSEWHERE = message(
    "The key {masked} looks like a key from {owner} ({kind}), but the endpoint is {endpoint} ({url})",
    "密钥 {masked} 看起来是 {owner} 的密钥（{kind}），但接口是 {endpoint}（{url}）",
)
_ELSEWHERE_FIX = message(
    "use a key from {endpoint}, or point the kit at the key's provider ({ids}, or OPENAI_BASE_URL=<its URL>)",
    "换成 {endpoint} 的密钥，或把接口改为该密钥所属的服务商（{ids}，或设置 OPENAI_BASE_URL）",
)
_OR = message(" or ", " 或 ")


def check_key_provider(ctx: Context) -> Result:
    value, _ = ctx.key()
    url = ctx.endpoint()
    if value is None or url is None:
        return Result("key_provider", SKIP, _NO_PAIR)
    endpoint = preset_on_host(host(url), PRESETS)
    elsewhere = key_belongs_elsewhere(value, endpoint.id) if endpoint is not None else None
    if endpoint is None or elsewhere is None:
        return Result("key_provider", OK, _MATCHING)
    kind, ids = elsewhere
    owners = [PRESETS[i] for i in ids if i in PRESETS]
    fields: dict[str, Message | str] = {
        "masked": mask_key(value.strip()), "kind": kind, "url": url,
        "owner": join([Message(p.name_en, p.name_zh) for p in owners], " / ", " / "),
        "endpoint": Message(endpoint.name_en, endpoint.name_zh),
        "ids": join([verbatim(f"KIT_PROVIDER={p.id}") for p in owners], _OR.en, _OR.zh),
    }
    return Result("key_provider", WARN, _ELSEWHERE.format(**fields), _ELSEWHERE_FIX.format(**fields))
