// The drafting home: template gallery (copy, edit, new from TOML), my drafts, project
// facts (사업 정보) reused by every template.
"use strict";
(() => {
  const { api, el, fail, toast, formatDate, classLabels } = doum;
  const state = { templates: [], factNames: [], facts: [], editingFacts: null, editingTemplate: null };

  // --- tabs ------------------------------------------------------------------------------
  const tabs = document.querySelectorAll(".tabs button");
  function showTab(name) {
    tabs.forEach((t) => t.setAttribute("aria-selected", t.dataset.tab === name ? "true" : "false"));
    document.querySelectorAll(".tab-panel").forEach((p) => { p.hidden = p.id !== "tab-" + name; });
    if (name === "drafts") loadDrafts().catch(fail);
    if (name === "facts") loadFacts().catch(fail);
    history.replaceState(null, "", name === "templates" ? "/drafts" : "/drafts#" + name);
  }
  tabs.forEach((t) => t.addEventListener("click", () => showTab(t.dataset.tab)));

  // --- templates --------------------------------------------------------------------------
  async function loadTemplates() {
    const data = await api("GET", "/api/drafting/templates");
    state.templates = data.templates;
    state.factNames = data.fact_names;
    const grid = document.getElementById("template-grid");
    grid.replaceChildren(...state.templates.map(templateCard));
  }

  function templateCard(t) {
    const required = t.fields.filter((f) => f.required).map((f) => f.label).join(", ");
    const actions = el("div", { class: "card-actions" },
      el("button", { type: "button", class: "btn btn-ghost small", text: "내 것으로 복사", title: `${t.name} 복사`, onclick: (e) => { e.stopPropagation(); copyTemplate(t); } }));
    if (t.can_edit) {
      actions.append(el("button", { type: "button", class: "btn btn-ghost small", text: "편집", onclick: (e) => { e.stopPropagation(); editTemplate(t); } }));
      actions.append(el("button", { type: "button", class: "btn btn-ghost small btn-danger", text: "삭제", onclick: (e) => { e.stopPropagation(); deleteTemplate(t); } }));
    }
    return el("div", { class: "template-card", role: "listitem" },
      el("a", { class: "template-link", href: "/drafts/new?template=" + encodeURIComponent(t.id), "data-template": t.id },
        el("span", { class: "template-name", text: t.name }),
        el("span", { class: "template-meta" },
          el("span", { class: "badge scope-" + t.scope, text: t.scope_label }),
          el("span", { class: "badge " + t.data_class, text: classLabels[t.data_class] }),
          el("span", { class: "muted small", text: t.doc_type_label })),
        el("span", { class: "template-desc muted", text: t.description }),
        el("span", { class: "small muted", text: required ? "필수: " + required : "" })),
      actions);
  }

  async function copyTemplate(t) {
    const name = prompt("새 템플릿 이름", `${t.name} (내 템플릿)`);
    if (name === null) return;
    try {
      await api("POST", `/api/drafting/templates/${encodeURIComponent(t.id)}/copy`, { name: name.trim() || null });
      toast("내 템플릿으로 복사했습니다.");
      await loadTemplates();
    } catch (e) { fail(e); }
  }

  async function editTemplate(t) {
    const full = await api("GET", "/api/drafting/templates/" + encodeURIComponent(t.id));
    openTemplateDialog(full);
  }

  async function deleteTemplate(t) {
    if (!confirm(`'${t.name}' 템플릿을 삭제할까요?`)) return;
    try { await api("DELETE", "/api/drafting/templates/" + encodeURIComponent(t.id)); toast("삭제했습니다."); await loadTemplates(); }
    catch (e) { fail(e); }
  }

  const templateDialog = document.getElementById("template-dialog");
  const templateForm = document.getElementById("template-form");
  async function openTemplateDialog(full) {
    state.editingTemplate = full;
    const source = full || await api("GET", "/api/drafting/templates/report");
    templateForm.elements.toml.value = full ? full.toml : source.toml.replace(/^name = .*$/m, 'name = "새 템플릿"');
    templateForm.elements.scope.value = full ? (full.scope === "builtin" ? "personal" : full.scope) : "personal";
    templateForm.elements.scope.disabled = Boolean(full);
    document.getElementById("template-error").hidden = true;
    templateDialog.showModal();
  }
  document.getElementById("new-template").addEventListener("click", () => openTemplateDialog(null).catch(fail));
  templateForm.addEventListener("submit", async (e) => {
    if (e.submitter?.value !== "save") return;
    e.preventDefault();
    const body = { toml: templateForm.elements.toml.value, scope: templateForm.elements.scope.value };
    try {
      const t = state.editingTemplate;
      if (t) await api("PUT", "/api/drafting/templates/" + encodeURIComponent(t.id), body);
      else await api("POST", "/api/drafting/templates", body);
      templateDialog.close();
      toast("템플릿을 저장했습니다.");
      await loadTemplates();
    } catch (err) {
      const box = document.getElementById("template-error");
      box.textContent = err.message; box.hidden = false;
    }
  });

  // --- drafts -----------------------------------------------------------------------------
  const statusLabels = { new: "작성 전", generating: "생성 중", complete: "완료", stopped: "중지됨", error: "오류" };
  async function loadDrafts() {
    const q = document.getElementById("draft-search").value.trim();
    const data = await api("GET", "/api/drafts" + (q ? "?q=" + encodeURIComponent(q) : ""));
    const body = document.querySelector("#drafts-table tbody");
    body.replaceChildren(...data.drafts.map((d) => el("tr", {},
      el("td", {}, el("a", { href: "/drafts/" + d.id, text: d.title })),
      el("td", { text: d.template_name || "자유 형식" }),
      el("td", {}, el("span", { class: "badge " + d.data_class, text: d.data_class })),
      el("td", { text: statusLabels[d.status] || d.status }),
      el("td", { text: formatDate(d.updated_at) }),
      el("td", {}, el("button", { type: "button", class: "btn btn-ghost btn-danger small", text: "삭제", "aria-label": `${d.title} 삭제`, onclick: async () => {
        if (!confirm(`'${d.title}' 초안을 삭제할까요?`)) return;
        try { await api("DELETE", "/api/drafts/" + d.id); await loadDrafts(); } catch (e) { fail(e); }
      } })))));
    if (!data.drafts.length) body.append(el("tr", {}, el("td", { colspan: "6", class: "muted", text: q ? "검색 결과가 없습니다." : "아직 초안이 없습니다. 템플릿을 골라 시작하세요." })));
  }
  let searchTimer;
  document.getElementById("draft-search").addEventListener("input", () => { clearTimeout(searchTimer); searchTimer = setTimeout(() => loadDrafts().catch(fail), 250); });

  // --- facts ------------------------------------------------------------------------------
  async function loadFacts() {
    const data = await api("GET", "/api/drafting/facts");
    state.facts = data.fact_sets;
    state.factNames = data.fact_names;
    const list = document.getElementById("facts-list");
    list.replaceChildren(...state.facts.map((f) => el("div", { class: "card fact-card" },
      el("div", { class: "row" },
        el("strong", { text: f.name }),
        el("span", {}, el("span", { class: "badge " + f.data_class, text: f.data_class }), f.shared ? el("span", { class: "badge", text: "부서 공유" }) : null)),
      el("p", { class: "small muted", text: Object.keys(f.facts).join(" · ") }),
      el("div", { class: "card-actions" },
        el("button", { type: "button", class: "btn small", text: "고치기", onclick: () => openFacts(f) }),
        f.mine ? el("button", { type: "button", class: "btn btn-ghost btn-danger small", text: "삭제", onclick: async () => {
          if (!confirm(`'${f.name}' 사업 정보를 삭제할까요?`)) return;
          try { await api("DELETE", "/api/drafting/facts/" + f.id); await loadFacts(); } catch (e) { fail(e); }
        } }) : null))));
    if (!state.facts.length) list.append(el("p", { class: "muted", text: "저장한 사업 정보가 없습니다." }));
  }

  const factsDialog = document.getElementById("facts-dialog");
  const factsForm = document.getElementById("facts-form");
  function factRow(name = "", value = "") {
    return el("div", { class: "fact-row" },
      el("input", { class: "fact-name", value: name, list: "fact-name-list", "aria-label": "항목 이름", placeholder: "항목 이름" }),
      el("textarea", { class: "fact-value", rows: "2", "aria-label": (name || "항목") + " 값", text: value }),
      el("button", { type: "button", class: "btn btn-ghost small", text: "✕", "aria-label": "항목 삭제", onclick: (e) => e.target.closest(".fact-row").remove() }));
  }
  function openFacts(f) {
    state.editingFacts = f;
    factsForm.elements.name.value = f ? f.name : "";
    factsForm.elements.data_class.value = f ? f.data_class : "S";
    factsForm.elements.shared.checked = f ? f.shared : false;
    const rows = document.getElementById("facts-rows");
    const values = f ? f.facts : {};
    const names = [...new Set([...Object.keys(values), ...state.factNames.map((n) => n.name)])];
    rows.replaceChildren(el("datalist", { id: "fact-name-list" }, ...state.factNames.map((n) => el("option", { value: n.name }))),
      ...names.map((n) => factRow(n, values[n] || "")));
    factsDialog.showModal();
  }
  document.getElementById("new-facts").addEventListener("click", () => openFacts(null));
  document.getElementById("add-fact").addEventListener("click", () => document.getElementById("facts-rows").append(factRow()));
  factsForm.addEventListener("submit", async (e) => {
    if (e.submitter?.value !== "save") return;
    e.preventDefault();
    const facts = {};
    document.querySelectorAll("#facts-rows .fact-row").forEach((row) => {
      const name = row.querySelector(".fact-name").value.trim();
      const value = row.querySelector(".fact-value").value.trim();
      if (name && value) facts[name] = value;
    });
    const body = { name: factsForm.elements.name.value.trim(), data_class: factsForm.elements.data_class.value, shared: factsForm.elements.shared.checked, facts };
    try {
      const f = state.editingFacts;
      if (f) await api("PUT", "/api/drafting/facts/" + f.id, body); else await api("POST", "/api/drafting/facts", body);
      factsDialog.close();
      toast("사업 정보를 저장했습니다.");
      await loadFacts();
    } catch (err) { fail(err); }
  });

  // --- start ------------------------------------------------------------------------------
  (async () => {
    try {
      const models = await api("GET", "/api/models");
      if (models.demo_notice) { const n = document.getElementById("demo-notice"); n.textContent = models.demo_notice; n.hidden = false; }
      await loadTemplates();
      const tab = location.hash.slice(1);
      if (tab === "drafts" || tab === "facts") showTab(tab);
    } catch (e) { fail(e); }
  })();
})();
