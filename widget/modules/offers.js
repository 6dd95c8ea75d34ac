/* The job offers tab (shown when the offers API is deployed). */
import {
  $, api, config, currentView, day, el, fieldError, fmt, placeLabel, reportHeight, show, state, t, views,
} from "./core.js";

let tabs = [];
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
    show(currentView());
  }
};
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
    o.distance_km != null ? t("away", { km: fmt(Math.round(o.distance_km * 10) / 10) }) : null].filter(Boolean).join(" · ");
  const when = o.published_at ? t("offer_published", { date: day(o.published_at) }) : null;
  const safeUrl = /^https?:\/\//.test(o.url || "") ? o.url : null;
  return el("li", { class: "card" }, el("article", {},
    el("h2", { class: "card-title", text: o.title }),
    el("p", { class: "meta", text: meta }),
    when ? el("p", { class: "meta", text: when }) : null,
    safeUrl ? el("p", {}, el("a", { href: safeUrl, target: "_blank", rel: "noopener noreferrer", text: t("offer_link", { title: o.title }) })) : null));
};
async function searchOffers(e) {
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
    status.textContent = items.length === 1 ? t("offers_count_one")
      : items.length ? t("offers_count", { count: fmt(items.length) }) : t("offers_none");
  } catch (err) {
    status.textContent = "";
    $("offers-error").textContent = err.message;
    $("offers-error").hidden = false;
  }
  reportHeight();
}

/* The tabs (arrow keys move between them, as the ARIA tabs pattern says) and the form. */
export function setupOffers() {
  if (!config.offers) return;
  tabs = [$("tab-companies"), $("tab-offers")];
  tabs.forEach((tab, i) => {
    tab.addEventListener("click", () => select(tab));
    tab.addEventListener("keydown", (e) => {
      if (e.key === "ArrowRight" || e.key === "ArrowLeft") {
        e.preventDefault();
        select(tabs[(i + 1) % 2], true);
      }
    });
  });
  $("offers-form").addEventListener("submit", searchOffers);
}
