// Administration screen: users, departments, groups, model status.
"use strict";
(() => {
  const { api, el, fail, toast, formatDate } = doum;
  const roleLabels = Object.fromEntries(JSON.parse(document.querySelector("[data-roles]").dataset.roles));
  let departments = [];

  document.querySelectorAll(".tabs button").forEach((tab) => tab.addEventListener("click", () => {
    document.querySelectorAll(".tabs button").forEach((t) => t.setAttribute("aria-selected", t === tab ? "true" : "false"));
    document.querySelectorAll(".tab-panel").forEach((p) => { p.hidden = p.id !== "tab-" + tab.dataset.tab; });
    if (tab.dataset.tab === "models") loadModels().catch(fail);
    if (tab.dataset.tab === "groups") loadGroups().catch(fail);
    if (tab.dataset.tab === "policy") loadPolicy().catch(fail);
  }));

  const formData = (form) => Object.fromEntries(new FormData(form).entries());

  async function loadDepartments() {
    departments = (await api("GET", "/api/admin/departments")).departments;
    const options = () => [el("option", { value: "", text: "(없음)" }), ...departments.map((d) => el("option", { value: d.name, text: d.name }))];
    document.getElementById("user-dept").replaceChildren(...options());
    document.getElementById("dept-parent").replaceChildren(...options());
    document.querySelector("#depts-table tbody").replaceChildren(...departments.map((d) => el("tr", {},
      el("td", { text: d.name }), el("td", { text: d.code || "-" }), el("td", { text: String(d.members) }),
      el("td", {}, el("button", { class: "btn btn-ghost btn-danger", type: "button", text: "삭제", onclick: async () => {
        if (!confirm(`'${d.name}' 부서를 삭제할까요?`)) return;
        try { await api("DELETE", "/api/admin/departments/" + d.id); toast("삭제했습니다."); await loadDepartments(); } catch (e) { fail(e); }
      } })))));
  }

  async function loadUsers() {
    const q = document.getElementById("user-search").value.trim();
    const users = (await api("GET", "/api/admin/users" + (q ? "?q=" + encodeURIComponent(q) : ""))).users;
    document.querySelector("#users-table tbody").replaceChildren(...users.map(userRow));
  }

  function userRow(u) {
    const status = !u.is_active ? "사용 중지" : u.locked ? "잠김" : "사용";
    return el("tr", { "data-username": u.username },
      el("td", { text: u.username }), el("td", { text: u.display_name }), el("td", { text: u.department || "-" }),
      el("td", { text: u.roles.map((r) => roleLabels[r] || r).join(", ") }), el("td", { text: status }),
      el("td", { text: formatDate(u.last_login_at) }),
      el("td", {},
        el("button", { class: "btn btn-ghost", type: "button", text: u.is_active ? "중지" : "재개", onclick: () => update(u, { is_active: !u.is_active }) }),
        el("button", { class: "btn btn-ghost", type: "button", text: "역할", onclick: () => {
          const value = prompt("역할 (쉼표로 구분): " + Object.keys(roleLabels).join(", "), u.roles.join(", "));
          if (value !== null) update(u, { roles: value.split(",").map((s) => s.trim()).filter(Boolean) });
        } }),
        el("button", { class: "btn btn-ghost", type: "button", text: "부서", onclick: () => {
          const value = prompt("부서명 (비우면 소속 없음)", u.department);
          if (value !== null) update(u, { department: value.trim() });
        } }),
        el("button", { class: "btn btn-ghost", type: "button", text: "비밀번호 초기화", onclick: async () => {
          const password = prompt(`${u.username} 의 새 비밀번호 (10자 이상)`);
          if (!password) return;
          try { await api("POST", `/api/admin/users/${u.id}/password`, { password }); toast("비밀번호를 바꿨습니다."); } catch (e) { fail(e); }
        } })));
  }

  async function update(u, body) {
    try { await api("PATCH", "/api/admin/users/" + u.id, body); toast("변경했습니다."); await loadUsers(); await loadDepartments(); }
    catch (e) { fail(e); }
  }

  document.getElementById("user-form").addEventListener("submit", async (e) => {
    e.preventDefault();
    const form = e.target;
    const data = formData(form);
    data.roles = [...form.querySelectorAll('input[name="roles"]:checked')].map((c) => c.value);
    try { await api("POST", "/api/admin/users", data); toast(`${data.username} 사용자를 추가했습니다.`); form.reset(); await loadUsers(); await loadDepartments(); }
    catch (err) { fail(err); }
  });

  document.getElementById("dept-form").addEventListener("submit", async (e) => {
    e.preventDefault();
    try { await api("POST", "/api/admin/departments", formData(e.target)); toast("부서를 추가했습니다."); e.target.reset(); await loadDepartments(); }
    catch (err) { fail(err); }
  });

  async function loadGroups() {
    const groups = (await api("GET", "/api/admin/groups")).groups;
    document.querySelector("#groups-table tbody").replaceChildren(...groups.map((g) => el("tr", {}, el("td", { text: g.name }), el("td", { text: g.description }))));
  }

  document.getElementById("group-form").addEventListener("submit", async (e) => {
    e.preventDefault();
    const data = formData(e.target);
    data.members = (data.members || "").split(",").map((s) => s.trim()).filter(Boolean);
    try { await api("POST", "/api/admin/groups", data); toast("그룹을 추가했습니다."); e.target.reset(); await loadGroups(); }
    catch (err) { fail(err); }
  });

  async function loadModels() {
    const models = (await api("GET", "/api/admin/models")).models;
    document.querySelector("#models-table tbody").replaceChildren(...models.map((m) => el("tr", {},
      el("td", { text: m.label + (m.demo ? " (시험용)" : "") }), el("td", { text: m.backend }),
      el("td", { text: m.location === "internal" ? "내부망" : "외부" }), el("td", { text: m.allowed_classes.join(", ") }),
      el("td", { text: m.endpoints.length ? m.endpoints.map((e) => `${e.url} ${e.healthy ? "정상" : "장애"} (처리중 ${e.in_flight}, 처리 ${e.served}, 실패 ${e.failures})`).join("\n") : "-" }))));
  }

  async function loadPolicy() {
    const view = await api("GET", "/api/admin/privacy-policy");
    renderPolicy(view);
  }

  function renderPolicy(view) {
    const form = document.getElementById("policy-form");
    const policy = view.policy;
    document.querySelector("#policy-models tbody").replaceChildren(...view.models.map((m) => el("tr", { "data-model": m.name },
      el("td", { text: m.label }), el("td", { text: m.location === "internal" ? "내부망" : "외부" }),
      ...["C", "S", "O"].map((c) => el("td", {}, el("input", {
        type: "checkbox", "data-class": c, "aria-label": `${m.label} ${c}`,
        checked: m.effective_classes.includes(c), disabled: m.location === "external" && c !== "O",
      }))))));
    form.mask_internal.checked = policy.mask_internal;
    form.allow_reroute.checked = policy.allow_reroute;
    document.getElementById("policy-types").replaceChildren(el("legend", { text: "가릴 개인정보 유형 (모두 선택 해제 시 전체)" }),
      ...view.pii_types.map((t) => el("label", { class: "inline" },
        el("input", { type: "checkbox", name: "masked_types", value: t.type, checked: policy.masked_types.includes(t.type) }), " " + t.name)));
  }

  document.getElementById("policy-form").addEventListener("submit", async (e) => {
    e.preventDefault();
    const form = e.target;
    const modelClasses = {};
    form.querySelectorAll("#policy-models tr[data-model]").forEach((row) => {
      modelClasses[row.dataset.model] = [...row.querySelectorAll("input:checked")].map((i) => i.dataset.class);
    });
    const body = {
      model_classes: modelClasses,
      mask_internal: form.mask_internal.checked,
      allow_reroute: form.allow_reroute.checked,
      masked_types: [...form.querySelectorAll('input[name="masked_types"]:checked')].map((i) => i.value),
    };
    try { renderPolicy(await api("PUT", "/api/admin/privacy-policy", body)); toast("보안 정책을 저장했습니다."); }
    catch (err) { fail(err); }
  });

  let timer;
  document.getElementById("user-search").addEventListener("input", () => { clearTimeout(timer); timer = setTimeout(() => loadUsers().catch(fail), 250); });
  loadDepartments().then(loadUsers).catch(fail);
})();
