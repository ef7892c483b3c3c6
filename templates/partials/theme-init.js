(function () {
  var root = document.documentElement;
  // Scripts run: the stylesheet may show the controls site.js drives (no layout shift later).
  root.className += " js";
  try {
    var saved = localStorage.getItem("theme");
    if (saved === "light" || saved === "dark") root.dataset.theme = saved;
  } catch (e) {}
})();
