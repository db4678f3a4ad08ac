// "Select all on this page" on the drill-down's coding form: shown only when scripts run
// (without them, each record's box is ticked on its own). It ticks or clears every record's
// box of the form, and shows "some ticked" as mixed.
(() => {
  const wrapper = document.querySelector("[data-select-all]");
  if (!wrapper) return;
  const all = wrapper.querySelector("input[type=checkbox]");
  const boxes = [...all.form.elements].filter(
    (element) => element.type === "checkbox" && element.name === "records",
  );
  if (!boxes.length) return;
  const sync = () => {
    const ticked = boxes.filter((box) => box.checked).length;
    all.checked = ticked === boxes.length;
    all.indeterminate = ticked > 0 && ticked < boxes.length;
  };
  all.addEventListener("change", () => {
    for (const box of boxes) box.checked = all.checked;
    sync();
  });
  for (const box of boxes) box.addEventListener("change", sync);
  sync();
  wrapper.hidden = false;
})();
