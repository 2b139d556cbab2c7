"""Draw the kit's sample images (lesson 03, vision) into ``notebooks/images/``.

    python tools/make_sample_images.py

Pillow only, no randomness: the same Pillow build writes the same bytes every time.
The scenes are deliberately simple (flat colours, gradients, a few shapes) so that each
file stays small and the offline simulator's colour summary is easy to check by eye:

* ``sunset.png`` - 1600x1000: an purple-to-orange sky, a yellow sun, a blue sea.
* ``house.jpg``  - 1200x900: a blue sky, a green field, a red house with a brown roof.
* ``bars.png``   - 800x500: a white chart with four coloured bars, axes and grid lines.

The images are generated for the kit and dedicated to the public domain (CC0); see
``notebooks/images/LICENSE.md``.
"""

from __future__ import annotations

import sys
from pathlib import Path

from PIL import Image, ImageDraw

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "notebooks" / "images"
MAX_BYTES = 60 * 1024

RGB = tuple[int, int, int]


def _mix(a: RGB, b: RGB, t: float) -> RGB:
    """The colour ``t`` of the way from ``a`` to ``b`` (0 <= t <= 1)."""
    return (round(a[0] + (b[0] - a[0]) * t), round(a[1] + (b[1] - a[1]) * t), round(a[2] + (b[2] - a[2]) * t))


def _vertical_gradient(draw: ImageDraw.ImageDraw, box: tuple[int, int, int, int], top: RGB, bottom: RGB) -> None:
    left, upper, right, lower = box
    span = max(lower - upper - 1, 1)
    for y in range(upper, lower):
        draw.line([(left, y), (right - 1, y)], fill=_mix(top, bottom, (y - upper) / span))


def sunset(width: int = 1600, height: int = 1000) -> Image.Image:
    """Sky gradient, a half-set sun on the horizon, a sea with a few light streaks."""
    img = Image.new("RGB", (width, height))
    draw = ImageDraw.Draw(img)
    horizon = int(height * 0.62)
    _vertical_gradient(draw, (0, 0, width, horizon // 2), (120, 50, 170), (215, 75, 110))
    _vertical_gradient(draw, (0, horizon // 2, width, horizon), (215, 75, 110), (250, 150, 30))
    radius, cx = int(height * 0.16), width // 2
    draw.ellipse([cx - radius, horizon - radius, cx + radius, horizon + radius], fill=(250, 215, 60))
    _vertical_gradient(draw, (0, horizon, width, height), (35, 85, 200), (20, 45, 130))
    for i in range(9):  # the sun's reflection: short streaks, narrower towards the viewer
        y = horizon + 18 + i * 30
        half = int(radius * (1.0 - i * 0.09))
        draw.rectangle([cx - half, y, cx + half, y + 6], fill=(240, 170, 60))
    return img


def house(width: int = 1200, height: int = 900) -> Image.Image:
    """A red house with a brown roof, a door and two windows, on a green field."""
    img = Image.new("RGB", (width, height))
    draw = ImageDraw.Draw(img)
    ground = int(height * 0.55)
    _vertical_gradient(draw, (0, 0, width, ground), (45, 105, 220), (120, 170, 240))
    _vertical_gradient(draw, (0, ground, width, height), (60, 175, 60), (35, 130, 45))
    draw.ellipse([60, 60, 200, 200], fill=(250, 230, 90))  # the sun
    left, right, top, base = 420, 820, 430, 720
    draw.rectangle([left, top, right, base], fill=(200, 35, 35))
    draw.polygon([(left - 40, top), ((left + right) // 2, top - 190), (right + 40, top)], fill=(120, 70, 35))
    draw.rectangle([585, 570, 655, base], fill=(90, 50, 25))  # door
    for x in (460, 710):  # windows
        draw.rectangle([x, 480, x + 70, 550], fill=(200, 230, 250), outline=(255, 255, 255), width=6)
    return img


def bars(width: int = 800, height: int = 500) -> Image.Image:
    """A bar chart without text: white background, grid, axes, four coloured bars."""
    img = Image.new("RGB", (width, height), (255, 255, 255))
    draw = ImageDraw.Draw(img)
    left, bottom, top, right = 80, height - 60, 40, width - 40
    for y in range(bottom, top - 1, -80):  # horizontal grid lines
        draw.line([(left, y), (right, y)], fill=(220, 220, 220), width=2)
    values = (0.45, 0.8, 0.6, 0.95)
    colours = ((30, 80, 220), (245, 140, 20), (40, 170, 60), (220, 30, 30))
    slot = (right - left) // len(values)
    for i, (value, colour) in enumerate(zip(values, colours)):
        x0 = left + i * slot + slot // 5
        draw.rectangle([x0, bottom - int((bottom - top) * value), x0 + slot * 3 // 5, bottom], fill=colour)
    draw.line([(left, top), (left, bottom), (right, bottom)], fill=(40, 40, 40), width=4)
    return img


def main() -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    outputs = {
        "sunset.png": (sunset(), {"format": "PNG", "optimize": True}),
        "house.jpg": (house(), {"format": "JPEG", "quality": 85}),
        "bars.png": (bars(), {"format": "PNG", "optimize": True}),
    }
    too_big = []
    for name, (image, options) in outputs.items():
        path = OUT / name
        image.save(path, **options)
        size = path.stat().st_size
        print(f"{name:11} {image.width}x{image.height}  {size / 1024:5.1f} KB")
        if size > MAX_BYTES:
            too_big.append(name)
    if too_big:
        print(f"Too large (over {MAX_BYTES // 1024} KB): {', '.join(too_big)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
