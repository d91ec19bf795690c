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
  // Log: "repeat last set" copies the last filled set row into the next row, adding
  // a row (up to the list's data-max-rows) when there is none left. Without this
  // script the button stays hidden and the rows are typed in by hand.
  document.querySelectorAll("[data-repeat-set]").forEach(function (button) {
    button.hidden = false;
  });
  function rowFields(row) {
    return Array.prototype.slice.call(row.querySelectorAll("input, select"));
  }
  function isFilled(row) {
    return rowFields(row).some(function (field) {
      return field.type !== "checkbox" && field.type !== "radio" && field.value !== "";
    });
  }
  function renumber(row, index) {
    rowFields(row).forEach(function (field) {
      field.name = field.name.replace(/\d+(?!.*\d)/, String(index));
      if (field.id) field.id = field.id.replace(/\d+(?!.*\d)/, String(index));
    });
    var number = row.querySelector("[data-set-number]");
    if (number) number.textContent = String(index + 1);
  }
  function copyValues(from, to) {
    var source = rowFields(from);
    rowFields(to).forEach(function (field, i) {
      if (!source[i]) return;
      if (field.type === "checkbox" || field.type === "radio") field.checked = source[i].checked;
      else field.value = source[i].value;
    });
  }
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-repeat-set]");
    if (!button) return;
    event.preventDefault();
    var list = document.getElementById(button.getAttribute("data-repeat-set"));
    if (!list) return;
    var rows = Array.prototype.slice.call(list.querySelectorAll("[data-set-row]"));
    var lastFilled = -1;
    rows.forEach(function (row, i) { if (isFilled(row)) lastFilled = i; });
    if (lastFilled < 0) return;
    var max = parseInt(list.getAttribute("data-max-rows") || "0", 10);
    var source = rows[lastFilled];
    var target = rows[lastFilled + 1];
    if (!target) {
      if (max && rows.length >= max) return;
      target = source.cloneNode(true);
      renumber(target, rows.length);
      rows[rows.length - 1].after(target);
    }
    copyValues(source, target);
    // The last row the server takes is filled: nothing more to repeat into.
    if (max && lastFilled + 2 >= max) button.disabled = true;
    var reps = target.querySelector('input[name^="reps"]');
    if (reps) reps.focus();
  });
})();
