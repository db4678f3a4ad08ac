// Move focus to the error summary when a form comes back with errors, so screen readers announce it.
document.addEventListener("DOMContentLoaded", () => {
  const summary = document.querySelector("[data-error-summary]");
  if (summary) summary.focus();
});
