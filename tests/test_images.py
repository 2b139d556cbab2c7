"""Tests for ``helpers/images.py`` (lesson 03): data URLs, image parts, clear errors.

The last tests send the parts to the session's offline simulator (the ``simulator``
fixture) through a strict SDK client; nothing here reaches the network.
"""

from __future__ import annotations

import base64
import io
from pathlib import Path

import openai
import pytest
from PIL import Image

from helpers.images import DETAILS, ImageInputError, image_part, image_to_data_url, input_image_part
from helpers.models import DEFAULT_VISION_MODEL

IMAGES = Path(__file__).resolve().parent.parent / "notebooks" / "images"
SAMPLES = {"sunset.png": (1600, 1000), "house.jpg": (1200, 900), "bars.png": (800, 500)}


def decode(url: str) -> tuple[str, Image.Image]:
    """The MIME type of a data URL and the picture it holds."""
    head, data = url.split(",", 1)
    assert head.startswith("data:") and head.endswith(";base64")
    img = Image.open(io.BytesIO(base64.b64decode(data, validate=True)))
    img.load()
    return head[len("data:"):-len(";base64")], img


# --- the sample images ---------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_sample_images_exist_small_and_sized(name: str) -> None:
    path = IMAGES / name
    assert path.is_file(), "run: python tools/make_sample_images.py"
    assert path.stat().st_size < 60 * 1024
    with Image.open(path) as img:
        assert img.size == SAMPLES[name]


def test_sample_images_have_a_license() -> None:
    text = (IMAGES / "LICENSE.md").read_text(encoding="utf-8")
    assert "CC0" in text and "make_sample_images.py" in text


# --- image_to_data_url ---------------------------------------------------------------


def test_path_becomes_jpeg_data_url_shrunk_to_max_side() -> None:
    mime, img = decode(image_to_data_url(IMAGES / "sunset.png"))
    assert mime == "image/jpeg" and img.format == "JPEG"
    assert img.size == (768, 480)  # aspect ratio kept


def test_str_path_and_png_format() -> None:
    url = image_to_data_url(str(IMAGES / "bars.png"), max_side=400, format="png")
    assert url.startswith("data:image/png;base64,iVBORw0KGgo")
    assert decode(url)[1].size == (400, 250)


@pytest.mark.parametrize("fmt, mime", [("jpg", "image/jpeg"), ("WEBP", "image/webp"), ("gif", "image/gif")])
def test_other_formats(fmt: str, mime: str) -> None:
    got, img = decode(image_to_data_url(IMAGES / "house.jpg", max_side=64, format=fmt))
    assert got == mime and max(img.size) == 64


def test_never_upscales_and_none_keeps_size() -> None:
    small = Image.new("RGB", (100, 50), (10, 20, 30))
    assert decode(image_to_data_url(small, max_side=768))[1].size == (100, 50)
    assert decode(image_to_data_url(IMAGES / "house.jpg", max_side=None))[1].size == (1200, 900)


def test_pil_image_is_not_changed() -> None:
    img = Image.new("RGB", (1000, 800), (200, 0, 0))
    image_to_data_url(img, max_side=100)
    assert img.size == (1000, 800)


def test_rgba_to_jpeg_is_flattened_on_white() -> None:
    img = Image.new("RGBA", (40, 40), (0, 0, 0, 0))  # fully transparent
    img.paste((255, 0, 0, 255), (0, 0, 20, 40))  # left half opaque red
    mime, out = decode(image_to_data_url(img, format="JPEG"))
    assert mime == "image/jpeg" and out.mode == "RGB"
    assert all(c > 240 for c in out.getpixel((35, 20)))  # transparent became white
    red = out.getpixel((5, 20))
    assert red[0] > 230 and red[1] < 30 and red[2] < 30


def test_rgba_to_png_keeps_alpha() -> None:
    img = Image.new("RGBA", (10, 10), (0, 0, 255, 128))
    assert decode(image_to_data_url(img, format="PNG"))[1].mode == "RGBA"


@pytest.mark.parametrize("mode", ["P", "LA", "CMYK", "I;16", "1"])
def test_other_modes_convert_for_jpeg(mode: str) -> None:
    img = Image.new("RGB", (30, 30), (0, 128, 255)).convert(mode)
    if mode == "P":
        img.info["transparency"] = 0
    mime, out = decode(image_to_data_url(img, format="JPEG"))
    assert mime == "image/jpeg" and out.mode in ("RGB", "L")


# --- bad inputs ----------------------------------------------------------------------


def test_missing_file_says_what_to_do(tmp_path: Path) -> None:
    with pytest.raises(ImageInputError) as caught:
        image_to_data_url(tmp_path / "nope.png")
    message = str(caught.value)
    assert "not found" in message and "nope.png" in message
    assert "../images/" in message and "找不到" in message


def test_a_folder_is_not_a_file(tmp_path: Path) -> None:
    with pytest.raises(ImageInputError, match="not found"):
        image_to_data_url(tmp_path)


