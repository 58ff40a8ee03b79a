// Progressive enhancement only: every page works without this file.
import { initAll } from "../vendor/nhsuk/nhsuk-frontend.min.js";

initAll();

// After HTMX swaps content in, re-initialise NHS.UK components inside it and move focus
// (or announce) as the NHS.UK patterns expect.
document.addEventListener("htmx:afterSwap", (event) => {
  let target = event.detail.target;
  // An outerHTML swap replaces the target itself: look at its replacement instead.
  if (!target.isConnected && target.id) target = document.getElementById(target.id) || document.body;
  initAll({ scope: target });
  const focusTarget = target.querySelector("[data-focus-after-swap]");
  if (focusTarget) {
    if (!focusTarget.hasAttribute("tabindex")) focusTarget.setAttribute("tabindex", "-1");
    focusTarget.focus();
  }
  const announcement = target.querySelector("[data-announce]");
  const live = document.getElementById("live-region");
  if (announcement && live) live.textContent = announcement.getAttribute("data-announce");
});

// The session view polls for changes made on the other screen. Never swap them in over
// something this person is typing: their save will tell them if the other screen changed it.
document.addEventListener("htmx:beforeSwap", (event) => {
  const target = event.detail.target;
  const active = document.activeElement;
  const isPoll = event.detail.requestConfig && event.detail.requestConfig.verb === "get";
  if (!isPoll || !target || target.id !== "session-live" || !active || !target.contains(active)) return;
  const typing = (active.tagName === "TEXTAREA" || active.tagName === "INPUT") && active.value !== active.defaultValue;
  if (typing) event.detail.shouldSwap = false;
});
