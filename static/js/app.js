/*
 * Meridian MSO — progressive enhancement (vanilla JS, CSP-safe: no eval, no inline handlers).
 * Loaded with <script src=".../js/app.js" defer>.
 *
 *   [data-menu]                 <details> menus: close on outside click / Escape, one open at a time
 *   [data-sidebar-toggle]       opens the off-canvas sidebar on narrow screens; [data-sidebar-close] closes it
 *   [data-toast]                toasts; [data-autohide="ms"] auto-dismiss; [data-dismiss] closes the
 *                               nearest .toast / .alert
 *   [data-formset]              add/remove formset rows (see templates/components/formset.html)
 *   [data-action="back"]        history.back() button
 *   [data-confirm="text"]       on a <form> or submit button: window.confirm before a normal submit
 *   [data-poll]                 re-fetch the current URL every data-poll-interval seconds (provisioning
 *                               page): 2xx -> reload, otherwise swap the element's content in place
 * Everything re-initialises on htmx:load, so swapped-in content works too.
 */
(function () {
  "use strict";

  var doc = document;
  doc.documentElement.classList.remove("no-js");
  doc.documentElement.classList.add("js");

  function closest(el, selector) {
    return el && el.closest ? el.closest(selector) : null;
  }

  function each(root, selector, fn) {
    var scope = root && root.querySelectorAll ? root : doc;
    var list = scope.querySelectorAll(selector);
    for (var i = 0; i < list.length; i++) fn(list[i]);
    if (scope !== doc && scope.matches && scope.matches(selector)) fn(scope);
  }

  /* ---------------------------------------------------------------- menus */
  function closeMenus(except) {
    each(doc, "details[data-menu][open]", function (menu) {
      if (menu !== except) menu.open = false;
    });
  }

  doc.addEventListener("click", function (event) {
    var menu = closest(event.target, "details[data-menu]");
    closeMenus(menu);
  });

  doc.addEventListener("toggle", function (event) {
    var menu = event.target;
    if (menu.matches && menu.matches("details[data-menu]") && menu.open) closeMenus(menu);
  }, true);

  /* -------------------------------------------------------------- sidebar */
  function setSidebar(open) {
    doc.body.classList.toggle("sidebar-open", open);
    each(doc, "[data-sidebar-toggle]", function (btn) {
      btn.setAttribute("aria-expanded", open ? "true" : "false");
    });
    each(doc, ".sidebar-backdrop", function (el) {
      el.hidden = !open;
    });
    if (open) {
      var first = doc.querySelector("#sidebar .nav-link");
      if (first) first.focus();
    }
  }

  doc.addEventListener("click", function (event) {
    if (closest(event.target, "[data-sidebar-toggle]")) {
      setSidebar(!doc.body.classList.contains("sidebar-open"));
    } else if (closest(event.target, "[data-sidebar-close]")) {
      setSidebar(false);
      var toggle = doc.querySelector("[data-sidebar-toggle]");
      if (toggle) toggle.focus();
    }
  });

  doc.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    var openMenu = doc.querySelector("details[data-menu][open]");
    if (openMenu) {
      openMenu.open = false;
      var summary = openMenu.querySelector("summary");
      if (summary) summary.focus();
      return;
    }
    if (doc.body.classList.contains("sidebar-open")) {
      setSidebar(false);
      var toggle = doc.querySelector("[data-sidebar-toggle]");
      if (toggle) toggle.focus();
    }
  });

  /* --------------------------------------------------------------- toasts */
  function dismiss(el) {
    if (!el || el.classList.contains("is-leaving")) return;
    var reduce = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
    if (reduce || !el.classList.contains("toast")) {
      el.remove();
      return;
    }
    el.classList.add("is-leaving");
    el.addEventListener("animationend", function () { el.remove(); }, { once: true });
    window.setTimeout(function () { el.remove(); }, 400);
  }

  doc.addEventListener("click", function (event) {
    var btn = closest(event.target, "[data-dismiss]");
    if (btn) dismiss(closest(btn, ".toast, .alert"));
  });

  function initToast(toast) {
    if (toast.dataset.toastReady) return;
    toast.dataset.toastReady = "1";
    var delay = parseInt(toast.getAttribute("data-autohide"), 10);
    if (!delay) return;
    var timer = null;
    var remaining = delay;
    var started = 0;
    function start() {
      started = Date.now();
      timer = window.setTimeout(function () { dismiss(toast); }, remaining);
    }
    function pause() {
      if (timer) {
        window.clearTimeout(timer);
        timer = null;
        remaining = Math.max(1000, remaining - (Date.now() - started));
      }
    }
    toast.addEventListener("mouseenter", pause);
    toast.addEventListener("focusin", pause);
    toast.addEventListener("mouseleave", function () { if (!timer) start(); });
    toast.addEventListener("focusout", function () { if (!timer) start(); });
    start();
  }

  /* ------------------------------------------------------------- formsets */
  function formsetParts(formset) {
    var prefix = formset.getAttribute("data-prefix");
    return {
      prefix: prefix,
      total: formset.querySelector('input[name="' + prefix + '-TOTAL_FORMS"]'),
      max: formset.querySelector('input[name="' + prefix + '-MAX_NUM_FORMS"]'),
      rows: formset.querySelector("[data-formset-rows]"),
      template: formset.querySelector("template[data-formset-template]"),
      add: formset.querySelector("[data-formset-add]"),
      limit: formset.querySelector("[data-formset-limit]")
    };
  }

  function rowsOf(parts) {
    return parts.rows ? Array.prototype.slice.call(parts.rows.querySelectorAll(":scope > [data-formset-row]")) : [];
  }

  function escapeRegExp(text) {
    return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  }

  function renumber(formset) {
    var parts = formsetParts(formset);
    var rows = rowsOf(parts);
    var label = formset.getAttribute("data-row-label") || "Row";
    var pattern = new RegExp("(^|id_)" + escapeRegExp(parts.prefix) + "-(\\d+|__prefix__)-");
    rows.forEach(function (row, index) {
      var replacement = "$1" + parts.prefix + "-" + index + "-";
      each(row, "[name], [id], [for], [aria-describedby]", function (el) {
        ["name", "id", "for"].forEach(function (attr) {
          var value = el.getAttribute(attr);
          if (value) el.setAttribute(attr, value.replace(pattern, replacement));
        });
        var described = el.getAttribute("aria-describedby");
        if (described) {
          el.setAttribute("aria-describedby", described.split(/\s+/).map(function (id) {
            return id.replace(pattern, replacement);
          }).join(" "));
        }
      });
      var legend = row.querySelector("[data-formset-legend]");
      if (legend) legend.textContent = label + " " + (index + 1);
      each(row, "[data-formset-number]", function (el) { el.textContent = String(index + 1); });
    });
    if (parts.total) parts.total.value = String(rows.length);
    updateLimit(formset);
  }

  function updateLimit(formset) {
    var parts = formsetParts(formset);
    if (!parts.add) return;
    var max = parts.max ? parseInt(parts.max.value, 10) : NaN;
    var full = !isNaN(max) && rowsOf(parts).length >= max;
    parts.add.disabled = full;
    if (parts.limit) parts.limit.hidden = !full;
  }

  function addRow(formset) {
    var parts = formsetParts(formset);
    if (!parts.template || !parts.rows || !parts.total) return;
    var index = rowsOf(parts).length;
    var max = parts.max ? parseInt(parts.max.value, 10) : NaN;
    if (!isNaN(max) && index >= max) return;
    var html = parts.template.innerHTML.replace(/__prefix__/g, String(index));
    var holder = doc.createElement("div");
    holder.innerHTML = html.trim();
    var row = holder.firstElementChild;
    parts.rows.appendChild(row);
    renumber(formset);
    if (window.htmx && typeof window.htmx.process === "function") window.htmx.process(row);
    var focusable = row.querySelector("input:not([type=hidden]), select, textarea");
    if (focusable) focusable.focus();
  }

  function removeRow(formset, row) {
    var next = row.nextElementSibling || row.previousElementSibling;
    row.remove();
    renumber(formset);
    var target = next && next.querySelector("input:not([type=hidden]), select, textarea");
    if (!target) target = formset.querySelector("[data-formset-add]");
    if (target) target.focus();
  }

  doc.addEventListener("click", function (event) {
    var add = closest(event.target, "[data-formset-add]");
    if (add) {
      event.preventDefault();
      addRow(closest(add, "[data-formset]"));
      return;
    }
    var remove = closest(event.target, "[data-formset-remove]");
    if (remove) {
      event.preventDefault();
      removeRow(closest(remove, "[data-formset]"), closest(remove, "[data-formset-row]"));
    }
  });

  /* ------------------------------------------------------ misc behaviours */
  doc.addEventListener("click", function (event) {
    var back = closest(event.target, '[data-action="back"]');
    if (!back) return;
    event.preventDefault();
    if (window.history.length > 1) window.history.back();
    else window.location.href = "/";
  });

  doc.addEventListener("submit", function (event) {
    var form = event.target;
    var submitter = event.submitter;
    var message = (submitter && submitter.getAttribute("data-confirm")) || form.getAttribute("data-confirm");
    if (message && !window.confirm(message)) event.preventDefault();
  });

  /* ------------------------------------------------ provisioning polling */
  function initPoll(el) {
    if (el.dataset.pollReady) return;
    el.dataset.pollReady = "1";
    var seconds = parseInt(el.getAttribute("data-poll-interval"), 10) || 5;
    var url = el.getAttribute("data-poll-url") || window.location.href;
    var failures = 0;

    function schedule() {
      var wait = Math.min(60, seconds * Math.pow(2, Math.min(failures, 3)));
      window.setTimeout(tick, wait * 1000);
    }

    function tick() {
      if (!doc.body.contains(el)) return;
      window.fetch(url, {
        headers: { "X-Requested-With": "XMLHttpRequest", "X-Meridian-Poll": "1" },
        credentials: "same-origin",
        cache: "no-store"
      }).then(function (response) {
        if (response.ok) {
          window.location.reload();
          return null;
        }
        return response.text().then(function (text) {
          var parsed = new DOMParser().parseFromString(text, "text/html");
          var fresh = el.id ? parsed.getElementById(el.id) : null;
          if (fresh) {
            el.innerHTML = fresh.innerHTML;
            if (!fresh.hasAttribute("data-poll")) return; // final state (failed / suspended)
          }
          failures = response.status === 503 ? 0 : failures + 1;
          schedule();
        });
      }).catch(function () {
        failures += 1;
        schedule();
      });
    }

    schedule();
  }

  /* ---------------------------------------------------------------- init */
  function init(root) {
    each(root, "[data-toast]", initToast);
    each(root, "[data-formset]", updateLimit);
    each(root, "[data-poll]", initPoll);
  }

  if (doc.readyState === "loading") {
    doc.addEventListener("DOMContentLoaded", function () { init(doc); });
  } else {
    init(doc);
  }
  doc.addEventListener("htmx:load", function (event) {
    init(event.detail && event.detail.elt ? event.detail.elt : doc);
  });
})();
