"""Recognising text saved as UTF-16 (what Windows Notepad calls "Unicode").

Its null bytes make it look binary, and read as UTF-8 it decodes to text full of NULs. A BOM
says so at once; without one, ASCII-heavy text (a ``.env``, source code) shows the pattern:
one byte of every pair is zero, always the same one of the two.
"""

from __future__ import annotations

#: Bytes looked at: enough for the pattern, cheap for big files.
SAMPLE = 4096
#: Share of the pairs whose high byte must be zero (ASCII letters in UTF-16).
MIN_ZERO_SHARE = 0.3


def utf16_codec(data: bytes) -> str | None:
    """``"utf-16"`` (BOM), ``"utf-16-le"`` or ``"utf-16-be"`` when ``data`` looks like UTF-16 text, else None."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"  # Python's codec reads the BOM and drops it
    sample = data[: min(len(data), SAMPLE) // 2 * 2]
    pairs = len(sample) // 2
    if pairs == 0:
        return None
    even_zeros, odd_zeros = sample[0::2].count(0), sample[1::2].count(0)
    if odd_zeros >= pairs * MIN_ZERO_SHARE and even_zeros == 0:
        return "utf-16-le"
    if even_zeros >= pairs * MIN_ZERO_SHARE and odd_zeros == 0:
        return "utf-16-be"
    return None
