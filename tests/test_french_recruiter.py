"""Everything a recruiter reads, in French: every quick-answer page (forms, errors,
previews, confirmations, refusals, bad links, opt-out), the recruiter email and each
answer email the candidate gets, and the outbox's view of them. No English word, unit,
month or day name, no AM/PM or UTC, and French typography (a no-break space before
: ; ? !). The test data is French too, so whatever English shows comes from our code.
"""

from __future__ import annotations

import datetime as dt
import html
import re

import pytest
from sqlalchemy import select
from test_mail_support import make_application, make_platform

from server.answers import quick_answers
from server.delivery.pipeline import deliver_application
from server.extensions import db
from server.links import answer_url, optout_url
from server.models import Email, OutboxMessage

# Words that are not French as well; units, clocks, months and days.
ENGLISH = frozenset(
    re.findall(
        r"\w+",
        """
        the and your you please send sent edit preview interview answer answers reason
        hired hiring decline declined company phone address details optional required
        thank thanks link expired time when how here this that with from for not will
        has have was been already email reply job hello dear regards subject to of in
        is it be are we our my no yes back next step confirm stop receive search results
        attachment attachments size unknown error field invalid valid
        kb mb gb bytes am pm utc gmt
        january february march april may june july august september october november
        december monday tuesday wednesday thursday friday saturday sunday
        """,
    )
)
NOISE = re.compile(r"https?://\S+|[\w.+-]+@[\w.-]+|\b\d{1,2}:\d{2}\b")
BAD_TYPOGRAPHY = re.compile(r" [:;?!]|[^\W\d_][:;?!]")


def visible(page: str) -> str:
    """A page's or email's text: tags, styles and titles' markup dropped, entities read."""
    body = re.sub(r"<style>.*?</style>|<[^>]+>", " ", page, flags=re.S)
    return NOISE.sub(" ", html.unescape(body))


def problems(name: str, text: str) -> list[str]:
    words = {w.lower() for w in re.findall(r"[A-Za-zÀ-ÿ]+", text)}
    found = [f"{name}: English {sorted(words & ENGLISH)}"] if words & ENGLISH else []
    found += [f"{name}: typography {m.group()!r}" for m in BAD_TYPOGRAPHY.finditer(text)]
    return found


@pytest.fixture
def app_settings():
    return {"MAIL_RATE_LIMITS": "off"}


def _csrf(page: str) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', page).group(1)


