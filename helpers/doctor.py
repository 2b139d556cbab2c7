"""``make doctor``: what is wrong with this set-up, and how to fix it, in both languages.

Introduced in lesson 01 (key setup, "common failures"): instead of reading a traceback,
run ``make doctor`` (Windows: ``py tasks.py doctor``) or, in a notebook::

    from helpers import doctor
    doctor.run()            # both languages; doctor.run(lang="zh") or lang="en" for one

Each check is a small function that returns a :class:`Result` (ok / warn / fail / skip, a
message in English and Chinese, and how to fix it). The report shows a key only masked
(``sk-proj-…abcd``), a ``.env`` only by its path, never its contents, and a proxy URL
without its user name and password. ``--offline`` skips every check that needs the network.

Why our own checks and not a library: the mistakes are this kit's (its variables, its
``.env`` search, its presets), and the generic "environment doctors" we know check
installations, not API keys pasted from a chat app.
"""

from __future__ import annotations

import argparse
import difflib
import importlib
import importlib.util
import io
import ipaddress
import os
import re
import socket
import sys
import threading
import unicodedata
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from dotenv import dotenv_values
from dotenv.parser import parse_stream

from . import config, models
from .keys import mask_key
from .secrets_scan import PATTERNS
from .secrets_scan import redact as redact_keys

OK, WARN, FAIL, SKIP = "ok", "warn", "fail", "skip"
MARKS = {OK: "✓", WARN: "!", FAIL: "✗", SKIP: "-"}
_RANK = {SKIP: 0, OK: 1, WARN: 2, FAIL: 3}
REPO = Path(__file__).resolve().parents[1]
MIN_PYTHON = (3, 11)
REQUIREMENTS = REPO / "requirements.txt"
#: Seconds for the quick TCP connect, and for the one request to ``/models``.
CONNECT_TIMEOUT = 3.0
REQUEST_TIMEOUT = 10.0
#: Packages the helpers cannot work without: missing or out of range is a failure, not a warning.
CORE_PACKAGES = frozenset({"openai", "python-dotenv", "pydantic", "quicktok-v1"})
KEY_VAR, URL_VAR, LEGACY_URL_VAR = "OPENAI_API_KEY", "OPENAI_BASE_URL", "OPENAI_API_BASE"
SETUP_EN = "run `make setup` (Windows: `py tasks.py setup`; Colab: `%pip install -r requirements.txt`)"
SETUP_ZH = "运行 `make setup`（Windows：`py tasks.py setup`；Colab：`%pip install -r requirements.txt`）"


# --------------------------------------------------------------------------- results


@dataclass
class Result:
    """One check's verdict. ``fix_*`` says what to do; ``detail_*`` are extra lines (a checklist)."""

    id: str
    status: str
    en: str
    zh: str
    fix_en: str = ""
    fix_zh: str = ""
    detail_en: list[str] = field(default_factory=list)
    detail_zh: list[str] = field(default_factory=list)

    def lines(self, lang: str | None = None) -> list[str]:
        """The report lines for this result, in one language or both (``lang=None``)."""
        out = [f"{MARKS[self.status]} {_pick(lang, self.en, self.zh)}"]
        if self.fix_en and self.status in (WARN, FAIL):
            out.append("    " + _pick(lang, f"Fix: {self.fix_en}", f"修复：{self.fix_zh}"))
        # Both languages: the English checklist only (its reasons are the server's English anyway).
        details = self.detail_zh if lang == "zh" else self.detail_en
        out += [f"    {line}" for line in details]
        return out


def _pick(lang: str | None, en: str, zh: str) -> str:
    return {"en": en, "zh": zh}.get(lang or "", f"{en} / {zh}")


@dataclass
class Report:
    """Every result of one run. ``ok`` is True when nothing failed (warnings are allowed)."""

    results: list[Result]
    lang: str | None = None
    title_en: str = "Kit doctor"
    title_zh: str = "环境诊断"

    @property
    def ok(self) -> bool:
        return not any(r.status == FAIL for r in self.results)

    def __getitem__(self, check_id: str) -> Result:
        for result in self.results:
            if result.id == check_id:
                return result
        raise KeyError(check_id)

    def count(self, status: str) -> int:
        return sum(r.status == status for r in self.results)

    def __str__(self) -> str:
        lines = [_pick(self.lang, self.title_en, self.title_zh)]
        for result in self.results:
            lines += result.lines(self.lang)
        fails, warns = self.count(FAIL), self.count(WARN)
        en = f"{fails} problem(s), {warns} warning(s)" if fails or warns else "Everything looks fine"
        zh = f"{fails} 个问题，{warns} 个警告" if fails or warns else "一切正常"
        lines.append(_pick(self.lang, en, zh))
        return "\n".join(lines)

    __repr__ = __str__


class _Issues:
    """Problems one check found; merged into one Result (the worst status wins)."""

    def __init__(self) -> None:
        self.items: list[tuple[str, str, str, str, str]] = []

    def add(self, status: str, en: str, zh: str, fix_en: str = "", fix_zh: str = "") -> None:
        self.items.append((status, en, zh, fix_en, fix_zh))

    def result(self, check_id: str, ok_en: str, ok_zh: str) -> Result:
        if not self.items:
            return Result(check_id, OK, ok_en, ok_zh)
        status = max((item[0] for item in self.items), key=_RANK.__getitem__)
        parts = list(zip(*self.items))
        return Result(
            check_id,
            status,
            "; ".join(p.rstrip(". ") for p in parts[1]),
            "；".join(p.rstrip("。 ") for p in parts[2]),
            "; ".join(p for p in parts[3] if p),
            "；".join(p for p in parts[4] if p),
        )


# --------------------------------------------------------------------------- context


@dataclass
class Context:
    """What the checks look at, gathered once. The environment is a copy taken before ``.env`` was read."""

    environ: dict[str, str]
    env_file: Path | None
    file_values: dict[str, str | None]
    settings: config.Settings | None
    settings_error: str | None
    offline: bool
    cwd: Path
    #: Filled by check_endpoint: the model ids the endpoint lists (None: not known).
    model_ids: list[str] | None = None
    endpoint_ok: bool = False

    def raw(self, name: str) -> tuple[str | None, str]:
        """A variable as written (quotes, spaces and all) and where it came from."""
        value = self.environ.get(name)
        if value is not None and value.strip():
            return value, "environment"
        value = self.file_values.get(name)
        if value is not None and value.strip():
            return value, ".env"
        return None, "none"

    @property
    def preset(self) -> Any:
        return getattr(self.settings, "preset", None)

    def key_var(self) -> str:
        """The variable the key is read from: the preset's (``DEEPSEEK_API_KEY``...) when set, else OPENAI_API_KEY."""
        preset_var = getattr(self.preset, "key_env", "")
        if preset_var and self.raw(preset_var)[0] is not None:
            return str(preset_var)
        return KEY_VAR

    def key(self) -> tuple[str | None, str]:
        value, origin = self.raw(self.key_var())
        if value is None and self.settings is not None and self.settings.key_source == "Colab Secrets":
            return self.settings.api_key, "Colab Secrets"
        return value, origin

    def endpoint(self) -> str | None:
        """The URL requests go to, or None for the in-process offline simulator."""
        if self.settings is None:
            return _clean(self.raw(URL_VAR)[0] or self.raw(LEGACY_URL_VAR)[0]) or config.DEFAULT_BASE_URL
        if self.settings.mode == config.OFFLINE and not self.settings.shared_simulator:
            return None
        return self.settings.base_url or config.DEFAULT_BASE_URL


