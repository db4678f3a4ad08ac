// Signing out removes what the recording page kept in this browser (words typed but not yet
// saved, see conversations/autosave.js): people's words must not stay on a shared computer.
// When there is something to remove, the person is asked first, so nothing goes unnoticed.
(() => {
  const PREFIX = "autosave:";
  const keptKeys = () => {
    const keys = [];
    for (let i = 0; i < window.localStorage.length; i += 1) {
      const key = window.localStorage.key(i);
      if (key && key.startsWith(PREFIX)) keys.push(key);
    }
    return keys;
  };
  document.querySelectorAll("form[data-sign-out]").forEach((form) => {
    form.addEventListener("submit", (event) => {
      let keys;
      try { keys = keptKeys(); } catch (error) { return; }
      if (!keys.length) return;
      const count = keys.length === 1 ? "1 conversation" : `${keys.length} conversations`;
      const sure = window.confirm(
        `Words you typed in ${count} are not saved yet and are kept only in this browser. ` +
        "Signing out removes them from this computer. Sign out anyway?"
      );
      if (!sure) { event.preventDefault(); return; }
      document.dispatchEvent(new CustomEvent("site:signing-out"));
      keys.forEach((key) => window.localStorage.removeItem(key));
    });
  });
})();
