"""Security headers, production hardening, and who may reach the admin."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.models import User
from django.test import Client

from tests.conftest import REPO
from tests.test_foundation import run_manage

LOGIN_URL = "/admin/login/"
PASSWORD = "correct horse battery staple"


def csp_directives(response) -> dict[str, list[str]]:
    header = response.headers["Content-Security-Policy"]
    directives = (part.split() for part in header.split(";") if part.strip())
    return {name: sources for name, *sources in directives}


def attempt_login(client: Client, username: str, password: str, ip: str = "198.51.100.7"):
    return client.post(
        LOGIN_URL,
        {"username": username, "password": password, "next": "/admin/"},
        REMOTE_ADDR=ip,
    )


def signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


@pytest.fixture
def staff_user(db) -> User:
    return User.objects.create_user("editor", password=PASSWORD, is_staff=True, is_superuser=True)


# -- headers --------------------------------------------------------------------------


@pytest.mark.django_db
def test_pages_carry_a_content_security_policy_without_inline_code(client):
    directives = csp_directives(client.get("/"))
    assert directives["default-src"] == ["'self'"]
    assert directives["script-src"] == ["'self'"]
    assert directives["style-src"] == ["'self'"]
    assert directives["img-src"] == ["'self'", "data:"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["base-uri"] == ["'none'"]
    assert directives["form-action"] == ["'self'"]
    assert not any("unsafe" in source for sources in directives.values() for source in sources)


@pytest.mark.django_db
def test_admin_pages_carry_the_policy_too(client):
    assert "script-src 'self'" in client.get(LOGIN_URL).headers["Content-Security-Policy"]


@pytest.mark.django_db
def test_pages_forbid_sniffing_framing_and_leaking_the_referrer(client):
    response = client.get("/")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_templates_hold_no_inline_script_style_or_event_handler():
    # The policy blocks them, so a page that relied on one would silently break.
    inline = re.compile(
        r"<script(?![^>]*\ssrc=)[^>]*>|<style[\s>]|\sstyle=|\son[a-z]+\s*=", re.IGNORECASE
    )
    offenders = [
        f"{path.relative_to(REPO)}: {match.group(0)}"
        for folder in (REPO / "templates", REPO / "archive" / "templates")
        for path in sorted(folder.rglob("*.html"))
        for match in inline.finditer(path.read_text())
    ]
    assert offenders == []


def test_production_settings_make_cookies_secure_and_turn_on_hsts():
    code = (
        "import json; from django.conf import settings as s; print(json.dumps(["
        "s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY,"
        "s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_INCLUDE_SUBDOMAINS, s.SECURE_SSL_REDIRECT,"
        "s.DEBUG]))"
    )
    result = run_manage(
        "shell",
        "--verbosity",
        "0",
        "-c",
        code,
        PRODUCTION="true",
        SECRET_KEY="x" * 20 + "-a-long-random-production-secret-key-0123456789",
        DATABASE_URL="postgres://archive:secret@db:5432/archive",
    )
    assert result.returncode == 0, result.stderr
    secure, csrf_secure, httponly, hsts, subdomains, redirect, debug = json.loads(result.stdout)
    assert secure and csrf_secure and httponly and subdomains and redirect
    assert hsts >= 31536000
    assert debug is False


# -- who reaches the admin ------------------------------------------------------------


@pytest.mark.django_db
def test_anonymous_visitors_are_sent_to_the_admin_login(client):
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response.url.startswith(LOGIN_URL)


@pytest.mark.django_db
def test_signed_in_non_staff_are_sent_to_the_admin_login(client):
    reader = User.objects.create_user("reader", password=PASSWORD)
    client.force_login(reader)
    response = client.get("/admin/archive/question/")
    assert response.status_code == 302
    assert response.url.startswith(LOGIN_URL)


@pytest.mark.django_db
def test_non_staff_cannot_sign_in_to_the_admin(client):
    User.objects.create_user("reader", password=PASSWORD)
    response = attempt_login(client, "reader", PASSWORD)
    assert response.status_code == 200
    assert not signed_in(client)


def test_staff_sign_in_to_the_admin(client, staff_user):
    response = attempt_login(client, "editor", PASSWORD)
    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200


# -- repeated failures lock the login -------------------------------------------------


def test_five_wrong_passwords_lock_out_even_the_right_one(client, staff_user):
    for _ in range(4):
        assert attempt_login(client, "editor", "guess").status_code == 200
    assert attempt_login(client, "editor", "guess").status_code == 429
    response = attempt_login(client, "editor", PASSWORD)
    assert response.status_code == 429
    assert not signed_in(client)


def test_the_lockout_is_for_that_username_from_that_address(client, staff_user):
    for _ in range(5):
        attempt_login(client, "editor", "guess", ip="198.51.100.7")
    assert attempt_login(client, "editor", PASSWORD, ip="203.0.113.9").status_code == 302


def test_the_lockout_ends_after_fifteen_minutes(client, staff_user):
    for _ in range(5):
        attempt_login(client, "editor", "guess")
    AccessAttempt.objects.update(attempt_time=dt.datetime.now(dt.UTC) - dt.timedelta(minutes=16))
    assert attempt_login(client, "editor", PASSWORD).status_code == 302


def test_a_successful_sign_in_resets_the_count(client, staff_user):
    for _ in range(4):
        attempt_login(client, "editor", "guess")
    assert attempt_login(client, "editor", PASSWORD).status_code == 302
    client.logout()
    for _ in range(4):
        attempt_login(client, "editor", "guess")
    assert attempt_login(client, "editor", PASSWORD).status_code == 302


def test_test_client_login_still_works_without_a_request(client, staff_user):
    # Other tests sign in with client.login(), which authenticates without a request.
    assert client.login(username="editor", password=PASSWORD)
    assert not Client().login(username="editor", password="guess")


@pytest.mark.django_db
def test_a_username_longer_than_the_attempt_log_holds_is_a_failed_login_not_an_error(client):
    long_name = "x" * 300
    for _ in range(4):
        assert attempt_login(client, long_name, "guess").status_code == 200
    assert attempt_login(client, long_name, "guess").status_code == 429
    assert AccessAttempt.objects.get().username == long_name[:255]
