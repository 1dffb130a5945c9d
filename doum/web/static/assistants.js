// The catalogue of department assistants (맞춤형 도우미): browse, start a chat, and — for
// department managers and administrators — create, edit, share and delete.
"use strict";
(() => {
  const { api, el, fail, toast, classLabels } = doum;
  const listEl = document.getElementById("assistant-list");
  const filterEl = document.getElementById("assistant-filter");
  const dialog = document.getElementById("assistant-dialog");
  const form = document.getElementById("assistant-form");
  const state = { assistants: [], editing: null, departmentId: null, choices: null };

  async function load() {
    const data = await api("GET", "/api/assistants");
    state.assistants = data.assistants;
    state.departmentId = data.department_id;
    render();
  }

  function render() {
    const needle = filterEl.value.trim();
    const shown = state.assistants.filter((a) => !needle || (a.name + a.description + a.department).includes(needle));
    listEl.replaceChildren(...shown.map(card));
    if (!shown.length) listEl.append(el("p", { class: "muted", text: needle ? "찾는 도우미가 없습니다." : "사용할 수 있는 도우미가 없습니다." }));
  }

  function card(a) {
    const kbs = a.knowledge_bases.map((k) => k.name).join(", ") + (a.hidden_knowledge_bases ? ` 외 열람 권한 없는 ${a.hidden_knowledge_bases}개` : "");
    const actions = el("div", { class: "card-actions" }, el("a", { class: "btn btn-primary small", href: `/?assistant=${a.id}`, text: "대화하기" }));
    if (a.can_edit) {
      actions.append(el("button", { type: "button", class: "btn small", text: "고치기", onclick: () => openForm(a) }));
      actions.append(el("button", { type: "button", class: "btn small btn-danger", text: "삭제", onclick: () => remove(a) }));
    }
    return el("article", { class: "card assistant-card", "data-id": a.id },
      el("h2", {}, el("span", { class: "badge " + a.data_class, text: classLabels[a.data_class] }), a.name),
      el("div", { class: "muted small", text: `${a.department}${a.shared_departments.length ? " · 공유: " + a.shared_departments.map((d) => d.name).join(", ") : ""}` }),
      a.description ? el("p", { text: a.description }) : null,
      el("div", { class: "small", text: `지식베이스: ${kbs || "없음 (지침만)"}` }),
      el("div", { class: "small", text: `모델: ${a.allowed_models.length ? a.allowed_models.join(", ") : "등급에 맞는 모든 모델"}${a.sources_first ? " · 근거 우선" : ""}` }),
      a.instructions && a.can_edit ? el("div", { class: "instructions", text: a.instructions }) : null,
      a.gaps.length ? el("ul", { class: "gap-list" }, ...a.gaps.map((g) => el("li", { text: `${g.department}은(는) '${g.kb || "지식베이스"}'을(를) 열람할 수 없어 그 근거 없이 답합니다.` }))) : null,
      actions);
  }

  async function choices() {
    if (state.choices) return state.choices;
    const [kbs, models, directory] = await Promise.all([api("GET", "/api/kb"), api("GET", "/api/models"), api("GET", "/api/kb/directory")]);
    state.choices = { kbs: kbs.knowledge_bases, models: models.models, departments: directory.departments };
    return state.choices;
  }

  const checks = (container, name, rows, chosen) => container.replaceChildren(...rows.map((r) => el("label", { class: "inline" },
    el("input", { type: "checkbox", name, value: String(r.value), checked: chosen.has(String(r.value)) }), r.label)));

  async function openForm(assistant) {
    try {
      const c = await choices();
      state.editing = assistant;
      form.reset();
      document.getElementById("assistant-dialog-title").textContent = assistant ? `'${assistant.name}' 고치기` : "새 도우미";
      const f = form.elements;
      f.department_id.replaceChildren(...c.departments.map((d) => el("option", { value: String(d.id), text: d.name })));
      const owner = assistant ? assistant.department_id : state.departmentId;
      if (owner) f.department_id.value = String(owner);
      else f.department_id.selectedIndex = 0;
      f.department_id.disabled = Boolean(assistant);
      if (assistant) {
        f.name.value = assistant.name; f.description.value = assistant.description; f.instructions.value = assistant.instructions;
        f.data_class.value = assistant.data_class; f.k.value = assistant.k; f.sources_first.checked = assistant.sources_first;
      }
      checks(document.getElementById("assistant-kbs"), "kb", c.kbs.map((k) => ({ value: k.id, label: `${k.name} (${k.data_class})` })), new Set(assistant ? assistant.knowledge_bases.map((k) => k.id) : []));
      checks(document.getElementById("assistant-models"), "model", c.models.map((m) => ({ value: m.name, label: m.label })), new Set(assistant ? assistant.allowed_models : []));
      checks(document.getElementById("assistant-shares"), "share", c.departments.map((d) => ({ value: d.id, label: d.name })), new Set(assistant ? assistant.shared_departments.map((d) => String(d.id)) : []));
      document.getElementById("assistant-gaps").replaceChildren();
      dialog.showModal();
      f.name.focus();
    } catch (e) { fail(e); }
  }

  const checked = (name) => [...form.querySelectorAll(`input[name="${name}"]:checked`)].map((i) => i.value);

  form.addEventListener("submit", async (e) => {
    if (e.submitter?.value !== "save") return;
    e.preventDefault();
    const f = form.elements;
    const body = {
      name: f.name.value.trim(), description: f.description.value.trim(), instructions: f.instructions.value,
      data_class: f.data_class.value, k: Number(f.k.value) || 5, sources_first: f.sources_first.checked,
      kb_ids: checked("kb"), allowed_models: checked("model"), shared_department_ids: checked("share").map(Number),
      grant_read: f.grant_read.checked,
    };
    try {
      let saved;
      if (state.editing) saved = await api("PATCH", `/api/assistants/${state.editing.id}`, body);
      else saved = await api("POST", "/api/assistants", { ...body, department_id: Number(f.department_id.value) || null });
      if (saved.gaps.length) {
        document.getElementById("assistant-gaps").replaceChildren(...saved.gaps.map((g) => el("li", { text: `${g.department}은(는) '${g.kb}'을(를) 열람할 수 없습니다.` })));
        state.editing = saved;
        toast("저장했습니다. 공유 부서 중 지식베이스를 열람할 수 없는 곳이 있습니다.", true);
      } else { dialog.close(); toast("저장했습니다."); }
      await load();
    } catch (err) { fail(err); }
  });

  async function remove(a) {
    if (!confirm(`'${a.name}' 도우미를 지울까요? 지식베이스와 문서는 그대로 남습니다.`)) return;
    try { await api("DELETE", `/api/assistants/${a.id}`); toast("도우미를 지웠습니다."); await load(); } catch (e) { fail(e); }
  }

  document.getElementById("new-assistant")?.addEventListener("click", () => openForm(null));
  filterEl.addEventListener("input", render);
  load().catch(fail);
})();
