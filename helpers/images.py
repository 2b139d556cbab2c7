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

from .messages import message

#: Formats we encode to, with their MIME types (all four are accepted by the API).
MIME_TYPES = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp", "GIF": "image/gif"}
#: ``detail`` values the API accepts for image parts.
DETAILS = ("auto", "low", "high", "original")

ImageSource = str | Path | Image.Image

NOT_A_SOURCE = message("Expected a file path or a PIL image, got {kind}.", "需要文件路径或 PIL 图像，收到的是 {kind}。")
ALREADY_URL = message("This is already a URL: put it in the image part as it is, no conversion needed.",
                      "这已经是 URL 了：直接放进图像部分即可，无需转换。")
BAD_PATH = message(
    "Not a usable file path ({error}): {path}. Pass the path of an image file, for example '../images/sunset.png'.",
    "这不是可用的文件路径（{error}）：{path}。请传入图片文件的路径，例如 '../images/sunset.png'。",
)
NOT_FOUND = message(
    "Image file not found: {path}. Check the name and that the path is relative to the notebook's folder "
    "(for example '../images/sunset.png').",
    "找不到图片文件：{path}。请检查文件名，并确认路径是相对于笔记本所在文件夹的（例如 '../images/sunset.png'）。",
)
TOO_MANY_PIXELS = message(
    "{name} claims more than {limit:,} pixels: use a smaller PNG or JPEG (a photo of a few thousand pixels per side "
    "is plenty).",
    "{name} 声称有超过 {limit:,} 个像素：请使用更小的 PNG 或 JPEG 图片（每边几千像素的照片就足够了）。",
)
NOT_AN_IMAGE = message("Not an image Pillow can read: {name}. Use a PNG, JPEG, WEBP or GIF file.",
                       "Pillow 无法读取该文件，它不是图片：{name}。请使用 PNG、JPEG、WEBP 或 GIF 文件。")
BAD_FORMAT = message("Unsupported format {format!r}: use one of {formats}.", "不支持的格式 {format!r}：请使用 {formats} 之一。")
BAD_MAX_SIDE = message("max_side must be a positive whole number of pixels or None, got {value!r}.",
                       "max_side 必须是正整数（像素）或 None，收到 {value!r}。")
BAD_QUALITY = message("quality must be a whole number from 1 to 100 (85 is a good default), got {value!r}.",
                      "quality 必须是 1 到 100 之间的整数（85 是不错的默认值），收到 {value!r}。")
NOT_A_URL = message("{text!r} is not a URL: for a local file use image_part(image_to_data_url(path)).",
                    "{text!r} 不是 URL：本地图片请用 image_part(image_to_data_url(路径))。")
BAD_URL = message(
    "url must be an https:// URL or a data:image/...;base64 URL from image_to_data_url(), got {kind} {text!r}.",
    "url 必须是 https:// 网址或 image_to_data_url() 生成的 data:image/...;base64 URL，收到 {kind} {text!r}。",
)
BAD_DETAIL = message("detail must be one of {details}, got {detail!r}.", "detail 只能是 {details} 之一，收到 {detail!r}。")


class ImageInputError(ValueError):
    """A picture that cannot become a data URL; the message says what to do (in the reader's language)."""


def _short(path: Path, limit: int = 120) -> str:
    """``path`` for a message: its start and end when it is very long."""
    text = str(path)
    return text if len(text) <= limit else f"{text[:limit // 2]}…{text[-limit // 3:]} ({len(text)} characters)"


def _open(source: ImageSource) -> Image.Image:
    if isinstance(source, Image.Image):
        return source.copy()
    if not isinstance(source, (str, Path)):
        raise ImageInputError(str(NOT_A_SOURCE.format(kind=type(source).__name__)))
    if isinstance(source, str) and source.startswith(("http://", "https://", "data:")):
        raise ImageInputError(str(ALREADY_URL))
    path = Path(source)
    try:
        found = path.is_file()
    except OSError as exc:  # e.g. a name too long for the file system (text pasted where a path belongs)
        raise ImageInputError(str(BAD_PATH.format(error=exc.strerror, path=_short(path)))) from None
    if not found:
        raise ImageInputError(str(NOT_FOUND.format(path=_short(path))))
    try:
        # Pillow only warns between its pixel limit and twice that, then tries to decode a
        # picture of hundreds of megabytes: treat the warning as the error it announces.
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(path) as img:
                img.load()
                return img.copy()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ImageInputError(str(TOO_MANY_PIXELS.format(name=path.name, limit=Image.MAX_IMAGE_PIXELS))) from None
    except (UnidentifiedImageError, OSError):
        raise ImageInputError(str(NOT_AN_IMAGE.format(name=path.name))) from None


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
        raise ImageInputError(str(BAD_FORMAT.format(format=format, formats=", ".join(MIME_TYPES))))
    if max_side is not None and (not isinstance(max_side, int) or max_side < 1):
        raise ImageInputError(str(BAD_MAX_SIDE.format(value=max_side)))
    if isinstance(quality, bool) or not isinstance(quality, int) or not 1 <= quality <= 100:
        raise ImageInputError(str(BAD_QUALITY.format(value=quality)))
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
        raise ImageInputError(str(NOT_A_URL.format(text=str(url)[:80])))
    raise ImageInputError(str(BAD_URL.format(kind=type(url).__name__, text=str(url)[:40])))


def _check_detail(detail: str) -> None:
    if detail not in DETAILS:
        raise ValueError(str(BAD_DETAIL.format(details=", ".join(DETAILS), detail=detail)))


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

