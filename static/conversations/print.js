// The "Print this summary" button: shown only when scripts run (without them, the
// browser's own Print still works), and opens the print dialogue.
(() => {
  for (const button of document.querySelectorAll("[data-print]")) {
    button.hidden = false;
    button.addEventListener("click", () => window.print());
  }
})();
