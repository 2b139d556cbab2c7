"""Tests for ``helpers.keys`` and ``helpers.urls``: the one home of key and URL knowledge."""

from __future__ import annotations

import pytest

from helpers import key_rules, keys, urls
from helpers.messages import EN, ZH

PROJ = "sk-proj-" + "A1b2C3d4E5f6G7h8I9j0K1l2M3n4"
HEX = "sk-" + "0123456789abcdef" * 2
OLLAMA = "http://localhost:11434/v1"


# --- keys ------------------------------------------------------------------------------------


def kinds(value: str) -> list[str]:
    return [p.kind for p in keys.key_problems(value)]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (PROJ, []),
        (f'"{PROJ}"', ["quotes"]),
        (f"“{PROJ}”", ["quotes"]),
        (f"‘{PROJ}’", ["quotes"]),
        (f"«{PROJ}»", ["quotes"]),
        (f"„{PROJ}“", ["quotes"]),
        (f"＂{PROJ}＂", ["quotes"]),
        (f"「{PROJ}」", ["quotes"]),
        (f"『{PROJ}』", ["quotes"]),
        (f" “{PROJ}” ", ["quotes", "spaces"]),
        (f" {PROJ}\n", ["spaces"]),
        (PROJ[:10] + "\uff21" + PROJ[10:], ["character"]),
        (PROJ[:10] + "\u200b" + PROJ[10:], ["character"]),
        ("sk-" + "你好" * 10, ["character"] * 5 + ["more_characters"]),
        ("your-api-key-here", ["placeholder"]),
        ("sk-...", ["placeholder"]),
        ("sk-abc123", ["placeholder"]),
        ("sk-Q7kd2", ["too_short"]),
    ],
)
def test_key_problems(value: str, expected: list[str]) -> None:
    assert kinds(value) == expected


def test_key_problems_never_contain_the_key() -> None:
    secret = "Zq8Lm3Np5Rt7Vx9Bc2Df4Gh6"
    for problem in keys.key_problems(f"'sk-proj-{secret}é' "):
        for lang in (EN, ZH):
            assert secret[:8] not in problem.problem.render(lang) + problem.fix.render(lang)


def test_a_full_width_letter_is_named_with_its_ascii_twin() -> None:
    (problem,) = keys.key_problems("sk-proj-abcdefghij\uff21klmnopqrstu")
    assert "U+FF21" in problem.problem.render(EN) and "retype character 19 as 'A'" in problem.fix.render(EN)
    assert "第 19 个字符" in problem.fix.render(ZH)


@pytest.mark.parametrize(("key", "openai"), [(PROJ, True), ("sk-" + "a" * 48, True), (HEX, False), ("gsk_" + "a" * 40, False)])
def test_is_openai_key(key: str, openai: bool) -> None:
    assert keys.is_openai_key(key) is openai


def test_key_kind_and_owner() -> None:
    assert keys.key_kind(PROJ) == ("OpenAI project/service/admin key", ("openai",))
    assert keys.key_kind(HEX)[1] == ("deepseek", "qwen", "siliconflow", "moonshot")  # type: ignore[index]
    assert keys.key_kind("not a key") is None
    assert keys.key_belongs_elsewhere(PROJ, "deepseek") == keys.key_kind(PROJ)
    assert keys.key_belongs_elsewhere(f'"{HEX}"', "deepseek") is None
    assert keys.key_belongs_elsewhere("anything-else-at-all-1234", "deepseek") is None


@pytest.mark.parametrize("bad", ["\n", "\t", "\x7f", "\uff21", "é"])
def test_unsendable_key_is_described_masked(bad: str) -> None:
    secret = "Zq8Lm3Np5Rt7Vx9Bc2Df4Gh6Jk"
    note = keys.unsendable_key(f"sk-proj-{secret[:10]}{bad}{secret[10:]}", "DEEPSEEK_API_KEY, .env")
    assert note is not None
    for lang in (EN, ZH):
        text = note.render(lang)
        assert "DEEPSEEK_API_KEY" in text and secret[:6] not in text and secret[-6:] not in text
    assert "sk-proj-…" in note.render(EN) and "copy the key again" in note.render(EN).lower()


