"""A notebook speaks its edition's language: no English kit message in zh outputs, no Chinese one in en.

The kit's texts come from ``helpers.messages.registered()`` (every helper module imported first). Each
message's English template is cut at its ``{fields}`` and line breaks into literal fragments; those long
enough to be words (16+ characters with 2+ English words), and not shared with any Chinese text, must not
appear in a zh notebook's stored outputs (stream text, text/plain, error values). The same holds the other
way for Chinese fragments (4+ Han characters) in en outputs. Any stored output that joins Latin and Han text
with " / " (how a terminal shows both languages) fails in either edition.

Failures that no stored output shows (a rejected key, a region the API does not serve, no network) are
rendered here through ``helpers.explain`` in both languages, and each must hold no sentence of the other.
``KIT_NOTEBOOKS`` points the notebook scan at another checkout.
"""

from __future__ import annotations

import functools
import importlib
import json
import os
import pkgutil
import re
import string
from pathlib import Path

import httpx
import nbformat
import openai
import pytest

import helpers
from helpers import explain as explain_module
from helpers.messages import EN, ZH, Message, registered

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = Path(os.environ.get("KIT_NOTEBOOKS") or ROOT / "notebooks")
LESSONS = sorted(NOTEBOOKS.glob("*/[0-9][0-9]_*.ipynb"))

HAN = re.compile(r"[\u3400-\u9fff]")
HAN_PUNCT = "，。：；！？（）“”、"
ENGLISH_WORD = re.compile(r"[A-Za-z]{2,}")
# "Hello. / 你好。" or "你好。 / Hello.": the two-language form a notebook must never show.
PAIR = re.compile(r"[A-Za-z0-9.!?)\]'\"`] / [\u3400-\u9fff“（]|[\u3400-\u9fff。！？）”] / [A-Za-z\"'`(\[]")
MIN_EN, MIN_HAN = 16, 4
# Four or more English words in a row: a sentence, not a name (API keys, Responses API, make doctor).
ENGLISH_RUN = re.compile(r"[A-Za-z]{2,}(?:[ ,']+[A-Za-z]{2,}){3,}")


def import_every_helper() -> None:
    for info in pkgutil.walk_packages(helpers.__path__, "helpers."):
        if not info.name.endswith("__main__"):
            importlib.import_module(info.name)


def fragments(template: str) -> list[str]:
    """The literal pieces of a template: split at ``{fields}`` and line breaks, stripped."""
    pieces: list[str] = []
    for literal, *_ in string.Formatter().parse(template):
        pieces += [piece.strip(" \t:：,，") for piece in literal.splitlines()]
    return [piece for piece in pieces if piece]


@functools.cache
def foreign_fragments() -> dict[str, tuple[str, ...]]:
    """Edition -> the kit's fragments that must not appear in that edition's outputs."""
    import_every_helper()
    messages = registered()
    all_zh = "\n".join(item.zh for item in messages)
    english = {
        piece for item in messages for piece in fragments(item.en)
        if len(piece) >= MIN_EN and len(ENGLISH_WORD.findall(piece)) >= 2 and piece not in all_zh
    }
    chinese = {piece for item in messages for piece in fragments(item.zh) if len(HAN.findall(piece)) >= MIN_HAN}
    return {ZH: tuple(sorted(english)), EN: tuple(sorted(chinese))}


def stored_texts(nb: nbformat.NotebookNode) -> list[tuple[int, str]]:
    """(cell index, text) of every stored output a learner reads: stream, text/plain, error value."""
    found = []
    for index, cell in enumerate(nb.cells):
        for output in cell.get("outputs", []):
            kind = output.get("output_type")
            if kind == "stream":
                found.append((index, output.get("text", "")))
            elif kind == "error":
                found.append((index, f"{output.get('ename')}: {output.get('evalue')}"))
            else:
                data = output.get("data", {})
                for mime in ("text/plain", "text/markdown"):
                    value = data.get(mime)
                    if value:
                        found.append((index, value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)))
    return found


# The SDK's own form of a server's error ("Error code: 429 - ..."): the server's words, quoted, not the kit's.
SERVER_LINE = re.compile(r"^Error code: \d{3} - .*$", re.M)


def foreign_in(text: str, edition: str) -> list[str]:
    text = SERVER_LINE.sub("", text)
    return [piece for piece in foreign_fragments()[edition] if piece in text]


def pairs_in(text: str) -> list[str]:
    return [text[max(0, m.start() - 30):m.end() + 30].replace("\n", " ") for m in PAIR.finditer(text)]


def report(problems: list[str], what: str) -> None:
    assert not problems, f"{what}:\n  " + "\n  ".join(problems)


# --- stored outputs ----------------------------------------------------------------------


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_outputs_show_no_kit_message_in_the_other_language(path):
    edition = path.parent.name
    nb = nbformat.read(path, as_version=4)
    problems = [f"cell {index}: {piece!r}" for index, text in stored_texts(nb) for piece in foreign_in(text, edition)]
    other = "English" if edition == ZH else "Chinese"
    report(problems, f"{other} kit messages in the {edition} edition's stored outputs (find the helper message)")


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_outputs_show_no_two_language_pairs(path):
    nb = nbformat.read(path, as_version=4)
    problems = [f"cell {index}: …{context}…" for index, text in stored_texts(nb) for context in pairs_in(text)]
    report(problems, "'English / 中文' pairs in stored outputs (a notebook shows its edition's language only)")


