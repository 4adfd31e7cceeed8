/*
 * Helpdesk: progressive enhancement. Every page works without this file; with it:
 *
 * - Confirmations (templates/components/confirm.html): a button with data-confirm="<dialog id>"
 *   opens that <dialog> instead of submitting. Its "Yes, …" button ([data-confirm-yes])
 *   submits the button's form as if the button had been pressed, plus confirmed=yes; Cancel
 *   ([data-dialog-close]) and Escape close it and nothing is sent. Without JavaScript the
 *   button submits at once and the server answers with a confirmation page.
 * - Relative times (<time data-relative>, from the `time` tag) stay fresh on a page left open.
 * - Typeaheads (input[data-lookup="<url>"]: the workspace's Requester and Organization fields):
 *   as one types, the matches the server finds (<url>?q=…, agent/views/lookups.py) are listed
 *   under the field, an ARIA combobox (arrow keys, Enter, Escape, or a click); choosing one
 *   writes its value in the field. Without JavaScript the server matches what was typed.
 * - Saved replies (templates/agent/_case_saved_replies.html): an Insert button with
 *   data-saved-reply-text puts that text into the textarea named by data-saved-reply-target, at
 *   the cursor, instead of asking for the page again with the Reply box filled in.
 *
 * No inline handlers, no eval: it runs under the pages' Content-Security-Policy. Listeners are
 * delegated from the document, so content that htmx swaps in works too.
 */
(function () {
  "use strict";

  // The button that opened each dialog, so that "Yes" can submit on its behalf.
  var openers = new WeakMap();

  function openConfirmation(button, event) {
    var dialog = document.getElementById(button.dataset.confirm);
    var form = button.form;
    if (!dialog || typeof dialog.showModal !== "function" || !form) {
      return; // No dialog support: let the form go to the confirmation page.
    }
    if (!button.hasAttribute("formnovalidate") && !form.noValidate && !form.checkValidity()) {
      return; // Let the browser point at the field that needs filling in first.
    }
    event.preventDefault();
    openers.set(dialog, button);
    dialog.showModal();
  }

  function confirmAction(dialog) {
    var button = openers.get(dialog);
    var form = button && button.form;
    if (!form) {
      dialog.close();
      return;
    }
    var flag = form.querySelector('input[type="hidden"][name="confirmed"]');
    if (!flag) {
      flag = document.createElement("input");
      flag.type = "hidden";
      flag.name = "confirmed";
      form.appendChild(flag);
    }
    flag.value = "yes";
    dialog.close();
    if (typeof form.requestSubmit === "function") {
      form.requestSubmit(button);
    } else {
      // Old browsers: carry the button's own name and value by hand.
      if (button.name) {
        var carried = document.createElement("input");
        carried.type = "hidden";
        carried.name = button.name;
        carried.value = button.value;
        form.appendChild(carried);
      }
      form.submit();
    }
  }

  document.addEventListener("click", function (event) {
    var target = event.target instanceof Element ? event.target : null;
    if (!target) {
      return;
    }
    var trigger = target.closest("[data-confirm]");
    if (trigger) {
      openConfirmation(trigger, event);
      return;
    }
    var yes = target.closest("[data-confirm-yes]");
    if (yes) {
      confirmAction(yes.closest("dialog"));
      return;
    }
    var close = target.closest("[data-dialog-close]");
    if (close) {
      close.closest("dialog").close();
    }
  });

  // Saved replies: insert the text (already filled in for the case) where the cursor is.
  document.addEventListener("click", function (event) {
    var target = event.target;
    if (!(target instanceof Element)) {
      return;
    }
    var button = target.closest("[data-saved-reply-text]");
    if (!button) {
      return;
    }
    var box = document.getElementById(button.getAttribute("data-saved-reply-target") || "");
    if (!(box instanceof HTMLTextAreaElement)) {
      return; // No Reply box on this page: let the form ask for it.
    }
    event.preventDefault();
    var text = button.getAttribute("data-saved-reply-text") || "";
    var start = box.selectionStart;
    var end = box.selectionEnd;
    if (typeof start !== "number" || typeof end !== "number") {
      start = end = box.value.length;
    }
    box.value = box.value.slice(0, start) + text + box.value.slice(end);
    box.focus();
    box.setSelectionRange(start + text.length, start + text.length);
    box.dispatchEvent(new Event("input", { bubbles: true }));
  });

  // A click on the backdrop (outside the dialog's box) cancels, as Escape does.
  document.addEventListener("click", function (event) {
    var dialog = event.target;
    if (!(dialog instanceof HTMLDialogElement) || !dialog.open) {
      return;
    }
    var box = dialog.getBoundingClientRect();
    var inside =
      event.clientX >= box.left && event.clientX <= box.right &&
      event.clientY >= box.top && event.clientY <= box.bottom;
    if (!inside) {
      dialog.close();
    }
  });

  // Relative times: the same words as the server's `time` tag ("5 minutes ago", "in 2 hours");
  // under a minute and past a week the server's words stay.
  var MINUTE = 60 * 1000;
  var HOUR = 60 * MINUTE;
  var DAY = 24 * HOUR;
  var WEEK = 7 * DAY;
  var format = null;
  try {
    format = new Intl.RelativeTimeFormat(document.documentElement.lang || "en", {
      numeric: "always",
    });
  } catch (error) {
    format = null;
  }

  function refreshTimes() {
    if (!format) {
      return;
    }
    var now = Date.now();
    document.querySelectorAll("time[data-relative][datetime]").forEach(function (element) {
      var at = Date.parse(element.getAttribute("datetime"));
      if (isNaN(at)) {
        return;
      }
      var delta = at - now;
      var size = Math.abs(delta);
      if (size < MINUTE || size >= WEEK) {
        return;
      }
      var sign = delta < 0 ? -1 : 1;
      var text;
      if (size < HOUR) {
        text = format.format(sign * Math.floor(size / MINUTE), "minute");
      } else if (size < DAY) {
        text = format.format(sign * Math.floor(size / HOUR), "hour");
      } else {
        text = format.format(sign * Math.floor(size / DAY), "day");
      }
      if (element.textContent !== text) {
        element.textContent = text;
      }
    });
  }

  window.setInterval(refreshTimes, 30 * 1000);
})();

