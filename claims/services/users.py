"""Accounts and roles."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import transaction

from claims.permissions import ROLE_GROUPS, Role, role_of
from claims.services.errors import UserError

ROLES = tuple(role.value for role in ROLE_GROUPS)


def user_create(*, username: str, role: str, password: str | None = None, email: str = ""):
    """Create an account with a role: reviewer, editor (also staff) or admin (superuser)."""
    User = get_user_model()
    if role not in ROLES:
        raise UserError(f"unknown role {role!r}: choose one of {', '.join(ROLES)}")
    role = Role(role)
    username = username.strip()
    if not username:
        raise UserError("the username is empty")
    with transaction.atomic():
        if User.objects.filter(username__iexact=username).exists():
            raise UserError(f"a user named {username!r} already exists")
        user = User(username=username, email=email)
        user.is_staff = role.is_editor
        user.is_superuser = role is Role.ADMIN
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
        user.groups.set(Group.objects.filter(name__in=ROLE_GROUPS[role]))
    return user


def user_role(user) -> Role:
    """The highest role a user holds (claims.permissions decides)."""
    return role_of(user)
