// My settings: API tokens and password.
"use strict";
(() => {
  const { api, el, fail, toast, formatDate } = doum;

  async function loadTokens() {
    const tokens = (await api("GET", "/api/tokens")).tokens;
    document.querySelector("#tokens-table tbody").replaceChildren(...tokens.map((t) => el("tr", {},
      el("td", { text: t.name }), el("td", {}, el("code", { text: t.prefix + "…" })), el("td", { text: formatDate(t.created_at) }),
      el("td", { text: formatDate(t.last_used_at) }), el("td", { text: t.expires_at ? formatDate(t.expires_at) : "무기한" }),
      el("td", { text: t.revoked ? "폐기됨" : "사용 중" }),
      el("td", {}, t.revoked ? null : el("button", { class: "btn btn-ghost btn-danger", type: "button", text: "폐기", onclick: async () => {
        if (!confirm(`'${t.name}' 토큰을 폐기할까요? 이 토큰을 쓰는 시스템은 더 이상 호출할 수 없습니다.`)) return;
        try { await api("DELETE", "/api/tokens/" + t.id); toast("폐기했습니다."); await loadTokens(); } catch (e) { fail(e); }
      } })))));
  }

  document.getElementById("token-form").addEventListener("submit", async (e) => {
    e.preventDefault();
    const data = Object.fromEntries(new FormData(e.target).entries());
    const body = { name: data.name };
    if (data.expires_days) body.expires_days = Number(data.expires_days);
    try {
      const result = await api("POST", "/api/tokens", body);
      const box = document.getElementById("new-token");
      box.replaceChildren("새 토큰 (지금 한 번만 보입니다): ", el("code", { text: result.token }));
      box.hidden = false;
      e.target.reset();
      await loadTokens();
    } catch (err) { fail(err); }
  });

  document.getElementById("password-form").addEventListener("submit", async (e) => {
    e.preventDefault();
    try { await api("POST", "/api/me/password", Object.fromEntries(new FormData(e.target).entries())); toast("비밀번호를 바꿨습니다."); e.target.reset(); }
    catch (err) { fail(err); }
  });

  loadTokens().catch(fail);
})();
