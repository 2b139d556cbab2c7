"""Installation checks: the Python version and the packages of ``requirements.txt``."""

from __future__ import annotations

import sys
from importlib import metadata
from pathlib import Path

from ..messages import message
from .context import REPO, Context
from .report import FAIL, OK, SKIP, WARN, Issues, Result, verbatim

MIN_PYTHON = (3, 11)
REQUIREMENTS = REPO / "requirements.txt"
#: Packages the helpers cannot work without: missing or out of range is a failure, not a warning.
CORE_PACKAGES = frozenset({"openai", "python-dotenv", "pydantic", "quicktok-v1"})

SETUP = message(
    "run `make setup` (Windows: `py tasks.py setup`; Colab: `%pip install -r requirements.txt`)",
    "运行 `make setup`（Windows：`py tasks.py setup`；Colab：`%pip install -r requirements.txt`）",
)
_PYTHON_OLD = message("Python {version} is too old: the openai SDK 3.x needs {need}+",
                      "Python {version} 太旧：openai SDK 3.x 需要 {need} 及以上")
_PYTHON_FIX = message("install Python {need} or newer from python.org, then `make clean setup`",
                      "从 python.org 安装 Python {need} 或更新版本，然后运行 `make clean setup`")
_MISSING = message("{name} is not installed", "未安装 {name}")
_OUTSIDE = message("{name} {version} is outside {wanted}", "{name} {version} 不在 {wanted} 范围内")
_NO_REQUIREMENTS = message("requirements.txt not found: packages not checked", "找不到 requirements.txt：未检查依赖包")
_PACKAGES_OK = message("{count} packages match requirements.txt ({listed})", "{count} 个依赖包的版本符合 requirements.txt（{listed}）")


def check_python(ctx: Context) -> Result:
    version = ".".join(map(str, sys.version_info[:3]))
    if sys.version_info[:2] >= MIN_PYTHON:
        return Result("python", OK, verbatim(f"Python {version}"))
    need = ".".join(map(str, MIN_PYTHON))
    return Result("python", FAIL, _PYTHON_OLD.format(version=version, need=need), _PYTHON_FIX.format(need=need))


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
    kept = (line.split("#", 1)[0].strip() for line in lines)
    return [line for line in kept if line and not line.startswith("-")]


def parse_requirement(line: str) -> tuple[str, str]:
    """(name, specifiers) of a requirement line (``quicktok-v1>=0.4,<0.5``).

    ``packaging`` (a dependency of ipykernel, jupyterlab and matplotlib) is imported here, not at
    the top, so that a broken installation still gets its report.
    """
    from packaging.requirements import InvalidRequirement, Requirement

    try:
        requirement = Requirement(line)
    except InvalidRequirement:
        return line, ""
    return requirement.name, str(requirement.specifier)


def satisfies(version: str, specifiers: str) -> bool:
    """True when ``version`` is inside ``specifiers`` (pre-releases count)."""
    from packaging.specifiers import SpecifierSet

    return SpecifierSet(specifiers).contains(version, prereleases=True)


def check_packages(ctx: Context) -> Result:
    try:
        import packaging  # noqa: F401  (what compares the versions)
    except ImportError:
        return Result("packages", FAIL, _MISSING.format(name="packaging"), SETUP)
    issues = Issues()
    found = []
    for line in requirement_lines(REQUIREMENTS):
        name, wanted = parse_requirement(line)
        status = FAIL if name.lower() in CORE_PACKAGES else WARN
        try:
            version = metadata.version(name)
        except metadata.PackageNotFoundError:
            issues.add(status, _MISSING.format(name=name), SETUP)
            continue
        if wanted and not satisfies(version, wanted):
            issues.add(status, _OUTSIDE.format(name=name, version=version, wanted=wanted), SETUP)
        else:
            found.append(f"{name} {version}")
    if not found and not issues.items:
        return Result("packages", SKIP, _NO_REQUIREMENTS)
    result = issues.result("packages", _PACKAGES_OK.format(count=len(found), listed=", ".join(found)))
    if result.status != OK:
        result.fix = SETUP  # one fix line is enough however many packages are off
    return result
