"""Local images as ``data:`` URLs, and the content parts that carry them.

Introduced in lesson 03 (vision), right after the raw cells that open a picture with
Pillow, shrink it, encode it and wrap it in base64: :func:`image_to_data_url` is exactly
those steps, with errors that say what to do. :func:`image_part` and
:func:`input_image_part` build the message parts of Chat Completions and of the
Responses API.
"""

from __future__ import annotations

import base64
import io
import warnings
from pathlib import Path
from typing import Any

from PIL import Image, UnidentifiedImageError

#: Formats we encode to, with their MIME types (all four are accepted by the API).
MIME_TYPES = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp", "GIF": "image/gif"}
#: ``detail`` values the API accepts for image parts.
DETAILS = ("auto", "low", "high", "original")

ImageSource = str | Path | Image.Image


class ImageInputError(ValueError):
    """A picture that cannot become a data URL; the message says what to do (both languages)."""


def _short(path: Path, limit: int = 120) -> str:
    """``path`` for a message: its start and end when it is very long."""
    text = str(path)
    return text if len(text) <= limit else f"{text[:limit // 2]}…{text[-limit // 3:]} ({len(text)} characters)"


def _open(source: ImageSource) -> Image.Image:
    if isinstance(source, Image.Image):
        return source.copy()
    if not isinstance(source, (str, Path)):
        raise ImageInputError(
            f"Expected a file path or a PIL image, got {type(source).__name__}. "
            f"/ 需要文件路径或 PIL 图像，收到的是 {type(source).__name__}。"
        )
    if isinstance(source, str) and source.startswith(("http://", "https://", "data:")):
        raise ImageInputError(
            "This is already a URL: put it in the image part as it is, no conversion needed. "
            "/ 这已经是 URL 了：直接放进图像部分即可，无需转换。"
        )
    path = Path(source)
    try:
        found = path.is_file()
    except OSError as exc:  # e.g. a name too long for the file system (text pasted where a path belongs)
        raise ImageInputError(
            f"Not a usable file path ({exc.strerror}): {_short(path)}. Pass the path of an image file, "
            f"for example '../images/sunset.png'. / 这不是可用的文件路径（{exc.strerror}）：请传入图片文件的路径，"
            f"例如 '../images/sunset.png'。"
        ) from None
    if not found:
        raise ImageInputError(
            f"Image file not found: {_short(path)}. Check the name and that the path is relative to the notebook's folder "
            f"(for example '../images/sunset.png'). / 找不到图片文件：{path}。请检查文件名，"
            f"并确认路径是相对于笔记本所在文件夹的（例如 '../images/sunset.png'）。"
        )
    try:
        # Pillow only warns between its pixel limit and twice that, then tries to decode a
        # picture of hundreds of megabytes: treat the warning as the error it announces.
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(path) as img:
                img.load()
                return img.copy()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ImageInputError(
            f"{path.name} claims more than {Image.MAX_IMAGE_PIXELS:,} pixels: use a smaller PNG or JPEG "
            f"(a photo of a few thousand pixels per side is plenty). / {path.name} 的像素数过多，"
            f"请使用更小的 PNG 或 JPEG 图片。"
        ) from None
    except (UnidentifiedImageError, OSError):
        raise ImageInputError(
            f"Not an image Pillow can read: {path.name}. Use a PNG, JPEG, WEBP or GIF file. "
            f"/ Pillow 无法读取该文件，它不是图片：{path.name}。请使用 PNG、JPEG、WEBP 或 GIF 文件。"
        ) from None


def _convert_for(img: Image.Image, fmt: str) -> Image.Image:
    """``img`` in a mode ``fmt`` can store (JPEG has no alpha: transparency becomes white)."""
    if fmt == "JPEG":
        if img.mode in ("RGBA", "LA") or (img.mode == "P" and "transparency" in img.info):
            rgba = img.convert("RGBA")
            flat = Image.new("RGB", rgba.size, (255, 255, 255))
            flat.paste(rgba, mask=rgba.getchannel("A"))
            return flat
        return img if img.mode in ("RGB", "L") else img.convert("RGB")
    if fmt in ("PNG", "WEBP") and img.mode not in ("RGB", "RGBA", "L", "LA", "P"):
        return img.convert("RGBA" if "A" in img.getbands() else "RGB")
    return img


