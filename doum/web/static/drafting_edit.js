// The draft editor: template form (filled from project facts), source files and
// knowledge bases, streamed generation, markdown editor with live preview (citations and
// checked numbers highlighted), editing tools with an accept/reject diff, export.
// Keyboard: Ctrl+Enter generate · Esc stop · Ctrl+S save · Alt+1/2/3 edit/split/preview.
"use strict";
(() => {
  const { api, el, fail, toast, formatDate, classLabels } = doum;
  const layout = document.querySelector(".draft-layout");
  const $ = (id) => document.getElementById(id);
  const contentEl = $("content"), previewEl = $("preview"), titleEl = $("title-input");
  const formEl = $("fields-form"), templateSelect = $("template-select"), classSelect = $("class-select");
  const state = {
    draftId: layout.dataset.draft || null, template: null, draft: null, dirty: {}, saveTimer: null,
    saving: null, controller: null, streaming: false, suggestion: null, checks: {}, sources: [],
  };

  // --- small helpers ------------------------------------------------------------------------
  function setSaveState(text) { $("save-state").textContent = text; }
  function notice(text, kind = "warn") { $("notices").append(el("div", { class: "notice " + kind, role: "note", text })); }
  function clearNotices() { $("notices").replaceChildren(); }
  function fieldValues() {
    const values = {};
    formEl.querySelectorAll("[data-key]").forEach((input) => { if (input.value.trim()) values[input.dataset.key] = input.value; });
    return values;
  }
  async function* sseEvents(response) {
    const reader = response.body.getReader();
    const decoder = new TextDecoder();
    let buffer = "";
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += decoder.decode(value, { stream: true });
      let cut;
      while ((cut = buffer.indexOf("\n\n")) >= 0) {
        const frame = buffer.slice(0, cut);
        buffer = buffer.slice(cut + 2);
        let event = "message", data = "";
        for (const line of frame.split("\n")) {
          if (line.startsWith("event:")) event = line.slice(6).trim();
          else if (line.startsWith("data:")) data += line.slice(5).trim();
        }
        if (data) yield { event, data: JSON.parse(data) };
      }
    }
  }
  async function postStream(url, body, signal) {
    const response = await fetch(url, {
      method: "POST", signal, credentials: "same-origin",
      headers: { "Content-Type": "application/json", "Accept": "text/event-stream", "X-CSRF-Token": doum.csrf() },
      body: JSON.stringify(body),
    });
    if (!response.ok) {
      const data = await response.json().catch(() => ({}));
      throw new doum.ApiError(data.error?.code || "internal.error", data.error?.message || "요청을 처리하지 못했습니다.", response.status);
    }
    return response;
  }

  // --- the form -------------------------------------------------------------------------------
  function renderForm(template, values) {
    state.template = template;
    formEl.replaceChildren();
    if (!template) {
      formEl.append(el("p", { class: "muted small", text: "템플릿 없이 쓰는 초안입니다. 파일을 붙여 요약·교정·번역 도구를 쓰거나 본문을 직접 쓰세요." }));
      updateGongmun();
      return;
    }
    formEl.append(el("p", { class: "muted small", text: template.description }));
    template.fields.forEach((f, i) => {
      const id = "field-" + i;
      const value = values[f.key] ?? f.default ?? "";
      let input;
      if (f.kind === "choice") {
        input = el("select", { id }, ...f.choices.map((c) => el("option", { value: c, text: c })));
        input.value = value || f.choices[0] || "";
      } else if (["textarea", "table", "list"].includes(f.kind)) {
        input = el("textarea", { id, rows: f.kind === "textarea" ? "3" : "2", placeholder: f.placeholder });
        input.value = value;
      } else {
        input = el("input", { id, type: f.kind === "number" ? "number" : "text", placeholder: f.placeholder || (f.kind === "date" ? "2025. 3. 5." : "") });
        input.value = value;
      }
      input.dataset.key = f.key;
      if (f.required) input.required = true;
      input.addEventListener("input", () => { state.dirty.fields = true; scheduleSave(); updateGongmun(); });
      input.addEventListener("change", () => { state.dirty.fields = true; scheduleSave(); updateGongmun(); });
      formEl.append(el("div", { class: "field" },
        el("label", { for: id, text: f.label + (f.required ? " *" : "") }), input,
        f.help ? el("span", { class: "small muted", text: f.help }) : null));
    });
    updateGongmun();
  }

  async function loadTemplates(selected) {
    const data = await api("GET", "/api/drafting/templates");
    templateSelect.replaceChildren(el("option", { value: "", text: "(템플릿 없음)" }),
      ...data.templates.map((t) => el("option", { value: t.id, text: `${t.name}${t.builtin ? "" : " · " + t.scope_label}` })));
    templateSelect.value = selected || "";
  }
  templateSelect.addEventListener("change", () => {
    sessionStorage.setItem("doum.carry", JSON.stringify(fieldValues()));
    location.href = "/drafts/new" + (templateSelect.value ? "?template=" + encodeURIComponent(templateSelect.value) : "");
  });

  async function loadFactSets() {
    const data = await api("GET", "/api/drafting/facts");
    $("fact-select").replaceChildren(el("option", { value: "", text: data.fact_sets.length ? "(선택)" : "(저장한 사업 정보 없음)" }),
      ...data.fact_sets.map((f) => el("option", { value: f.id, text: `${f.name}${f.shared ? " · 부서" : ""}` })));
  }
  async function fill(body) {
    if (!state.template) return;
    const data = await api("POST", `/api/drafting/templates/${encodeURIComponent(state.template.id)}/fill`, { ...body, fields: fieldValues() });
    renderForm(state.template, data.fields);
    state.dirty.fields = true;
    scheduleSave();
  }
  $("fill-facts").addEventListener("click", () => {
    const id = $("fact-select").value;
    if (!id) { toast("채울 사업 정보를 고르세요.", true); return; }
    fill({ fact_set_id: id }).then(() => toast("사업 정보로 빈 항목을 채웠습니다.")).catch(fail);
  });
  $("save-facts").addEventListener("click", async () => {
    const values = fieldValues();
    const name = prompt("사업 정보 이름", values["사업명"] || values["행사명"] || values["제목"] || "");
    if (!name) return;
    const keep = Object.fromEntries(Object.entries(values).filter(([k]) => !["안수", "장수", "종류", "분량", "어조", "채널", "형식", "문서종류", "공개구분"].includes(k)));
    try { await api("POST", "/api/drafting/facts", { name, facts: keep, data_class: classSelect.value }); toast("사업 정보로 저장했습니다."); await loadFactSets(); }
    catch (e) { fail(e); }
  });

  // --- knowledge bases, models, attachments ----------------------------------------------------
  async function loadKnowledge() {
    const data = await api("GET", "/api/drafting/knowledge-bases");
    const box = $("kb-list");
    if (!data.available || !data.knowledge_bases.length) {
      $("kb-notice").textContent = data.notice || "열람할 수 있는 지식베이스가 없습니다.";
      $("kb-notice").hidden = false;
    }
    box.replaceChildren(...data.knowledge_bases.map((kb) => {
      const input = el("input", { type: "checkbox", value: kb.id });
      input.addEventListener("change", () => { state.dirty.knowledge_base_ids = true; scheduleSave(); });
      return el("label", { class: "inline small" }, input, `${kb.name} `, el("span", { class: "badge " + kb.data_class, text: kb.data_class }));
    }));
  }
  const kbIds = () => [...$("kb-list").querySelectorAll("input:checked")].map((i) => i.value);

  async function loadModels() {
    const data = await api("GET", "/api/models");
    $("model-select").replaceChildren(...data.models.map((m) => el("option", { value: m.name, text: `${m.label}${m.location === "external" ? " · 외부" : ""}` })));
    $("model-select").value = data.default;
    if (data.demo_notice) notice(data.demo_notice);
  }
  $("model-select").addEventListener("change", () => { state.dirty.model = true; scheduleSave(); });
  classSelect.addEventListener("change", () => { state.dirty.data_class = true; scheduleSave(); });

  function renderAttachments(list) {
    $("attachments").replaceChildren(...list.map((a) => el("li", {},
      el("span", { class: "badge " + a.data_class, text: a.data_class }),
      el("span", { class: "grow", text: `${a.filename} (${a.format.toUpperCase()} · ${a.chars.toLocaleString()}자 · 구획 ${a.section_count})` }),
      el("button", { type: "button", class: "btn btn-ghost small", text: "✕", "aria-label": `${a.filename} 떼기`, onclick: async () => {
        try { await api("DELETE", `/api/drafts/${state.draftId}/attachments/${a.id}`); await reload(); } catch (e) { fail(e); }
      } }))));
    const source = $("tool-source");
    const keep = source.value;
    source.replaceChildren(el("option", { value: "content", text: "초안 본문" }), ...list.map((a) => el("option", { value: "attachment:" + a.id, text: "파일: " + a.filename })));
    if ([...source.options].some((o) => o.value === keep)) source.value = keep;
  }
  $("attach-input").addEventListener("change", async (e) => {
    const files = [...e.target.files];
    e.target.value = "";
    if (!files.length) return;
    try {
      await ensureDraft();
      for (const file of files) {
        setSaveState(`'${file.name}' 읽는 중…`);
        const form = new FormData();
        form.append("file", file);
        form.append("data_class", $("attach-class").value);
        const response = await fetch(`/api/drafts/${state.draftId}/attachments`, { method: "POST", body: form, credentials: "same-origin", headers: { "X-CSRF-Token": doum.csrf(), "Accept": "application/json" } });
        const data = await response.json().catch(() => ({}));
        if (!response.ok) throw new doum.ApiError(data.error?.code, data.error?.message || "파일을 붙이지 못했습니다.", response.status);
        toast(`'${file.name}'을(를) 근거 자료로 붙였습니다.`);
      }
      await reload();
      setSaveState("저장됨");
    } catch (err) { setSaveState(""); fail(err); }
  });

  // --- saving --------------------------------------------------------------------------------
  async function ensureDraft() {
    if (state.draftId) return state.draftId;
    const created = await api("POST", "/api/drafts", {
      template_id: state.template ? state.template.id : null, title: titleEl.value.trim(), fields: fieldValues(),
      data_class: classSelect.value, model: $("model-select").value, knowledge_base_ids: kbIds(), content: contentEl.value,
    });
    state.draftId = created.id;
    state.dirty = {};
    history.replaceState(null, "", "/drafts/" + created.id);
    applyDraft(created, { keepContent: true });
    return created.id;
  }
  function scheduleSave() {
    clearTimeout(state.saveTimer);
    setSaveState("고치는 중…");
    state.saveTimer = setTimeout(() => save().catch(fail), 800);
  }
  async function save() {
    clearTimeout(state.saveTimer);
    if (state.saving) await state.saving;
    if (!state.draftId) {
      if (!contentEl.value.trim() && !titleEl.value.trim()) { setSaveState(""); return; }
      await ensureDraft();
      setSaveState("저장됨");
      return;
    }
    const d = state.dirty;
    state.dirty = {};
    const body = {};
    if (d.title) body.title = titleEl.value.trim() || "새 초안";
    if (d.content) body.content = contentEl.value;
    if (d.fields) body.fields = fieldValues();
    if (d.model) body.model = $("model-select").value;
    if (d.data_class) body.data_class = classSelect.value;
    if (d.knowledge_base_ids) body.knowledge_base_ids = kbIds();
    if (!Object.keys(body).length) { setSaveState("저장됨"); return; }
    setSaveState("저장 중…");
    state.saving = api("PATCH", "/api/drafts/" + state.draftId, body);
    try {
      const saved = await state.saving;
      state.draft = saved;
      renderChecks(saved.checks || {});
      setSaveState("저장됨 " + new Date().toLocaleTimeString("ko-KR", { hour: "2-digit", minute: "2-digit" }));
    } catch (e) {
      if (e.code === "drafting.class_lowered" && state.draft) classSelect.value = state.draft.data_class;
      setSaveState("저장 실패");
      throw e;
    } finally { state.saving = null; }
  }
  titleEl.addEventListener("input", () => { state.dirty.title = true; scheduleSave(); });
  contentEl.addEventListener("input", () => { state.dirty.content = true; schedulePreview(); scheduleSave(); });
  window.addEventListener("beforeunload", (e) => { if (Object.keys(state.dirty).length || state.streaming) e.preventDefault(); });

  // --- preview -------------------------------------------------------------------------------
  let previewPending = false;
  function schedulePreview() { if (!previewPending) { previewPending = true; requestAnimationFrame(renderPreview); } }
  function renderPreview() {
    previewPending = false;
    previewEl.innerHTML = markdown.render(contentEl.value || "");
    decorate(previewEl);
  }
  function decorate(root) {
    const numbers = (state.checks.numbers || []).filter((n) => n.status !== "verified");
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    const texts = [];
    while (walker.nextNode()) texts.push(walker.currentNode);
    for (const node of texts) {
      const text = node.nodeValue;
      const marks = [];
      for (const m of text.matchAll(/\[(\d+)\]/g)) marks.push({ start: m.index, end: m.index + m[0].length, kind: "cite", n: m[1] });
      for (const n of numbers) {
        let at = text.indexOf(n.text);
        while (at >= 0) { marks.push({ start: at, end: at + n.text.length, kind: n.status, check: n }); at = text.indexOf(n.text, at + 1); }
      }
      if (!marks.length) continue;
      marks.sort((a, b) => a.start - b.start);
      const frag = document.createDocumentFragment();
      let pos = 0;
      for (const mark of marks) {
        if (mark.start < pos) continue;
        frag.append(text.slice(pos, mark.start));
        const label = text.slice(mark.start, mark.end);
        if (mark.kind === "cite") {
          const source = state.sources.find((s) => String(s.n) === mark.n);
          frag.append(el("sup", { class: "cite" }, el("a", { href: "#source-" + mark.n, title: source ? source.label : "출처 " + mark.n, text: label })));
        } else {
          const c = mark.check;
          const title = c.status === "mismatch" ? `출처 [${c.source || "입력"}]에는 ${c.expected} — 확인하세요` : "근거를 찾지 못한 숫자입니다 — 확인하세요";
          frag.append(el("mark", { class: "num-" + c.status, title, text: label }));
        }
        pos = mark.end;
      }
      frag.append(text.slice(pos));
      node.replaceWith(frag);
    }
  }
  function updateGongmun() {
    const head = $("gongmun-head"), foot = $("gongmun-foot");
    const isGongmun = state.template && state.template.doc_type === "gongmun";
    head.hidden = foot.hidden = !isGongmun;
    if (!isGongmun) return;
    const v = fieldValues();
    head.replaceChildren(el("div", { class: "gm-org", text: layout.dataset.organisation }),
      el("div", { text: "수신  " + (v["수신"] || "내부결재") }), el("div", { text: "(경유)  " + (v["경유"] || "") }),
      el("div", { class: "gm-subject", text: "제목  " + (v["제목"] || "") }));
    const attachments = (v["붙임"] || "").split("\n").filter((l) => l.trim());
    foot.replaceChildren(
      ...(attachments.length ? attachments.map((a, i) => el("div", { text: (i ? "      " : "붙임  ") + (attachments.length > 1 ? `${i + 1}. ` : "") + a + (i === attachments.length - 1 ? "  끝." : "") })) : [el("div", { text: "끝." })]),
      el("div", { class: "gm-sender", text: v["발신명의"] || "" }),
      el("div", { class: "small", text: ["기안자", "검토자", "결재권자"].map((k) => v[k] ? `${k} ${v[k]}` : "").filter(Boolean).join("   ") }),
      el("div", { class: "small", text: `시행 ${v["시행번호"] || ""} ${v["시행일자"] ? "(" + v["시행일자"] + ")" : ""}  접수` }),
      el("div", { class: "small", text: [v["주소"], v["전화"] && "전화 " + v["전화"], v["전자우편"], v["공개구분"] || "공개"].filter(Boolean).join(" / ") }));
  }

  // --- checks, sources, revisions ------------------------------------------------------------
  function renderChecks(checks) {
    state.checks = checks || {};
    const list = $("checks");
    const items = [];
    for (const s of checks.sections || []) items.push(el("li", { class: s.ok ? "ok" : "bad", text: `${s.ok ? "✓" : "✕"} ${s.name}${s.expected > 1 ? ` (${s.found}/${s.expected})` : ""}` }));
    for (const n of checks.notes || []) {
      if (n.code === "drafting.section_missing") continue;
      items.push(el("li", { class: "warn" }, el("button", { type: "button", class: "link", text: n.message, onclick: () => gotoLine(n.lines?.[0]) })));
    }
    for (const n of (checks.numbers || []).filter((x) => x.status === "unverified")) {
      items.push(el("li", { class: "warn" }, el("button", { type: "button", class: "link", text: `근거 없는 숫자 '${n.text}' (${n.line}줄)`, onclick: () => gotoLine(n.line) })));
    }
    list.replaceChildren(...items);
    const s = checks.summary;
    $("check-summary").textContent = s ? `숫자 ${s.verified}개 확인 · 불일치 ${s.mismatch} · 근거 없음 ${s.unverified}` : "";
    renderPreview();
  }
  function gotoLine(line) {
    if (!line) return;
    const lines = contentEl.value.split("\n");
    const start = lines.slice(0, line - 1).reduce((n, l) => n + l.length + 1, 0);
    contentEl.focus();
    contentEl.setSelectionRange(start, start + (lines[line - 1] || "").length);
  }
  function renderSources(sources) {
    state.sources = sources || [];
    const kinds = { field: "입력", attachment: "첨부", knowledge: "지식베이스" };
    $("sources").replaceChildren(...state.sources.map((s) => el("li", { id: "source-" + s.n },
      el("details", {}, el("summary", {}, el("strong", { text: `[${s.n}] ` }), el("span", { class: "badge " + s.data_class, text: s.data_class }), ` ${kinds[s.kind] || s.kind} · ${s.label}`),
        ...(s.notes || []).map((t) => el("p", { class: "notice warn small", text: t })),
        el("pre", { class: "source-text", text: s.text })))));
    if (!state.sources.length) $("sources").append(el("li", { class: "muted small", text: "근거 자료 없이 작성했습니다." }));
  }
  async function loadRevisions() {
    if (!state.draftId) return;
    const data = await api("GET", `/api/drafts/${state.draftId}/revisions`);
    const labels = { generate: "생성", edit: "편집", proofread: "교정", plain: "쉬운 말", summarise: "요약", translate: "번역", restore: "복원" };
    $("revisions").replaceChildren(...data.revisions.slice(0, 15).map((r) => el("li", {},
      el("span", { class: "small", text: `${r.seq}. ${labels[r.source] || r.source} · ${formatDate(r.created_at)} · ${r.chars.toLocaleString()}자` }),
      el("button", { type: "button", class: "btn btn-ghost small", text: "복원", onclick: async () => {
        if (!confirm("이 버전으로 본문을 되돌릴까요? (지금 본문도 버전으로 남습니다)")) return;
        try { await save(); applyDraft(await api("POST", `/api/drafts/${state.draftId}/revisions/${r.id}/restore`)); toast("복원했습니다."); } catch (e) { fail(e); }
      } }))));
  }

  // --- loading a draft ---------------------------------------------------------------------------
  function applyDraft(d, { keepContent = false } = {}) {
    state.draft = d;
    titleEl.value = d.title;
    if (!keepContent) contentEl.value = d.content;
    classSelect.value = d.data_class;
    if (d.model && [...$("model-select").options].some((o) => o.value === d.model)) $("model-select").value = d.model;
    $("kb-list").querySelectorAll("input").forEach((i) => { i.checked = d.knowledge_base_ids.includes(i.value); });
    renderAttachments(d.attachments);
    renderSources(d.sources);
    renderChecks(d.checks || {});
    document.querySelectorAll(".export-row a").forEach((a) => { a.href = `/api/drafts/${d.id}/export?format=${a.dataset.format}`; });
    loadRevisions().catch(fail);
  }
  async function reload() { applyDraft(await api("GET", "/api/drafts/" + state.draftId), { keepContent: Boolean(state.dirty.content) }); }

  // --- generation --------------------------------------------------------------------------------
  function setStreaming(on) {
    state.streaming = on;
    $("stop").hidden = !on;
    $("generate").disabled = on;
    contentEl.readOnly = on;
    layout.setAttribute("aria-busy", on ? "true" : "false");
  }
  async function generate() {
    if (state.streaming) return;
    if (!state.template) { toast("템플릿을 먼저 고르세요.", true); return; }
    if (!formEl.reportValidity()) return;
    if (contentEl.value.trim() && !confirm("지금 본문을 새 초안으로 바꿀까요? (지금 본문은 이전 버전에 남습니다)")) return;
    const controller = new AbortController();
    state.controller = controller;
    clearNotices();
    try {
      await ensureDraft();
      state.dirty.fields = true;
      await save();
      setStreaming(true);
      contentEl.value = "";
      renderPreview();
      const response = await postStream(`/api/drafts/${state.draftId}/generate`, { model: $("model-select").value, request: $("gen-request").value }, controller.signal);
      for await (const { event, data } of sseEvents(response)) {
        if (event === "start") {
          data.notices.forEach((n) => notice(n));
          renderSources(data.sources);
          classSelect.value = data.data_class;
          setSaveState(`${data.model_label} 작성 중…`);
        } else if (event === "delta") {
          contentEl.value += data.text;
          contentEl.scrollTop = contentEl.scrollHeight;
          schedulePreview();
        } else if (event === "done") {
          contentEl.value = data.content;
          renderChecks(data.checks);
          (data.repaired || []).forEach((name) => notice(`'${name}' 부분이 빠져 입력 항목으로 채웠습니다.`, "ok"));
          setSaveState(`생성 완료 · ${data.completion_tokens} 토큰 · ${(data.latency_ms / 1000).toFixed(1)}초`);
        } else if (event === "error") {
          notice(data.message, "error");
          setSaveState("생성 실패");
        }
      }
    } catch (e) {
      if (e.name === "AbortError") {
        setSaveState("생성을 중지했습니다 (쓴 부분은 저장됨)");
        await new Promise((resolve) => setTimeout(resolve, 400));
      } else fail(e);
    } finally {
      setStreaming(false);
      state.controller = null;
    }
    if (state.draftId) await reload().catch(fail);
  }
  $("generate").addEventListener("click", generate);
  $("stop").addEventListener("click", () => state.controller?.abort());

  // --- tools -------------------------------------------------------------------------------------
  async function runTool(tool) {
    if (state.streaming) return;
    try {
      await save();
      if (!state.draftId) await ensureDraft();
      const body = { source: $("tool-source").value, model: $("model-select").value };
      if (tool === "summarise") body.ratio = Number($("summary-ratio").value);
      if (tool === "translate") { body.language = $("translate-lang").value; body.terms = $("translate-terms").value; }
      const progress = $("tool-progress");
      progress.hidden = false;
      $("tool-result").hidden = true;
      progress.querySelector("progress").removeAttribute("value");
      progress.querySelector("span").textContent = "준비 중…";
      setStreaming(true);
      const response = await postStream(`/api/drafts/${state.draftId}/tools/${tool}`, body);
      for await (const { event, data } of sseEvents(response)) {
        if (event === "start") { data.notices.forEach((n) => notice(n)); progress.querySelector("span").textContent = `${data.model_label} · 원문 ${data.source_chars.toLocaleString()}자`; }
        else if (event === "progress") { const bar = progress.querySelector("progress"); bar.max = data.total; bar.value = data.done; progress.querySelector("span").textContent = `${data.done}/${data.total} · ${data.label}`; }
        else if (event === "done") showSuggestion(data.suggestion);
        else if (event === "error") notice(data.message, "error");
      }
    } catch (e) { fail(e); }
    finally { setStreaming(false); $("tool-progress").hidden = true; }
  }
  document.querySelectorAll("[data-tool]").forEach((b) => b.addEventListener("click", () => runTool(b.dataset.tool)));

  function showSuggestion(s) {
    state.suggestion = s;
    (s.meta.notices || []).forEach((n) => notice(n));
    if (s.tool === "proofread" || s.tool === "plain") {
      draftDiff.open(s, (accepted) => applySuggestion("replace", accepted), () => { state.suggestion = null; });
      return;
    }
    const meta = s.tool === "summarise"
      ? `원문 ${s.meta.source_chars.toLocaleString()}자 → ${s.meta.summary_chars.toLocaleString()}자 (비율 ${s.meta.ratio}) · 구획 ${s.meta.sections} · 모델 호출 ${s.meta.calls}회`
      : `번역 · 용어 ${Object.keys(s.meta.terms || {}).length}개 유지` + ((s.meta.missing_terms || []).length ? ` · 확인 필요: ${s.meta.missing_terms.join(", ")}` : "");
    $("tool-result").querySelector(".tool-result-meta").textContent = meta;
    $("tool-result").querySelector(".tool-result-body").innerHTML = markdown.render(s.proposed);
    $("tool-result").hidden = false;
  }
  async function applySuggestion(mode, accept) {
    const s = state.suggestion;
    if (!s) return;
    try {
      const body = { mode };
      if (accept) body.accept = accept;
      const target = await api("POST", `/api/drafts/${state.draftId}/suggestions/${s.id}/apply`, body);
      state.suggestion = null;
      if (draftDiff.isOpen()) draftDiff.close();
      $("tool-result").hidden = true;
      if (mode === "new") { location.href = "/drafts/" + target.id; return; }
      applyDraft(target);
      toast("적용했습니다.");
    } catch (e) { fail(e); }
  }
  $("result-replace").addEventListener("click", () => applySuggestion("replace"));
  $("result-new").addEventListener("click", () => applySuggestion("new"));
  $("result-discard").addEventListener("click", async () => {
    const s = state.suggestion;
    if (!s) return;
    try { await api("POST", `/api/drafts/${state.draftId}/suggestions/${s.id}/discard`); } catch (e) { fail(e); }
    state.suggestion = null;
    $("tool-result").hidden = true;
  });

  // --- export and copy ---------------------------------------------------------------------------
  document.querySelectorAll(".export-row a").forEach((a) => a.addEventListener("click", async (e) => {
    e.preventDefault();
    try {
      await save();
      if (!state.draftId) { toast("먼저 초안을 작성하세요.", true); return; }
      const link = el("a", { href: `/api/drafts/${state.draftId}/export?format=${a.dataset.format}`, download: "" });
      document.body.append(link);
      link.click();
      link.remove();
    } catch (err) { fail(err); }
  }));
  $("copy-text").addEventListener("click", async () => {
    try {
      await save();
      if (!state.draftId) return;
      const response = await fetch(`/api/drafts/${state.draftId}/export?format=txt`, { credentials: "same-origin" });
      const text = await response.text();
      if (navigator.clipboard && window.isSecureContext) await navigator.clipboard.writeText(text);
      else { const area = el("textarea", {}); area.value = text; document.body.append(area); area.select(); document.execCommand("copy"); area.remove(); }
      toast("서식 없는 글로 복사했습니다.");
    } catch (e) { fail(e); }
  });

  // --- views and keys ----------------------------------------------------------------------------
  function setView(view) {
    const wrap = $("editor-wrap");
    wrap.classList.remove("view-edit", "view-split", "view-preview");
    wrap.classList.add("view-" + view);
    document.querySelectorAll(".view-switch button").forEach((b) => b.setAttribute("aria-pressed", b.dataset.view === view ? "true" : "false"));
  }
  document.querySelectorAll(".view-switch button").forEach((b) => b.addEventListener("click", () => setView(b.dataset.view)));
  document.addEventListener("keydown", (e) => {
    if ((e.ctrlKey || e.metaKey) && e.key === "Enter") { e.preventDefault(); generate(); }
    else if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === "s") { e.preventDefault(); save().catch(fail); }
    else if (e.key === "Escape" && state.streaming) { e.preventDefault(); state.controller?.abort(); }
    else if (e.altKey && ["1", "2", "3"].includes(e.key)) { e.preventDefault(); setView(["edit", "split", "preview"][Number(e.key) - 1]); }
  });

  // --- start --------------------------------------------------------------------------------------
  (async () => {
    try {
      await loadModels();
      await Promise.all([loadFactSets(), loadKnowledge().catch(() => {})]);
      if (state.draftId) {
        const d = await api("GET", "/api/drafts/" + state.draftId);
        await loadTemplates(d.template_id);
        renderForm(d.template, d.fields);
        applyDraft(d);
      } else {
        const templateId = layout.dataset.template;
        await loadTemplates(templateId);
        const template = templateId ? await api("GET", "/api/drafting/templates/" + encodeURIComponent(templateId)) : null;
        renderForm(template, {});
        const carried = JSON.parse(sessionStorage.getItem("doum.carry") || "null");
        sessionStorage.removeItem("doum.carry");
        if (template && carried && Object.keys(carried).length) await fill({ facts: carried });
        classSelect.value = template ? template.data_class : "S";
        renderChecks({});
        renderSources([]);
        (formEl.querySelector("[data-key]") || titleEl).focus();
      }
    } catch (e) { fail(e); }
  })();
})();
