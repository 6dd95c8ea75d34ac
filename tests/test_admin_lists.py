"""The admin's lists past 100 rows: search by candidate email, company name, SIRET and
platform, filters by application and email state, page links that keep the filters."""

from __future__ import annotations

import re

import pytest

from server.extensions import db
from server.models import Platform
from tests.admin_support import SIRET_B, admin_client, many_applications, stats_world, utc

ROWS = 7 + 150  # the stats world's applications, then 150 more


@pytest.fixture
def admin(app, runner):
    with app.app_context():
        stats_world()
        many_applications(150, utc(2027, 3, 1, 8))
    return admin_client(app, runner)


def ids(page: str) -> list[int]:
    return [int(n) for n in re.findall(r'href="/admin/applications/(\d+)"', page)]


def test_pages_of_fifty_with_links(admin):
    first = admin.get("/admin/applications")
    assert first.status_code == 200
    assert len(ids(first.text)) == 50 and ids(first.text) == sorted(ids(first.text), reverse=True)
    assert f"Lignes 1 à 50 sur {ROWS}" in first.text
    assert 'aria-current="page"' in first.text and 'rel="next"' in first.text
    assert 'href="/admin/applications?page=4"' in first.text  # the last page
    last = admin.get("/admin/applications?page=4")
    assert len(ids(last.text)) == ROWS - 150 and f"Lignes 151 à {ROWS} sur {ROWS}" in last.text
    seen = set()
    for n in range(1, 5):
        seen |= set(ids(admin.get(f"/admin/applications?page={n}").text))
    assert len(seen) == ROWS  # every row once, none skipped
    beyond = admin.get("/admin/applications?page=9")
    assert beyond.status_code == 200 and ids(beyond.text) == []
    for bad in ("0", "-1", "abc", "9" * 9):
        reply = admin.get(f"/admin/applications?page={bad}")
        assert reply.status_code == 400 and "La page est un nombre entier" in reply.text


def test_search_by_email_company_siret(admin):
    one = admin.get("/admin/applications?q=cand042@")
    assert len(ids(one.text)) == 1 and "Lignes 1 à 1 sur 1" in one.text
    upper = admin.get("/admin/applications?q=CAND042@CANDIDAT")
    assert ids(upper.text) == ids(one.text)
    # Company B: every i with i % 3 and i odd in the 150, plus a3, a4 and b1.
    expected = sum(1 for i in range(150) if i % 3 and i % 2) + 3
    by_name = admin.get("/admin/applications?q=garage")
    assert f"sur {expected}" in by_name.text
    by_siret = admin.get(f"/admin/applications?q={SIRET_B[:9]}")
    assert f"sur {expected}" in by_siret.text
    spaced = admin.get("/admin/applications?q=222 222 222")
    assert f"sur {expected}" in spaced.text
    # LIKE wildcards are searched as text.
    assert "Aucune ligne ne correspond." in admin.get("/admin/applications?q=%25_").text
    long = admin.get("/admin/applications?q=" + "x" * 201)
    assert long.status_code == 400 and 'aria-describedby="q-error"' in long.text


def test_filters_by_platform_status_and_email_state(app, admin):
    with app.app_context():
        beta = db.session.scalar(db.select(Platform.id).where(Platform.name == "Beta"))
    # Beta: b1 and the odd i of the 150.
    by_platform = admin.get(f"/admin/applications?platform={beta}")
    assert "sur 76" in by_platform.text
    failed = admin.get("/admin/applications?status=failed")
    assert "sur 38" in failed.text  # a4 and i % 4 == 2: 37
    both = admin.get(f"/admin/applications?status=failed&platform={beta}&page=1")
    assert "Aucune ligne ne correspond." in both.text  # i % 4 == 2 is even: Alpha
    email_failed = admin.get("/admin/applications?email_state=failed")
    assert "sur 1" in email_failed.text and "Lignes 1 à 1" in email_failed.text
    page2 = admin.get(f"/admin/applications?platform={beta}&page=2")
    assert f"platform={beta}" in page2.text.split('aria-label="Pages"')[1]  # kept in the links
    for bad in ("status=nope", "platform=999", "email_state=lost"):
        reply = admin.get(f"/admin/applications?{bad}")
        assert reply.status_code == 400 and "Choisissez une valeur de la liste." in reply.text


def test_emails_and_answers_lists(admin):
    emails = admin.get("/admin/emails?state=failed")
    assert emails.status_code == 200 and "550 boîte inconnue" in emails.text
    assert "candidature au recruteur" in emails.text
    assert "Aucune ligne ne correspond." in admin.get("/admin/emails?q=nobody").text
    assert admin.get("/admin/emails?state=lost").status_code == 400
    answers = admin.get("/admin/answers?action=rejection")
    assert "sur 1" in answers.text and "refusée" in answers.text
    assert "motif\u00a0: pas de poste de ce type disponible pour le moment" in answers.text
    assert "sur 5" in admin.get("/admin/answers").text
    assert "sur 4" in admin.get("/admin/answers?q=dupont").text  # a1 twice, a2, a6
