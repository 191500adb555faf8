// Keyboard shortcuts for people who work cases all day. A file, not inline script,
// so that the CSP keeps refusing inline code. Nothing fires while typing in a field.
(function () {
  "use strict";

  var pending = null; // the "g" of a two-key "g c" jump

  function typing(target) {
    var tag = target && target.tagName;
    return tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || (target && target.isContentEditable);
  }

  function rows() {
    return Array.prototype.slice.call(document.querySelectorAll("[data-keyrows] tbody tr a[href]"));
  }

  function move(step) {
    var links = rows();
    if (!links.length) return;
    var at = links.indexOf(document.activeElement);
    var next = at === -1 ? (step > 0 ? 0 : links.length - 1) : Math.min(links.length - 1, Math.max(0, at + step));
    links[next].focus();
    links[next].scrollIntoView({ block: "nearest" });
  }

  function follow(selector) {
    var link = document.querySelector(selector);
    if (link) link.click();
    return !!link;
  }

  function help() {
    var dialog = document.getElementById("key-help");
    if (!dialog) return;
    if (dialog.open) dialog.close();
    else dialog.showModal();
  }

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) return;
    var key = event.key;
    if (pending) {
      var jump = { d: "overview", c: "cases", e: "events", m: "mappings", a: "audit" }[key];
      pending = null;
      if (jump && follow('[data-key-nav="' + jump + '"]')) event.preventDefault();
      return;
    }
    var handled = true;
    if (key === "/") {
      var search = document.querySelector("[data-key-search]");
      if (search) search.focus();
      else handled = false;
    } else if (key === "j") move(1);
    else if (key === "k") move(-1);
    else if (key === "n") handled = follow('a[rel="next"]');
    else if (key === "p") handled = follow('a[rel="prev"]');
    else if (key === "?") help();
    else if (key === "g") pending = true;
    else handled = false;
    if (handled) event.preventDefault();
  });
})();
