// When the practitioner switches between "person who uses services" and "unpaid carer",
// offer the newest framework for that role. Without JavaScript the server checks the match.
document.addEventListener("DOMContentLoaded", () => {
  const data = document.getElementById("newest-versions");
  const select = document.getElementById("id_framework_version");
  if (!data || !select) return;
  const newest = JSON.parse(data.textContent);
  document.querySelectorAll('input[name="role"]').forEach((radio) => {
    radio.addEventListener("change", () => {
      if (radio.checked && newest[radio.value]) select.value = String(newest[radio.value]);
    });
  });
});
