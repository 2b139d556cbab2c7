"""The class list: which key belongs to which student.

Two CSV shapes work, told apart by their header: the file ``docs/make_student_keys.py``
writes (``username, api_key, project_id, ...``) and a plain ``username,api_key`` file the
teacher writes by hand. Only those two columns are read. A key is never printed whole:
problems name the line and the student, and at most the masked key (``mask_key``).
"""

from __future__ import annotations

import csv
import hmac
import io
from dataclasses import dataclass
from pathlib import Path

from ..keys import mask_key, unquote_key

REQUIRED = ("username", "api_key")
#: Shorter keys are guessable by a neighbour; the kit's own keys and token_urlsafe(24) are far longer.
MIN_CLASS_KEY = 16


class ClassListError(ValueError):
    """A class list the relay cannot use; the message (English and Chinese) says what to fix."""


@dataclass(frozen=True)
class ClassList:
    """Students by key. ``find`` compares in constant time so response timing reveals no key."""

    keys: dict[str, str]  # key -> username

    def find(self, key: str) -> str | None:
        key = unquote_key(key or "")
        found = None
        for known, name in self.keys.items():
            if hmac.compare_digest(known.encode("utf-8"), key.encode("utf-8")):
                found = name
        return found

    @property
    def names(self) -> list[str]:
        return list(self.keys.values())

    def __len__(self) -> int:
        return len(self.keys)


def parse(text: str, source: str = "the class list", forbidden: tuple[str, ...] = ()) -> ClassList:
    """Read ``text`` (CSV with a header); ``forbidden`` keys (the upstream key) must not appear."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    header = [name.strip().lower() for name in (reader.fieldnames or [])]
    missing = [name for name in REQUIRED if name not in header]
    if missing:
        raise ClassListError(
            f"{source} needs the columns username and api_key in its first line (missing: {', '.join(missing)}). "
            f"/ {source} 的第一行必须有 username 和 api_key 两列（缺少：{', '.join(missing)}）。"
        )
    reader.fieldnames = header
    keys: dict[str, str] = {}
    names: set[str] = set()
    for number, row in enumerate(reader, start=2):
        name = (row.get("username") or "").strip()
        key = unquote_key(row.get("api_key") or "")
        if not name and not key:
            continue
        where = f"{source}, line {number}"
        where_zh = f"{source} 第 {number} 行"
        if not name or not key:
            raise ClassListError(f"{where}: a student needs both a username and an api_key. "
                                 f"/ {where_zh}：每个学生都要有 username 和 api_key。")
        if len(key) < MIN_CLASS_KEY or any(ch.isspace() for ch in key):
            raise ClassListError(f"{where}: the key of {name} is too short or has spaces (at least {MIN_CLASS_KEY} "
                                 f"characters, e.g. python -c \"import secrets; print(secrets.token_urlsafe(24))\"). "
                                 f"/ {where_zh}：{name} 的密钥太短或含空格（至少 {MIN_CLASS_KEY} 个字符）。")
        if any(hmac.compare_digest(key.encode(), bad.encode()) for bad in forbidden if bad):
            raise ClassListError(f"{where}: the key of {name} is your own upstream key. Give each student a key of "
                                 f"their own, never yours. / {where_zh}：{name} 的密钥就是你自己的上游密钥，"
                                 f"请给每个学生单独的密钥，绝不要用你自己的。")
        if key in keys:
            raise ClassListError(f"{where}: {name} has the same key ({mask_key(key)}) as {keys[key]}. "
                                 f"/ {where_zh}：{name} 与 {keys[key]} 的密钥相同（{mask_key(key)}）。")
        if name.lower() in names:
            raise ClassListError(f"{where}: {name} appears twice. / {where_zh}：{name} 出现了两次。")
        keys[key] = name
        names.add(name.lower())
    if not keys:
        raise ClassListError(f"{source} lists no student. / {source} 里没有学生。")
    return ClassList(keys)


def load(path: str | Path, forbidden: tuple[str, ...] = ()) -> ClassList:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise ClassListError(f"No class list at {path}. / 找不到学生名单 {path}。") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ClassListError(f"Cannot read the class list {path} ({type(exc).__name__}); save it as UTF-8 CSV. "
                             f"/ 无法读取学生名单 {path}，请另存为 UTF-8 编码的 CSV。") from None
    return parse(text, str(path), forbidden)
