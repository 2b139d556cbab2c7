"""Content parts and message fields the simulator refuses, and refusal parts fed back.

Chat user messages may carry ``text`` and ``image_url`` parts (honoured); ``input_audio``
and ``file`` parts need audio understanding or the Files API, which the simulator lacks,
so they get a clear 400. An assistant message may carry ``text`` and ``refusal`` parts (the
simulator itself emits refusals, so they must be accepted when sent back); its ``audio``
field refers to a stored audio reply and is refused. In Responses input, ``input_file``,
``input_audio`` and ``input_image`` by ``file_id`` are refused the same way.
"""

from __future__ import annotations

from typing import Any

from . import errors, paramcheck

CHAT_REFUSED = {
    "input_audio": "Audio input (an 'input_audio' content part)",
    "file": "File input (a 'file' content part)",
}
RESPONSES_REFUSED = {
    "input_audio": "Audio input (an 'input_audio' content part)",
    "input_file": "File input (an 'input_file' content part)",
}
CHAT_SUPPORTED = {
    "assistant": "'text' and 'refusal'",
    "user": "'text', 'image_url', 'input_audio' and 'file'",
}


def refusal_text(part: dict, where: str) -> str:
    """The text of a ``refusal`` part sent back as input."""
    value = part.get("refusal")
    if not isinstance(value, str):
        raise errors.missing_param(f"{where}.refusal")
    return value


def chat_unsupported(kind: Any, role: str, where: str) -> errors.SimError:
    """The 400 for a chat content part the simulator does not take in a ``role`` message."""
    if role == "user" and kind in CHAT_REFUSED:
        return paramcheck.refusal(f"{where}.type", CHAT_REFUSED[kind], "unsupported_value")
    return errors.unsupported_part(kind, where, CHAT_SUPPORTED.get(role, "'text' and 'image_url'"))


def check_chat_message(message: dict, where: str) -> None:
    """Message-level fields: an assistant ``audio`` reference needs stored audio replies."""
    if message.get("role") == "assistant" and message.get("audio") is not None:
        raise paramcheck.refusal(f"{where}.audio", "A previous audio reply (assistant 'audio')")


def responses_unsupported(kind: Any, where: str) -> errors.SimError:
    """The 400 for a Responses input content part the simulator does not take."""
    if kind in RESPONSES_REFUSED:
        return paramcheck.refusal(f"{where}.type", RESPONSES_REFUSED[kind], "unsupported_value")
    return errors.unsupported_part(kind, where, "'input_text', 'input_image', 'output_text' and 'refusal'")


def check_input_image(part: dict, where: str) -> None:
    """An ``input_image`` by ``file_id`` needs the Files API, which is not simulated."""
    if part.get("file_id") is not None:
        raise paramcheck.refusal(f"{where}.file_id", "An image by 'file_id' (the Files API)")
