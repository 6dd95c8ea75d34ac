/* The company detail view, and the wording shared with the result cards. */
import { $, config, el, fmt, rating, reportHeight, request, show, state, t } from "./core.js";

export function whyList(item) {
  const why = item.explanation || {};
  /* The server's words (hiring band, trend, the sector's share of the job's hires). */
  const points = [...(why.points || [])];
  if (points.length) return el("ul", {}, ...points.map((p) => el("li", { text: p })));
  if (why.hires_last_12m === 1) points.push(t("why_hires_one"));
  else if (why.hires_last_12m != null) points.push(t("why_hires", { count: fmt(why.hires_last_12m) }));
  if (why.trend) points.push(t(`trend_${why.trend}`));
  if (why.predicted_band) points.push(t("why_band", { band: why.predicted_band }));
  return points.length ? el("ul", {}, ...points.map((p) => el("li", { text: p }))) : null;
}

/* INSEE brackets come as "1-2", "0-0", "10000+": say them in words. */
export function headcount(label) {
  const range = /^(\d+)-(\d+)$/.exec(label || "");
  if (range) return range[2] === "0" ? t("headcount_none") : t("headcount_range", { min: fmt(range[1]), max: fmt(range[2]) });
  const plus = /^(\d+)\+$/.exec(label || "");
  return plus ? t("headcount_plus", { min: fmt(plus[1]) }) : label;
}

/* Opens the company; resolves to whether it can receive an application. */
export async function openCompany(item) {
  state.opened = item;
  $("company-name").textContent = item.name;
  /* Nothing from the previously opened company stays on screen while this one loads. */
  $("company-apply").hidden = true;
  $("company-apply-note").hidden = true;
  $("company-contact-mode").hidden = true;
  $("company-facts").replaceChildren();
  $("company-why").replaceChildren();
  show("company", $("company-name"));
  let detail = item;
  let canApply = false;
  let reason = "apply_unavailable";
  try {
    const [full, info] = await Promise.all([
      request(`/api/v1/companies/${encodeURIComponent(item.siret)}?lang=${config.lang}`).catch(() => ({})),
      request(config.companyUrl.replace("SIRET", encodeURIComponent(item.siret))),
    ]);
    detail = { ...item, ...full, distance_km: item.distance_km };
    canApply = info.can_apply;
    reason = info.reason || reason;
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
    [t("sort_score"), detail.stars != null ? t("stars_value", { stars: rating(detail.stars) }) : null],
  ].filter(([, v]) => v);
  $("company-facts").replaceChildren(...facts.flatMap(([k, v]) => [el("dt", { text: k }), el("dd", { text: v })]));
  const why = whyList(detail);
  $("company-why").replaceChildren(...(why ? [el("h3", { text: t("why") }), why] : []));
  /* The reference data's advice, under the button: how such companies are usually
     contacted, not an instruction against applying here. */
  const mode = $("company-contact-mode");
  mode.textContent = detail.contact_mode ? t("contact_mode", { mode: detail.contact_mode }) : "";
  mode.hidden = !detail.contact_mode;
  const note = $("company-apply-note");
  $("company-apply").hidden = !canApply;
  note.hidden = canApply;
  /* Why not: closed here, the company opted out, has no address, or its address refuses mail. */
  note.textContent = t(reason);
  reportHeight();
  return canApply;
}
