/* Autocomplete inputs following the ARIA 1.2 combobox pattern. */
import { announce, el, reportHeight, t } from "./core.js";

/* fetchItems(q) → items; describe(item) → {value, label, detail}; onPick(item or null). */
export function combobox(input, list, fetchItems, describe, onPick) {
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
