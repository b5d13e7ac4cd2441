"""Fixtures for the reviewer UI's test-client tests."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.factories import ArticleFactory, ClaimFactory, EditorFactory, ReviewerFactory


@pytest.fixture
def reviewer(db):
    return ReviewerFactory()


@pytest.fixture
def editor(db):
    return EditorFactory()


@pytest.fixture
def reviewer_client(reviewer) -> Client:
    client = Client()
    client.force_login(reviewer)
    return client


@pytest.fixture
def editor_client(editor) -> Client:
    client = Client()
    client.force_login(editor)
    return client


@pytest.fixture
def article(db):
    return ArticleFactory(title="Budget story")


@pytest.fixture
def claim(article):
    return ClaimFactory(article=article)


HTMX = {"HTTP_HX_REQUEST": "true"}
