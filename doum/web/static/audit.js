// Audit log screen: filter, page, verify the hash chain, export CSV.
"use strict";
(() => {
  const { api, el, fail, formatDate, classLabels } = doum;
  const form = document.getElementById("audit-filter");
  const tbody = document.querySelector("#audit-table tbody");
  const more = document.getElementById("more");
  let lastSeq = null;
  const outcomes = { success: "성공", failure: "실패", stopped: "중지", error: "오류" };

  function detailsNode(details) {
    const keys = Object.keys(details || {});
    if (!keys.length) return "-";
    const preview = keys.slice(0, 3).map((k) => `${k}: ${String(typeof details[k] === "object" ? JSON.stringify(details[k]) : details[k]).slice(0, 40)}`).join(" · ");
    return el("details", {}, el("summary", { text: preview }), el("pre", { text: JSON.stringify(details, null, 2) }));
  }

  const params = () => {
    const p = new URLSearchParams();
    for (const [k, v] of new FormData(form).entries()) if (v) p.set(k, v);
    return p;
  };

  async function load(append) {
    const p = params();
    if (append && lastSeq !== null) p.set("before", lastSeq);
    const records = (await api("GET", "/api/audit?" + p.toString())).records;
    const rows = records.map((r) => el("tr", { "data-seq": r.seq },
      el("td", { class: "nowrap", text: String(r.seq) }), el("td", { class: "nowrap", text: formatDate(r.occurred_at) }),
      el("td", { class: "nowrap", text: r.actor || "-" }),
      el("td", {}, el("code", { text: r.action })), el("td", { class: "target", text: r.target_type ? `${r.target_type}:${r.target_id}` : "-" }),
      el("td", { class: "nowrap", text: outcomes[r.outcome] || r.outcome }), el("td", { class: "nowrap", text: r.data_class ? classLabels[r.data_class] : "-" }),
      el("td", { class: "nowrap", text: r.ip || "-" }),
      el("td", { class: "details" }, detailsNode(r.details))));
    if (append) tbody.append(...rows); else tbody.replaceChildren(...rows);
    lastSeq = records.length ? records[records.length - 1].seq : lastSeq;
    more.hidden = records.length < 100;
    document.getElementById("export-csv").href = "/api/audit/export.csv?" + params().toString();
  }

  form.addEventListener("submit", (e) => { e.preventDefault(); lastSeq = null; load(false).catch(fail); });
  more.addEventListener("click", () => load(true).catch(fail));
  document.getElementById("verify").addEventListener("click", async () => {
    const box = document.getElementById("verify-result");
    box.hidden = false;
    box.className = "notice";
    box.textContent = "검증 중…";
    try {
      const r = await api("GET", "/api/audit/verify");
      box.className = "notice " + (r.ok ? "ok" : "error");
      box.textContent = r.ok
        ? `무결성 확인: #${r.first_seq}–#${r.last_seq} 기록 ${r.checked.toLocaleString()}건이 모두 정상입니다.`
        : `무결성 검증 실패 (${r.problems.length}건): ` + r.problems.map((p) => p.description).join(" / ");
    } catch (e) { fail(e); box.hidden = true; }
  });
  const reviewForm = document.getElementById("review-form");
  reviewForm.month.value = new Date().toISOString().slice(0, 7);
  reviewForm.addEventListener("submit", async (e) => {
    e.preventDefault();
    try {
      const r = await api("GET", "/api/audit/report?month=" + encodeURIComponent(reviewForm.month.value));
      const list = (title, items, render) => el("section", {}, el("h3", { text: `${title} (${items.length})` }),
        items.length ? el("ul", {}, ...items.slice(0, 20).map((i) => el("li", { text: render(i) }))) : el("p", { class: "muted", text: "없음" }));
      document.getElementById("review-result").replaceChildren(
        el("p", { text: `${r.month} 기록 ${r.total.toLocaleString()}건 · 결과별 ${Object.entries(r.by_outcome).map(([k, v]) => `${outcomes[k] || k} ${v}`).join(", ") || "-"} · 계정 잠김 ${r.lockouts}건` }),
        list("로그인 실패", r.failed_logins, (f) => `${f.username || "-"} (${f.ip || "-"}) ${f.count}회`),
        list("업무시간 외·휴일 접근", r.after_hours, (a) => `${a.actor} ${a.count}건`),
        list("대량 이용", r.bulk_users, (a) => `${a.actor} ${a.count}건`),
        list("관리·내보내기 등 주요 작업", r.sensitive, (s) => `#${s.seq} ${formatDate(s.occurred_at)} ${s.actor} ${s.action} ${s.target}`));
    } catch (err) { fail(err); }
  });
  load(false).catch(fail);
})();
