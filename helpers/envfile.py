"""Reading ``.env``: finding it, decoding it, and the mistakes found in the file itself.

Introduced in lesson 01 (key setup). Reading changes nothing in the process: the values
go to :func:`helpers.config.resolve`, and only ``get_client()`` puts them into the
environment (``helpers.config.apply_environ``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from dotenv import dotenv_values, find_dotenv

from .messages import Message, message

NOT_UTF8 = message(
    "{name} is not UTF-8 text (saved as UTF-16 / \"Unicode\"?), so it was ignored. Save it again as UTF-8.",
    "{name} 不是 UTF-8 编码（可能被保存成了 UTF-16），已忽略；请另存为 UTF-8。",
)
IS_A_FOLDER = message(
    "env_file='{path}' is a folder, not a file: pass the file itself, e.g. {hint}. No .env was read; settings "
    "come from the environment only.",
    "env_file='{path}' 是文件夹而不是文件：请传入文件本身，例如 {hint}。未读取任何 .env，只使用环境变量中的设置。",
)
NOT_FOUND = message(
    "env_file='{path}' was not found: check the name, and that a relative path starts from the notebook's folder "
    "(env_file='../.env'). No .env was read; settings come from the environment only.",
    "env_file='{path}' 不存在：请检查文件名，相对路径从笔记本所在文件夹算起（env_file='../.env'）。"
    "未读取任何 .env，只使用环境变量中的设置。",
)
LOST_KEY_LINE = message(
    ".env line {number} looks like your key but was not read as OPENAI_API_KEY. Write it as OPENAI_API_KEY=<key> "
    "(upper case, an ASCII '=', quotes in pairs or none); `make doctor` shows more.",
    ".env 第 {number} 行像是密钥，但没有被读成 OPENAI_API_KEY。请写成 OPENAI_API_KEY=<密钥>（大写、半角等号、引号成对或不用）。",
)

# A line that leaves the key empty on purpose (the .env.example template): not a mistake.
_EMPTY_KEY_LINE = re.compile(r"^\s*(export\s+)?OPENAI_API_KEY\s*=\s*(#.*)?$")


@dataclass(frozen=True)
class EnvFile:
    """A ``.env`` as read: where it is (None: none used), its values, its text, and notes about it."""

    path: Path | None = None
    values: dict[str, str | None] = field(default_factory=dict, repr=False)
    text: str = field(default="", repr=False)
    notes: tuple[Message, ...] = ()


def find_env_file(start: str | Path | None = None) -> Path | None:
    """The ``.env`` nearest to ``start`` (default: the current folder), searching upward."""
    if start is None:
        found = find_dotenv(usecwd=True)
        return Path(found) if found else None
    folder = Path(start).resolve()
    for candidate in (folder, *folder.parents):
        if (candidate / ".env").is_file():
            return candidate / ".env"
    return None


def read_env_file(path: str | Path) -> EnvFile:
    """The file's variables; a file that is not UTF-8 text (UTF-16, with or without a BOM) is ignored with a note."""
    path = Path(path)
    data = path.read_bytes()
    # NUL bytes: UTF-16 without a BOM. It decodes as UTF-8, into values os.environ refuses.
    if b"\0" not in data:
        try:
            # utf-8-sig: a BOM (Notepad's "UTF-8 with BOM") would otherwise hide the first name.
            values = dict(dotenv_values(path, encoding="utf-8-sig"))
            return EnvFile(path, values, data.decode("utf-8-sig", errors="replace"))
        except UnicodeDecodeError:  # UTF-16 with a BOM, or other bytes that are not UTF-8
            pass
    return EnvFile(notes=(NOT_UTF8.format(name=path.name),))


def load_env_file(env_file: str | Path | None = None) -> EnvFile:
    """``env_file`` if given (a folder or a missing path: a note), else the nearest ``.env``, read."""
    if env_file is not None and not Path(env_file).is_file():
        return EnvFile(notes=(env_file_not_a_file(Path(env_file)),))
    path = Path(env_file) if env_file is not None else find_env_file()
    return read_env_file(path) if path is not None and path.is_file() else EnvFile()


def env_file_not_a_file(path: Path) -> Message:
    """The note for ``get_client(env_file=...)`` naming a folder or a path that does not exist."""
    if path.is_dir():
        inside = path / ".env"
        hint = f"env_file='{inside}'" if inside.is_file() else "env_file='<folder>/.env'"
        return IS_A_FOLDER.format(path=path, hint=hint)
    return NOT_FOUND.format(path=path)


def lost_key_line(env: EnvFile) -> Message | None:
    """A note when a ``.env`` line mentions the key but python-dotenv did not read one."""
    if env.path is None or (env.values.get("OPENAI_API_KEY") or "").strip():
        return None
    for number, line in enumerate(env.text.splitlines(), start=1):
        text = line.strip()
        if not text or text.startswith("#") or _EMPTY_KEY_LINE.match(text):
            continue
        if "openai_api_key" in text.lower() or text.startswith("sk-"):
            return LOST_KEY_LINE.format(number=number)
    return None


def colab_secret(name: str) -> str | None:
    """A value from Colab's Secrets panel (the key icon), or None outside Colab or when unset.

    Colab keeps secrets out of the notebook file; the learner grants each notebook access.
    """
    try:
        from google.colab import userdata  # type: ignore[import-not-found]
    except ImportError:
        return None
    try:
        return (userdata.get(name) or "").strip() or None
    except Exception:  # SecretNotFoundError, NotebookAccessError, TimeoutException: not available
        return None