def test_not_an_image(tmp_path: Path) -> None:
    fake = tmp_path / "notes.png"
    fake.write_text("this is text, not a picture", encoding="utf-8")
    with pytest.raises(ImageInputError) as caught:
        image_to_data_url(fake)
    message = str(caught.value)
    assert "Not an image" in message and "notes.png" in message and "PNG, JPEG" in message
    assert caught.value.__cause__ is None  # no chained Pillow traceback for the learner


def test_truncated_image(tmp_path: Path) -> None:
    broken = tmp_path / "broken.jpg"
    broken.write_bytes((IMAGES / "house.jpg").read_bytes()[:400])
    with pytest.raises(ImageInputError, match="Not an image"):
        image_to_data_url(broken)


@pytest.mark.parametrize("url", ["https://example.com/cat.png", "data:image/png;base64,AAAA"])
def test_urls_need_no_conversion(url: str) -> None:
    with pytest.raises(ImageInputError, match="already a URL"):
        image_to_data_url(url)


def test_wrong_type() -> None:
    with pytest.raises(ImageInputError, match="got bytes"):
        image_to_data_url(b"\x89PNG")  # type: ignore[arg-type]


def test_unsupported_format() -> None:
    with pytest.raises(ImageInputError, match="Unsupported format 'BMP'"):
        image_to_data_url(IMAGES / "bars.png", format="BMP")


@pytest.mark.parametrize("bad", [0, -5, 1.5, "768"])
def test_bad_max_side(bad: object) -> None:
    with pytest.raises(ImageInputError, match="max_side"):
        image_to_data_url(IMAGES / "bars.png", max_side=bad)  # type: ignore[arg-type]


def test_errors_are_value_errors() -> None:
    assert issubclass(ImageInputError, ValueError)


# --- parts ---------------------------------------------------------------------------


def test_image_part_shape() -> None:
    assert image_part("https://example.com/a.png") == {
        "type": "image_url",
        "image_url": {"url": "https://example.com/a.png", "detail": "auto"},
    }
    assert image_part("data:image/png;base64,AAAA", "low")["image_url"]["detail"] == "low"


def test_input_image_part_shape() -> None:
    assert input_image_part("data:image/png;base64,AAAA", "high") == {
        "type": "input_image",
        "image_url": "data:image/png;base64,AAAA",
        "detail": "high",
    }


@pytest.mark.parametrize("maker", [image_part, input_image_part])
def test_bad_detail(maker) -> None:
    assert set(DETAILS) == {"auto", "low", "high", "original"}
    with pytest.raises(ValueError, match="detail"):
        maker("https://example.com/a.png", "medium")


# --- against the simulator -----------------------------------------------------------


@pytest.fixture
def client(simulator) -> openai.OpenAI:
    with openai.OpenAI(base_url=simulator.base_url, api_key="sk-test", max_retries=0,
                       _strict_response_validation=True) as sdk:
        yield sdk


@pytest.mark.parametrize("detail, tokens", [("low", 85), ("high", 425), ("auto", 425)])
def test_chat_image_tokens_by_detail(client: openai.OpenAI, detail: str, tokens: int) -> None:
    url = image_to_data_url(IMAGES / "sunset.png")  # 768x480: 2 tiles at high
    reply = client.chat.completions.create(
        model=DEFAULT_VISION_MODEL,
        messages=[{"role": "user", "content": [{"type": "text", "text": "Describe it."}, image_part(url, detail)]}],
    )
    assert reply.usage.prompt_tokens_details.image_tokens == tokens
    assert "768×480" in reply.choices[0].message.content


def test_chat_two_low_images_cost_170(client: openai.OpenAI) -> None:
    parts = [image_part(image_to_data_url(IMAGES / name), "low") for name in ("sunset.png", "house.jpg")]
    reply = client.chat.completions.create(
        model=DEFAULT_VISION_MODEL,
        messages=[{"role": "user", "content": [{"type": "text", "text": "Compare them."}, *parts]}],
    )
    text = reply.choices[0].message.content
    assert reply.usage.prompt_tokens_details.image_tokens == 170
    assert "Image 1" in text and "Image 2" in text


def test_responses_input_image(client: openai.OpenAI) -> None:
    url = image_to_data_url(IMAGES / "house.jpg", format="PNG")
    reply = client.responses.create(
        model=DEFAULT_VISION_MODEL,
        input=[{"role": "user", "content": [{"type": "input_text", "text": "Describe it."},
                                            input_image_part(url, "low")]}],
    )
    assert "768×576" in reply.output_text


@pytest.mark.parametrize("source", ["a" * 5000, Path("b" * 300) / "c.png", "x\0y.png"])
def test_impossible_paths_are_a_short_image_input_error(source: object) -> None:
    # Defect 13: a 5,000-character string (text pasted where a path belongs) raised a raw
    # OSError "File name too long" carrying the whole path.
    with pytest.raises(ImageInputError) as info:
        image_to_data_url(source)  # type: ignore[arg-type]
    message = str(info.value)
    assert len(message) < 600 and "a" * 100 not in message and "b" * 100 not in message
    assert "path" in message.lower() and "路径" in message
