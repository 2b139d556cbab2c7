"""JupyterHub settings for a class using the OpenAI notebook kit (see docs/teaching.md).

Copy the part below into your hub's ``jupyterhub_config.py`` (or use this file as it is
with ``jupyterhub -f docs/jupyterhub_config.py``). It gives every student's server:

* the room's settings, the same for everyone: ``KIT_SIMULATOR_URL`` (the teacher's shared
  offline simulator) or ``KIT_OFFLINE=1`` (each kernel simulates on its own);
* the student's own ``OPENAI_API_KEY``, looked up by login name in a CSV file the teacher
  keeps (columns ``username`` and ``api_key``; ``docs/make_student_keys.py`` writes one).
  The file is read at each spawn, so a key added during class works at the student's next
  start. A student without a row gets no key and works offline.
* their own copies of the lessons: the server opens ``~/my-notebooks``, filled from the kit's
  ``notebooks/`` at each start by ``tools/workspace.py`` (standard library only), which never
  overwrites a student's copy and only adds lessons that are new. The kit's lessons stay
  pristine. In a student's terminal, ``python3 <kit>/tools/workspace.py fresh zh/03_vision
  --dest ~/my-notebooks`` gives a fresh copy of one lesson and keeps theirs as a backup.

Nothing here logs or prints a key: a missing file or student is reported by name only.
Keep the CSV readable by the hub alone (``chmod 600``); the hub warns when it is not.
With KIT_SIMULATOR_URL or KIT_OFFLINE set, notebooks stay offline even for students who
have a key: clear both to go live.

Each setting can also come from the hub's environment (the names in ``os.environ.get``).
"""

from __future__ import annotations

import csv
import os
import stat
from typing import Any

# --- edit these lines (or set the variables in the hub's environment) -------------
ROOM_SIMULATOR_URL = os.environ.get("KIT_ROOM_SIMULATOR_URL", "")  # e.g. "http://192.168.1.20:8000/v1"
ROOM_OFFLINE = os.environ.get("KIT_ROOM_OFFLINE", "")  # "1": every kernel runs its own simulator
STUDENT_KEYS_FILE = os.environ.get("KIT_ROOM_KEYS_FILE", "/srv/jupyterhub/student_keys.csv")
# The kit's checkout, readable by every student (default: the one this file is in).
_THIS_FILE = globals().get("__file__", "/srv/openai-notebook-kit/docs/jupyterhub_config.py")
KIT_DIR = os.environ.get("KIT_ROOM_KIT_DIR", "") or os.path.dirname(os.path.dirname(os.path.abspath(_THIS_FILE)))
# ----------------------------------------------------------------------------------------
WORKSPACE = "my-notebooks"  # in each student's home, as on a laptop


def read_student_keys(path: str) -> dict[str, str]:
    """``{username: key}`` from the CSV; names lowercased as JupyterHub normalizes logins."""
    keys: dict[str, str] = {}
    with open(path, newline="", encoding="utf-8-sig") as handle:
        for row in csv.DictReader(handle):
            name = (row.get("username") or "").strip().lower()
            key = (row.get("api_key") or "").strip()
            if name and key:
                keys[name] = key
    return keys


def student_api_key(spawner: Any) -> str:
    """Called by JupyterHub at each spawn with the spawner: this student's key, or "".

    Never raises (an exception would stop the student's server from starting) and never
    logs the key or the file's contents.
    """
    name = spawner.user.name.lower()
    path = STUDENT_KEYS_FILE
    try:
        if os.stat(path).st_mode & (stat.S_IRWXG | stat.S_IRWXO):
            spawner.log.warning("kit: %s is readable by other users; run: chmod 600 %s", path, path)
        keys = read_student_keys(path)
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        spawner.log.warning("kit: cannot read the student keys file %s (%s); %s works offline",
                            path, type(exc).__name__, name)
        return ""
    key = keys.get(name, "")
    if not key:
        spawner.log.warning("kit: no api_key for %s in %s; their notebooks work offline", name, path)
    return key


def room_environment() -> dict[str, Any]:
    """The ``Spawner.environment`` dict: room-wide strings plus the per-student callable."""
    environment: dict[str, Any] = {"OPENAI_API_KEY": student_api_key}
    if ROOM_SIMULATOR_URL.strip():
        environment["KIT_SIMULATOR_URL"] = ROOM_SIMULATOR_URL.strip()
    if ROOM_OFFLINE.strip().lower() in {"1", "true", "yes", "on"}:
        environment["KIT_OFFLINE"] = "1"
    return environment


def workspace_command(kit_dir: str) -> list[str]:
    """``Spawner.cmd``: fill ``~/my-notebooks`` (never overwriting), then start the server.

    JupyterHub appends its arguments; ``sh`` passes them on as ``"$@"``. A failed fill (say the
    kit's folder moved) is reported in the server's log and never stops the student's server.
    """
    script = (
        f'python3 "$0" fill --dest "$HOME/{WORKSPACE}" '
        f'|| {{ echo "kit: could not fill ~/{WORKSPACE} from $0" >&2; mkdir -p "$HOME/{WORKSPACE}"; }}; '
        'exec jupyterhub-singleuser "$@"'
    )
    return ["sh", "-c", script, os.path.join(kit_dir, "tools", "workspace.py")]


c = get_config()  # type: ignore[name-defined]  # noqa: F821 - JupyterHub's config loader provides it
c.Spawner.environment = room_environment()
c.Spawner.cmd = workspace_command(KIT_DIR)
c.Spawner.notebook_dir = "~/" + WORKSPACE
