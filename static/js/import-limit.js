// "New fact check from text": text over the import limit is stopped in the
// browser, before a long upload, with the same message the server gives,
// and stays in the box. The server checks it again (articles/admin/editing.py).
(function () {
  "use strict";
  const box = document.querySelector("textarea[data-max-bytes]");
  if (!box) return;
  const limit = Number(box.dataset.maxBytes);
  const form = box.form;
  const row = box.closest(".form-row") || box.parentElement;
  const message = document.createElement("ul");
  message.className = "errorlist";
  message.id = "import-size-error";
  message.setAttribute("role", "alert");

  function megabytes(bytes) {
    return (bytes / (1024 * 1024)).toFixed(1) + " MB";
  }

  form.addEventListener("submit", function (event) {
    const size = new Blob([box.value]).size;
    if (size <= limit) {
      message.remove();
      return;
    }
    event.preventDefault();
    message.innerHTML = "";
    const item = document.createElement("li");
    item.textContent =
      "This text is " + megabytes(size) + "; at most 1 MB can be imported " +
      "at once. Nothing was created, and your text is still here: remove " +
      "what is not the fact check, or import it in parts.";
    message.appendChild(item);
    row.insertBefore(message, row.firstChild);
    box.setAttribute("aria-describedby", message.id);
    box.focus();
  });
})();