// Typeaheads: see the top of this file. The list follows WAI-ARIA's combobox pattern: the field
// keeps the focus, aria-activedescendant names the suggestion the arrow keys are on, and a
// polite status says how many there are. Fields that htmx swaps in are enhanced too.
(function () {
  "use strict";
  var count = 0;

  function enhance(input) {
    if (input.hasAttribute("data-lookup-ready")) {
      return;
    }
    input.setAttribute("data-lookup-ready", "");
    count += 1;
    var listId = (input.id || "lookup-" + count) + "-suggestions";
    var box = document.createElement("div");
    box.className = "lookup";
    input.parentNode.insertBefore(box, input);
    box.appendChild(input);
    var list = document.createElement("ul");
    list.className = "lookup__list";
    list.id = listId;
    list.setAttribute("role", "listbox");
    list.hidden = true;
    box.appendChild(list);
    var status = document.createElement("p");
    status.className = "visually-hidden";
    status.setAttribute("role", "status");
    box.appendChild(status);
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", listId);

    var timer = null;
    var asked = 0;
    var active = -1;

    function options() {
      return Array.prototype.slice.call(list.querySelectorAll('[role="option"]'));
    }

    function close() {
      list.hidden = true;
      list.textContent = "";
      active = -1;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
    }

    function highlight(index) {
      var all = options();
      all.forEach(function (option, n) {
        option.setAttribute("aria-selected", n === index ? "true" : "false");
      });
      active = index;
      if (index >= 0 && all[index]) {
        input.setAttribute("aria-activedescendant", all[index].id);
        all[index].scrollIntoView({ block: "nearest" });
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }

    function choose(option) {
      input.value = option.getAttribute("data-value");
      close();
      // As if typed: a filter form sends itself again (htmx listens for change).
      input.dispatchEvent(new Event("change", { bubbles: true }));
    }

    function show(results) {
      list.textContent = "";
      results.forEach(function (result, n) {
        var option = document.createElement("li");
        option.id = listId + "-" + n;
        option.className = "lookup__option";
        option.setAttribute("role", "option");
        option.setAttribute("aria-selected", "false");
        option.setAttribute("data-value", result.value);
        var label = document.createElement("span");
        label.className = "lookup__label";
        label.textContent = result.label;
        option.appendChild(label);
        if (result.detail) {
          var detail = document.createElement("span");
          detail.className = "lookup__detail";
          detail.textContent = result.detail;
          option.appendChild(detail);
        }
        list.appendChild(option);
      });
      active = -1;
      list.hidden = !results.length;
      input.setAttribute("aria-expanded", results.length ? "true" : "false");
      status.textContent = results.length
        ? results.length + (results.length === 1 ? " suggestion" : " suggestions")
        : "No suggestions";
    }

    function ask() {
      var text = input.value.trim();
      if (!text) {
        close();
        return;
      }
      var url = new URL(input.getAttribute("data-lookup"), window.location.href);
      url.searchParams.set("q", text);
      asked += 1;
      var mine = asked;
      fetch(url.toString(), {
        credentials: "same-origin",
        headers: { Accept: "application/json" },
      })
        .then(function (response) {
          return response.ok ? response.json() : null;
        })
        .then(function (data) {
          // An answer to an older question, or to a field the page no longer holds: drop it.
          if (data && mine === asked && document.activeElement === input) {
            show(data.results || []);
          }
        })
        .catch(function () {});
    }

    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(ask, 200);
    });

    input.addEventListener("keydown", function (event) {
      var all = options();
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        if (list.hidden) {
          ask();
          return;
        }
        event.preventDefault();
        if (!all.length) {
          return;
        }
        if (event.key === "ArrowDown") {
          highlight(active + 1 >= all.length ? 0 : active + 1);
        } else {
          highlight(active - 1 < 0 ? all.length - 1 : active - 1);
        }
      } else if (event.key === "Enter" && !list.hidden && active >= 0 && all[active]) {
        event.preventDefault();
        choose(all[active]);
      } else if (event.key === "Escape" && !list.hidden) {
        event.preventDefault();
        close();
      }
    });

    input.addEventListener("blur", function () {
      window.setTimeout(close, 150);
    });

    // mousedown, not click: the field would lose the focus (and close the list) first.
    list.addEventListener("mousedown", function (event) {
      var option = event.target instanceof Element && event.target.closest('[role="option"]');
      if (option) {
        event.preventDefault();
        choose(option);
      }
    });
  }

  function enhanceAll(root) {
    (root || document).querySelectorAll("input[data-lookup]").forEach(enhance);
  }

  enhanceAll(document);
  document.addEventListener("htmx:load", function (event) {
    enhanceAll(event.target instanceof Element ? event.target : document);
  });
})();

