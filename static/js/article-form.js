/*
 * The fact check's change form: never lose work (a warning before leaving
 * a changed form, saving before Publish/Withdraw/Preview, a copy kept in
 * this browser and offered back after a crash), warnings next to their
 * fields, collapsible sections with an outline, the live preview, and
 * adding a source from its address. No inline script or style: the page's
 * Content-Security-Policy allows neither.
 */
(function () {
  "use strict";

  var form = document.getElementById("article_form");
  if (!form) {
    return;
  }
  var $ = window.django && window.django.jQuery;
  var STORE = "factually:autosave:article:";
  var match = window.location.pathname.match(/\/(\d+)\/change\/$/);
  var articleKey = STORE + (match ? match[1] : "new") + ":";
  var tokenInput = form.querySelector("[name=edit_token]");
  var storageKey = articleKey + (tokenInput ? tokenInput.value : "");
  var submitting = false;
  var initial = "";

  function debounce(fn, wait) {
    var timer = null;
    return function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(fn, wait);
    };
  }

  function csrfToken() {
    var input = form.querySelector("[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function gettext(text) {
    return window.gettext ? window.gettext(text) : text;
  }

  // What the form holds, as [name, value] pairs in form order.
  function fields() {
    var pairs = [];
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || el.disabled || el.name === "csrfmiddlewaretoken" ||
          el.name === "_then" || el.type === "submit" || el.type === "button" ||
          el.type === "file" || el.closest(".empty-form")) {
        return;
      }
      if ((el.type === "checkbox" || el.type === "radio") && !el.checked) {
        return;
      }
      if (el.tagName === "SELECT") {
        Array.prototype.forEach.call(el.selectedOptions, function (option) {
          pairs.push([el.name, option.value, option.textContent]);
        });
        return;
      }
      pairs.push([el.name, el.value]);
    });
    return pairs;
  }

  function serialize() {
    return JSON.stringify(fields().map(function (pair) { return [pair[0], pair[1]]; }));
  }

  function isDirty() {
    return initial !== "" && serialize() !== initial;
  }

  // 1. Never lose work.

  window.addEventListener("beforeunload", function (event) {
    if (!submitting && isDirty()) {
      event.preventDefault();
      event.returnValue = "";
    }
  });

  form.addEventListener("submit", function () {
    submitting = true;
    var saved = readStore(storageKey);
    if (saved) {
      saved.submitted = true;
      writeStore(storageKey, saved);
    }
  });

  // Publish, Withdraw and Preview leave the page: from a changed form they
  // save it first, and the server then goes on to where the link pointed.
  document.querySelectorAll("a[data-then]").forEach(function (link) {
    link.addEventListener("click", function (event) {
      if (!isDirty()) {
        return;
      }
      event.preventDefault();
      var then = document.createElement("input");
      then.type = "hidden";
      then.name = "_then";
      then.value = link.dataset.then;
      form.appendChild(then);
      if (form.requestSubmit) {
        form.requestSubmit();
      } else {
        submitting = true;
        form.submit();
      }
    });
  });

  function readStore(key) {
    try {
      return JSON.parse(window.localStorage.getItem(key) || "null");
    } catch (error) {
      return null;
    }
  }

  function writeStore(key, value) {
    try {
      window.localStorage.setItem(key, JSON.stringify(value));
    } catch (error) {
      // Storage full or disabled: the beforeunload warning still stands.
    }
  }

  function storedKeys() {
    var keys = [];
    for (var i = 0; i < window.localStorage.length; i++) {
      var key = window.localStorage.key(i);
      if (key && key.indexOf(articleKey) === 0) {
        keys.push(key);
      }
    }
    return keys;
  }

  var autosave = debounce(function () {
    if (submitting) {
      return;
    }
    if (!isDirty()) {
      window.localStorage.removeItem(storageKey);
      return;
    }
    var totals = {};
    form.querySelectorAll("input[name$='-TOTAL_FORMS']").forEach(function (input) {
      totals[input.name.replace(/-TOTAL_FORMS$/, "")] = input.value;
    });
    writeStore(storageKey, {savedAt: new Date().toISOString(), fields: fields(), totals: totals});
  }, 800);

  function restore(saved) {
    Object.keys(saved.totals || {}).forEach(function (prefix) {
      var total = form.querySelector("[name='" + prefix + "-TOTAL_FORMS']");
      var add = document.querySelector("#" + prefix + "-group .add-row a");
      var guard = 0;
      while (total && add && Number(total.value) < Number(saved.totals[prefix]) && guard++ < 1000) {
        add.click();
      }
    });
    var byName = {};
    saved.fields.forEach(function (pair) {
      (byName[pair[0]] = byName[pair[0]] || []).push(pair);
    });
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || !(el.name in byName) && el.type !== "checkbox") {
        return;
      }
      var values = (byName[el.name] || []).map(function (pair) { return pair[1]; });
      if (el.type === "checkbox" || el.type === "radio") {
        el.checked = values.indexOf(el.value) !== -1;
      } else if (el.tagName === "SELECT") {
        (byName[el.name] || []).forEach(function (pair) {
          var found = Array.prototype.some.call(el.options, function (option) {
            return option.value === pair[1];
          });
          if (!found && pair[1]) {
            el.appendChild(new Option(pair[2] || pair[1], pair[1]));
          }
        });
        Array.prototype.forEach.call(el.options, function (option) {
          option.selected = values.indexOf(option.value) !== -1;
        });
        if ($) {
          $(el).trigger("change");
        }
      } else if (el.type !== "hidden" || /-(id|article)$/.test(el.name) === false) {
        el.value = values[0];
      }
    });
    refreshOutline();
  }

  function offerRestore() {
    var box = document.getElementById("editor-restore");
    var justSaved = document.querySelector(".messagelist .success");
    var newest = null;
    storedKeys().forEach(function (key) {
      var saved = readStore(key);
      var stale = key !== storageKey && saved && saved.submitted;
      if (!saved || justSaved || stale) {
        // Saved since: the copy in this browser has done its job.
        window.localStorage.removeItem(key);
        return;
      }
      if (key === storageKey && saved.submitted) {
        // The save was refused (the form shows why) and holds these edits.
        saved.submitted = false;
        writeStore(key, saved);
        return;
      }
      if (!newest || saved.savedAt > newest.saved.savedAt) {
        newest = {key: key, saved: saved};
      }
    });
    if (!box || !newest) {
      return;
    }
    var current = serialize();
    var theirs = JSON.stringify(newest.saved.fields.map(function (p) { return [p[0], p[1]]; }));
    if (theirs === current) {
      window.localStorage.removeItem(newest.key);
      return;
    }
    var when = new Date(newest.saved.savedAt);
    var text = document.createElement("p");
    text.textContent = gettext("Edits you had not saved were kept in this browser") + " (" +
      when.toLocaleString() + ")" +
      (newest.key !== storageKey ? " — " + gettext("made on an earlier version of this page, so check them against it") : "") + ".";
    var restoreButton = document.createElement("button");
    restoreButton.type = "button";
    restoreButton.className = "button default";
    restoreButton.id = "editor-restore-yes";
    restoreButton.textContent = gettext("Restore my edits");
    var discardButton = document.createElement("button");
    discardButton.type = "button";
    discardButton.className = "button";
    discardButton.id = "editor-restore-no";
    discardButton.textContent = gettext("Discard them");
    box.replaceChildren(text, restoreButton, document.createTextNode(" "), discardButton);
    box.hidden = false;
    restoreButton.addEventListener("click", function () {
      restore(newest.saved);
      if (newest.key !== storageKey) {
        window.localStorage.removeItem(newest.key);
      }
      box.hidden = true;
      autosave();
    });
    discardButton.addEventListener("click", function () {
      window.localStorage.removeItem(newest.key);
      box.hidden = true;
    });
  }

  // 2. Warnings next to their fields.

  function placeWarnings() {
    var data = document.getElementById("writing-warnings-data");
    var byField = data ? JSON.parse(data.textContent || "{}") : {};
    Object.keys(byField).forEach(function (id) {
      var el = document.getElementById(id);
      if (!el) {
        return;
      }
      var list = document.createElement("ul");
      list.className = "warnlist";
      list.id = id + "-warnings";
      byField[id].forEach(function (message) {
        var item = document.createElement("li");
        item.textContent = message;
        list.appendChild(item);
      });
      var anchor = el.closest(".related-widget-wrapper") || el;
      anchor.after(list);
      var described = el.getAttribute("aria-describedby");
      el.setAttribute("aria-describedby", (described ? described + " " : "") + list.id);
      var inline = el.closest(".inline-related");
      if (inline) {
        inline.classList.add("has-warnings");
      }
    });
  }

  // 3. Long articles: collapsible sections and claims, and the outline.

  function inlineRows(group) {
    return Array.prototype.filter.call(
      document.querySelectorAll("#" + group + "-group .inline-related"),
      function (row) { return !row.classList.contains("empty-form") && row.id; }
    );
  }

  function setCollapsed(row, collapsed) {
    row.classList.toggle("is-collapsed", collapsed);
    var button = row.querySelector(".inline-toggle");
    if (button) {
      button.setAttribute("aria-expanded", String(!collapsed));
    }
  }

  function makeCollapsible(row) {
    var heading = row.querySelector("h3");
    if (!heading || heading.querySelector(".inline-toggle")) {
      return;
    }
    var button = document.createElement("button");
    button.type = "button";
    button.className = "inline-toggle";
    button.setAttribute("aria-expanded", "true");
    var fieldset = row.querySelector("fieldset");
    if (fieldset) {
      fieldset.id = fieldset.id || row.id + "-fields";
      button.setAttribute("aria-controls", fieldset.id);
    }
    var hint = document.createElement("span");
    hint.className = "visually-hidden";
    hint.textContent = gettext("Show or hide this part");
    button.appendChild(hint);
    button.addEventListener("click", function () {
      setCollapsed(row, !row.classList.contains("is-collapsed"));
    });
    heading.insertBefore(button, heading.firstChild);
    var input = row.querySelector("input[name$='-heading']");
    var label = row.querySelector(".inline_label");
    if (input && label) {
      input.addEventListener("input", function () {
        var number = inlineRows("sections").indexOf(row) + 1;
        label.textContent = number + ". " + input.value;
        refreshOutline();
      });
    }
  }

  function groupTools(group) {
    var container = document.getElementById(group + "-group");
    if (!container || container.querySelector(".group-tools")) {
      return;
    }
    var tools = document.createElement("p");
    tools.className = "group-tools";
    [[gettext("Collapse all"), true], [gettext("Expand all"), false]].forEach(function (spec) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "button";
      button.textContent = spec[0];
      button.addEventListener("click", function () {
        inlineRows(group).forEach(function (row) { setCollapsed(row, spec[1]); });
      });
      tools.appendChild(button);
      tools.appendChild(document.createTextNode(" "));
    });
    var heading = container.querySelector("h2");
    (heading ? heading.parentNode : container).insertBefore(tools, heading ? heading.nextSibling : container.firstChild);
  }

  function refreshOutline() {
    var list = document.getElementById("editor-outline-list");
    if (!list) {
      return;
    }
    list.querySelectorAll(".editor-outline__section").forEach(function (item) { item.remove(); });
    var after = list.firstElementChild;
    inlineRows("sections").forEach(function (row, index) {
      var input = row.querySelector("input[name$='-heading']");
      var item = document.createElement("li");
      item.className = "editor-outline__section";
      var link = document.createElement("a");
      link.href = "#" + row.id;
      link.textContent = (index + 1) + ". " + ((input && input.value) || gettext("(no heading yet)"));
      item.appendChild(link);
      after.after(item);
      after = item;
    });
  }

  function revealTarget(hash) {
    var target = hash && document.getElementById(hash.slice(1));
    var row = target && (target.classList.contains("inline-related") ? target : target.closest(".inline-related"));
    if (row) {
      setCollapsed(row, false);
    }
  }

  function setUpLongForm() {
    ["sections", "claims"].forEach(function (group) {
      var rows = inlineRows(group);
      rows.forEach(makeCollapsible);
      if (rows.length) {
        groupTools(group);
      }
      if (rows.length > 8) {
        rows.forEach(function (row) {
          var keepOpen = row.querySelector(".errorlist") || row.classList.contains("has-warnings");
          setCollapsed(row, !keepOpen);
        });
      }
    });
    document.addEventListener("click", function (event) {
      var link = event.target.closest && event.target.closest("a[href^='#']");
      if (link) {
        revealTarget(link.getAttribute("href"));
        var outline = document.getElementById("editor-outline");
        if (outline && outline.contains(link)) {
          outline.open = false;
        }
      }
    });
    revealTarget(window.location.hash);
    document.addEventListener("formset:added", function (event) {
      var row = event.target.closest ? event.target.closest(".inline-related") || event.target : event.target;
      if (row.classList && row.classList.contains("inline-related")) {
        makeCollapsible(row);
      }
      refreshOutline();
    });
    document.addEventListener("formset:removed", refreshOutline);
  }

  // 4. The live preview.

  function setUpPreview() {
    var pane = document.getElementById("live-preview");
    var open = document.getElementById("live-preview-open");
    if (!pane || !open) {
      return;
    }
    var body = document.getElementById("live-preview-body");
    var status = document.getElementById("live-preview-status");
    var sequence = 0;
    open.hidden = false;
    function refresh() {
      if (pane.hidden) {
        return;
      }
      var mine = ++sequence;
      status.textContent = gettext("Updating…");
      window.fetch(pane.dataset.url, {
        method: "POST",
        body: new FormData(form),
        credentials: "same-origin",
        headers: {"X-CSRFToken": csrfToken()}
      }).then(function (response) {
        if (!response.ok) {
          throw new Error(String(response.status));
        }
        return response.text();
      }).then(function (html) {
        if (mine === sequence) {
          body.innerHTML = html;
          status.textContent = gettext("Up to date");
        }
      }).catch(function () {
        if (mine === sequence) {
          status.textContent = gettext("The preview could not be updated; your edits are unaffected.");
        }
      });
    }
    var later = debounce(refresh, 1200);
    open.addEventListener("click", function () {
      pane.hidden = false;
      document.body.classList.add("has-live-preview");
      open.setAttribute("aria-expanded", "true");
      refresh();
    });
    document.getElementById("live-preview-close").addEventListener("click", function () {
      pane.hidden = true;
      document.body.classList.remove("has-live-preview");
      open.setAttribute("aria-expanded", "false");
      open.focus();
    });
    form.addEventListener("input", later);
    form.addEventListener("change", later);
  }

  // 5. A source from its address.

  function setUpSourcePanel() {
    var panel = document.getElementById("source-panel");
    var group = document.getElementById("citations-group");
    if (!panel || !group) {
      return;
    }
    var heading = group.querySelector("h2");
    var fieldset = group.querySelector("fieldset") || group.firstElementChild;
    fieldset.parentNode.insertBefore(panel, heading && heading.parentNode === fieldset.parentNode ? heading.nextSibling : fieldset);
    panel.hidden = false;
    var url = document.getElementById("source-panel-url");
    var status = document.getElementById("source-panel-status");
    var box = document.getElementById("source-panel-fields");
    var target = document.getElementById("source-panel-target");
    var add = document.getElementById("source-panel-add");
    var grid = document.getElementById("source-panel-grid");
    var duplicate = null;
    var lastLookup = "";

    function citationRows() {
      return Array.prototype.filter.call(
        group.querySelectorAll("tr.form-row, .inline-related"),
        function (row) { return !row.classList.contains("empty-form") && row.querySelector("select[name$='-source']"); }
      );
    }

    function fillTargets() {
      target.replaceChildren();
      citationRows().forEach(function (row) {
        var select = row.querySelector("select[name$='-source']");
        var position = row.querySelector("input[name$='-position']");
        if (select.value) {
          return;
        }
        var label = gettext("Citation") + " " + ((position && position.value) || "?") + " (" + gettext("no source yet") + ")";
        target.appendChild(new Option(label, select.id));
      });
      target.appendChild(new Option(gettext("A new citation at the end"), "new"));
    }

    function say(message, isError) {
      status.textContent = message || "";
      status.classList.toggle("is-error", Boolean(isError));
    }

    function post(address, data) {
      data.append("csrfmiddlewaretoken", csrfToken());
      return window.fetch(address, {method: "POST", body: data, credentials: "same-origin"})
        .then(function (response) {
          return response.json().then(function (json) { return {status: response.status, json: json}; });
        });
    }

    function lookUp() {
      var address = url.value.trim();
      if (!/^https?:\/\/\S+\.\S+/.test(address) || address === lastLookup) {
        return;
      }
      lastLookup = address;
      duplicate = null;
      say(gettext("Reading the page…"));
      var data = new FormData();
      data.append("url", address);
      post(panel.dataset.lookupUrl, data).then(function (result) {
        var json = result.json;
        fillTargets();
        box.hidden = false;
        if (json.duplicate) {
          duplicate = json.duplicate;
          grid.hidden = true;
          add.textContent = gettext("Cite it");
          say(json.message);
          return;
        }
        grid.hidden = false;
        add.textContent = gettext("Add the source and cite it");
        var values = json.fields || {};
        box.querySelectorAll("[data-field]").forEach(function (el) {
          var value = values[el.dataset.field];
          if (value !== undefined && value !== null && (value !== "" || el.tagName !== "SELECT")) {
            el.value = value;
          }
        });
        say(json.error || json.message, Boolean(json.error));
        document.getElementById("source-panel-title").focus();
      }).catch(function () {
        box.hidden = false;
        fillTargets();
        say(gettext("The page could not be read. Fill in the details by hand."), true);
      });
    }

    function cite(id, text) {
      var choice = target.value;
      var select;
      if (choice === "new" || !choice) {
        var addRow = group.querySelector(".add-row a");
        addRow.click();
        var rows = citationRows();
        select = rows[rows.length - 1].querySelector("select[name$='-source']");
      } else {
        select = document.getElementById(choice);
      }
      select.appendChild(new Option(text, id, true, true));
      if ($) {
        $(select).trigger("change");
      }
      select.dispatchEvent(new Event("change", {bubbles: true}));
      var row = select.closest("tr, .inline-related");
      var position = row && row.querySelector("input[name$='-position']");
      say(gettext("Cited") + (position && position.value ? " [" + position.value + "]" : "") + ": " + text);
      url.value = "";
      lastLookup = "";
      duplicate = null;
      box.hidden = true;
      autosave();
      url.focus();
    }

    add.addEventListener("click", function () {
      if (duplicate) {
        cite(duplicate.id, duplicate.text);
        return;
      }
      var data = new FormData();
      data.append("url", url.value.trim());
      box.querySelectorAll("[data-field]").forEach(function (el) {
        data.append(el.dataset.field, el.value);
      });
      post(panel.dataset.createUrl, data).then(function (result) {
        if (result.status === 201) {
          cite(result.json.id, result.json.text);
          return;
        }
        var errors = result.json.errors || {};
        say(Object.keys(errors).map(function (name) {
          return errors[name].map(function (e) { return e.message; }).join(" ");
        }).join(" ") || gettext("The source could not be added."), true);
      });
    });
    document.getElementById("source-panel-fetch").addEventListener("click", function () {
      lastLookup = "";
      lookUp();
    });
    url.addEventListener("input", debounce(lookUp, 600));
    url.addEventListener("keydown", function (event) {
      if (event.key === "Enter") {
        // Enter reads the page; it must not submit the whole form.
        event.preventDefault();
        lastLookup = "";
        lookUp();
      }
    });
  }

  // The admin's autocomplete boxes put a search field beside each select
  // with no label of its own; name it after the select's label.
  function labelAutocompletes() {
    if (!$) {
      return;
    }
    document.querySelectorAll("select.admin-autocomplete").forEach(function (select) {
      var label = select.getAttribute("aria-label") ||
        (select.id && document.querySelector("label[for='" + select.id + "']") || {}).textContent || "";
      label = label.replace(/:\s*$/, "").trim();
      var container = select.nextElementSibling;
      if (!label || !container || !container.classList.contains("select2")) {
        return;
      }
      container.querySelectorAll(".select2-search__field").forEach(function (field) {
        field.setAttribute("aria-label", label);
      });
      // A single choice names itself by its chosen text, which is empty
      // until something is chosen: name it by its label, the text follows.
      container.querySelectorAll(".select2-selection--single").forEach(function (box) {
        box.removeAttribute("aria-labelledby");
        box.setAttribute("aria-label", label);
      });
      container.querySelectorAll(".select2-selection__rendered[role]").forEach(function (text) {
        text.setAttribute("aria-label", label);
      });
    });
  }

  function start() {
    placeWarnings();
    setUpLongForm();
    setUpPreview();
    setUpSourcePanel();
    refreshOutline();
    // Let the admin's own scripts (autocomplete, inlines) settle first.
    window.setTimeout(function () {
      initial = serialize();
      offerRestore();
    }, 0);
    window.setTimeout(labelAutocompletes, 0);
    if ($) {
      $(document).on("change select2:select select2:unselect formset:added", function () {
        window.setTimeout(labelAutocompletes, 0);
      });
    }
    form.addEventListener("input", autosave);
    form.addEventListener("change", autosave);
    document.addEventListener("formset:added", autosave);
    document.addEventListener("formset:removed", autosave);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
