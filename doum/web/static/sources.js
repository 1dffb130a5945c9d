// Citations shared by the chat sources panel and the search page: highlighted snippets,
// citation labels, 시행일자/상태 warnings and the link that opens the document at the
// cited article. Everything is built with DOM nodes (no HTML strings from the server).
"use strict";
const doumSources = (() => {
  const { el, classLabels } = doum;

  const docUrl = (documentId, anchor) => `/knowledge/documents/${encodeURIComponent(documentId)}#${anchor}`;

  // The snippet with the query's terms wrapped in <mark> (offsets come from the server).
  function snippetNode(snippet, highlights) {
    const p = el("p", { class: "snippet" });
    let at = 0;
    for (const [start, end] of highlights || []) {
      if (start < at || end > snippet.length) continue;
      p.append(snippet.slice(at, start), el("mark", { text: snippet.slice(start, end) }));
      at = end;
    }
    p.append(snippet.slice(at));
    return p;
  }

  function badges(source) {
    const span = el("span", { class: "source-badges" });
    if (source.data_class) span.append(el("span", { class: "badge " + source.data_class, text: classLabels[source.data_class] || source.data_class }));
    if (source.effective_date) span.append(el("span", { class: "badge", text: `시행 ${source.effective_date}` }));
    if (source.legal_status && source.legal_status !== "시행") span.append(el("span", { class: "badge warn", text: source.legal_status }));
    return span;
  }

  function notes(list) {
    if (!list || !list.length) return null;
    return el("ul", { class: "source-notes" }, ...list.map((n) => el("li", { text: n })));
  }

  // One numbered source of a chat answer: [n] label (link) · badges · notes · snippet.
  function sourceItem(source, id) {
    const link = el("a", { href: docUrl(source.document_id, source.anchor), target: "_blank", rel: "noopener", class: "source-link", text: source.label || source.title });
    return el("li", { id, class: "source", "data-chunk": source.chunk_id },
      el("div", { class: "source-head" }, el("span", { class: "marker", text: `[${source.marker}]` }), link, badges(source)),
      notes(source.notes),
      snippetNode(source.snippet || "", source.highlights));
  }

  return { docUrl, snippetNode, badges, notes, sourceItem };
})();
