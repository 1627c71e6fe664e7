"""Authentication backends of the archive's own."""

from __future__ import annotations

from typing import Any

from axes.backends import AxesStandaloneBackend
from django.http import HttpRequest


class LoginLockoutBackend(AxesStandaloneBackend):
    """django-axes' lockout check, applied to logins that arrive over HTTP.

    Axes refuses any ``authenticate()`` call without a request. Only the login form can be
    hammered from outside; a login without a request (the test client's ``login()``, a
    shell) has no address to lock out, so it passes on to the password check.
    """

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> None:
        if request is None:
            return None
        return super().authenticate(request, username, password, **kwargs)