def test_a_sendable_key_is_not_refused() -> None:
    assert keys.unsendable_key(PROJ, "environment") is None and keys.unsendable_key(None, "none") is None


def test_redact_masks_known_secrets_formats_and_url_credentials() -> None:
    odd = "my-own-secret-value"
    text = f"401 for '{odd}' and {PROJ} via http://ann:s3cret@proxy:8080 and {HEX}"
    out = keys.redact(text, [f'"{odd}"', None])
    assert odd not in out and PROJ not in out and HEX not in out and "s3cret" not in out and "ann" not in out
    assert "sk-proj-…" + PROJ[-4:] in out and "http://***@proxy:8080" in out


def test_redact_leaves_short_secrets_and_plain_text_alone() -> None:
    assert keys.redact("a b c", ["a", "b"]) == "a b c"
    assert keys.redact("nothing secret here https://api.openai.com/v1") == "nothing secret here https://api.openai.com/v1"


def test_mask_key_refuses_a_non_string_without_echoing_it() -> None:
    with pytest.raises(TypeError) as info:
        keys.mask_key(PROJ.encode())  # type: ignore[arg-type]
    assert PROJ not in str(info.value) and "bytes" in str(info.value)


# --- urls ------------------------------------------------------------------------------------


def problem_kinds(url: str) -> tuple[list[str], str]:
    found, suggested = urls.url_problems(url)
    return [p.kind for p in found], suggested


@pytest.mark.parametrize(
    ("url", "expected", "suggested"),
    [
        ("https://api.openai.com/v1", [], "https://api.openai.com/v1"),
        (OLLAMA, [], OLLAMA),
        ("http://192.168.1.10:8000/v1", [], "http://192.168.1.10:8000/v1"),
        # The local-server rule: no scheme on a local host means http://, never https://.
        ("localhost:11434/v1", ["scheme"], OLLAMA),
        ("127.0.0.1:8000/v1", ["scheme"], "http://127.0.0.1:8000/v1"),
        ("api.openai.com/v1", ["scheme"], "https://api.openai.com/v1"),
        ("https://localhost:11434", ["v1", "ollama"], OLLAMA),
        ("http://api.example.com/v1", ["http"], "https://api.example.com/v1"),
        ("https://api.openai.com/v1/chat/completions", ["tail"], "https://api.openai.com/v1"),
        ("https://api.openai.com/v1/moderations", ["tail"], "https://api.openai.com/v1"),
        ("https://api.openai.com/v1/v1", ["twice"], "https://api.openai.com/v1"),
        ("https://gateway.example.com", ["path"], "https://gateway.example.com"),
        (' "https://api.openai.com/v1" ', ["quoted"], "https://api.openai.com/v1"),
        ("ftp://files.example.com", ["host"], "ftp://files.example.com"),
    ],
)
def test_url_problems(url: str, expected: list[str], suggested: str) -> None:
    assert problem_kinds(url) == (expected, suggested)


def test_url_problem_messages_in_both_languages() -> None:
    (problem,), _ = urls.url_problems("localhost:11434/v1")
    assert problem.fix.render(EN) == f"write it as {OLLAMA}" and problem.fix.render(ZH) == f"写成 {OLLAMA}"


def test_a_preset_host_with_another_path_is_warned() -> None:
    from helpers.providers import PRESETS

    found, suggested = urls.url_problems("https://api.moonshot.cn", PRESETS)
    assert [p.kind for p in found] == ["preset"] and suggested == "https://api.moonshot.cn/v1"


@pytest.mark.parametrize(("host", "loopback", "local"), [
    ("localhost", True, True), ("127.0.0.1", True, True), ("::1", True, True), ("192.168.1.5", False, True),
    ("host.docker.internal", False, True), ("box.local", False, True), ("api.openai.com", False, False),
    ("8.8.8.8", False, False),
])
def test_loopback_and_local(host: str, loopback: bool, local: bool) -> None:
    assert (urls.is_loopback(host), urls.is_local(host)) == (loopback, local)


