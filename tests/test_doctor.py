"""``helpers.doctor``: one test per set-up problem it diagnoses, plus whole runs.

Every variable a test or a ``.env`` may touch is registered with monkeypatch first, so it is
restored afterwards (the doctor itself writes nothing: ``test_run_changes_nothing_in_the_environment``). Network checks only ever reach loopback:
the suite's simulator, or ``127.0.0.1:9`` where nothing listens.
"""

from __future__ import annotations

import ast
import importlib.util
import os
import socket
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from helpers import config, doctor, plots, tokens
from helpers.doctor import FAIL, OK, SKIP, WARN, checks_network, checks_python
from helpers.offline import Simulator
from tests.settings_support import clean  # noqa: F401  (autouse: each test starts with nothing configured)

ROOT = Path(__file__).resolve().parents[1]
# Key-like values are built at run time from pieces: no key-like literal sits in this file.
PROJ = "sk-" + "proj-"
KEY = PROJ + "Ab3" * 14 + "wxyz"
HEX_KEY = "sk-" + "0123456789abcdef" * 2
DEAD = "http://127.0.0.1:9/v1"  # connection refused at once
VARIABLES = (
    "OPENAI_API_KEY", "OPENAI_BASE_URL", "OPENAI_API_BASE", "KIT_OFFLINE", "KIT_SIMULATOR_URL", "KIT_PROVIDER",
    "OPENAI_MODEL", "OPENAI_VISION_MODEL", "OPENAI_EMBEDDING_MODEL", "KIT_SIMULATOR_PROFILE", "OPENAI_ADMIN_KEY",
    "OPEN_API_KEY", "OPENAI_KEY", "OPENAI_APIKEY", "OPENAI_API_TOKEN", "openai_api_key", "OPENAI_BASEURL",
    "SSL_CERT_FILE", "SSL_CERT_DIR", "REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE",
    "DEEPSEEK_API_KEY", "DASHSCOPE_API_KEY", "MOONSHOT_API_KEY", "ZHIPUAI_API_KEY", "SILICONFLOW_API_KEY",
    "OPENROUTER_API_KEY", "AZURE_OPENAI_API_KEY", "AZURE_OPENAI_RESOURCE",
)
#: The sealed proxies stay unless a test changes them (the shared ``clean`` fixture restores them).
RECORDED = PROXIES = ("HTTPS_PROXY", "HTTP_PROXY", "ALL_PROXY", "https_proxy", "http_proxy", "all_proxy", "NO_PROXY", "no_proxy")


def setenv(monkeypatch: pytest.MonkeyPatch, **values: str) -> None:
    for name, value in values.items():
        monkeypatch.setenv(name, value)


def write_env(folder: Path, text: str, name: str = ".env") -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def check(name: str, *, offline: bool = True) -> doctor.Result:
    """Run one check the way run() does (gathered context, key scrubbing) and return its result."""
    return doctor.run(offline=offline)[name]


def full_text(report: doctor.Report) -> str:
    return "\n".join(str(doctor.Report(report.results, lang)) for lang in (None, "en", "zh"))


def assert_no_key(report: doctor.Report, key: str) -> None:
    text = full_text(report)
    secret = key.removeprefix(PROJ).removeprefix("sk-")
    assert key not in text and secret not in text and secret[:-4] not in text


# --------------------------------------------------------------------------- installation


def test_python_version(monkeypatch: pytest.MonkeyPatch) -> None:
    assert check("python").status == OK
    monkeypatch.setattr(checks_python, "MIN_PYTHON", (99, 0))
    result = check("python")
    assert result.status == FAIL and "Python 99.0" in result.fix.en and "99.0" in result.fix.zh


