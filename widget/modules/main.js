/* Spontane iframe app, the entry module: reads the page's config (a JSON block, since the CSP
   allows no inline script), sets every part up, runs the first search when the partner gave a
   job and a place, then tells the partner page it is ready. */
import { setupApply } from "./apply.js";
import { setupCandidate } from "./candidate.js";
import { configure, post, reportHeight, state } from "./core.js";
import { emit } from "./funnel.js";
import { setupOffers } from "./offers.js";
import { runSearch, setupSearch } from "./search.js";

configure(JSON.parse(document.getElementById("spontane-config").textContent));
setupSearch();
setupCandidate(); /* before "ready": the partner page answers it with the remembered blob */
setupApply();
setupOffers();
if (state.job && state.place) runSearch(1);
post("ready");
emit("onOpen");
reportHeight();
