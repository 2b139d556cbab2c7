"""``GET /v1/models`` and ``GET /v1/models/{id}``."""

from __future__ import annotations

from ..data import catalog as model_table
from . import common, embeddings
from ..wire import errors, ids
from ..wire.replies import JsonReply


def _model(name: str) -> dict:
    # A stable, plausible creation time per model (the real API's values are not ours to copy).
    created = ids.CREATED - (int(ids.request_id("model", name), 16) % (3 * 365 * 86400))
    entry = {"id": name, "object": "model", "created": created, "owned_by": "system"}
    when = model_table.shutdown_date(name)
    if when is not None:
        entry["shutdown_date"] = when.isoformat()
    return entry


def listing(extra_models: frozenset[str]) -> JsonReply:
    names = set(model_table.current_models()) | set(embeddings.MODELS) | extra_models
    return JsonReply(200, {"object": "list", "data": [_model(n) for n in sorted(names)]})


def retrieve(name: str, extra_models: frozenset[str]) -> JsonReply:
    if name not in embeddings.MODELS and not common.model_available(name, extra_models):
        raise errors.model_not_found(name)
    return JsonReply(200, _model(name))