def test_packages_against_requirements(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    assert check("packages").status == OK  # this environment is installed from requirements.txt
    requirements = write_env(tmp_path, "openai>=99,<100  # too new\npython-dotenv>=1.1,<2\n", "requirements.txt")
    monkeypatch.setattr(checks_python, "REQUIREMENTS", requirements)
    result = check("packages")
    assert result.status == FAIL and "openai" in result.summary.en and ">=99" in result.summary.en and "make setup" in result.fix.en
    assert "python-dotenv" not in result.summary.en
    write_env(tmp_path, "surely-not-installed-kit-package>=1\n", "requirements.txt")
    result = check("packages")
    assert result.status == WARN and "surely-not-installed-kit-package is not installed" in result.summary.en


def test_version_comparison() -> None:
    # packaging does the comparing (a dependency of ipykernel, jupyterlab and matplotlib): no home-made fallback.
    cases = [("3.57.0", ">=3.51,<4"), ("4.0.0", ">=3.51,<4"), ("3.50.9", ">=3.51,<4"), ("1.2.4", ">=1.1,<2"),
             ("0.4.0", ">=0.4,<0.5"), ("0.5", ">=0.4,<0.5"), ("2.0", "==2"), ("2.1", "!=2.1")]
    assert [doctor.satisfies(v, s) for v, s in cases] == [True, False, False, True, True, False, True, False]
    name, wanted = doctor.parse_requirement("quicktok-v1>=0.4,<0.5")
    assert name == "quicktok-v1" and doctor.satisfies("0.4.2", wanted) and not doctor.satisfies("0.5.0", wanted)


# --------------------------------------------------------------------------- .env and names


def test_env_file_found_is_shown_by_path_never_contents(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    write_env(tmp_path, f"OPENAI_API_KEY={KEY}\n")
    report = doctor.run(offline=True)
    assert report["env_file"].status == OK and str(tmp_path / ".env") in report["env_file"].summary.en
    source = report["key_source"]
    assert source.status == OK and ".env" in source.summary.en and PROJ + "…wxyz" in source.summary.en
    assert_no_key(report, KEY)


def test_env_file_utf16_and_unclosed_quote(tmp_path: Path) -> None:
    (tmp_path / ".env").write_bytes("OPENAI_MODEL=gpt-5.4-mini\n".encode("utf-16"))
    result = check("env_file")
    assert result.status == FAIL and "UTF-16" in result.summary.en and "UTF-8" in result.fix.en
    write_env(tmp_path, 'OPENAI_MODEL=gpt-5.4-mini\nOPENAI_API_KEY="' + KEY + "\n")
    result = check("env_file")
    assert result.status == FAIL and "line 2" in result.summary.en and "第 2 行" in result.summary.zh


def test_env_file_the_kit_ignores_is_a_failure_whatever_its_encoding(tmp_path: Path) -> None:
    # GBK (a Chinese Windows default) is not UTF-8: get_client() ignores the file, so the doctor must not say "Using".
    (tmp_path / ".env").write_bytes(f"# 密钥\nOPENAI_API_KEY={KEY}\n".encode("gbk"))
    assert config.load_settings().api_key is None
    result = check("env_file")
    assert result.status == FAIL and "not UTF-8" in result.summary.en and "UTF-8" in result.fix.en


def test_preset_key_from_colab_secrets_is_found(monkeypatch: pytest.MonkeyPatch) -> None:
    secrets = {"DEEPSEEK_API_KEY": HEX_KEY}
    monkeypatch.setattr(config, "colab_secret", secrets.get)
    setenv(monkeypatch, KIT_PROVIDER="deepseek")
    result = check("key_source")
    assert result.status == OK and "DEEPSEEK_API_KEY" in result.summary.en and "Colab" in result.summary.en


@pytest.mark.parametrize("name", [".env.txt", "env"])
def test_misnamed_env_file(tmp_path: Path, name: str) -> None:
    write_env(tmp_path, f"OPENAI_API_KEY={KEY}\n", name)
    report = doctor.run(offline=True)
    result = report["env_file_name"]
    assert result.status == FAIL and name in result.summary.en and ".env" in result.fix.en and "ren " in result.fix.en
    assert_no_key(report, KEY)
    write_env(tmp_path, "KIT_OFFLINE=1\n")  # a real .env beside it: the stray file is only ignored
    assert check("env_file_name").status == WARN


@pytest.mark.parametrize("wrong", ["OPEN_API_KEY", "OPENAI_KEY", "OPENAI_APIKEY", "OPENAI_API_TOKEN", "openai_api_key"])
def test_misspelt_key_variable_in_environment(monkeypatch: pytest.MonkeyPatch, wrong: str) -> None:
    setenv(monkeypatch, **{wrong: KEY})
    report = doctor.run(offline=True)
    result = report["variable_names"]
    assert result.status == FAIL and wrong in result.summary.en and "OPENAI_API_KEY" in result.fix.en
    assert "environment" in result.summary.en and "OPENAI_API_KEY" in result.fix.zh
    assert_no_key(report, KEY)
    setenv(monkeypatch, OPENAI_API_KEY=KEY)  # the right one is set too: only a stray variable
    assert check("variable_names").status == WARN


def test_misspelt_variables_in_env_file(tmp_path: Path) -> None:
    write_env(tmp_path, f"OPENAI_KEY={KEY}\nOPENAI_BASEURL=http://localhost:11434/v1\nOPENAI_MODEL=gpt-5.4-mini\n")
    result = check("variable_names")
    assert result.status == FAIL and ".env" in result.summary.en
    assert "rename OPENAI_KEY to OPENAI_API_KEY" in result.fix.en
    assert "rename OPENAI_BASEURL to OPENAI_BASE_URL" in result.fix.en
    assert "OPENAI_MODEL " not in result.summary.en  # a right name is never flagged


def test_intended_name_leaves_unrelated_names_alone() -> None:
    for name in ("PATH", "HOME", "OPENAI_ORG_ID", "KIT_OFFLINE", "DEEPSEEK_API_KEY", "MY_OPENAI_NOTES"):
        assert doctor.intended_name(name, doctor.KNOWN_NAMES + ("DEEPSEEK_API_KEY",)) is None
    assert doctor.intended_name("KIT_OFLINE") == "KIT_OFFLINE"


# --------------------------------------------------------------------------- the key


def test_key_source_environment_versus_env_file(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    other = PROJ + "Zz9" * 14 + "zyxw"
    write_env(tmp_path, f"OPENAI_API_KEY={other}\n")
    setenv(monkeypatch, OPENAI_API_KEY=KEY)
    report = doctor.run(offline=True)
    result = report["key_source"]
    assert result.status == WARN and "environment" in result.summary.en and PROJ + "…wxyz" in result.summary.en
    assert PROJ + "…zyxw" in result.summary.en and "unset OPENAI_API_KEY" in result.fix.en
    assert_no_key(report, KEY)
    assert_no_key(report, other)


def test_key_source_none_and_colab(monkeypatch: pytest.MonkeyPatch) -> None:
    result = check("key_source")
    assert result.status == OK and "offline" in result.summary.en
    monkeypatch.setattr(config, "colab_secret", lambda name: KEY if name == "OPENAI_API_KEY" else None)
    report = doctor.run(offline=True)
    assert "Colab Secrets" in report["key_source"].summary.en and PROJ + "…wxyz" in report["key_source"].summary.en
    assert_no_key(report, KEY)


def test_key_with_quotes_kept(monkeypatch: pytest.MonkeyPatch) -> None:
    setenv(monkeypatch, OPENAI_API_KEY=f'"{KEY}"')  # Windows `set OPENAI_API_KEY="sk-..."` keeps the quotes
    report = doctor.run(offline=True)
    result = report["key_format"]
    assert result.status == FAIL and "quotes" in result.summary.en and "delete the quotes" in result.fix.en
    assert_no_key(report, KEY)


def test_key_with_typographic_quotes_in_env_file(tmp_path: Path) -> None:
    write_env(tmp_path, f"OPENAI_API_KEY=“{KEY}”\n")
    report = doctor.run(offline=True)
    assert report["key_format"].status == FAIL and "quotes" in report["key_format"].summary.en
    assert_no_key(report, KEY)


def test_key_with_trailing_spaces(monkeypatch: pytest.MonkeyPatch) -> None:
    setenv(monkeypatch, OPENAI_API_KEY=KEY + "  ")
    result = check("key_format")
    assert result.status == WARN and "spaces" in result.summary.en and "spaces" in result.fix.en


@pytest.mark.parametrize(
    ("bad", "position", "code", "fix"),
    [("\uff0d", 3, "U+FF0D", "retype character 3 as '-'"),   # full-width hyphen from a Chinese input method
     ("\u200b", 12, "U+200B", "delete character 12"),         # zero-width space from a chat app
     ("\uff41", 20, "U+FF41", "retype character 20 as 'a'")],  # full-width letter
)
def test_key_with_look_alike_characters(monkeypatch: pytest.MonkeyPatch, bad: str, position: int, code: str, fix: str) -> None:
    key = KEY[: position - 1] + bad + KEY[position - 1:] if bad == "\u200b" else KEY[: position - 1] + bad + KEY[position:]
    setenv(monkeypatch, OPENAI_API_KEY=key)
    report = doctor.run(offline=True)
    result = report["key_format"]
    assert result.status == FAIL and f"character {position} " in result.summary.en and code in result.summary.en
    assert fix in result.fix.en and f"第 {position} 个字符" in result.summary.zh
    text = full_text(report)
    assert KEY[position:position + 6] not in text and KEY[max(position - 7, 0):position - 1] not in text  # no neighbours
    assert bad not in text


def test_key_placeholder(monkeypatch: pytest.MonkeyPatch) -> None:
    setenv(monkeypatch, OPENAI_API_KEY="sk-your-api-key-here")
    result = check("key_format")
    assert result.status == FAIL and "placeholder" in result.summary.en and "real key" in result.fix.en


def test_well_formed_key_passes(monkeypatch: pytest.MonkeyPatch) -> None:
    setenv(monkeypatch, OPENAI_API_KEY=KEY)
    assert check("key_format").status == OK


def test_deepseek_style_key_with_openai_url(monkeypatch: pytest.MonkeyPatch) -> None:
    setenv(monkeypatch, OPENAI_API_KEY=HEX_KEY)
    report = doctor.run(offline=True)
    result = report["key_provider"]
    assert result.status == WARN and "looks like" in result.summary.en and "DeepSeek" in result.summary.en
    assert "KIT_PROVIDER=deepseek" in result.fix.en and "OPENAI_BASE_URL" in result.fix.en
    assert_no_key(report, HEX_KEY)


def test_openai_key_with_deepseek_url(monkeypatch: pytest.MonkeyPatch) -> None:
    setenv(monkeypatch, OPENAI_API_KEY=KEY, OPENAI_BASE_URL="https://api.deepseek.com")
    report = doctor.run(offline=True)
    result = report["key_provider"]
    assert result.status == WARN and "OpenAI" in result.summary.en and "DeepSeek" in result.summary.en and "looks like" in result.summary.en
    assert_no_key(report, KEY)


def test_matching_key_and_endpoint(monkeypatch: pytest.MonkeyPatch) -> None:
    setenv(monkeypatch, OPENAI_API_KEY=HEX_KEY, OPENAI_BASE_URL="https://api.deepseek.com")
    assert check("key_provider").status == OK


def test_unknown_provider_preset(monkeypatch: pytest.MonkeyPatch) -> None:
    setenv(monkeypatch, KIT_PROVIDER="no-such-provider", OPENAI_API_KEY=KEY)
    result = check("provider")
    assert result.status == FAIL and "no-such-provider" in result.summary.en and "deepseek" in result.summary.en


# --------------------------------------------------------------------------- the endpoint


@pytest.mark.parametrize(
    ("url", "status", "fix"),
    [("https://api.openai.com", FAIL, "OPENAI_BASE_URL=https://api.openai.com/v1"),
     ("http://localhost:11434", FAIL, "OPENAI_BASE_URL=http://localhost:11434/v1"),
     ("https://api.openai.com/v1/chat/completions", FAIL, "remove /chat/completions"),
     ("https://api.openai.com/v1/v1/", FAIL, "keep one /v1"),
     ("api.openai.com/v1", FAIL, "https://api.openai.com/v1"),
     ("http://api.example.com/v1", WARN, "https://"),
     ("https://gateway.example.com", WARN, "documentation"),
     ('"https://api.openai.com/v1"', FAIL, "delete them"),
     ("https://api.moonshot.cn/v1", OK, ""),
     ("http://192.168.1.10:8000/v1", OK, "")],
)
def test_base_url_problems(monkeypatch: pytest.MonkeyPatch, url: str, status: str, fix: str) -> None:
    setenv(monkeypatch, OPENAI_BASE_URL=url)
    result = check("base_url")
    assert result.status == status, result.summary.en
    assert fix in result.fix.en


def test_legacy_base_url_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    setenv(monkeypatch, OPENAI_API_BASE="http://localhost:11434/v1")
    result = check("base_url")
    assert result.status == WARN and "OPENAI_API_BASE" in result.summary.en and "rename it to OPENAI_BASE_URL" in result.fix.en


def test_unreachable_host_connection_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    setenv(monkeypatch, OPENAI_BASE_URL=DEAD)
    report = doctor.run()
    result = report["reachable"]
    assert result.status == FAIL and "refused" in result.summary.en and "127.0.0.1:9" in result.summary.en
    assert "ollama serve" in result.fix.en
    assert report["probe"].status == SKIP and not report.ok


@pytest.mark.parametrize(("error", "words"), [(socket.gaierror(-2, "Name or service not known"), "Cannot resolve"),
                                              (TimeoutError(), "No answer")])
def test_unreachable_host_dns_and_timeout(monkeypatch: pytest.MonkeyPatch, error: OSError, words: str) -> None:
    # DNS and timeouts would need the real network: the connect itself is replaced.
    def fail(address: tuple[str, int], timeout: float) -> socket.socket:
        raise error

    # With its key: a hosted endpoint without one runs offline, and offline nothing is reached.
    setenv(monkeypatch, OPENAI_BASE_URL="https://api.example.com/v1", OPENAI_API_KEY=KEY, NO_PROXY="*", no_proxy="*")
    monkeypatch.setattr(checks_network.socket, "create_connection", fail)
    result = check("reachable", offline=False)
    assert result.status == FAIL and words in result.summary.en and "api.example.com" in result.summary.en


def test_proxy_is_masked_and_used_for_reachability(monkeypatch: pytest.MonkeyPatch) -> None:
    password = "hunter" + "2secret"
    proxy = f"http://alice:{password}@127.0.0.1:9"
    for name in ("HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy"):
        monkeypatch.setenv(name, proxy)
    setenv(monkeypatch, NO_PROXY="", no_proxy="", OPENAI_API_KEY=KEY)
    report = doctor.run()
    assert report["proxy"].status == OK and "http://***@127.0.0.1:9" in report["proxy"].summary.en
    reach = report["reachable"]
    assert reach.status == FAIL and "proxy" in reach.summary.en and "api.openai.com:443" in reach.summary.en
    text = full_text(report)
    assert password not in text and "alice" not in text
    assert_no_key(report, KEY)


def test_local_endpoint_behind_proxy_without_no_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    setenv(monkeypatch, OPENAI_BASE_URL="http://localhost:11434/v1", http_proxy="http://127.0.0.1:7890",
           https_proxy="http://127.0.0.1:7890", NO_PROXY="", no_proxy="")
    result = check("proxy")
    assert result.status == WARN and "NO_PROXY" in result.fix.en


def test_socks_proxy_without_socksio(monkeypatch: pytest.MonkeyPatch) -> None:
    if importlib.util.find_spec("socksio") is not None:
        pytest.skip("socksio is installed here")
    setenv(monkeypatch, ALL_PROXY="socks5://127.0.0.1:9", all_proxy="socks5://127.0.0.1:9")
    result = check("proxy")
    assert result.status == FAIL and "socksio" in result.fix.en


def test_ssl_cert_file_missing(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    setenv(monkeypatch, SSL_CERT_FILE=str(tmp_path / "missing.pem"))
    result = check("ssl")
    assert result.status == FAIL and "missing.pem" in result.summary.en and "SSL_CERT_FILE" in result.fix.en
    monkeypatch.delenv("SSL_CERT_FILE")
    setenv(monkeypatch, REQUESTS_CA_BUNDLE=str(tmp_path / "corp.pem"))
    result = check("ssl")
    assert result.status == WARN and "SSL_CERT_FILE" in result.fix.en


def test_simulator_is_a_healthy_endpoint(monkeypatch: pytest.MonkeyPatch, simulator: Simulator) -> None:
    setenv(monkeypatch, OPENAI_BASE_URL=simulator.base_url, OPENAI_API_KEY=KEY)
    report = doctor.run()
    for name in ("base_url", "reachable", "endpoint", "model", "probe"):
        assert report[name].status == OK, (name, report[name].summary.en)
    assert any("Structured Outputs" in line for line in (d.en for d in report["probe"].details))
    assert any("结构化输出" in line for line in (d.zh for d in report["probe"].details))
    assert report.ok
    assert_no_key(report, KEY)


def test_rejected_key_and_unlisted_model(monkeypatch: pytest.MonkeyPatch, simulator: Simulator) -> None:
    from helpers.offline import INVALID_KEY

    setenv(monkeypatch, OPENAI_BASE_URL=simulator.base_url, OPENAI_API_KEY=INVALID_KEY)
    report = doctor.run()
    assert report["endpoint"].status == FAIL and "401" in report["endpoint"].summary.en
    assert report["probe"].status == SKIP
    # The simulator lists whatever OPENAI_MODEL names, so the listing of another endpoint is set by hand.
    setenv(monkeypatch, OPENAI_API_KEY=KEY, OPENAI_MODEL="my-own-model", OPENAI_VISION_MODEL="my-own-model")
    ctx = doctor.gather()
    ctx.model_ids = ["deepseek-chat", "deepseek-reasoner"]
    result = doctor.check_model(ctx)
    assert result.status == WARN and "does not list my-own-model" in result.summary.en and "deepseek-chat" in result.summary.en
    assert "OPENAI_MODEL" in result.fix.en


def test_retired_model(monkeypatch: pytest.MonkeyPatch) -> None:
    setenv(monkeypatch, OPENAI_MODEL="gpt-4-32k")  # shut down 2025-06-06
    result = check("model")
    assert result.status == FAIL and "retired" in result.summary.en and "OPENAI_MODEL=gpt-5.4-mini" in result.fix.en


def test_probe_not_available(monkeypatch: pytest.MonkeyPatch, simulator: Simulator) -> None:
    monkeypatch.setitem(sys.modules, "helpers.probe", None)  # import fails as if the module did not exist
    setenv(monkeypatch, OPENAI_BASE_URL=simulator.base_url)
    result = check("probe", offline=False)
    assert result.status == SKIP and "not available" in result.summary.en


def test_offline_flag_skips_network_checks(monkeypatch: pytest.MonkeyPatch) -> None:
    setenv(monkeypatch, OPENAI_BASE_URL=DEAD)
    report = doctor.run(offline=True)
    assert [report[n].status for n in ("reachable", "endpoint", "probe")] == [SKIP, SKIP, SKIP]


# --------------------------------------------------------------------------- offline extras


def test_token_counting_offline(monkeypatch: pytest.MonkeyPatch) -> None:
    assert check("tokens").status == OK

    def online_count(text: str) -> int:
        socket.getaddrinfo("localhost", 80)
        return 2

    monkeypatch.setattr(tokens, "count_tokens", online_count)
    result = check("tokens")
    assert result.status == FAIL and "network" in result.summary.en


def test_no_network_guard_is_per_thread() -> None:
    other: list[object] = []

    def connect_elsewhere() -> None:
        try:
            socket.create_connection(("127.0.0.1", 9), timeout=1).close()
        except OSError as exc:  # refused: the point is that it was not blocked
            other.append(exc)

    with doctor.no_network():
        with pytest.raises(doctor.NetworkBlocked):
            socket.create_connection(("127.0.0.1", 9), timeout=1)
        thread = threading.Thread(target=connect_elsewhere)
        thread.start()
        thread.join()
    assert len(other) == 1 and isinstance(other[0], ConnectionRefusedError)
    with pytest.raises(ConnectionRefusedError):  # the guard is off again
        socket.create_connection(("127.0.0.1", 9), timeout=1)


def test_cjk_font(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(plots, "installed_fonts", lambda: {"DejaVu Sans"})
    result = check("cjk_font")
    assert result.status == WARN and "fonts-noto-cjk" in result.fix.en and "fonts-noto-cjk" in result.fix.zh
    monkeypatch.setattr(plots, "installed_fonts", lambda: {"DejaVu Sans", "SimHei"})
    assert check("cjk_font").status == OK and "SimHei" in check("cjk_font").summary.en


# --------------------------------------------------------------------------- whole runs


def test_redact_masks_key_like_strings() -> None:
    text = doctor.redact(f"got {KEY} and {HEX_KEY}", [])
    assert KEY not in text and HEX_KEY not in text and PROJ + "…wxyz" in text


def test_run_changes_nothing_in_the_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    write_env(tmp_path, f"OPENAI_API_KEY={KEY}\nOPENAI_API_BASE=http://localhost:11434/v1\n")
    before = dict(os.environ)
    doctor.run(offline=True)
    assert dict(os.environ) == before


def test_languages(monkeypatch: pytest.MonkeyPatch) -> None:
    report = doctor.run("zh", offline=True)
    text = str(report)
    assert text.startswith("环境诊断") and "Python" in text and "Everything" not in text
    assert str(doctor.run("en", offline=True)).startswith("Kit doctor")
    with pytest.raises(ValueError, match="lang"):
        doctor.run("fr")


def test_full_run_in_sealed_environment(monkeypatch: pytest.MonkeyPatch, simulator: Simulator) -> None:
    # The suite's own environment (conftest.py): shared simulator, dead proxy, loopback exempt.
    setenv(monkeypatch, **simulator.environ())
    monkeypatch.chdir(ROOT)
    report = doctor.run()
    problems = {r.id: r.summary.en for r in report.results if r.status in (WARN, FAIL)}
    assert set(problems) <= {"cjk_font"}, problems  # a machine without a CJK font only warns
    assert report.ok and report["endpoint"].status == OK and report["probe"].status == OK


def _clean_env(**extra: str) -> dict[str, str]:
    keep = ("PATH", "HOME", "LANG", "SYSTEMROOT", "TMPDIR", "TEMP", "TMP")
    env = {name: os.environ[name] for name in keep if name in os.environ}
    return {**env, "PYTHONPATH": str(ROOT), "PYTHONIOENCODING": "utf-8", **extra}


def test_command_line_offline_exits_zero(tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, "-m", "helpers.doctor", "--offline"], cwd=tmp_path, env=_clean_env(),
                          capture_output=True, text=True, encoding="utf-8", timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "✓ Python" in done.stdout and "✗" not in done.stdout and not done.stderr


def test_main_exits_one_on_failure(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    setenv(monkeypatch, SSL_CERT_FILE=str(tmp_path / "missing.pem"), OPENAI_API_KEY=KEY)
    assert doctor.main(["--offline", "--lang", "en"]) == 1
    out = capsys.readouterr().out
    assert "✗ SSL_CERT_FILE" in out and "missing.pem" in out and KEY not in out and PROJ + "…wxyz" in out


@pytest.mark.parametrize("profile", sorted(__import__("helpers.offline", fromlist=["PROFILES"]).PROFILES))
def test_doctor_against_every_impersonated_provider(monkeypatch: pytest.MonkeyPatch, profile: str) -> None:
    # The doctor's checklist must agree with an independent probe of the same limited provider.
    import openai

    from helpers.probe import probe

    with Simulator(profile=profile) as sim:
        setenv(monkeypatch, OPENAI_BASE_URL=sim.base_url, OPENAI_API_KEY=KEY)
        report = doctor.run(lang="en")
        caps = probe(openai.OpenAI(base_url=sim.base_url, api_key=KEY, max_retries=0), config.load_settings().model,
                     refresh=True, cache_dir=None)
    refused = [name for name in doctor.PROBE_FEATURES if getattr(caps, name) is False]
    assert report["endpoint"].status == OK and report["probe"].status == (WARN if refused else OK)
    for name in refused:
        assert name in report["probe"].summary.en, (profile, name, report["probe"].summary.en)
    assert (profile == "openai") == (not refused)
    assert_no_key(report, KEY)


def test_suggested_url_uses_the_scheme_the_warning_asks_for() -> None:
    problems, suggested = doctor.url_problems("http://api.deepseek.com/chat/completions", {})
    assert suggested.startswith("https://api.deepseek.com") and any("https" in p.fix.en for p in problems)
    _, ollama = doctor.url_problems("https://localhost:11434", {})
    assert ollama.startswith("http://localhost:11434")


# --------------------------------------------------------------------------- messages and structure


@pytest.mark.parametrize(("locale", "first", "second"), [("zh_CN.UTF-8", "环境诊断", "Kit doctor"),
                                                         ("en_US.UTF-8", "Kit doctor", "环境诊断")])
def test_terminal_shows_the_locale_language_first(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
                                                  locale: str, first: str, second: str) -> None:
    monkeypatch.delenv("KIT_LANG", raising=False)
    monkeypatch.setenv("LC_ALL", locale)
    doctor.main(["--offline"])
    title, *lines = capsys.readouterr().out.splitlines()
    assert title.startswith(first) and f" / {second}" in title
    assert "✓ Python 3." in "\n".join(lines) and " / Python" not in "\n".join(lines)  # the same in both: shown once


def test_results_hold_messages_only(monkeypatch: pytest.MonkeyPatch) -> None:
    from helpers.messages import Message

    setenv(monkeypatch, OPENAI_API_KEY=KEY + "  ", OPENAI_BASE_URL="https://api.openai.com")
    report = doctor.run(offline=True)
    for result in report.results:
        assert isinstance(result.summary, Message) and isinstance(result.fix, Message), result.id
        assert all(isinstance(line, Message) for line in result.details)
        assert not {"en", "zh", "fix_en", "fix_zh"} & set(vars(result))
    assert report["base_url"].fix.zh and "修复：" in str(doctor.Report(report.results, "zh"))


def _outside_doctor(node: ast.ImportFrom) -> bool:
    """True for ``from ..client import x`` or ``from helpers.config import y``; False inside helpers.doctor."""
    module = node.module or ""
    return node.level >= 2 or (node.level == 0 and module.startswith("helpers") and not module.startswith("helpers.doctor"))


def test_doctor_reads_no_private_name_of_another_module() -> None:
    for path in sorted((ROOT / "helpers" / "doctor").glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        imported = [node for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and _outside_doctor(node)]
        modules = {alias.asname or alias.name for node in imported for alias in node.names}
        for node in imported:
            assert not any(alias.name.startswith("_") for alias in node.names), (path.name, node.module)
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in modules:
                assert not node.attr.startswith("_"), (path.name, f"{node.value.id}.{node.attr}")


def test_packages_without_packaging_is_a_result_not_a_crash(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "packaging", None)  # import fails as if it were not installed
    result = check("packages")
    assert result.status == FAIL and "packaging is not installed" in result.summary.en and "make setup" in result.fix.en


def test_embedding_model_variable_is_known_and_its_misspellings_are_caught() -> None:
    assert doctor.intended_name("OPENAI_EMBEDDING_MODEL") is None
    assert doctor.intended_name("openai_embedding_model") == "OPENAI_EMBEDDING_MODEL"
    for wrong in ("OPENAI_EMBEDDINGS_MODEL", "OPENAI_EMBED_MODEL"):
        assert doctor.intended_name(wrong) == "OPENAI_EMBEDDING_MODEL"


def test_model_check_lists_the_embedding_model_and_skips_empty_ones(monkeypatch: pytest.MonkeyPatch) -> None:
    setenv(monkeypatch, OPENAI_API_KEY=KEY, OPENAI_MODEL="my-own-model", OPENAI_EMBEDDING_MODEL="my-embedder")
    ctx = doctor.gather()
    ctx.model_ids = ["my-own-model", "gpt-5.4-mini"]
    result = doctor.check_model(ctx)
    assert result.status == WARN and "does not list my-embedder" in result.summary.en
    assert "OPENAI_EMBEDDING_MODEL" in result.fix.en and "OPENAI_EMBEDDING_MODEL" in result.fix.zh
    # A preset without vision or embeddings: the empty settings are not "models the endpoint does not list".
    setenv(monkeypatch, OPENAI_API_KEY="", OPENAI_MODEL="", OPENAI_EMBEDDING_MODEL="", KIT_PROVIDER="deepseek",
           DEEPSEEK_API_KEY=HEX_KEY)
    ctx = doctor.gather()
    ctx.model_ids = ["deepseek-chat", "deepseek-reasoner"]
    result = doctor.check_model(ctx)
    assert result.status == OK and result.summary.en == "Model deepseek-chat"