def _clean(value: str | None) -> str:
    return (value or "").strip()


@contextmanager
def _preserved_environ() -> Iterator[None]:
    """Undo whatever runs inside (``load_dotenv`` writes into ``os.environ``)."""
    saved = dict(os.environ)
    try:
        yield
    finally:
        for name in [n for n in os.environ if n not in saved]:
            del os.environ[name]
        for name, value in saved.items():
            if os.environ.get(name) != value:
                os.environ[name] = value


def gather(*, offline: bool = False, env_file: str | Path | None = None) -> Context:
    """Read the environment, the ``.env`` file and the settings, changing nothing in this process."""
    environ = dict(os.environ)
    path = Path(env_file) if env_file else config.find_env_file()
    values: dict[str, str | None] = {}
    if path is not None and path.is_file():
        try:
            values = dict(dotenv_values(path))
        except (UnicodeDecodeError, OSError):
            pass  # an unreadable file (UTF-16 from Notepad...): check_env_file says so
    else:
        path = None
    settings, error = None, None
    client_module = sys.modules.get("helpers.client")
    simulator = getattr(client_module, "_SIMULATOR", None)
    with _preserved_environ():
        try:
            settings = config.load_settings(path, simulator.base_url if simulator else None)
        except Exception as exc:  # an unreadable .env and the like: reported, never a traceback
            error = f"Settings could not be loaded ({type(exc).__name__}: {exc})" if " / " not in str(exc) else str(exc)
    return Context(environ, path, values, settings, error, offline, Path.cwd())


def show_path(path: Path) -> str:
    """A path relative to the repository or the home folder (``./.env``, ``~/work/.env``)."""
    path = Path(path).resolve()
    for base, label in ((REPO, "."), (Path.home(), "~")):
        try:
            relative = path.relative_to(base).as_posix()
        except ValueError:
            continue
        return label if relative == "." else f"{label}/{relative}"
    return str(path)


def _split(text: str) -> tuple[str, str]:
    """The two halves of one of the kit's ``English / 中文`` messages."""
    en, sep, zh = text.partition(" / ")
    return (en, zh) if sep else (text, text)


# --------------------------------------------------------------------------- installation


def check_python(ctx: Context) -> Result:
    version = ".".join(map(str, sys.version_info[:3]))
    if sys.version_info[:2] >= MIN_PYTHON:
        return Result("python", OK, f"Python {version}", f"Python {version}")
    need = ".".join(map(str, MIN_PYTHON))
    return Result(
        "python", FAIL, f"Python {version} is too old: the openai SDK 3.x needs {need}+",
        f"Python {version} 太旧：openai SDK 3.x 需要 {need} 及以上",
        f"install Python {need} or newer from python.org, then `make clean setup`",
        f"从 python.org 安装 Python {need} 或更新版本，然后运行 `make clean setup`",
    )


def requirement_lines(path: Path | None = None) -> list[str]:
    """Requirement lines of ``requirements.txt`` (else the installed kit's metadata)."""
    path = path or REQUIREMENTS
    if path.is_file():
        lines = path.read_text(encoding="utf-8").splitlines()
    else:
        try:
            lines = metadata.requires("openai-notebook-kit") or []
        except metadata.PackageNotFoundError:
            return []
    return [line.split("#", 1)[0].strip() for line in lines if line.split("#", 1)[0].strip() and not line.startswith("-")]


def _version_tuple(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in re.findall(r"\d+", text.split("+", 1)[0])[:4])


def _simple_satisfies(version: str, specifiers: str) -> bool:
    """``>=1.1,<2``-style comparison for when ``packaging`` is missing (only the operators we use)."""
    have = _version_tuple(version)
    compare: dict[str, Callable[[tuple[int, ...], tuple[int, ...]], bool]] = {
        ">=": lambda a, b: a >= b, ">": lambda a, b: a > b, "<=": lambda a, b: a <= b,
        "<": lambda a, b: a < b, "==": lambda a, b: a == b, "!=": lambda a, b: a != b, "~=": lambda a, b: a >= b,
    }
    for op, number in re.findall(r"(>=|<=|==|!=|~=|>|<)\s*([\w.]+)", specifiers):
        want = _version_tuple(number)
        width = max(len(have), len(want))
        if not compare[op](have + (0,) * (width - len(have)), want + (0,) * (width - len(want))):
            return False
    return True


def parse_requirement(line: str) -> tuple[str, str]:
    """(name, specifiers) of a requirement line; ``packaging`` when installed, else a regex."""
    try:
        from packaging.requirements import Requirement
    except ImportError:
        match = re.match(r"\s*([A-Za-z0-9._-]+)(?:\[[^\]]*\])?\s*(.*?)\s*(?:;.*)?$", line)
        return (match.group(1), match.group(2)) if match else (line, "")
    requirement = Requirement(line)
    return requirement.name, str(requirement.specifier)


def satisfies(version: str, specifiers: str) -> bool:
    """True when ``version`` is inside ``specifiers`` (``packaging`` when installed)."""
    try:
        from packaging.specifiers import SpecifierSet
    except ImportError:
        return _simple_satisfies(version, specifiers)
    return SpecifierSet(specifiers).contains(version, prereleases=True)


def check_packages(ctx: Context) -> Result:
    issues = _Issues()
    found = []
    for line in requirement_lines():
        name, wanted = parse_requirement(line)
        status = FAIL if name.lower() in CORE_PACKAGES else WARN
        try:
            version = metadata.version(name)
        except metadata.PackageNotFoundError:
            issues.add(status, f"{name} is not installed", f"未安装 {name}", SETUP_EN, SETUP_ZH)
            continue
        if wanted and not satisfies(version, wanted):
            issues.add(status, f"{name} {version} is outside {wanted}", f"{name} {version} 不在 {wanted} 范围内",
                       SETUP_EN, SETUP_ZH)
        else:
            found.append(f"{name} {version}")
    if not found and not issues.items:
        return Result("packages", SKIP, "requirements.txt not found: packages not checked",
                      "找不到 requirements.txt：未检查依赖包")
    result = issues.result("packages", "", "")
    if result.status == OK:
        listed = ", ".join(found)
        result.en = f"{len(found)} packages match requirements.txt ({listed})"
        result.zh = f"{len(found)} 个依赖包的版本符合 requirements.txt"
    # One fix line is enough however many packages are off.
    result.fix_en, result.fix_zh = (SETUP_EN, SETUP_ZH) if result.status != OK else ("", "")
    return result


# --------------------------------------------------------------------------- .env and variable names


def check_env_file(ctx: Context) -> Result:
    if ctx.env_file is None:
        return Result(
            "env_file", OK, f"No .env found from {show_path(ctx.cwd)} upward (the environment alone is used)",
            f"从 {show_path(ctx.cwd)} 向上没有找到 .env（只使用环境变量）",
        )
    where = show_path(ctx.env_file)
    issues = _Issues()
    data = ctx.env_file.read_bytes()
    if data[:2] in (b"\xff\xfe", b"\xfe\xff") or b"\x00" in data[:200]:
        issues.add(FAIL, f"{where} is saved as UTF-16, which python-dotenv cannot read",
                   f"{where} 以 UTF-16 编码保存，python-dotenv 无法读取",
                   "save it again as UTF-8 (Notepad: Save as → Encoding: UTF-8)",
                   "重新以 UTF-8 编码保存（记事本：另存为 → 编码选 UTF-8）")
    else:
        text = data.decode("utf-8-sig", errors="replace")
        for binding in parse_stream(io.StringIO(text)):
            if binding.error:
                lost = KEY_VAR in binding.original.string or URL_VAR in binding.original.string
                issues.add(FAIL if lost else WARN,
                           f"{where} line {binding.original.line} cannot be read (an unclosed quote?)",
                           f"{where} 第 {binding.original.line} 行无法解析（引号没有闭合？）",
                           f"fix line {binding.original.line}: NAME=value, quotes in pairs or none",
                           f"修改第 {binding.original.line} 行：写成 NAME=value，引号要成对或干脆不用")
    return issues.result("env_file", f"Using {where}", f"使用 {where}")


