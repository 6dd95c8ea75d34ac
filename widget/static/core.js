/* Spontane iframe app, shared parts: config, DOM and text helpers, the parent page, HTTP,
   views. Plain scripts loaded in order (no build); each adds to the SpontaneApp object. */
(() => {
  "use strict";

  const config = JSON.parse(document.getElementById("spontane-config").textContent);
  const $ = (id) => document.getElementById(id);
  const t = (key, values = {}) =>
    (config.messages[key] || key).replace(/\{(\w+)\}/g, (m, k) => (k in values ? String(values[k]) : m));
  const fmt = (n) => new Intl.NumberFormat(config.lang).format(n);

  /* Elements are always built with textContent: nothing from the API is parsed as HTML. */
  function el(tag, attrs = {}, ...children) {
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
  function post(type, data = {}) {
    if (framed) window.parent.postMessage({ spontane: 1, id: config.widgetId, type, ...data }, config.parentOrigin);
  }
  /* Messages from the partner page only: same window, same origin as the one we were given. */
  function onParentMessage(handle) {
    window.addEventListener("message", (event) => {
      if (event.source !== window.parent || event.origin !== config.parentOrigin) return;
      const data = event.data || {};
      if (data.spontane === 1) handle(data);
    });
  }
  onParentMessage((data) => {
    if (data.type === "scheme") document.documentElement.dataset.scheme = data.scheme === "dark" ? "dark" : "light";
  });
  let lastHeight = 0;
  function reportHeight() {
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
  new ResizeObserver(reportHeight).observe(document.body);

  const srStatus = $("sr-status");
  function announce(text) {
    srStatus.textContent = "";
    setTimeout(() => { srStatus.textContent = text; }, 50);
  }

  /* ---------- HTTP ---------- */
  class HttpError extends Error {
    constructor(message, status, body) {
      super(message);
      this.status = status;
      this.body = body || {};
    }
  }
  async function request(url, options = {}) {
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
  const api = (path, params) => request(`/api/v1/${path}?${new URLSearchParams(params)}`);

  /* ---------- views and field errors ---------- */
  const views = ["search", "company", "apply", "success"];
  let current = "search";
  function show(name, focus) {
    current = name;
    for (const v of views) $(`view-${v}`).hidden = v !== name;
    if (focus) focus.focus();
    post("view", { view: name });
    reportHeight();
  }

  const FIELD_INPUTS = { job: "job-input", place: "place-input" };
  function fieldError(name, message) {
    const input = $(FIELD_INPUTS[name] || name);
    const box = $(`${name}-error`);
    if (!input || !box) return;
    box.textContent = message || "";
    box.hidden = !message;
    if (message) input.setAttribute("aria-invalid", "true");
    else input.removeAttribute("aria-invalid");
  }

  /* What the candidate chose and opened, shared by search, company, apply and offers. */
  const state = { job: config.job, place: config.place, page: 1, pages: 1, items: [], opened: null };
  const placeLabel = (p) => (p.zipcode ? `${p.name} (${p.zipcode})` : p.name);

  window.SpontaneApp = {
    config, $, t, fmt, el, post, onParentMessage, reportHeight, announce, request, api,
    views, show, currentView: () => current, fieldError, state, placeLabel,
  };
})();
