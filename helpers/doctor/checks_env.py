"""``.env`` and variable checks: the file in use, mis-named files, misspelt names, the preset."""

from __future__ import annotations

import difflib
import io
import re
from collections.abc import Mapping
from typing import Any

from dotenv.parser import parse_stream

from .. import config
from ..envfile import NOT_UTF8
from ..messages import Message, message
from ..providers import PRESETS
from .context import KEY_VAR, LEGACY_URL_VAR, REPO, URL_VAR, Context, show_path
from .report import FAIL, OK, SKIP, WARN, Issues, Result

_NO_ENV = message("No .env found from {cwd} upward (the environment alone is used)",
                  "从 {cwd} 向上没有找到 .env（只使用环境变量）")
_USING = message("Using {where}", "使用 {where}")
_UTF16_FIX = message("save it again as UTF-8 (Notepad: Save as → Encoding: UTF-8)", "重新以 UTF-8 编码保存（记事本：另存为 → 编码选 UTF-8）")
_BAD_LINE = message("{where} line {line} cannot be read (an unclosed quote?)", "{where} 第 {line} 行无法解析（引号没有闭合？）")
_BAD_LINE_FIX = message("fix line {line}: NAME=value, quotes in pairs or none", "修改第 {line} 行：写成 NAME=value，引号要成对或干脆不用")


def check_env_file(ctx: Context) -> Result:
    if ctx.env_file is None:
        return Result("env_file", OK, _NO_ENV.format(cwd=show_path(ctx.cwd)))
    where = show_path(ctx.env_file)
    issues = Issues()
    if ctx.env.path is None:  # helpers.envfile ignored it, as get_client() does: not UTF-8 text
        issues.add(FAIL, NOT_UTF8.format(name=where), _UTF16_FIX)
    else:
        for binding in parse_stream(io.StringIO(ctx.env.text)):
            if binding.error:
                lost = KEY_VAR in binding.original.string or URL_VAR in binding.original.string
                line = binding.original.line
                issues.add(FAIL if lost else WARN, _BAD_LINE.format(where=where, line=line), _BAD_LINE_FIX.format(line=line))
    return issues.result("env_file", _USING.format(where=where))


#: File names a learner's .env ends up with by mistake.
WRONG_ENV_NAMES = (".env.txt", "env", "env.txt", ".env.env", "_env", "dot.env")
_IGNORED = message("{where} is ignored: only {target} is read", "{where} 不会被读取：只读取 {target}")
_IGNORED_FIX = message("delete {where} or merge it into {target}", "删除 {where}，或把内容合并到 {target}")
_MISNAMED = message("{where} is not read: the file must be called exactly .env", "{where} 不会被读取：文件名必须正好是 .env")
_MISNAMED_FIX = message("rename it to {target} (Windows hides extensions: `ren {name} .env` in that folder)",
                        "把它改名为 {target}（Windows 会隐藏扩展名：在该目录运行 `ren {name} .env`）")
_NAMES_FINE = message("No mis-named .env file (.env.txt, env) nearby", "附近没有名字写错的 .env 文件（.env.txt、env）")


def check_env_file_name(ctx: Context) -> Result:
    folders = [ctx.cwd.resolve(), *ctx.cwd.resolve().parents]
    if REPO not in folders:
        folders.append(REPO)
    issues = Issues()
    for folder in folders:
        for name in WRONG_ENV_NAMES:
            candidate = folder / name
            if not candidate.is_file():
                continue
            fields = {"where": show_path(candidate), "target": show_path(folder / ".env"), "name": name}
            if (folder / ".env").is_file():
                issues.add(WARN, _IGNORED.format(**fields), _IGNORED_FIX.format(**fields))
            else:
                issues.add(FAIL, _MISNAMED.format(**fields), _MISNAMED_FIX.format(**fields))
    return issues.result("env_file_name", _NAMES_FINE)