#: File names a learner's .env ends up with by mistake.
WRONG_ENV_NAMES = (".env.txt", "env", "env.txt", ".env.env", "_env", "dot.env")


def check_env_file_name(ctx: Context) -> Result:
    folders = [ctx.cwd.resolve(), *ctx.cwd.resolve().parents]
    if REPO not in folders:
        folders.append(REPO)
    issues = _Issues()
    for folder in folders:
        for name in WRONG_ENV_NAMES:
            candidate = folder / name
            if not candidate.is_file():
                continue
            where, target = show_path(candidate), show_path(folder / ".env")
            if (folder / ".env").is_file():
                issues.add(WARN, f"{where} is ignored: only {target} is read",
                           f"{where} 不会被读取：只读取 {target}",
                           f"delete {where} or merge it into {target}", f"删除 {where}，或把内容合并到 {target}")
            else:
                issues.add(FAIL, f"{where} is not read: the file must be called exactly .env",
                           f"{where} 不会被读取：文件名必须正好是 .env",
                           f"rename it to {target} (Windows hides extensions: `ren {name} .env` in that folder)",
                           f"把它改名为 {target}（Windows 会隐藏扩展名：在该目录运行 `ren {name} .env`）")
    return issues.result("env_file_name", "No mis-named .env file (.env.txt, env) nearby",
                         "附近没有名字写错的 .env 文件（.env.txt、env）")


#: The names the SDK and the kit read.
KNOWN_NAMES = (
    KEY_VAR, URL_VAR, LEGACY_URL_VAR, "OPENAI_ORG_ID", "OPENAI_PROJECT_ID", "OPENAI_ADMIN_KEY",
    "OPENAI_CUSTOM_HEADERS", "OPENAI_LOG", "OPENAI_WEBHOOK_SECRET", "OPENAI_MODEL", "OPENAI_VISION_MODEL",
    "KIT_OFFLINE", "KIT_SIMULATOR_URL", "KIT_OFFLINE_LATENCY_MS", "KIT_OFFLINE_TOKEN_LATENCY_MS", "KIT_PROVIDER",
    "KIT_SIMULATOR_PROFILE",
)
#: Spellings seen in the wild, and the name meant.
MISSPELLINGS = {
    **dict.fromkeys(
        ("OPEN_API_KEY", "OPENAI_KEY", "OPENAI_APIKEY", "OPENAI_API_TOKEN", "OPENAI_TOKEN", "OPENAI_SECRET_KEY",
         "OPENAPI_KEY", "OPENAPI_API_KEY", "OPEN_AI_API_KEY", "OPEN_AI_KEY", "OPENAI_API_KEYS", "OPENAI_ACCESS_KEY"),
        KEY_VAR,
    ),
    **dict.fromkeys(
        ("OPENAI_BASEURL", "OPENAI_BASE", "OPENAI_URL", "OPENAI_API_URL", "OPENAI_ENDPOINT", "OPENAI_API_BASE_URL",
         "OPENAI_BASE_URI", "OPEN_AI_BASE_URL", "OPENAI_API_ENDPOINT", "OPENAI_API_HOST"),
        URL_VAR,
    ),
    **dict.fromkeys(("OPENAI_MODEL_NAME", "OPENAI_MODELS", "OPENAI_CHAT_MODEL"), "OPENAI_MODEL"),
}


def intended_name(name: str, known: tuple[str, ...] = KNOWN_NAMES) -> str | None:
    """The variable ``name`` was probably meant to be, or None when it is fine or unrelated."""
    upper = name.upper()
    if name in known:
        return None
    if upper in known:
        return upper  # right name, wrong case: names are case-sensitive on macOS and Linux
    if upper in MISSPELLINGS:
        return MISSPELLINGS[upper]
    if re.match(r"OPEN_?AI|OPENAPI|KIT_", upper):
        close = difflib.get_close_matches(upper, known, n=1, cutoff=0.85)
        return close[0] if close else None
    return None


def check_variable_names(ctx: Context) -> Result:
    known = KNOWN_NAMES
    preset_vars = tuple(sorted({getattr(p, "key_env", "") for p in _presets().values()} - {""}))
    known += tuple(v for v in preset_vars if v not in known)
    issues = _Issues()
    sources: list[tuple[str, str, Mapping[str, Any]]] = [("the environment", "环境变量", ctx.environ)]
    if ctx.env_file is not None:
        sources.append((show_path(ctx.env_file), show_path(ctx.env_file) + " ", ctx.file_values))
    for where_en, where_zh, names in sources:
        for name in names:
            meant = intended_name(name, known)
            if meant is None:
                continue
            is_set = ctx.raw(meant)[0] is not None
            issues.add(
                WARN if is_set or meant.startswith("KIT_") or meant == "OPENAI_MODEL" else FAIL,
                f"{name} (in {where_en}) is not a name anything reads; you probably meant {meant}",
                f"{where_zh}中的 {name} 不会被读取；你想写的应该是 {meant}",
                f"rename {name} to {meant}" + (" (it is set too: delete the stray one)" if is_set else ""),
                f"把 {name} 改名为 {meant}" + ("（它也已设置：删掉多余的那个）" if is_set else ""),
            )
    return issues.result("variable_names", "Variable names are spelt right", "变量名拼写正确")


# --------------------------------------------------------------------------- the key


def check_key_source(ctx: Context) -> Result:
    if ctx.settings is None:
        en, zh = _split(ctx.settings_error or "settings could not be loaded")
        return Result("key_source", FAIL, en, zh, "fix the setting named above", "按上面的提示修改设置")
    settings, var = ctx.settings, ctx.key_var()
    value, origin = ctx.key()
    if value is None:
        if settings.mode == config.OFFLINE:
            return Result("key_source", OK, "No key: offline simulation (no calls, no cost)",
                          "没有密钥：离线模拟模式（不联网、不产生费用）")
        if settings.mode == config.COMPATIBLE:
            return Result(
                "key_source", WARN, f"No {var}: fine for a local server such as Ollama, not for a hosted provider",
                f"没有设置 {var}：本地服务（如 Ollama）可以不要密钥，在线服务商都需要",
                f"add {var}=<your key> to .env if your provider needs one", f"如果服务商需要密钥，在 .env 里加上 {var}=<你的密钥>",
            )
    masked = mask_key(value)
    if value.strip() == config.OFFLINE_KEY:
        return Result("key_source", OK, f"{var} is the offline simulator's stand-in (get_client() sets it offline)",
                      f"{var} 是离线模拟器的占位密钥（离线模式下由 get_client() 设置）")
    if settings.api_key is None and settings.mode != config.OFFLINE:
        return Result("key_source", WARN, f"{var} {masked} is set but not sent (see the provider line)",
                      f"已设置 {var} {masked}，但不会被发送（见 provider 一行）",
                      "put the key for this endpoint in the variable named above", "把此接口的密钥写入上面提到的变量")
    if origin == "environment":
        file_value = ctx.file_values.get(var)
        if file_value is not None and file_value.strip() and file_value.strip() != value.strip():
            return Result(
                "key_source", WARN,
                f"{var} {masked} comes from the environment, and .env has a different one ({mask_key(file_value)}) that is ignored",
                f"{var} {masked} 来自环境变量；.env 里另有一个（{mask_key(file_value)}），不会被使用",
                f"remove the stale one: `unset {var}` (Windows: `set {var}=`) or edit .env",
                f"删掉过时的那个：`unset {var}`（Windows：`set {var}=`），或修改 .env",
            )
        if file_value is not None and file_value.strip() == value.strip():
            origin = ".env (already loaded)"
    where = show_path(ctx.env_file) if ctx.env_file is not None else ".env"
    origin_en, origin_zh = {
        "environment": ("the environment", "环境变量"),
        ".env": (where, where),
        ".env (already loaded)": (f"{where} (already loaded into the environment)", f"{where}（已载入环境变量）"),
    }.get(origin, (origin, origin))
    offline = " (not used: offline simulation)" if settings.mode == config.OFFLINE else ""
    offline_zh = "（未使用：离线模拟模式）" if offline else ""
    return Result("key_source", OK, f"{var} {masked} from {origin_en}{offline}", f"{var} {masked} 来自{origin_zh}{offline_zh}")


