// The chat screen: conversation list, streamed answers (SSE over fetch), stop,
// regenerate, rename, delete, search. Keyboard: Enter send · Shift+Enter newline ·
// Esc stop · Ctrl+K search · Ctrl+Shift+O new conversation.
"use strict";
(() => {
  const { api, el, fail, toast, formatDate, classLabels } = doum;
  const layout = document.querySelector(".chat-layout");
  const listEl = document.getElementById("conv-list");
  const messagesEl = document.getElementById("messages");
  const promptEl = document.getElementById("prompt");
  const sendBtn = document.getElementById("send");
  const stopBtn = document.getElementById("stop");
  const modelSelect = document.getElementById("model-select");
  const classSelect = document.getElementById("class-select");
  const titleEl = document.getElementById("conv-title");
  const searchEl = document.getElementById("conv-search");
  const demoNotice = document.getElementById("demo-notice");

  const state = { conversationId: layout.dataset.conversation || null, controller: null, streaming: false, models: [] };
  classSelect.value = layout.dataset.defaultClass || "S";

  // --- models -------------------------------------------------------------------------
  async function loadModels() {
    const data = await api("GET", "/api/models");
    state.models = data.models;
    modelSelect.replaceChildren(...data.models.map((m) =>
      el("option", { value: m.name, text: `${m.label}${m.location === "external" ? " · 외부" : ""}` })));
    modelSelect.value = data.default;
    if (data.demo_notice) { demoNotice.textContent = data.demo_notice; demoNotice.hidden = false; }
  }

  // --- conversation list ----------------------------------------------------------------
  async function loadList() {
    const q = searchEl.value.trim();
    const data = await api("GET", "/api/conversations" + (q ? "?q=" + encodeURIComponent(q) : ""));
    listEl.replaceChildren(...data.conversations.map(listItem));
    if (!data.conversations.length) listEl.append(el("li", { class: "muted", text: q ? "검색 결과가 없습니다." : "대화가 없습니다." }));
  }

  function listItem(c) {
    const li = el("li", { "data-id": c.id, class: c.id === state.conversationId ? "active" : "" },
      el("a", { href: "/c/" + c.id, title: `${c.title} (${formatDate(c.updated_at)})`, onclick: (e) => { e.preventDefault(); openConversation(c.id); } },
        el("span", { class: "badge " + c.data_class, text: c.data_class }), c.title),
      el("span", { class: "conv-actions" },
        el("button", { type: "button", title: "이름 바꾸기", "aria-label": `${c.title} 이름 바꾸기`, onclick: () => rename(c), text: "✎" }),
        el("button", { type: "button", title: "삭제", "aria-label": `${c.title} 삭제`, onclick: () => remove(c), text: "🗑" })));
    return li;
  }

  async function rename(c) {
    const title = prompt("대화 제목", c.title);
    if (title === null || !title.trim()) return;
    try {
      await api("PATCH", "/api/conversations/" + c.id, { title: title.trim() });
      if (c.id === state.conversationId) titleEl.textContent = title.trim();
      await loadList();
    } catch (e) { fail(e); }
  }

  async function remove(c) {
    if (!confirm(`'${c.title}' 대화를 삭제할까요? 삭제한 대화는 되돌릴 수 없습니다.`)) return;
    try {
      await api("DELETE", "/api/conversations/" + c.id);
      if (c.id === state.conversationId) newConversation();
      await loadList();
      toast("대화를 삭제했습니다.");
    } catch (e) { fail(e); }
  }

  // --- messages ---------------------------------------------------------------------------
  function messageNode(m) {
    const bubble = el("div", { class: "bubble" });
    if (m.role === "assistant") bubble.innerHTML = markdown.render(m.content || "");
    else bubble.textContent = m.content;
    const node = el("article", { class: `msg ${m.role}${m.status === "error" ? " error" : ""}`, "data-id": m.id || "" }, bubble, el("div", { class: "meta" }));
    const grounding = m.meta && m.meta.grounding;
    if (m.role === "assistant" && grounding) {
      const sources = m.meta.sources || [];
      chatGrounding.panel(node, m.id, sources, grounding);
      chatGrounding.linkify(bubble, m.id, sources.length);
      chatGrounding.citationNotes(node, grounding.citations);
    }
    renderMeta(node, m);
    return node;
  }

  function renderMeta(node, m) {
    const meta = node.querySelector(".meta");
    meta.replaceChildren();
    if (m.role !== "assistant") return;
    const labels = { stopped: "생성 중지됨", error: "오류" };
    if (m.model) meta.append(el("span", { text: modelLabel(m.model) }));
    const mode = (m.grounding || (m.meta && m.meta.grounding) || {}).mode;
    if (!m.model && mode === "sources_first") meta.append(el("span", { text: "근거 우선 (모델 사용 안 함)" }));
    if (!m.model && mode === "none") meta.append(el("span", { text: "근거 없음 (모델 사용 안 함)" }));
    if (m.status && labels[m.status]) meta.append(el("span", { text: labels[m.status] }));
    if (m.completion_tokens) meta.append(el("span", { text: `${m.completion_tokens} 토큰 · ${(m.latency_ms / 1000).toFixed(1)}초` }));
    if (m.data_class) meta.append(el("span", { class: "badge " + m.data_class, text: classLabels[m.data_class] || m.data_class }));
    const privacy = m.privacy || (m.meta && m.meta.privacy);
    if (privacy && privacy.location) meta.append(privacyNote(privacy));
    meta.append(el("button", { type: "button", text: "복사", onclick: () => copy(node) }));
    meta.append(el("button", { type: "button", class: "regen", text: "다시 생성", onclick: regenerate }));
  }

  function privacyNote(privacy) {
    const where = privacy.location === "external" ? "외부 모델로 전송" : "내부망 모델로 처리";
    const masking = privacy.masking || {};
    const types = (masking.types || []).map((t) => `${t.name} ${t.count}`).join(", ");
    const text = privacy.masked
      ? (masking.total ? `${where} · 개인정보 ${masking.total}건 가림 (${types})` : `${where} · 가릴 개인정보 없음`)
      : where;
    return el("span", { class: "privacy-note", title: "전송 전에 가린 개인정보는 답변에서 원래 값으로 되돌려 보여 줍니다.", text });
  }

  const modelLabel = (name) => (state.models.find((m) => m.name === name) || { label: name }).label;

  function copy(node) {
    const text = node.dataset.raw ?? node.querySelector(".bubble").innerText;
    navigator.clipboard?.writeText(text).then(() => toast("복사했습니다."), () => toast("복사하지 못했습니다.", true));
  }

  function showEmpty(show) {
    const empty = document.getElementById("empty-state");
    if (empty) empty.hidden = !show;
  }

  function updateRegenerateButtons() {
    const nodes = messagesEl.querySelectorAll(".msg.assistant");
    nodes.forEach((n, i) => { const b = n.querySelector(".regen"); if (b) b.hidden = i !== nodes.length - 1 || state.streaming; });
  }

  async function openConversation(id, push = true) {
    if (state.streaming) stop();
    try {
      const data = await api("GET", "/api/conversations/" + id);
      state.conversationId = id;
      titleEl.textContent = data.conversation.title;
      classSelect.value = data.conversation.data_class;
      if (data.conversation.model && state.models.some((m) => m.name === data.conversation.model)) modelSelect.value = data.conversation.model;
      messagesEl.querySelectorAll(".msg").forEach((n) => n.remove());
      showEmpty(!data.messages.length);
      for (const m of data.messages) { const n = messageNode(m); n.dataset.raw = m.content; messagesEl.append(n); }
      chatGrounding.restore(data.messages);
      updateRegenerateButtons();
      messagesEl.scrollTop = messagesEl.scrollHeight;
      if (push) history.pushState({ id }, "", "/c/" + id);
      listEl.querySelectorAll("li").forEach((li) => li.classList.toggle("active", li.dataset.id === id));
      promptEl.focus();
    } catch (e) {
      fail(e);
      if (e.status === 404) newConversation();
    }
  }

  function newConversation() {
    if (state.streaming) stop();
    state.conversationId = null;
    titleEl.textContent = "새 대화";
    classSelect.value = layout.dataset.defaultClass || "S";
    messagesEl.querySelectorAll(".msg").forEach((n) => n.remove());
    showEmpty(true);
    history.pushState({}, "", "/");
    listEl.querySelectorAll("li").forEach((li) => li.classList.remove("active"));
    promptEl.focus();
  }

  // --- streaming ------------------------------------------------------------------------
  async function* sseEvents(response) {
    const reader = response.body.getReader();
    const decoder = new TextDecoder();
    let buffer = "";
    while (true) {
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

  function setStreaming(on) {
    state.streaming = on;
    stopBtn.hidden = !on;
    sendBtn.disabled = on;
    messagesEl.setAttribute("aria-busy", on ? "true" : "false");
    updateRegenerateButtons();
  }

  async function run(body, userText) {
    showEmpty(false);
    if (userText !== null) messagesEl.append(messageNode({ role: "user", content: userText }));
    const node = messageNode({ role: "assistant", content: "" });
    const bubble = node.querySelector(".bubble");
    bubble.classList.add("cursor");
    messagesEl.append(node);
    messagesEl.scrollTop = messagesEl.scrollHeight;
    const controller = new AbortController();
    state.controller = controller;
    setStreaming(true);
    let text = "", pending = false, finished = null, started = null;
    const paint = () => {
      pending = false;
      const nearBottom = messagesEl.scrollHeight - messagesEl.scrollTop - messagesEl.clientHeight < 80;
      bubble.innerHTML = markdown.render(text);
      if (started) chatGrounding.linkify(bubble, started.assistant_message_id, started.sources.length);
      if (nearBottom) messagesEl.scrollTop = messagesEl.scrollHeight;
    };
    try {
      const response = await fetch("/api/chat", {
        method: "POST", signal: controller.signal, credentials: "same-origin",
        headers: { "Content-Type": "application/json", "Accept": "text/event-stream", "X-CSRF-Token": doum.csrf() },
        body: JSON.stringify(body),
      });
      if (!response.ok) {
        const data = await response.json().catch(() => ({}));
        throw new doum.ApiError(data.error?.code || "internal.error", data.error?.message || "요청을 처리하지 못했습니다.", response.status);
      }
      for await (const { event, data } of sseEvents(response)) {
        if (event === "start") {
          const isNew = state.conversationId !== data.conversation_id;
          state.conversationId = data.conversation_id;
          node.dataset.id = data.assistant_message_id;
          titleEl.textContent = data.title;
          for (const notice of data.notices) node.insertBefore(el("div", { class: "notice warn", role: "note", text: notice }), bubble);
          started = data;
          if (data.data_class && data.data_class !== classSelect.value && "OSC".indexOf(data.data_class) > "OSC".indexOf(classSelect.value)) classSelect.value = data.data_class;
          chatGrounding.panel(node, data.assistant_message_id, data.sources, data.grounding);
          if (isNew) { history.pushState({ id: data.conversation_id }, "", "/c/" + data.conversation_id); loadList(); }
        } else if (event === "delta") {
          text += data.text;
          if (!pending) { pending = true; requestAnimationFrame(paint); }
        } else if (event === "done") {
          finished = { role: "assistant", status: data.status, model: data.model, completion_tokens: data.completion_tokens, latency_ms: data.latency_ms, data_class: started ? started.data_class : classSelect.value, privacy: data.privacy, grounding: started && started.grounding };
          chatGrounding.citationNotes(node, data.citations);
        } else if (event === "error") {
          node.classList.add("error");
          text = text ? text + "\n\n" : "";
          bubble.classList.remove("cursor");
          bubble.textContent = (text ? text : "") + data.message;
          finished = { role: "assistant", status: "error" };
          node.dataset.code = data.code;
        }
      }
    } catch (e) {
      if (e.name === "AbortError") finished = { role: "assistant", status: "stopped", model: modelSelect.value };
      else { node.classList.add("error"); bubble.textContent = e.message; finished = { role: "assistant", status: "error" }; }
    } finally {
      bubble.classList.remove("cursor");
      if (!node.classList.contains("error")) paint();
      node.dataset.raw = text;
      state.controller = null;
      setStreaming(false);
      renderMeta(node, finished || { role: "assistant" });
      updateRegenerateButtons();
      loadList();
    }
  }

  function send() {
    const text = promptEl.value;
    if (!text.trim() || state.streaming) return;
    promptEl.value = "";
    autoresize();
    run({ text, conversation_id: state.conversationId, model: modelSelect.value, data_class: classSelect.value, ...chatGrounding.request() }, text);
  }

  function regenerate() {
    if (!state.conversationId || state.streaming) return;
    const nodes = messagesEl.querySelectorAll(".msg.assistant");
    nodes[nodes.length - 1]?.remove();
    run({ conversation_id: state.conversationId, model: modelSelect.value, regenerate: true, ...chatGrounding.request() }, null);
  }

  function stop() { state.controller?.abort(); }

  function autoresize() { promptEl.style.height = "auto"; promptEl.style.height = Math.min(promptEl.scrollHeight, window.innerHeight * 0.4) + "px"; }

  // --- wiring -------------------------------------------------------------------------------
  document.getElementById("composer").addEventListener("submit", (e) => { e.preventDefault(); send(); });
  promptEl.addEventListener("keydown", (e) => {
    if (e.key === "Enter" && !e.shiftKey && !e.isComposing) { e.preventDefault(); send(); }
  });
  promptEl.addEventListener("input", autoresize);
  stopBtn.addEventListener("click", stop);
  document.getElementById("new-chat").addEventListener("click", newConversation);
  classSelect.addEventListener("change", async () => {
    if (!state.conversationId) return;
    try { await api("PATCH", "/api/conversations/" + state.conversationId, { data_class: classSelect.value }); loadList(); }
    catch (e) { fail(e); }
  });
  let searchTimer;
  searchEl.addEventListener("input", () => { clearTimeout(searchTimer); searchTimer = setTimeout(() => loadList().catch(fail), 250); });
  document.addEventListener("keydown", (e) => {
    if (e.key === "Escape" && state.streaming) { e.preventDefault(); stop(); }
    else if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === "k") { e.preventDefault(); searchEl.focus(); }
    else if ((e.ctrlKey || e.metaKey) && e.shiftKey && e.key.toLowerCase() === "o") { e.preventDefault(); newConversation(); }
  });
  window.addEventListener("popstate", () => {
    const match = location.pathname.match(/^\/c\/([0-9a-f]+)/);
    if (match) openConversation(match[1], false); else newConversation();
  });

  (async () => {
    // The conversation in the address at load: a message sent while the page was still
    // loading sets state.conversationId to its new conversation, which must not be
    // reopened (that would stop its stream).
    const initial = state.conversationId;
    try {
      await loadModels();
      await chatGrounding.load();
      await loadList();
      if (initial && state.conversationId === initial && !state.streaming) await openConversation(initial, false);
      else if (!initial) promptEl.focus();
    } catch (e) { fail(e); }
  })();
})();
