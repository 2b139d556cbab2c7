"""Checks that send requests: the endpoint's model list, the configured models, the feature probe."""

from __future__ import annotations

import importlib
from typing import Any

from .. import config, models
from ..messages import Message, message
from .checks_network import network_skip
from .context import Context
from .report import FAIL, OK, SKIP, WARN, Issues, Result, join

#: Seconds for each request (the model list, every probe call).
REQUEST_TIMEOUT = 10.0
#: The capabilities the lessons use, as named by helpers.probe.Capabilities.
PROBE_FEATURES = ("models_list", "chat", "streaming", "stream_usage", "json_mode", "json_schema", "vision",
                  "max_completion_tokens", "responses_api")


def client_for(ctx: Context) -> Any:
    """An ``openai.OpenAI`` for the endpoint in use: no retries, a short timeout."""
    import openai

    key = ctx.settings.outgoing_key if ctx.settings is not None else config.NO_KEY
    return openai.OpenAI(api_key=key, base_url=ctx.endpoint(), max_retries=0, timeout=REQUEST_TIMEOUT)


_REJECTED = message("{url} rejected the key (401)", "{url} 拒绝了密钥（401）")
_REJECTED_FIX = message("copy the key again, check it belongs to this provider and is not revoked",
                        "重新复制密钥，确认它属于这个服务商且没有被撤销")
_FORBIDDEN = message("{url} refused access (403): region, organisation or project settings",
                     "{url} 拒绝访问（403）：可能与地区、组织或项目设置有关")
_FORBIDDEN_FIX = message("check the key's project permissions on the provider's site", "到服务商网站检查密钥所属项目的权限")
_NO_LISTING = message("{url}/models does not exist (404): the path of the base URL may be wrong",
                      "{url}/models 不存在（404）：base URL 的路径可能不对")
_NO_LISTING_FIX = message("check the base URL against your provider's documentation", "对照服务商文档检查 base URL")
_STATUS = message("{url}/models answered {status}", "{url}/models 返回 {status}")
_STATUS_FIX = message("try again later; if it persists, check the provider's status page", "稍后重试；若一直如此，查看服务商的状态页")
_NO_HTTP = message("No HTTP answer from {url} ({error})", "{url} 没有 HTTP 响应（{error}）")
_NO_HTTP_FIX = message("see the reachable, proxy and ssl lines above", "参看上面 reachable、proxy、ssl 几行")
_UNSENT = message("The request could not be sent ({error})", "请求无法发送（{error}）")
_UNSENT_FIX = message("see the key_format and ssl lines above", "参看上面 key_format、ssl 几行")
_ANSWERS = message("{url} answers, listing {count} model(s)", "{url} 正常响应，列出 {count} 个模型")


def _list_models(ctx: Context) -> Result | None:
    """Fill ``ctx.model_ids``; a failing Result when the listing did not work."""
    import openai

    url = ctx.endpoint()
    try:
        page = client_for(ctx).models.list()
        ctx.model_ids = sorted(model.id for model in page.data)
    except openai.AuthenticationError:
        return Result("endpoint", FAIL, _REJECTED.format(url=url), _REJECTED_FIX)
    except openai.PermissionDeniedError:
        return Result("endpoint", FAIL, _FORBIDDEN.format(url=url), _FORBIDDEN_FIX)
    except openai.NotFoundError:
        ctx.endpoint_ok = True  # it answers; only the listing is missing
        return Result("endpoint", WARN, _NO_LISTING.format(url=url), _NO_LISTING_FIX)
    except openai.APIStatusError as exc:
        return Result("endpoint", WARN, _STATUS.format(url=url, status=exc.status_code), _STATUS_FIX)
    except openai.APIConnectionError as exc:
        return Result("endpoint", FAIL, _NO_HTTP.format(url=url, error=type(exc.__cause__ or exc).__name__), _NO_HTTP_FIX)
    except Exception as exc:  # a key the HTTP library cannot send, a missing CA file...
        return Result("endpoint", FAIL, _UNSENT.format(error=type(exc).__name__), _UNSENT_FIX)
    return None


def check_endpoint(ctx: Context) -> Result:
    skipped = network_skip("endpoint", ctx)
    if skipped:
        return skipped
    failed = _list_models(ctx)
    if failed is not None:
        return failed
    ctx.endpoint_ok = True
    return Result("endpoint", OK, _ANSWERS.format(url=ctx.endpoint(), count=len(ctx.model_ids or [])))


_NOT_LOADED = message("Settings not loaded", "设置未能加载")
_RETIRED = message("model {name} was retired on {when}", "模型 {name} 已于 {when} 停用")
_RETIRING = message("model {name} shuts down on {when}", "模型 {name} 将于 {when} 停用")
_SET_MODEL = message("set OPENAI_MODEL={new} in .env", "在 .env 里设置 OPENAI_MODEL={new}")
_UNLISTED = message("the endpoint does not list {name} (it offers: {sample})", "接口的模型列表里没有 {name}（可用：{sample}）")
_UNLISTED_FIX = message("set OPENAI_MODEL (and OPENAI_VISION_MODEL, OPENAI_EMBEDDING_MODEL) to one it lists",
                        "把 OPENAI_MODEL（以及 OPENAI_VISION_MODEL、OPENAI_EMBEDDING_MODEL）设为列表中的模型")
