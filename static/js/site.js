/* Behaviour every page may use, without inline script (the Content-Security-Policy allows none):
 *  - a form or button with data-confirm="…" asks before it submits;
 *  - a button with data-print prints the page;
 *  - the apply page's "retake" box shows the cancelled occupations only for a retake. */
(function () {
  "use strict";

  document.addEventListener("submit", function (event) {
    var form = event.target;
    var submitter = event.submitter;
    var message = (submitter && submitter.getAttribute("data-confirm")) || form.getAttribute("data-confirm");
    if (message && !window.confirm(message)) event.preventDefault();
  });

  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-print]");
    if (button) window.print();
  });

  function retakeOccupations() {
    var form = document.getElementById("choose-form");  // absent on step two
    if (!form) return;
    var retake = form.querySelector("[name=retake]");
    if (!retake) return;
    var groups = form.querySelectorAll("select[name=occupation] optgroup[label^='已取消']");
    function sync() {
      groups.forEach(function (g) { g.disabled = !retake.checked; g.hidden = !retake.checked; });
    }
    retake.addEventListener("change", sync);
    sync();
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", retakeOccupations);
  else retakeOccupations();
})();