def image_to_data_url(
    source: ImageSource,
    max_side: int | None = 768,
    format: str = "JPEG",
    quality: int = 85,
) -> str:
    """A ``data:image/...;base64,...`` URL of a picture, shrunk first.

    ``source`` is a file path or a ``PIL.Image.Image``. The picture is scaled down (never
    up) so that its longer side is at most ``max_side`` pixels (``None`` keeps the size),
    converted to a mode ``format`` can store (RGBA to JPEG is flattened on white), encoded
    as ``format`` (JPEG, PNG, WEBP or GIF) and wrapped in base64. ``quality`` applies to
    JPEG and WEBP. Raises :class:`ImageInputError` with advice when that is not possible.
    """
    fmt = str(format).upper().replace("JPG", "JPEG")
    if fmt not in MIME_TYPES:
        raise ImageInputError(
            f"Unsupported format {format!r}: use one of {', '.join(MIME_TYPES)}. "
            f"/ 不支持的格式 {format!r}：请使用 {', '.join(MIME_TYPES)} 之一。"
        )
    if max_side is not None and (not isinstance(max_side, int) or max_side < 1):
        raise ImageInputError(
            f"max_side must be a positive whole number of pixels or None, got {max_side!r}. "
            f"/ max_side 必须是正整数（像素）或 None，收到 {max_side!r}。"
        )
    if isinstance(quality, bool) or not isinstance(quality, int) or not 1 <= quality <= 100:
        raise ImageInputError(
            f"quality must be a whole number from 1 to 100 (85 is a good default), got {quality!r}. "
            f"/ quality 必须是 1 到 100 之间的整数（85 是不错的默认值），收到 {quality!r}。"
        )
    img = _open(source)
    if max_side is not None:
        img.thumbnail((max_side, max_side))
    img = _convert_for(img, fmt)
    options: dict[str, Any] = {"quality": quality} if fmt in ("JPEG", "WEBP") else {}
    buffer = io.BytesIO()
    img.save(buffer, format=fmt, **options)
    encoded = base64.b64encode(buffer.getvalue()).decode("ascii")
    return f"data:{MIME_TYPES[fmt]};base64,{encoded}"


def _check_url(url: str) -> None:
    if isinstance(url, str) and url.startswith(("https://", "http://", "data:image/")):
        return
    if isinstance(url, (str, Path)) and str(url).strip() and not str(url).startswith("data:"):
        raise ImageInputError(
            f"{str(url)[:80]!r} is not a URL: for a local file use image_part(image_to_data_url(path)). "
            f"/ 这不是 URL：本地图片请用 image_part(image_to_data_url(路径))。"
        )
    raise ImageInputError(
        f"url must be an https:// URL or a data:image/...;base64 URL from image_to_data_url(), got "
        f"{type(url).__name__} {str(url)[:40]!r}. / url 必须是 https:// 网址或 image_to_data_url() 生成的 data URL。"
    )


def _check_detail(detail: str) -> None:
    if detail not in DETAILS:
        raise ValueError(
            f"detail must be one of {', '.join(DETAILS)}, got {detail!r}. "
            f"/ detail 只能是 {', '.join(DETAILS)} 之一，收到 {detail!r}。"
        )


def image_part(url: str, detail: str = "auto") -> dict[str, Any]:
    """A Chat Completions image part: ``{"type": "image_url", "image_url": {"url", "detail"}}``.

    ``url`` is an ``https://`` URL or a data URL from :func:`image_to_data_url`.
    """
    _check_url(url)
    _check_detail(detail)
    return {"type": "image_url", "image_url": {"url": url, "detail": detail}}


def input_image_part(url: str, detail: str = "auto") -> dict[str, Any]:
    """The Responses API form: ``{"type": "input_image", "image_url": url, "detail": detail}``."""
    _check_url(url)
    _check_detail(detail)
    return {"type": "input_image", "image_url": url, "detail": detail}

