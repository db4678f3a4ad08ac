// The idle timeout on the recording page (README "Sessions and headers"). The server signs a
// session out after data-idle-seconds without a request; here:
// - every answered request of this page (autosaves) counts as contact with the server;
// - typing that no autosave has carried (autosave stopped by a conflict, or between saves)
//   sends a light keep-alive once a few minutes have passed since the last contact;
// - data-warning-seconds before the end a banner says so, with "Stay signed in";
// - once the time has passed the banner says the session has ended and offers to sign in
//   again. Words typed are never lost: autosave.js keeps unsaved ones in this browser.
(() => {
  const root = document.getElementById("session-warning");
  if (!root) return;
  const idleMs = Number(root.dataset.idleSeconds) * 1000;
  const warningMs = Number(root.dataset.warningSeconds) * 1000;
  const keepAliveUrl = root.dataset.keepAliveUrl;
  const banner = root.querySelector("[data-session-banner]");
  const message = root.querySelector("[data-session-message]");
  const stay = root.querySelector("[data-stay-signed-in]");
  const signIn = root.querySelector("[data-sign-in-again]");
  if (!idleMs || !banner) return;
  const signInPath = new URL(root.dataset.signInUrl, window.location.href).pathname;
  // Typing keeps the session when it has gone a third of the idle time (at most five
  // minutes) without reaching the server.
  const KEEP_ALIVE_AFTER_MS = Math.min(5 * 60 * 1000, idleMs / 3);
  const TICK_MS = Math.min(5000, Math.max(1000, warningMs / 4));

  let lastContact = Date.now();
  let lastTyped = 0;
  let ended = false;
  let warned = false;

  // An answered request is contact; one sent to the sign-in page means the session has ended.
  const originalFetch = window.fetch.bind(window);
  window.fetch = async (...args) => {
    const response = await originalFetch(...args);
    if (response.redirected && new URL(response.url).pathname === signInPath) {
      showEnded();
    } else if (response.ok) {
      contact();
    }
    return response;
  };

  function contact() {
    if (ended) return;
    lastContact = Date.now();
    if (warned) hideWarning();
  }

  function csrfToken() {
    const field = document.querySelector("input[name=csrfmiddlewaretoken]");
    return field ? field.value : "";
  }

  async function keepAlive() {
    try {
      await window.fetch(keepAliveUrl, {
        method: "POST",
        headers: { "X-CSRFToken": csrfToken(), Accept: "application/json" },
        credentials: "same-origin",
      });
    } catch {
      // Offline: the next tick tries again; the words are kept in this browser meanwhile.
    }
  }

  function clock(ms) {
    return new Date(ms).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
  }

  function showWarning() {
    warned = true;
    const minutes = Math.max(1, Math.round(warningMs / 60000));
    message.textContent =
      `You will be signed out at ${clock(lastContact + idleMs)} (in about ${minutes} ` +
      `minute${minutes === 1 ? "" : "s"}) because nothing has been saved for a while. ` +
      "Your words are kept in this browser either way.";
    stay.classList.remove("d-none");
    banner.classList.remove("d-none");
  }

  function hideWarning() {
    warned = false;
    banner.classList.add("d-none");
    message.textContent = "";
  }

  function showEnded() {
    if (ended) return;
    ended = true;
    message.textContent =
      "You were signed out after a time without activity. Words you typed since the last " +
      "save are kept in this browser: sign in again to carry on, and you will be offered them.";
    stay.classList.add("d-none");
    signIn.classList.remove("d-none");
    banner.classList.remove("d-none");
  }

  stay.addEventListener("click", () => keepAlive());
  document.addEventListener("input", () => { lastTyped = Date.now(); }, true);

  setInterval(() => {
    if (ended) return;
    const now = Date.now();
    const quiet = now - lastContact;
    if (lastTyped > lastContact && quiet >= KEEP_ALIVE_AFTER_MS) {
      keepAlive();
      return;
    }
    if (quiet >= idleMs) showEnded();
    else if (quiet >= idleMs - warningMs && !warned) showWarning();
  }, TICK_MS);
})();
