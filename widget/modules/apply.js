/* The apply form: filled from what is remembered, checked here, then sent. */
import { dataUrlToFile, readAsDataURL, storage } from "./candidate.js";
import {
  $, announce, config, currentView, el, fieldError, fmt, reportHeight, request, show, size, state, t, withFormToken,
} from "./core.js";
import { applyStarted, emit } from "./funnel.js";

const PERSON = ["first_name", "last_name", "email", "phone"];
let form = null;
const updateHint = () => { $("message-hint").textContent = t("message_hint", { left: fmt(4000 - form.message.value.length) }); };

export function openApply() {
  const company = state.opened;
  $("apply-heading").textContent = t("apply_heading", { company: company.name });
  const rome = form.rome_code;
  rome.replaceChildren(el("option", { value: "", text: t("any_job") }));
  if (state.job) rome.append(el("option", { value: state.job.rome, text: state.job.label, selected: true }));
  fillRemembered();
  /* A message to start from (Je Postule's), which the candidate edits or replaces. */
  if (!form.message.value) form.message.value = t("default_message");
  clearErrors();
  updateHint();
  show("apply", $("apply-heading"));
  applyStarted(company.siret);
}

function fillRemembered() {
  const remembered = storage.load();
  for (const name of PERSON) {
    if (!form[name].value) form[name].value = config.prefill[name] || (remembered && remembered[name]) || "";
  }
  if (remembered) form.send_copy.checked = Boolean(remembered.send_copy);
  /* Consent given with the remembered details holds for the next one-click application. */
  if (remembered && remembered.consent) form.consent.checked = true;
  const cvNote = $("cv-remembered");
  cvNote.hidden = !(remembered && remembered.cv);
  if (remembered && remembered.cv) cvNote.textContent = `${t("cv_remembered", { name: remembered.cv.name })} ${t("cv_replace")}`;
  $("welcome").hidden = !remembered;
  if (remembered) {
    $("welcome-text").textContent = remembered.device && !remembered.first_name
      ? t("welcome_device") : t("welcome_back", { name: remembered.first_name || "" });
  }
  reportHeight();
}

function forget() {
  storage.clear();
  for (const name of PERSON) form[name].value = config.prefill[name] || "";
  form.send_copy.checked = false;
  form.consent.checked = false;
  $("cv-remembered").hidden = true;
  $("welcome").hidden = true;
  $("forget-status").textContent = t("forgotten");
  form.first_name.focus();
  reportHeight();
}

function clearErrors() {
  $("apply-error").hidden = true;
  for (const box of form.querySelectorAll(".field-error")) {
    fieldError(box.id.replace(/-error$/, ""), null);
  }
}

const ACCEPTED = /\.(pdf|docx?|odt|jpe?g|png)$/i;
const MAX_TOTAL = 10 * 1024 * 1024; /* server/applications/limits.py */
function checkLocally(cvFile, others) {
  const errors = {};
  for (const name of ["first_name", "last_name", "email"]) {
    if (!form[name].value.trim()) errors[name] = t("err_required");
  }
  if (!errors.email && !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(form.email.value.trim())) errors.email = t("err_email");
  if (!form.consent.checked) errors.consent = t("err_consent");
  if (!cvFile) errors.cv = t("err_cv_required");
  const files = [cvFile, ...others].filter(Boolean);
  const bad = files.find((f) => !f.relayed && !ACCEPTED.test(f.name)); /* the server checks those */
  if (bad) errors[bad === cvFile ? "cv" : "attachments"] = t("err_file_type", { name: bad.name });
  if (files.length > 5) errors.attachments = t("err_too_many_files");
  /* A CV too big on its own is the CV's error; otherwise the other files tip it over. */
  if (cvFile && !cvFile.relayed && cvFile.size > MAX_TOTAL) errors.cv = t("err_cv_too_large", { size: size(cvFile.size) });
  else if (files.reduce((sum, f) => sum + f.size, 0) > MAX_TOTAL) errors.attachments = t("err_too_large");
  return errors;
}

function showErrors(errors, summary) {
  for (const [name, text] of Object.entries(errors)) fieldError(name, text);
  const box = $("apply-error");
  box.textContent = summary;
  box.hidden = false;
  const first = Object.keys(errors).map((n) => form[n] || $(n)).find((n) => n && n.focus);
  (first || box).focus();
  reportHeight();
}

/* What to keep for next time: the person, and the CV when it is small enough to store. */
async function remember(remembered, cvFile, blob) {
  const saved = Object.fromEntries(PERSON.map((n) => [n, form[n].value.trim()]));
  saved.send_copy = form.send_copy.checked;
  saved.consent = form.consent.checked;
  saved.cv = remembered && remembered.cv && !form.cv.files[0] ? remembered.cv : null;
  if (!storage.local) {
    saved.cv = { name: (cvFile || remembered.cv).name, relayed: true };
    storage.save(saved, blob, cvFile);
    return;
  }
  if (form.cv.files[0] && form.cv.files[0].size <= 3 * 1024 * 1024) {
    saved.cv = { name: cvFile.name, type: cvFile.type, data: await readAsDataURL(cvFile) };
  }
  storage.save(saved, blob);
}

