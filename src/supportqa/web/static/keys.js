// Keyboard shortcuts (our own script; every page works without it).
//   /      focus the element marked data-key-focus="/" (the search box)
//   j / k  next / previous row of the list marked data-key-list (Enter opens it),
//          or next / previous highlighted evidence (data-key-target) in a conversation
"use strict";
(function () {
  var at = -1;
  function typing(el) {
    return el && (el.tagName === "INPUT" || el.tagName === "TEXTAREA" ||
      el.tagName === "SELECT" || el.isContentEditable);
  }
  function targets() {
    var rows = document.querySelectorAll("[data-key-list] [data-key-row]");
    return rows.length ? rows : document.querySelectorAll("[data-key-target]");
  }
  function move(step) {
    var all = targets();
    if (!all.length) return;
    if (at >= 0 && at < all.length) all[at].classList.remove("key-current");
    at = Math.max(0, Math.min(all.length - 1, at + step));
    var el = all[at];
    el.classList.add("key-current");
    el.scrollIntoView({ block: "nearest" });
  }
  function open() {
    var all = targets();
    if (at < 0 || at >= all.length) return false;
    var link = all[at].querySelector("a[href]");
    if (link) { window.location.assign(link.getAttribute("href")); return true; }
    return false;
  }
  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    if (typing(event.target)) {
      if (event.key === "Escape") event.target.blur();
      return;
    }
    if (event.key === "/") {
      var box = document.querySelector('[data-key-focus="/"]');
      if (box) { event.preventDefault(); box.focus(); }
    } else if (event.key === "j") {
      move(1);
    } else if (event.key === "k") {
      move(-1);
    } else if (event.key === "Enter") {
      if (open()) event.preventDefault();
    }
  });
})();
