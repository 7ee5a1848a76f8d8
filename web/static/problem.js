// The problem page: the code editor (CodeMirror 5 when loaded, else a textarea where Tab
// indents), the remembered language and draft, submitting, and runs on custom input.
"use strict";
(function () {
  const { api, onSubmit, ms, mib } = window.coderank;
  const form = document.getElementById("submit-form");
  if (!form) return;
  const problem = form.dataset.problem;
  const picker = document.getElementById("language");
  const textarea = document.getElementById("source");
  const draftKey = "coderank.draft." + problem;
  const languageKey = "coderank.language";

  const remembered = localStorage.getItem(languageKey);
  if (remembered && picker.querySelector('option[value="' + CSS.escape(remembered) + '"]')) {
    picker.value = remembered;
  }
  textarea.value = localStorage.getItem(draftKey) || "";

  function mode() {
    const option = picker.selectedOptions[0];
    return option ? option.dataset.mode : "text/plain";
  }

  let editor;
  if (window.CodeMirror) {
    const cm = window.CodeMirror.fromTextArea(textarea, {
      lineNumbers: true, indentUnit: 4, tabSize: 4, mode: mode(), matchBrackets: true,
      extraKeys: {
        Tab: (instance) => instance.somethingSelected() ? instance.indentSelection("add") : instance.replaceSelection("    "),
        "Shift-Tab": (instance) => instance.indentSelection("subtract"),
        // Esc gives the keyboard back to the page, so Tab then moves focus on.
        Esc: (instance) => instance.getInputField().blur(),
      },
    });
    cm.getInputField().setAttribute("aria-label", "Source code");
    editor = { getValue: () => cm.getValue(), setValue: (text) => cm.setValue(text), onChange: (f) => cm.on("change", f), setMode: (m) => cm.setOption("mode", m) };
  } else {
    textarea.addEventListener("keydown", (event) => {
      if (event.key === "Tab" && !event.shiftKey && !event.ctrlKey && !event.altKey) {
        event.preventDefault();
        textarea.setRangeText("    ", textarea.selectionStart, textarea.selectionEnd, "end");
      }
    });
    editor = { getValue: () => textarea.value, setValue: (text) => { textarea.value = text; }, onChange: (f) => textarea.addEventListener("input", f), setMode: () => {} };
  }
  // Browser tests (and power users) set the source through this.
  window.coderankEditor = editor;
  editor.onChange(() => localStorage.setItem(draftKey, editor.getValue()));

  picker.addEventListener("change", () => {
    localStorage.setItem(languageKey, picker.value);
    editor.setMode(mode());
  });

  onSubmit(form, async () => {
    localStorage.setItem(languageKey, picker.value);
    const { data } = await api("POST", "/api/v1/submissions", {
      problem, language: picker.value, source: editor.getValue(),
    });
    window.location.href = "/submissions/" + data.id;
  });

  const runForm = document.getElementById("run-form");
  if (runForm) {
    onSubmit(runForm, async () => {
      let { status, data } = await api("POST", "/api/v1/runs", {
        language: picker.value, source: editor.getValue(), stdin: document.getElementById("run-stdin").value,
      });
      const deadline = Date.now() + 60000;
      while (status === 202 || (data && data.status !== "finished")) {
        if (Date.now() > deadline) throw new Error("the run is taking too long; try again later");
        await new Promise((resolve) => setTimeout(resolve, 700));
        ({ status, data } = await api("GET", "/api/v1/runs/" + data.id));
      }
      const result = data.result || {};
      document.getElementById("run-result").hidden = false;
      document.getElementById("run-status").textContent = result.status || "";
      document.getElementById("run-usage").textContent =
        ms(result.time_ms) + ", " + mib(result.memory_kb) +
        (result.exit_code !== null && result.exit_code !== undefined ? ", exit code " + result.exit_code : "");
      document.getElementById("run-stdout").textContent = result.stdout || "";
      document.getElementById("run-stderr").textContent = (result.compile_output || "") + (result.stderr || "");
    });
  }
})();
