"""The kit's JupyterLab and Jupyter Server defaults, installed into an environment's prefix.

* ``jupyter/overrides.json``: JupyterLab settings defaults (no news pop-up, no update check),
  plus the interface language: ``KIT_LAB_LANGUAGE`` (``zh`` or ``en``) when set, else the
  system locale (Chinese for a Chinese locale, English otherwise). Installed as
  ``<prefix>/share/jupyter/lab/settings/overrides.d/openai-notebook-kit.json``: jupyterlab_server
  reads ``overrides.d/*.json`` first and the singleton ``overrides.json`` last, so a learner's own
  ``overrides.json`` is never overwritten and still wins.
* ``jupyter/jupyter_server_config.json``: kernels talk to the server over IPC (Unix sockets)
  instead of loopback TCP, which silences ipykernel's "running over TCP without encryption"
  warning at each kernel start. Linux and macOS only (Windows has no IPC transport); merged
  into ``<prefix>/etc/jupyter/jupyter_server_config.json`` (other settings there are kept).

Standard library only (``tasks.py`` and Binder's postBuild use it).
"""

from __future__ import annotations

import json
import locale
import os
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
LAB_OVERRIDES_SOURCE = ROOT / "jupyter" / "overrides.json"
SERVER_CONFIG_SOURCE = ROOT / "jupyter" / "jupyter_server_config.json"
KIT_FILE_NAME = "openai-notebook-kit.json"
TRANSLATION_PLUGIN = "@jupyterlab/translation-extension:plugin"
# KIT_LAB_LANGUAGE values -> JupyterLab locales ("en" is JupyterLab's built-in English).
LAB_LOCALES = {"zh": "zh_CN", "zh_cn": "zh_CN", "en": "en", "en_us": "en"}
# Where POSIX programs look for the messages language, in order of precedence.
LOCALE_VARIABLES = ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")


def system_language(env: Mapping[str, str], windows_locale: str | None = None) -> str:
    """"zh" for a Chinese system locale, else "en".

    POSIX: the first non-empty LANGUAGE / LC_ALL / LC_MESSAGES / LANG (``zh_CN.UTF-8``,
    ``zh_TW``...). Windows: the user's interface language (``windows_locale``, looked up when
    None), as terminals there rarely set these variables.
    """
    for name in LOCALE_VARIABLES:
        value = env.get(name, "").strip()
        if value:
            first = value.split(":")[0].lower()  # LANGUAGE may list several: zh_CN:en
            return "zh" if first.startswith("zh") else "en"
    if windows_locale is None and sys.platform == "win32":
        windows_locale = _windows_ui_locale()
    return "zh" if (windows_locale or "").lower().startswith("zh") else "en"


def _windows_ui_locale() -> str:
    """The Windows interface language as a locale name (``zh_CN``), or ""."""
    try:
        import ctypes

        lcid = ctypes.windll.kernel32.GetUserDefaultUILanguage()  # type: ignore[attr-defined]
    except (AttributeError, OSError):
        return ""
    return locale.windows_locale.get(lcid, "")


def lab_locale(language: str, env: Mapping[str, str] | None = None) -> str:
    """JupyterLab locale for a KIT_LAB_LANGUAGE value; "" means the system's language."""
    key = language.strip().lower().replace("-", "_") or system_language(os.environ if env is None else env)
    if key not in LAB_LOCALES:
        raise ValueError(
            f"KIT_LAB_LANGUAGE={language!r} is not a language the kit knows. Use zh (Chinese) "
            "or en (English), or unset it to follow the system's language."
        )
    return LAB_LOCALES[key]


def lab_overrides_text(language: str, env: Mapping[str, str] | None = None) -> str:
    """The kit's JupyterLab settings defaults as JSON text, in the given interface language."""
    overrides = json.loads(LAB_OVERRIDES_SOURCE.read_text(encoding="utf-8"))
    overrides.setdefault(TRANSLATION_PLUGIN, {})["locale"] = lab_locale(language, env)
    return json.dumps(overrides, indent=2, ensure_ascii=False, sort_keys=True) + "\n"


def _write_if_changed(target: Path, wanted: str) -> str | None:
    """Write ``wanted`` to ``target`` unless it is already there; the path if written."""
    try:
        if target.read_text(encoding="utf-8") == wanted:
            return None
    except OSError:
        pass
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    partial.write_text(wanted, encoding="utf-8")
    os.replace(partial, target)
    return str(target)


def install_lab_settings(settings_dir: str, language: str, env: Mapping[str, str] | None = None) -> str | None:
    """Write the settings defaults into ``<prefix>/share/jupyter/lab/settings``.

    Returns the path if the file was (re)written, None if it was already current.
    """
    target = Path(settings_dir) / "overrides.d" / KIT_FILE_NAME
    return _write_if_changed(target, lab_overrides_text(language, env))


def merged_server_config(current: dict[str, Any], platform: str) -> dict[str, Any]:
    """``current`` with the kit's server settings set (POSIX) or taken out again (Windows)."""
    ours = json.loads(SERVER_CONFIG_SOURCE.read_text(encoding="utf-8"))
    merged = {section: dict(values) for section, values in current.items() if isinstance(values, dict)}
    for section, values in ours.items():
        for key, value in values.items():
            if platform != "win32":
                merged.setdefault(section, {})[key] = value
            elif merged.get(section, {}).get(key) == value:
                del merged[section][key]
    return {section: values for section, values in merged.items() if values}


def install_server_config(prefix: str, platform: str = sys.platform) -> str | None:
    """Merge the Jupyter Server defaults (IPC kernels) into ``<prefix>/etc/jupyter``.

    Jupyter Server reads ``jupyter_server_config.d/`` for extensions only, so the setting
    goes into the singleton ``jupyter_server_config.json``, keeping whatever else it holds.
    """
    target = Path(prefix) / "etc" / "jupyter" / "jupyter_server_config.json"
    try:
        current = json.loads(target.read_text(encoding="utf-8"))
    except OSError:
        current = {}
    if not isinstance(current, dict):
        raise ValueError(f"{target} does not hold a JSON object")
    merged = merged_server_config(current, platform)
    if merged == current:
        return None
    return _write_if_changed(target, json.dumps(merged, indent=2, sort_keys=True) + "\n")


def other_lab_locale(settings_dir: str) -> str | None:
    """The locale a learner's own overrides.json sets, if any (it wins over the kit's)."""
    try:
        data = json.loads((Path(settings_dir) / "overrides.json").read_text(encoding="utf-8"))
        return data.get(TRANSLATION_PLUGIN, {}).get("locale")
    except (OSError, ValueError, AttributeError):
        return None


def install_all(prefix: str, language: str) -> list[str]:
    """Both files into an environment's prefix (``sys.prefix``); returns the paths written."""
    settings_dir = os.path.join(prefix, "share", "jupyter", "lab", "settings")
    written = [install_lab_settings(settings_dir, language), install_server_config(prefix)]
    return [path for path in written if path]


if __name__ == "__main__":
    # Binder's postBuild: python tools/lab_settings.py  (into this Python's prefix)
    for path in install_all(sys.prefix, os.environ.get("KIT_LAB_LANGUAGE", "")):
        print(f"lab settings: wrote {path}")
