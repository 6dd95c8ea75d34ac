/* The search view: job and place inputs, filters, facets, result cards, pages. */
import { openApply } from "./apply.js";
import { combobox } from "./combobox.js";
import { headcount, openCompany, whyList } from "./company.js";
import { $, api, config, el, fieldError, fmt, placeLabel, post, rating, reportHeight, show, state, t } from "./core.js";

let form = null;

function searchParams(overrides = {}) {
  const params = {
    rome: state.job.rome,
    citycode: state.place.citycode,
    distance: form.distance.value,
    sort: form.sort.value,
    page: state.page,
    page_size: 10,
    lang: config.lang,
  };
  const headcountChoice = form.querySelector("input[name=headcount]:checked").value;
  if (headcountChoice) params.headcount = headcountChoice;
  const flags = [...form.querySelectorAll("input[name=flags]:checked")].map((c) => c.value);
  if (flags.length) params.flags = flags.join(",");
  if (form.naf.value) params.naf = form.naf.value;
  if (form.alternance.checked) params.contract = "alternance";
  if (form.can_apply && form.can_apply.checked) params.can_apply = 1;
  return { ...params, ...overrides };
}

const stars = (value) => {
  const full = Math.min(5, Math.max(0, Math.round(value)));
  return "★".repeat(full) + "☆".repeat(5 - full);
};

/* Can an application reach it: said on the card, with why not (the server knows whether an
   address is known and accepts mail; the platform whether applying is open here). */
function applyState(item) {
  const reason = !config.applyEnabled ? "closed" : item.can_apply === false ? item.apply_reason || "no_email" : null;
  if (reason) {
    return el("p", { class: "apply-state off", text: t("card_no_contact", { reason: t(`card_reason_${reason}`) }) });
  }
  return el("p", { class: "apply-state on" },
    el("span", { class: "apply-state-label", text: t("card_can_apply") }), " ",
    el("button", { type: "button", class: "button primary small", "data-apply": item.siret,
      onclick: async () => { if (await openCompany(item)) openApply(); } },
    t("card_apply"), el("span", { class: "visually-hidden", text: ` – ${item.name}` })));
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
        t("stars", { stars: rating(item.stars) })) : null,
      applyState(item),
      item.open_offers ? el("p", { text: t("open_offers", { count: item.open_offers }) }) : null,
      why ? el("details", { class: "why" }, el("summary", { text: t("why") }), why) : null));
}

function renderFacets(facets) {
  const select = form.naf;
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
          onclick: () => { form.distance.value = String(km); runSearch(1); } }));
      reportHeight();
      return;
    }
  }
  box.append(el("p", { text: t("empty_none") }));
  reportHeight();
}

/* After "Next" or "Previous": the reader goes to the top of the results (the partner page
   scrolls the iframe there) and screen readers to their heading. */
function toResultsTop() {
  const heading = $("results-heading");
  heading.focus({ preventScroll: true });
  if (window.parent !== window) post("scroll", { top: Math.max(0, heading.getBoundingClientRect().top + window.scrollY - 8) });
  else heading.scrollIntoView({ block: "start" });
}

export async function runSearch(page) {
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

/* Back buttons return focus to where the candidate was. */
function backToResults() {
  show("search");
  const button = state.opened && document.querySelector(`[data-siret="${state.opened.siret}"]`);
  (button || $("results-status")).focus();
}

/* Fills the inputs from the partner's defaults and wires the form, pages and back buttons. */
export function setupSearch() {
  form = $("search-form");
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
    (item) => ({ value: placeLabel(item), label: item.label || item.name, detail: item.zipcode }),
    (item) => { state.place = item; if (item) fieldError("place", null); });

  form.addEventListener("submit", (e) => {
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
    form[name].addEventListener("change", () => { if (state.job && state.place) runSearch(1); });
  }
  for (const input of form.querySelectorAll("input[name=headcount], input[name=flags], #alternance, #can-apply")) {
    input.addEventListener("change", () => { if (state.job && state.place) runSearch(1); });
  }
  $("prev").addEventListener("click", async () => { await runSearch(state.page - 1); toResultsTop(); });
  $("next").addEventListener("click", async () => { await runSearch(state.page + 1); toResultsTop(); });

  for (const button of document.querySelectorAll("[data-back]")) {
    button.addEventListener("click", () => {
      if (button.dataset.back === "company") show("company", $("company-name"));
      else backToResults();
    });
  }
}
