// Django's autocomplete boxes (Select2) give screen readers no name: the box is labelled by its current value
// (empty until something is chosen) and the search field of a multiple choice by nothing (axe: critical).
// Name each by the field's visible label. Runs after Select2 has drawn the boxes, and again for new inline rows.
(function () {
  "use strict";
  function name(select) {
    var label = select.id && document.querySelector('label[for="' + select.id + '"]');
    if (!label) return;
    if (!label.id) label.id = select.id + "-label";
    var box = select.nextElementSibling;
    if (!box || !box.classList.contains("select2")) return;
    var selection = box.querySelector(".select2-selection");
    if (selection) {
      var current = box.querySelector(".select2-selection__rendered");
      selection.setAttribute("aria-labelledby", label.id + (current && current.id ? " " + current.id : ""));
      if (current && current.getAttribute("role") === "textbox") current.setAttribute("aria-labelledby", label.id);
    }
    box.querySelectorAll(".select2-search__field").forEach(function (field) {
      field.setAttribute("aria-labelledby", label.id);
    });
  }
  function nameAll() {
    document.querySelectorAll("select.admin-autocomplete").forEach(name);
  }
  // Select2 draws its boxes in a jQuery ready handler that autocomplete.js (loaded before this deferred script)
  // registered first: ours, registered after, runs after it.
  if (window.django && window.django.jQuery) window.django.jQuery(nameAll);
  document.addEventListener("formset:added", nameAll);
  document.addEventListener("focusin", function (event) {
    if (event.target.classList && event.target.classList.contains("select2-search__field")) nameAll();
  });
})();
