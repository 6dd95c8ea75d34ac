/* Spontane iframe app, shared parts: config, DOM and text helpers, the parent page, HTTP,
   views. An ES module: nothing happens on import; main.js calls configure() first. */

/* The page's config (filled by configure) and what the candidate chose and opened, shared by
   search, company, apply and offers. */
export const config = {};
export const state = { job: null, place: null, page: 1, pages: 1, items: [], opened: null };

export const $ = (id) => document.getElementById(id);
export const t = (key, values = {}) =>
  (config.messages[key] || key).replace(/\{(\w+)\}/g, (m, k) => (k in values ? String(values[k]) : m));
export const fmt = (n) => new Intl.NumberFormat(config.lang).format(n);
/* A hiring potential out of 5, the same on cards and pages (server/i18n.py format_rating):
   one decimal at most, rounded half up: "3,9", "4". */
export const rating = (stars) =>
  new Intl.NumberFormat(config.lang, { maximumFractionDigits: 1 }).format(Math.round(stars * 10) / 10);
/* A file size in CLDR's short units, as server/i18n.py format_size: "2 Mo", "500 ko". */
export function size(bytes) {
  const mega = bytes >= 1024 * 1024;
  const value = mega ? bytes / (1024 * 1024) : Math.max(1, Math.round(bytes / 1024));
  return new Intl.NumberFormat(config.lang, {
    style: "unit", unit: mega ? "megabyte" : "kilobyte", unitDisplay: "short", maximumFractionDigits: 1,
  }).format(value);
}
/* A day people read, in Paris: "30 novembre 2026". */
export const day = (iso) =>
  new Intl.DateTimeFormat(config.lang, { dateStyle: "long", timeZone: "Europe/Paris" }).format(new Date(iso));
/* Homonyms are told apart by their département ("Saint-Martin (38)"), others by postcode. */
export const placeLabel = (p) => {
  const name = p.label || p.name;
  return name !== p.name || !p.zipcode ? name : `${p.name} (${p.zipcode})`;
};

/* Elements are always built with textContent: nothing from the API is parsed as HTML. */
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === false || value == null) continue;
    if (name === "text") node.textContent = value;
    else if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value === true ? "" : value);
  }
  node.append(...children.filter((c) => c != null));
  return node;
}

/* ---------- the parent page: height, readiness, colour scheme ---------- */
const framed = window.parent !== window;
export function post(type, data = {}) {
  if (framed) window.parent.postMessage({ spontane: 1, id: config.widgetId, type, ...data }, config.parentOrigin);
}
/* Messages from the partner page only: same window, same origin as the one we were given. */
export function onParentMessage(handle) {
  window.addEventListener("message", (event) => {
    if (event.source !== window.parent || event.origin !== config.parentOrigin) return;
    const data = event.data || {};
    if (data.spontane === 1) handle(data);
  });
}
let lastHeight = 0;
export function reportHeight() {
  let height = document.body.getBoundingClientRect().height;
  for (const list of document.querySelectorAll(".listbox:not([hidden])")) {
    height = Math.max(height, list.getBoundingClientRect().bottom + window.scrollY + 8);
  }
  height = Math.ceil(height);
  if (height !== lastHeight) {
    lastHeight = height;
    post("height", { height });
  }
}

export function announce(text) {
  const status = $("sr-status");
  status.textContent = "";
  setTimeout(() => { status.textContent = text; }, 50);
}

/* ---------- HTTP ---------- */
export class HttpError extends Error {
  constructor(message, status, body) {
    super(message);
    this.status = status;
    this.body = body || {};
  }
}
export async function request(url, options = {}) {
  let response;
  try {
    response = await fetch(url, { credentials: "omit", headers: { Accept: "application/json" }, ...options });
  } catch (err) {
    throw new HttpError(t("error_network"), 0);
  }
  let body = null;
  try { body = await response.json(); } catch (err) { body = null; }
  if (!response.ok) {
    const message = response.status === 413 ? t("err_too_large") : (body && body.error) || t("error_generic");
    throw new HttpError(message, response.status, body);
  }
  return body;
}
/* Sends with the page's form token; a form left open past the token's lifetime trades its
   token for a fresh one (server: /form-token) and sends once more, instead of failing.
   `send(token)` makes the request. */
export async function withFormToken(send) {
  try {
    return await send(config.formToken);
  } catch (err) {
    if (err.status !== 403 || !err.body || err.body.code !== "err_form_expired") throw err;
    const fresh = await request(config.tokenUrl, {
      method: "POST", body: JSON.stringify({ form_token: config.formToken }),
      headers: { Accept: "application/json", "Content-Type": "application/json" },
    });
    config.formToken = fresh.form_token;
    return send(config.formToken);
  }
}
export const api = (path, params) => request(`/api/v1/${path}?${new URLSearchParams(params)}`);

/* ---------- views and field errors ---------- */
export const views = ["search", "company", "apply", "success"];
let current = "search";
export const currentView = () => current;
export function show(name, focus) {
  current = name;
  for (const v of views) $(`view-${v}`).hidden = v !== name;
  if (focus) focus.focus();
  post("view", { view: name });
  reportHeight();
}

const FIELD_INPUTS = { job: "job-input", place: "place-input" };
export function fieldError(name, message) {
  const input = $(FIELD_INPUTS[name] || name);
  const box = $(`${name}-error`);
  if (!input || !box) return;
  box.textContent = message || "";
  box.hidden = !message;
  if (message) input.setAttribute("aria-invalid", "true");
  else input.removeAttribute("aria-invalid");
}

/* Takes the page's config, then follows the partner page's colour scheme and reports this
   page's height to it whenever it changes. */
export function configure(value) {
  Object.assign(config, value);
  Object.assign(state, { job: config.job, place: config.place });
  onParentMessage((data) => {
    if (data.type === "scheme") document.documentElement.dataset.scheme = data.scheme === "dark" ? "dark" : "light";
  });
  new ResizeObserver(reportHeight).observe(document.body);
}
