/* The remembered candidate, for one-click applying.
   In this iframe's localStorage when the browser allows it (for config.rememberDays);
   otherwise (third-party storage blocked) the partner page keeps an encrypted blob for us.
   That blob stands for nothing personal (server/applications/remember.py): the details
   typed in this visit stay in this page's memory only, and the CV on file leaves only
   once the candidate confirms by email. */
import { config, onParentMessage, post, request, t, withFormToken } from "./core.js";

const STORE = "spontane.candidate";
let localOK = false; /* set by setupCandidate() */
let relayed = null; /* {details, blob, file}: the partner page's blob, this visit's details */
let onRelayed = () => {};
export const storage = {
  get local() { return localOK; },
  load() {
    if (!localOK) return relayed && relayed.details;
    let saved = null;
    try { saved = JSON.parse(localStorage.getItem(STORE)) || null; } catch (err) { return null; }
    if (saved && !(Date.now() - (saved.savedAt || 0) < config.rememberDays * 86400e3)) {
      this.clear(); /* expired (or saved before expiry existed) */
      return null;
    }
    return saved;
  },
  save(value, blob, file) {
    if (!localOK) {
      if (blob) { relayed = { details: value, blob, file }; post("remember", { blob }); }
      return;
    }
    const saved = { ...value, savedAt: Date.now() };
    try { localStorage.setItem(STORE, JSON.stringify(saved)); }
    catch (err) {
      try { localStorage.setItem(STORE, JSON.stringify({ ...saved, cv: null })); } catch (e) { /* full */ }
    }
  },
  clear() {
    if (relayed && relayed.blob) {
      /* The blob stops working on the server too, whatever the partner page does. */
      const blob = relayed.blob;
      withFormToken((token) => request(config.forgetUrl, {
        method: "POST", body: JSON.stringify({ blob, form_token: token }),
        headers: { Accept: "application/json", "Content-Type": "application/json" },
      })).catch(() => {});
    }
    relayed = null;
    post("forget");
    if (localOK) { try { localStorage.removeItem(STORE); } catch (err) { /* unavailable */ } }
  },
  /* The blob that stands for the remembered CV when the partner page keeps it. */
  relayedBlob: () => relayed && relayed.blob,
  /* The CV chosen earlier in this visit, kept in memory only. */
  relayedFile: () => relayed && relayed.file,
  /* Called when the partner page's blob has been read (it may arrive after the form opened). */
  whenRelayed(callback) { onRelayed = callback; },
};
/* Probes this iframe's storage, then listens for the blob the partner page keeps for us (it
   sends it once told we are ready). */
export function setupCandidate() {
  try {
    localStorage.setItem("spontane.probe", "1");
    localStorage.removeItem("spontane.probe");
    localOK = true;
  } catch (err) {
    localOK = false;
  }
  onParentMessage(onRemembered);
}

async function onRemembered(data) {
  if (localOK || data.type !== "remembered" || typeof data.blob !== "string") return;
  try {
    const found = await withFormToken((token) => request(config.recallUrl, {
      method: "POST", body: JSON.stringify({ blob: data.blob, form_token: token }),
      headers: { Accept: "application/json", "Content-Type": "application/json" },
    }));
    /* Nothing personal comes back: only whether a CV is on file. The blob exists only
       because the candidate consented when applying with it: that consent holds. */
    const cv = found.cv ? { name: t("cv_on_file"), relayed: true } : null;
    relayed = { details: { device: true, cv, consent: true }, blob: data.blob, file: null };
    onRelayed();
  } catch (err) {
    post("forget"); /* expired or foreign: drop it */
  }
}

export const readAsDataURL = (file) => new Promise((resolve, reject) => {
  const reader = new FileReader();
  reader.onload = () => resolve(reader.result);
  reader.onerror = reject;
  reader.readAsDataURL(file);
});
export async function dataUrlToFile(cv) {
  const blob = await (await fetch(cv.data)).blob();
  return new File([blob], cv.name, { type: cv.type });
}
