"""Lessons 02-06 run top to bottom against providers that lack features, without errors.

Each lesson probes the endpoint right after its setup cell (``helpers.probe``); a cell that
needs a missing capability prints why it is skipped or takes a fallback. Here the kernel's
``get_client()`` starts its own simulator impersonating a limited provider
(``KIT_SIMULATOR_PROFILE``, see ``helpers/offline/data/profiles.py``) instead of using the
session's shared, full simulator; the dead proxy stays, so nothing leaves loopback.

The stored outputs (full profile) are checked by nbval; this file checks the other paths.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parent.parent

# (edition, lesson, profile, lines that must appear in the outputs: skip reasons and fallbacks)
CASES = [
    # Streams without usage take the counted-locally fallback; the Responses API cells print the explanation.
    ("zh", "02_text_generation", "basic", [
        "此接口不支持流式用量（stream_options.include_usage）", "改用 helpers.tokens 在本地估算",
        "本地估算：completion ≈ ", "⚠ 请求失败：NotFoundError 404",
        "这个接口不提供本次请求用到的功能（Responses API 接口，POST /responses）",
    ]),
    ("en", "02_text_generation", "basic", [
        "This endpoint does not support Usage in streams", "counting locally with helpers.tokens instead",
        "Estimated locally: completion ≈ ", "⚠ The request failed: NotFoundError 404",
        "This endpoint does not offer a feature this request uses (the Responses API, POST /responses)",
    ]),
    # The image calls are plain SDK code inside explained(): a 400 on the image part is explained.
    ("zh", "03_vision", "no-vision", [
        "⚠ 请求失败：BadRequestError 400", "这个接口不提供本次请求用到的功能（图像输入，messages[0].content[1].type）",
        "这个接口不提供本次请求用到的功能（图像输入，input[0].content[1].type）",
    ]),
    ("en", "03_vision", "no-vision", [
        "⚠ The request failed: BadRequestError 400",
        "This endpoint does not offer a feature this request uses (image input, messages[0].content[1].type)",
    ]),
    # The guide's calls (JSON mode, parse(), responses.parse()) explain the missing feature; later cells skip;
    # the ladder lands on its prompt rung.
    ("zh", "04_json_output", "basic", [
        "这个接口不提供本次请求用到的功能（JSON 模式或结构化输出，response_format.type）",
        "这个接口不提供本次请求用到的功能（Responses API 接口，POST /responses）",
        "此接口不支持 JSON 模式（json_object）", "此接口不支持结构化输出（json_schema，strict）",
        # No JSON support at all: the prompt rung still works, the schema in the system message asks for JSON in words.
        "prompt → StudyPlan", "prompt → title=",
    ]),
    ("en", "04_json_output", "basic", [
        "This endpoint does not offer a feature this request uses (JSON mode or Structured Outputs, response_format.type)",
        "This endpoint does not offer a feature this request uses (the Responses API, POST /responses)",
        "This endpoint does not support JSON mode (json_object)", "prompt → StudyPlan", "prompt → title=",
    ]),
    # The ladder's point: without json_schema it falls to the next rung and still succeeds.
    ("zh", "04_json_output", "no-schema", [
        "这个接口不提供本次请求用到的功能（JSON 模式或结构化输出，text.format.type）", "此接口不支持结构化输出",
        "json_object → StudyPlan", "json_object → title=",
    ]),
    # No max_completion_tokens: the budget cells say why they skip; the rest of the lesson and its optional
    # sections still run, and the self-checks still say "not done yet".
    ("zh", "05_best_practices", "basic", [
        "此接口不支持 max_completion_tokens 参数", "⏳ 还没完成：在答题单元格里写出 guarded_ask()",
        "收到 20 个回复，全部完整：True",
    ]),
    # max_tokens instead of max_completion_tokens, no stream usage (counted locally), no schema.
    ("zh", "06_playground", "basic", [
        "输入 ", "估算费用大于 0：True", "NotFoundError 404 model_not_found", "此接口不支持结构化输出",
    ]),
]


def _run(path: Path) -> nbformat.NotebookNode:
    nb = nbformat.read(path, as_version=4)
    # Raises CellExecutionError (naming the cell) on the first cell that fails.
    NotebookClient(nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}).execute()
    return nb


def _text(nb: nbformat.NotebookNode) -> str:
    parts = []
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            parts.append(output.get("text", "") or output.get("data", {}).get("text/plain", ""))
    return "\n".join(parts)


@pytest.mark.parametrize("lang, lesson, profile, expected", CASES, ids=[f"{c[0]}/{c[1]}-{c[2]}" for c in CASES])
def test_lesson_under_limited_provider(monkeypatch, lang, lesson, profile, expected):
    # Away from the session's shared simulator: get_client() starts one with this profile.
    for name in ("KIT_SIMULATOR_URL", "OPENAI_BASE_URL", "OPENAI_API_KEY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("KIT_OFFLINE", "1")  # offline even if a developer's .env holds a key
    monkeypatch.setenv("KIT_SIMULATOR_PROFILE", profile)

    nb = _run(ROOT / "notebooks" / lang / f"{lesson}.ipynb")

    text = _text(nb)
    # The banner, in the edition's language: the kernel really used the limited simulator.
    assert (f"（配置：{profile}）" if lang == "zh" else f"(profile: {profile})") in text
    missing = [line for line in expected if line not in text]
    assert not missing, f"{lang}/{lesson} under {profile!r}: no {missing}"
    errors = [o for c in nb.cells for o in c.get("outputs", []) if o.get("output_type") == "error" or o.get("name") == "stderr"]
    assert not errors, errors
