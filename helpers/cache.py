"""A response cache keyed on the full request: ask the same thing twice, pay once.

Introduced in lesson 05 (best practices: performance). The key is a hash of everything
that can change the answer: the endpoint's base URL, the API and every request
parameter (model, messages, temperature, seed, ...). Change any of them and it is a new
entry. Kept in memory, and on disk when you give a folder (one JSON file per entry,
written atomically), so a workshop can replay answers without the network.

A cache returns the same answer every time, even where a model would vary (temperature
above 0): that is the point, and also the thing to remember.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import tempfile
import threading
import warnings
from pathlib import Path
from typing import Any

import pydantic
from openai.types.chat import ChatCompletion
from openai.types.responses import Response

from .messages import message

BAD_FOLDER = message(
    "Cannot use {folder} as the cache folder ({error}): give a folder you can write to, or None to cache in memory only.",
    "无法把 {folder} 用作缓存文件夹（{error}）：请换一个可写的文件夹，或传 None 只在内存中缓存。",
)
NOT_JSON = message(
    "Only JSON-serialisable requests can be cached ({error}): use plain dicts, lists, str and numbers; "
    "call the SDK directly for a pydantic response_format.",
    "只有可 JSON 序列化的请求才能缓存（{error}）：请只用字典、列表、字符串和数字；pydantic 格式请直接调用 SDK。",
)
NOT_WRITTEN = message(
    "Could not write the cache entry to {folder} ({error}); it is kept in memory only. Check that the folder is writable.",
    "无法把缓存写入 {folder}（{error}），本条只保存在内存中；请检查文件夹是否可写。",
)
NO_STREAM = message("Streaming calls cannot be cached; call without stream=True.",
                    "流式调用无法缓存；请不要传 stream=True。")

_TYPES = {"chat": ChatCompletion, "responses": Response}
#: The name of an entry's file: the SHA-256 key (see :meth:`ResponseCache.key`) in lower-case hex.
_ENTRY_NAME = re.compile(r"[0-9a-f]{64}\.json")


class ResponseCache:
    """Cache Chat Completions and Responses results by their full request."""

    def __init__(self, folder: str | Path | None = None) -> None:
        self.folder = Path(folder) if folder is not None else None
        if self.folder is not None:
            try:
                self.folder.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise ValueError(str(BAD_FOLDER.format(folder=self.folder, error=exc.strerror))) from None
        self._memory: dict[str, dict[str, Any]] = {}
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    @staticmethod
    def key(api: str, base_url: str, request: dict[str, Any]) -> str:
        """The cache key: a SHA-256 of the API, the endpoint and the canonical request JSON."""
        try:
            text = json.dumps({"api": api, "base_url": base_url, "request": request}, sort_keys=True, ensure_ascii=False)
        except TypeError as exc:
            raise TypeError(str(NOT_JSON.format(error=exc))) from None
        return hashlib.sha256(text.encode("utf-8")).hexdigest()

    def _load(self, key: str) -> dict[str, Any] | None:
        with self._lock:
            if key in self._memory:
                return self._memory[key]
        if self.folder is None:
            return None
        path = self.folder / f"{key}.json"
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None
        except (OSError, ValueError):  # ValueError: bad JSON or bytes that are not UTF-8
            return None  # a damaged entry is a miss; the next call rewrites it
        if not isinstance(data, dict):
            return None
        with self._lock:
            self._memory[key] = data
        return data

    def _store(self, key: str, data: dict[str, Any]) -> None:
        with self._lock:
            self._memory[key] = data
        if self.folder is None:
            return
        # The answer is already paid for: a disk that refuses it (read-only, full) must not
        # lose it. It stays in memory and the learner is told once per failure.
        tmp = None
        try:
            fd, tmp = tempfile.mkstemp(dir=self.folder, suffix=".tmp")
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump(data, handle, ensure_ascii=False)
            os.replace(tmp, self.folder / f"{key}.json")
        except OSError as exc:
            if tmp is not None:
                Path(tmp).unlink(missing_ok=True)
            warnings.warn(str(NOT_WRITTEN.format(folder=self.folder, error=exc.strerror)), stacklevel=4)

    def _call(self, api: str, client: Any, request: dict[str, Any]) -> tuple[Any, bool]:
        if request.get("stream"):
            raise ValueError(str(NO_STREAM))
        key = self.key(api, str(client.base_url), request)
        data = self._load(key)
        cached = None
        if data is not None:
            try:
                cached = _TYPES[api].model_validate(data)
            except pydantic.ValidationError:
                cached = None  # an entry of the wrong shape (edited by hand, another version): a miss
        if cached is not None:
            with self._lock:
                self.hits += 1
            return cached, True
        endpoint = client.chat.completions if api == "chat" else client.responses
        response = endpoint.create(**request)
        self._store(key, response.model_dump(mode="json"))
        with self._lock:
            self.misses += 1
        return response, False

    def chat(self, client: Any, **request: Any) -> tuple[ChatCompletion, bool]:
        """``client.chat.completions.create(**request)`` through the cache; returns ``(response, hit)``."""
        return self._call("chat", client, request)

    def responses(self, client: Any, **request: Any) -> tuple[Response, bool]:
        """``client.responses.create(**request)`` through the cache; returns ``(response, hit)``."""
        return self._call("responses", client, request)

    def clear(self) -> None:
        """Forget every entry and delete the cache's own files (other files in the folder stay)."""
        with self._lock:
            self._memory.clear()
            self.hits = self.misses = 0
        if self.folder is not None:
            for path in self.folder.glob("*.json"):
                if _ENTRY_NAME.fullmatch(path.name):
                    path.unlink(missing_ok=True)
