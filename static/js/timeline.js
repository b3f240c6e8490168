// The timeline's text version (checklists/_timeline.html) opens by itself on a phone,
// where the picture's lettering is too small to read; elsewhere it stays folded.
document.addEventListener("DOMContentLoaded", () => {
  if (!window.matchMedia("(max-width: 767.98px)").matches) return;
  for (const details of document.querySelectorAll("details.timeline-text")) {
    details.open = true;
  }
});
