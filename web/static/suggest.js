// Suggestions for the "where" field as you type; the form works the same without them.
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  for (const input of document.querySelectorAll("input[data-suggest]")) {
    const list = document.getElementById(input.getAttribute("list"));
    let timer = null;
    let last = "";
    input.addEventListener("input", () => {
      clearTimeout(timer);
      const query = input.value.trim();
      if (query.length < 2 || query === last) return;
      timer = setTimeout(async () => {
        last = query;
        try {
          const url = `${input.dataset.suggest}?q=${encodeURIComponent(query)}&limit=8`;
          const response = await fetch(url, { headers: { Accept: "application/json" } });
          if (!response.ok) return;
          const { postcodes } = await response.json();
          list.replaceChildren(...postcodes.map((p) => {
            const option = document.createElement("option");
            option.value = p.postcode;
            const villages = p.places.length ? ` (${p.places.join(", ")})` : "";
            option.label = `${p.postcode} ${p.municipality_nl}${villages}`;
            option.textContent = option.label;
            return option;
          }));
        } catch {
          // No suggestions is fine: the server resolves names on submit.
        }
      }, 150);
    });
  }
});