// Bulk actions: the Transition select keeps the transitions that apply to the rows checked.
// Each option names its workflow and the statuses it starts from (data-workflow, data-sources),
// each row's checkbox its workflow and status; with nothing checked, every transition the page
// offers (those that apply to one of its rows) stays. Without JavaScript all of those show, and
// the result says, per case, what was refused.
(function () {
  "use strict";

  function narrow() {
    var select = document.getElementById("bulk_transition");
    if (!select) {
      return;
    }
    var checked = Array.prototype.slice.call(
      document.querySelectorAll('input[type="checkbox"][name="cases"][form="bulk"]:checked')
    );
    select.querySelectorAll("option[data-workflow]").forEach(function (option) {
      var sources = (option.getAttribute("data-sources") || "").split(" ");
      var applies =
        !checked.length ||
        checked.some(function (box) {
          return (
            box.getAttribute("data-workflow") === option.getAttribute("data-workflow") &&
            sources.indexOf(box.getAttribute("data-status")) !== -1
          );
        });
      option.hidden = !applies;
      option.disabled = !applies;
    });
    select.querySelectorAll("optgroup").forEach(function (group) {
      group.hidden = !group.querySelector("option:not([hidden])");
    });
    var chosen = select.options[select.selectedIndex];
    if (chosen && chosen.disabled) {
      select.value = "";
    }
  }

  document.addEventListener("change", function (event) {
    var target = event.target;
    if (target instanceof HTMLInputElement && target.name === "cases") {
      narrow();
    }
  });
  document.addEventListener("htmx:load", narrow);
  narrow();
})();

// Searchable selects (select[data-searchable="<label>"], New case's Requester while the customers
// are few enough to list): a search box with that label goes above the select and keeps only the
// options whose text holds every word typed; when the chosen option is filtered out, the first one
// left is chosen. Without JavaScript, the plain select.
(function () {
  "use strict";
  document.querySelectorAll("select[data-searchable]").forEach(function (select) {
    var box = document.createElement("div");
    box.className = "searchable";
    var label = document.createElement("label");
    label.className = "searchable__label";
    label.htmlFor = select.id + "_search";
    label.textContent = select.getAttribute("data-searchable");
    var input = document.createElement("input");
    input.type = "search";
    input.id = select.id + "_search";
    input.autocomplete = "off";
    input.setAttribute("aria-controls", select.id);
    box.appendChild(label);
    box.appendChild(input);
    select.parentNode.insertBefore(box, select);
    var options = Array.prototype.slice.call(select.options).filter(function (option) {
      return option.value !== "";
    });

    input.addEventListener("input", function () {
      var words = input.value.toLowerCase().split(/\s+/).filter(Boolean);
      var shown = options.filter(function (option) {
        var text = option.text.toLowerCase();
        var match = words.every(function (word) {
          return text.indexOf(word) !== -1;
        });
        option.hidden = !match;
        return match;
      });
      var chosen = select.options[select.selectedIndex];
      if (shown.length && (!chosen || chosen.hidden || chosen.value === "")) {
        select.value = shown[0].value;
      }
    });
  });
})();
