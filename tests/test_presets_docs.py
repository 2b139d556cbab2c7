"""``docs/providers.md`` and ``docs/providers.zh-CN.md``: generated from the presets, committed as generated.

Regenerate with ``python -m helpers.providers --write`` after changing ``helpers/providers.toml``.
"""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest

from helpers import providers
from helpers.providers import PRESETS

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("lang", sorted(providers.DOC_PATHS))
def test_committed_page_is_the_generated_one(lang: str) -> None:
    committed = (ROOT / providers.DOC_PATHS[lang]).read_text(encoding="utf-8")
    assert committed == providers.render_table(lang), "run: python -m helpers.providers --write"


def test_write_docs_writes_both_pages(tmp_path: Path) -> None:
    written = providers.write_docs(str(tmp_path))
    assert sorted(Path(p).relative_to(tmp_path).as_posix() for p in written) == sorted(providers.DOC_PATHS.values())
    for lang, relative in providers.DOC_PATHS.items():
        assert (tmp_path / relative).read_text(encoding="utf-8") == providers.render_table(lang)


def test_lessons_match_the_notebooks() -> None:
    for edition in ("en", "zh"):
        numbers = sorted(path.name[:2] for path in (ROOT / "notebooks" / edition).glob("[0-9][0-9]_*.ipynb"))
        assert tuple(numbers) == providers.LESSONS
    names = {path.name[:2]: path.name for path in (ROOT / "notebooks" / "en").glob("[0-9][0-9]_*.ipynb")}
    assert names["03"] == "03_vision.ipynb" and names["09"] == "09_embeddings.ipynb"


def _rows(lang: str) -> dict[str, list[str]]:
    rows = {}
    for line in providers.render_table(lang).splitlines():
        match = re.match(r"^\| `([a-z]+)` ", line)
        if match:
            rows[match.group(1)] = [cell.strip() for cell in line.strip("|").split(" | ")]
    return rows


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_one_row_per_preset_with_its_facts(lang: str) -> None:
    rows = _rows(lang)
    assert list(rows) == list(PRESETS)
    for pid, cells in rows.items():
        preset = PRESETS[pid]
        assert len(cells) == 8
        assert cells[1] == f"`{preset.base_url}`"
        assert cells[2] == (f"`{preset.key_env}`" if preset.key_env else ("无需密钥" if lang == "zh" else "none needed"))
        assert cells[3:6] == [f"`{m}`" if m else "—" for m in (preset.text_model, preset.vision_model, preset.embedding_model)]
        assert cells[6] == f"{preset.checked_on} / {preset.models_checked_on}"


def test_which_lessons_work_follows_the_models() -> None:
    rows = _rows("en")
    assert rows["openai"][7] == "all" and rows["qwen"][7] == "all"
    assert rows["deepseek"][7] == "all but 03 and 09"  # no vision model, no embeddings endpoint
    assert rows["moonshot"][7] == "all but 09"
    assert _rows("zh")["deepseek"][7] == "除 03、09 外全部"
    # And the other way: take a model away (or give one) and the lessons follow.
    openai = PRESETS["openai"]
    assert providers.working_lessons(dataclasses.replace(openai, vision_model="")) == [
        lesson for lesson in providers.LESSONS if lesson != "03"]
    assert providers.working_lessons(dataclasses.replace(PRESETS["deepseek"], embedding_model="x")) == [
        lesson for lesson in providers.LESSONS if lesson != "03"]
    assert providers.working_lessons(openai) == list(providers.LESSONS)


def test_pages_link_each_other_and_the_data() -> None:
    en, zh = providers.render_table("en"), providers.render_table("zh")
    assert "(providers.zh-CN.md)" in en and "(providers.md)" in zh
    assert "../helpers/providers.toml" in en and "../helpers/providers.toml" in zh
    assert all(preset.notes_en in en and preset.notes_zh in zh for preset in PRESETS.values())


def test_main_needs_write(capsys: pytest.CaptureFixture[str]) -> None:
    assert providers.main([]) == 2 and "usage" in capsys.readouterr().err