def check_provider(ctx: Context) -> Result:
    chosen = _clean(ctx.raw("KIT_PROVIDER")[0])
    if not chosen:
        return Result("provider", SKIP, "No KIT_PROVIDER preset", "没有使用 KIT_PROVIDER 预设")
    preset = ctx.preset
    words = ["KIT_PROVIDER"] + ([preset.name_en] if preset is not None else [])
    issues = _Issues()
    for note in getattr(ctx.settings, "notes", []):
        if any(word in note for word in words):
            en, zh = _split(note)
            issues.add(WARN, en, zh)
    if preset is None and ctx.settings is not None and ctx.settings.mode != config.OFFLINE:
        issues.add(FAIL, f"KIT_PROVIDER={chosen} is not used", f"KIT_PROVIDER={chosen} 没有生效",
                   "use one of the preset ids listed above", "改用上面列出的预设名")
    if preset is None:
        return issues.result("provider", f"KIT_PROVIDER={chosen} is not in use", f"KIT_PROVIDER={chosen} 未生效")
    return issues.result(
        "provider", f"Preset {preset.name_en} ({preset.base_url}, written {preset.checked_on}: check it against the provider's docs)",
        f"预设 {preset.name_zh}（{preset.base_url}，{preset.checked_on} 编写：请对照服务商文档核对）",
    )


#: Values left over from a template (``your-api-key-here``, ``sk-...``, ``<key>``, ``sk-xxxx``).
_PLACEHOLDER = re.compile(r"(?i)your|key[-_ ]?here|<|>|\.\.\.|…|x{4,}|\*{3,}|^sk-$|^(sk-)?(xxx|abc|123)")
_QUOTES = "\"'“”‘’「」`"


def key_problems(value: str) -> list[tuple[str, str, str, str, str]]:
    """(status, en, zh, fix_en, fix_zh) for every problem in a key as written; never echoes the key."""
    found = []
    if value[:1] in _QUOTES or value[-1:] in _QUOTES:
        found.append((FAIL, "the key is wrapped in quotes that became part of it", "密钥两侧的引号成了密钥的一部分",
                      "delete the quotes around the key", "删掉密钥两侧的引号"))
        value = value.strip(_QUOTES)
    if value != value.strip():
        found.append((WARN, "the key has spaces or a line break around it", "密钥前后有空格或换行",
                      "delete the spaces around the key (get_client() strips them; a plain OpenAI() sends them)",
                      "删掉密钥前后的空格（get_client() 会去掉，但直接用 OpenAI() 会原样发送）"))
    stripped = value.strip()
    odd = [(i, ch) for i, ch in enumerate(stripped, start=1) if not (ch.isascii() and ch.isprintable() and not ch.isspace())]
    for position, ch in odd[:5]:
        name = unicodedata.name(ch, "a control character")
        ascii_form = unicodedata.normalize("NFKC", ch)
        if ascii_form.isascii() and ascii_form.strip() and len(ascii_form) == 1:
            fix_en, fix_zh = f"retype character {position} as '{ascii_form}'", f"把第 {position} 个字符重新输入为 '{ascii_form}'"
        else:
            fix_en, fix_zh = f"delete character {position}", f"删掉第 {position} 个字符"
        found.append((FAIL, f"character {position} of {len(stripped)} is U+{ord(ch):04X} ({name}), not plain ASCII "
                            "(pasted from a chat app or a Chinese input method?)",
                      f"第 {position} 个字符（共 {len(stripped)} 个）是 U+{ord(ch):04X}（{name}），不是普通 ASCII 字符"
                      "（从聊天软件复制或用了中文输入法？）", fix_en, fix_zh))
    if len(odd) > 5:
        found.append((FAIL, f"{len(odd) - 5} more such characters", f"另有 {len(odd) - 5} 个这样的字符",
                      "copy the key again from the provider's page", "从服务商的页面重新复制密钥"))
    if _PLACEHOLDER.search(stripped):
        found.append((FAIL, "the key still looks like the template's placeholder", "密钥看起来还是模板里的占位文字",
                      "paste your real key from the provider's page", "从服务商的页面粘贴你真正的密钥"))
    return found


def check_key_format(ctx: Context) -> Result:
    value, origin = ctx.key()
    if value is None:
        return Result("key_format", SKIP, "No key to check", "没有可检查的密钥")
    var = ctx.key_var()
    issues = _Issues()
    for status, en, zh, fix_en, fix_zh in key_problems(value):
        issues.add(status, f"{var} ({mask_key(value.strip(_QUOTES + ' '))}, {origin}): {en}", f"{var}（{origin}）：{zh}",
                   fix_en, fix_zh)
    return issues.result("key_format", f"{var} looks well-formed (ASCII, no quotes or spaces)",
                         f"{var} 格式正常（纯 ASCII，没有引号或空格）")


def _presets() -> dict[str, Any]:
    try:
        providers = importlib.import_module("helpers.providers")
    except ImportError:
        return {}
    return dict(getattr(providers, "PRESETS", {}))


def _host(url: str | None) -> str:
    try:
        return (urlsplit(url or "").hostname or "").lower()
    except ValueError:
        return ""


#: Which presets each key format (a kind in helpers.secrets_scan.PATTERNS) belongs to.
KEY_KIND_PRESETS = {
    "OpenAI": ("openai",),
    "OpenRouter": ("openrouter",),
    "Zhipu": ("zhipu",),
    "Compatible-provider": ("deepseek", "qwen", "siliconflow", "moonshot"),
}


def key_kind(key: str) -> tuple[str, tuple[str, ...]] | None:
    """(label, preset ids) of the provider a key's format points to, or None when unrecognised."""
    for kind, pattern in PATTERNS:
        if pattern.fullmatch(key):
            for prefix, ids in KEY_KIND_PRESETS.items():
                if kind.startswith(prefix):
                    return kind, ids
            return kind, ()
    return None


