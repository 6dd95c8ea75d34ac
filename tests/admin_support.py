"""A small world of applications and answers whose figures are computed by hand below,
for the statistics, the answers export and the admin pages (no tests here)."""

from __future__ import annotations

import datetime as dt
import re

from server.auth.api_keys import create_api_user
from server.extensions import db
from server.models import (
    Answer,
    Application,
    ApplicationStart,
    BlacklistEntry,
    Company,
    CompanyOptOut,
    Email,
    WebhookDelivery,
)
from server.platforms.registry import create_platform

PASSWORD = "correct horse battery"
SIRET_A = "11111111100011"
SIRET_B = "22222222200022"
COMPANIES = {SIRET_A: "BOULANGERIE DUPONT", SIRET_B: "GARAGE MARTIN"}


def utc(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=dt.UTC)


def _application(platform, created, status, email, siret, **extra) -> Application:
    application = Application(
        platform_id=platform.id,
        siret=siret,
        rome_code="D1102",
        first_name="Léa",
        last_name="Girard",
        email=email,
        message="Bonjour",
        status=status,
        created_at=created,
        **extra,
    )
    db.session.add(application)
    db.session.flush()
    return application


def _answer(application, action, created, **detail) -> None:
    db.session.add(
        Answer(application_id=application.id, action=action, detail=detail, created_at=created)
    )


def stats_world() -> dict[str, str]:
    """Two platforms, January and February 2027 (Paris). Hand-computed figures:

    Alpha, janvier 2027: started 5; sent 3 (a1, a2, a3; a4 failed, a5 unconfirmed);
      candidates {x, y} 2; companies {A, B} 2; answered 2 (a1, a2); interview 1, hired 1
      (a1's second answer), rejection 1; rate 2/3 = 66,7 %; delays 6 h and 48 h: median 27 h.
    Alpha, février 2027: a6 made 31 Jan 23:30 UTC = 1 Feb 00:30 in Paris; started 2 (one at
      31 Jan 23:10 UTC, Paris February); sent 1; information 1 after 96 h = 4 j; rate 100 %.
    Beta, janvier 2027: started 1; b1 sent, interview after 1.5 h; rate 100 %.
    Total: started 8, sent 5, candidates {x, y, w} 3, companies 2, answered 4, interview 2,
      information 1, rejection 1, hired 1, rate 80 %, delays 1.5, 6, 48, 96 h: median 27 h.
    Returns the platforms' client ids.
    """
    for siret, name in COMPANIES.items():
        db.session.add(
            Company(
                siret=siret,
                name=name,
                commune_code="57463",
                latitude=49.12,
                longitude=6.17,
                email=f"rh@{siret}.example",
            )
        )
    alpha, _ = create_platform("Alpha", ["https://alpha.example"])
    beta, _ = create_platform("Beta", ["https://beta.example"])
    db.session.flush()
    for moment in (utc(2027, 1, 3, 9), *[utc(2027, 1, d, 10) for d in (5, 9, 12, 20)]):
        db.session.add(ApplicationStart(platform_id=alpha.id, siret=SIRET_A, created_at=moment))
    for moment in (utc(2027, 1, 31, 23, 10), utc(2027, 2, 10, 8)):
        db.session.add(ApplicationStart(platform_id=alpha.id, created_at=moment))
    db.session.add(ApplicationStart(platform_id=beta.id, created_at=utc(2027, 1, 4, 8)))

    a1 = _application(alpha, utc(2027, 1, 10, 9), "answered", "x@candidat.example", SIRET_A)
    _answer(a1, "interview", utc(2027, 1, 10, 15), date="2027-01-20", time="10:00", mode="phone")
    _answer(a1, "hired", utc(2027, 1, 25, 9))
    a2 = _application(alpha, utc(2027, 1, 12, 10), "answered", "y@candidat.example", SIRET_A)
    _answer(a2, "rejection", utc(2027, 1, 14, 10), reason="no_vacancy")
    _application(alpha, utc(2027, 1, 15, 8), "sent", "x@candidat.example", SIRET_B)
    a4 = _application(alpha, utc(2027, 1, 20, 8), "failed", "z@candidat.example", SIRET_B)
    db.session.add(
        Email(
            kind="application_recruiter",
            application_id=a4.id,
            from_address="no-reply@spontane.example",
            to_address=f"rh@{SIRET_B}.example",
            subject="Candidature",
            html="<p>Candidature</p>",
            text="Candidature",
            state="failed",
            attempts=6,
            last_error="550 boîte inconnue",
        )
    )
    _application(alpha, utc(2027, 1, 21, 8), "pending_confirmation", "v@candidat.example", SIRET_A)
    a6 = _application(alpha, utc(2027, 1, 31, 23, 30), "answered", "w@candidat.example", SIRET_A)
    _answer(a6, "information", utc(2027, 2, 4, 23, 30))
    b1 = _application(beta, utc(2027, 1, 5, 12), "answered", "x@candidat.example", SIRET_B)
    _answer(b1, "interview", utc(2027, 1, 5, 13, 30), date="2027-01-08", time="9:00", mode="video")
    db.session.commit()
    return {"alpha": alpha.client_id, "beta": beta.client_id}


def many_applications(count: int, start: dt.datetime) -> None:
    """`count` applications to the world's companies, a minute apart, alternating platforms,
    companies and statuses; candidate i is `cand{i:03d}@candidat.example`."""
    platforms = sorted({a.platform_id for a in db.session.scalars(db.select(Application))})
    statuses = ("sent", "answered", "failed", "submitted")
    for i in range(count):
        db.session.add(
            Application(
                platform_id=platforms[i % 2],
                siret=(SIRET_A, SIRET_B)[i % 2 if i % 3 else 0],
                rome_code="D1102",
                first_name="Candidat",
                last_name=f"N{i}",
                email=f"cand{i:03d}@candidat.example",
                message="",
                status=statuses[i % 4],
                created_at=start + dt.timedelta(minutes=i),
            )
        )
    db.session.commit()


def csrf(html: str) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', html).group(1)


def admin_client(app, runner):
    """A test client signed in to the admin."""
    result = runner.invoke(args=["admin", "create-user", "ops", "--password", PASSWORD])
    assert result.exit_code == 0, result.output
    client = app.test_client()
    page = client.get("/admin/login")
    data = {"username": "ops", "password": PASSWORD, "csrf": csrf(page.text)}
    assert client.post("/admin/login", data=data).status_code == 302
    return client


def walk_world() -> None:
    """Beside stats_world: a timeline, a failed partner webhook, a blacklisted address, an
    opt-out and an API user, so every admin page has rows to show."""
    first = db.session.scalar(db.select(Application).order_by(Application.id))
    first.add_event("created", platform="spc_x", attachments=1, email_vouched_by_partner=False)
    first.add_event("emails_queued", kinds=["application_recruiter"])
    first.add_event("email_sent", email_id=1, email_kind="application_recruiter")
    first.add_event("email_open", email_id=1, email_kind="application_recruiter")
    first.add_event("answered", action="interview")
    db.session.add(
        WebhookDelivery(
            platform_id=first.platform_id,
            application_id=first.id,
            event="application.sent",
            url="https://alpha.example/hook",
            payload={},
            state="failed",
            attempts=6,
            last_error="délai dépassé",
        )
    )
    BlacklistEntry.add("parti@candidat.example", "bounce", 30)
    db.session.add(CompanyOptOut(siret=SIRET_B, email=f"rh@{SIRET_B}.example"))
    create_api_user("partenaire", scopes=["email"])
    db.session.commit()
