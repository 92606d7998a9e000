// The thank-you page. Remembers in this browser, for the campaign given to,
// that the reader has given, so the donation banner (static/js/donations.js)
// thanks them once and then stays hidden for the campaign. Nothing is sent
// anywhere; there is no cookie.
(function () {
  "use strict";

  var page = document.querySelector("[data-supported-campaign]");
  var campaign = page && page.dataset.supportedCampaign;
  if (!campaign) {
    return;
  }
  var key = "factually.donationBanner.given." + campaign;
  try {
    if (window.localStorage.getItem(key) !== "thanked") {
      window.localStorage.setItem(key, "new");
    }
  } catch (error) {
    // Storage disabled: the banner goes on asking, which is all it can do.
  }
})();
