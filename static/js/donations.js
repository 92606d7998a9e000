// The donation banner. Loaded right after the banner's markup, so it runs
// before the page is first painted: a banner the reader closed never
// flashes. It picks a message variant by weight (the server renders all of
// them, identically for every reader, so pages cache), counts views and
// clicks once per page view (nothing about the reader is sent), and keeps
// in localStorage, for this campaign only: "closed until", "has given" (set
// by the thank-you page: the banner thanks once, then stays hidden) and the
// day's view count for the campaign's daily cap. No cookie, no server
// session. It also refreshes the goal tracker from goal.json so that a page
// cached for an hour still shows a fresh count. Without JavaScript the
// server-rendered banner and count stand as they are.
(function () {
  "use strict";

  var banner = document.getElementById("donation-banner");
  if (!banner) {
    return;
  }
  var DAY = 24 * 60 * 60 * 1000;
  var campaign = banner.dataset.campaign;
  var storageKey = "factually.donationBanner.closedUntil." + campaign;
  // These two keys are also written by static/js/support.js.
  var givenKey = "factually.donationBanner.given." + campaign;
  var viewsKey = "factually.donationBanner.views." + campaign;

  function read(key) {
    try {
      return window.localStorage.getItem(key);
    } catch (error) {
      return null; // Storage disabled: the banner simply shows.
    }
  }

  function write(key, value) {
    try {
      window.localStorage.setItem(key, value);
    } catch (error) {
      // Storage disabled: nothing is remembered beyond this page view.
    }
  }

  var messages = Array.prototype.slice.call(banner.querySelectorAll("[data-message]"));
  var given = read(givenKey);
  if (given === "thanked") {
    banner.hidden = true;
    return;
  }
  if (given === "new") {
    // The first page after the thank-you page: thank once, never ask again.
    messages.forEach(function (message) {
      message.hidden = true;
    });
    banner.querySelector("[data-thanks]").hidden = false;
    write(givenKey, "thanked");
    return;
  }

  if ((Number(read(storageKey)) || 0) > Date.now()) {
    banner.hidden = true;
    return;
  }

  var cap = Number(banner.dataset.dailyCap) || 0;
  if (cap > 0) {
    var today = new Date().toISOString().slice(0, 10);
    var seen = (read(viewsKey) || "").split(" ");
    var views = seen[0] === today ? Number(seen[1]) || 0 : 0;
    if (views >= cap) {
      banner.hidden = true;
      return;
    }
    write(viewsKey, today + " " + (views + 1));
  }

  // Variants: the server rendered all of them and showed the heaviest, the
  // same for every reader; choosing here gives the split by weight.
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

  // Each page view asks for one signed token (the page itself is the same
  // for everyone, so it cannot carry one) and spends it on at most one view
  // and one click; the server refuses a token spent twice.
  var token = null;
  var clicked = false;
  var tokenRequest =
    chosen && window.fetch && navigator.sendBeacon
      ? window
          .fetch(banner.dataset.tokenUrl, { headers: { Accept: "application/json" } })
          .then(function (response) {
            return response.ok ? response.json() : null;
          })
          .then(function (data) {
            token = data && data.token;
            return token;
          })
          .catch(function () {
            return null;
          })
      : null;

  function send(event) {
    var body = new URLSearchParams({
      event: event,
      message: chosen.dataset.message,
      token: token,
    });
    navigator.sendBeacon(banner.dataset.eventUrl, body);
  }

  if (tokenRequest) {
    tokenRequest.then(function (value) {
      if (value) {
        send("view");
      }
    });
    banner.addEventListener("click", function (event) {
      var link = event.target.closest("a[href]");
      if (link && chosen.contains(link) && token && !clicked) {
        clicked = true;
        send("click");
      }
    });
  }

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

  function money(minorUnits, currency) {
    return new Intl.NumberFormat("en-US", {
      style: "currency",
      currency: currency,
      maximumFractionDigits: 0,
    }).format(Math.floor(minorUnits / 100));
  }

  function showAmount(data) {
    var bar = tracker.querySelector("[role=progressbar]");
    var text = tracker.querySelector("[data-tracker-count]");
    var strong = document.createElement("strong");
    var raised = money(data.raised, data.currency);
    var goal = money(data.goal * 100, data.currency);
    strong.textContent = raised;
    tracker.querySelector(".goal-tracker__goal").textContent = "Goal: " + goal + " raised";
    bar.setAttribute("aria-valuemax", String(data.goal));
    bar.setAttribute("aria-valuenow", String(Math.min(Math.floor(data.raised / 100), data.goal)));
    tracker
      .querySelector(".goal-tracker__fill")
      .setAttribute("width", Math.min(Math.max(data.percent, 0), 100) + "%");
    var reached = data.raised >= data.goal * 100;
    bar.setAttribute("aria-valuetext", raised + " of " + goal + (reached ? ": goal reached" : ""));
    if (reached) {
      text.replaceChildren("Goal reached: ", strong, " raised. Thank you!");
    } else {
      text.replaceChildren(strong, " raised so far");
    }
  }

  function showCount(data) {
    if (data.goal_kind === "amount") {
      showAmount(data);
      return;
    }
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

  // A matching pledge stops being announced at its end, even on a page a
  // cache kept from before, and when goal.json says it is used up.
  var matchNotes = banner.querySelectorAll("[data-match]");

  function hideMatch() {
    matchNotes.forEach(function (note) {
      note.hidden = true;
    });
  }

  function showMatch(match) {
    if (!match) {
      hideMatch();
      return;
    }
    var left = banner.querySelector("[data-match-left]");
    if (left) {
      var strong = document.createElement("strong");
      strong.textContent = money(match.left, left.dataset.currency);
      left.replaceChildren(
        strong,
        " of the " + money(match.pledged, left.dataset.currency) + " match left"
      );
    }
  }

  if (matchNotes.length) {
    var untilEnd = Date.parse(matchNotes[0].dataset.matchEnds) - Date.now();
    if (untilEnd <= 0) {
      hideMatch();
    } else if (untilEnd < 2147483647) {
      window.setTimeout(hideMatch, untilEnd);
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
          if (matchNotes.length) {
            showMatch(data.match);
          }
        }
      })
      .catch(function () {
        // Offline or failing: the server-rendered count stays.
      });
  }
})();
