"""helpers.plots: CJK font choice and bilingual labels, with matplotlib's font list faked.

The tests never depend on which fonts this machine has: each one replaces the font
manager's list. The last test uses the real list and only checks consistency.
"""

from __future__ import annotations

import warnings

import matplotlib
import pytest
from matplotlib import font_manager

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from helpers import plots  # noqa: E402


@pytest.fixture(autouse=True)
def _own_rcparams():
    with matplotlib.rc_context():  # every change a test makes to rcParams is undone
        yield


def fake_fonts(monkeypatch: pytest.MonkeyPatch, *names: str) -> None:
    entries = [font_manager.FontEntry(fname=f"/fonts/{i}.ttf", name=name) for i, name in enumerate(names)]
    monkeypatch.setattr(font_manager.fontManager, "ttflist", entries)


def test_picks_installed_cjk_font_and_puts_it_first(monkeypatch):
    fake_fonts(monkeypatch, "DejaVu Sans", "WenQuanYi Zen Hei", "SimHei")
    before = list(matplotlib.rcParams["font.sans-serif"])
    assert plots.use_cjk_font() == "SimHei"  # SimHei comes before WenQuanYi in CJK_FONTS
    assert matplotlib.rcParams["font.sans-serif"] == ["SimHei", *before]
    assert matplotlib.rcParams["axes.unicode_minus"] is False
    assert plots.active_cjk_font() == "SimHei"
    assert plots.label("模型", "Model") == "模型"


def test_calling_twice_does_not_duplicate(monkeypatch):
    fake_fonts(monkeypatch, "Noto Sans CJK SC")
    plots.use_cjk_font()
    plots.use_cjk_font()
    assert matplotlib.rcParams["font.sans-serif"].count("Noto Sans CJK SC") == 1


def test_no_cjk_font_changes_nothing_and_stays_quiet(monkeypatch, capsys):
    fake_fonts(monkeypatch, "DejaVu Sans", "Liberation Sans")
    before = dict(matplotlib.rcParams)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert plots.use_cjk_font() is None
        assert plots.label("模型", "Model") == "Model"
    assert dict(matplotlib.rcParams) == before
    assert capsys.readouterr() == ("", "")


def test_label_follows_live_settings(monkeypatch):
    fake_fonts(monkeypatch, "PingFang SC")
    plots.use_cjk_font()
    assert plots.label("花费", "Spend") == "花费"
    matplotlib.rcParams["font.family"] = ["serif"]  # Chinese would not use the CJK font now
    assert plots.label("花费", "Spend") == "Spend"
    plt.rcdefaults()
    assert plots.label("花费", "Spend") == "Spend"


def test_listed_but_not_installed_is_not_active(monkeypatch):
    fake_fonts(monkeypatch, "DejaVu Sans")
    matplotlib.rcParams["font.sans-serif"] = ["Microsoft YaHei", "DejaVu Sans"]
    assert plots.active_cjk_font() is None


def test_without_matplotlib(monkeypatch):
    import builtins

    real_import = builtins.__import__

    def no_matplotlib(name, *args, **kwargs):
        if name == "matplotlib" or name.startswith("matplotlib."):
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_matplotlib)
    assert plots.use_cjk_font() is None
    assert plots.label("图", "Chart") == "Chart"


def test_real_font_list_is_consistent():
    """Whatever this machine has: a found font is one matplotlib knows, and labels agree."""
    found = plots.use_cjk_font()
    if found is None:
        assert not set(plots.CJK_FONTS) & plots.installed_fonts()
        assert plots.label("图", "Chart") == "Chart"
    else:
        assert found in plots.installed_fonts()
        assert plots.label("图", "Chart") == "图"


def test_found_font_really_draws_chinese():
    """With a real CJK font installed (fonts-noto-cjk here), a Chinese title draws without a
    missing-glyph warning; without one there is nothing to draw with, so nothing to check."""
    if plots.use_cjk_font() is None:
        pytest.skip("no CJK font installed on this machine")
    fig, ax = plt.subplots()
    ax.set_title(plots.label("按模型统计的估算花费", "Estimated spend by model"))
    ax.plot([-1, 1], [-2, 2])
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # matplotlib warns "Glyph ... missing from font(s)"
        fig.canvas.draw()
    plt.close(fig)
