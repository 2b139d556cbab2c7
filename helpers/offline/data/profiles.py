"""Impersonation profiles: make the simulator behave like a provider that lacks features.

Introduced in the lesson on OpenAI-compatible endpoints, where the capability probe
(``helpers.probe``) is tried against providers with fewer features than OpenAI, offline.
A profile switches features off; what is left behaves exactly as in the default
``openai`` profile, which changes nothing at all (same bytes as no profile).

Pick one per simulator (``Simulator(profile="basic")``, ``python -m helpers.offline
--profile basic``, or ``KIT_SIMULATOR_PROFILE=basic`` for the one ``get_client()`` starts)
or per request with the header ``x-offline-profile: basic``, which wins. The header keeps a
shared simulator stateless: every request says for itself whom it talks to.

Rejections look like those of such providers: an OpenAI-style error body whose message
names the missing feature. The numbers follow what such endpoints answer: 400 for a
parameter or content part they do not take, 404 for an endpoint they do not have, and
``stream_options`` silently ignored (no usage chunk) rather than refused.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

from ..wire.errors import SimError

#: Per-request header that picks a profile (wins over the simulator's own).
HEADER = "x-offline-profile"
#: Variable read for the simulator that ``get_client()`` starts in the notebook.
ENV = "KIT_SIMULATOR_PROFILE"
DEFAULT = "openai"


@dataclass(frozen=True)
class Profile:
    """Which optional features an impersonated provider has."""

    name: str
    description: str
    json_schema: bool = True
    json_mode: bool = True
    vision: bool = True
    responses_api: bool = True
    max_completion_tokens: bool = True
    stream_usage: bool = True


PROFILES: dict[str, Profile] = {
    p.name: p
    for p in (
        Profile("openai", "everything the OpenAI API offers (the default)"),
        Profile("no-schema", "no Structured Outputs: response_format json_schema gets 400", json_schema=False),
        Profile("no-json-mode", "no JSON mode: response_format json_object gets 400", json_mode=False),
        Profile("no-vision", "text only: image parts get 400", vision=False),
        Profile("no-responses", "no Responses API: /v1/responses gets 404", responses_api=False),
        Profile("max-tokens-only", "max_completion_tokens gets 400; the older max_tokens works", max_completion_tokens=False),
        Profile("no-stream-usage", "streams work, but stream_options is ignored: no usage chunk", stream_usage=False),
        Profile(
            "basic",
            "Chat Completions with streaming and max_tokens only: no JSON mode or schema, no images, "
            "no Responses API, no usage in streams",
            json_schema=False, json_mode=False, vision=False, responses_api=False, max_completion_tokens=False, stream_usage=False,
        ),
    )
}


class TakesMaxTokens(dict):
    """A chat body for a provider that limits output with ``max_tokens`` for every model.

    OpenAI refuses ``max_tokens`` on reasoning models; such providers do not, so the reasoning
    check reads this marker (``takes_max_tokens``) and lets it through. The body itself is
    unchanged, so the reply's Settings line still shows what was sent."""

    takes_max_tokens = True


class UnknownProfile(ValueError):
    """A profile name that does not exist; the message lists the valid ones (both languages)."""


def get_profile(name: str | None) -> Profile:
    """The profile called ``name`` (``None`` or empty: the default, full profile)."""
    key = (name or DEFAULT).strip().lower() or DEFAULT
    if key in PROFILES:
        return PROFILES[key]
    valid = ", ".join(PROFILES)
    raise UnknownProfile(
        f"Unknown simulator profile {name!r}. Use one of: {valid}. / 未知的模拟器配置 {name!r}，可选：{valid}。"
    )


def from_env() -> str | None:
    """:data:`ENV` if it names a profile, else None (the caller reports unknown names)."""
    name = (os.environ.get(ENV) or "").strip().lower()
    return name if name in PROFILES else None


