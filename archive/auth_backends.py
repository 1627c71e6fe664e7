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


# The longest username axes' attempt log holds (AccessAttempt.username).
_LOGGED_USERNAME_MAX = 255


def attempted_username(request: HttpRequest, credentials: dict[str, Any] | None) -> str | None:
    """The username a login attempt gave, cut to what axes' attempt log holds.

    The login form accepts any length; a failed attempt with a longer name was a database
    error (a 500) when axes recorded it. No account has a name that long, so the cut
    username still locks out only what it should.
    """
    source = credentials if credentials else getattr(request, "data", request.POST)
    username = source.get("username")
    return username[:_LOGGED_USERNAME_MAX] if isinstance(username, str) else username
