"""``POST /v1/moderations``: the real request checks and reply shape, scored by a lexicon.

Request (the SDK's ``ModerationCreateParams`` and the official description's
``CreateModerationRequest``): ``input`` is required and is a string, an array of strings, or
an array of multimodal parts (``{"type": "text", "text"}`` and ``{"type": "image_url",
"image_url": {"url"}}``); ``model`` is optional (default ``omni-moderation-latest``) and must
be one of the SDK's ``ModerationModel`` names. Any other key, at the top or inside a part, is
a 400; so is a wrong type, an empty array, and an image for a text-only model.

Reply: ``{"id": "modr-...", "model", "results": [...]}`` with one result per string of an
array of strings, and one result for a whole array of parts (the description's "Image and
text" example answers two parts with one result). A result has ``flagged``, ``categories``
and ``category_scores`` for all thirteen categories, and ``category_applied_input_types``
(which input types each score covers). The legacy ``text-moderation-*`` models answer in
their older shape: eleven categories (no ``illicit``) and no ``category_applied_input_types``
(observed on text-moderation-latest in openai-php/client#572, 2025-04-30; the SDK's strict
response validation expects the newer shape, so a strict client rejects these replies as it
would the live ones). The scores come from :mod:`helpers.offline.behaviour.moderation`.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from . import common
from ..behaviour import moderation
from ..behaviour.vision import inspect_image
from ..data import catalog
from ..wire import errors, ids
from ..wire import paramcheck as pc
from ..wire.replies import JsonReply

PART_KEYS = {"text": {"type", "text"}, "image_url": {"type", "image_url"}}


@dataclass(frozen=True)
class Item:
    """What one result classifies: its texts, and whether it holds an image."""

    texts: tuple[str, ...]
    image: bool = False


def _model(body: dict) -> str:
    if body.get("model") is None:
        return catalog.MODERATION_DEFAULT
    model = common.model_name(body)
    if model not in catalog.moderation_models():
        raise errors.model_not_found(model)
    return model


def _unknown_key(where: str, key: str) -> errors.SimError:
    return errors.SimError(400, f"Unknown parameter: '{where}.{key}'.", param=f"{where}.{key}", code="unknown_parameter")


def _items(raw: Any, text_only: bool, model: str) -> list[Item]:
    if raw is None:
        raise errors.missing_param("input")
    if isinstance(raw, str):
        return [Item((raw,))]
    if not isinstance(raw, list):
        raise pc.invalid_type("input", "a string, an array of strings or an array of objects", raw)
    if not raw:
        raise errors.SimError(400, "Invalid 'input': empty array. Expected an array with minimum length 1, "
                              "but got an empty array instead.", param="input", code="empty_array")
    if isinstance(raw[0], str):
        for i, value in enumerate(raw):
            if not isinstance(value, str):
                raise pc.invalid_type(f"input[{i}]", "a string (the array began with a string)", value)
        return [Item((value,)) for value in raw]
    texts: list[str] = []
    image = False
    for i, part in enumerate(raw):
        if not isinstance(part, dict):
            raise pc.invalid_type(f"input[{i}]", "an object (the array began with an object)", part)
        text = _part(part, f"input[{i}]", text_only, model)
        if text is None:
            image = True
        else:
            texts.append(text)
    return [Item(tuple(texts), image)]


def _part(part: dict, where: str, text_only: bool, model: str) -> str | None:
    """The text of a ``text`` part, or None for a valid ``image_url`` part."""
    kind = part.get("type")
    if kind is None:
        raise errors.missing_param(f"{where}.type")
    if kind not in PART_KEYS:
        raise errors.unsupported_part(kind, where, "'text' and 'image_url'")
    for key in part:
        if key not in PART_KEYS[kind]:
            raise _unknown_key(where, key)
    if kind == "text":
        text = part.get("text")
        if text is None:
            raise errors.missing_param(f"{where}.text")
        if not isinstance(text, str):
            raise pc.invalid_type(f"{where}.text", "a string", text)
        return text
    if text_only:
        raise errors.SimError(400, f"Invalid value: 'image_url'. The model '{model}' classifies text only; "
                              "use omni-moderation-latest to classify images.", param=f"{where}.type", code="invalid_value")
    image_url = part.get("image_url")
    if image_url is None:
        raise errors.missing_param(f"{where}.image_url")
    if not isinstance(image_url, dict):
        raise pc.invalid_type(f"{where}.image_url", "an object", image_url)
    for key in image_url:
        if key != "url":
            raise _unknown_key(f"{where}.image_url", key)
    if image_url.get("url") is None:
        raise errors.missing_param(f"{where}.image_url.url")
    try:
        inspect_image(image_url["url"])  # a data URL is decoded (a broken one is a 400); a remote URL is not fetched
    except errors.SimError as error:
        raise dataclasses.replace(error, param=f"{where}.image_url.url") from None
    return None


def _result(item: Item, legacy: bool) -> dict:
    categories = moderation.LEGACY_CATEGORIES if legacy else moderation.CATEGORIES
    verdict = moderation.classify("\n".join(item.texts), categories)
    result: dict[str, Any] = {"flagged": verdict.flagged, "categories": verdict.categories, "category_scores": verdict.scores}
    if not legacy:
        has_text = bool(item.texts) or not item.image
        result["category_applied_input_types"] = {
            c: ["text"] * has_text + ["image"] * (item.image and c in moderation.IMAGE_CATEGORIES) for c in categories
        }
    return result


def handle(body: dict, extra_models: frozenset[str]) -> JsonReply:
    """``extra_models`` (the server's chat models) do not apply: only moderation models are served here."""
    common.check_unknown(body, "moderations")
    model = _model(body)
    legacy = model.startswith("text-moderation")
    items = _items(body.get("input"), legacy, model)
    (key,) = ids.body_ids(body, "moderation")
    reply = {"id": "modr-" + key, "model": catalog.moderation_snapshot(model), "results": [_result(item, legacy) for item in items]}
    return JsonReply(200, reply)
