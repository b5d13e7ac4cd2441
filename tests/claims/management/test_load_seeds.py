import pytest
from django.core.management import CommandError, call_command

from claims.models import Article

pytestmark = pytest.mark.django_db


def test_load_seeds_reports_created_then_unchanged(capsys):
    call_command("load_seeds")
    assert "created: 000_5fe590b60e8f00fa" in capsys.readouterr().out
    call_command("load_seeds")
    assert "unchanged: 000_5fe590b60e8f00fa" in capsys.readouterr().out
    assert Article.objects.count() == 1


def test_load_seeds_fails_with_the_problem_and_changes_nothing(tmp_path):
    (tmp_path / "x.txt").write_text("Body.")
    with pytest.raises(CommandError, match=r"nothing changed: .*x\.toml: missing"):
        call_command("load_seeds", "--dir", str(tmp_path))
    assert Article.objects.count() == 0
