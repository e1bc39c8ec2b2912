// Optional help for people with JavaScript on. Every page works fully without this file.
(function () {
  "use strict";

  // Show the Print button and hide the "use your browser's Print" hint.
  function setUpPrint() {
    var buttons = document.querySelectorAll("[data-print]");
    var hints = document.querySelectorAll("[data-print-hint]");
    if (!buttons.length || typeof window.print !== "function") {
      return;
    }
    buttons.forEach(function (button) {
      button.hidden = false;
      button.addEventListener("click", function () {
        window.print();
      });
    });
    hints.forEach(function (hint) {
      hint.hidden = true;
    });
  }

  // Reading a photo can take a while: say so, and stop a second click from sending twice.
  function setUpProgress() {
    var form = document.querySelector("[data-explain-form]");
    if (!form) {
      return;
    }
    var status = form.querySelector("[data-progress]");
    var submit = form.querySelector("button[type=submit]");
    var busy = false;

    function setBusy(on) {
      busy = on;
      if (status) {
        // The words come from the page, so they are in the page's language.
        status.textContent = on ? status.getAttribute("data-busy-text") || "" : "";
      }
      if (submit) {
        if (on) {
          submit.setAttribute("aria-disabled", "true");
        } else {
          submit.removeAttribute("aria-disabled");
        }
      }
    }

    form.addEventListener("submit", function (event) {
      if (busy) {
        event.preventDefault();
        return;
      }
      setBusy(true);
    });
    // Coming back with the Back button shows the page from cache: make the form usable again.
    window.addEventListener("pageshow", function () {
      setBusy(false);
    });
  }

  // After a form error, move focus to the message so screen readers read it first.
  function focusProblem() {
    var problem = document.getElementById("problem");
    if (problem) {
      problem.focus();
    }
  }

  // The letter page: keep the print copy in step with the textarea as the person types, so
  // the "Show my changes" round trip (needed without JavaScript) is not needed.
  function setUpLetter() {
    var text = document.querySelector("[data-letter-text]");
    var copy = document.querySelector("[data-letter-copy]");
    if (!text || !copy) {
      return;
    }
    function sync() {
      copy.textContent = text.value;
    }
    text.addEventListener("input", sync);
    window.addEventListener("beforeprint", sync);
    sync();
    document.querySelectorAll("[data-no-js-only]").forEach(function (element) {
      element.hidden = true;
    });
  }

  // "Print the patient pages": tick "print only these pages" for the person, then print.
  function setUpSheetPrint() {
    var button = document.querySelector("[data-print-sheets]");
    var only = document.getElementById("sheets-only");
    if (!button || !only || typeof window.print !== "function") {
      return;
    }
    button.hidden = false;
    button.addEventListener("click", function () {
      only.checked = true;
      window.print();
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    setUpPrint();
    setUpProgress();
    setUpLetter();
    setUpSheetPrint();
    focusProblem();
  });
})();