def test_the_scan_catches_what_it_should():
    import_every_helper()
    english = foreign_fragments()[ZH]
    assert english, "no English fragments: the registry is empty?"
    sample = explain_module.AUTH.en
    assert foreign_in(f"⚠ 请求失败。\n{sample}\n", ZH), "an English explanation in a zh output went unnoticed"
    assert foreign_in(explain_module.AUTH.zh, EN), "a Chinese explanation in an en output went unnoticed"
    assert not foreign_in(explain_module.AUTH.zh, ZH) and not foreign_in(explain_module.AUTH.en, EN)
    assert pairs_in("Mode: offline simulator / 模式：离线模拟器") and pairs_in("模式：离线。 / Mode: offline.")
    assert not foreign_in("Error code: 429 - You exceeded your quota. (offline simulation)", ZH)
    assert foreign_in("模式：offline simulation", ZH)
    assert not pairs_in("POST /responses") and not pairs_in("输入 / 输出") and not pairs_in("input / output")


# --- explanations no stored output shows ----------------------------------------------------

URL = "https://api.openai.com/v1/chat/completions"


def _status_error(cls: type[openai.APIStatusError], status: int, code: str, text: str, url: str = URL) -> openai.APIStatusError:
    body = {"message": text, "type": "invalid_request_error", "param": None, "code": code}
    response = httpx.Response(status, request=httpx.Request("POST", url), json={"error": body})
    return cls(text, response=response, body=body)


def failures() -> dict[str, BaseException]:
    request = httpx.Request("POST", URL)
    feature = _status_error(openai.BadRequestError, 400, "unsupported_parameter", "Unsupported parameter")
    feature.body["param"] = "response_format.type"  # type: ignore[index]
    return {
        "auth": _status_error(openai.AuthenticationError, 401, "invalid_api_key", "Incorrect API key provided."),
        "region": _status_error(openai.PermissionDeniedError, 403, "unsupported_country_region_territory",
                                "Country, region, or territory not supported"),
        "permission": _status_error(openai.PermissionDeniedError, 403, "model_not_allowed",
                                    "You are not allowed to use this model."),
        "connection": openai.APIConnectionError(request=request),
        "timeout": openai.APITimeoutError(request=request),
        "feature": feature,
        "responses": _status_error(openai.NotFoundError, 404, "", "Not found", "https://example.test/v1/responses"),
    }


def sentences(text: str) -> list[str]:
    """The sentences of a text long enough to recognise (split at . ! ? 。！？ and line breaks)."""
    pieces = re.split(r"(?<=[.!?。！？])\s*|\n", text)
    return [p.strip() for p in pieces if len(ENGLISH_WORD.findall(p)) >= 3 or len(HAN.findall(p)) >= MIN_HAN]


def mixing(message: Message, quoted: str = "") -> list[str]:
    """Where one language of ``message`` carries the other's text (the server's own quoted words aside)."""
    zh, en = message.render(ZH).replace(quoted, ""), message.render(EN).replace(quoted, "")
    problems = [f"zh rendering holds the English sentence {s!r}" for s in sentences(en) if s in zh]
    problems += [f"zh rendering holds English prose {run!r}" for run in ENGLISH_RUN.findall(zh)]
    problems += [f"a two-language pair …{pair}…" for text in (zh, en) for pair in pairs_in(text)]
    problems += [f"en rendering holds Chinese {''.join(HAN.findall(en))[:40]!r}"] if HAN.search(en) else []
    return problems


@pytest.mark.parametrize("kind", list(failures()))
def test_explanations_render_in_one_language(kind):
    error = failures()[kind]
    said = explain_module.explain(error)
    assert said is not None, f"{kind}: helpers.explain does not explain {type(error).__name__}"
    quoted = str(getattr(error, "body", {}) and error.body.get("message") or "")  # type: ignore[union-attr]
    report(mixing(said, quoted), f"{kind}: the explanation mixes languages")
    expected = explain_module.EXPLANATIONS.get(kind if kind != "responses" else "feature")
    if expected is not None and kind not in ("feature", "responses"):
        assert expected.render(ZH) in said.render(ZH) and expected.render(EN) in said.render(EN)


def test_the_explanation_check_catches_a_bilingual_message():
    bilingual = Message("The key was rejected (401). Copy it again.",
                        "密钥被拒绝（401）。The key was rejected (401). Copy it again.")
    assert mixing(bilingual)
    english_first = Message("Offline mode.", "Offline simulator mode / 离线模拟器模式。")
    assert mixing(english_first)
    chinese_in_en = Message("The key was rejected / 密钥被拒绝。", "密钥被拒绝。")
    assert mixing(chinese_in_en)
    assert not mixing(explain_module.AUTH)
