// Progressive enhancement: a "Print this page" button, shown only when JavaScript can print.
for (const button of document.querySelectorAll("[data-print-page]")) {
  button.hidden = false;
  button.addEventListener("click", () => window.print());
}
