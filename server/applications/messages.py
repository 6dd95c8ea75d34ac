"""The candidate's iframe catalogue: widget keys → gettext messages (English msgids).

The iframe page renders these keys and its JS receives them, translated, as `messages` in
its config (`catalogue()`): `%(name)s` placeholders reach the JS as `{name}`. The apply
endpoint answers with the same messages (`refuse`), so the page, the JS and the server
never disagree. Messages whose number only the server knows at request time (minutes to
wait, days before re-applying, a field's length) are built with ngettext where raised.
"""

from __future__ import annotations

from flask_babel import format_number, gettext, ngettext
from flask_babel import lazy_gettext as _l

from server.applications.limits import MAX_FILES, MAX_TOTAL_BYTES, MESSAGE_MAX
from server.errors import ApiError
from server.i18n import for_js, format_size, lazy

# Messages quoting the limits are built when shown: numbers and sizes in that language.


def _files_hint() -> str:
    return ngettext(
        "Up to %(num)d file and %(size)s in total, CV included.",
        "Up to %(num)d files and %(size)s in total, CV included.",
        MAX_FILES,
        size=format_size(MAX_TOTAL_BYTES),
    )


def _too_many_files() -> str:
    return ngettext("At most %(num)d file.", "At most %(num)d files.", MAX_FILES)


def _too_large() -> str:
    return gettext(
        "Your files weigh more than %(size)s in total.", size=format_size(MAX_TOTAL_BYTES)
    )


def _cv_too_large() -> str:
    # `size` is the chosen file's: the JS fills it (one formatter, CLDR's units).
    return gettext(
        "Your CV weighs %(size)s: at most %(max)s.", size="{size}", max=format_size(MAX_TOTAL_BYTES)
    )


def _message_hint() -> str:
    # `left` changes as the candidate types: the JS fills it.
    return gettext(
        "Up to %(max)s characters. %(left)s left.",
        max=format_number(MESSAGE_MAX),
        left="{left}",
    )


