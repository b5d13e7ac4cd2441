"""Accounts and roles."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import transaction

from claims.reference import EDITORS, REVIEWERS

ROLES = ("reviewer", "editor", "admin")


class UserError(Exception):
    """The account cannot be created as asked; the message says why."""


def user_create(*, username: str, role: str, password: str | None = None, email: str = ""):
    """Create an account with a role: reviewer, editor (also staff) or admin (superuser)."""
    User = get_user_model()
    if role not in ROLES:
        raise UserError(f"unknown role {role!r}: choose one of {', '.join(ROLES)}")
    username = username.strip()
    if not username:
        raise UserError("the username is empty")
    with transaction.atomic():
        if User.objects.filter(username__iexact=username).exists():
            raise UserError(f"a user named {username!r} already exists")
        user = User(username=username, email=email)
        user.is_staff = role in ("editor", "admin")
        user.is_superuser = role == "admin"
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        try:
            user.full_clean(exclude=["password"])
        except ValidationError as exc:
            problems = "; ".join(f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items())
            raise UserError(f"invalid account: {problems}") from None
        user.save()
        groups = {
            "reviewer": [REVIEWERS],
            "editor": [REVIEWERS, EDITORS],
            "admin": [REVIEWERS, EDITORS],
        }
        user.groups.set(Group.objects.filter(name__in=groups[role]))
    return user


def user_role(user) -> str:
    """The highest role a user holds: admin, editor, reviewer, or '' for none."""
    if not user.is_authenticated:
        return ""
    if user.is_superuser:
        return "admin"
    return role_from_groups({g.name for g in user.groups.all()})


def role_from_groups(names) -> str:
    """The role that a (non-superuser) member of the named groups holds."""
    if EDITORS in names:
        return "editor"
    if REVIEWERS in names:
        return "reviewer"
    return ""