def for_request(header: str | None, default: Profile) -> Profile:
    """The profile a request asked for with :data:`HEADER`, else the simulator's; 400 if unknown."""
    if header is None or not header.strip():
        return default
    try:
        return get_profile(header)
    except UnknownProfile as exc:
        raise SimError(400, str(exc), param=HEADER, code="unknown_profile") from None


# --- screening one request ----------------------------------------------------------------


def _not_supported(feature: str, param: str, advice: str, code: str = "unsupported_parameter") -> SimError:
    return SimError(400, f"{feature} is not supported by this endpoint. {advice}", param=param, code=code)


def _format_type(spec: Any) -> str | None:
    return spec.get("type") if isinstance(spec, dict) else None


def _check_format(profile: Profile, kind: str | None, param: str) -> None:
    missing = [t for t, ok in (("json_object", profile.json_mode), ("json_schema", profile.json_schema)) if not ok]
    if kind in missing:
        supported = ", ".join(f"'{t}'" for t in ("text", "json_object", "json_schema") if t not in missing)
        feature = "Structured Outputs ('json_schema')" if kind == "json_schema" else "JSON mode ('json_object')"
        raise _not_supported(f"{feature} in '{param}'", f"{param}.type",
                             f"Supported values are: {supported}.", code="invalid_value")


def _parts(items: Any, field: str) -> list[tuple[int, int, str]]:
    """``(item, part, type)`` of every typed content part in a list of messages or input items."""
    found: list[tuple[int, int, str]] = []
    if not isinstance(items, list):
        return found
    for i, item in enumerate(items):
        content = item.get(field) if isinstance(item, dict) else None
        if isinstance(content, list):
            found += [(i, j, part.get("type")) for j, part in enumerate(content) if isinstance(part, dict)]
    return found


def _check_images(profile: Profile, items: Any, where: str, image_type: str) -> None:
    if profile.vision:
        return
    for i, j, kind in _parts(items, "content"):
        if kind == image_type:
            raise _not_supported(
                f"Image input (content part type '{image_type}' in {where}[{i}].content[{j}])",
                f"{where}[{i}].content[{j}].type",
                "Send text only, or choose a model and provider that accept images.",
                code="invalid_value",
            )


def screen_path(profile: Profile, method: str, path: str) -> None:
    """Refuse whole endpoints the profile lacks (before the body is read as JSON)."""
    if not profile.responses_api and (path == "/v1/responses" or path.startswith("/v1/responses/")):
        raise SimError(
            404,
            f"Invalid URL ({method} {path}): this endpoint does not offer the Responses API. "
            "Use Chat Completions (POST /v1/chat/completions) instead.",
            code="not_found",
        )


def screen(profile: Profile, path: str, body: dict) -> dict:
    """Refuse what the profile lacks in a request body; return the body to serve (maybe trimmed).

    The default profile returns ``body`` itself, untouched. Malformed bodies pass through:
    the endpoint's own validation gives them the usual error.
    """
    if path == "/v1/chat/completions":
        if not profile.max_completion_tokens and "max_completion_tokens" in body:
            raise SimError(
                400,
                "Unrecognized request argument supplied: max_completion_tokens. This endpoint limits the "
                "output with the older 'max_tokens' parameter.",
                param="max_completion_tokens",
                code="unknown_parameter",
            )
        _check_format(profile, _format_type(body.get("response_format")), "response_format")
        _check_images(profile, body.get("messages"), "messages", "image_url")
        if not profile.stream_usage and "stream_options" in body:
            body = {name: value for name, value in body.items() if name != "stream_options"}
        if not profile.max_completion_tokens:
            body = TakesMaxTokens(body)
    elif path.startswith("/v1/responses"):
        spec = body.get("text")
        _check_format(profile, _format_type(spec.get("format") if isinstance(spec, dict) else None), "text.format")
        _check_images(profile, body.get("input"), "input", "input_image")
    return body