@pytest.mark.parametrize(("value", "masked", "stripped"), [
    ("http://ann:s3cret@127.0.0.1:9", "http://***@127.0.0.1:9", "http://127.0.0.1:9"),
    ("https://token@gw.example.com/v1", "https://***@gw.example.com/v1", "https://gw.example.com/v1"),
    ("ann:s3cret@proxy:8080", "***@proxy:8080", "proxy:8080"),
    ("https://api.openai.com/v1", "https://api.openai.com/v1", "https://api.openai.com/v1"),
])
def test_credentials_masked_and_stripped_one_way(value: str, masked: str, stripped: str) -> None:
    assert urls.mask_credentials(value) == masked and urls.strip_credentials(value) == stripped


def test_proxy_for_follows_no_proxy() -> None:
    env = {"HTTPS_PROXY": "http://proxy:3128", "NO_PROXY": "localhost,.internal"}
    assert urls.proxy_for("https://api.openai.com/v1", env) == "http://proxy:3128"
    assert urls.proxy_for("https://llm.internal/v1", env) is None
    assert urls.proxy_for("http://localhost:11434/v1", env) is None
    assert urls.proxy_for("https://x.example", {"https_proxy": "http://low:1", "HTTPS_PROXY": "http://up:1"}) == "http://low:1"
    assert urls.proxy_for("https://x.example", {"HTTPS_PROXY": "http://p:1", "NO_PROXY": "*"}) is None


def test_settings_notes_for_a_key_and_a_base_url() -> None:
    (note,) = key_rules.key_notes(f'"{PROJ}"', "DEEPSEEK_API_KEY", "https://api.deepseek.com")
    assert note.render(EN).startswith("DEEPSEEK_API_KEY: the key is wrapped in quotes")
    assert key_rules.key_notes(PROJ, "OPENAI_API_KEY", None) == key_rules.key_notes(None, "OPENAI_API_KEY", None) == []
    (placeholder,) = key_rules.key_notes("your-key-here", "OPENAI_API_KEY", None)
    assert "placeholder" in placeholder.render(EN)
    quoted, implausible = key_rules.key_notes('"your-key-here"', "OPENAI_API_KEY", None)  # how it is written, then why
    assert "quotes" in quoted.render(EN) and "placeholder" in implausible.render(EN)
    url_note = urls.base_url_note("127.0.0.1:8000/v1")
    assert url_note is not None and "write it as http://127.0.0.1:8000/v1" in url_note.render(EN)
    assert "请写成 http://127.0.0.1:8000/v1" in url_note.render(ZH)
    assert urls.base_url_note("http://api.example.com/v1") is None  # a warning: the doctor's to show
    assert urls.base_url_note(None) is None


def test_url_problem_says_what_lesson_07_prints() -> None:
    (problem,), _ = urls.url_problems("https://api.openai.com")
    assert problem.severity == "fail"
    assert (problem.problem.render("en"), problem.problem.render("zh")) == ("it lacks the /v1 path", "缺少 /v1 路径")


TYPOGRAPHIC = ["“{}”", "‘{}’", "«{}»", "„{}“", "＂{}＂", "「{}」", "『{}』", " “{}” "]


@pytest.mark.parametrize("wrapped", TYPOGRAPHIC)
def test_typographic_quotes_get_the_quotes_note_from_env_file_and_environment(tmp_path, wrapped: str) -> None:
    from helpers import config
    from helpers.envfile import load_env_file

    env = tmp_path / ".env"
    env.write_text(f"OPENAI_API_KEY={wrapped.format(PROJ)}\n", encoding="utf-8")
    for settings in (config.resolve({}, env_file=load_env_file(env)), config.resolve({"OPENAI_API_KEY": wrapped.format(PROJ)})):
        rendered = [(n.render(EN), n.render(ZH)) for n in settings.notes]
        quoted = [pair for pair in rendered if "wrapped in quotes" in pair[0]]
        assert quoted, rendered
        assert "delete the quotes around the key" in quoted[0][0] and "删掉密钥两侧的引号" in quoted[0][1]
        assert all(PROJ[8:20] not in en + zh for en, zh in rendered)  # never the key itself


def test_straight_quotes_in_the_environment_get_the_same_problem() -> None:
    from helpers import config

    notes = config.resolve({"OPENAI_API_KEY": f'"{PROJ}"'}).notes
    assert any("wrapped in quotes" in n.render(EN) for n in notes)
