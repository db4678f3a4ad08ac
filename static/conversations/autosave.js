// Autosave for the recording page: a short pause after typing sends the whole form to the
// server, which saves the draft and answers with the new revision. Leaving the page sends
// whatever is unsaved with sendBeacon, so closing a tab does not lose words.
(() => {
  const form = document.getElementById("recording-form");
  if (!form) return;
  const url = form.dataset.autosaveUrl;
  const revision = document.getElementById("id_revision");
  const status = document.getElementById("autosave-status");
  const alertBox = document.getElementById("autosave-alert");
  const DELAY_MS = 1500;
  let timer = null;
  let dirty = false;
  let inFlight = null;
  let stopped = false;

  const say = (text) => { status.textContent = text; };
  const stop = (message) => {
    stopped = true;
    alertBox.textContent = message;
    alertBox.classList.remove("d-none");
  };

  async function save() {
    timer = null;
    if (!dirty || stopped) return;
    if (inFlight) { await inFlight; }
    dirty = false;
    say("Saving…");
    inFlight = fetch(url, {
      method: "POST",
      body: new FormData(form),
      headers: { "X-Requested-With": "fetch" },
      credentials: "same-origin",
    }).then(async (response) => {
      const body = await response.json().catch(() => ({}));
      if (response.ok && body.status === "saved") {
        revision.value = body.revision;
        say(`All changes saved at ${body.saved_at}.`);
      } else if (body.status === "conflict" || body.status === "read_only") {
        stop(body.message);
        say("Not saved automatically.");
      } else if (body.status === "invalid") {
        dirty = true;
        say(`Not saved yet: ${body.errors.join(" ")}`);
      } else {
        dirty = true;
        say("Could not save just now; will try again.");
      }
    }).catch(() => {
      dirty = true;
      say("Offline: your changes are still on this page and will be saved when you reconnect.");
    }).finally(() => { inFlight = null; });
    return inFlight;
  }

  function changed() {
    if (stopped) return;
    dirty = true;
    say("Unsaved changes…");
    if (timer) clearTimeout(timer);
    timer = setTimeout(save, DELAY_MS);
  }

  form.addEventListener("input", changed);
  form.addEventListener("change", changed);
  form.addEventListener("submit", () => { stopped = true; if (timer) clearTimeout(timer); });

  const flush = () => {
    if (!dirty || stopped) return;
    dirty = false;
    navigator.sendBeacon(url, new FormData(form));
  };
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "hidden") flush();
  });
  window.addEventListener("pagehide", flush);
})();
