"""Responses conversation state: ``store``, ``previous_response_id`` and the stored-response endpoints.

The real API keeps every response created with ``store`` (the default) so a later request can
continue it with ``previous_response_id`` and ``GET``/``DELETE /v1/responses/{id}`` can reach it.
The simulator keeps them in memory, per simulator instance, in a bounded LRU: the oldest
responses are forgotten first (as if they had expired), so a long class cannot exhaust memory.
Storing is a dictionary insert under a lock; nothing is copied or serialised on the hot path.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs

from ..wire import errors, ids
from ..wire.replies import JsonReply

#: How many responses one simulator remembers (least recently used go first).
MAX_RESPONSES = 4096
#: Rough budget for the text the stored inputs hold (base64 images are large).
MAX_CHARS = 256 * 1024 * 1024
PREFIX = "/v1/responses/"


@dataclass(frozen=True)
class Stored:
    """One stored response: the body as returned, its input items and the whole conversation."""

    response: dict
    input_items: list[dict]  # this request's input items, as ``input_items`` lists them (oldest first)
    context: list[dict]  # every earlier input and output item of the chain, then this response's output
    size: int


class ResponseStore:
    """A thread-safe, bounded, least-recently-used store of responses."""

    def __init__(self, max_responses: int = MAX_RESPONSES, max_chars: int = MAX_CHARS) -> None:
        self._items: OrderedDict[str, Stored] = OrderedDict()
        self._lock = threading.Lock()
        self._chars = 0
        self.max_responses = max_responses
        self.max_chars = max_chars

    def __len__(self) -> int:
        return len(self._items)

    def put(self, ident: str, stored: Stored) -> None:
        with self._lock:
            old = self._items.pop(ident, None)
            if old is not None:
                self._chars -= old.size
            self._items[ident] = stored
            self._chars += stored.size
            while self._items and (len(self._items) > self.max_responses or self._chars > self.max_chars):
                _, dropped = self._items.popitem(last=False)
                self._chars -= dropped.size

    def get(self, ident: str) -> Stored | None:
        with self._lock:
            stored = self._items.get(ident)
            if stored is not None:
                self._items.move_to_end(ident)
            return stored

    def delete(self, ident: str) -> bool:
        with self._lock:
            stored = self._items.pop(ident, None)
            if stored is not None:
                self._chars -= stored.size
            return stored is not None


# --- creating: the request side ------------------------------------------------------------


def raw_items(value: Any) -> list[dict]:
    """The request's ``input`` as a list of items (a plain string is one user message)."""
    if isinstance(value, str):
        return [{"role": "user", "content": value}]
    return list(value) if isinstance(value, list) else []


def check_request(body: dict) -> None:
    """Validate ``store`` and ``previous_response_id`` the way the API does."""
    store = body.get("store")
    if store is not None and not isinstance(store, bool):
        raise errors.invalid_type("store", "a boolean", store)
    previous = body.get("previous_response_id")
    if previous is not None and not isinstance(previous, str):
        raise errors.invalid_type("previous_response_id", "a string", previous)


def previous_context(body: dict, store: ResponseStore | None) -> list[dict]:
    """The items of the conversation ``previous_response_id`` continues (400 if it is unknown)."""
    previous = body.get("previous_response_id")
    if previous is None:
        return []
    stored = store.get(previous) if store is not None else None
    if stored is None:
        raise errors.SimError(
            400,
            f"Previous response with id '{previous}' not found.",
            param="previous_response_id",
            code="previous_response_not_found",
        )
    return stored.context


def with_history(body: dict, history: list[dict]) -> dict:
    """``body`` with the earlier turns put before its own input (the body itself is not changed)."""
    if not history or not isinstance(body.get("input"), (str, list)):
        return body
    return {**body, "input": history + raw_items(body["input"])}


def remember(store: ResponseStore | None, body: dict, response: dict, history: list[dict]) -> None:
    """Keep ``response`` when the request asked for it (``store`` defaults to true)."""
    if store is None or body.get("store", True) is False:
        return
    own = raw_items(body.get("input"))
    items = [_listed_item(item, response["id"], i) for i, item in enumerate(own)]
    context = history + own + list(response.get("output") or [])
    store.put(response["id"], Stored(response, items, context, _size(own)))


def _size(items: list[dict]) -> int:
    """About how many characters the items hold (cheap: only the strings one level down)."""
    total = 0
    for item in items:
        content = item.get("content") if isinstance(item, dict) else None
        if isinstance(content, str):
            total += len(content)
        elif isinstance(content, list):
            total += sum(len(v) for part in content if isinstance(part, dict) for v in part.values() if isinstance(v, str))
    return total + 200 * len(items)


