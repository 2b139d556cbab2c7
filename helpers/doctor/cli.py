"""``python -m helpers.doctor`` (``make doctor``; Windows: ``py tasks.py doctor``)."""

from __future__ import annotations

import argparse
import sys

from ..messages import message
from .runner import run

_DESCRIPTION = message("Check the kit's set-up.", "检查环境配置。")
_OFFLINE_HELP = message("skip checks that need the network", "跳过需要联网的检查")
_LANG_HELP = message("one language (default: the locale's first, then the other)", "只用一种语言（默认：先系统语言，再另一种）")


def main(argv: list[str] | None = None) -> int:
    """``python -m helpers.doctor [--offline] [--lang en|zh]``: print the report; exit 1 when something failed."""
    parser = argparse.ArgumentParser(prog="python -m helpers.doctor", description=str(_DESCRIPTION))
    parser.add_argument("--offline", action="store_true", help=str(_OFFLINE_HELP))
    parser.add_argument("--lang", choices=("en", "zh"), default=None, help=str(_LANG_HELP))
    args = parser.parse_args(argv)
    try:
        sys.stdout.reconfigure(errors="replace")  # type: ignore[union-attr]  # a console without ✓ still prints
    except (AttributeError, ValueError):
        pass
    report = run(args.lang, offline=args.offline)
    print(report)
    return 0 if report.ok else 1