async function send(e) {
  e.preventDefault();
  clearErrors();
  const remembered = storage.load();
  let cvFile = form.cv.files[0] || storage.relayedFile() || null;
  const relayedCv = !cvFile && remembered && remembered.cv && remembered.cv.relayed;
  if (!cvFile && remembered && remembered.cv && remembered.cv.data) cvFile = await dataUrlToFile(remembered.cv);
  const others = [...form.attachments.files];
  const errors = checkLocally(cvFile || (relayedCv ? { name: remembered.cv.name, size: 0, relayed: true } : null), others);
  if (Object.keys(errors).length) { showErrors(errors, t("err_fix_fields")); return; }

  const body = new FormData();
  for (const name of [...PERSON, "message", "rome_code", "website"]) body.append(name, form[name].value);
  body.append("consent", form.consent.checked ? "1" : "0");
  body.append("send_copy", form.send_copy.checked ? "1" : "0");
  body.append("siret", state.opened.siret);
  body.append("lang", config.lang);
  if (cvFile) body.append("cv", cvFile, cvFile.name);
  else body.append("remembered", storage.relayedBlob());
  /* The server remembers only for a partner page that keeps the blob (no iframe storage). */
  if (form.remember.checked && !storage.local) body.append("remember", "1");
  for (const f of others) body.append("attachments", f, f.name);
  /* The platform's screening questions (screening_q1 …), as the form holds them. */
  for (const [name, value] of new FormData(form)) if (name.startsWith("screening_")) body.append(name, value);

  const buttons = document.querySelectorAll("button[type=submit][form=apply-form], #send");
  buttons.forEach((b) => { b.disabled = true; b.textContent = t("sending"); });
  try {
    const result = await withFormToken((token) => {
      body.set("form_token", token);
      return request(config.applyUrl, { method: "POST", body });
    });
    if (form.remember.checked) await remember(remembered, cvFile, result.remember);
    else storage.clear();
    const company = state.opened.name;
    const pending = result.status === "pending_confirmation";
    const outcome = pending ? (relayedCv && !cvFile ? "pending_reuse" : "pending_confirmation") : "sending";
    showOutcome(outcome, company, form.email.value.trim());
    form.message.value = "";
    form.cv.value = "";
    form.attachments.value = "";
    if (!form.remember.checked) form.consent.checked = false;
    show("success", $("success-heading"));
    emit("onApplySent", result.id, { status: result.status });
    if (!pending) followDelivery(result.id, company);
  } catch (err) {
    emit("onError", { status: err.status, code: (err.body && err.body.code) || null });
    const fields = (err.body && err.body.fields) || (err.body && err.body.field ? { [err.body.field]: err.message } : {});
    if (fields.siret) delete fields.siret;
    /* Too large for the server (413) with no other file chosen: the CV is at fault. */
    if (fields.attachments && err.status === 413 && !others.length) {
      fields.cv = fields.attachments;
      delete fields.attachments;
    }
    showErrors(fields, err.message);
  } finally {
    buttons.forEach((b) => { b.disabled = false; b.textContent = t("send"); });
  }
}

/* "Sent" only once the company's mailbox provider has accepted it: until then "being sent". */
const OUTCOMES = {
  pending_confirmation: ["pending_heading", "pending_text"],
  pending_reuse: ["pending_heading", "pending_reuse_text"],
  sending: ["sending_heading", "sending_text"],
  slow: ["sending_heading", "sending_slow"],
  sent: ["success_heading", "success_text"],
  failed: ["failed_heading", "failed_text"],
};

function showOutcome(status, company, email) {
  const [heading, text] = OUTCOMES[status] || OUTCOMES.sending;
  $("success-heading").textContent = t(heading);
  $("success-text").textContent = t(text, { company, email });
}

/* Asks the server where the application stands, every 2 s for a minute, then stops. */
async function followDelivery(id, company) {
  const url = config.applicationUrl.replace("ID", encodeURIComponent(id));
  for (let i = 0; i < 30; i++) {
    await new Promise((done) => setTimeout(done, 2000));
    if (currentView() !== "success") return; /* the candidate moved on */
    let status;
    try {
      status = (await request(url)).status;
    } catch (err) {
      continue;
    }
    if (status === "sent" || status === "failed") {
      showOutcome(status, company);
      announce($("success-heading").textContent);
      return;
    }
  }
  showOutcome("slow", company);
}

/* Opens the form from the company view, and sends it. */
export function setupApply() {
  form = $("apply-form");
  form.message.addEventListener("input", updateHint);
  $("company-apply").addEventListener("click", openApply);
  storage.whenRelayed(() => { if (currentView() === "apply") fillRemembered(); });
  $("forget").addEventListener("click", forget);
  form.addEventListener("submit", send);
}
