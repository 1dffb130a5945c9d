// Grounded chat: the knowledge-base / assistant picker, the "근거 우선" toggle, the
// sources panel under an answer, and [n] markers turned into links to their source.
"use strict";
const chatGrounding = (() => {
  const { api, el } = doum;
  const select = document.getElementById("ground-select");
  const sourcesFirst = document.getElementById("sources-first");

  async function load() {
    const [kbs, assistants] = await Promise.all([
      api("GET", "/api/kb").catch(() => ({ knowledge_bases: [] })),
      api("GET", "/api/assistants").catch(() => ({ assistants: [] })),
    ]);
    const groups = [];
    if (assistants.assistants.length) {
      groups.push(el("optgroup", { label: "맞춤형 도우미" }, ...assistants.assistants.map((a) =>
        el("option", { value: "assistant:" + a.id, text: `🤖 ${a.name}`, title: a.description }))));
    }
    if (kbs.knowledge_bases.length) {
      groups.push(el("optgroup", { label: "지식베이스" },
        el("option", { value: "kb:*", text: "모든 지식베이스" }),
        ...kbs.knowledge_bases.map((k) => el("option", { value: "kb:" + k.id, text: `${k.name} (${k.data_class})` }))));
    }
    select.replaceChildren(el("option", { value: "", text: "사용 안 함" }), ...groups);
    const params = new URLSearchParams(location.search);
    if (params.get("assistant")) choose("assistant:" + params.get("assistant"));
    else if (params.get("kb")) choose("kb:" + params.get("kb"));
  }

  function choose(value) {
    if ([...select.options].some((o) => o.value === value)) select.value = value;
  }

  // The grounding part of a /api/chat body.
  function request() {
    const [kind, id] = select.value.split(/:(.*)/s);
    const body = { sources_first: sourcesFirst.checked };
    if (kind === "assistant") body.assistant_id = id;
    else if (kind === "kb") body.kb_ids = [id];
    return body;
  }

  // Reopening a conversation picks the grounding its last grounded answer used.
  function restore(messages) {
    const last = [...messages].reverse().find((m) => m.meta && m.meta.grounding);
    if (!last) return;
    const g = last.meta.grounding;
    if (g.assistant_id) choose("assistant:" + g.assistant_id);
    else if (g.kb_ids === null) choose("kb:*");
    else if (g.kb_ids && g.kb_ids.length === 1) choose("kb:" + g.kb_ids[0]);
    sourcesFirst.checked = g.mode === "sources_first" && !g.assistant_id;
  }

  const sourceId = (messageId, marker) => `src-${messageId}-${marker}`;

  // The sources panel after the bubble: numbered, linked, highlighted snippets.
  function panel(node, messageId, sources, grounding) {
    node.querySelector(".sources")?.remove();
    if (!grounding || grounding.mode === "instructions") return;
    const bubble = node.querySelector(".bubble");
    let details;
    if (!sources || !sources.length) {
      details = el("div", { class: "sources none", role: "note", text: "근거 없음: 선택한 지식베이스에서 관련 근거를 찾지 못했습니다." });
    } else {
      // In sources-first mode the answer already is the passages: keep the panel folded.
      details = el("details", { class: "sources", open: grounding.mode !== "sources_first" },
        el("summary", { text: `근거 ${sources.length}건${grounding.assistant_name ? " · " + grounding.assistant_name : ""}` }),
        el("ol", {}, ...sources.map((s) => doumSources.sourceItem(s, sourceId(messageId, s.marker)))));
    }
    bubble.after(details);
  }

  // Replace "[n]" in the rendered answer by a link to source n (text nodes only, never
  // inside code), and mark numbers that point to no source.
  function linkify(bubble, messageId, count) {
    if (!count) return;
    const walker = document.createTreeWalker(bubble, NodeFilter.SHOW_TEXT, {
      acceptNode: (n) => (n.parentElement.closest("code, pre, a") ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_ACCEPT),
    });
    const nodes = [];
    while (walker.nextNode()) if (/\[\d{1,2}\]/.test(walker.currentNode.nodeValue)) nodes.push(walker.currentNode);
    for (const text of nodes) {
      const parts = text.nodeValue.split(/(\[\d{1,2}\])/);
      const fragment = document.createDocumentFragment();
      for (const part of parts) {
        const m = part.match(/^\[(\d{1,2})\]$/);
        if (!m) { if (part) fragment.append(part); continue; }
        const n = Number(m[1]);
        if (n >= 1 && n <= count) {
          fragment.append(el("a", { class: "cite", href: "#" + sourceId(messageId, n), title: `근거 ${n} 보기`, text: part,
            onclick: (e) => { e.preventDefault(); flash(messageId, n); } }));
        } else fragment.append(el("span", { class: "cite unknown", title: "제시된 근거에 없는 번호입니다", text: part }));
      }
      text.replaceWith(fragment);
    }
  }

  function flash(messageId, n) {
    const item = document.getElementById(sourceId(messageId, n));
    if (!item) return;
    item.closest("details").open = true;
    item.scrollIntoView({ block: "nearest" });
    item.classList.add("flash");
    setTimeout(() => item.classList.remove("flash"), 1600);
    item.querySelector("a")?.focus();
  }

  function citationNotes(node, citations) {
    node.querySelector(".citation-notes")?.remove();
    const notes = (citations && citations.notices) || [];
    if (!notes.length) return;
    (node.querySelector(".sources") || node.querySelector(".bubble")).after(el("ul", { class: "citation-notes" }, ...notes.map((n) => el("li", { text: n }))));
  }

  return { load, request, restore, panel, linkify, citationNotes };
})();
