/* The error summary on top of a refused form (templates/registration/_error_summary.html).
 * On load: bring the summary into view and focus it, so that a phone user sees at once why the form
 * came back (the field at fault may be screens further down). Its links: focus the field, with its
 * label in view (a plain #id jump would hide the label above the top edge). Without JS the links
 * still jump to the fields. */
(function () {
  "use strict";

  function labelOf(field) {
    var labels = field.labels;
    return labels && labels.length ? labels[0] : null;
  }

  function visible(element) {
    var box = element.getBoundingClientRect();
    return box.top >= 0 && box.bottom <= (window.innerHeight || document.documentElement.clientHeight);
  }

  function init() {
    var summary = document.querySelector("[data-error-summary]");
    if (!summary) return;
    summary.focus({ preventScroll: true });
    if (!visible(summary)) summary.scrollIntoView({ block: "start" });

    summary.addEventListener("click", function (event) {
      var link = event.target.closest ? event.target.closest("a[href^='#']") : null;
      if (!link) return;
      var field = document.getElementById(decodeURIComponent(link.hash.slice(1)));
      if (!field) return;
      event.preventDefault();
      var anchor = labelOf(field) || field;
      window.scrollTo(0, Math.max(0, anchor.getBoundingClientRect().top + window.pageYOffset - 12));
      if (!field.disabled) field.focus({ preventScroll: true });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
