// Autosave for the recording page. The rule is: typed work is never lost, and the status never
// says more than is true.
//
// - A short pause after a change sends the whole form (FormData at send time, so rows added by
//   other scripts go too); the server answers with the new revision.
// - Every unsaved change is also written to localStorage under a key for this conversation, and
//   removed only when the server has confirmed it (or a later page load shows it saved).
// - Offline or a failed request: nothing is claimed; the save is retried with backoff while
//   online, and sent at once when the browser comes back online.
// - A conflict (someone else saved) stops autosaving; typing goes on into the page and storage,
//   the alert explains how to compare, and leaving the page warns.
// - Leaving the page sends what is pending with sendBeacon and keeps it in storage until a
//   later load sees it saved.
(() => {
  const form = document.getElementById("recording-form");
  if (!form || !form.dataset.autosaveUrl) return;
  const url = form.dataset.autosaveUrl;
  const revisionInput = document.getElementById("id_revision");
  const status = document.getElementById("autosave-status");
  const alertBox = document.getElementById("autosave-alert");
  // Kept per signed-in user: on a shared computer nobody else is offered them, and signing out
  // removes them (static/site/sign-out.js).
  const storageKey = `autosave:${form.dataset.autosaveUser}:${new URL(url, window.location.href).pathname}`;
  const IGNORED = new Set(["csrfmiddlewaretoken", "revision"]);
  const DELAY_MS = 1500;
  const FIRST_RETRY_MS = 2000;
  const MAX_RETRY_MS = 60000;
  const REQUEST_TIMEOUT_MS = 20000;

  let timer = null;
  let retryTimer = null;
  let retryDelay = FIRST_RETRY_MS;
  let inFlight = null; // { values, promise } of the request being answered
  let conflict = false;
  let submitting = false;
  // Signing out, agreed to (static/site/sign-out.js): the browser must keep nothing, so leaving
  // neither warns nor writes storage again; pending changes still go to the server.
  let signingOut = false;
  document.addEventListener("site:signing-out", () => { signingOut = true; });
  let beaconSent = false;
  let storageWorks = true;

  // ---- What the form holds -------------------------------------------------------------
  // A snapshot maps every field name to its list of values; an unticked box is an empty list.
  function snapshot() {
    const values = {};
    for (const element of form.elements) {
      if (!element.name || element.disabled || IGNORED.has(element.name)) continue;
      if (["submit", "button", "reset", "file"].includes(element.type)) continue;
      values[element.name] ??= [];
    }
    for (const [name, value] of new FormData(form)) {
      if (IGNORED.has(name) || typeof value !== "string") continue;
      (values[name] ??= []).push(value);
    }
    return values;
  }

  const same = (a = [], b = []) => a.length === b.length && a.every((v, i) => v === b[i]);

  // The fields whose values differ from ``base`` (``null`` base: nothing is known saved).
  function changesFrom(base, values = snapshot()) {
    if (base === null) return values;
    const changes = {};
    for (const name of new Set([...Object.keys(values), ...Object.keys(base)])) {
      if (!same(values[name], base[name])) changes[name] = values[name] ?? [];
    }
    return changes;
  }

  const isEmpty = (changes) => Object.keys(changes).length === 0;

  // ---- Storage for this conversation ---------------------------------------------------
  function readStored() {
    try {
      const stored = JSON.parse(window.localStorage.getItem(storageKey) || "null");
      return stored && typeof stored.changes === "object" ? stored : null;
    } catch {
      return null;
    }
  }

  let offered = null; // changes from an earlier visit, kept until restored or discarded

  function writeStored(current, extra = {}) {
    const changes = offered ? { ...offered.changes, ...current } : current;
    try {
      if (isEmpty(changes)) {
        window.localStorage.removeItem(storageKey);
      } else {
        window.localStorage.setItem(
          storageKey,
          JSON.stringify({
            revision: Number(revisionInput.value),
            at: offered ? offered.at : Date.now(),
            changes,
            ...extra,
          }),
        );
      }
      storageWorks = true;
    } catch {
      storageWorks = false;
    }
  }

  const clearStored = () => writeStored({});

  // ---- What the page says ---------------------------------------------------------------
  const keptWhere = () => (storageWorks ? "kept in this browser" : "kept on this page only");

  function show(state, text) {
    // Rewriting the same words would make a screen reader announce them again.
    if (status.dataset.state === state && status.textContent === text) return;
    status.dataset.state = state;
    status.textContent = text;
  }

  function showAlert(nodes) {
    alertBox.replaceChildren(...nodes);
    alertBox.classList.remove("d-none");
  }

  function hideAlert() {
    alertBox.replaceChildren();
    alertBox.classList.add("d-none");
  }

  function paragraph(text, strong) {
    const p = document.createElement("p");
    if (strong) {
      const b = document.createElement("strong");
      b.textContent = strong;
      p.append(b, " ");
    }
    p.append(text);
    return p;
  }

  function button(text, className, onClick) {
    const b = document.createElement("button");
    b.type = "button";
    b.className = `btn btn-sm ${className}`;
    b.textContent = text;
    b.addEventListener("click", onClick);
    return b;
  }

  function buttonRow(...buttons) {
    const div = document.createElement("div");
    div.className = "d-flex flex-wrap gap-2";
    div.append(...buttons);
    return div;
  }

  const clock = (ms) =>
    new Date(ms).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });

  // A field's name as the person reads it: its outcome (if any) and its label or legend.
  function describe(name) {
    const elements = [...form.elements].filter((e) => e.name === name && e.type !== "hidden");
    if (!elements.length) return null;
    const [first] = elements;
    const tidy = (text) => (text || "").trim().replace(/\s+/g, " ");
    const label =
      elements.length === 1 && first.labels?.length
        ? tidy(first.labels[0].textContent)
        : tidy(first.closest("fieldset")?.querySelector("legend")?.textContent);
    const outcome = tidy(first.closest("[data-outcome]")?.querySelector("legend")?.textContent);
    return [...new Set([outcome, label].filter(Boolean))].join(": ") || null;
  }

  function fieldList(changes) {
    const labels = [...new Set(Object.keys(changes).map(describe).filter(Boolean))];
    const ul = document.createElement("ul");
    ul.className = "mb-2";
    for (const label of labels.slice(0, 8)) {
      const li = document.createElement("li");
      li.textContent = label;
      ul.append(li);
    }
    if (labels.length > 8) {
      const li = document.createElement("li");
      li.textContent = `and ${labels.length - 8} more`;
      ul.append(li);
    }
    return ul;
  }

  // ---- Saving ---------------------------------------------------------------------------
  let base = snapshot(); // what the server is known to hold at revisionInput.value

  const pending = () => !isEmpty(changesFrom(base));

  function schedule(delay = DELAY_MS) {
    if (timer) clearTimeout(timer);
    timer = setTimeout(save, delay);
  }

  function retryLater(state, reason) {
    if (retryTimer) clearTimeout(retryTimer);
    retryTimer = null;
    if (!navigator.onLine) {
      show(
        "offline",
        `Offline: not saved yet. Your changes are ${keptWhere()} and will be sent when you ` +
          "reconnect.",
      );
      return;
    }
    const seconds = Math.round(retryDelay / 1000);
    show(
      state,
      `${reason ? `${reason} ` : ""}Not saved yet: trying again in ${seconds} s. ` +
        `Your changes are ${keptWhere()}.`,
    );
    retryTimer = setTimeout(() => {
      retryTimer = null;
      save();
    }, retryDelay);
    retryDelay = Math.min(retryDelay * 2, MAX_RETRY_MS);
  }

  async function save({ keepalive = false } = {}) {
    if (timer) clearTimeout(timer);
    timer = null;
    if (conflict || submitting || inFlight) return; // an answer in flight reschedules
    const body = new FormData(form);
    const values = snapshot();
    if (isEmpty(changesFrom(base, values))) {
      clearStored();
      return;
    }
    if (!navigator.onLine) {
      retryLater("offline", "");
      return;
    }
    if (retryTimer) clearTimeout(retryTimer);
    retryTimer = null;
    show("saving", "Saving…");
    const promise = (async () => {
      let response;
      let answer = null;
      // A request lost on a dropped connection may never settle: give up on it and retry.
      const abandon = new AbortController();
      const deadline = setTimeout(() => abandon.abort(), REQUEST_TIMEOUT_MS);
      try {
        response = await fetch(url, {
          method: "POST",
          body,
          headers: { "X-Requested-With": "fetch", Accept: "application/json" },
          credentials: "same-origin",
          keepalive,
          signal: abandon.signal,
        });
        answer = await response.json().catch(() => null);
      } catch {
        clearTimeout(deadline);
        inFlight = null;
        retryLater("offline", "Could not reach the server.");
        return;
      }
      clearTimeout(deadline);
      inFlight = null;
      answered(response, answer, values);
    })();
    inFlight = { values, promise };
    return promise;
  }

  function answered(response, answer, sent) {
    if (response.ok && answer?.status === "saved") {
      revisionInput.value = answer.revision;
      base = sent;
      retryDelay = FIRST_RETRY_MS;
      const left = changesFrom(base);
      if (isEmpty(left)) {
        clearStored();
        show("saved", `All changes saved at ${answer.saved_at}.`);
      } else {
        writeStored(left);
        changed();
      }
    } else if (answer?.status === "conflict" || answer?.status === "read_only") {
      enterConflict(answer.message || "This conversation was changed elsewhere.");
    } else if (answer?.status === "invalid") {
      writeStored(changesFrom(base));
      const errors = Array.isArray(answer.errors) ? answer.errors.join(" ") : "";
      show(
        "invalid",
        `Not saved: ${errors} Correct this and saving resumes; your changes are ${keptWhere()}.`,
      );
    } else {
      const why = response.redirected
        ? "The server asked you to sign in again."
        : `The server did not save (error ${response.status}).`;
      retryLater("unsaved", why);
    }
  }

  function enterConflict(message) {
    conflict = true;
    if (timer) clearTimeout(timer);
    if (retryTimer) clearTimeout(retryTimer);
    timer = retryTimer = null;
    writeStored(changesFrom(base));
    show(
      "conflict",
      `Not saved: someone else saved this conversation. Your changes are ${keptWhere()}.`,
    );
    const saveButton = form.querySelector('button[name="save"]');
    showAlert([
      paragraph(message, "Automatic saving has stopped."),
      paragraph(
        `Keep typing if you need to: everything stays on this page and is ${keptWhere()}. ` +
          "When you are ready, press “Save draft”: you will see both versions side by side " +
          "and can keep yours.",
      ),
      ...(saveButton
        ? [
            buttonRow(
              button("Compare both versions", "btn-primary", () => form.requestSubmit(saveButton)),
            ),
          ]
        : []),
    ]);
  }

  function changed() {
    if (submitting) return;
    const changes = changesFrom(base);
    writeStored(changes);
    if (conflict) {
      show(
        "conflict",
        `Not saved: someone else saved this conversation. Your changes are ${keptWhere()}; ` +
          "press “Save draft” to compare.",
      );
      return;
    }
    if (isEmpty(changes)) {
      if (timer) clearTimeout(timer);
      timer = null;
      show("saved", "No unsaved changes.");
      return;
    }
    if (!navigator.onLine) {
      retryLater("offline", "");
      return;
    }
    if (retryTimer) return; // a retry is already waiting; its message still holds
    show("unsaved", "Unsaved changes: saving in a moment.");
    schedule();
  }

  form.addEventListener("input", changed);
  form.addEventListener("change", changed);

  // A deliberate save: wait for an autosave in flight (so its revision is the one posted),
  // and mark what is stored as submitted, so that a later page at a newer revision clears it.
  form.addEventListener("submit", (event) => {
    if (inFlight) {
      event.preventDefault();
      const submitter = event.submitter;
      inFlight.promise.finally(() => form.requestSubmit(submitter || undefined));
      return;
    }
    submitting = true;
    if (timer) clearTimeout(timer);
    if (retryTimer) clearTimeout(retryTimer);
    timer = retryTimer = null;
    const changes = changesFrom(base);
    if (!isEmpty(changes)) writeStored(changes, { submitted: true });
    setTimeout(() => {
      if (event.defaultPrevented) submitting = false;
    }, 0);
  });

  window.addEventListener("online", () => {
    retryDelay = FIRST_RETRY_MS;
    if (retryTimer) clearTimeout(retryTimer);
    retryTimer = null;
    if (conflict) return;
    if (pending()) {
      save();
    } else {
      show("saved", "Back online. Everything is saved.");
    }
  });

  window.addEventListener("offline", () => {
    if (conflict) return;
    if (timer) clearTimeout(timer);
    timer = null;
    if (pending()) {
      retryLater("offline", "");
    } else {
      show(
        "offline",
        "Offline. Everything so far is saved; changes you make now will be sent when you " +
          "reconnect.",
      );
    }
  });

  // ---- Leaving the page -----------------------------------------------------------------
  window.addEventListener("beforeunload", (event) => {
    if (submitting || signingOut || !pending()) return;
    writeStored(changesFrom(base));
    event.preventDefault();
    event.returnValue = "";
  });

  // A page going away: send what is pending in a beacon; storage keeps it until a later page
  // load shows it saved.
  window.addEventListener("pagehide", () => {
    if (submitting || conflict) return;
    const values = snapshot();
    const changes = changesFrom(base, values);
    if (isEmpty(changes)) return;
    if (!signingOut) writeStored(changes);
    if (inFlight && isEmpty(changesFrom(inFlight.values, values))) return;
    beaconSent = navigator.sendBeacon(url, new FormData(form)) || beaconSent;
  });

  // A hidden tab may never come back: save now, keeping the request alive past unload.
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState !== "hidden" || submitting || conflict || beaconSent) return;
    if (pending()) save({ keepalive: true });
  });

  // Back from the back/forward cache after a beacon or a deliberate save: the revision on the
  // page may be stale, so load it afresh (storage still holds anything not saved).
  window.addEventListener("pageshow", (event) => {
    if (event.persisted && (beaconSent || submitting)) window.location.reload();
  });

  // ---- On load: unsaved changes from an earlier visit ---------------------------------
  function restore(changes) {
    let first = null;
    const unplaced = [];
    for (const [name, values] of Object.entries(changes)) {
      const named = [...form.elements].filter((element) => element.name === name);
      const elements = named.filter((element) => element.type !== "hidden");
      if (named.length && !elements.length) continue; // bookkeeping the page keeps itself
      if (!elements.length) {
        const typed = values.map(String).filter((v) => v.trim());
        unplaced.push(...typed);
        continue;
      }
      elements.forEach((element, index) => {
        if (element.type === "checkbox" || element.type === "radio") {
          element.checked = values.includes(element.value);
        } else if (element.tagName === "SELECT" && element.multiple) {
          for (const option of element.options) option.selected = values.includes(option.value);
        } else {
          element.value = values[index] ?? "";
        }
        first ??= element;
        element.dispatchEvent(new Event("input", { bubbles: true }));
        element.dispatchEvent(new Event("change", { bubbles: true }));
      });
    }
    return { first, unplaced };
  }

  function offer(stored, changes) {
    const when = stored.at ? ` from ${clock(stored.at)}` : "";
    offered = { changes, at: stored.at };
    const restoreButton = button("Put them back into the form", "btn-primary", () => {
      offered = null;
      const { first, unplaced } = restore(changes);
      const nodes = [
        paragraph("They will be saved automatically now.", "Your changes are back in the form."),
      ];
      if (unplaced.length) {
        nodes.push(
          paragraph(
            "Some of what you typed belonged to rows this page does not show; copy it back in: " +
              unplaced.map((v) => `“${v}”`).join(", "),
          ),
        );
      }
      showAlert(nodes);
      changed();
      if (first) first.focus();
      else alertBox.focus();
    });
    const discardButton = button("Discard them", "btn-outline-dark", () => {
      offered = null;
      writeStored(changesFrom(base));
      showAlert([paragraph("The unsaved changes kept in this browser have been discarded.")]);
      alertBox.focus();
    });
    showAlert([
      paragraph(
        "They were kept in this browser but never reached the saved conversation. " +
          "Putting them back replaces what the form shows in these places:",
        `Unsaved changes${when}.`,
      ),
      fieldList(changes),
      buttonRow(restoreButton, discardButton),
    ]);
  }

  function onLoad() {
    if (!alertBox.hasAttribute("tabindex")) alertBox.setAttribute("tabindex", "-1");
    // A form sent back with errors shows what was posted, not what is saved.
    if (document.querySelector(".error-summary, [data-error-summary]")) {
      base = null;
      writeStored(changesFrom(base));
      show("unsaved", "Not saved: correct the problems listed, then save.");
      return;
    }
    status.dataset.state = navigator.onLine ? "saved" : "offline";
    const stored = readStored();
    if (!stored) return;
    // The server trims text and a page shows newlines its own way: compare what was meant.
    const meant = (values = []) => values.map((v) => String(v).replace(/\r\n?/g, "\n").trim());
    const worthOffering = (name, values) => {
      const elements = [...form.elements].filter((element) => element.name === name);
      if (elements.length) return elements.some((element) => element.type !== "hidden");
      return values.some((value) => String(value).trim());
    };
    const unsaved = {};
    for (const [name, values] of Object.entries(stored.changes)) {
      if (!Array.isArray(values) || same(meant(values), meant(base[name]))) continue;
      if (worthOffering(name, values)) unsaved[name] = values;
    }
    const superseded = stored.submitted && Number(revisionInput.value) > Number(stored.revision);
    if (isEmpty(unsaved) || superseded) {
      clearStored();
    } else {
      offer(stored, unsaved);
    }
  }

  onLoad();
})();
