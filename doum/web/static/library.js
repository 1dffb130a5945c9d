// The shared prompt / use-case library: search and filter, like, copy into one's own,
// share a prompt, a write-up or a template. Keyboard: / search · N share.
"use strict";
(() => {
  const { api, el, fail, toast, formatDate, classLabels } = doum;
  const $ = (id) => document.getElementById(id);
  const state = { editing: null, me: null };

  function query() {
    const params = new URLSearchParams();
    const q = $("library-q").value.trim();
    if (q) params.set("q", q);
    if ($("library-category").value) params.set("category", $("library-category").value);
    if ($("library-kind").value) params.set("kind", $("library-kind").value);
    if ($("library-mine").checked) params.set("mine", "true");
    params.set("order", $("library-order").value);
    return params.toString();
  }

  async function load() {
    const data = await api("GET", "/api/library?" + query());
    const list = $("library-list");
    list.replaceChildren(...data.items.map(card));
    if (!data.items.length) list.append(el("p", { class: "muted", text: "찾는 활용 사례가 없습니다. 처음으로 공유해 보세요." }));
    document.querySelectorAll(".chip").forEach((c) => c.setAttribute("aria-pressed", c.dataset.category === $("library-category").value ? "true" : "false"));
  }

  function card(item) {
    const body = el("div", { class: "item-body" });
    if (item.body) body.innerHTML = markdown.render(item.body);
    const likeButton = el("button", { type: "button", class: "btn small like" + (item.liked ? " liked" : ""), "aria-pressed": item.liked ? "true" : "false",
      title: item.liked ? "좋아요 취소" : "좋아요", text: `♥ ${item.like_count}`, onclick: () => like(item) });
    const actions = el("div", { class: "card-actions" }, likeButton,
      el("button", { type: "button", class: "btn small", text: item.kind === "template" ? "내 템플릿으로 복사" : "내 것으로 복사", onclick: () => copy(item) }));
    if (item.kind === "prompt") actions.append(el("button", { type: "button", class: "btn small", text: "프롬프트 복사", onclick: () => copyText(item.body) }));
    if (item.owner_id === state.me) {
      actions.append(el("button", { type: "button", class: "btn btn-ghost small", text: "고치기", onclick: () => open(item) }));
      actions.append(el("button", { type: "button", class: "btn btn-ghost small btn-danger", text: "삭제", onclick: () => remove(item) }));
    }
    return el("article", { class: "card library-item", "data-id": item.id },
      el("div", { class: "row" },
        el("h2", { class: "item-title", text: item.title }),
        el("span", { class: "item-badges" },
          el("span", { class: "badge cat", text: item.category }),
          el("span", { class: "badge", text: item.kind_label }),
          el("span", { class: "badge " + item.data_class, text: classLabels[item.data_class] }),
          el("span", { class: "badge vis", text: item.visibility_label }))),
      item.summary ? el("p", { class: "item-summary", text: item.summary }) : null,
      el("details", {}, el("summary", { text: "내용 보기" }), body),
      el("div", { class: "row small muted" },
        el("span", { text: `${item.author}${item.department ? " · " + item.department : ""} · ${formatDate(item.created_at)} · 복사 ${item.copy_count}회` }),
        el("span", { text: item.tags.map((t) => "#" + t).join(" ") })),
      actions);
  }

  async function like(item) {
    try { await api("POST", `/api/library/${item.id}/like`, { liked: !item.liked }); await load(); } catch (e) { fail(e); }
  }
  async function copy(item) {
    try {
      const result = await api("POST", `/api/library/${item.id}/copy`);
      if (result.kind === "template") { toast("내 템플릿으로 복사했습니다. 초안 작성에서 쓸 수 있습니다."); }
      else toast("내 활용 사례(나만 보기)로 복사했습니다.");
      await load();
    } catch (e) { fail(e); }
  }
  async function copyText(text) {
    try {
      if (navigator.clipboard && window.isSecureContext) await navigator.clipboard.writeText(text);
      else { const area = el("textarea", {}); area.value = text; document.body.append(area); area.select(); document.execCommand("copy"); area.remove(); }
      toast("프롬프트를 복사했습니다. 대화 창에 붙여 쓰세요.");
    } catch (e) { fail(e); }
  }
  async function remove(item) {
    if (!confirm(`'${item.title}'을(를) 삭제할까요?`)) return;
    try { await api("DELETE", "/api/library/" + item.id); await load(); } catch (e) { fail(e); }
  }

  // --- share / edit --------------------------------------------------------------------------
  const dialog = $("item-dialog"), form = $("item-form");
  async function loadTemplateChoices() {
    const data = await api("GET", "/api/drafting/templates");
    form.elements.template_id.replaceChildren(...data.templates.map((t) => el("option", { value: t.id, text: `${t.name} (${t.scope_label})` })));
  }
  function syncKind() {
    const isTemplate = form.elements.kind.value === "template";
    form.querySelector(".template-pick").hidden = !isTemplate || Boolean(state.editing);
  }
  form.elements.kind.addEventListener("change", syncKind);
  async function open(item) {
    state.editing = item;
    form.reset();
    await loadTemplateChoices();
    if (item) {
      for (const key of ["kind", "category", "visibility", "data_class", "title", "summary", "body"]) form.elements[key].value = item[key];
      form.elements.tags.value = item.tags.join(", ");
    }
    form.elements.kind.disabled = Boolean(item);
    syncKind();
    $("item-title").textContent = item ? "활용 사례 고치기" : "공유하기";
    dialog.showModal();
  }
  form.addEventListener("submit", async (e) => {
    if (e.submitter?.value !== "save") return;
    e.preventDefault();
    const f = form.elements;
    const body = { category: f.category.value, visibility: f.visibility.value, data_class: f.data_class.value, title: f.title.value.trim(),
      summary: f.summary.value.trim(), body: f.body.value, tags: f.tags.value.split(",").map((t) => t.trim()).filter(Boolean) };
    try {
      if (state.editing) await api("PATCH", "/api/library/" + state.editing.id, body);
      else {
        body.kind = f.kind.value;
        if (body.kind === "template") body.template_id = f.template_id.value;
        await api("POST", "/api/library", body);
      }
      dialog.close();
      toast("공유했습니다.");
      await load();
    } catch (err) { fail(err); }
  });
  $("new-item").addEventListener("click", () => open(null).catch(fail));

  // --- filters and keys ------------------------------------------------------------------------
  let timer;
  $("library-q").addEventListener("input", () => { clearTimeout(timer); timer = setTimeout(() => load().catch(fail), 250); });
  ["library-category", "library-kind", "library-order", "library-mine"].forEach((id) => $(id).addEventListener("change", () => load().catch(fail)));
  $("library-filter").addEventListener("submit", (e) => { e.preventDefault(); load().catch(fail); });
  document.querySelectorAll(".chip").forEach((chip) => chip.addEventListener("click", () => { $("library-category").value = chip.dataset.category; load().catch(fail); }));
  document.addEventListener("keydown", (e) => {
    if (e.target.closest("input, textarea, select, dialog")) return;
    if (e.key === "/") { e.preventDefault(); $("library-q").focus(); }
    else if (e.key.toLowerCase() === "n") { e.preventDefault(); open(null).catch(fail); }
  });

  (async () => {
    try {
      state.me = (await api("GET", "/api/me")).id;
      await load();
    } catch (e) { fail(e); }
  })();
})();
