// shopguard.js: what the popup and the options page share.
"use strict";

const DEFAULT_SERVER = "http://127.0.0.1:8080";

// serverURL returns the shopguard server the shopper chose.
async function serverURL() {
  const { server } = await chrome.storage.sync.get({ server: DEFAULT_SERVER });
  return server.replace(/\/+$/, "");
}

// uiLang is the language the server explains its verdict in.
function uiLang() {
  return chrome.i18n.getUILanguage().toLowerCase().startsWith("zh") ? "zh-CN" : "en";
}

// assess sends the page's address and the selected text, and nothing else, to the server.
async function assess(pageURL, selection) {
  const body = {};
  if (/^https?:/.test(pageURL || "")) body.site = pageURL;
  if (selection && selection.trim()) body.chat = selection.trim().slice(0, 20000);
  const resp = await fetch((await serverURL()) + "/api/v1/assess?lang=" + uiLang(), {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(body),
    credentials: "omit",
  });
  const answer = await resp.json();
  if (!resp.ok) throw new Error((answer.error && answer.error.message) || resp.status);
  return answer;
}