def check_key_provider(ctx: Context) -> Result:
    value, _ = ctx.key()
    presets = _presets()
    if not presets:
        return Result("key_provider", SKIP, "Key/endpoint match: not available (helpers.providers missing)",
                      "密钥与接口是否匹配：无法检查（缺少 helpers.providers）")
    url = ctx.endpoint()
    if value is None or url is None:
        return Result("key_provider", SKIP, "No key or no endpoint: nothing to match", "没有密钥或接口：无需检查")
    kind = key_kind(value.strip().strip(_QUOTES))
    by_host = {_host(p.base_url): p for p in presets.values() if "{" not in p.base_url}
    endpoint_preset = by_host.get(_host(url))
    if kind is None or endpoint_preset is None or not kind[1] or endpoint_preset.id in kind[1]:
        return Result("key_provider", OK, "Nothing suggests the key belongs to another provider",
                      "没有迹象表明密钥属于其他服务商")
    label, ids = kind
    owners = [presets[i] for i in ids if i in presets]
    names_en = " / ".join(p.name_en for p in owners)
    names_zh = " / ".join(p.name_zh for p in owners)
    masked = mask_key(value.strip())
    ids_text = " or ".join(f"KIT_PROVIDER={p.id}" for p in owners)
    return Result(
        "key_provider", WARN,
        f"The key {masked} looks like a key from {names_en} ({label}), but the endpoint is {endpoint_preset.name_en} ({url})",
        f"密钥 {masked} 看起来是 {names_zh} 的密钥，但接口是 {endpoint_preset.name_zh}（{url}）",
        f"use a key from {endpoint_preset.name_en}, or point the kit at the key's provider ({ids_text}, "
        "or OPENAI_BASE_URL=<its URL>)",
        f"换成 {endpoint_preset.name_zh} 的密钥，或把接口改为该密钥所属的服务商（{ids_text}，或设置 OPENAI_BASE_URL）",
    )


# --------------------------------------------------------------------------- the endpoint


def _is_local(host: str) -> bool:
    if host in ("localhost", "host.docker.internal") or host.endswith(".local"):
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return address.is_loopback or address.is_private or address.is_link_local


#: Paths the SDK appends itself: a base URL must stop before them.
_ENDPOINT_PATHS = ("/chat/completions", "/completions", "/responses", "/embeddings", "/models", "/chat")


def url_problems(url: str, presets: Mapping[str, Any] | None = None) -> tuple[list[tuple[str, str, str, str, str]], str]:
    """(problems, suggested URL) for a base URL as written."""
    found: list[tuple[str, str, str, str, str]] = []
    text = url.strip().strip(_QUOTES).strip()
    if text != url:
        found.append((FAIL, "it has quotes or spaces around it", "两侧有引号或空格", "delete them", "删掉它们"))
    if "://" not in text:
        fixed = ("http://" if _is_local(text.split("/")[0].split(":")[0]) else "https://") + text
        found.append((FAIL, "it has no http:// or https://", "缺少 http:// 或 https://",
                      f"write it as {fixed}", f"写成 {fixed}"))
        text = fixed
    try:
        parts = urlsplit(text)
        host, port = (parts.hostname or "").lower(), parts.port
    except ValueError:
        return found + [(FAIL, "it is not a valid URL", "不是有效的网址", "copy it again from your provider's documentation",
                         "从服务商文档重新复制")], text
    if parts.scheme not in ("http", "https") or not host:
        return found + [(FAIL, "it is not an http(s) URL with a host name", "不是带主机名的 http(s) 网址",
                         "use the form https://host/v1", "写成 https://主机名/v1 的形式")], text
    path = parts.path.rstrip("/")
    for tail in _ENDPOINT_PATHS:
        if path.endswith(tail):
            path = path[: -len(tail)]
            found.append((FAIL, f"it ends in {tail}, which the SDK adds itself", f"结尾的 {tail} 会由 SDK 自动添加",
                          f"remove {tail}", f"删掉 {tail}"))
            break
    while "/v1/v1" in path:
        path = path.replace("/v1/v1", "/v1")
        found.append((FAIL, "it contains /v1 twice", "里面出现了两次 /v1", "keep one /v1", "只保留一个 /v1"))
    preset = next((p for p in (presets or {}).values() if "{" not in p.base_url and _host(p.base_url) == host), None)
    if not path and (host == "api.openai.com" or port == 11434):
        path = "/v1"
        found.append((FAIL, "it lacks the /v1 path", "缺少 /v1 路径", "add /v1 at the end", "在末尾加上 /v1"))
    elif preset is not None:
        preset_path = urlsplit(preset.base_url).path.rstrip("/")
        if path != preset_path:
            found.append((WARN, f"the {preset.name_en} preset (checked {preset.checked_on}) uses {preset.base_url}",
                          f"{preset.name_zh} 预设（{preset.checked_on} 核对）使用的是 {preset.base_url}",
                          f"if requests fail with 404, use {preset.base_url}", f"如果请求返回 404，请改用 {preset.base_url}"))
            path = preset_path
    elif not path:
        found.append((WARN, "it has no path; most compatible endpoints end in /v1", "没有路径；大多数兼容接口以 /v1 结尾",
                      "check your provider's documentation for the full base URL", "查看服务商文档里完整的 base URL"))
    if parts.scheme == "http" and not _is_local(host):
        found.append((WARN, "plain http to a public host sends your key unencrypted", "用 http 连接公网主机会明文发送密钥",
                      "use https://", "改用 https://"))
    if parts.scheme == "https" and port == 11434:
        found.append((WARN, "Ollama serves plain http on port 11434", "Ollama 在 11434 端口只提供 http",
                      "use http://", "改用 http://"))
    scheme = parts.scheme
    if scheme == "http" and not _is_local(host):
        scheme = "https"  # the fix the warning above asks for
    if scheme == "https" and port == 11434:
        scheme = "http"
    suggested = urlunsplit((scheme, parts.netloc, path, "", ""))
    return found, suggested


def check_base_url(ctx: Context) -> Result:
    raw, origin = ctx.raw(URL_VAR)
    legacy, legacy_origin = ctx.raw(LEGACY_URL_VAR)
    issues = _Issues()
    if legacy is not None and raw is None:
        issues.add(WARN, f"{LEGACY_URL_VAR} (in {legacy_origin}) is the old name: the SDK ignores it",
                   f"{LEGACY_URL_VAR}（{legacy_origin}）是旧变量名，SDK 不再读取",
                   f"rename it to {URL_VAR}", f"改名为 {URL_VAR}")
    elif legacy is not None and _clean(legacy) != _clean(raw):
        issues.add(WARN, f"{LEGACY_URL_VAR} is set too and is ignored ({URL_VAR} wins)",
                   f"同时设置了 {LEGACY_URL_VAR}，它会被忽略（以 {URL_VAR} 为准）",
                   f"delete {LEGACY_URL_VAR}", f"删掉 {LEGACY_URL_VAR}")
    written = raw if raw is not None else legacy
    url = written if written is not None else ctx.endpoint()
    if url is None:
        return Result("base_url", OK, "Offline simulation: no endpoint to check", "离线模拟模式：无需检查接口地址")
    problems, suggested = url_problems(url, _presets())
    name = URL_VAR if raw is not None else (LEGACY_URL_VAR if legacy is not None else "base URL")
    for status, en, zh, fix_en, fix_zh in problems:
        issues.add(status, f"{name} {url.strip()}: {en}", f"{name} {url.strip()}：{zh}", fix_en, fix_zh)
    result = issues.result("base_url", f"Endpoint {url}", f"接口地址 {url}")
    if problems and suggested != url.strip():
        result.fix_en += f" → {URL_VAR}={suggested}"
        result.fix_zh += f" → {URL_VAR}={suggested}"
    return result


