/*
 * Helpdesk: progressive enhancement. Every page works without this file; with it:
 *
 * - Confirmations (templates/components/confirm.html): a button with data-confirm="<dialog id>"
 *   opens that <dialog> instead of submitting. Its "Yes, …" button ([data-confirm-yes])
 *   submits the button's form as if the button had been pressed, plus confirmed=yes; Cancel
 *   ([data-dialog-close]) and Escape close it and nothing is sent. Without JavaScript the
 *   button submits at once and the server answers with a confirmation page.
 * - Relative times (<time data-relative>, from the `time` tag) stay fresh on a page left open.
 * - Searchable selects (select[data-searchable="<label>"], New case's Requester): a search box
 *   with that label goes above the select and keeps only the options whose text holds every
 *   word typed; when the chosen option is filtered out, the first one left is chosen. Without
 *   JavaScript, the plain select.
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

// Agent case page: someone else is here. The page names its presence URL and the moment it was
// drawn (data-presence-url, data-presence-seen); every 10 s this asks who else has the case
// open and whether it changed since, and says so in the page's live region.
(function () {
  "use strict";
  var box = document.querySelector("[data-presence-url]");
  if (!box || !window.fetch) {
    return;
  }
  var url = box.getAttribute("data-presence-url");
  var seen = box.getAttribute("data-presence-seen") || "";

  function show(data) {
    box.textContent = "";
    (data.messages || []).forEach(function (text) {
      var line = document.createElement("p");
      line.textContent = text;
      box.appendChild(line);
    });
    if (data.changed) {
      var line = document.createElement("p");
      line.textContent = data.changed_text + " ";
      var link = document.createElement("a");
      link.href = window.location.pathname;
      link.textContent = data.reload_text;
      line.appendChild(link);
      box.appendChild(line);
    }
    box.hidden = !box.firstChild;
  }

  function poll() {
    fetch(url + "?seen=" + encodeURIComponent(seen), {
      credentials: "same-origin",
      headers: { Accept: "application/json" },
    })
      .then(function (response) {
        return response.ok ? response.json() : null;
      })
      .then(function (data) {
        if (data) {
          show(data);
        }
      })
      .catch(function () {});
  }

  poll();
  window.setInterval(poll, 10 * 1000);
})();

// Searchable selects: see the top of this file.
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
