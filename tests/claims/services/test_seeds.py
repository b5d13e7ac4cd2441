"""Loading seeds: idempotent, byte-exact, all or nothing."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from django.conf import settings

from claims.models import Article
from claims.services.seeds import SeedError, seed_load_all

pytestmark = pytest.mark.django_db

SEEDS = Path(settings.BASE_DIR) / "seeds"
SEED_KEY = "000_5fe590b60e8f00fa"


@pytest.fixture
def seed_dir(tmp_path) -> Path:
    target = tmp_path / "seeds"
    shutil.copytree(SEEDS, target)
    return target


def snapshot() -> list[tuple]:
    return list(
        Article.objects.order_by("pk").values_list("pk", "seed_key", "title", "body", "updated_at")
    )


def test_the_seed_article_is_stored_with_the_files_exact_text_and_metadata():
    result = seed_load_all(directory=SEEDS)
    article = Article.objects.get(seed_key=SEED_KEY)
    assert result.created == [article]
    assert article.body == (SEEDS / f"{SEED_KEY}.txt").read_bytes().decode("utf-8")
    assert article.title == (
        "With the war in Ukraine, Pyongyang is moving closer to Moscow to Beijing's detriment"
    )
    assert article.publisher == "Fakti.bg"
    assert article.language == "en"
    assert article.published_at.isoformat() == "2024-11-20T05:00:00+00:00"  # 07:00 in Sofia
    assert "BTA" in article.note and "French" in article.note


def test_loading_twice_changes_nothing():
    seed_load_all(directory=SEEDS)
    before = snapshot()
    result = seed_load_all(directory=SEEDS)
    assert snapshot() == before
    assert result.created == [] and result.updated == [] and len(result.unchanged) == 1


def test_crlf_newlines_are_kept_exactly(seed_dir):
    (seed_dir / "001_crlf.txt").write_bytes("Line one.\r\nLine two — ünïcode.\r\n".encode())
    shutil.copy(seed_dir / f"{SEED_KEY}.toml", seed_dir / "001_crlf.toml")
    seed_load_all(directory=seed_dir)
    assert Article.objects.get(seed_key="001_crlf").body == "Line one.\r\nLine two — ünïcode.\r\n"


@pytest.mark.parametrize(
    ("file_name", "content", "problem"),
    [
        ("002_bad.toml", b'title = "unterminated', "not valid TOML"),
        (
            "002_bad.toml",
            b'publisher = "X"\nlanguage = "en"\npublished_at = 2024-01-01T00:00:00Z',
            "missing required key 'title'",
        ),
        (
            "002_bad.toml",
            b'title = "T"\npublisher = "X"\nlanguage = "en"\npublished_at = 2024-01-01T00:00:00',
            "needs a UTC offset",
        ),
        (
            "002_bad.toml",
            b'title = ""\npublisher = "X"\nlanguage = "en"\npublished_at = 2024-01-01T00:00:00Z',
            "'title' must be a non-empty str",
        ),
        (
            "002_bad.toml",
            b'title = "T"\npublisher = "X"\nlanguage = "en"\npublished_at = 2024-01-01T00:00:00Z\ncolour = "red"',
            "unknown keys",
        ),
        ("002_bad.txt", b"\xff\xfe not utf-8", "not valid UTF-8"),
        ("002_bad.txt", b"   \n  ", "the article body is empty"),
    ],
)
def test_a_malformed_seed_names_the_file_and_problem_and_changes_nothing(
    seed_dir, file_name, content, problem
):
    seed_load_all(directory=seed_dir)
    before = snapshot()
    good_meta = (seed_dir / f"{SEED_KEY}.toml").read_bytes()
    (seed_dir / "002_bad.txt").write_text("A perfectly fine body.")
    (seed_dir / "002_bad.toml").write_bytes(good_meta)
    (seed_dir / file_name).write_bytes(content)
    with pytest.raises(SeedError) as excinfo:
        seed_load_all(directory=seed_dir)
    assert file_name in str(excinfo.value)
    assert problem in str(excinfo.value)
    assert snapshot() == before


def test_a_missing_metadata_file_is_named(seed_dir):
    (seed_dir / "003_orphan.txt").write_text("Body without metadata.")
    with pytest.raises(SeedError, match=r"003_orphan\.toml: missing"):
        seed_load_all(directory=seed_dir)
    assert Article.objects.count() == 0


def test_a_changed_seed_text_is_refused_rather_than_rewritten(seed_dir):
    seed_load_all(directory=seed_dir)
    before = snapshot()
    (seed_dir / f"{SEED_KEY}.txt").write_text("Edited text.")
    with pytest.raises(SeedError, match="differs from the stored article"):
        seed_load_all(directory=seed_dir)
    assert snapshot() == before