def mask_url(url: str) -> str:
    """A proxy URL with its user name and password replaced by ``***``."""
    if "@" not in url:
        return url
    scheme, sep, rest = url.partition("://")
    prefix = scheme + sep if sep else ""
    return prefix + "***@" + (rest if sep else url).rsplit("@", 1)[1]


PROXY_VARS = ("HTTPS_PROXY", "HTTP_PROXY", "ALL_PROXY")


def proxy_for(url: str, environ: Mapping[str, str]) -> str | None:
    """The proxy a request to ``url`` goes through (by the usual ``*_PROXY``/``NO_PROXY`` rules), or None."""
    proxies: dict[str, str] = {}
    # Lowercase names win over uppercase ones, as in urllib (which httpx follows).
    for name in sorted(environ, key=lambda n: n.islower()):
        if name.lower().endswith("_proxy"):
            proxies[name.lower()[: -len("_proxy")]] = environ[name].strip()
    parts = urlsplit(url)
    chosen = proxies.get(parts.scheme) or proxies.get("all")
    if not chosen:
        return None
    no_proxy = proxies.get("no", "")
    if no_proxy.strip() == "*":
        return None
    host = (parts.hostname or "").lower()
    for entry in (e.strip().lower() for e in no_proxy.split(",")):
        entry = entry.lstrip("*")
        if entry and (host == entry.lstrip(".") or host.endswith(entry if entry.startswith(".") else "." + entry)):
            return None
    return chosen


def check_proxy(ctx: Context) -> Result:
    set_vars = [(n, v) for n, v in ctx.environ.items() if n.upper() in PROXY_VARS and v.strip()]
    if not set_vars:
        return Result("proxy", OK, "No proxy variables set", "没有设置代理变量")
    shown = ", ".join(f"{n}={mask_url(v.strip())}" for n, v in sorted(set_vars))
    issues = _Issues()
    for name, value in set_vars:
        scheme = value.strip().split("://", 1)[0].lower() if "://" in value else ""
        if scheme.startswith("socks") and importlib.util.find_spec("socksio") is None:
            issues.add(FAIL, f"{name} is a SOCKS proxy, which needs the socksio package", f"{name} 是 SOCKS 代理，需要 socksio 包",
                       "`pip install socksio`, or use the proxy's http:// port", "运行 `pip install socksio`，或改用代理的 http:// 端口")
        elif scheme and scheme not in ("http", "https", "socks5", "socks5h"):
            issues.add(FAIL, f"{name} uses {scheme}://, which the SDK cannot use", f"{name} 使用 {scheme}://，SDK 无法使用",
                       "use an http:// proxy address", "改用 http:// 代理地址")
    url = ctx.endpoint()
    via = proxy_for(url, ctx.environ) if url else None
    if url and via and _is_local(_host(url)):
        issues.add(WARN, f"requests to the local endpoint {url} would go through the proxy",
                   f"发往本地接口 {url} 的请求会经过代理",
                   "add localhost,127.0.0.1 to NO_PROXY", "把 localhost,127.0.0.1 加入 NO_PROXY")
    route_en = f"; {url} goes through {mask_url(via)}" if via else (f"; {url} bypasses it (NO_PROXY)" if url else "")
    route_zh = f"；{url} 经过 {mask_url(via)}" if via else (f"；{url} 不经过代理（NO_PROXY）" if url else "")
    result = issues.result("proxy", f"Proxy: {shown}{route_en}", f"代理：{shown}{route_zh}")
    if result.status != OK:
        result.en, result.zh = f"Proxy ({shown}): {result.en}", f"代理（{shown}）：{result.zh}"
    return result


def check_ssl(ctx: Context) -> Result:
    issues = _Issues()
    used = []
    for name, want_dir in (("SSL_CERT_FILE", False), ("SSL_CERT_DIR", True)):
        value = _clean(ctx.environ.get(name))
        if not value:
            continue
        exists = Path(value).is_dir() if want_dir else Path(value).is_file()
        if exists:
            used.append(f"{name}={show_path(Path(value))}")
        else:
            issues.add(FAIL, f"{name} points to {value}, which does not exist: every HTTPS request fails",
                       f"{name} 指向的 {value} 不存在：所有 HTTPS 请求都会失败",
                       f"fix the path or remove {name}", f"改正路径，或删掉 {name}")
    for name in ("REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE"):
        if _clean(ctx.environ.get(name)) and not _clean(ctx.environ.get("SSL_CERT_FILE")):
            issues.add(WARN, f"{name} is set, but the SDK's HTTP library does not read it",
                       f"设置了 {name}，但 SDK 使用的 HTTP 库不读取它",
                       f"set SSL_CERT_FILE to the same file", f"把 SSL_CERT_FILE 设为同一个文件")
    ok_en = f"Certificates: {', '.join(used)}" if used else "Certificates: the system's trust store"
    ok_zh = f"证书：{', '.join(used)}" if used else "证书：使用系统的信任库"
    return issues.result("ssl", ok_en, ok_zh)


def _network_skip(check_id: str, ctx: Context) -> Result | None:
    if ctx.offline:
        return Result(check_id, SKIP, "Skipped (--offline)", "已跳过（--offline）")
    if ctx.endpoint() is None:
        return Result(check_id, SKIP, "Offline simulation: nothing to reach", "离线模拟模式：无需连接")
    return None


def check_reachable(ctx: Context) -> Result:
    skipped = _network_skip("reachable", ctx)
    if skipped:
        return skipped
    url = str(ctx.endpoint())
    try:
        parts = urlsplit(url if "://" in url else "https://" + url.strip())
        host, port = parts.hostname or "", parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        return Result("reachable", SKIP, "The URL cannot be parsed (see base_url)", "网址无法解析（见 base_url）")
    via = proxy_for(url, ctx.environ)
    target_host, target_port, label = host, port, f"{host}:{port}"
    if via:
        proxy = urlsplit(via if "://" in via else "http://" + via)
        target_host, target_port = proxy.hostname or "", proxy.port or 8080
        label = f"the proxy {mask_url(via)} (for {host}:{port})"
    try:
        with socket.create_connection((target_host, target_port), timeout=CONNECT_TIMEOUT):
            pass
    except socket.gaierror:
        return Result("reachable", FAIL, f"Cannot resolve {target_host}: the name is unknown or DNS is not working",
                      f"无法解析 {target_host}：主机名不存在或 DNS 不可用",
                      "check the host name for typos and your network; some networks need a proxy for api.openai.com",
                      "检查主机名是否拼错以及网络；某些网络访问 api.openai.com 需要代理")
    except ConnectionRefusedError:
        fix_en = "start the server (Ollama: `ollama serve`)" if _is_local(target_host) else "check the port and that the service is up"
        fix_zh = "先启动服务（Ollama：`ollama serve`）" if _is_local(target_host) else "检查端口，并确认服务正在运行"
        return Result("reachable", FAIL, f"Connection to {label} refused: nothing is listening there",
                      f"连接 {label} 被拒绝：该地址没有服务在监听", fix_en, fix_zh)
    except TimeoutError:
        return Result("reachable", FAIL, f"No answer from {label} within {CONNECT_TIMEOUT:g} s",
                      f"{label} 在 {CONNECT_TIMEOUT:g} 秒内没有响应",
                      "a firewall may block it, or this network needs a proxy (HTTPS_PROXY)",
                      "可能被防火墙拦截，或此网络需要代理（HTTPS_PROXY）")
    except OSError as exc:
        return Result("reachable", FAIL, f"Cannot connect to {label}: {exc.strerror or type(exc).__name__}",
                      f"无法连接 {label}：{exc.strerror or type(exc).__name__}",
                      "check the network and the URL", "检查网络和网址")
    return Result("reachable", OK, f"{label} accepts connections", f"{label} 可以连接")


