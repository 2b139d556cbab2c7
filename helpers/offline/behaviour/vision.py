"""Images for the offline simulator: it really looks at data URLs.

A ``data:image/...;base64,`` URL is decoded with Pillow and described from its pixels
(size, dominant colours, brightness). A remote URL is never fetched offline; the reply
says so. Image tokens follow the published tile rules: 85 tokens at ``low`` detail; at
``high`` the image is fitted into 2048x2048, its short side scaled to 768, and each
512-pixel tile costs 170 tokens on top of the 85 base tokens. ``auto`` and ``original``
are counted like ``high`` (the real API decides ``auto`` itself), and a remote image the
simulator cannot see is counted as if it were 1024x1024.
"""

from __future__ import annotations

import base64
import binascii
import io
import math
import re
from dataclasses import dataclass

from ..wire.errors import SimError

BASE_TOKENS = 85
TILE_TOKENS = 170
SUPPORTED = ("png", "jpeg", "gif", "webp")
MAX_PIXELS = 50_000_000  # refuse decompression bombs before Pillow does

# Named colours for descriptions: (English, Chinese, RGB).
_PALETTE = [
    ("black", "黑色", (0, 0, 0)),
    ("white", "白色", (255, 255, 255)),
    ("grey", "灰色", (128, 128, 128)),
    ("red", "红色", (220, 30, 30)),
    ("orange", "橙色", (245, 140, 20)),
    ("yellow", "黄色", (240, 220, 40)),
    ("green", "绿色", (40, 170, 60)),
    ("cyan", "青色", (40, 200, 210)),
    ("blue", "蓝色", (30, 80, 220)),
    ("purple", "紫色", (140, 60, 180)),
    ("pink", "粉色", (245, 150, 190)),
    ("brown", "棕色", (130, 80, 40)),
]

_DATA_URL = re.compile(r"^data:(?P<mime>[\w.+-]+/[\w.+-]+)?(?P<params>(;[^,;]*)*?)(?P<b64>;base64)?,(?P<data>.*)$", re.S)


@dataclass
class ImageInfo:
    """What the simulator knows about one image part."""

    url: str
    detail: str
    width: int | None = None
    height: int | None = None
    colours: list[tuple[str, str, float]] | None = None
    brightness: float | None = None

    @property
    def remote(self) -> bool:
        return self.width is None

    @property
    def tokens(self) -> int:
        return image_tokens(self.width or 1024, self.height or 1024, self.detail)


def image_tokens(width: int, height: int, detail: str = "auto") -> int:
    """Input tokens of one image by the tile rules (``auto`` is counted as ``high``)."""
    if detail == "low":
        return BASE_TOKENS
    w, h = float(width), float(height)
    if max(w, h) > 2048:
        scale = 2048 / max(w, h)
        w, h = w * scale, h * scale
    if min(w, h) > 768:
        scale = 768 / min(w, h)
        w, h = w * scale, h * scale
    tiles = math.ceil(w / 512) * math.ceil(h / 512)
    return BASE_TOKENS + TILE_TOKENS * tiles


def _bad_image(message: str) -> SimError:
    return SimError(400, message, param="messages", code="invalid_image_format")


def inspect_image(url: object, detail: object = "auto") -> ImageInfo:
    """Decode and describe a data URL; record a remote URL without fetching it."""
    if not isinstance(url, str) or not url:
        raise SimError(400, "Invalid image: 'url' must be a non-empty string.", param="messages", code="invalid_image_url")
    if detail not in ("auto", "low", "high", "original"):
        raise SimError(
            400,
            f"Invalid value: '{detail}'. Supported values are: 'auto', 'low', 'high' and 'original'.",
            param="detail",
            code="invalid_value",
        )
    info = ImageInfo(url=url, detail=str(detail))
    if url.startswith(("http://", "https://")):
        return info
    match = _DATA_URL.match(url)
    if not match:
        raise SimError(
            400,
            "Invalid image URL: expected an http(s) URL or a 'data:image/<format>;base64,...' data URL.",
            param="messages",
            code="invalid_image_url",
        )
    mime = (match["mime"] or "").lower()
    if not mime.startswith("image/"):
        raise _bad_image(f"Invalid MIME type '{mime or '(none)'}' in data URL: use one of image/png, image/jpeg, image/gif, image/webp.")
    if not match["b64"]:
        raise _bad_image("The data URL must be base64-encoded (data:image/png;base64,...).")
    try:
        raw = base64.b64decode(match["data"], validate=True)
    except (binascii.Error, ValueError):
        raise SimError(400, "Invalid base64 image data: the data URL could not be decoded.", param="messages", code="invalid_base64") from None
    _describe(raw, info)
    return info


def _describe(raw: bytes, info: ImageInfo) -> None:
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(raw)) as img:
            fmt = (img.format or "").lower()
            if fmt not in SUPPORTED:
                raise _bad_image(
                    f"You uploaded an unsupported image ({fmt or 'unknown'}). Please make sure your image has one of "
                    f"the following formats: {list(SUPPORTED)}."
                )
            if img.width * img.height > MAX_PIXELS:
                raise _bad_image(f"Image too large: {img.width}x{img.height} pixels.")
            info.width, info.height = img.size
            small = img.convert("RGB")
            small.thumbnail((64, 64))
            flat = small.tobytes()
            pixels = [tuple(flat[i : i + 3]) for i in range(0, len(flat), 3)]
    except SimError:
        raise
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
        raise _bad_image(
            f"You uploaded an unsupported or broken image. Please make sure your image has one of the following "
            f"formats: {list(SUPPORTED)}."
        ) from None
    counts: dict[int, int] = {}
    for r, g, b in pixels:
        nearest = min(range(len(_PALETTE)), key=lambda i: sum((a - c) ** 2 for a, c in zip((r, g, b), _PALETTE[i][2])))
        counts[nearest] = counts.get(nearest, 0) + 1
    total = len(pixels)
    top = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:3]
    info.colours = [(_PALETTE[i][0], _PALETTE[i][1], n / total) for i, n in top if n / total >= 0.05]
    info.brightness = sum(0.299 * r + 0.587 * g + 0.114 * b for r, g, b in pixels) / total / 255


def describe(info: ImageInfo, number: int, lang: str) -> str:
    """One sentence about image ``number``, in ``lang``."""
    zh = lang == "zh"
    if info.remote:
        if zh:
            return f"图片 {number} 是远程 URL，离线模拟器不会下载它，所以看不到内容。"
        return f"Image {number} is a remote URL; the offline simulator does not fetch it, so it cannot see its contents."
    colours = info.colours or []
    light = info.brightness or 0.0
    if zh:
        tone = "偏亮" if light > 0.66 else "偏暗" if light < 0.33 else "明暗适中"
        names = "、".join(f"{c[1]}（{c[2]:.0%}）" for c in colours)
        return f"图片 {number}：{info.width}×{info.height} 像素，主要颜色是{names}，整体{tone}（detail={info.detail}）。"
    tone = "bright" if light > 0.66 else "dark" if light < 0.33 else "medium brightness"
    names = ", ".join(f"{c[0]} ({c[2]:.0%})" for c in colours)
    return f"Image {number}: {info.width}×{info.height} pixels, mostly {names}; overall {tone} (detail={info.detail})."
