// The accept/reject view of a proofreading or plain-language suggestion: the text with
// every change inline (struck-out old, underlined new, the reason), each change toggled
// on its own. Keyboard: j/k next/previous · a accept · r reject · space toggle ·
// Enter apply · Esc close.
"use strict";
const draftDiff = (() => {
  const { el } = doum;
  const pane = () => document.getElementById("diff-pane");
  const body = () => document.getElementById("diff-body");
  let current = null;

  function render() {
    const { suggestion, accepted } = current;
    const base = suggestion.base_content;
    const nodes = [];
    let position = 0;
    for (const hunk of suggestion.hunks) {
      if (hunk.start > position) nodes.push(document.createTextNode(base.slice(position, hunk.start)));
      const on = accepted.has(hunk.id);
      nodes.push(el("span", {
        class: "hunk" + (on ? " accepted" : " rejected") + (hunk.source === "rule" ? " rule" : ""),
        "data-id": String(hunk.id), tabindex: "-1", role: "group",
        "aria-label": `수정 ${hunk.id}: '${hunk.before}' → '${hunk.after}' (${on ? "수락" : "거절"}) ${hunk.reason || ""}`,
        title: hunk.reason || "",
      },
        hunk.before ? el("del", { text: hunk.before }) : null,
        hunk.after ? el("ins", { text: hunk.after }) : null,
        el("span", { class: "hunk-buttons" },
          el("button", { type: "button", class: "hunk-accept", title: "수락 (a)", "aria-pressed": on ? "true" : "false", text: "✓", onclick: () => set(hunk.id, true) }),
          el("button", { type: "button", class: "hunk-reject", title: "거절 (r)", "aria-pressed": on ? "false" : "true", text: "✕", onclick: () => set(hunk.id, false) })),
        hunk.reason ? el("span", { class: "hunk-reason", text: hunk.reason }) : null));
      position = hunk.end;
    }
    nodes.push(document.createTextNode(base.slice(position)));
    body().replaceChildren(...nodes);
    const count = suggestion.hunks.length;
    document.getElementById("diff-title").textContent =
      `${suggestion.tool_label} 제안 ${count}곳 · 수락 ${accepted.size}곳` + (count ? "" : " (고칠 곳이 없습니다)");
    focusHunk(current.index, false);
  }

  function set(id, on) {
    if (on) current.accepted.add(id); else current.accepted.delete(id);
    current.index = Math.max(0, current.suggestion.hunks.findIndex((h) => h.id === id));
    render();
  }

  function focusHunk(index, scroll = true) {
    const spans = body().querySelectorAll(".hunk");
    spans.forEach((s) => s.classList.remove("focused"));
    if (!spans.length) return;
    current.index = Math.max(0, Math.min(index, spans.length - 1));
    const span = spans[current.index];
    span.classList.add("focused");
    if (scroll) { span.focus({ preventScroll: true }); span.scrollIntoView({ block: "nearest" }); }
  }

  function onKey(e) {
    if (!current || pane().hidden || e.target.closest("textarea, input, select")) return;
    const hunks = current.suggestion.hunks;
    const hunk = hunks[current.index];
    if (e.key === "j" || e.key === "ArrowDown") { e.preventDefault(); focusHunk(current.index + 1); }
    else if (e.key === "k" || e.key === "ArrowUp") { e.preventDefault(); focusHunk(current.index - 1); }
    else if (e.key === "a" && hunk) { e.preventDefault(); set(hunk.id, true); focusHunk(current.index + 1); }
    else if (e.key === "r" && hunk) { e.preventDefault(); set(hunk.id, false); focusHunk(current.index + 1); }
    else if (e.key === " " && hunk) { e.preventDefault(); set(hunk.id, !current.accepted.has(hunk.id)); }
    else if (e.key === "Enter") { e.preventDefault(); current.onApply([...current.accepted]); }
    else if (e.key === "Escape") { e.preventDefault(); close(); }
  }

  function open(suggestion, onApply, onClose) {
    current = { suggestion, onApply, onClose, accepted: new Set(suggestion.hunks.map((h) => h.id)), index: 0 };
    pane().hidden = false;
    render();
    body().focus();
    focusHunk(0);
  }

  function close() {
    if (!current) return;
    pane().hidden = true;
    const done = current.onClose;
    current = null;
    if (done) done();
  }

  document.addEventListener("keydown", onKey);
  document.getElementById("accept-all").addEventListener("click", () => { current.suggestion.hunks.forEach((h) => current.accepted.add(h.id)); render(); });
  document.getElementById("reject-all").addEventListener("click", () => { current.accepted.clear(); render(); });
  document.getElementById("apply-diff").addEventListener("click", () => current && current.onApply([...current.accepted]));
  document.getElementById("close-diff").addEventListener("click", close);
  return { open, close, isOpen: () => Boolean(current) };
})();
