// The theme's behaviour: the dark-mode toggle and the search box. Everything works without it.
(function () {
  "use strict";

  // Dark-mode toggle. The <head> applies a saved choice before the first paint; with no saved
  // choice the stylesheet follows the system setting.
  function setUpThemeToggle() {
    var root = document.documentElement;
    var button = document.querySelector(".theme-toggle");
    if (!button) return;
    var system = window.matchMedia("(prefers-color-scheme: dark)");
    function current() {
      if (root.dataset.theme === "light" || root.dataset.theme === "dark") return root.dataset.theme;
      return system.matches ? "dark" : "light";
    }
    function show() {
      button.setAttribute("aria-pressed", current() === "dark" ? "true" : "false");
    }
    show();
    if (system.addEventListener) system.addEventListener("change", show);
    button.addEventListener("click", function () {
      var next = current() === "dark" ? "light" : "dark";
      root.dataset.theme = next;
      try {
        localStorage.setItem("theme", next);
      } catch (e) {
        // Storage can be blocked (private windows); the choice then lasts for this page only.
      }
      show();
    });
  }

  // Search box. The Pagefind module is imported the first time the box is used, from the site
  // itself; it searches the index of the page's language (<html lang>).
  function setUpSearch() {
    var box = document.querySelector(".site-search");
    if (!box) return;
    var form = box.querySelector("form");
    var input = box.querySelector("input");
    var panel = box.querySelector(".search-results");
    var message = box.querySelector(".search-message");
    var list = box.querySelector(".search-list");
    var status = box.querySelector("[role=status]");
    var maxResults = 8;
    var pending = null;
    var timer = 0;
    var serial = 0;

    function text(name, values) {
      return (box.getAttribute("data-text-" + name) || "").replace(/\{(\w+)\}/g, function (all, key) {
        return key in values ? values[key] : all;
      });
    }

    // The index is split into shards (pagefind/shards.json lists them with their languages): the first
    // shard with the page's language is searched and the others with it are merged into its results.
    function shardsOf(manifest) {
      var shards = (manifest && manifest.shards) || [];
      var lang = (document.documentElement.getAttribute("lang") || "").toLowerCase();
      var mine = shards.filter(function (shard) {
        return shard.languages.indexOf(lang) >= 0 || shard.languages.indexOf(lang.split("-")[0]) >= 0;
      });
      return mine.length ? mine : shards;
    }

    function load() {
      if (!pending) {
        var base = box.dataset.base;
        var manifest = fetch(box.dataset.shards).then(function (response) {
          return response.ok ? response.json() : null;
        });
        pending = Promise.all([import(box.dataset.index), manifest]).then(function (loaded) {
          var pagefind = loaded[0];
          var shards = shardsOf(loaded[1]);
          var options = { baseUrl: base };
          if (shards.length) options.basePath = base + shards[0].path;
          return Promise.resolve(pagefind.options(options)).then(function () {
            return Promise.all(shards.slice(1).map(function (shard) {
              return pagefind.mergeIndex(base + shard.path, { baseUrl: base });
            }));
          }).then(function () {
            return pagefind;
          });
        });
      }
      return pending;
    }

    function open(visible) {
      panel.hidden = !visible;
    }

    function say(words) {
      message.textContent = words;
      message.hidden = !words;
      status.textContent = words;
    }

    function render(query, results) {
      list.textContent = "";
      results.forEach(function (result) {
        var item = document.createElement("li");
        var link = document.createElement("a");
        link.href = result.url;
        link.className = "search-title";
        link.textContent = (result.meta && result.meta.title) || result.url;
        item.appendChild(link);
        if (result.meta && result.meta.date) {
          var date = document.createElement("span");
          date.className = "search-date";
          date.textContent = result.meta.date;
          item.appendChild(date);
        }
        var excerpt = document.createElement("p");
        excerpt.className = "search-excerpt";
        // Pagefind escapes the page text and adds only <mark> around the matches.
        excerpt.innerHTML = result.excerpt;
        item.appendChild(excerpt);
        list.appendChild(item);
      });
      if (results.length) {
        message.hidden = true;
        status.textContent = text("results", { count: results.length });
      } else {
        say(text("none", { query: query }));
      }
      open(true);
    }

    function search(query) {
      var mine = ++serial;
      load()
        .then(function (pagefind) {
          return pagefind.search(query);
        })
        .then(function (found) {
          if (mine !== serial) return null;
          return Promise.all(found.results.slice(0, maxResults).map(function (r) { return r.data(); }));
        })
        .then(function (results) {
          if (results && mine === serial) render(query, results);
        })
        .catch(function () {
          if (mine !== serial) return;
          list.textContent = "";
          say(text("unavailable", {}));
          open(true);
        });
    }

    function onInput() {
      var query = input.value.trim();
      window.clearTimeout(timer);
      if (!query) {
        serial++;
        list.textContent = "";
        say("");
        open(false);
        return;
      }
      timer = window.setTimeout(function () { search(query); }, 150);
    }

    function links() {
      return Array.prototype.slice.call(list.querySelectorAll("a"));
    }

    // Start fetching the index as soon as the reader heads for the box.
    input.addEventListener("focus", function () {
      load().catch(function () {});
    });
    input.addEventListener("click", function () {
      if (input.value.trim() && (list.children.length || message.textContent)) open(true);
    });
    input.addEventListener("input", onInput);
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var first = links()[0];
      if (!first) return;
      open(true);
      first.focus();
    });
    box.addEventListener("keydown", function (event) {
      var all = links();
      var at = all.indexOf(document.activeElement);
      if (event.key === "Escape") {
        if (!panel.hidden) {
          open(false);
          input.focus();
          event.preventDefault();
        }
      } else if (event.key === "ArrowDown" && all.length) {
        all[Math.min(at + 1, all.length - 1)].focus();
        event.preventDefault();
      } else if (event.key === "ArrowUp" && at >= 0) {
        (at === 0 ? input : all[at - 1]).focus();
        event.preventDefault();
      }
    });
    box.addEventListener("focusout", function (event) {
      if (!event.relatedTarget || !box.contains(event.relatedTarget)) open(false);
    });
  }

  // Copy buttons on code blocks (textContent: highlighted lines are blocks, and line numbers are
  // drawn by CSS, so neither adds to the copied text). The button sits in the block's bar (made at build time, so
  // nothing moves when it appears); success is announced through one polite live region.
  function setUpCopyButtons() {
    var bars = document.querySelectorAll(".highlight > .code-bar");
    if (!bars.length || !navigator.clipboard) return;
    var body = document.body;
    var status = document.createElement("p");
    status.className = "visually-hidden";
    status.setAttribute("role", "status");
    status.setAttribute("aria-live", "polite");
    body.appendChild(status);
    Array.prototype.forEach.call(bars, function (bar) {
      var code = bar.parentNode.querySelector("pre code") || bar.parentNode.querySelector("pre");
      var button = document.createElement("button");
      button.type = "button";
      button.className = "copy-button";
      button.textContent = body.dataset.textCopy || "Copy";
      button.addEventListener("click", function () {
        navigator.clipboard.writeText(code.textContent.replace(/\n$/, "")).then(function () {
          var done = body.dataset.textCopied || "Copied";
          status.textContent = "";
          window.setTimeout(function () { status.textContent = done; }, 50);
          button.classList.add("copied");
          window.setTimeout(function () { button.classList.remove("copied"); }, 2000);
        });
      });
      bar.appendChild(button);
    });
  }

  // giscus comments: nothing is requested from another host until the reader asks for them.
  function setUpComments() {
    var box = document.querySelector(".comments[data-giscus]");
    if (!box) return;
    var button = box.querySelector(".comments-button");
    button.addEventListener("click", function () {
      var script = document.createElement("script");
      var settings = JSON.parse(box.dataset.giscus);
      Object.keys(settings).forEach(function (name) { script.setAttribute("data-" + name, settings[name]); });
      script.src = box.dataset.src;
      script.async = true;
      script.crossOrigin = "anonymous";
      button.remove();
      box.querySelector(".comments-frame").appendChild(script);
    });
  }

  setUpThemeToggle();
  setUpSearch();
  setUpCopyButtons();
  setUpComments();
})();

// Copy-BibTeX buttons on the publications and CV pages.
document.addEventListener("click", (event) => {
  const button = event.target.closest("button.copy-bibtex");
  if (!button || !navigator.clipboard) return;
  const source = document.getElementById(button.dataset.copy);
  if (!source) return;
  navigator.clipboard.writeText(source.textContent).then(() => {
    const label = button.textContent;
    button.textContent = button.dataset.done;
    setTimeout(() => { button.textContent = label; }, 1500);
  });
});
