// Knowledge bases: list, create, delete, re-sync; uploads with a progress bar per file
// (올리는 중 → 대기 중 → 문서 읽는 중 → 색인 중 → 완료 / 오류); documents; access list.
"use strict";
(() => {
  const { api, el, fail, toast, classLabels } = doum;
  const page = document.querySelector(".knowledge-page");
  const listEl = document.getElementById("kb-list");
  const view = document.getElementById("kb-view");
  const empty = document.getElementById("kb-empty");
  const docRows = document.getElementById("doc-rows");
  const accessRows = document.getElementById("access-rows");
  const uploadList = document.getElementById("upload-list");
  const fileInput = document.getElementById("file-input");
  const dropzone = document.getElementById("dropzone");
  const grantForm = document.getElementById("grant-form");
  const grantKind = document.getElementById("grant-kind");
  const grantTarget = document.getElementById("grant-target");
  const userSearch = document.getElementById("grant-user-search");
  const dialog = document.getElementById("kb-dialog");
  const form = document.getElementById("kb-form");

  const state = { kbs: [], current: null, directory: null, tracking: new Map(), timer: null, departmentId: null };
  const ACTIVE = new Set(["queued", "parsing", "indexing"]);

  // --- knowledge bases ----------------------------------------------------------------
  async function loadList(selectId) {
    const data = await api("GET", "/api/kb");
    state.kbs = data.knowledge_bases;
    state.departmentId = data.department_id;
    document.getElementById("new-kb").hidden = !data.can_create;
    listEl.replaceChildren(...state.kbs.map((kb) => el("li", { "data-id": kb.id, class: state.current?.id === kb.id ? "active" : "" },
      el("a", { href: `/knowledge?kb=${kb.id}`, onclick: (e) => { e.preventDefault(); select(kb.id); } },
        el("span", { class: "badge " + kb.data_class, text: kb.data_class }), kb.name,
        el("span", { class: "muted small", text: ` ${kb.document_count}건` })))));
    if (!state.kbs.length) listEl.append(el("li", { class: "muted", text: "열람할 수 있는 지식베이스가 없습니다." }));
    const wanted = selectId || page.dataset.selected || state.current?.id;
    if (wanted && state.kbs.some((k) => k.id === wanted || k.name === wanted)) await select(wanted, false);
  }

  async function select(ref, push = true) {
    const kb = state.kbs.find((k) => k.id === ref || k.name === ref);
    if (!kb) return;
    const switching = state.current?.id !== kb.id;
    state.current = kb;
    page.dataset.selected = kb.id;
    listEl.querySelectorAll("li").forEach((li) => li.classList.toggle("active", li.dataset.id === kb.id));
    if (push) history.replaceState({}, "", `/knowledge?kb=${kb.id}`);
    empty.hidden = true;
    view.hidden = false;
    document.getElementById("kb-name").textContent = kb.name;
    document.getElementById("kb-meta").textContent =
      `${kb.department} 소유 · ${classLabels[kb.data_class]} · 문서 ${kb.document_count}건 · 조각 ${kb.chunk_count}개${kb.can_write ? " · 편집 가능" : " · 열람만 가능"}`;
    document.getElementById("kb-description").textContent = kb.description || "";
    document.getElementById("kb-ask").href = `/?kb=${kb.id}`;
    document.getElementById("kb-search").href = `/knowledge/search?kb=${kb.id}`;
    for (const id of ["kb-sync", "kb-delete", "upload-panel"]) document.getElementById(id).hidden = !kb.can_write;
    grantForm.hidden = !kb.can_write;
    if (switching) uploadList.replaceChildren();
    await Promise.all([loadDocuments(), loadAccess()]);
  }

  // --- documents ---------------------------------------------------------------------------
  function bar(progress, status) {
    const value = Math.round((status === "done" ? 1 : progress) * 100);
    return el("progress", { max: "100", value: String(value), "aria-label": `진행률 ${value}%` });
  }

  function documentRow(d) {
    const status = el("td", {},
      el("span", { class: `status ${d.status}`, text: d.status_label }),
      ACTIVE.has(d.status) ? bar(d.progress, d.status) : null,
      d.status === "error" ? el("div", { class: "error-text small", text: d.error_message }) : null,
      d.status === "indexing" && d.searchable ? el("div", { class: "muted small", text: "어휘 검색 가능 · 벡터 추가 중" }) : null);
    const actions = el("td", { class: "nowrap" });
    if (state.current.can_write) actions.append(el("button", { type: "button", class: "btn small btn-danger", text: "삭제", "aria-label": `${d.title || d.filename} 삭제`, onclick: () => removeDocument(d) }));
    const title = d.chunk_count
      ? el("a", { href: `/knowledge/documents/${d.id}`, target: "_blank", rel: "noopener", text: d.title || d.filename })
      : el("span", { text: d.title || d.filename });
    return el("tr", { "data-id": d.id }, el("td", {}, title, el("div", { class: "muted small", text: d.filename })), status,
      el("td", { class: "nowrap", text: `${d.chunk_count} · ${d.vector_count}` }), actions);
  }

  async function loadDocuments() {
    const kb = state.current;
    const data = await api("GET", `/api/kb/${kb.id}/documents`);
    if (state.current !== kb) return;
    docRows.replaceChildren(...data.documents.map(documentRow));
    if (!data.documents.length) docRows.append(el("tr", {}, el("td", { colspan: "4", class: "muted", text: "아직 문서가 없습니다." })));
    document.getElementById("doc-count").textContent = `${data.documents.length}건`;
    for (const d of data.documents) if (ACTIVE.has(d.status) && !state.tracking.has(d.id)) state.tracking.set(d.id, null);
    schedulePoll();
  }

  async function removeDocument(d) {
    if (!confirm(`'${d.title || d.filename}' 문서를 지식베이스에서 지울까요? 검색 색인에서도 빠집니다.`)) return;
    try { await api("DELETE", `/api/kb/documents/${d.id}`); toast("문서를 지웠습니다."); await refresh(); } catch (e) { fail(e); }
  }

  // --- uploads with progress ---------------------------------------------------------------
  function uploadItem(file) {
    const status = el("span", { class: "status", text: "올리는 중" });
    const progress = el("progress", { max: "100", value: "0", "aria-label": `${file.name} 진행률` });
    const item = el("li", { class: "upload-item", "data-state": "uploading" }, el("span", { class: "upload-name", text: file.name }), progress, status);
    uploadList.append(item);
    return { item, status, progress };
  }

  function setItem(entry, state, label, value, error) {
    entry.item.dataset.state = state;
    entry.status.textContent = label;
    entry.progress.value = value;
    if (error) { entry.item.classList.add("error"); entry.status.textContent = error; }
  }

  function uploadOne(kb, file) {
    const entry = uploadItem(file);
    const body = new FormData();
    body.append("files", file, file.name);
    return new Promise((resolve) => {
      const xhr = new XMLHttpRequest();
      xhr.open("POST", `/api/kb/${kb.id}/documents`);
      xhr.setRequestHeader("X-CSRF-Token", doum.csrf());
      xhr.setRequestHeader("Accept", "application/json");
      // Sending is the first fifth of the bar; the server's steps fill the rest.
      xhr.upload.onprogress = (e) => { if (e.lengthComputable) entry.progress.value = Math.round((e.loaded / e.total) * 20); };
      xhr.onload = () => {
        let data = {};
        try { data = JSON.parse(xhr.responseText); } catch { /* keep {} */ }
        if (xhr.status >= 400) setItem(entry, "error", "", 100, data.error?.message || "올리지 못했습니다.");
        else {
          const result = data.results[0];
          if (result.error) setItem(entry, "error", "", 100, result.error.message);
          else if (result.unchanged) setItem(entry, "done", "바뀐 내용이 없어 그대로 둡니다 (완료)", 100);
          else { setItem(entry, "queued", result.status_label || "대기 중", 20); state.tracking.set(result.document_id, entry); }
        }
        resolve();
      };
      xhr.onerror = () => { setItem(entry, "error", "", 100, "네트워크 오류로 올리지 못했습니다."); resolve(); };
      xhr.send(body);
    });
  }

  async function upload(files) {
    const kb = state.current;
    if (!kb || !files.length) return;
    await Promise.all([...files].map((f) => uploadOne(kb, f)));
    await refresh();
  }

  function schedulePoll() {
    if (state.timer || !state.tracking.size) return;
    state.timer = setTimeout(poll, 700);
  }

  async function poll() {
    state.timer = null;
    const ids = [...state.tracking.keys()];
    if (!ids.length) return;
    try {
      const data = await api("GET", "/api/kb/progress?ids=" + ids.join(","));
      let changed = false;
      for (const d of data.documents) {
        const entry = state.tracking.get(d.id);
        if (entry) {
          const value = d.status === "done" ? 100 : 20 + Math.round(d.progress * 80);
          setItem(entry, d.status, d.status_label, value, d.status === "error" ? `오류: ${d.error_message}` : "");
        }
        if (!ACTIVE.has(d.status)) { state.tracking.delete(d.id); changed = true; }
      }
      const known = new Set(data.documents.map((d) => d.id));
      for (const id of ids) if (!known.has(id)) state.tracking.delete(id);
      if (changed) await refresh(); else await loadDocuments();
    } catch (e) { fail(e); }
    schedulePoll();
  }

  async function refresh() {
    const id = state.current?.id;
    await loadList(id);
  }

  // --- access list -------------------------------------------------------------------------
  const kindLabels = { department: "부서", group: "그룹", user: "사용자" };
  async function loadAccess() {
    const kb = state.current;
    const data = await api("GET", `/api/kb/${kb.id}/access`);
    accessRows.replaceChildren(...data.access.map((a) => el("tr", {},
      el("td", { text: kindLabels[a.kind] }), el("td", { text: a.name }),
      el("td", { text: a.permission === "write" ? "편집" : "열람" }),
      el("td", {}, kb.can_write ? el("button", { type: "button", class: "btn small", text: "회수", "aria-label": `${a.name} 권한 회수`, onclick: () => revoke(a) }) : null))));
    if (!data.access.length) accessRows.append(el("tr", {}, el("td", { class: "muted", text: "따로 권한을 준 대상이 없습니다." })));
  }

  async function revoke(a) {
    if (!confirm(`${a.name}의 ${a.permission === "write" ? "편집" : "열람"} 권한을 회수할까요?`)) return;
    try { await api("DELETE", `/api/kb/${state.current.id}/access/${a.id}`); await loadAccess(); } catch (e) { fail(e); }
  }

  async function directory(q = "") {
    const data = await api("GET", "/api/kb/directory" + (q ? "?q=" + encodeURIComponent(q) : ""));
    if (!q) state.directory = data;
    return data;
  }

  async function fillTargets() {
    const kind = grantKind.value;
    document.getElementById("grant-user-search-label").hidden = kind !== "user";
    const data = kind === "user" ? await directory(userSearch.value.trim()) : (state.directory || await directory());
    const rows = kind === "department" ? data.departments : kind === "group" ? data.groups : data.users;
    grantTarget.replaceChildren(...rows.map((r) => el("option", { value: String(r.id), text: r.name })));
  }

  grantForm.addEventListener("submit", async (e) => {
    e.preventDefault();
    if (!grantTarget.value) return;
    try {
      await api("POST", `/api/kb/${state.current.id}/access`, { kind: grantKind.value, grantee_id: Number(grantTarget.value), permission: document.getElementById("grant-permission").value });
      toast("권한을 주었습니다.");
      await loadAccess();
    } catch (err) { fail(err); }
  });
  grantKind.addEventListener("change", () => fillTargets().catch(fail));
  let searchTimer;
  userSearch.addEventListener("input", () => { clearTimeout(searchTimer); searchTimer = setTimeout(() => fillTargets().catch(fail), 250); });

  // --- create / delete / sync ----------------------------------------------------------------
  document.getElementById("new-kb").addEventListener("click", async () => {
    try {
      const data = state.directory || await directory();
      const select = form.elements.department_id;
      select.replaceChildren(...data.departments.map((d) => el("option", { value: String(d.id), text: d.name })));
      if (state.departmentId) select.value = String(state.departmentId);
      form.reset();
      if (state.departmentId) select.value = String(state.departmentId);
      dialog.showModal();
      form.elements.name.focus();
    } catch (e) { fail(e); }
  });

  form.addEventListener("submit", async (e) => {
    if (e.submitter?.value !== "save") return;
    e.preventDefault();
    const f = form.elements;
    try {
      const kb = await api("POST", "/api/kb", { name: f.name.value.trim(), description: f.description.value.trim(), data_class: f.data_class.value, department_id: Number(f.department_id.value) });
      dialog.close();
      toast("지식베이스를 만들었습니다. 이제 문서를 올리세요.");
      await loadList(kb.id);
    } catch (err) { fail(err); }
  });

  document.getElementById("kb-delete").addEventListener("click", async () => {
    const kb = state.current;
    if (!confirm(`'${kb.name}' 지식베이스와 문서 ${kb.document_count}건을 모두 지울까요? 되돌릴 수 없습니다.`)) return;
    try {
      await api("DELETE", `/api/kb/${kb.id}`);
      state.current = null;
      view.hidden = true; empty.hidden = false;
      history.replaceState({}, "", "/knowledge");
      page.dataset.selected = "";
      toast("지식베이스를 지웠습니다.");
      await loadList();
    } catch (e) { fail(e); }
  });

  document.getElementById("kb-sync").addEventListener("click", async () => {
    try {
      const result = await api("POST", `/api/kb/${state.current.id}/sync`);
      toast(result.message);
      await loadDocuments();
    } catch (e) { fail(e); }
  });

  // --- drag and drop ---------------------------------------------------------------------------
  dropzone.addEventListener("click", () => fileInput.click());
  dropzone.addEventListener("keydown", (e) => { if (e.key === "Enter" || e.key === " ") { e.preventDefault(); fileInput.click(); } });
  fileInput.addEventListener("change", () => { upload(fileInput.files); fileInput.value = ""; });
  for (const type of ["dragenter", "dragover"]) dropzone.addEventListener(type, (e) => { e.preventDefault(); dropzone.classList.add("over"); });
  for (const type of ["dragleave", "drop"]) dropzone.addEventListener(type, () => dropzone.classList.remove("over"));
  dropzone.addEventListener("drop", (e) => { e.preventDefault(); upload(e.dataTransfer.files); });

  loadList().then(() => fillTargets()).catch(fail);
})();
