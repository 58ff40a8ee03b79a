// Progressive enhancement only: every page works without this file.
import { initAll } from "../vendor/nhsuk/nhsuk-frontend.min.js";

initAll();

// After HTMX swaps content in, re-initialise NHS.UK components inside it and move focus
// (or announce) as the NHS.UK patterns expect.
document.addEventListener("htmx:afterSwap", (event) => {
  const target = event.detail.target;
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
