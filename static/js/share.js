// "Copy link" on a fact check: copies the address instead of following it.
// Without JavaScript (or clipboard access) the link is the page's address.
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var link = event.target.closest("[data-copy-link]");
    if (!link || !navigator.clipboard) return;
    event.preventDefault();
    var status = link.closest(".share").querySelector(".share__status");
    navigator.clipboard.writeText(link.href).then(function () {
      status.textContent = link.dataset.copied;
    });
  });
})();
