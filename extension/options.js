// options.js: choose the shopguard server; permission to reach it is asked for on saving.
"use strict";

document.getElementById("server-label").textContent = chrome.i18n.getMessage("server");
document.getElementById("save").textContent = chrome.i18n.getMessage("save");
serverURL().then((s) => { document.getElementById("server").value = s; });

document.getElementById("form").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  const status = document.getElementById("status");
  const server = document.getElementById("server").value.replace(/\/+$/, "");
  const origin = new URL(server).origin + "/*";
  const granted = await chrome.permissions.contains({ origins: [origin] }) ||
    await chrome.permissions.request({ origins: [origin] });
  if (!granted) {
    status.textContent = chrome.i18n.getMessage("denied");
    return;
  }
  await chrome.storage.sync.set({ server });
  status.textContent = chrome.i18n.getMessage("saved");
});
