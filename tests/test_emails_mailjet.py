"""The Mailjet provider: the real mailjet-rest client against a local HTTP server.

Mailjet cannot be reached from here; mailjet-rest 1.9.1 accepts a loopback api_url, so the
client runs unchanged and the server checks the documented Send API v3.1 body.
"""

import base64

import pytest
from test_mail_support import http_server, mailjet_handler

from emails.message import FileAttachment, Message
from emails.providers import PermanentError, TransientError
from emails.providers.mailjet import MailjetProvider


def _message(**overrides) -> Message:
    values = dict(
        from_address='"Marie Dupont via Spontane" <no-reply@spontane.localhost>',
        to_address="rh@acme.example",
        subject="Candidature spontanée",
        html="<p>Bonjour</p>",
        text="Bonjour",
        custom_id="3f1c-uid",
        reply_to='"Marie Dupont" <marie@candidate.example>',
        attachments=[FileAttachment("cv.pdf", "application/pdf", b"%PDF-1.4")],
    )
    values.update(overrides)
    return Message(**values)


@pytest.fixture
def mailjet():
    with http_server(mailjet_handler) as (url, recorder):
        yield MailjetProvider("mj-key", "mj-secret", api_url=url), recorder


def test_send_posts_the_documented_v31_payload(mailjet):
    provider, recorder = mailjet
    message_id = provider.send(_message())
    (body,) = recorder.requests
    (m,) = body["Messages"]
    assert m["From"] == {
        "Email": "no-reply@spontane.localhost",
        "Name": "Marie Dupont via Spontane",
    }
    assert m["To"] == [{"Email": "rh@acme.example"}]
    assert m["ReplyTo"] == {"Email": "marie@candidate.example", "Name": "Marie Dupont"}
    assert m["CustomID"] == "3f1c-uid"
    assert m["TextPart"] == "Bonjour" and m["HTMLPart"] == "<p>Bonjour</p>"
    (attachment,) = m["Attachments"]
    assert attachment["Filename"] == "cv.pdf" and attachment["ContentType"] == "application/pdf"
    assert base64.b64decode(attachment["Base64Content"]) == b"%PDF-1.4"
    assert message_id == "576460750000000001"
    # Lookup by CustomID (GET /v3/REST/message) finds it; an unknown id finds nothing.
    assert provider.lookup("3f1c-uid") == message_id
    assert provider.lookup("other") is None


def test_template_id_replaces_the_parts(mailjet):
    provider, recorder = mailjet
    provider.send(_message(template_id=4242, template_variables={"candidate_first_name": "M"}))
    (m,) = recorder.requests[0]["Messages"]
    assert m["TemplateID"] == 4242 and m["TemplateLanguage"] is True
    assert m["Variables"] == {"candidate_first_name": "M"}
    assert "HTMLPart" not in m


@pytest.mark.parametrize(
    ("status", "error"),
    [
        (500, TransientError),
        (503, TransientError),
        (429, TransientError),
        (400, PermanentError),
        (401, PermanentError),
        (404, PermanentError),
    ],
)
def test_errors_are_classified(mailjet, status, error):
    provider, recorder = mailjet
    recorder.responses.append((status, {"ErrorMessage": "nope"}))
    with pytest.raises(error) as caught:
        provider.send(_message())
    assert caught.value.status == status


def test_unreachable_server_is_transient_with_unknown_outcome():
    provider = MailjetProvider("k", "s", api_url="http://127.0.0.1:9")
    with pytest.raises(TransientError) as caught:
        provider.send(_message())
    assert caught.value.outcome_unknown
    with pytest.raises(TransientError):
        provider.lookup("x")  # never guess "not sent"
