// The document page: bring the cited passage (#chunk-… or #article-…) into view and give
// it focus, so a keyboard or screen-reader user lands on it too.
"use strict";
(() => {
  function reveal() {
    const id = decodeURIComponent(location.hash.slice(1));
    if (!id) return;
    const target = document.getElementById(id);
    if (!target) return;
    const section = target.closest(".doc-section") || target;
    section.classList.add("cited");
    section.scrollIntoView({ block: "start" });
    section.focus({ preventScroll: true });
  }
  window.addEventListener("hashchange", () => {
    document.querySelectorAll(".doc-section.cited").forEach((s) => s.classList.remove("cited"));
    reveal();
  });
  reveal();
})();
