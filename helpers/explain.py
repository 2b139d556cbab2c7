"""Friendly failures: a failed request explained in a few lines, with the fix, instead of a traceback.

Introduced in lesson 01 (verify the key): the cells that talk to the network run inside
``with helpers.explained():``. When the request fails for a reason a learner can fix (no
network, a timeout, a rejected key, a region the API does not serve, an unknown model, a
wrong base URL), the cell prints what happened and what to do, and the notebook keeps
running. Any other exception is not caught: a bug still shows its traceback.

>>> explain(ValueError("a bug"))  # not a failure we explain: None, so it is raised as usual
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TextIO

import openai

from .keys import redact
from .messages import Message, message

__all__ = ["DOCTOR", "EXPLANATIONS", "explain", "explained", "kind_of"]

#: The pointer every explanation ends with.
DOCTOR = message("For a full check of your setup, run `make doctor` in a terminal (Windows: `py tasks.py doctor`).",
                 "想全面检查配置，在终端运行 `make doctor`（Windows：`py tasks.py doctor`）。")
CONNECTION = message(
    "Could not reach the server: the request never arrived, so there is no status code. Check your network and "
    "proxy (HTTPS_PROXY) and OPENAI_BASE_URL; or work offline for now: KIT_OFFLINE=1 in .env, then run the "
    "setup cell again.",
    "连不上服务器：请求没有送达，所以没有状态码。检查网络、代理（HTTPS_PROXY）和 OPENAI_BASE_URL；"
    "或者先离线学习：在 .env 里写 KIT_OFFLINE=1，再重新运行准备单元格。",
)
TIMEOUT = message(
    "No answer in time (timeout). The network or the server is slow: run the cell again; if it keeps happening, "
    "check your network and proxy, or pass a larger timeout, e.g. get_client(timeout=60).",
    "等待超时，没有收到回答。网络或服务器太慢：再运行一次；如果一直这样，检查网络和代理，"
    "或者把超时调大，例如 get_client(timeout=60)。",
)
AUTH = message(
    "The key was rejected (401). It is mistyped, cut off when copied, revoked, or meant for another provider. "
    "Copy it again into OPENAI_API_KEY in .env (or create a new one), then restart the kernel.",
    "密钥被拒绝（401）：拼错了、复制时少了几位、已被删除，或者是别家服务商的密钥。"
    "重新把密钥复制到 .env 的 OPENAI_API_KEY（或新建一把），然后重启内核。",
)
REGION = message(
    "The API does not serve the country or region this request comes from (403 "
    "unsupported_country_region_territory). A new key will not help: use a compatible provider that serves your "
    "region (KIT_PROVIDER in .env, see lesson 07), or learn offline with KIT_OFFLINE=1.",
    "OpenAI API 不支持这个请求所在的国家或地区（403 unsupported_country_region_territory）。换密钥没有用："
    "改用在你所在地区可用的兼容服务商（.env 里的 KIT_PROVIDER，见第 07 课），或者用 KIT_OFFLINE=1 离线学习。",
)
PERMISSION = message(
    "The key may not do this (403): the project or the key's permissions do not include this model or endpoint. "
    "Check the key's project and permissions on the API keys page, or use another model.",
    "这把密钥无权执行这个操作（403）：它所在的项目或它的权限不包括这个模型或接口。"
    "到 API keys 页面检查密钥的项目和权限，或者换一个模型。",
)
MODEL = message(
    "The model '{model}' does not exist here or your account cannot use it (404 model_not_found). Pick a model "
    "from client.models.list(), put it in OPENAI_MODEL in .env, then run the setup cell again.",
    "这里没有模型 '{model}'，或者你的账户不能用它（404 model_not_found）。从 client.models.list() 里挑一个模型，"
    "写进 .env 的 OPENAI_MODEL，再重新运行准备单元格。",
)
BASE_URL = message(
    "The endpoint at {url} does not speak the OpenAI API at this address ({what}). OPENAI_BASE_URL is probably "
    "wrong: most endpoints end in /v1 (https://api.openai.com/v1, http://localhost:11434/v1); copy it from your "
    "provider's documentation, then restart the kernel.",
    "{url} 这个地址上没有 OpenAI 接口（{what}）。多半是 OPENAI_BASE_URL 写错了：大多数接口以 /v1 结尾"
    "（https://api.openai.com/v1、http://localhost:11434/v1）；从服务商文档复制正确的地址，然后重启内核。",
)
_NOT_FOUND_PATH = message("404 for this path", "这个路径返回 404")
_HTML = message("it answered with a web page, not JSON", "返回的是网页，不是 JSON")
QUOTA = message(
    "The account's prepaid credit is used up (429 insufficient_quota). Retrying will not help: add credit on the "
    "billing page (Settings > Billing as of November 2026), then run the cell again.",
    "账户的预付余额用完了（429 insufficient_quota）。重试没有用：到账单页面充值（截至 2026 年 11 月在 "
    "Settings > Billing），再运行这个单元格。",
)
SPEND_LIMIT = message(
    "The {scope}'s hard spend limit for this month is reached (429 {code}). Retrying will not help: an owner "
    "can raise the limit in the {scope}'s limits settings, or wait for next month. See lesson 01, section 3.",
    "{scope}本月的消费硬上限已经用完（429 {code}）。重试没有用：请管理员在{scope}的限额设置里调高上限，"
    "或者等到下个月。见第 01 课第 3 节。",
)
_PROJECT = message("project", "项目")
_ORGANIZATION = message("organization", "组织")
RATE_LIMIT = message("Too many requests in a short time (429). Wait a few seconds and run the cell again.",
                     "短时间内请求太多（429）。等几秒，再运行这个单元格。")
FEATURE = message(
    "This endpoint does not offer a feature this request uses ({feature}). The same code works with the OpenAI "
    "API, but not every compatible provider or model supports every feature. Lesson 07 shows how to ask an "
    "endpoint what it supports (probe) and how to fall back; with the OpenAI API itself, check the spelling and the model.",
    "这个接口不提供本次请求用到的功能（{feature}）。同样的代码在 OpenAI API 上可以运行，但并不是每家兼容服务商、"
    "每个模型都支持所有功能。第 07 课讲怎样先问清接口支持什么（probe），以及怎样退而求其次；如果用的就是 OpenAI API，"
    "检查一下拼写和模型。",
)
_IMAGE_INPUT = message("image input, {param}", "图像输入，{param}")
_OUTPUT_FORMAT = message("JSON mode or Structured Outputs, {param}", "JSON 模式或结构化输出，{param}")
_RESPONSES_API = message("the Responses API, POST /responses", "Responses API 接口，POST /responses")
HEADLINE = message("⚠ The request failed: {kind}{status}.", "⚠ 请求失败：{kind}{status}。")
SERVER_SAID = message("The server said: {said}", "服务器的原话：{said}")

#: One explanation per failure :func:`kind_of` tells apart.
EXPLANATIONS: dict[str, Message] = {
    "connection": CONNECTION, "timeout": TIMEOUT, "auth": AUTH, "region": REGION, "permission": PERMISSION,
    "model": MODEL, "feature": FEATURE, "base_url": BASE_URL, "html": BASE_URL, "quota": QUOTA,
    "spend_limit": SPEND_LIMIT, "rate_limit": RATE_LIMIT,
}
REGION_CODE = "unsupported_country_region_territory"
#: 429 codes of a reached hard spend limit (OpenAI's spend-limits guide, as of November 2026).
SPEND_LIMIT_CODES = {"project_spend_limit_exceeded": _PROJECT, "organization_spend_limit_exceeded": _ORGANIZATION}
#: Error codes with which endpoints refuse a parameter or value they do not offer.
FEATURE_CODES = frozenset({"unsupported_parameter", "unsupported_value", "unknown_parameter"})
#: Parameters whose refused values are features (a JSON mode, an image part), not typos.
_IMAGE_PART = re.compile(r"\.content\[\d+\]\.type$")
_FORMAT_TYPE = re.compile(r"(^|\.)(response_format|format)\.type$")
#: The longest piece of a server's own message shown (an HTML page is never shown).
MAX_SAID = 200
_SDK_DIR = str(Path(openai.__file__).resolve().parent)


def kind_of(error: BaseException) -> str | None:
    """Which failure ``error`` is (a key of :data:`EXPLANATIONS`, or ``no_model``), or None for anything else."""
    if isinstance(error, openai.APIStatusError) and _sent_without_model(error):
        return "no_model"  # whatever the server answered: the kit sent no model name (the preset has none)
    if isinstance(error, openai.APITimeoutError):  # before APIConnectionError: it is a subclass
        return "timeout"
    if isinstance(error, openai.APIConnectionError):
        return "connection"
    if isinstance(error, openai.AuthenticationError):
        return "auth"
    if isinstance(error, openai.PermissionDeniedError):
        return "region" if _code(error) == REGION_CODE else "permission"
    if isinstance(error, openai.NotFoundError):
        if _code(error) == "model_not_found":
            return "model"
        return "feature" if _is_responses_path(error) else "base_url"
    if isinstance(error, openai.BadRequestError) and _refuses_feature(error):
        return "feature"
    if isinstance(error, openai.RateLimitError):
        code = _code(error)
        if code in SPEND_LIMIT_CODES:
            return "spend_limit"
        return "quota" if code == "insufficient_quota" else "rate_limit"
    if _is_html_reply(error):
        return "html"
    return None


def _code(error: openai.APIStatusError) -> str | None:
    body = error.body if isinstance(error.body, dict) else {}
    return error.code or (str(body["code"]) if body.get("code") else None)


def _param(error: openai.APIStatusError) -> str:
    body = error.body if isinstance(error.body, dict) else {}
    return str(getattr(error, "param", None) or body.get("param") or "")


def _refuses_feature(error: openai.APIStatusError) -> bool:
    """A 400 that refuses a parameter or a feature value, as providers do for what they lack."""
    code = _code(error)
    param = _param(error)
    return code in FEATURE_CODES or (code == "invalid_value" and bool(_IMAGE_PART.search(param) or _FORMAT_TYPE.search(param)))


def _feature(error: openai.APIStatusError) -> Message:
    """The refused feature in a learner's words, with the parameter the server named."""
    if isinstance(error, openai.NotFoundError):
        return _RESPONSES_API
    param = _param(error) or "?"
    if _IMAGE_PART.search(param):
        return _IMAGE_INPUT.format(param=param)
    if _FORMAT_TYPE.search(param):
        return _OUTPUT_FORMAT.format(param=param)
    return Message.same(param)


