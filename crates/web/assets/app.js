// Progressive enhancement only: every form works without this script.
(function () {
  "use strict";
  // Sign-up: the browser's time zone instead of UTC.
  document.querySelectorAll('input[data-fill="time-zone"]').forEach(function (input) {
    try {
      var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
      if (zone) input.value = zone;
    } catch (e) { /* keep UTC */ }
  });
  // Log: "repeat last set" copies the previous set row's values into a new row.
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-repeat-set]");
    if (!button) return;
    event.preventDefault();
    var list = document.getElementById(button.getAttribute("data-repeat-set"));
    if (!list) return;
    var rows = list.querySelectorAll("[data-set-row]");
    var last = rows[rows.length - 1];
    if (!last) return;
    var copy = last.cloneNode(true);
    var index = rows.length;
    copy.querySelectorAll("input, select").forEach(function (field) {
      field.name = field.name.replace(/\d+(?!.*\d)/, String(index));
      if (field.id) field.id = field.id.replace(/\d+(?!.*\d)/, String(index));
    });
    last.after(copy);
  });
})();