def _client(ctx: Context) -> Any:
    import openai

    settings = ctx.settings
    if settings is not None and settings.mode == config.OFFLINE:
        key = config.OFFLINE_KEY
    else:
        key = (settings.api_key if settings else None) or "not-needed"
    return openai.OpenAI(api_key=key, base_url=ctx.endpoint(), max_retries=0, timeout=REQUEST_TIMEOUT)


def check_endpoint(ctx: Context) -> Result:
    skipped = _network_skip("endpoint", ctx)
    if skipped:
        return skipped
    import openai

    url = ctx.endpoint()
    try:
        page = _client(ctx).models.list()
        ctx.model_ids = sorted(model.id for model in page.data)
    except openai.AuthenticationError:
        return Result("endpoint", FAIL, f"{url} rejected the key (401)", f"{url} 拒绝了密钥（401）",
                      "copy the key again, check it belongs to this provider and is not revoked",
                      "重新复制密钥，确认它属于这个服务商且没有被撤销")
    except openai.PermissionDeniedError:
        return Result("endpoint", FAIL, f"{url} refused access (403): region, organisation or project settings",
                      f"{url} 拒绝访问（403）：可能与地区、组织或项目设置有关",
                      "check the key's project permissions on the provider's site", "到服务商网站检查密钥所属项目的权限")
    except openai.NotFoundError:
        ctx.endpoint_ok = True  # it answers; only the listing is missing
        return Result("endpoint", WARN, f"{url}/models does not exist (404): the path of the base URL may be wrong",
                      f"{url}/models 不存在（404）：base URL 的路径可能不对",
                      "check the base URL against your provider's documentation", "对照服务商文档检查 base URL")
    except openai.APIStatusError as exc:
        return Result("endpoint", WARN, f"{url}/models answered {exc.status_code}", f"{url}/models 返回 {exc.status_code}",
                      "try again later; if it persists, check the provider's status page", "稍后重试；若一直如此，查看服务商的状态页")
    except openai.APIConnectionError as exc:
        return Result("endpoint", FAIL, f"No HTTP answer from {url} ({type(exc.__cause__ or exc).__name__})",
                      f"{url} 没有 HTTP 响应（{type(exc.__cause__ or exc).__name__}）",
                      "see the reachable, proxy and ssl lines above", "参看上面 reachable、proxy、ssl 几行")
    except Exception as exc:  # a key the HTTP library cannot send, a missing CA file...
        return Result("endpoint", FAIL, f"The request could not be sent ({type(exc).__name__})",
                      f"请求无法发送（{type(exc).__name__}）", "see the key_format and ssl lines above", "参看上面 key_format、ssl 几行")
    ctx.endpoint_ok = True
    return Result("endpoint", OK, f"{url} answers, listing {len(ctx.model_ids)} model(s)",
                  f"{url} 正常响应，列出 {len(ctx.model_ids)} 个模型")


def check_model(ctx: Context) -> Result:
    if ctx.settings is None:
        return Result("model", SKIP, "Settings not loaded", "设置未能加载")
    issues = _Issues()
    names = dict.fromkeys((ctx.settings.model, ctx.settings.vision_model))
    for name in names:
        when = models.shutdown_date(name)
        if when is not None and models.retirement_warning(name):
            new = models.replacement_for(name)
            gone = models.is_retired(name)
            issues.add(FAIL if gone else WARN,
                       f"model {name} {'was retired on' if gone else 'shuts down on'} {when}",
                       f"模型 {name} {'已于' if gone else '将于'} {when} 停用",
                       f"set OPENAI_MODEL={new} in .env", f"在 .env 里设置 OPENAI_MODEL={new}")
        if ctx.model_ids and name not in ctx.model_ids:
            sample = ", ".join(ctx.model_ids[:8]) + (" …" if len(ctx.model_ids) > 8 else "")
            issues.add(WARN, f"the endpoint does not list {name} (it offers: {sample})",
                       f"接口的模型列表里没有 {name}（可用：{sample}）",
                       "set OPENAI_MODEL (and OPENAI_VISION_MODEL) to one it lists",
                       "把 OPENAI_MODEL（和 OPENAI_VISION_MODEL）设为列表中的模型")
    listed = " / ".join(names)
    return issues.result("model", f"Model {listed}", f"模型 {listed}")


def check_probe(ctx: Context) -> Result:
    skipped = _network_skip("probe", ctx)
    if skipped:
        return skipped
    try:
        probe_module = importlib.import_module("helpers.probe")
    except ImportError:
        return Result("probe", SKIP, "Feature checklist: not available (helpers.probe missing)",
                      "功能清单：无法检查（缺少 helpers.probe）")
    if not ctx.endpoint_ok or ctx.settings is None:
        return Result("probe", SKIP, "Feature checklist skipped: the endpoint did not answer",
                      "已跳过功能清单：接口没有响应")
    settings = ctx.settings
    try:
        caps = probe_module.probe(_client(ctx), settings.model, vision_model=settings.vision_model, refresh=True,
                                  timeout=REQUEST_TIMEOUT)
    except Exception as exc:  # the probe reports per feature; anything else is ours to contain
        return Result("probe", WARN, f"The feature probe stopped ({type(exc).__name__})", f"功能探测中断（{type(exc).__name__}）",
                      "run it again; if it persists, report it", "再运行一次；若仍然如此，请反馈")
    detail_en, detail_zh = caps.checklist("en").splitlines()[1:], caps.checklist("zh").splitlines()[1:]
    refused = [name for name in PROBE_FEATURES if getattr(caps, name, None) is False]
    unknown = [name for name in PROBE_FEATURES if getattr(caps, name, None) is None]
    model = settings.model
    if caps.chat is False:
        return Result("probe", FAIL, f"{model} refuses chat requests at this endpoint", f"{model} 在此接口上拒绝聊天请求",
                      "check the model name (OPENAI_MODEL) against the provider's list", "对照服务商的模型列表检查 OPENAI_MODEL",
                      detail_en, detail_zh)
    if refused or unknown:
        en = "; ".join(part for part in (
            f"not supported here: {', '.join(refused)}" if refused else "",
            f"could not tell: {', '.join(unknown)}" if unknown else "") if part)
        zh = "；".join(part for part in (
            f"此处不支持：{', '.join(refused)}" if refused else "",
            f"无法判断：{', '.join(unknown)}" if unknown else "") if part)
        en, zh = f"{model}: {en}", f"{model}：{zh}"
        return Result("probe", WARN, en, zh,
                      "lessons that need these say so; another model or provider may have them (details below)",
                      "用到这些功能的课程会给出提示；换个模型或服务商可能支持（详见下方）", detail_en, detail_zh)
    return Result("probe", OK, f"{model} accepts every feature the lessons use", f"{model} 支持课程用到的全部功能",
                  "", "", detail_en, detail_zh)


#: The capabilities the lessons use, as named by helpers.probe.Capabilities.
PROBE_FEATURES = ("models_list", "chat", "streaming", "stream_usage", "json_mode", "json_schema", "vision",
                  "max_completion_tokens", "responses_api")


