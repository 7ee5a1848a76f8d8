// The submission page: watches the submission over the API's WebSocket (falling back to
// polling) and shows each state as it arrives: progress, verdict, tests, sample diffs, and the
// checker's messages the API lets this visitor see (for the team; for the judges, admins only).
"use strict";
(function () {
  const { api, ms, mib, showVerdict, socket } = window.coderank;
  const root = document.getElementById("submission");
  if (!root) return;
  const id = root.dataset.id;
  const byId = (name) => document.getElementById(name);

  function element(tag, attributes, text) {
    const node = document.createElement(tag);
    Object.entries(attributes || {}).forEach(([key, value]) => node.setAttribute(key, value));
    if (text !== undefined && text !== null) node.textContent = text;
    return node;
  }

  function diffBlock(diff) {
    const pre = element("pre", { class: "diff" });
    diff.split("\n").forEach((line) => {
      const kind = line.startsWith("+") && !line.startsWith("+++") ? "add" : line.startsWith("-") && !line.startsWith("---") ? "del" : "";
      pre.appendChild(element("span", kind ? { class: kind } : {}, line + "\n"));
    });
    return pre;
  }

  function show(view) {
    root.dataset.status = view.status;
    showVerdict(byId("verdict"), view);
    byId("time").textContent = ms(view.time_ms);
    byId("memory").textContent = mib(view.memory_kb);
    const wrap = byId("progress-wrap");
    wrap.hidden = view.status === "finished";
    if (view.tests_total) {
      byId("progress").max = view.tests_total;
      byId("progress").value = view.tests_done;
      byId("progress-text").textContent = view.status + ": " + view.tests_done + " of " + view.tests_total + " tests";
    } else {
      byId("progress").removeAttribute("value");
      byId("progress-text").textContent = view.status;
    }
    if (!byId("tests-card")) return;
    if (view.compile_output && (view.verdict === "CE" || view.compile_output.trim())) {
      byId("compile").hidden = false;
      byId("compile-output").textContent = view.compile_output;
    }
    if (view.source !== undefined) {
      byId("source-card").hidden = false;
      byId("source").textContent = view.source;
    }
    const tests = view.tests || [];
    byId("tests-card").hidden = tests.length === 0;
    const body = byId("tests").querySelector("tbody");
    body.replaceChildren();
    const samples = byId("samples");
    samples.replaceChildren();
    const messages = byId("messages");
    messages.replaceChildren();
    tests.forEach((test) => {
      const row = element("tr");
      row.appendChild(element("td", {}, test.index));
      row.appendChild(element("td", {}, test.name || ""));
      const cell = element("td");
      cell.appendChild(element("span", { class: "verdict v-" + String(test.verdict).toLowerCase() }, test.verdict));
      row.appendChild(cell);
      row.appendChild(element("td", {}, ms(test.time_ms)));
      row.appendChild(element("td", {}, mib(test.memory_kb)));
      body.appendChild(row);
      if (test.sample && test.verdict !== "AC") {
        const box = element("div", { class: "sample-result", "data-test": test.index });
        box.appendChild(element("h3", {}, "Test " + test.index + " (" + (test.name || "sample") + "): " + test.verdict));
        box.appendChild(element("h4", {}, "Input"));
        box.appendChild(element("pre", { class: "sample-input" }, test.sample.input));
        box.appendChild(element("h4", {}, "Expected output"));
        box.appendChild(element("pre", { class: "sample-expected" }, test.sample.expected));
        box.appendChild(element("h4", {}, "Your output"));
        box.appendChild(element("pre", { class: "sample-output" }, test.sample.output || ""));
        if (test.sample.diff) {
          box.appendChild(element("h4", {}, "Difference"));
          box.appendChild(diffBlock(test.sample.diff));
        }
        if (test.sample.stderr) {
          box.appendChild(element("h4", {}, "Standard error"));
          box.appendChild(element("pre", {}, test.sample.stderr));
        }
        samples.appendChild(box);
      }
      if (test.team_message || test.judge_message) {
        const box = element("div", { class: "sample-result checker-messages", "data-test": test.index });
        box.appendChild(element("h3", {}, "Test " + test.index + (test.name ? " (" + test.name + ")" : "") + ": the checker says"));
        if (test.team_message) {
          box.appendChild(element("h4", {}, "Message for the team"));
          box.appendChild(element("pre", { class: "team-message" }, test.team_message));
        }
        if (test.judge_message) {
          box.appendChild(element("h4", {}, "Message for the judges (admins only)"));
          box.appendChild(element("pre", { class: "judge-message" }, test.judge_message));
        }
        messages.appendChild(box);
      }
    });
  }

  async function poll() {
    for (;;) {
      try {
        const { data } = await api("GET", "/api/v1/submissions/" + id);
        show(data);
        if (data.status === "finished") return;
      } catch (_) { /* try again */ }
      await new Promise((resolve) => setTimeout(resolve, 2000));
    }
  }

  function watch() {
    const connection = socket("/api/v1/submissions/" + id + "/ws");
    let finished = false;
    connection.addEventListener("message", (event) => {
      const view = JSON.parse(event.data);
      show(view);
      finished = view.status === "finished";
    });
    // A connection lost before the verdict falls back to polling.
    connection.addEventListener("close", () => { if (!finished) poll(); });
  }

  // The socket sends the current state first, so the page fills in at once.
  watch();

  const rejudge = byId("rejudge");
  if (rejudge) {
    rejudge.addEventListener("click", async () => {
      rejudge.disabled = true;
      try {
        await api("POST", "/api/v1/submissions/" + id + "/rejudge");
        watch();
      } finally {
        rejudge.disabled = false;
      }
    });
  }
})();