MESSAGES = {
    # The search page
    "page_title": _l("Find the companies that hire"),
    "search_heading": _l("Find companies likely to hire you"),
    "job_label": _l("Job"),
    "job_placeholder": _l("e.g. baker, web developer"),
    "place_label": _l("Place"),
    "place_placeholder": _l("City or postcode"),
    "distance_label": _l("Distance"),
    "distance_km": _l("%(km)s km"),
    "sort_label": _l("Sort by"),
    "sort_score": _l("Hiring potential"),
    "sort_distance": _l("Distance"),
    "sort_smart": _l("Mixed"),
    "filters": _l("Filters"),
    "headcount_label": _l("Company size"),
    "headcount_all": _l("All sizes"),
    "headcount_small": _l("Fewer than 50 employees"),
    "headcount_big": _l("50 employees or more"),
    "flags_label": _l("Welcoming"),
    "flag_junior": _l("Young people"),
    "flag_senior": _l("Seniors"),
    "flag_handicap": _l("People with disabilities"),
    "naf_label": _l("Activity"),
    "naf_all": _l("All activities"),
    "search_button": _l("Search"),
    "alternance": _l("Work-study"),
    "alternance_hint": _l("Companies most likely to take apprentices or work-study trainees"),
    "only_can_apply": _l("Only companies I can apply to"),
    "suggestions": _l("%(count)s suggestions. Use the up and down arrows to choose."),
    "no_suggestion": _l("No suggestion"),
    "choose_job": _l("Choose a job from the suggestions."),
    "choose_place": _l("Choose a place from the suggestions."),
    "loading": _l("Loading…"),
    # Results (the JS picks the `_one` key for exactly one)
    "results_heading": _l("Results"),
    "results_count": _l("%(count)s companies found"),
    "results_count_one": _l("1 company found"),
    "page_of": _l("Page %(page)s of %(pages)s"),
    "previous": _l("Previous"),
    "next": _l("Next"),
    "empty_title": _l("No company found within %(km)s km."),
    "empty_wider": _l("%(count)s companies within %(km)s km."),
    "empty_wider_button": _l("Search within %(km)s km"),
    "empty_none": _l("Try another job or place."),
    "stars": _l("Hiring potential: %(stars)s out of 5"),
    "stars_value": _l("%(stars)s out of 5"),
    "away": _l("%(km)s km away"),
    "why": _l("Why this company?"),
    "why_hires": _l("%(count)s hires in the last 12 months"),
    "why_hires_one": _l("1 hire in the last 12 months"),
    "trend_up": _l("hiring is rising"),
    "trend_flat": _l("hiring is steady"),
    "trend_down": _l("hiring is slowing"),
    "why_band": _l("%(band)s hires expected in the next 6 months"),
    "open_offers": _l("%(count)s open job offers"),
    # The reference data's advice per sector and job: shown under the apply button, worded
    # so that it never reads as "do not use it".
    "contact_mode": _l(
        "Usual way to contact this kind of company, according to France Travail: %(mode)s"
    ),
    # Result cards: can an application reach this company, and if not why.
    "card_can_apply": _l("Application possible"),
    "card_no_contact": _l("No contact: %(reason)s"),
    "card_reason_no_email": _l("no email address known"),
    "card_reason_refuses_mail": _l("its email address refuses messages for now"),
    "card_reason_closed": _l("applications are closed on this site"),
    "card_apply": _l("Apply"),
    "pagination": _l("Pages of results"),
    # A company
    "details": _l("See the company"),
    "back_to_results": _l("Back to the results"),
    "address": _l("Address"),
    "activity": _l("Activity"),
    "headcount": _l("Headcount"),
    "headcount_range": _l("%(min)s to %(max)s employees"),
    "headcount_none": _l("No employees"),
    "headcount_plus": _l("%(min)s employees or more"),
    "apply_button": _l("Apply to this company"),
    "apply_closed": _l("Applications through this site are closed for now."),
    "apply_unavailable": _l("This company cannot receive applications through Spontane."),
    "apply_opted_out": _l(
        "This company asked not to receive applications through Spontane: contact it directly."
    ),
    "apply_refuses_mail": _l(
        "This company's email address does not accept messages at the moment: contact it directly."
    ),
    # The apply form
    "apply_heading": _l("Apply to %(company)s"),
    "required_note": _l("Fields marked * are required."),
    "first_name": _l("First name"),
    "last_name": _l("Last name"),
    "email": _l("Email"),
    "phone": _l("Phone"),
    "message": _l("Message to the recruiter"),
    "message_hint": lazy(_message_hint),
    # Proposed in the message box, for the candidate to edit (after Je Postule's).
    "default_message": _l(
        "Hello,\n\nYour company interests me very much, which is why I am sending you my "
        "application today.\n\nI would be glad to meet you for an interview and tell you in "
        "person why I would like to join your team.\n\nI remain at your disposal for any "
        "further information."
    ),
    "job_applied": _l("Job you are applying for"),
    "any_job": _l("Any job (open application)"),
    "cv": _l("Your CV"),
    "cv_hint": _l("PDF, DOC, DOCX, ODT, JPG or PNG."),
    "err_cv_too_large": lazy(_cv_too_large),
    "cv_remembered": _l("Remembered CV: %(name)s"),
    "cv_replace": _l("To use another CV, choose a file."),
    "other_files": _l("Other documents (optional)"),
    "files_hint": lazy(_files_hint),
    "consent": _l(
        "I agree that Spontane processes my personal data to send this application to the company."
    ),
    "send_copy": _l("Send me a copy by email"),
    "remember": _l("Remember my details on this device"),
    "honeypot": _l("Leave this field empty"),
    "send": _l("Send my application"),
    "sending": _l("Sending…"),
    "cancel": _l("Cancel"),
    "welcome_back": _l("Welcome back, %(name)s. Your details are filled in: check them and send."),
    # Remembered through the partner page (server/applications/remember.py): nothing
    # personal comes back, and the CV on file leaves only once confirmed by email.
    "welcome_device": _l(
        "Welcome back. The CV you sent last time is kept for this site: fill in your details, "
        "and we will email you to confirm before it is sent."
    ),
    "cv_on_file": _l("the one you sent last time"),
    "forget_me": _l("Forget me on this device"),
    "forgotten": _l("Your details were removed from this device."),
    "success_heading": _l("Application sent"),
    "success_text": _l(
        "Your application to %(company)s has been sent. Each company answers in its own time, "
        "and some do not answer: if the recruiter answers through the links in our email, we "
        "will tell you by email."
    ),
    "sending_heading": _l("Application being sent"),
    "sending_text": _l(
        "Your application to %(company)s is saved and on its way. This page says so as soon as "
        "the company's mailbox has accepted it."
    ),
    "sending_slow": _l(
        "Your application to %(company)s is saved and will leave shortly. You will get an "
        "email once it has been delivered."
    ),
    "failed_heading": _l("Application not delivered"),
    "failed_text": _l(
        "Your application to %(company)s could not be delivered. We suggest you call the "
        "company or visit it in person."
    ),
    "pending_heading": _l("Confirm your email address"),
    "status_title": _l("Your application"),
    "status_invalid": _l("This link is not valid. Check that it was copied in full."),
    "status_gone": _l("This application no longer exists (data is erased after a while)."),
    "pending_text": _l(
        "We sent a link to %(email)s. Your application to %(company)s leaves as soon as you "
        "open it."
    ),
    "pending_reuse_text": _l(
        "We sent a link to %(email)s: your application to %(company)s, with the CV you sent "
        "last time, leaves as soon as you confirm it."
    ),
    "new_search": _l("Back to the results"),
    # Partner settings (server/platforms/settings.py)
    "test_mode": _l(
        "Test mode: applications sent from this page go to the site's test address, "
        "never to the companies."
    ),
    "back_to_partner": _l("Back to %(name)s"),
    "screening_heading": _l("Questions from %(name)s"),
    "yes": _l("Yes"),
    "no": _l("No"),
    "err_yes_no": _l("Answer yes or no."),
    # Errors: the JS shows some itself, the apply endpoint answers with all of them
    "error_generic": _l("Something went wrong. Please try again."),
    "error_network": _l("The service cannot be reached. Check your connection and try again."),
    "err_required": _l("This field is required."),
    "err_email": _l("Enter a valid email address."),
    "err_characters": _l("This contains invisible or control characters: please type it again."),
    "err_name_address": _l("Enter a name here, not an email address."),
    "err_phone": _l("Enter a valid phone number."),
    "err_consent": _l("Your consent is needed to send the application."),
    "err_cv_required": _l("Add your CV."),
    "err_file_type": _l("%(name)s: only PDF, DOC, DOCX, ODT, JPG and PNG files are accepted."),
    "err_file_empty": _l("%(name)s is empty."),
    # Active content (server/applications/active_content.py): the file is named, and the
    # candidate told how to send a safe version.
    "err_file_macros": _l(
        "%(name)s contains macros, which could run on the recruiter's computer. Save it "
        "without macros (as DOCX or PDF) and send it again."
    ),
    "err_file_script": _l(
        "%(name)s contains scripts or automatic actions (JavaScript, launching a program), "
        "which could run on the recruiter's computer. Save or print it as a new PDF and send "
        "it again."
    ),
    "err_file_embedded": _l(
        "%(name)s contains embedded files or objects, which could run on the recruiter's "
        "computer. Send a version without them."
    ),
    "err_file_polyglot": _l(
        "%(name)s is also another kind of file (an archive or a document hidden inside). "
        "Save it again as a plain PDF or document and send it again."
    ),
    "err_file_encrypted": _l(
        "%(name)s is encrypted or protected by a password: the recruiter could not open it. "
        "Send it without a password."
    ),
    "err_file_unreadable": _l(
        "%(name)s could not be read: it may be damaged. Save it again and send it again."
    ),
    "err_too_many_files": lazy(_too_many_files),
    "err_too_large": lazy(_too_large),
    "err_company": _l("This company is unknown."),
    "err_job": _l("This job is unknown."),
    "err_form_expired": _l("This form has expired. Reload the page and try again."),
    "err_form_invalid": _l("This form can only be sent from the Spontane widget."),
    "err_honeypot": _l("Your application looks automated and was not sent."),
    "err_cap_company": _l("This company has received many applications today. Try again tomorrow."),
    "err_cap_candidate": _l(
        "You have sent the maximum number of applications for today. Try again tomorrow."
    ),
    "err_fix_fields": _l("Some fields need your attention."),
    # Pages outside the app: refusal, email confirmation
    "refused_title": _l("Search unavailable"),
    "refused_text": _l("This search cannot be shown on this site."),
    "confirm_title": _l("Confirm your email address"),
    "confirm_text": _l("Confirm that %(email)s is yours to send your application to %(company)s."),
    "confirm_button": _l("Confirm and send my application"),
    "confirmed_title": _l("Application sent"),
    "confirmed_text": _l(
        "Thank you: your email address is confirmed and your application to %(company)s has "
        "been sent."
    ),
    "confirm_invalid": _l("This link is invalid or has expired."),
    "confirm_done": _l("This application was already confirmed."),
    # The "forget me" link of every candidate email
    "forget_title": _l("Forget me"),
    "forget_text": _l(
        "Your CV will no longer be offered for one-click applying on the sites where you "
        "asked to be remembered. Applications already sent are not affected."
    ),
    "forget_button": _l("Forget me everywhere"),
    "forget_done": _l("Done: nothing is remembered for your email address any more."),
    "forget_invalid": _l("This link is not valid. Check that it was copied in full."),
    # Job offers
    "tab_companies": _l("Companies"),
    "tab_offers": _l("Job offers"),
    "offers_heading": _l("Job offers"),
    "offers_q_label": _l("Keywords"),
    "offers_q_placeholder": _l("e.g. baker, night shift"),
    "offers_search": _l("Search offers"),
    "offers_near": _l("Near %(place)s, within %(km)s km"),
    "offers_anywhere": _l("Everywhere in France (choose a place in the company search to narrow)"),
    "offers_count": _l("%(count)s job offers found"),
    "offers_count_one": _l("1 job offer found"),
    "offers_none": _l("No job offer matches. Try other words."),
    "offer_link": _l("See the offer: %(title)s"),
    "offer_published": _l("Published on %(date)s"),
    "offers_contract": _l("Contract"),
    "contract_any": _l("All contracts"),
    "contract_permanent": _l("Permanent (CDI)"),
    "contract_fixed_term": _l("Fixed-term (CDD)"),
    "contract_temporary": _l("Temporary work"),
    "contract_apprenticeship": _l("Apprenticeship"),
    "contract_internship": _l("Internship"),
    "contract_freelance": _l("Freelance"),
    "contract_seasonal": _l("Seasonal"),
    "contract_other": _l("Other"),
    "salary_range": _l("%(min)s – %(max)s € a year"),
    "salary_from": _l("From %(min)s € a year"),
    "salary_upto": _l("Up to %(max)s € a year"),
}


def catalogue() -> dict[str, str]:
    """Every widget message in the current language, placeholders as `{name}`."""
    return for_js(MESSAGES)


def message(key: str, **values: object) -> str:
    """One widget message in the current language, its placeholders filled."""
    text = str(MESSAGES[key])
    return text % values if values else text


def refuse(key: str, status: int = 400, field: str | None = None, **values: object) -> ApiError:
    """The apply endpoint's error for `key`: the same words the widget shows."""
    return ApiError(message(key, **values), status=status, field=field, code=key)
