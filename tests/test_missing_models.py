"""A preset without a vision or embedding model: the setting is empty and the lessons say so in one line.

DeepSeek's API takes no images and has no embeddings endpoint, so with ``KIT_PROVIDER=deepseek``
``VISION_MODEL`` and ``EMBEDDING_MODEL`` are empty. A request sent with an empty model (the lessons'
plain SDK calls inside ``with helpers.explained():``) is answered by
:func:`helpers.providers.missing_model`'s one line, whatever the server said; a request that names a
model still gets the usual explanation. Lessons 03 and 09 run here against the session's simulator
posing as that provider (``OPENAI_BASE_URL`` + the preset), so nothing leaves loopback.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
import openai
import pytest
from nbclient import NotebookClient

import helpers
from helpers.explain import explain, kind_of
from tests.test_explain import shown as printed  # what explained() printed for a failing block
from tests.test_sim_support import make_client

ROOT = Path(__file__).resolve().parent.parent
HEX_KEY = "sk-" + "0123456789abcdef" * 2
IMAGE = {"type": "image_url", "image_url": {"url": "data:image/png;base64,iVBORw0KGgo="}}


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_an_image_request_without_a_model_gets_the_one_line(simulator, lang: str) -> None:
    sdk = make_client(simulator.base_url)
    text = printed(lambda: sdk.chat.completions.create(model="", messages=[{"role": "user", "content": [IMAGE]}]), lang)
    assert text == helpers.missing_model("vision").text(lang) + "\n"  # one line: no headline, no server words


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_an_embeddings_request_without_a_model_gets_the_one_line(simulator, lang: str) -> None:
    sdk = make_client(simulator.base_url)
    text = printed(lambda: sdk.embeddings.create(model="", input="hi"), lang)
    assert text == helpers.missing_model("embedding").text(lang) + "\n"


def test_a_responses_request_without_a_model_is_a_vision_gap(simulator) -> None:
    sdk = make_client(simulator.base_url)
    with pytest.raises(openai.APIStatusError) as caught:
        sdk.responses.create(model="  ", input="hi")
    assert kind_of(caught.value) == "no_model" and explain(caught.value) == helpers.missing_model("vision")


def test_a_named_model_still_gets_the_usual_explanation(simulator) -> None:
    sdk = make_client(simulator.base_url)
    with pytest.raises(openai.NotFoundError) as caught:
        sdk.embeddings.create(model="no-such-embedder", input="hi")
    assert kind_of(caught.value) == "model"
    said = explain(caught.value)
    assert said is not None and "no-such-embedder" in said.en and said != helpers.missing_model("embedding")


def _run(path: Path, upto: str | None = None) -> nbformat.NotebookNode:
    nb = nbformat.read(path, as_version=4)
    if upto is not None:
        nb.cells = nb.cells[: [cell.get("id") for cell in nb.cells].index(upto) + 1]
    NotebookClient(nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}).execute()
    return nb


def _outputs(nb: nbformat.NotebookNode) -> tuple[str, list[dict]]:
    outputs = [o for cell in nb.cells for o in cell.get("outputs", [])]
    text = "\n".join(o.get("text", "") or o.get("data", {}).get("text/plain", "") for o in outputs)
    return text, [o for o in outputs if o.get("output_type") == "error" or o.get("name") == "stderr"]


@pytest.fixture
def deepseek_on_the_simulator(monkeypatch: pytest.MonkeyPatch, simulator) -> None:
    """The kernel's settings: the DeepSeek preset, pointed at the session's simulator."""
    for name in ("KIT_SIMULATOR_URL", "KIT_OFFLINE", "OPENAI_API_KEY", "OPENAI_VISION_MODEL", "OPENAI_EMBEDDING_MODEL",
                 "KIT_SIMULATOR_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("KIT_PROVIDER", "deepseek")
    monkeypatch.setenv("DEEPSEEK_API_KEY", HEX_KEY)
    monkeypatch.setenv("OPENAI_BASE_URL", simulator.base_url)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_lesson_03_skips_its_image_requests_without_a_vision_model(deepseek_on_the_simulator, lang: str) -> None:
    nb = _run(ROOT / "notebooks" / lang / "03_vision.ipynb")
    text, errors = _outputs(nb)
    assert not errors, errors
    banner = "[兼容接口] 接口：DeepSeek 深度求索" if lang == "zh" else "[compatible endpoint] endpoint: DeepSeek"
    assert banner in text
    line = helpers.missing_model("vision").text(lang)
    # Each image cell (sections 1 to 5) says it in one line; no image request got an answer.
    assert text.count(line) == 5, text
    assert "image_tokens" not in text and "图像 token：" not in text


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_lesson_09_says_the_provider_has_no_embeddings(deepseek_on_the_simulator, lang: str) -> None:
    nb = _run(ROOT / "notebooks" / lang / "09_embeddings.ipynb", upto="l09-03")
    text, errors = _outputs(nb)
    assert not errors, errors
    assert helpers.missing_model("embedding").text(lang) in text
    assert "text-embedding-3-small ·" not in text


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_lesson_09_takes_the_embedding_model_from_the_setting(deepseek_on_the_simulator, monkeypatch, lang: str) -> None:
    monkeypatch.setenv("OPENAI_EMBEDDING_MODEL", "text-embedding-3-large")
    nb = _run(ROOT / "notebooks" / lang / "09_embeddings.ipynb", upto="l09-05")
    text, errors = _outputs(nb)
    assert not errors, errors
    model_line = "模型： text-embedding-3-large" if lang == "zh" else "model: text-embedding-3-large"
    assert model_line in text and ("共 3072 个数" if lang == "zh" else "list of 3072 numbers") in text
    assert "text-embedding-3-large ·" in text  # the price line names the model the setting gave
    assert helpers.missing_model("embedding").text(lang) not in text
