/* Small progressive enhancements; every page works without them.
   - form[data-once]: a submitted form's buttons are disabled, so a double click sends once.
   - form[data-autosave="key"]: what is typed is kept in sessionStorage (this tab only) and
     restored when the form is shown again empty (e.g. after signing in again); cleared when
     a page with [data-clear-draft="key"] is reached. File inputs cannot be kept. */
(function () {
  "use strict";
  function fields(form) {
    return Array.prototype.filter.call(form.elements, function (el) {
      return el.name && el.type !== "file" && el.type !== "hidden" && el.type !== "submit" && el.type !== "button" && el.type !== "password";
    });
  }
  function save(form) {
    var data = {};
    fields(form).forEach(function (el) {
      if (el.type === "checkbox" || el.type === "radio") {
        if (el.checked) { (data[el.name] = data[el.name] || []).push(el.value); }
        else if (!(el.name in data)) { data[el.name] = data[el.name] || []; }
      } else { data[el.name] = el.value; }
    });
    try { sessionStorage.setItem("draft:" + form.dataset.autosave, JSON.stringify(data)); } catch (e) { /* storage full or disabled */ }
  }
  function restore(form) {
    var raw = null;
    try { raw = sessionStorage.getItem("draft:" + form.dataset.autosave); } catch (e) { return; }
    if (!raw) { return; }
    var data = JSON.parse(raw);
    fields(form).forEach(function (el) {
      if (!(el.name in data)) { return; }
      var v = data[el.name];
      if (el.type === "checkbox" || el.type === "radio") { el.checked = Array.isArray(v) && v.indexOf(el.value) >= 0; }
      else { el.value = v; }
    });
    var note = form.querySelector("[data-draft-restored]");
    if (note) { note.hidden = false; }
    fields(form).forEach(function (el) {
      el.dispatchEvent(new Event("input", { bubbles: true }));
      el.dispatchEvent(new Event("change", { bubbles: true }));
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-clear-draft]").forEach(function (el) {
      try { sessionStorage.removeItem("draft:" + el.dataset.clearDraft); } catch (e) { /* ignore */ }
    });
    document.querySelectorAll("form[data-autosave]").forEach(function (form) {
      if (form.dataset.fresh === "1") { restore(form); }
      form.addEventListener("input", function () { save(form); });
      form.addEventListener("change", function () { save(form); });
    });
    document.querySelectorAll("form[data-once]").forEach(function (form) {
      form.addEventListener("submit", function (ev) {
        if (form.dataset.sent === "1") { ev.preventDefault(); return; }
        form.dataset.sent = "1";
        setTimeout(function () {
          form.querySelectorAll("button[type=submit], button:not([type])").forEach(function (b) { b.disabled = true; });
        }, 0);
      });
    });
    /* show exemption reasons only for exempted materials */
    document.querySelectorAll("[data-material]").forEach(function (row) {
      function sync() {
        var checked = row.querySelector("input[type=radio]:checked");
        var reason = row.querySelector("[data-exemption]");
        if (reason) { reason.hidden = !(checked && checked.value === "exempted"); }
      }
      row.addEventListener("change", sync); sync();
    });
  });
})();
