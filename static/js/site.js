/* Behaviour every page may use, without inline script (the Content-Security-Policy allows none):
 *  - a form or button with data-confirm="…" asks before it submits;
 *  - a button with data-print prints the page;
 *  - the apply page's "retake" box shows the cancelled occupations only for a retake;
 *  - a background job's page (data-job-status="<url>") shows its progress and reloads when done. */
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

  function jobProgress() {
    var box = document.querySelector("[data-job-status]");
    if (!box) return;
    var url = box.getAttribute("data-job-status");
    var bar = box.querySelector("[data-job-progress]");
    var text = box.querySelector("[data-job-text]");
    var unit = box.getAttribute("data-job-unit") || "行"; // what the job counts: rows unless the page says (张)
    function poll() {
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) { return response.json(); })
        .then(function (job) {
          if (job.finished) { window.location.reload(); return; }
          if (bar && job.total) { bar.max = job.total; bar.value = job.done; bar.textContent = job.percent + "%"; }
          if (text) text.textContent = job.status_display + (job.total ? "：已处理 " + job.done + " / " + job.total + " " + unit : "");
          window.setTimeout(poll, 1000);
        })
        .catch(function () { window.setTimeout(poll, 3000); });
    }
    window.setTimeout(poll, 500);
  }

  function init() { retakeOccupations(); jobProgress(); }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
