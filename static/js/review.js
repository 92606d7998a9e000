// The review panel on the article change form: shows each open comment
// next to the part it is about (the summary, a section, a claim) and adds a
// "Comment" button to each part. Without JavaScript the comments stay
// listed in the panel, each labelled with its part.
(function () {
  "use strict";

  function partElement(kind, id) {
    if (kind === "summary") {
      return document.querySelector(".form-row.field-summary");
    }
    var prefix = { section: "sections", claim: "claims" }[kind];
    if (!prefix || !id) {
      return null;
    }
    var inputs = document.querySelectorAll(
      'input[name^="' + prefix + '-"][name$="-id"]'
    );
    for (var i = 0; i < inputs.length; i++) {
      if (inputs[i].value === id) {
        return inputs[i].closest(".inline-related");
      }
    }
    return null;
  }

  var labels = {};

  function commentBox(part) {
    var box = part.querySelector(":scope > .review-part-comments");
    if (!box) {
      box = document.createElement("aside");
      box.className = "review-part-comments";
      box.setAttribute("aria-label", labels.comments);
      part.insertBefore(box, part.firstElementChild ? part.firstElementChild.nextSibling : null);
    }
    return box;
  }

  function addCommentButton(part, value, select, textarea) {
    var button = document.createElement("button");
    button.type = "button";
    button.className = "button review-part-button";
    button.textContent = labels.comment;
    button.addEventListener("click", function () {
      select.value = value;
      textarea.focus();
      textarea.scrollIntoView({ block: "center" });
    });
    commentBox(part).appendChild(button);
  }

  function init() {
    var panel = document.getElementById("review");
    if (!panel) {
      return;
    }
    // Translated in the template.
    labels = {
      comment: panel.dataset.commentLabel,
      comments: panel.dataset.commentsLabel,
      panel: panel.dataset.panelLabel,
    };
    var select = document.getElementById("review-part");
    var textarea = document.getElementById("review-comment");
    panel.querySelectorAll(".review-comment[data-part]").forEach(function (comment) {
      var value = comment.getAttribute("data-part").split(":");
      var part = partElement(value[0], value[1]);
      if (!part) {
        return;
      }
      var copy = comment.cloneNode(true);
      copy.removeAttribute("id");
      copy.querySelectorAll("details, button, textarea, label").forEach(function (node) {
        node.remove();
      });
      var link = document.createElement("a");
      link.href = "#" + comment.id;
      link.className = "review-part-comments__link";
      link.textContent = labels.panel;
      copy.appendChild(link);
      commentBox(part).appendChild(copy);
    });
    if (select && textarea) {
      Array.prototype.forEach.call(select.options, function (option) {
        var value = option.value.split(":");
        var part = partElement(value[0], value[1]);
        if (part) {
          addCommentButton(part, option.value, select, textarea);
        }
      });
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
