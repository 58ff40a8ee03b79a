// Progressive enhancement only: every page works without this file.
import { initAll } from "../vendor/nhsuk/nhsuk-frontend.min.js";

initAll();

const PROBLEM_REGION = "htmx-problem"; // in the layout; portal/htmx.py retargets error pages to it
const SETTLE_MS = 800;

// --- Fields this person changed and has not saved ----------------------------------------------

// What the server last sent is each field's default (defaultValue, defaultChecked).
function isChanged(field) {
  if (field.type === "radio" || field.type === "checkbox") return field.checked !== field.defaultChecked;
  if (field.tagName === "TEXTAREA" || (field.tagName === "INPUT" && field.type !== "hidden")) {
    return field.value !== field.defaultValue;
  }
  return false;
}

function unsavedFields(root) {
  return Array.from(root.querySelectorAll("input, textarea")).filter(isChanged);
}

// A poll (an element marked data-poll asking for the other screen's changes) never replaces a
// region holding unsaved words or a refused save (the server marks those data-unsaved): the
// person's own save brings the other screen's changes in, or shows the clash.
// (htmx sets detail.elt to the element each event is fired on; requestConfig.elt asked.)
function requester(detail) {
  return (detail.requestConfig && detail.requestConfig.elt) || null;
}

function isPoll(detail) {
  const elt = requester(detail);
  return Boolean(elt && elt.matches("[data-poll]"));
}

// A save from one form redraws the whole region: carry what was typed in the others across.
let carried = [];

document.addEventListener("htmx:beforeSwap", (event) => {
  const detail = event.detail;
  const target = detail.target;
  carried = [];
  if (!target || !detail.shouldSwap || target.id === PROBLEM_REGION) return;
  if (isPoll(detail)) {
    if (target.querySelector("[data-unsaved]") || unsavedFields(target).length) detail.shouldSwap = false;
    return;
  }
  const elt = requester(detail);
  const form = elt ? elt.closest("form") : null;
  carried = unsavedFields(target)
    .filter((field) => field.id && !(form && form.contains(field)))
    .map((field) => ({ id: field.id, value: field.value, checked: field.checked }));
});

// --- After a swap: NHS.UK components, focus, announcements --------------------------------------

