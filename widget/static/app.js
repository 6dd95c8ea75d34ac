/* Spontane iframe app: search, company detail, apply. Plain JS, no dependencies, no build. */
(() => {
  "use strict";

  const config = JSON.parse(document.getElementById("spontane-config").textContent);
  const $ = (id) => document.getElementById(id);
  const t = (key, values = {}) =>
    (config.messages[key] || key).replace(/\{(\w+)\}/g, (m, k) => (k in values ? String(values[k]) : m));

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
  window.addEventListener("message", (event) => {
    if (event.source !== window.parent || event.origin !== config.parentOrigin) return;
    const data = event.data || {};
    if (data.spontane === 1 && data.type === "scheme") {
      document.documentElement.dataset.scheme = data.scheme === "dark" ? "dark" : "light";
    }
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

  /* ---------- views ---------- */
  const views = ["search", "company", "apply", "success"];
  let current = "search";
  function show(name, focus) {
    current = name;
    for (const v of views) $(`view-${v}`).hidden = v !== name;
    if (focus) focus.focus();
    post("view", { view: name });
    reportHeight();
  }
  for (const button of document.querySelectorAll("[data-back]")) {
    button.addEventListener("click", () => {
      if (button.dataset.back === "company") show("company", $("company-name"));
      else backToResults();
    });
  }

  /* ---------- combobox (ARIA 1.2 pattern) ---------- */
  function combobox(input, list, fetchItems, describe, onPick) {
    let items = [];
    let active = -1;
    let timer = 0;
    let seq = 0;
    const close = () => {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
      reportHeight();
    };
    const move = (delta) => {
      if (!items.length) return;
      if (list.hidden) { list.hidden = false; input.setAttribute("aria-expanded", "true"); }
      active = (active + delta + items.length) % items.length;
      [...list.children].forEach((li, i) => li.setAttribute("aria-selected", String(i === active)));
      const option = list.children[active];
      input.setAttribute("aria-activedescendant", option.id);
      option.scrollIntoView({ block: "nearest" });
    };
    const pick = (i) => {
      const item = items[i];
      input.value = describe(item).value;
      onPick(item);
      close();
    };
    const render = (found) => {
      items = found;
      active = -1;
      list.replaceChildren(...found.map((item, i) => {
        const { label, detail } = describe(item);
        return el("li", { id: `${list.id}-${i}`, role: "option", "aria-selected": "false",
          onmousedown: (e) => { e.preventDefault(); pick(i); } },
          label, detail ? el("small", { text: detail }) : null);
      }));
      if (found.length) {
        list.hidden = false;
        input.setAttribute("aria-expanded", "true");
      } else {
        close();
      }
      announce(found.length ? t("suggestions", { count: found.length }) : t("no_suggestion"));
      reportHeight();
    };
    input.addEventListener("input", () => {
      onPick(null);
      clearTimeout(timer);
      const q = input.value.trim();
      if (q.length < 2) { items = []; close(); return; }
      timer = setTimeout(async () => {
        const mine = ++seq;
        try {
          const found = await fetchItems(q);
          if (mine === seq) render(found);
        } catch (err) {
          if (mine === seq) close();
        }
      }, 150);
    });
    input.addEventListener("keydown", (e) => {
      if (e.key === "ArrowDown") { e.preventDefault(); move(1); }
      else if (e.key === "ArrowUp") { e.preventDefault(); move(-1); }
      else if (e.key === "Enter" && !list.hidden && active >= 0) { e.preventDefault(); pick(active); }
      else if (e.key === "Escape" && !list.hidden) { e.preventDefault(); close(); }
    });
    input.addEventListener("blur", () => setTimeout(close, 150));
    return {
      /* On submit without a choice, the first suggestion is taken, as people expect. */
      settle: () => (items.length && input.value.trim() ? (pick(0), true) : false),
    };
  }

  /* ---------- search ---------- */
  const state = {
    job: config.job, place: config.place, page: 1, pages: 1, items: [], opened: null,
  };
  const placeLabel = (p) => (p.zipcode ? `${p.name} (${p.zipcode})` : p.name);
  const jobInput = $("job-input");
  const placeInput = $("place-input");
  if (state.job) jobInput.value = state.job.label;
  if (state.place) placeInput.value = placeLabel(state.place);

  const jobBox = combobox(jobInput, $("job-list"),
    async (q) => (await api("autocomplete/jobs", { q, lang: config.lang })).items || [],
    (item) => ({ value: item.label, label: item.label, detail: item.rome_label && item.rome_label !== item.label ? `${item.rome_label} (${item.rome})` : item.rome }),
    (item) => { state.job = item ? { rome: item.rome, label: item.label } : null; if (item) fieldError("job", null); });
  const placeBox = combobox(placeInput, $("place-list"),
    async (q) => (await api("autocomplete/places", { q })).items || [],
    (item) => ({ value: placeLabel(item), label: item.name, detail: item.zipcode }),
    (item) => { state.place = item; if (item) fieldError("place", null); });

  function fieldError(name, message) {
    const input = name === "job" ? jobInput : name === "place" ? placeInput : $(name);
    const box = $(`${name}-error`);
    if (!input || !box) return;
    box.textContent = message || "";
    box.hidden = !message;
    if (message) input.setAttribute("aria-invalid", "true");
    else input.removeAttribute("aria-invalid");
  }

  function searchParams(overrides = {}) {
    const form = $("search-form");
    const params = {
      rome: state.job.rome,
      citycode: state.place.citycode,
      distance: form.distance.value,
      sort: form.sort.value,
      page: state.page,
      page_size: 10,
      lang: config.lang,
    };
    const headcount = form.querySelector("input[name=headcount]:checked").value;
    if (headcount) params.headcount = headcount;
    const flags = [...form.querySelectorAll("input[name=flags]:checked")].map((c) => c.value);
    if (flags.length) params.flags = flags.join(",");
    if (form.naf.value) params.naf = form.naf.value;
    return { ...params, ...overrides };
  }

  const stars = (value) => {
    const full = Math.min(5, Math.max(0, Math.round(value)));
    return "★".repeat(full) + "☆".repeat(5 - full);
  };
  const fmt = (n) => new Intl.NumberFormat(config.lang).format(n);

  function whyList(item) {
    const why = item.explanation || {};
    const points = [];
    if (why.hires_last_12m === 1) points.push(t("why_hires_one"));
    else if (why.hires_last_12m != null) points.push(t("why_hires", { count: fmt(why.hires_last_12m) }));
    if (why.trend) points.push(t(`trend_${why.trend}`));
    if (why.predicted_band) points.push(t("why_band", { band: why.predicted_band }));
    return points.length ? el("ul", {}, ...points.map((p) => el("li", { text: p }))) : null;
  }

  /* INSEE brackets come as "1-2", "0-0", "10000+": say them in words. */
  function headcount(label) {
    const range = /^(\d+)-(\d+)$/.exec(label || "");
    if (range) return range[2] === "0" ? t("headcount_none") : t("headcount_range", { min: fmt(range[1]), max: fmt(range[2]) });
    const plus = /^(\d+)\+$/.exec(label || "");
    return plus ? t("headcount_plus", { min: fmt(plus[1]) }) : label;
  }

  function card(item) {
    const open = el("button", { type: "button", class: "button link", text: item.name,
      "data-siret": item.siret, onclick: () => openCompany(item) });
    const meta = [item.naf_label, headcount(item.headcount_label), item.city,
      item.distance_km != null ? t("away", { km: fmt(Math.round(item.distance_km * 10) / 10) }) : null]
      .filter(Boolean).join(" · ");
    const why = whyList(item);
    return el("li", { class: "card" },
      el("article", { "aria-labelledby": `card-${item.siret}` },
        el("h2", { class: "card-title", id: `card-${item.siret}` }, open),
        el("p", { class: "meta", text: meta }),
        item.stars != null ? el("p", { class: "stars" },
          el("span", { "aria-hidden": "true", text: stars(item.stars) }), " ",
          t("stars", { stars: fmt(item.stars) })) : null,
        item.open_offers ? el("p", { text: t("open_offers", { count: item.open_offers }) }) : null,
        why ? el("details", { class: "why" }, el("summary", { text: t("why") }), why) : null));
  }

  function renderFacets(facets) {
    const select = $("search-form").naf;
    const chosen = select.value;
    const options = ((facets && facets.naf) || []).map((f) =>
      el("option", { value: f.code, text: `${f.label} (${fmt(f.count)})`, selected: f.code === chosen }));
    select.replaceChildren(el("option", { value: "", text: t("naf_all") }), ...options);
    if (chosen && !options.some((o) => o.value === chosen)) {
      select.append(el("option", { value: chosen, text: chosen, selected: true }));
    }
  }

  async function renderEmpty(distance) {
    const box = $("empty");
    box.replaceChildren(el("p", { text: t("empty_title", { km: distance }) }));
    box.hidden = false;
    for (const km of [30, 50, 100].filter((d) => d > Number(distance))) {
      let total = 0;
      try { total = (await api("companies/count", searchParams({ distance: km, page: 1 }))).total; } catch (err) { break; }
      if (total > 0) {
        box.append(el("p", { text: t("empty_wider", { count: fmt(total), km }) }),
          el("button", { type: "button", class: "button primary", text: t("empty_wider_button", { km }),
            onclick: () => { $("search-form").distance.value = String(km); runSearch(1); } }));
        reportHeight();
        return;
      }
    }
    box.append(el("p", { text: t("empty_none") }));
    reportHeight();
  }

  async function runSearch(page) {
    state.page = page;
    const status = $("results-status");
    const errorBox = $("search-error");
    errorBox.hidden = true;
    status.textContent = t("loading");
    $("results-region").setAttribute("aria-busy", "true");
    try {
      const data = await api("companies", searchParams({ facets: 1 }));
      state.items = data.items || [];
      state.pages = Math.max(1, Math.ceil((data.total || 0) / (data.page_size || 10)));
      $("results").replaceChildren(...state.items.map(card));
      renderFacets(data.facets);
      status.textContent = data.total === 1 ? t("results_count_one") : t("results_count", { count: fmt(data.total || 0) });
      $("pager").hidden = state.pages < 2;
      $("page-label").textContent = t("page_of", { page, pages: state.pages });
      $("prev").disabled = page <= 1;
      $("next").disabled = page >= state.pages;
      $("empty").hidden = true;
      if (!data.total) await renderEmpty(searchParams().distance);
    } catch (err) {
      status.textContent = "";
      errorBox.textContent = err.message;
      errorBox.hidden = false;
      if (err.body && (err.body.field === "rome" || err.body.field === "citycode")) {
        fieldError(err.body.field === "rome" ? "job" : "place", err.message);
      }
    } finally {
      $("results-region").removeAttribute("aria-busy");
      reportHeight();
    }
  }

  $("search-form").addEventListener("submit", (e) => {
    e.preventDefault();
    if (!state.job) jobBox.settle();
    if (!state.place) placeBox.settle();
    fieldError("job", state.job ? null : t("choose_job"));
    fieldError("place", state.place ? null : t("choose_place"));
    if (!state.job) { jobInput.focus(); return; }
    if (!state.place) { placeInput.focus(); return; }
    runSearch(1);
  });
  for (const name of ["distance", "sort", "naf"]) {
    $("search-form")[name].addEventListener("change", () => { if (state.job && state.place) runSearch(1); });
  }
  for (const input of $("search-form").querySelectorAll("input[name=headcount], input[name=flags]")) {
    input.addEventListener("change", () => { if (state.job && state.place) runSearch(1); });
  }
  $("prev").addEventListener("click", () => runSearch(state.page - 1));
  $("next").addEventListener("click", () => runSearch(state.page + 1));

  function backToResults() {
    show("search");
    const button = state.opened && document.querySelector(`[data-siret="${state.opened.siret}"]`);
    (button || $("results-status")).focus();
  }

  /* ---------- company detail ---------- */
  async function openCompany(item) {
    state.opened = item;
    $("company-name").textContent = item.name;
    /* Nothing from the previously opened company stays on screen while this one loads. */
    $("company-apply").hidden = true;
    $("company-apply-note").hidden = true;
    $("company-facts").replaceChildren();
    $("company-why").replaceChildren();
    show("company", $("company-name"));
    let detail = item;
    let canApply = false;
    try {
      const [full, info] = await Promise.all([
        request(`/api/v1/companies/${encodeURIComponent(item.siret)}?lang=${config.lang}`).catch(() => ({})),
        request(config.companyUrl.replace("SIRET", encodeURIComponent(item.siret))),
      ]);
      detail = { ...item, ...full, distance_km: item.distance_km };
      canApply = info.can_apply;
    } catch (err) {
      canApply = false;
    }
    state.opened = detail;
    const facts = [
      [t("activity"), detail.naf_label],
      [t("headcount"), headcount(detail.headcount_label)],
      [t("address"), detail.address && detail.city && detail.address.includes(detail.city)
        ? detail.address
        : [detail.address, [detail.postcode, detail.city].filter(Boolean).join(" ")].filter(Boolean).join(", ")],
      [t("distance_label"), detail.distance_km != null ? t("distance_km", { km: fmt(Math.round(detail.distance_km * 10) / 10) }) : null],
      [t("sort_score"), detail.stars != null ? t("stars_value", { stars: fmt(detail.stars) }) : null],
    ].filter(([, v]) => v);
    $("company-facts").replaceChildren(...facts.flatMap(([k, v]) => [el("dt", { text: k }), el("dd", { text: v })]));
    const why = whyList(detail);
    $("company-why").replaceChildren(...(why ? [el("h3", { text: t("why") }), why] : []),
      detail.contact_mode ? el("p", { text: t("contact_mode", { mode: detail.contact_mode }) }) : "");
    const note = $("company-apply-note");
    $("company-apply").hidden = !canApply;
    note.hidden = canApply;
    note.textContent = config.applyEnabled ? t("apply_unavailable") : t("apply_closed");
    reportHeight();
  }
  $("company-apply").addEventListener("click", () => openApply());

  /* ---------- remembered candidate ----------
     In this iframe's localStorage when the browser allows it; otherwise (third-party storage
     blocked) the partner page keeps an encrypted blob for us that only our server can read. */
  const STORE = "spontane.candidate";
  const localOK = (() => {
    try { localStorage.setItem("spontane.probe", "1"); localStorage.removeItem("spontane.probe"); return true; }
    catch (err) { return false; }
  })();
  let relayed = null; /* {details, blob} received from the partner page */
  const storage = {
    local: localOK,
    load() {
      if (!localOK) return relayed && relayed.details;
      try { return JSON.parse(localStorage.getItem(STORE)) || null; } catch (err) { return null; }
    },
    save(value, blob) {
      if (!localOK) {
        if (blob) { relayed = { details: value, blob }; post("remember", { blob }); }
        return;
      }
      try { localStorage.setItem(STORE, JSON.stringify(value)); }
      catch (err) {
        try { localStorage.setItem(STORE, JSON.stringify({ ...value, cv: null })); } catch (e) { /* full */ }
      }
    },
    clear() {
      relayed = null;
      post("forget");
      if (localOK) { try { localStorage.removeItem(STORE); } catch (err) { /* unavailable */ } }
    },
  };
  window.addEventListener("message", async (event) => {
    if (localOK || event.source !== window.parent || event.origin !== config.parentOrigin) return;
    const data = event.data || {};
    if (data.spontane !== 1 || data.type !== "remembered" || typeof data.blob !== "string") return;
    try {
      const details = await request(config.recallUrl, {
        method: "POST", body: JSON.stringify({ blob: data.blob }),
        headers: { Accept: "application/json", "Content-Type": "application/json" },
      });
      if (details.cv) details.cv.relayed = true;
      relayed = { details, blob: data.blob };
      if (current === "apply") fillRemembered(); /* the form opened before this arrived */
    } catch (err) {
      post("forget"); /* expired or foreign: drop it */
    }
  });
  const PERSON = ["first_name", "last_name", "email", "phone"];
  const readAsDataURL = (file) => new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(reader.result);
    reader.onerror = reject;
    reader.readAsDataURL(file);
  });
  async function dataUrlToFile(cv) {
    const blob = await (await fetch(cv.data)).blob();
    return new File([blob], cv.name, { type: cv.type });
  }

  /* ---------- apply ---------- */
  const form = $("apply-form");
  const message = form.message;
  const updateHint = () => { $("message-hint").textContent = t("message_hint", { left: fmt(4000 - message.value.length) }); };
  message.addEventListener("input", updateHint);

  function openApply() {
    const company = state.opened;
    $("apply-heading").textContent = t("apply_heading", { company: company.name });
    const rome = form.rome_code;
    rome.replaceChildren(el("option", { value: "", text: t("any_job") }));
    if (state.job) rome.append(el("option", { value: state.job.rome, text: state.job.label, selected: true }));
    fillRemembered();
    clearErrors();
    updateHint();
    show("apply", $("apply-heading"));
  }

  function fillRemembered() {
    const remembered = storage.load();
    for (const name of PERSON) {
      if (!form[name].value) form[name].value = config.prefill[name] || (remembered && remembered[name]) || "";
    }
    if (remembered) form.send_copy.checked = Boolean(remembered.send_copy);
    const cvNote = $("cv-remembered");
    cvNote.hidden = !(remembered && remembered.cv);
    if (remembered && remembered.cv) cvNote.textContent = `${t("cv_remembered", { name: remembered.cv.name })} ${t("cv_replace")}`;
    $("welcome").hidden = !remembered;
    if (remembered) $("welcome-text").textContent = t("welcome_back", { name: remembered.first_name || "" });
    reportHeight();
  }

  $("forget").addEventListener("click", () => {
    storage.clear();
    for (const name of PERSON) form[name].value = config.prefill[name] || "";
    form.send_copy.checked = false;
    $("cv-remembered").hidden = true;
    $("welcome").hidden = true;
    $("forget-status").textContent = t("forgotten");
    form.first_name.focus();
    reportHeight();
  });

  function clearErrors() {
    $("apply-error").hidden = true;
    for (const box of form.querySelectorAll(".field-error")) {
      fieldError(box.id.replace(/-error$/, ""), null);
    }
  }

  const ACCEPTED = /\.(pdf|docx?|odt|jpe?g|png)$/i;
  function checkLocally(cvFile, others) {
    const errors = {};
    for (const name of ["first_name", "last_name", "email"]) {
      if (!form[name].value.trim()) errors[name] = t("err_required");
    }
    if (!errors.email && !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(form.email.value.trim())) errors.email = t("err_email");
    if (!form.consent.checked) errors.consent = t("err_consent");
    if (!cvFile) errors.cv = t("err_cv_required");
    const files = [cvFile, ...others].filter(Boolean);
    const bad = files.find((f) => !ACCEPTED.test(f.name));
    if (bad) errors[bad === cvFile ? "cv" : "attachments"] = t("err_file_type", { name: bad.name });
    if (files.length > 5) errors.attachments = t("err_too_many_files");
    if (files.reduce((sum, f) => sum + f.size, 0) > 10 * 1024 * 1024) errors.attachments = t("err_too_large");
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

  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    clearErrors();
    const remembered = storage.load();
    let cvFile = form.cv.files[0] || null;
    const relayedCv = !cvFile && remembered && remembered.cv && remembered.cv.relayed;
    if (!cvFile && remembered && remembered.cv && remembered.cv.data) cvFile = await dataUrlToFile(remembered.cv);
    const others = [...form.attachments.files];
    const errors = checkLocally(cvFile || (relayedCv ? { name: remembered.cv.name, size: 0 } : null), others);
    if (Object.keys(errors).length) { showErrors(errors, t("err_fix_fields")); return; }

    const body = new FormData();
    for (const name of [...PERSON, "message", "rome_code", "website"]) body.append(name, form[name].value);
    body.append("consent", form.consent.checked ? "1" : "0");
    body.append("send_copy", form.send_copy.checked ? "1" : "0");
    body.append("siret", state.opened.siret);
    body.append("lang", config.lang);
    body.append("form_token", config.formToken);
    if (cvFile) body.append("cv", cvFile, cvFile.name);
    else body.append("remembered", relayed.blob);
    if (form.remember.checked) body.append("remember", "1");
    for (const f of others) body.append("attachments", f, f.name);

    const buttons = document.querySelectorAll("button[type=submit][form=apply-form], #send");
    buttons.forEach((b) => { b.disabled = true; b.textContent = t("sending"); });
    try {
      const result = await request(config.applyUrl, { method: "POST", body });
      if (form.remember.checked) {
        const saved = Object.fromEntries(PERSON.map((n) => [n, form[n].value.trim()]));
        saved.send_copy = form.send_copy.checked;
        saved.cv = remembered && remembered.cv && !form.cv.files[0] ? remembered.cv : null;
        if (!storage.local) {
          saved.cv = { name: (cvFile || remembered.cv).name, relayed: true };
        } else if (form.cv.files[0] && form.cv.files[0].size <= 3 * 1024 * 1024) {
          saved.cv = { name: cvFile.name, type: cvFile.type, data: await readAsDataURL(cvFile) };
        }
        storage.save(saved, result.remember);
      } else {
        storage.clear();
      }
      const pending = result.status === "pending_confirmation";
      $("success-heading").textContent = t(pending ? "pending_heading" : "success_heading");
      $("success-text").textContent = t(pending ? "pending_text" : "success_text",
        { company: state.opened.name, email: form.email.value.trim() });
      form.message.value = "";
      form.cv.value = "";
      form.attachments.value = "";
      form.consent.checked = false;
      show("success", $("success-heading"));
    } catch (err) {
      const fields = (err.body && err.body.fields) || (err.body && err.body.field ? { [err.body.field]: err.message } : {});
      if (fields.siret) delete fields.siret;
      showErrors(fields, err.message);
    } finally {
      buttons.forEach((b) => { b.disabled = false; b.textContent = t("send"); });
    }
  });

  /* ---------- offers tab (when the offers API is deployed) ---------- */
  if (config.offers) {
    const tabs = [$("tab-companies"), $("tab-offers")];
    const select = (tab, focus) => {
      for (const other of tabs) {
        const on = other === tab;
        other.setAttribute("aria-selected", String(on));
        other.tabIndex = on ? 0 : -1;
      }
      if (focus) tab.focus();
      if (tab.id === "tab-offers") {
        for (const v of views) $(`view-${v}`).hidden = true;
        $("view-offers").hidden = false;
        if (!$("offers-q").value && state.job) $("offers-q").value = state.job.label;
        $("offers-where").textContent = state.place
          ? t("offers_near", { place: placeLabel(state.place), km: $("search-form").distance.value })
          : t("offers_anywhere");
        reportHeight();
      } else {
        $("view-offers").hidden = true;
        show(current);
      }
    };
    tabs.forEach((tab, i) => {
      tab.addEventListener("click", () => select(tab));
      tab.addEventListener("keydown", (e) => {
        if (e.key === "ArrowRight" || e.key === "ArrowLeft") {
          e.preventDefault();
          select(tabs[(i + 1) % 2], true);
        }
      });
    });
    const money = (n) => fmt(Math.round(n));
    const salary = (s) => {
      if (!s) return null;
      if (s.min != null && s.max != null && s.min !== s.max) return t("salary_range", { min: money(s.min), max: money(s.max) });
      if (s.min != null) return t("salary_from", { min: money(s.min) });
      return t("salary_upto", { max: money(s.max) });
    };
    const offerCard = (o) => {
      const meta = [o.company && o.company.name, o.city || o.place,
        o.contract_type ? t(`contract_${o.contract_type}`) : null, salary(o.salary),
        o.distance_km != null ? t("away", { km: fmt(Math.round(o.distance_km)) }) : null].filter(Boolean).join(" · ");
      const when = o.published_at ? t("offer_published", { date: new Date(o.published_at).toLocaleDateString(config.lang) }) : null;
      const safeUrl = /^https?:\/\//.test(o.url || "") ? o.url : null;
      return el("li", { class: "card" }, el("article", {},
        el("h2", { class: "card-title", text: o.title }),
        el("p", { class: "meta", text: meta }),
        when ? el("p", { class: "meta", text: when }) : null,
        safeUrl ? el("p", {}, el("a", { href: safeUrl, target: "_blank", rel: "noopener noreferrer", text: t("offer_link", { title: o.title }) })) : null));
    };
    $("offers-form").addEventListener("submit", async (e) => {
      e.preventDefault();
      const q = $("offers-q").value.trim();
      fieldError("offers-q", q ? null : t("err_required"));
      if (!q) { $("offers-q").focus(); return; }
      const params = { q, limit: 30 };
      if ($("offers-contract").value) params.contract = $("offers-contract").value;
      if (state.place) {
        params.citycode = state.place.citycode;
        params.distance = $("search-form").distance.value;
      }
      const status = $("offers-status");
      $("offers-error").hidden = true;
      status.textContent = t("loading");
      try {
        const data = await api("offers/search", params);
        const items = data.items || [];
        $("offers").replaceChildren(...items.map(offerCard));
        status.textContent = items.length ? t("offers_count", { count: fmt(items.length) }) : t("offers_none");
      } catch (err) {
        status.textContent = "";
        $("offers-error").textContent = err.message;
        $("offers-error").hidden = false;
      }
      reportHeight();
    });
  }

  /* ---------- start ---------- */
  if (state.job && state.place) runSearch(1);
  post("ready");
  reportHeight();
})();
