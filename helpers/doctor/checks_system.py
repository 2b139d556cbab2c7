"""Checks of what works without any endpoint: offline token counting and a Chinese chart font."""

from __future__ import annotations

import importlib
from pathlib import Path

from ..messages import message
from .checks_python import SETUP
from .context import Context, show_path
from .guard import NetworkBlocked, no_network
from .report import FAIL, OK, SKIP, WARN, Result

_TOKENS_ONLINE = message("Token counting tried to use the network", "统计 token 时尝试联网")
_REINSTALL_TOKENIZER = message("reinstall the offline tokenizer: {setup}", "重新安装离线分词器：{setup}")
_TOKENS_MISSING = message("Token counting is not installed ({name})", "缺少 token 统计组件（{name}）")
_TOKENS_WRONG = message("'hello world' counted as {count} tokens, not 2", "'hello world' 统计为 {count} 个 token，应为 2")
_REINSTALL = message("reinstall the requirements: {setup}", "重新安装依赖：{setup}")
_TOKENS_OK = message("Token counting works offline ('hello world' = 2 tokens)", "离线统计 token 正常（'hello world' = 2 个 token）")


def check_tokens(ctx: Context) -> Result:
    try:
        from .. import tokens

        with no_network():
            count = tokens.count_tokens("hello world")
    except NetworkBlocked:
        return Result("tokens", FAIL, _TOKENS_ONLINE, _REINSTALL_TOKENIZER.format(setup=SETUP))
    except ImportError as exc:
        return Result("tokens", FAIL, _TOKENS_MISSING.format(name=exc.name), SETUP)
    if count != 2:
        return Result("tokens", FAIL, _TOKENS_WRONG.format(count=count), _REINSTALL.format(setup=SETUP))
    return Result("tokens", OK, _TOKENS_OK)


_FONTS_UNKNOWN = message("Chart fonts: not available (matplotlib or helpers.plots missing)",
                         "图表字体：无法检查（缺少 matplotlib 或 helpers.plots）")
_FONT_OK = message("Chinese chart labels use {font}", "图表中文标签使用 {font}")
_NO_FONT = message("No CJK font for charts: Chinese labels would show as boxes (charts use English labels)",
                   "没有可用于图表的中文字体：中文标签会显示成方框（图表会改用英文标签）")
_NO_FONT_FIX = message(
    "install one (Debian/Ubuntu: `sudo apt install fonts-noto-cjk`; Colab: `!apt-get -qq install fonts-noto-cjk`; "
    "Windows and macOS ship Microsoft YaHei / PingFang SC), then delete {cache}/fontlist-*.json and restart the kernel",
    "安装一个中文字体（Debian/Ubuntu：`sudo apt install fonts-noto-cjk`；Colab：`!apt-get -qq install fonts-noto-cjk`；"
    "Windows 和 macOS 自带微软雅黑 / 苹方），然后删除 {cache}/fontlist-*.json 并重启内核",
)


def check_cjk_font(ctx: Context) -> Result:
    try:
        plots = importlib.import_module("helpers.plots")
        import matplotlib
    except ImportError:
        return Result("cjk_font", SKIP, _FONTS_UNKNOWN)
    installed = plots.installed_fonts()
    font = next((name for name in plots.CJK_FONTS if name in installed), None)
    if font:
        return Result("cjk_font", OK, _FONT_OK.format(font=font))
    cache = show_path(Path(matplotlib.get_cachedir()))
    return Result("cjk_font", WARN, _NO_FONT, _NO_FONT_FIX.format(cache=cache))