document.addEventListener("htmx:afterSwap", (event) => {
  let target = event.detail.target;
  // An outerHTML swap replaces the target itself: look at its replacement instead.
  if (!target.isConnected && target.id) target = document.getElementById(target.id) || document.body;
  for (const { id, value, checked } of carried) {
    const field = document.getElementById(id);
    if (!field) continue;
    if (field.type === "radio" || field.type === "checkbox") field.checked = checked;
    else field.value = value;
  }
  carried = [];
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

// --- Answers that are not swapped: a server error, or no answer at all --------------------------

// The layout's htmx config swaps every 4xx answer (a refused save shows its own message). A 5xx
// answer, or none, is not swapped: say so above the form, which keeps what was typed.
function showProblem(kind) {
  const region = document.getElementById(PROBLEM_REGION);
  if (!region) return;
  const summary = document.createElement("div");
  summary.className = "nhsuk-error-summary";
  summary.setAttribute("role", "alert");
  summary.tabIndex = -1;
  const text = document.createElement("p");
  text.textContent = region.getAttribute(kind === "send" ? "data-send-error" : "data-server-error");
  const body = document.createElement("div");
  body.className = "nhsuk-error-summary__body";
  body.append(text);
  summary.append(body);
  region.replaceChildren(summary);
  summary.focus();
}

document.addEventListener("htmx:responseError", () => showProblem("server"));
document.addEventListener("htmx:sendError", () => showProblem("send"));
document.addEventListener("htmx:timeout", () => showProblem("send"));

// A new save clears the last problem shown.
document.addEventListener("htmx:beforeRequest", (event) => {
  if (isPoll(event.detail)) return;
  const region = document.getElementById(PROBLEM_REGION);
  if (region) region.replaceChildren();
});

// --- Autosave the settled choice -----------------------------------------------------------------

// Arrowing through a radio group checks each radio in turn, and each fires "change". A form that
// saves as it changes (data-autosave, hx-trigger="settled") is sent once the choice has settled,
// with the last one; a text box is sent as soon as it is left. Pressing the form's own button
// sends it at once and forgets any save still waiting.
const waiting = new WeakMap();

document.addEventListener("change", (event) => {
  const form = event.target.form;
  if (!form || !form.matches("[data-autosave]")) return;
  clearTimeout(waiting.get(form));
  const delay = event.target.type === "radio" ? SETTLE_MS : 0;
  waiting.set(form, setTimeout(() => {
    waiting.delete(form);
    // A save from another form may have redrawn this one meanwhile (its choice carried across).
    const current = form.isConnected ? form : form.id && document.getElementById(form.id);
    if (current) current.dispatchEvent(new Event("settled", { bubbles: true }));
  }, delay));
});

document.addEventListener("submit", (event) => {
  clearTimeout(waiting.get(event.target));
  waiting.delete(event.target);
}, true);

// --- A status message from the last action ("Rating saved."): focus it, so it is read first -------

// (components/page.html flash_messages). An error summary takes focus itself; a link to a part of
// the page (#entry-3) keeps its place on screen.
const flash = document.querySelector("[data-flash]");
if (flash && !document.querySelector(".nhsuk-error-summary")) {
  flash.focus({ preventScroll: Boolean(window.location.hash) });
}

// --- "Print this page" (components/page.html print_this_page): shown only where it can print ---

for (const button of document.querySelectorAll("[data-print-page]")) {
  button.hidden = false;
  button.addEventListener("click", () => window.print());
}

// --- Signing out after a while without use (portal/session_lifetime.py) -------------------------

const BACKGROUND_HEADER = "X-Portal-Background";

// The page's own polls do not count as using the portal.
document.addEventListener("htmx:configRequest", (event) => {
  if (isPoll(event.detail)) event.detail.headers[BACKGROUND_HEADER] = "1";
});

const warning = document.getElementById("session-warning");
if (warning && typeof warning.showModal === "function") {
  const WARN_BEFORE_S = 120;
  const PING_EVERY_MS = 5 * 60 * 1000;
  const idleSeconds = Number(warning.dataset.idleSeconds);
  const csrfToken = JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"];
  let warnTimer = null;
  let endTimer = null;
  let lastPing = Date.now();
  let ended = false;

  const schedule = (secondsLeft) => {
    clearTimeout(warnTimer);
    clearTimeout(endTimer);
    warnTimer = setTimeout(check, Math.max(0, secondsLeft - WARN_BEFORE_S) * 1000);
  };

  // How long the server says is left (another tab may have kept the session going).
  const askRemaining = async () => {
    try {
      const response = await fetch(warning.dataset.remainingUrl, {
        headers: { [BACKGROUND_HEADER]: "1", Accept: "application/json" }, redirect: "manual",
      });
      if (!response.ok) return 0;
      return (await response.json()).seconds;
    } catch {
      return null; // no connection: keep counting here
    }
  };

  const showEnded = () => {
    ended = true;
    clearTimeout(warnTimer);
    clearTimeout(endTimer);
    warning.querySelector("#session-warning-title").textContent = warning.dataset.endedTitle;
    warning.querySelector("#session-warning-text").textContent = warning.dataset.endedText;
    warning.querySelector("[data-choices]").hidden = true;
    warning.querySelector("[data-sign-in]").hidden = false;
    if (!warning.open) warning.showModal();
  };

  async function check() {
    const left = await askRemaining();
    if (left === 0) return showEnded();
    if (left !== null && left > WARN_BEFORE_S + 5) {
      if (warning.open) warning.close(); // used in another tab meanwhile
      return schedule(left);
    }
    if (!warning.open) warning.showModal();
    // When the time is up, ask again before saying so: another tab may have kept it going.
    endTimer = setTimeout(async () => {
      const now = await askRemaining();
      if (now !== null && now > 0) return check();
      showEnded();
    }, (left === null ? WARN_BEFORE_S : left) * 1000 + 1000);
  }

  const stay = async () => {
    if (ended) return;
    lastPing = Date.now();
    try {
      const response = await fetch(warning.dataset.stayUrl, {
        method: "POST", headers: { "X-CSRFToken": csrfToken }, redirect: "manual",
      });
      if (!response.ok) return showEnded();
    } catch {
      return; // no connection: the warning stays, and the next try may work
    }
    if (warning.open) warning.close();
    schedule(idleSeconds);
  };

  warning.querySelector("[data-stay]").addEventListener("click", stay);
  warning.querySelector("[data-close]").addEventListener("click", () => warning.close());
  // Escape closes the dialog: the person is here, so that is "stay signed in" too.
  warning.addEventListener("cancel", (event) => {
    if (ended) return;
    event.preventDefault();
    stay();
  });
  // Saving and moving about the page count as using it; so does typing (told at most every 5 minutes).
  document.addEventListener("htmx:afterRequest", (event) => {
    if (!ended && !isPoll(event.detail)) schedule(idleSeconds);
  });
  document.addEventListener("input", () => {
    if (!ended && !warning.open && Date.now() - lastPing > PING_EVERY_MS) stay();
  });
  schedule(idleSeconds);
}
