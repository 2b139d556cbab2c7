"""Give every student their own OpenAI API key, with a hard spend limit (see docs/teaching.md).

Usage (the teacher, once before class, with an organization **admin key**)::

    export OPENAI_ADMIN_KEY=...            # platform.openai.com -> Settings -> Admin keys
    python docs/make_student_keys.py students.txt --limit-usd 5 --expires-days 30

``students.txt`` has one login name per line (``#`` starts a comment). The script uses the
Admin API through the SDK (``client.admin.organization.projects``):

1. creates a project for the class (or, with ``--project-per-student``, one per student, so
   each student has their own limit) and sets its monthly hard spend limit;
2. creates one service account per student in that project; the API returns its key once.

Keys go only into the CSV (``student_keys.csv`` by default: columns ``username``,
``api_key``, ``project_id``, ``service_account_id``, ``api_key_id``, ``expires_at``), which is
created readable by you alone and never overwritten. The screen shows masked keys only.
Each row is written as soon as its key exists, so if the run stops halfway the keys already
made are in the file. The same CSV feeds ``docs/jupyterhub_config.py``.

After the course, archive the project(s) in the dashboard: every key in them stops working.
"""

from __future__ import annotations

import argparse
import csv
import os
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import IO, Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # `python docs/...` from a checkout

from helpers.keys import mask_key  # noqa: E402

COLUMNS = ("username", "api_key", "project_id", "service_account_id", "api_key_id", "expires_at")
DAY = 86_400


class Problem(Exception):
    """Something the teacher can fix; the message says what (both languages)."""


def read_students(text: str) -> list[str]:
    """Login names, in order; blank lines and ``#`` comments skipped; duplicates refused."""
    names: list[str] = []
    for line in text.splitlines():
        name = line.split("#", 1)[0].strip()
        if not name:
            continue
        if name.lower() in (n.lower() for n in names):
            raise Problem(f"'{name}' appears twice in the students file. / 学生名单里 '{name}' 出现了两次。")
        names.append(name)
    if not names:
        raise Problem("The students file lists nobody: one login name per line. / 学生名单是空的：每行写一个登录名。")
    return names


def _limited_project(admin: Any, name: str, limit_cents: int) -> str:
    projects = admin.organization.projects
    project = projects.create(name=name)
    projects.spend_limit.update(project.id, currency="USD", interval="month", threshold_amount=limit_cents)
    return project.id


def provision(
    admin: Any,
    students: Iterable[str],
    *,
    class_name: str,
    limit_usd: float,
    per_student: bool,
    expires_days: int | None,
    on_row: Callable[[dict[str, str]], None],
) -> int:
    """Create the project(s) and one keyed service account per student; ``on_row`` gets each
    CSV row as soon as its key exists. Returns how many keys were made.

    ``admin`` is ``OpenAI(...).admin`` (the tests pass a fake with the same shape).
    """
    limit_cents = round(limit_usd * 100)
    expires = expires_days * DAY if expires_days else None
    class_project = None if per_student else _limited_project(admin, class_name, limit_cents)
    made = 0
    for student in students:
        project_id = class_project or _limited_project(admin, f"{class_name} - {student}", limit_cents)
        options = {"expires_in_seconds": expires} if expires else {}
        account = admin.organization.projects.service_accounts.create(project_id, name=student, **options)
        if account.api_key is None:
            raise Problem(f"The API made a service account for {student} but returned no key. "
                          f"/ 已为 {student} 创建服务账号，但 API 没有返回 Key。")
        key = account.api_key
        on_row({
            "username": student,
            "api_key": key.value,
            "project_id": project_id,
            "service_account_id": account.id,
            "api_key_id": key.id,
            "expires_at": "" if key.expires_at is None else str(key.expires_at),
        })
        made += 1
    return made


def open_private(path: Path) -> IO[str]:
    """A new file only its owner can read; an existing file is never overwritten."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise Problem(f"{path} already exists: move it away or pass another --out (it may hold keys). "
                      f"/ {path} 已存在（里面可能有 Key）：请先移走，或换一个 --out。") from None
    return os.fdopen(fd, "w", newline="", encoding="utf-8")


def run(args: argparse.Namespace, students: list[str], admin: Any, out: IO[str]) -> int:
    writer = csv.DictWriter(out, fieldnames=COLUMNS)
    writer.writeheader()

    def on_row(row: dict[str, str]) -> None:
        writer.writerow(row)
        out.flush()
        print(f"{row['username']:<20} {mask_key(row['api_key'])}  project {row['project_id']}", flush=True)

    return provision(admin, students, class_name=args.class_name, limit_usd=args.limit_usd,
                     per_student=args.project_per_student, expires_days=args.expires_days, on_row=on_row)


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python docs/make_student_keys.py", description=__doc__.split("\n\n")[0])
    p.add_argument("students", help="text file, one login name per line")
    p.add_argument("--out", default="student_keys.csv", help="CSV to create (never overwritten)")
    p.add_argument("--class-name", default="Notebook kit class", help="project name shown in usage reports")
    p.add_argument("--limit-usd", type=float, required=True, help="monthly hard spend limit per project, in USD")
    p.add_argument("--project-per-student", action="store_true", help="one project (and limit) per student")
    p.add_argument("--expires-days", type=int, default=None, help="keys stop working after this many days")
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    if args.limit_usd <= 0:
        print("--limit-usd must be more than 0. / --limit-usd 必须大于 0。", file=sys.stderr)
        return 2
    admin_key = (os.environ.get("OPENAI_ADMIN_KEY") or "").strip()
    if not admin_key:
        print("Set OPENAI_ADMIN_KEY to an organization admin key first (Settings -> Admin keys). "
              "/ 请先把组织的管理员 Key 设为环境变量 OPENAI_ADMIN_KEY。", file=sys.stderr)
        return 2
    import openai

    # The admin key for both auth paths, so a learner's OPENAI_API_KEY in the shell cannot be
    # sent instead; the Admin API exists only on api.openai.com, whatever OPENAI_BASE_URL says.
    client = openai.OpenAI(api_key=admin_key, admin_api_key=admin_key, base_url="https://api.openai.com/v1")
    made = 0
    try:
        students = read_students(Path(args.students).read_text(encoding="utf-8-sig"))
        with open_private(Path(args.out)) as out:
            made = run(args, students, client.admin, out)
    except Problem as problem:
        print(problem, file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"Cannot read or write a file: {exc}. / 无法读写文件：{exc}", file=sys.stderr)
        return 1
    except openai.APIError as exc:
        print(f"The Admin API refused ({type(exc).__name__}: {getattr(exc, 'message', '')}). Keys made so far are in "
              f"{args.out}. / 管理 API 返回错误，已创建的 Key 都在 {args.out} 里。", file=sys.stderr)
        return 1
    print(f"{made} keys written to {args.out} (only you can read it). / 已把 {made} 个 Key 写入 {args.out}。")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
