"""Which endpoints need a key, and which keys cannot be right: two rules ``config.resolve`` applies.

Introduced in lesson 01 (compatible endpoints), with the banner notes they produce:

1. **A hosted endpoint without a key it can send runs offline.** ``KIT_PROVIDER=deepseek`` or a
   public ``OPENAI_BASE_URL`` with no key could only fail on every request, so the kit says so
   once and uses the offline simulator instead; the lessons keep running. So does a key no
   request header can carry (control or non-ASCII characters). A server on this machine or the
   local network (Ollama, LM Studio, vLLM) needs no key: it gets a placeholder key.
2. **An implausible key is named in a note** (the placeholder of a template, a key too short to
   be real, a key without the prefix its endpoint's keys have): requests would fail with 401.

``make doctor`` shows the same problems (its key checks use :func:`prefix_problem` too).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .keys import FAIL, KEY_NOTE, KeyProblem, key_problems, unquote_key
from .messages import Message, message
from .urls import host, is_local, unquote, with_scheme

if TYPE_CHECKING:
    from .providers import Preset

#: Kinds of :func:`helpers.keys.key_problems` that make a key implausible rather than mistyped.
IMPLAUSIBLE = ("placeholder", "too_short")
#: The prefix every key of a host has (only hosts whose format is certain).
PREFIXES = {"api.openai.com": "sk-"}

NO_KEY_OFFLINE = message(
    "No key for {name}: running on the offline simulator. Add {variable}=<your key> to .env, then run the setup "
    "cell again.",
    "没有 {name} 的密钥：改用离线模拟器运行。在 .env 里加上 {variable}=<你的密钥>，再重新运行准备单元格。",
)
RUNS_OFFLINE = message("Until then the lessons run on the offline simulator.", "在此之前，课程在离线模拟器上运行。")
_PREFIX = message("the key does not start with {prefix}, as every key of {host} does (another provider's key, or "
                  "cut off at the start?)",
                  "密钥不是以 {prefix} 开头，而 {host} 的密钥都以它开头（是别家服务商的密钥，还是开头被截掉了？）")
_PREFIX_FIX = message("copy the key again from the provider's API keys page", "从服务商的 API keys 页面重新复制密钥")


def needs_key(base_url: str | None, preset: Preset | None) -> bool:
    """True when requests to ``base_url`` need a key: a hosted endpoint, not a local server."""
    if preset is not None and not preset.key_env:
        return False
    return bool(base_url) and not is_local(host(with_scheme(unquote(base_url or ""))))


def missing_key(mode: str, base_url: str | None, key: str | None, preset: Preset | None) -> Message | None:
    """The note that sends a compatible endpoint without its key offline, or None when it may run as it is."""
    if mode != "compatible" or key or not needs_key(base_url, preset):
        return None
    name = preset.display_name if preset is not None else Message(str(base_url), str(base_url))
    variable = (preset.key_env if preset is not None else "") or "OPENAI_API_KEY"
    return NO_KEY_OFFLINE.format(name=name, variable=variable)


def offline_instead(key_error: Message | None) -> Message | None:
    """The note for a key no request header can carry (:func:`helpers.keys.unsendable_key`): the kit runs offline."""
    return key_error + RUNS_OFFLINE if key_error is not None else None


def no_key_note(preset: Preset | None) -> Message | None:
    """The preset's own "no key found" note, which :func:`missing_key`'s note replaces."""
    from .providers import NO_KEY

    return NO_KEY.format(id=preset.id, variable=preset.key_env) if preset is not None else None


def prefix_problem(key: str, base_url: str | None) -> KeyProblem | None:
    """A key without the prefix every key of its endpoint has, else None."""
    name = host(base_url)
    prefix, key = PREFIXES.get(name), unquote_key(key)
    if prefix is None or key.startswith(prefix) or not (key.isascii() and key.isprintable()):  # odd characters: their own problem
        return None
    problem = _PREFIX.format(prefix=prefix, host=name)
    return KeyProblem(FAIL, problem, _PREFIX_FIX, "prefix")


def key_notes(key: str | None, variable: str, base_url: str | None) -> list[Message]:
    """The banner notes for a key (at most two; none for a plausible key or no key).

    First how it is written (quotes, spaces, characters no key has), then why it cannot be right
    (placeholder, too short, wrong prefix): the first problem of each, each with its fix.
    """
    if not key:
        return []
    found = key_problems(key)
    written = [p for p in found if p.kind not in IMPLAUSIBLE]
    implausible = [p for p in found if p.kind in IMPLAUSIBLE] + [p for p in (prefix_problem(key, base_url),) if p]
    return [KEY_NOTE.format(variable=variable, problem=group[0].problem, fix=group[0].fix)
            for group in (written, implausible) if group]
