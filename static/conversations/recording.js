// The recording page in place: open an outcome from the compact list, add and remove action
// and goal rows without a reload. Without JavaScript the same buttons post the form and the
// server re-renders the page at the card (see views/recording.py).
(() => {
  const form = document.getElementById("recording-form");
  if (!form) return;

  const changed = (element) => element.dispatchEvent(new Event("change", { bubbles: true }));

  function reveal(card) {
    card.hidden = false;
    const section = card.closest("[data-domain]");
    if (section) section.hidden = false;
    const picker = document.querySelector(`[data-picker="${card.dataset.outcome}"]`);
    if (picker) picker.hidden = true;
    const list = document.getElementById("more-outcomes");
    if (list && !list.querySelector("[data-picker]:not([hidden])")) list.hidden = true;
  }

  // "Add an outcome that matters now": open the card, mark it as mattering, go to its words.
  form.querySelectorAll('button[name="open"]').forEach((button) => {
    button.addEventListener("click", (event) => {
      const card = document.getElementById(`outcome-${button.value}`);
      if (!card) return;
      event.preventDefault();
      reveal(card);
      card.classList.add("outcome-matters");
      const matters = document.getElementById(`id_o-${button.value}-matters`);
      if (matters && !matters.checked) {
        matters.checked = true;
        changed(matters);
      }
      const words = document.getElementById(`id_o-${button.value}-words`);
      if (words) {
        words.focus();
        card.scrollIntoView({ block: "start" });
      }
    });
  });

  form.querySelectorAll("[data-no-js-hint]").forEach((hint) => {
    hint.hidden = true;
  });

  // Rows of a formset (actions, goals): add from the row template, remove by clearing.
  const addButton = (group) =>
    group.closest("[data-outcome]").querySelector(`[data-add-row="${group.dataset.rows}"]`);

  function enableRemove(row, group) {
    const remove = row.querySelector("[data-remove-row]");
    if (!remove) return;
    remove.hidden = false;
    remove.addEventListener("click", () => {
      row.querySelectorAll("input, select, textarea").forEach((field) => {
        field.value = "";
      });
      row.hidden = true;
      const first = row.querySelector("input, select");
      if (first) changed(first);
      addButton(group).focus();
    });
  }

  form.querySelectorAll("[data-rows]").forEach((group) => {
    const total = group.querySelector('input[name$="-TOTAL_FORMS"]');
    const list = group.querySelector("[data-row-list]");
    const template = group.querySelector("template[data-row-template]");
    list.querySelectorAll("[data-row]").forEach((row) => enableRemove(row, group));
    addButton(group).addEventListener("click", (event) => {
      event.preventDefault();
      const index = Number(total.value);
      const html = template.innerHTML
        .replaceAll("__prefix__", String(index))
        .replaceAll("__num__", String(index + 1));
      list.insertAdjacentHTML("beforeend", html);
      total.value = String(index + 1);
      group.hidden = false;
      const row = list.lastElementChild;
      enableRemove(row, group);
      changed(total);
      row.querySelector("input").focus();
    });
  });

  // A link to a field of a closed card (from the sign-off page, say) opens that card.
  function openTarget() {
    if (!location.hash) return;
    const target = document.getElementById(decodeURIComponent(location.hash.slice(1)));
    const card = target && target.closest("[data-outcome]");
    if (!card || !card.hidden) return;
    reveal(card);
    target.focus();
  }
  openTarget();
  window.addEventListener("hashchange", openTarget);
})();