#: The names the SDK and the kit read.
KNOWN_NAMES = (
    KEY_VAR, URL_VAR, LEGACY_URL_VAR, "OPENAI_ORG_ID", "OPENAI_PROJECT_ID", "OPENAI_ADMIN_KEY",
    "OPENAI_CUSTOM_HEADERS", "OPENAI_LOG", "OPENAI_WEBHOOK_SECRET", "OPENAI_MODEL", "OPENAI_VISION_MODEL",
    "OPENAI_EMBEDDING_MODEL", "KIT_OFFLINE", "KIT_SIMULATOR_URL", "KIT_OFFLINE_LATENCY_MS", "KIT_OFFLINE_TOKEN_LATENCY_MS", "KIT_PROVIDER",
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
    **dict.fromkeys(("OPENAI_EMBEDDINGS_MODEL", "OPENAI_EMBED_MODEL", "OPENAI_EMBEDDING_MODEL_NAME"),
                    "OPENAI_EMBEDDING_MODEL"),
}
_IN_ENVIRONMENT = message("the environment", "环境变量")
_STRAY = message("{name} (in {where}) is not a name anything reads; you probably meant {meant}",
                 "{where}中的 {name} 不会被读取；你想写的应该是 {meant}")
_RENAME = message("rename {name} to {meant}", "把 {name} 改名为 {meant}")
_RENAME_BOTH = message("rename {name} to {meant} (it is set too: delete the stray one)",
                       "把 {name} 改名为 {meant}（它也已设置：删掉多余的那个）")
_SPELT_RIGHT = message("Variable names are spelt right", "变量名拼写正确")


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


def preset_key_vars() -> tuple[str, ...]:
    """The key variables of the provider presets (``DEEPSEEK_API_KEY``...)."""
    return tuple(sorted({p.key_env for p in PRESETS.values()} - {""}))


def check_variable_names(ctx: Context) -> Result:
    known = KNOWN_NAMES + tuple(v for v in preset_key_vars() if v not in KNOWN_NAMES)
    issues = Issues()
    sources: list[tuple[Message | str, Mapping[str, Any]]] = [(_IN_ENVIRONMENT, ctx.environ)]
    if ctx.env_file is not None:
        sources.append((show_path(ctx.env_file) + " ", ctx.file_values))
    for where, names in sources:
        for name in names:
            meant = intended_name(name, known)
            if meant is None:
                continue
            is_set = ctx.raw(meant)[0] is not None
            status = WARN if is_set or meant.startswith("KIT_") or meant == "OPENAI_MODEL" else FAIL
            fix = _RENAME_BOTH if is_set else _RENAME
            issues.add(status, _STRAY.format(name=name, where=where, meant=meant), fix.format(name=name, meant=meant))
    return issues.result("variable_names", _SPELT_RIGHT)


_NO_PRESET = message("No KIT_PROVIDER preset", "没有使用 KIT_PROVIDER 预设")
_PRESET_UNUSED = message("KIT_PROVIDER={chosen} is not used", "KIT_PROVIDER={chosen} 没有生效")
_PRESET_UNUSED_FIX = message("use one of the preset ids listed above", "改用上面列出的预设名")
_PRESET_NOT_IN_USE = message("KIT_PROVIDER={chosen} is not in use", "KIT_PROVIDER={chosen} 未生效")
_PRESET_OK = message("Preset {name} ({url}, written {checked_on}: check it against the provider's docs)",
                     "预设 {name}（{url}，{checked_on} 编写：请对照服务商文档核对）")


def check_provider(ctx: Context) -> Result:
    chosen = (ctx.raw("KIT_PROVIDER")[0] or "").strip()
    if not chosen:
        return Result("provider", SKIP, _NO_PRESET)
    preset = ctx.preset
    words = ["KIT_PROVIDER"] + ([preset.name_en] if preset is not None else [])
    issues = Issues()
    for note in getattr(ctx.settings, "notes", []):
        if any(word in note.en for word in words):
            issues.add(WARN, note)
    if preset is None and ctx.settings is not None and ctx.settings.mode != config.OFFLINE:
        issues.add(FAIL, _PRESET_UNUSED.format(chosen=chosen), _PRESET_UNUSED_FIX)
    if preset is None:
        return issues.result("provider", _PRESET_NOT_IN_USE.format(chosen=chosen))
    name = Message(preset.name_en, preset.name_zh)
    return issues.result("provider", _PRESET_OK.format(name=name, url=preset.base_url, checked_on=preset.checked_on))
