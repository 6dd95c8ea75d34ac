/* Spontane widget loader: <script src="https://HOST/widget.js" data-client-id="ID" async>.
   No dependencies. Each script tag (or Spontane.mount call) adds one iframe served by HOST. */
(function () {
  "use strict";
  var script = document.currentScript;
  var base = script && script.src ? new URL(script.src).origin : null;
  var S = window.Spontane;
  if (!S) {
    var count = 0;
    var dark = window.matchMedia && matchMedia("(prefers-color-scheme: dark)");
    var scheme = function () {
      // The host's declared color-scheme wins over the system preference.
      var declared = getComputedStyle(document.documentElement).colorScheme || "";
      if (/^\s*dark\s*$/.test(declared)) return "dark";
      if (/^\s*light\s*$/.test(declared)) return "light";
      return dark && dark.matches ? "dark" : "light";
    };
    var frames = [];
    var store = function (origin, blob) {
      try {
        var key = "spontane:" + origin;
        if (blob === undefined) return localStorage.getItem(key);
        blob ? localStorage.setItem(key, blob) : localStorage.removeItem(key);
      } catch (e) { return null; }
    };
    if (dark && dark.addEventListener) {
      dark.addEventListener("change", function () {
        frames.forEach(function (f) {
          f.el.contentWindow && f.el.contentWindow.postMessage({ spontane: 1, type: "scheme", scheme: scheme() }, f.origin);
        });
      });
    }
    window.addEventListener("message", function (event) {
      var data = event.data;
      if (!data || data.spontane !== 1) return;
      frames.forEach(function (f) {
        // Only our own iframe, from the origin it was loaded from, may talk to us.
        if (event.source !== f.el.contentWindow || event.origin !== f.origin) return;
        if (data.type === "height" && data.height > 0) f.el.style.height = Math.min(data.height, 20000) + "px";
        if (data.type === "ready") f.ready();
        // Details the iframe cannot keep itself (third-party storage blocked): an encrypted
        // blob only Spontane's server can read, kept in this page's storage for it.
        if (data.type === "remember" && typeof data.blob == "string") store(f.origin, data.blob);
        if (data.type === "forget") store(f.origin, null);
        if (data.type === "view" && f.el.getBoundingClientRect().top < 0) f.el.scrollIntoView();
      });
    });
    S = window.Spontane = {
      base: base,
      mount: function (target, options) {
        options = options || {};
        var origin = new URL(options.host || S.base).origin;
        var node = typeof target === "string" ? document.querySelector(target) : target;
        if (!node || !options.clientId) throw new Error("Spontane.mount(element, {clientId}) needs both");
        var id = "spontane-" + ++count;
        var params = new URLSearchParams({ parent: location.origin, wid: id, scheme: scheme() });
        ["rome", "place", "lang", "theme", "prefill"].forEach(function (k) {
          if (options[k]) params.set(k, options[k]);
        });
        var src = origin + "/embed/" + encodeURIComponent(options.clientId) + "?" + params;
        var box = document.createElement("div");
        box.className = "spontane-widget";
        var iframe = document.createElement("iframe");
        iframe.src = src;
        iframe.id = id;
        iframe.title = options.title || (options.lang === "en" ? "Company search and applications" : "Recherche d'entreprises et candidatures");
        iframe.style.cssText = "display:block;width:100%;height:0;border:0;visibility:hidden;color-scheme:normal";
        var fallback = document.createElement("p");
        fallback.hidden = true;
        var link = document.createElement("a");
        link.href = src;
        link.target = "_blank";
        link.rel = "noopener";
        link.textContent = options.lang === "en" ? "Open the company search" : "Ouvrir la recherche d'entreprises";
        fallback.appendChild(link);
        box.appendChild(iframe);
        box.appendChild(fallback);
        node.appendChild(box);
        var frame = { el: iframe, origin: origin, done: false };
        frame.ready = function () {
          var blob = store(origin);
          if (blob) iframe.contentWindow.postMessage({ spontane: 1, type: "remembered", blob: blob }, origin);
          frame.done = true;
          fallback.hidden = true;
          iframe.style.visibility = "visible";
        };
        frames.push(frame);
        // Hidden until the iframe says it is ready; a link if it never does.
        setTimeout(function () { if (!frame.done) fallback.hidden = false; }, options.timeout || 10000);
        return iframe;
      }
    };
  }
  if (!script || !script.dataset.clientId) return;
  var d = script.dataset;
  var target = d.target ? document.querySelector(d.target) : null;
  if (!target) {
    target = document.createElement("div");
    script.parentNode.insertBefore(target, script.nextSibling);
  }
  S.mount(target, {
    host: base, clientId: d.clientId, rome: d.rome, place: d.place, lang: d.lang, theme: d.theme, prefill: d.prefill
  });
})();
