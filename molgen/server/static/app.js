// molgen candidate store: small helpers for the server-rendered search page.
// No frameworks and no network requests: the form itself is a plain GET, so every search
// is a shareable URL.
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  const form = document.getElementById("search");
  if (!form) return;

  // Leave blank fields (and the defaults) out of the URL, so shared links stay short.
  const defaults = { sort_by: "score", descending: "true", page_size: "50" };
  form.addEventListener("submit", () => {
    for (const el of form.elements) {
      if (!el.name) continue;
      const blank = el.value.trim() === "" && el.type !== "checkbox";
      if (blank || defaults[el.name] === el.value) el.disabled = true;
    }
    document.body.classList.add("loading");
    // Re-enable after the browser has read the form (the page may come back from cache).
    setTimeout(() => { for (const el of form.elements) el.disabled = false; }, 0);
  });

  // Changing the order or the page size re-runs the search at once.
  for (const id of ["sort_by", "descending", "page_size"]) {
    const el = document.getElementById(id);
    if (el) el.addEventListener("change", () => form.requestSubmit());
  }
});
