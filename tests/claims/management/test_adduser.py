import subprocess
import sys

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from claims.services.users import user_role

pytestmark = pytest.mark.django_db
User = get_user_model()


@pytest.mark.parametrize(
    ("role", "staff", "superuser"),
    [("reviewer", False, False), ("editor", True, False), ("admin", True, True)],
)
def test_adduser_creates_an_account_with_its_role(role, staff, superuser):
    call_command("adduser", "maria", "--role", role, "--password", "a-long-enough-passphrase")
    user = User.objects.get(username="maria")
    assert (user.is_staff, user.is_superuser) == (staff, superuser)
    assert user_role(user) == role
    assert user.check_password("a-long-enough-passphrase")


def test_an_unknown_role_is_refused_with_the_choices():
    with pytest.raises(
        CommandError, match="unknown role 'chief': choose one of reviewer, editor, admin"
    ):
        call_command(
            "adduser", "maria", "--role", "chief", "--password", "a-long-enough-passphrase"
        )
    assert not User.objects.filter(username="maria").exists()


def test_an_existing_name_is_refused():
    call_command("adduser", "maria", "--role", "reviewer", "--password", "a-long-enough-passphrase")
    with pytest.raises(CommandError, match="a user named 'Maria' already exists"):
        call_command("adduser", "Maria", "--role", "editor", "--password", "another-passphrase-1")
    assert User.objects.get(username="maria").is_staff is False


def test_a_weak_password_is_refused():
    with pytest.raises(CommandError, match="password refused"):
        call_command("adduser", "maria", "--role", "reviewer", "--password", "123")


def test_from_a_shell_failures_exit_non_zero_with_the_message(django_db_blocker):
    result = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "adduser",
            "x",
            "--role",
            "boss",
            "--password",
            "p4ss-phrase-long",
        ],
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "unknown role 'boss'" in result.stderr
