/* The partner's funnel: callbacks to the partner page (onOpen, onApplyStarted,
   onApplySent, onError), and the server's count of opened apply forms.

   Callbacks are posted only to the page's origin (core.js `post`), which the server
   checked against the platform, and only when the platform listed that origin for
   callbacks (config.callbacks). Nothing personal is sent: a SIRET, an application id,
   an error code. */
import { config, post } from "./core.js";

export function emit(name, ...args) {
  if (config.callbacks) post("event", { name, args });
}

/* Once per company and page: the candidate opened its apply form. */
const counted = new Set();
export function applyStarted(siret) {
  emit("onApplyStarted", { siret });
  if (counted.has(siret)) return;
  counted.add(siret);
  fetch(config.startUrl, {
    method: "POST",
    credentials: "omit",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ form_token: config.formToken, siret }),
  }).catch(() => {}); /* a count lost to the network changes nothing for the candidate */
}