_MODELS = message("Model {listed}", "模型 {listed}")


def check_model(ctx: Context) -> Result:
    if ctx.settings is None:
        return Result("model", SKIP, _NOT_LOADED)
    issues = Issues()
    settings = ctx.settings
    # An empty vision or embedding model: the provider has none (the settings' notes say so).
    names = dict.fromkeys(name for name in (settings.model, settings.vision_model, settings.embedding_model) if name)
    for name in names:
        when = models.shutdown_date(name)
        if when is not None and models.retirement_warning(name):
            gone = models.is_retired(name)
            issues.add(FAIL if gone else WARN, (_RETIRED if gone else _RETIRING).format(name=name, when=when),
                       _SET_MODEL.format(new=models.replacement_for(name)))
        if ctx.model_ids and name not in ctx.model_ids:
            sample = ", ".join(ctx.model_ids[:8]) + (" …" if len(ctx.model_ids) > 8 else "")
            issues.add(WARN, _UNLISTED.format(name=name, sample=sample), _UNLISTED_FIX)
    return issues.result("model", _MODELS.format(listed=" / ".join(names)))


_PROBE_MISSING = message("Feature checklist: not available (helpers.probe missing)", "功能清单：无法检查（缺少 helpers.probe）")
_PROBE_SKIPPED = message("Feature checklist skipped: the endpoint did not answer", "已跳过功能清单：接口没有响应")
_PROBE_STOPPED = message("The feature probe stopped ({error})", "功能探测中断（{error}）")
_PROBE_STOPPED_FIX = message("run it again; if it persists, report it", "再运行一次；若仍然如此，请反馈")
_NO_CHAT = message("{model} refuses chat requests at this endpoint", "{model} 在此接口上拒绝聊天请求")
_NO_CHAT_FIX = message("check the model name (OPENAI_MODEL) against the provider's list", "对照服务商的模型列表检查 OPENAI_MODEL")
_REFUSED = message("not supported here: {names}", "此处不支持：{names}")
_UNKNOWN = message("could not tell: {names}", "无法判断：{names}")
_MODEL_SAYS = message("{model}: {findings}", "模型 {model}：{findings}")
_MISSING_FIX = message("lessons that need these say so; another model or provider may have them (details below)",
                       "用到这些功能的课程会给出提示；换个模型或服务商可能支持（详见下方）")
_EVERY_FEATURE = message("{model} accepts every feature the lessons use", "{model} 支持课程用到的全部功能")


def _checklist(caps: Any) -> list[Message]:
    """The probe's checklist, one message per line (its first line, the heading, left out)."""
    en, zh = caps.checklist("en").splitlines()[1:], caps.checklist("zh").splitlines()[1:]
    return [Message(line_en, line_zh) for line_en, line_zh in zip(en, zh)]


def _probe_result(caps: Any, model: str) -> Result:
    details = _checklist(caps)
    refused = [name for name in PROBE_FEATURES if getattr(caps, name, None) is False]
    unknown = [name for name in PROBE_FEATURES if getattr(caps, name, None) is None]
    if caps.chat is False:
        return Result("probe", FAIL, _NO_CHAT.format(model=model), _NO_CHAT_FIX, details)
    if refused or unknown:
        findings = ([_REFUSED.format(names=", ".join(refused))] if refused else []) + (
            [_UNKNOWN.format(names=", ".join(unknown))] if unknown else [])
        return Result("probe", WARN, _MODEL_SAYS.format(model=model, findings=join(findings)), _MISSING_FIX, details)
    return Result("probe", OK, _EVERY_FEATURE.format(model=model), details=details)


def check_probe(ctx: Context) -> Result:
    skipped = network_skip("probe", ctx)
    if skipped:
        return skipped
    try:
        probe_module = importlib.import_module("helpers.probe")
    except ImportError:
        return Result("probe", SKIP, _PROBE_MISSING)
    if not ctx.endpoint_ok or ctx.settings is None:
        return Result("probe", SKIP, _PROBE_SKIPPED)
    settings = ctx.settings
    try:
        caps = probe_module.probe(client_for(ctx), settings.model, vision_model=settings.vision_model, refresh=True,
                                  timeout=REQUEST_TIMEOUT)
    except Exception as exc:  # the probe reports per feature; anything else is ours to contain
        return Result("probe", WARN, _PROBE_STOPPED.format(error=type(exc).__name__), _PROBE_STOPPED_FIX)
    return _probe_result(caps, settings.model)