def _listed_item(item: Any, response_id: str, index: int) -> dict:
    """An input item as ``GET /v1/responses/{id}/input_items`` shows it (with an id)."""
    if not isinstance(item, dict):
        return {"type": "message", "id": _item_id("msg", response_id, index), "role": "user", "content": [], "status": "completed"}
    kind = item.get("type", "message")
    if kind != "message":
        prefix = {"reasoning": "rs", "function_call": "fc", "function_call_output": "fco"}.get(kind, "item")
        return {"id": _item_id(prefix, response_id, index), **item}
    role = item.get("role", "user")
    content = item.get("content")
    if role == "assistant":
        parts = _parts(content, "output_text")
        out = [{"annotations": [], "logprobs": [], **p} if p.get("type") == "output_text" else p for p in parts]
        return {"id": item.get("id") or _item_id("msg", response_id, index), "type": "message", "role": "assistant",
                "status": item.get("status", "completed"), "content": out}
    return {"id": item.get("id") or _item_id("msg", response_id, index), "type": "message", "role": role,
            "status": item.get("status", "completed"), "content": _parts(content, "input_text")}


def _parts(content: Any, text_type: str) -> list[dict]:
    if isinstance(content, str):
        return [{"type": text_type, "text": content}]
    return [p for p in content if isinstance(p, dict)] if isinstance(content, list) else []


def _item_id(prefix: str, response_id: str, index: int) -> str:
    return f"{prefix}_" + ids.request_id("input_item", response_id, index)


# --- the stored-response endpoints -----------------------------------------------------------


def route(method: str, path: str, query: str, store: ResponseStore | None) -> JsonReply | None:
    """``GET``/``DELETE /v1/responses/{id}`` and ``GET /v1/responses/{id}/input_items``; None if not ours."""
    if not path.startswith(PREFIX) or store is None:
        return None
    rest = path[len(PREFIX):]
    if rest.endswith("/input_items") and method == "GET":
        return _input_items(store, rest[: -len("/input_items")], parse_qs(query, keep_blank_values=True))
    if "/" in rest or rest in ("", "input_tokens", "compact") or method not in ("GET", "DELETE"):
        return None
    if method == "DELETE":
        if not store.delete(rest):
            raise not_found(rest)
        return JsonReply(200, {"id": rest, "object": "response", "deleted": True})
    _refuse_retrieve_options(parse_qs(query, keep_blank_values=True))
    stored = store.get(rest)
    if stored is None:
        raise not_found(rest)
    return JsonReply(200, stored.response)


def not_found(ident: str) -> errors.SimError:
    return errors.SimError(404, f"Response with id '{ident}' not found.")


def _refuse_retrieve_options(query: dict[str, list[str]]) -> None:
    for name in ("stream", "starting_after", "include", "include[]"):
        values = [v for v in query.get(name, []) if v not in ("", "false")]
        if values:
            raise errors.SimError(
                400,
                f"The offline simulator returns a stored response exactly as it was created; '{name.rstrip('[]')}' "
                "is not available offline when retrieving a response.",
                param=name.rstrip("[]"),
                code="unsupported_parameter",
            )


def _input_items(store: ResponseStore, ident: str, query: dict[str, list[str]]) -> JsonReply:
    if query.get("include") or query.get("include[]"):
        raise errors.SimError(
            400,
            "'include' is not available offline for input items: the simulator lists every input item in full.",
            param="include",
            code="unsupported_parameter",
        )
    limit = _limit(query)
    order = (query.get("order") or ["desc"])[-1]
    if order not in ("asc", "desc"):
        raise errors.invalid_value("order", f"Invalid value: '{order}'. Supported values are: 'asc' and 'desc'.")
    stored = store.get(ident)
    if stored is None:
        raise not_found(ident)
    items = stored.input_items if order == "asc" else stored.input_items[::-1]
    after = (query.get("after") or [None])[-1]
    if after:
        ids = [item["id"] for item in items]
        if after not in ids:
            raise errors.invalid_value("after", f"Invalid 'after': no input item with id '{after}' in response '{ident}'.")
        items = items[ids.index(after) + 1:]
    page = items[:limit]
    first, last = (page[0]["id"], page[-1]["id"]) if page else ("", "")
    return JsonReply(200, {"object": "list", "data": page, "first_id": first, "last_id": last, "has_more": len(items) > limit})


def _limit(query: dict[str, list[str]]) -> int:
    text = (query.get("limit") or ["20"])[-1]
    try:
        limit = int(text)
    except ValueError:
        raise errors.invalid_type("limit", "an integer", text) from None
    if not 1 <= limit <= 100:
        raise errors.out_of_range("limit", limit, 1, 100, integer=True)
    return limit
