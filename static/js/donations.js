// The donation banner. Loaded right after the banner's markup, so it runs
// before the page is first painted: a banner the reader closed never
// flashes. It picks a message variant by weight, counts views and clicks
// (nothing about the reader is sent), remembers "close" in localStorage for
// this campaign only, and refreshes the goal tracker from goal.json so that
// a page cached for an hour still shows a fresh count. Without JavaScript
// the server-rendered banner and count stand as they are.
(function () {
  "use strict";

  var banner = document.getElementById("donation-banner");
  if (!banner) {
    return;
  }
  var DAY = 24 * 60 * 60 * 1000;
  var storageKey = "factually.donationBanner.closedUntil." + banner.dataset.campaign;

  function closedUntil() {
    try {
      return Number(window.localStorage.getItem(storageKey)) || 0;
    } catch (error) {
      return 0; // Storage disabled: the banner simply shows.
    }
  }

  if (closedUntil() > Date.now()) {
    banner.hidden = true;
    return;
  }

  // Variants: the server rendered all of them and showed one; choosing again
  // here keeps the split by weight on pages a CDN serves from its cache.
  var messages = Array.prototype.slice.call(banner.querySelectorAll("[data-message]"));
  var chosen = pickByWeight(messages);
  messages.forEach(function (message) {
    message.hidden = message !== chosen;
  });

  function pickByWeight(items) {
    var total = items.reduce(function (sum, item) {
      return sum + (Number(item.dataset.weight) || 0);
    }, 0);
    var ticket = Math.random() * total;
    for (var i = 0; i < items.length; i++) {
      ticket -= Number(items[i].dataset.weight) || 0;
      if (ticket < 0) {
        return items[i];
      }
    }
    return items[0] || null;
  }

  function count(event) {
    if (!chosen || !navigator.sendBeacon) {
      return;
    }
    var body = new URLSearchParams({ event: event, message: chosen.dataset.message });
    navigator.sendBeacon(banner.dataset.eventUrl, body);
  }

  count("view");
  banner.addEventListener("click", function (event) {
    var link = event.target.closest("a[href]");
    if (link && chosen && chosen.contains(link)) {
      count("click");
    }
  });

  var close = banner.querySelector("[data-dismiss]");
  if (close) {
    close.hidden = false;
    close.addEventListener("click", function () {
      var days = Number(banner.dataset.dismissDays) || 0;
      try {
        window.localStorage.setItem(storageKey, String(Date.now() + days * DAY));
      } catch (error) {
        // Storage disabled: the banner closes for this page view only.
      }
      banner.hidden = true;
      var main = document.getElementById("main");
      if (main) {
        main.focus();
      }
    });
  }

  // The tracker. These phrases mirror templates/donations/_banner.html.
  var tracker = banner.querySelector("[data-goal-tracker]");

  function number(value) {
    return value.toLocaleString("en-US");
  }

  function plural(value, word) {
    return value === 1 ? word : word + "s";
  }

  function showCount(data) {
    var supporters = data.supporters;
    var goal = data.goal;
    var bar = tracker.querySelector("[role=progressbar]");
    var fill = tracker.querySelector(".goal-tracker__fill");
    var text = tracker.querySelector("[data-tracker-count]");
    var strong = document.createElement("strong");
    strong.textContent = number(supporters);

    tracker.querySelector(".goal-tracker__goal").textContent =
      "Goal: " + number(goal) + " " + plural(goal, "supporter");
    bar.setAttribute("aria-valuemax", String(goal));
    bar.setAttribute("aria-valuenow", String(Math.min(supporters, goal)));
    fill.setAttribute("width", Math.min(Math.max(data.percent, 0), 100) + "%");
    if (supporters >= goal) {
      bar.setAttribute(
        "aria-valuetext",
        number(supporters) + " supporters: goal of " + number(goal) + " reached"
      );
      text.replaceChildren("Goal reached: ", strong, " supporters so far. Thank you!");
    } else {
      bar.setAttribute(
        "aria-valuetext",
        number(supporters) + " of " + number(goal) + " " + plural(goal, "supporter")
      );
      if (supporters === 0) {
        text.replaceChildren("No supporters yet: be the first.");
      } else {
        text.replaceChildren(strong, " " + plural(supporters, "supporter") + " so far");
      }
    }
  }

  if (tracker && window.fetch) {
    window
      .fetch(banner.dataset.goalUrl, { headers: { Accept: "application/json" } })
      .then(function (response) {
        return response.ok ? response.json() : null;
      })
      .then(function (data) {
        // A page cached from an earlier campaign keeps its own figures.
        if (data && data.campaign === tracker.dataset.campaignName) {
          showCount(data);
        }
      })
      .catch(function () {
        // Offline or failing: the server-rendered count stays.
      });
  }
})();