def _sent_without_model(error: openai.APIStatusError) -> bool:
    """The request named no model: a vision or embedding setting left empty by a preset that has none."""
    request = getattr(error, "request", None)
    try:
        body = json.loads(request.content or b"{}") if request is not None else {}
    except (ValueError, UnicodeDecodeError, TypeError):
        return False
    return isinstance(body, dict) and "model" in body and not str(body["model"] or "").strip()


def _missing_kind(error: openai.APIStatusError) -> str:
    """Which setting was empty: ``embedding`` for POST /embeddings, else ``vision`` (the text model is never empty)."""
    request = getattr(error, "request", None)
    return "embedding" if request is not None and request.url.path.rstrip("/").endswith("/embeddings") else "vision"


def _is_responses_path(error: openai.APIStatusError) -> bool:
    """A 404 for the Responses API: the endpoint serves Chat Completions only (a wrong base URL 404s everywhere)."""
    request = getattr(error, "request", None)
    return request is not None and request.url.path.rstrip("/").endswith("/responses")


def _is_html_reply(error: BaseException) -> bool:
    """The SDK failing inside itself on a reply that was text, not JSON (a web page at the base URL)."""
    if not isinstance(error, AttributeError) or "'str' object has no attribute" not in str(error):
        return False
    frames = []
    tb = error.__traceback__
    while tb is not None:
        frames.append(tb.tb_frame.f_code.co_filename)
        tb = tb.tb_next
    return bool(frames) and str(Path(frames[-1]).resolve()).startswith(_SDK_DIR)


