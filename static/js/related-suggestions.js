// Related questions in the article change form: a "Suggest answers" button
// per row lists live fact checks that answer the question (from the admin's
// related-suggestions view); "Link" puts one in the row's "answered by".
(function () {
  "use strict";
  var match = location.pathname.match(/^(.*\/)change\/$/);
  if (!match) return;
  var endpoint = match[1] + "related-suggestions/";
  var labels = null;

  function fetchSuggestions(question) {
    return fetch(endpoint + "?q=" + encodeURIComponent(question), {
      credentials: "same-origin",
      headers: { Accept: "application/json" },
    }).then(function (response) {
      if (!response.ok) throw new Error(response.statusText);
      return response.json();
    });
  }

  function link(select, suggestion, status) {
    var option = Array.prototype.find.call(select.options, function (o) {
      return o.value === String(suggestion.id);
    });
    if (!option) {
      option = new Option(suggestion.title, suggestion.id, true, true);
      select.appendChild(option);
    }
    select.value = String(suggestion.id);
    select.dispatchEvent(new Event("change", { bubbles: true }));
    status.textContent = labels.linked;
  }

  function show(row, data) {
    labels = data.labels;
    var select = row.querySelector("select[name$='-answer']");
    var box = row.querySelector(".related-suggestions");
    box.replaceChildren();
    var status = document.createElement("p");
    status.className = "help";
    status.setAttribute("role", "status");
    if (!data.suggestions.length) status.textContent = labels.none;
    var list = document.createElement("ul");
    data.suggestions.forEach(function (suggestion) {
      var item = document.createElement("li");
      var button = document.createElement("button");
      button.type = "button";
      button.className = "button related-suggestions__link";
      button.textContent = labels.link;
      button.addEventListener("click", function () {
        link(select, suggestion, status);
      });
      var title = document.createElement("a");
      title.href = suggestion.url;
      title.textContent = suggestion.title;
      title.target = "_blank";
      item.append(button, " ", title);
      list.appendChild(item);
    });
    box.append(list, status);
  }

  function setUp(row) {
    var input = row.querySelector("input[name$='-question']");
    var select = row.querySelector("select[name$='-answer']");
    if (!input || !select || row.querySelector(".related-suggestions")) return;
    var button = document.createElement("button");
    button.type = "button";
    button.className = "button related-suggestions__ask";
    button.textContent = (labels && labels.suggest) || "Suggest answers";
    var box = document.createElement("div");
    box.className = "related-suggestions";
    button.addEventListener("click", function () {
      if (!input.value.trim()) return;
      fetchSuggestions(input.value).then(function (data) {
        show(row, data);
      });
    });
    input.parentNode.append(button, box);
  }

  document.addEventListener("DOMContentLoaded", function () {
    document
      .querySelectorAll("[id^='related_questions-'].form-row, tr.form-row[id^='related_questions-']")
      .forEach(setUp);
  });
  document.addEventListener("formset:added", function (event) {
    if (event.target && event.target.id && event.target.id.indexOf("related_questions-") === 0) {
      setUp(event.target);
    }
  });
})();
