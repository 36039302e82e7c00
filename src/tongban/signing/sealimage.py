"""A red round seal image (PNG, transparent background): the department's name along the
upper arc, a five-pointed star in the middle and the seal's purpose below it."""

from __future__ import annotations

import io
import math

from PIL import Image, ImageDraw, ImageFont

from tongban.signing import conf

RED = (220, 20, 30, 255)


def _font(size: int):
    try:
        return ImageFont.truetype(conf.cjk_font_path(), size, index=0)
    except OSError:
        return ImageFont.load_default()


def _star(draw: ImageDraw.ImageDraw, cx: float, cy: float, r: float) -> None:
    points = []
    for i in range(10):
        radius = r if i % 2 == 0 else r * 0.382
        angle = -math.pi / 2 + i * math.pi / 5
        points.append((cx + radius * math.cos(angle), cy + radius * math.sin(angle)))
    draw.polygon(points, fill=RED)


def generate(name: str, *, purpose: str = "", size: int = 400) -> bytes:
    img = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    draw = ImageDraw.Draw(img)
    c = size / 2
    border = size * 0.035
    draw.ellipse((border, border, size - border, size - border), outline=RED, width=int(border))
    _star(draw, c, c, size * 0.14)
    # characters along the upper arc, from about 210 degrees to -30 degrees
    chars = list(name)
    font_size = int(size * (0.12 if len(chars) <= 12 else 0.095 if len(chars) <= 18 else 0.075))
    font = _font(font_size)
    radius = c - border * 2 - font_size * 0.65
    span = min(260.0, 14.0 * len(chars) + 40)
    start = 90 + span / 2
    step = span / max(len(chars) - 1, 1)
    for i, ch in enumerate(chars):
        angle = math.radians(start - i * step)
        x = c + radius * math.cos(angle)
        y = c - radius * math.sin(angle)
        glyph = Image.new("RGBA", (font_size * 2, font_size * 2), (0, 0, 0, 0))
        ImageDraw.Draw(glyph).text((font_size, font_size), ch, font=font, fill=RED, anchor="mm")
        glyph = glyph.rotate(math.degrees(angle) - 90, resample=Image.BICUBIC)
        img.alpha_composite(glyph, (int(x - font_size), int(y - font_size)))
    if purpose:
        pfont = _font(int(size * 0.085))
        draw.text((c, c + size * 0.27), purpose, font=pfont, fill=RED, anchor="mm")
    out = io.BytesIO()
    img.save(out, format="PNG", optimize=True)
    return out.getvalue()


def check_upload(data: bytes) -> bytes:
    """Accept an uploaded seal image (PNG/JPEG, at most 2 MB, square-ish); return PNG bytes."""
    if len(data) > 2 * 1024 * 1024:
        raise ValueError("too large")
    img = Image.open(io.BytesIO(data))
    img.verify()
    img = Image.open(io.BytesIO(data)).convert("RGBA")
    w, h = img.size
    if not (100 <= w <= 2000 and 0.8 <= w / h <= 1.25):
        raise ValueError("size")
    out = io.BytesIO()
    img.save(out, format="PNG")
    return out.getvalue()
