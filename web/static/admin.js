// Admin pages: package import, the problem editor with live preview, tests upload, rejudges,
// users' roles and priorities, and their password-reset links.
"use strict";
(function () {
  const { api, onSubmit, showError, renderMath } = window.coderank;
  const byId = (name) => document.getElementById(name);

  const importForm = byId("import-form");
  if (importForm) {
    onSubmit(importForm, async () => {
      const file = byId("package").files[0];
      if (!file) throw new Error("choose a package zip first");
      const query = new URLSearchParams();
      if (byId("import-publish").checked) query.set("publish", "true");
      const slug = byId("import-slug").value.trim();
      if (slug) query.set("slug", slug);
      const { data } = await api("POST", "/api/v1/problems/import?" + query, await file.arrayBuffer(), "application/zip");
      window.location.href = "/admin/problems/" + encodeURIComponent(data.slug);
    });
  }

  const problemForm = byId("problem-form");
  if (problemForm) {
    const slug = problemForm.dataset.slug;
    const statement = byId("statement");
    let timer;
    statement.addEventListener("input", () => {
      clearTimeout(timer);
      timer = setTimeout(async () => {
        try {
          const response = await fetch("/admin/preview", {
            method: "POST", body: statement.value, credentials: "same-origin",
            headers: { "Content-Type": "text/plain", "X-CSRF-Token": window.coderank.cookie("coderank_csrf") },
          });
          if (response.ok) {
            // The server escapes raw HTML in statements, so its answer is safe to insert.
            byId("preview").innerHTML = await response.text();
            renderMath(byId("preview"));
          }
        } catch (_) { /* the preview is a comfort */ }
      }, 300);
    });
    onSubmit(problemForm, async () => {
      const number = (name) => { const value = byId(name).value.trim(); return value === "" ? undefined : Number(value); };
      const change = {
        title: byId("title").value,
        statement: statement.value,
        time_limit_ms: number("time_limit_ms"),
        memory_mb: number("memory_mb"),
        output_mb: number("output_mb"),
        difficulty: number("difficulty"),
        tags: byId("tags").value.split(/\s+/).filter(Boolean),
        published: byId("published").checked,
      };
      if (byId("validator_flags")) change.validator_flags = byId("validator_flags").value;
      await api("PATCH", "/api/v1/problems/" + encodeURIComponent(slug), change);
      byId("saved").textContent = "Saved at " + new Date().toLocaleTimeString();
    });
  }

  const testsForm = byId("tests-form");
  if (testsForm && problemForm) {
    onSubmit(testsForm, async () => {
      const file = byId("tests-zip").files[0];
      if (!file) throw new Error("choose a zip first");
      await api("POST", "/api/v1/problems/" + encodeURIComponent(problemForm.dataset.slug) + "/tests/zip", await file.arrayBuffer(), "application/zip");
      window.location.reload();
    });
  }

  const rejudge = byId("rejudge-problem");
  if (rejudge) {
    rejudge.addEventListener("click", async () => {
      rejudge.disabled = true;
      try {
        const { data } = await api("POST", "/api/v1/problems/" + encodeURIComponent(rejudge.dataset.slug) + "/rejudge");
        byId("rejudged").textContent = data.queued + " submission(s) queued again";
      } catch (error) {
        byId("rejudged").textContent = error.message;
      } finally {
        rejudge.disabled = false;
      }
    });
  }

  const users = byId("admin-users");
  if (users) {
    users.addEventListener("click", async (event) => {
      const button = event.target.closest("button.reset-link");
      if (!button) return;
      const row = button.closest("tr");
      try {
        const { data } = await api("POST", "/api/v1/users/" + row.dataset.id + "/reset-link");
        const field = row.querySelector(".reset-url");
        field.value = data.url;
        field.hidden = false;
        field.select();
        showError(document, null);
      } catch (error) {
        showError(document, error);
      }
    });
    users.addEventListener("change", async (event) => {
      if (!event.target.matches(".role, .disabled, .priority")) return;
      const row = event.target.closest("tr");
      const classes = event.target.classList;
      const change = classes.contains("role")
        ? { role: event.target.value }
        : classes.contains("priority")
          ? { priority: Number(event.target.value) }
          : { disabled: event.target.checked };
      try {
        await api("PATCH", "/api/v1/users/" + row.dataset.id, change);
        showError(document, null);
      } catch (error) {
        showError(document, error);
      }
    });
  }
})();
