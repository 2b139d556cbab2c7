"""Running every check: one gathered context, a crash-proof loop, and redaction of every text."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from .. import config
from ..keys import redact
from ..messages import Message, message
from .checks_endpoint import check_endpoint, check_model, check_probe
from .checks_env import check_env_file, check_env_file_name, check_provider, check_variable_names, preset_key_vars
from .checks_key import check_key_format, check_key_provider, check_key_source
from .checks_network import check_base_url, check_proxy, check_reachable, check_ssl
from .checks_python import check_packages, check_python
from .checks_system import check_cjk_font, check_tokens
from .context import KEY_VAR, Context, gather
from .report import TITLE_MODE, WARN, Report, Result

#: Every check, in report order (the endpoint's model list feeds the model and probe checks).
CHECKS: tuple[Callable[[Context], Result], ...] = (
    check_python, check_packages, check_env_file, check_env_file_name, check_variable_names, check_provider,
    check_key_source, check_key_format, check_key_provider, check_base_url, check_proxy, check_ssl, check_reachable,
    check_endpoint, check_model, check_probe, check_tokens, check_cjk_font,
)
_CRASHED = message("This check crashed ({error})", "此项检查出错（{error}）")
_REPORT_IT = message("please report it", "请反馈这个问题")
_BAD_LANG = message("lang must be 'en', 'zh' or None, not {lang!r}.", "lang 只能是 'en'、'zh' 或 None，不能是 {lang!r}。")
_UNKNOWN_MODE = Message("?", "?")


def secrets(ctx: Context) -> list[str]:
    """Every key the report could mention: the configured one and those of every preset's variable."""
    names = (KEY_VAR, "OPENAI_ADMIN_KEY", *preset_key_vars())
    return [value for value in (ctx.key()[0], *(ctx.raw(name)[0] for name in names)) if value]


def run_check(check: Callable[[Context], Result], ctx: Context) -> Result:
    """One check's result; a bug in a check becomes a warning instead of hiding the others."""
    try:
        return check(ctx)
    except Exception as exc:
        return Result(check.__name__.removeprefix("check_"), WARN, _CRASHED.format(error=type(exc).__name__), _REPORT_IT)


def run(lang: str | None = None, *, offline: bool = False, env_file: str | Path | None = None) -> Report:
    """Run every check and return the :class:`Report` (it displays itself in a notebook).

    ``lang``: ``"en"``, ``"zh"`` or None for the reader's languages (a notebook's edition; in a
    terminal, the locale's language first, then the other). ``offline=True`` skips network checks.
    Nothing in this process changes: ``.env`` is read, not loaded.
    """
    if lang not in (None, "en", "zh"):
        raise ValueError(str(_BAD_LANG.format(lang=lang)))
    ctx = gather(offline=offline, env_file=env_file)
    known = secrets(ctx)
    results = [run_check(check, ctx).redacted(lambda text: redact(text, known)) for check in CHECKS]
    mode = config.LABELS[ctx.settings.mode] if ctx.settings is not None else _UNKNOWN_MODE
    return Report(results, lang, TITLE_MODE.format(mode=mode))
