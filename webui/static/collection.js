// Collections, nicer with JavaScript: what is ticked on any page is remembered in this browser
// (localStorage) and added when a collection is opened, so items can be gathered across
// searches. Without JavaScript the forms still work, one page at a time. The collection itself
// is always the URL (/collection?id=...); opening one makes it the one being gathered.
(function () {
  "use strict";
  var KEY = "news-search-collection";
  var LIMIT = 1000;

  function load() {
    try {
      var value = JSON.parse(window.localStorage.getItem(KEY) || "[]");
      return Array.isArray(value) ? value.filter(function (v) { return typeof v === "string"; }) : [];
    } catch (e) { return []; }
  }
  function save(ids) {
    try { window.localStorage.setItem(KEY, JSON.stringify(ids.slice(0, LIMIT))); } catch (e) { /* private mode */ }
  }

  var ids = load();
  if (document.getElementById("collection-form")) {
    // The collection page: the one opened is the one being gathered.
    ids = new URLSearchParams(window.location.search).getAll("id").slice(0, LIMIT);
    save(ids);
  }

  var status = document.getElementById("collect-status");
  var forget = document.getElementById("forget-collection");
  function show() {
    if (!status) { return; }
    status.hidden = ids.length === 0;
    status.textContent = ids.length === 1 ? "1 item gathered" : ids.length + " items gathered";
    if (forget) { forget.hidden = ids.length === 0; }
  }

  document.querySelectorAll("input.collect").forEach(function (box) {
    if (!document.getElementById("collection-form")) {
      box.checked = ids.indexOf(box.value) >= 0;
    }
    box.addEventListener("change", function () {
      var at = ids.indexOf(box.value);
      if (box.checked && at < 0) { ids.push(box.value); }
      if (!box.checked && at >= 0) { ids.splice(at, 1); }
      save(ids);
      show();
    });
  });

  var form = document.getElementById("collect");
  if (form) {
    form.addEventListener("submit", function () {
      var ticked = {};
      document.querySelectorAll("input.collect").forEach(function (box) {
        if (box.checked) { ticked[box.value] = true; }
      });
      ids.forEach(function (id) {
        if (ticked[id]) { return; }
        var hidden = document.createElement("input");
        hidden.type = "hidden";
        hidden.name = "id";
        hidden.value = id;
        form.appendChild(hidden);
      });
    });
  }
  if (forget) {
    forget.addEventListener("click", function () {
      ids = [];
      save(ids);
      document.querySelectorAll("input.collect").forEach(function (box) { box.checked = false; });
      show();
    });
  }
  show();
})();
