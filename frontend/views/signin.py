"""The web sign-in: Django's login view, refusing locked accounts and addresses with a 429."""

from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm

from claims.signin import LockAwareLoginForm, login_response_status


class SignInForm(LockAwareLoginForm, AuthenticationForm):
    """The login form; a lock is its error, with the time to try again."""


class SignInView(auth_views.LoginView):
    form_class = SignInForm
    redirect_authenticated_user = True

    def form_invalid(self, form):
        response = super().form_invalid(form)
        response.status_code = login_response_status(form)
        return response