# --------------------------------------------------------------------------- offline extras


class NetworkBlocked(RuntimeError):
    """Raised inside :func:`no_network` when code tries to open a connection."""


_GUARD = threading.local()
_HOOK_LOCK = threading.Lock()
_HOOKED = False
_NETWORK_EVENTS = frozenset({"socket.connect", "socket.getaddrinfo", "socket.gethostbyname", "socket.sendto"})


def _audit(event: str, args: tuple[Any, ...]) -> None:
    if event in _NETWORK_EVENTS and getattr(_GUARD, "active", False):
        raise NetworkBlocked(f"network access attempted during an offline check ({event})")


@contextmanager
def no_network() -> Iterator[None]:
    """Make any socket connect or DNS lookup in *this thread* raise :class:`NetworkBlocked`.

    An audit hook (``sys.addaudithook``), installed once and active only inside the block,
    so other threads (a running simulator) are unaffected.
    """
    global _HOOKED
    with _HOOK_LOCK:
        if not _HOOKED:
            sys.addaudithook(_audit)
            _HOOKED = True
    _GUARD.active = True
    try:
        yield
    finally:
        _GUARD.active = False


def check_tokens(ctx: Context) -> Result:
    try:
        from . import tokens

        with no_network():
            count = tokens.count_tokens("hello world")
    except NetworkBlocked:
        return Result("tokens", FAIL, "Token counting tried to use the network", "统计 token 时尝试联网",
                      f"reinstall the offline tokenizer: {SETUP_EN}", f"重新安装离线分词器：{SETUP_ZH}")
    except ImportError as exc:
        return Result("tokens", FAIL, f"Token counting is not installed ({exc.name})", f"缺少 token 统计组件（{exc.name}）",
                      SETUP_EN, SETUP_ZH)
    if count != 2:
        return Result("tokens", FAIL, f"'hello world' counted as {count} tokens, not 2", f"'hello world' 统计为 {count} 个 token，应为 2",
                      f"reinstall the requirements: {SETUP_EN}", f"重新安装依赖：{SETUP_ZH}")
    return Result("tokens", OK, "Token counting works offline ('hello world' = 2 tokens)",
                  "离线统计 token 正常（'hello world' = 2 个 token）")


def check_cjk_font(ctx: Context) -> Result:
    try:
        plots = importlib.import_module("helpers.plots")
        import matplotlib
    except ImportError:
        return Result("cjk_font", SKIP, "Chart fonts: not available (matplotlib or helpers.plots missing)",
                      "图表字体：无法检查（缺少 matplotlib 或 helpers.plots）")
    installed = plots.installed_fonts()
    font = next((name for name in plots.CJK_FONTS if name in installed), None)
    if font:
        return Result("cjk_font", OK, f"Chinese chart labels use {font}", f"图表中文标签使用 {font}")
    cache = show_path(Path(matplotlib.get_cachedir()))
    return Result(
        "cjk_font", WARN, "No CJK font for charts: Chinese labels would show as boxes (charts use English labels)",
        "没有可用于图表的中文字体：中文标签会显示成方框（图表会改用英文标签）",
        f"install one (Debian/Ubuntu: `sudo apt install fonts-noto-cjk`; Colab: `!apt-get -qq install fonts-noto-cjk`; "
        f"Windows and macOS ship Microsoft YaHei / PingFang SC), then delete {cache}/fontlist-*.json and restart the kernel",
        f"安装一个中文字体（Debian/Ubuntu：`sudo apt install fonts-noto-cjk`；Colab：`!apt-get -qq install fonts-noto-cjk`；"
        f"Windows 和 macOS 自带微软雅黑 / 苹方），然后删除 {cache}/fontlist-*.json 并重启内核",
    )


# --------------------------------------------------------------------------- running


#: Every check, in report order (the endpoint's model list feeds the model and probe checks).
CHECKS: tuple[Callable[[Context], Result], ...] = (
    check_python, check_packages, check_env_file, check_env_file_name, check_variable_names, check_provider,
    check_key_source,
    check_key_format, check_key_provider, check_base_url, check_proxy, check_ssl, check_reachable, check_endpoint,
    check_model, check_probe, check_tokens, check_cjk_font,
)


def _secrets(ctx: Context) -> list[str]:
    values = [ctx.key()[0]] + [ctx.raw(n)[0] for n in (KEY_VAR, "OPENAI_ADMIN_KEY")]
    values += [ctx.raw(p.key_env)[0] for p in _presets().values() if getattr(p, "key_env", "")]
    out = set()
    for value in values:
        if value and value.strip():
            out.update({value, value.strip(), value.strip().strip(_QUOTES).strip()})
    return sorted((v for v in out if len(v) >= 6), key=len, reverse=True)


def redact(text: str, secrets: list[str]) -> str:
    """``text`` with every known secret and every key-like string replaced by its masked form."""
    for secret in secrets:
        text = text.replace(secret, mask_key(secret.strip().strip(_QUOTES)))
    return redact_keys(text)


def run(lang: str | None = None, *, offline: bool = False, env_file: str | Path | None = None) -> Report:
    """Run every check and return the :class:`Report` (it displays itself in a notebook).

    ``lang``: ``"en"``, ``"zh"`` or None for both. ``offline=True`` skips network checks.
    Nothing in this process changes: ``.env`` is read, not loaded.
    """
    if lang not in (None, "en", "zh"):
        raise ValueError(f"lang must be 'en', 'zh' or None, not {lang!r}. / lang 只能是 'en'、'zh' 或 None。")
    ctx = gather(offline=offline, env_file=env_file)
    secrets = _secrets(ctx)
    results = []
    for check in CHECKS:
        try:
            result = check(ctx)
        except Exception as exc:  # a bug in one check must not hide the others
            result = Result(check.__name__.removeprefix("check_"), WARN, f"This check crashed ({type(exc).__name__})",
                            f"此项检查出错（{type(exc).__name__}）", "please report it", "请反馈这个问题")
        for name in ("en", "zh", "fix_en", "fix_zh"):
            setattr(result, name, redact(getattr(result, name), secrets))
        result.detail_en = [redact(line, secrets) for line in result.detail_en]
        result.detail_zh = [redact(line, secrets) for line in result.detail_zh]
        results.append(result)
    from .client import _LABELS  # the banner's mode names, "live · 在线" and so on

    mode = _LABELS.get(ctx.settings.mode, ctx.settings.mode) if ctx.settings else "?"
    report = Report(results, lang)
    report.title_en = f"Kit doctor · mode: {mode}"
    report.title_zh = f"环境诊断 · 模式：{mode}"
    return report


def main(argv: list[str] | None = None) -> int:
    """``python -m helpers.doctor [--offline] [--lang en|zh]``: print the report; exit 1 when something failed."""
    parser = argparse.ArgumentParser(prog="python -m helpers.doctor", description="Check the kit's set-up. / 检查环境配置。")
    parser.add_argument("--offline", action="store_true", help="skip checks that need the network / 跳过需要联网的检查")
    parser.add_argument("--lang", choices=("en", "zh"), default=None, help="one language (default: both) / 只用一种语言")
    args = parser.parse_args(argv)
    try:
        sys.stdout.reconfigure(errors="replace")  # type: ignore[union-attr]  # a console without ✓ still prints
    except (AttributeError, ValueError):
        pass
    report = run(args.lang, offline=args.offline)
    print(report)
    return 0 if report.ok else 1


if __name__ == "__main__":
    sys.exit(main())
