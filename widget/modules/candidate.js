/* The remembered candidate, for one-click applying.
   In this iframe's localStorage when the browser allows it; otherwise (third-party storage
   blocked) the partner page keeps an encrypted blob for us that only our server can read. */
import { config, onParentMessage, post, request } from "./core.js";

const STORE = "spontane.candidate";
let localOK = false; /* set by setupCandidate() */
let relayed = null; /* {details, blob} received from the partner page */
let onRelayed = () => {};
export const storage = {
  get local() { return localOK; },
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
  /* The blob that stands for the remembered CV when the partner page keeps it. */
  relayedBlob: () => relayed && relayed.blob,
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
    const details = await request(config.recallUrl, {
      method: "POST", body: JSON.stringify({ blob: data.blob }),
      headers: { Accept: "application/json", "Content-Type": "application/json" },
    });
    if (details.cv) details.cv.relayed = true;
    relayed = { details, blob: data.blob };
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
