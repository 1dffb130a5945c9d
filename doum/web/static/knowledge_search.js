// Knowledge search: mode, knowledge bases, law and 시행일자 filters; results with the
// query's terms highlighted, the citation label, warnings for articles not in force, and
// a link that opens the document at the cited article.
"use strict";
(() => {
  const { api, el, fail, classLabels } = doum;
  const { docUrl, snippetNode, badges, notes } = doumSources;
  const formEl = document.getElementById("search-form");
  const q = document.getElementById("q");
  const mode = document.getElementById("mode");
  const results = document.getElementById("results");
  const summary = document.getElementById("search-summary");
  const choices = document.getElementById("kb-choices");
  const params = new URLSearchParams(location.search);

  async function loadKnowledgeBases() {
    const data = await api("GET", "/api/kb");
    const wanted = new Set(params.getAll("kb"));
    choices.replaceChildren(...data.knowledge_bases.map((kb) => el("label", { class: "inline" },
      el("input", { type: "checkbox", value: kb.id, checked: wanted.has(kb.id) || wanted.has(kb.name) }),
      el("span", { class: "badge " + kb.data_class, text: kb.data_class }), kb.name)));
    if (!data.knowledge_bases.length) choices.append(el("p", { class: "muted", text: "열람할 수 있는 지식베이스가 없습니다." }));
    if (wanted.size) formEl.querySelector("details").open = true;
  }

  function resultItem(hit) {
    const c = hit.citation;
    const source = { ...c, data_class: hit.data_class };
    return el("li", { class: "result card" },
      el("div", { class: "source-head" },
        el("a", { href: docUrl(c.document_id, c.anchor), target: "_blank", rel: "noopener", class: "source-link", text: c.label || c.title }),
        badges(source)),
      notes(c.flag_messages),
      snippetNode(c.snippet, c.highlights),
      el("div", { class: "muted small" },
        `${c.title}${c.chapter ? " · " + c.chapter : ""} · 순위 ${hit.rank}`
        + (hit.lexical_rank ? ` · 형태소 ${hit.lexical_rank}위` : "") + (hit.dense_rank ? ` · 의미 ${hit.dense_rank}위` : ""),
        " · ", el("a", { href: docUrl(c.document_id, c.anchor), target: "_blank", rel: "noopener", text: "원문에서 보기" })));
  }

  async function search() {
    const query = q.value.trim();
    if (!query) return;
    const kbIds = [...choices.querySelectorAll("input:checked")].map((i) => i.value);
    const body = {
      query, mode: mode.value, kb_ids: kbIds.length ? kbIds : null,
      laws: document.getElementById("laws").value.split(",").map((s) => s.trim()).filter(Boolean),
      effective_from: document.getElementById("effective-from").value,
      effective_to: document.getElementById("effective-to").value, k: 20,
    };
    summary.textContent = "검색 중…";
    try {
      const data = await api("POST", "/api/knowledge/search", body);
      results.replaceChildren(...data.hits.map(resultItem));
      const total = data.timings_ms.total ? ` · ${Math.round(data.timings_ms.total)}ms` : "";
      summary.textContent = data.hits.length
        ? `${data.hits.length}건${data.data_class ? " · 최고 등급 " + classLabels[data.data_class] : ""}${total}`
        : data.notice;
      const url = new URLSearchParams({ q: query, mode: mode.value });
      kbIds.forEach((id) => url.append("kb", id));
      history.replaceState({}, "", "/knowledge/search?" + url);
    } catch (e) { summary.textContent = ""; fail(e); }
  }

  formEl.addEventListener("submit", (e) => { e.preventDefault(); search(); });
  document.getElementById("in-force-today").addEventListener("click", () => {
    document.getElementById("effective-to").value = new Date().toISOString().slice(0, 10);
  });
  document.addEventListener("keydown", (e) => {
    if (e.key === "/" && document.activeElement !== q && !["INPUT", "TEXTAREA", "SELECT"].includes(document.activeElement?.tagName)) { e.preventDefault(); q.focus(); }
  });

  (async () => {
    try {
      await loadKnowledgeBases();
      if (params.get("mode")) mode.value = params.get("mode");
      if (params.get("q")) { q.value = params.get("q"); await search(); } else q.focus();
    } catch (e) { fail(e); }
  })();
})();
