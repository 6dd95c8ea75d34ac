/* Spontane widget loader. Partners embed it with
     <script src="https://HOST/widget.js" data-client-id="ID" async></script>
   (optional data-rome, data-place, data-lang, data-theme, data-prefill, data-target, and
   data-on-open, data-on-apply-started, data-on-apply-sent, data-on-error naming global
   functions), or load it and call `Spontane.mount(element or selector, {clientId, rome,
   onApplySent, …})`, which returns `{iframe, destroy()}` with the options, callbacks
   included (onOpen, onApplyStarted, onApplySent, onError: settable later too). Each widget is one iframe from HOST with its own id, height and
   listener; `destroy()` removes its iframe and fallback link and stops hearing from it;
   mounting into an element that holds a widget replaces that widget.

   Served by server/widget/loader.py, which puts the catalogue's strings in place of
   `__TEXTS__` and leaves out indentation and the lines that are only comments (the gzip
   budget counts them): comments here stand on lines of their own. No dependencies. */
(() => {
  // lang → [iframe title, fallback link text]
  const T = __TEXTS__;
  const me = document.currentScript;
  const base = me && new URL(me.src).origin;
  const S = window.Spontane || (() => {
    let count = 0;
    // element → the last widget mounted into it (destroy() may run more than once)
    const widgets = new WeakMap();
    // Each live widget's listener, called with a message event, or with nothing when the
    // system's colour scheme changed.
    const live = new Set();
    const dark = matchMedia("(prefers-color-scheme: dark)");
    addEventListener("message", (event) => live.forEach((on) => on(event)));
    dark.addEventListener("change", () => live.forEach((on) => on()));
    // The page's declared color-scheme, else the system's.
    const scheme = () => {
      const declared = getComputedStyle(document.documentElement).colorScheme;
      return declared == "dark" || declared == "light" ? declared : dark.matches ? "dark" : "light";
    };
    const make = (tag, props) => Object.assign(document.createElement(tag), props);

    const mount = (target, o = {}) => {
      const el = typeof target == "string" ? document.querySelector(target) : target;
      if (!el || !o.clientId) throw Error("Spontane.mount(el, {clientId})");
      const origin = new URL(o.host || base).origin;
      const id = "spontane-" + ++count;
      const query = new URLSearchParams({ parent: location.origin, wid: id, scheme: scheme() });
      for (const key of ["rome", "place", "lang", "theme", "prefill"]) if (o[key]) query.set(key, o[key]);
      const src = origin + "/embed/" + encodeURIComponent(o.clientId) + "?" + query;
      const [title, link] = T[o.lang] || T.fr;
      const box = make("div", { className: "spontane-widget" });
      const style = "display:block;width:100%;height:0;border:0;visibility:hidden;color-scheme:normal";
      const iframe = make("iframe", { src, id, title, style });
      const fallback = make("p", { hidden: true });
      fallback.append(make("a", { href: src, target: "_blank", rel: "noopener", textContent: link }));
      box.append(iframe, fallback);
      // What the iframe cannot keep itself (third-party storage blocked): an encrypted blob
      // only Spontane's server can read, kept in this page's storage.
      const store = (method, blob) => {
        try {
          return localStorage[method]("spontane:" + origin, blob);
        } catch {}
      };
      const send = (type, data) => iframe.contentWindow?.postMessage({ spontane: 1, type, ...data }, origin);
      let ready;
      const on = (event) => {
        if (!event) return ready && send("scheme", { scheme: scheme() });
        // Only this widget's own iframe, from the origin it was loaded from.
        if (event.source != iframe.contentWindow || event.origin != origin) return;
        const { spontane, type, height, blob, top, name, args } = event.data || {};
        if (spontane != 1) return;
        if (type == "height" && height > 0) iframe.style.height = Math.min(height, 2e4) + "px";
        if (type == "ready") {
          const kept = store("getItem");
          if (kept) send("remembered", { blob: kept });
          ready = fallback.hidden = true;
          iframe.style.visibility = "visible";
        }
        if (type == "remember" && typeof blob == "string") store("setItem", blob);
        if (type == "forget") store("removeItem");
        if (type == "view" && iframe.getBoundingClientRect().top < 0) iframe.scrollIntoView();
        // A new page of results: to their top, `top` pixels into the iframe.
        if (type == "scroll" && top >= 0) scrollTo(0, iframe.getBoundingClientRect().top + scrollY + top);
        // The partner's callbacks (onOpen …), if the platform lets this origin have them.
        if (type == "event" && /^on/.test(name)) widget[name]?.(...args);
      };
      // Hidden until the iframe says it is ready; a link to open it if it never does.
      const timer = setTimeout(() => (fallback.hidden = ready) || widget.onError?.({ code: "timeout" }), o.timeout || 1e4);
      // The handle holds the options, callbacks included (they may be replaced).
      const widget = {
        ...o,
        iframe,
        destroy() {
          live.delete(on);
          clearTimeout(timer);
          box.remove();
        },
      };
      widgets.get(el)?.destroy();
      widgets.set(el, widget);
      live.add(on);
      el.append(box);
      return widget;
    };
    return (window.Spontane = { base, mount });
  })();

  // The script-tag form: a widget where data-target says, else right after the tag.
  // data-on-* name global functions, looked up when called (they may be defined later).
  const data = me?.dataset || {};
  if (data.clientId) {
    let el = data.target && document.querySelector(data.target);
    if (!el) me.after((el = document.createElement("div")));
    const o = { ...data, host: base };
    for (const k in data) if (/^on/.test(k)) o[k] = (...args) => window[data[k]](...args);
    S.mount(el, o);
  }
})();