def test_recruiter_pages_and_emails_are_french(app, client, worker):
    with app.app_context():
        platform = make_platform("Emploi Metz")
        first = make_application(platform, send_copy=False, message="Bonjour, motivée.")
        second = make_application(platform, send_copy=False, email="leo@exemple.example")
        first.attachments[0].size = 2_621_440  # "2,5 Mo"
        db.session.commit()
        with app.test_request_context():
            links = {
                (key, action): answer_url(application.public_id, action).removeprefix(
                    app.config["PUBLIC_URL"]
                )
                for key, application in (("first", first), ("second", second))
                for action in ("interview", "information", "rejection", "hired")
            }
            optout = optout_url(first.siret, "rh@acme.example").removeprefix(
                app.config["PUBLIC_URL"]
            )
        deliver_application(first.id)  # the recruiter email, to the outbox
    pages: dict[str, str] = {}

    def get(name: str, path: str) -> str:
        page = client.get(path, query_string={"lang": "fr"})
        pages[name] = page.text
        return page.text

    def post(name: str, path: str, form: dict, status: int = 200, csrf: str = "") -> str:
        csrf = csrf or _csrf(client.get(path, query_string={"lang": "fr"}).text)
        form = {**form, "csrf": csrf}
        page = client.post(path, data=form, query_string={"lang": "fr"})
        assert page.status_code == status, (name, page.status_code)
        pages[name] = page.text
        return page.text

    day = (dt.date.today() + dt.timedelta(days=5)).isoformat()
    interview = {
        "date": day,
        "time": "10:30",
        "mode": "on_site",
        "where": "1 rue Serpenoise, Metz",
        "contact_name": "Nora Martin",
        "contact_phone": "03 87 00 00 00",
        "contact_address": "2 place d'Armes, Metz",
        "message": "Venez avec votre CV.",
    }
    for action in ("interview", "information", "rejection", "hired"):
        get(f"form {action}", links["first", action])
    past = {**interview, "date": "2020-01-01"}
    post("form error", links["first", "interview"], past, 400)
    post("form missing", links["first", "information"], {"message": ""}, 400)
    post("preview interview", links["first", "interview"], {**interview, "step": "preview"})
    post("sent interview", links["first", "interview"], {**interview, "step": "send"})
    get("sent already", links["first", "interview"])
    info = {"message": "Quelles sont vos dates de disponibilité\u00a0?"}
    post("preview information", links["first", "information"], {**info, "step": "preview"})
    post("sent information", links["first", "information"], {**info, "step": "send"})
    rejection = {"reason": "experience", "message": "Bonne continuation."}
    post("preview rejection", links["first", "rejection"], {**rejection, "step": "preview"})
    post("sent rejection", links["first", "rejection"], {**rejection, "step": "send"})
    hired = {"message": "", "step": "send"}  # from the form opened before the rejection
    post("closed", links["first", "hired"], hired, 409, _csrf(pages["form hired"]))
    assert "Merci" in pages["sent interview"], visible(pages["sent interview"])
    get("form remembered", links["second", "interview"])
    post("preview hired", links["second", "hired"], {"message": "Bienvenue.", "step": "preview"})
    post("sent hired", links["second", "hired"], {"message": "Bienvenue.", "step": "send"})
    get("bad link", "/answers/abc.def.ghi")
    get("opt-out", optout)
    worker("mail")
    with app.app_context():
        recruiter = db.session.scalar(select(Email).where(Email.kind == "application_recruiter"))
        emails = db.session.scalars(select(Email).where(Email.kind.like("answer_%"))).all()
        assert {e.kind for e in emails} == {
            "answer_interview",
            "answer_information",
            "answer_rejection",
            "answer_hired",
        }
        texts = {
            f"email {e.kind}": f"{e.subject}\n{visible(e.html)}\n{NOISE.sub(' ', e.text)}"
            for e in emails
        }
        stored = db.session.scalar(
            select(OutboxMessage.id).where(OutboxMessage.custom_id == recruiter.uid)
        )
    texts["email to the recruiter"] = f"{recruiter.subject}\n{visible(recruiter.html)}\n"
    texts["email to the recruiter"] += NOISE.sub(" ", recruiter.text)
    assert "2,5\u202fMo" in recruiter.text and "2,5\u202fMo" in recruiter.html
    assert "Motif\u00a0: expérience non adaptée" in texts["email answer_rejection"]
    assert "Téléphone\u00a0: 03 87 00 00 00" in texts["email answer_interview"]
    get("outbox", f"/outbox/{stored}")  # as the outbox shows it
    assert "2,5\u202fMo" in pages["outbox"]
    texts.update({f"page {name}": visible(page) for name, page in pages.items()})
    assert (
        "Nora Martin" in texts["page form remembered"] or "Nora Martin" in pages["form remembered"]
    )
    found = [problem for name, text in texts.items() for problem in problems(name, text)]
    assert not found, "\n".join(found)


def test_the_check_finds_english():
    """The checker itself: English words, units, times and typography are caught."""
    assert problems("x", "Envoyé le 3 mars") == []
    assert problems("x", "Sent on March 3")
    assert problems("x", "cv.pdf (2 kB)")
    assert problems("x", "à 2:30 PM")
    assert problems("x", "Motif : aucun")  # an ordinary space before the colon
    assert problems("x", "Motif: aucun")
    assert quick_answers.REASON_LABELS  # the labels the pages above show