def _said(error: BaseException) -> str | None:
    """The server's own words (JSON error bodies only), redacted and shortened."""
    if not isinstance(error, openai.APIStatusError) or not isinstance(error.body, dict):
        return None
    text = " ".join(str(error.body.get("message") or "").split())
    if not text:
        return None
    text = redact(text)
    return text if len(text) <= MAX_SAID else text[: MAX_SAID - 1] + "…"


def _where(error: BaseException) -> str:
    request = getattr(error, "request", None)
    if request is not None:
        return str(request.url)
    from .client import settings  # the HTML case carries no request: say where the client points

    return settings().base_url or "OPENAI_BASE_URL"


def _model(error: BaseException) -> str:
    said = _said(error) or ""
    parts = said.split("`")
    return parts[1] if len(parts) >= 3 else "?"


def explain(error: BaseException) -> Message | None:
    """What went wrong and how to fix it (ending with the ``make doctor`` pointer), or None if not a known failure.

    A request sent without a model name (``no_model``: the preset has no vision or embedding model) gets the
    one line :func:`helpers.providers.missing_model` says instead.
    """
    kind = kind_of(error)
    if kind is None:
        return None
    if kind == "no_model":  # one line: nothing went wrong that the server's words would explain
        from .providers import missing_model

        assert isinstance(error, openai.APIStatusError)
        return missing_model(_missing_kind(error))
    status = getattr(error, "status_code", None)
    headline = HEADLINE.format(kind=type(error).__name__, status=f" {status}" if isinstance(status, int) else "")
    if kind in ("base_url", "html"):
        what = _NOT_FOUND_PATH if kind == "base_url" else _HTML
        body = BASE_URL.format(url=_where(error), what=what)
    elif kind == "feature":
        assert isinstance(error, openai.APIStatusError)
        body = FEATURE.format(feature=_feature(error))
    elif kind == "spend_limit":
        code = _code(error) or ""
        body = SPEND_LIMIT.format(scope=SPEND_LIMIT_CODES[code], code=Message.same(code))
    else:
        body = EXPLANATIONS[kind].format(model=_model(error)) if kind == "model" else EXPLANATIONS[kind]
    said = _said(error)
    parts = [headline, body] + ([SERVER_SAID.format(said=said)] if said and kind != "base_url" else []) + [DOCTOR]
    return Message("\n".join(p.en for p in parts), "\n".join(p.zh for p in parts))


@contextmanager
def explained(file: TextIO | None = None) -> Iterator[None]:
    """Run a block that talks to the network; a failure :func:`explain` knows is printed, not raised.

    The rest of the block is skipped, as with any exception; other exceptions pass through unchanged.
    """
    try:
        yield
    except (openai.APIError, AttributeError) as error:
        said = explain(error)
        if said is None:
            raise
        print(redact(str(said)), file=file or sys.stdout)
