// popup.js: check the shop in the current tab and the text selected on it.
"use strict";

const $ = (id) => document.getElementById(id);
const t = (key) => chrome.i18n.getMessage(key);

$("check").textContent = t("checkPage");
$("sends").textContent = t("sends");
$("options").textContent = t("server");

// shopTab is the tab the shopper is looking at: the active tab, not this extension's page
// (when the popup is opened as a page of its own, the last active other tab).
async function shopTab() {
  const tabs = await chrome.tabs.query({ active: true });
  const others = tabs.filter((tab) => tab.url && !tab.url.startsWith(location.origin));
  others.sort((a, b) => (b.lastAccessed || 0) - (a.lastAccessed || 0));
  return others[0];
}

// selectedText returns the text selected in the tab, or "" when it cannot be read.
async function selectedText(tab) {
  try {
    const [res] = await chrome.scripting.executeScript({ target: { tabId: tab.id }, func: () => String(getSelection()) });
    return (res && res.result) || "";
  } catch (e) {
    return "";
  }
}

function show(answer) {
  const risk = $("risk");
  risk.textContent = t("risk_" + answer.risk) + " (" + answer.score + "/100)";
  risk.className = "risk-" + answer.risk;
  risk.dataset.risk = answer.risk;
  const list = $("signals");
  list.replaceChildren();
  for (const s of answer.signals || []) {
    const li = document.createElement("li");
    li.textContent = s.message;
    li.dataset.code = s.code;
    li.className = s.weight < 0 ? "good" : "bad";
    list.append(li);
  }
  const advice = $("advice");
  advice.replaceChildren();
  for (const a of answer.advice || []) {
    const li = document.createElement("li");
    li.textContent = a;
    advice.append(li);
  }
  $("unchecked").textContent = (answer.checked || []).length === 0 ? t("nothing") :
    (answer.unchecked || []).length ? t("notChecked") + " " + answer.unchecked.join("; ") : "";
  $("verdict").hidden = false;
}

$("check").addEventListener("click", async () => {
  $("status").textContent = t("checking");
  $("verdict").hidden = true;
  try {
    const tab = await shopTab();
    const selection = tab ? await selectedText(tab) : "";
    show(await assess(tab ? tab.url : "", selection));
    $("status").textContent = "";
  } catch (e) {
    $("status").textContent = t("failed") + " " + e.message;
  }
});
