"""What went wrong with a request, and what to do about it, in the learner's language.

Introduced in lesson 06 (playground), which shows every failed request inside the
widget instead of as a traceback. The facts come from lessons 01 (401), 02 (404 for a
retired model), 04 (400 for JSON mode without the word "json") and 05 (429, timeouts,
connection errors): :func:`explain_error` turns an exception into the error's type,
HTTP status, error code, the server's own message and one line of advice.
"""

from __future__ import annotations

from dataclasses import dataclass

import openai

from ..explain import kind_of

from ..keys import redact
from ..messages import Message, message

# Advice per situation, in both languages.
AUTH = message(
    "The key was rejected. Check OPENAI_API_KEY in your .env (lesson 01), then run the setup cell again.",
    "密钥被拒绝了。检查 .env 里的 OPENAI_API_KEY（见第 01 课），然后重新运行准备单元格。",
)
PERMISSION = message(
    "Your key may not use this model or project. Pick another model, or check the project's permissions.",
    "你的密钥无权使用这个模型或项目。换一个模型，或者检查项目的权限设置。",
)
NOT_FOUND = message(
    "The model does not exist or was retired (lesson 02). Choose another model in the list, "
    "or set OPENAI_MODEL in .env.",
    "这个模型不存在或已经停用（见第 02 课）。在列表里换一个模型，或者修改 .env 里的 OPENAI_MODEL。",
)
QUOTA = message(
    "Your account's prepaid credit is used up: add credit on the Billing page. Retrying does not help.",
    "账户的预付余额用完了：去 Billing 页面充值。重试没有用。",
)
SPEND_LIMIT = message(
    "The project's or organization's hard spend limit for this month is reached. Retrying does not help: ask "
    "whoever manages it (your teacher, in a class) to raise it, or wait for next month.",
    "项目或组织本月的消费硬上限已经用完。重试没有用：请管理它的人（上课时是老师）调高上限，或者等到下个月。",
)
RATE_LIMIT = message(
    "Too many requests in a short time. Wait a few seconds, then press Send again.",
    "短时间内请求太多了。等几秒钟，再按一次发送。",
)
TEMPERATURE = message(
    "This model accepts only the default temperature: set the slider back to 1.",
    "这个模型只接受默认的 temperature：把滑块调回 1。",
)
BAD_REQUEST = message(
    "The server rejected the request itself; the message above says which parameter. "
    "Change it and send again.",
    "服务器拒绝了这个请求；上面的信息说明了是哪个参数。改好之后再发送。",
)
SERVER = message(
    "A problem on the server's side. Wait a moment and send again.",
    "服务器那边出了问题。稍等一会儿，再发送一次。",
)
TIMEOUT = message(
    "No answer in time. Send again; if it keeps happening, lower max tokens or check your network.",
    "等了太久没有回答。再发送一次；如果一直这样，调低 max tokens，或者检查网络。",
)
CONNECTION = message(
    "Could not reach the server. Check your network, proxy and OPENAI_BASE_URL, "
    "or work offline (KIT_OFFLINE=1 in .env).",
    "连不上服务器。检查网络、代理和 OPENAI_BASE_URL，或者改用离线模式（在 .env 里设置 KIT_OFFLINE=1）。",
)
UNEXPECTED = message(
    "Something unexpected went wrong. Your conversation is kept; please report this message.",
    "出现了意料之外的错误。对话记录还在；请把这条信息报告给我们。",
)
#: The advice for each situation :func:`explain_error` tells apart.
ADVICE: dict[str, Message] = {
    "auth": AUTH,
    "permission": PERMISSION,
    "not_found": NOT_FOUND,
    "quota": QUOTA,
    "spend_limit": SPEND_LIMIT,
    "rate_limit": RATE_LIMIT,
    "temperature": TEMPERATURE,
    "bad_request": BAD_REQUEST,
    "server": SERVER,
    "timeout": TIMEOUT,
    "connection": CONNECTION,
    "unexpected": UNEXPECTED,
}


@dataclass(frozen=True)
class Explanation:
    """One failed request, ready to show: no traceback, never a key (API messages mask it)."""

    kind: str
    status: int | None
    code: str | None
    message: str
    advice: str


#: The playground's advice for the failures ``helpers.explain`` names (one classification).
_SITUATIONS = {"model": "not_found", "base_url": "not_found", "region": "permission", "html": "unexpected",
               "feature": "bad_request"}


def _situation(error: BaseException) -> str:
    kind = kind_of(error)
    if kind is not None:
        return _SITUATIONS.get(kind, kind)
    if isinstance(error, openai.APIStatusError) and error.status_code in (400, 422):
        return "temperature" if getattr(error, "param", None) == "temperature" else "bad_request"
    if isinstance(error, openai.APIStatusError) and error.status_code >= 500:
        return "server"
    if isinstance(error, openai.APIStatusError):
        return "bad_request"
    return "unexpected"


def _message(error: BaseException) -> str:
    """The error's own words, with anything key-like or a proxy password masked."""
    return redact(_raw_message(error))


def _raw_message(error: BaseException) -> str:
    if isinstance(error, openai.APIStatusError):
        body = error.body if isinstance(error.body, dict) else {}
        return str(body.get("message") or error.message)
    if isinstance(error, openai.APIConnectionError) and error.__cause__ is not None:
        return f"{error.message} ({type(error.__cause__).__name__}: {error.__cause__})"
    if isinstance(error, openai.APIError):
        return error.message
    return str(error) or type(error).__name__


def explain_error(error: BaseException, lang: str | None = None) -> Explanation:
    """The error's type, status, code and message, and advice in ``lang`` (``"zh"``, ``"en"``; ``None``: the reader's)."""
    status = getattr(error, "status_code", None)
    code = getattr(error, "code", None)
    return Explanation(
        kind=type(error).__name__,
        status=status if isinstance(status, int) else None,
        code=str(code) if code else None,
        message=_message(error),
        advice=ADVICE[_situation(error)].render(lang),
    )
