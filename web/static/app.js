// CodeRank's shared script: calls to the JSON API with the session cookie and its CSRF token,
// sign-in and sign-out, copy buttons and math. Page scripts build on `window.coderank`.
"use strict";
(function () {
  function cookie(name) {
    const found = document.cookie.split("; ").find((part) => part.startsWith(name + "="));
    return found ? decodeURIComponent(found.slice(name.length + 1)) : "";
  }

  // Calls the API; answers the parsed JSON (or null), throws an Error with the envelope's message.
  async function api(method, path, body, contentType) {
    const headers = { Accept: "application/json" };
    if (method !== "GET") headers["X-CSRF-Token"] = cookie("coderank_csrf");
    let payload = body;
    if (body !== undefined && contentType === undefined) {
      headers["Content-Type"] = "application/json";
      payload = JSON.stringify(body);
    } else if (contentType) {
      headers["Content-Type"] = contentType;
    }
    const response = await fetch(path, { method, headers, body: payload, credentials: "same-origin" });
    const text = await response.text();
    let data = null;
    try { data = text ? JSON.parse(text) : null; } catch (_) { data = text; }
    if (!response.ok) {
      const message = data && data.error ? data.error.message : response.status + " " + response.statusText;
      const error = new Error(message);
      error.status = response.status;
      throw error;
    }
    return { status: response.status, data };
  }

  // Shows an error in a form's `.form-error` element, or hides it.
  function showError(form, error) {
    const box = form.querySelector(".form-error") || document.querySelector(".form-error");
    if (!box) return;
    box.hidden = !error;
    box.textContent = error ? error.message || String(error) : "";
  }

  // Runs an async action from a form's submit, disabling its buttons meanwhile.
  function onSubmit(form, action) {
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const buttons = form.querySelectorAll("button");
      buttons.forEach((button) => { button.disabled = true; });
      showError(form, null);
      try {
        await action(form);
      } catch (error) {
        showError(form, error);
      } finally {
        buttons.forEach((button) => { button.disabled = false; });
      }
    });
  }

  function renderMath(root) {
    if (!window.katex) return;
    (root || document).querySelectorAll(".math").forEach((element) => {
      const tex = element.dataset.tex || element.textContent;
      element.dataset.tex = tex;
      try {
        window.katex.render(tex, element, { displayMode: element.classList.contains("display"), throwOnError: false });
      } catch (_) { /* the TeX source stays visible */ }
    });
  }

  // Formats of the submission pages, the same as the server's.
  const ms = (value) => value === null || value === undefined ? "" : value + " ms";
  const mib = (kb) => kb === null || kb === undefined ? "" : (kb / 1024).toFixed(1) + " MiB";

  // Shows a submission's verdict (or its status while judging) in `element`.
  function showVerdict(element, view) {
    element.textContent = view.verdict || view.status;
    element.className = "verdict " + (view.verdict ? "v-" + view.verdict.toLowerCase() : "v-pending");
  }

  // A WebSocket to an API path on this server.
  function socket(path) {
    const scheme = window.location.protocol === "https:" ? "wss:" : "ws:";
    return new WebSocket(scheme + "//" + window.location.host + path);
  }

  window.coderank = { api, cookie, onSubmit, showError, renderMath, ms, mib, showVerdict, socket };

  const signout = document.getElementById("signout");
  if (signout) {
    signout.addEventListener("click", async () => {
      try { await api("POST", "/api/v1/auth/logout"); } finally { window.location.href = "/"; }
    });
  }

  const signin = document.getElementById("signin-form");
  if (signin) {
    onSubmit(signin, async (form) => {
      await api("POST", "/api/v1/auth/login", {
        email: form.elements.email.value, password: form.elements.password.value, cookie: true,
      });
      window.location.href = form.dataset.redirect || "/";
    });
  }

  const register = document.getElementById("register-form");
  if (register) {
    onSubmit(register, async (form) => {
      const account = {
        email: form.elements.email.value, password: form.elements.password.value,
        display_name: form.elements.display_name.value,
      };
      await api("POST", "/api/v1/auth/register", account);
      await api("POST", "/api/v1/auth/login", { email: account.email, password: account.password, cookie: true });
      window.location.href = form.dataset.redirect || "/";
    });
  }

  // The signed-in user's password, on their profile page.
  const password = document.getElementById("password-form");
  if (password) {
    onSubmit(password, async (form) => {
      await api("POST", "/api/v1/account/password", {
        current_password: form.elements.current_password.value, new_password: form.elements.new_password.value,
      });
      form.reset();
      document.getElementById("password-changed").hidden = false;
    });
  }

  // A reset link carries its token in the fragment (`#token=crp_…`), which no server sees.
  const reset = document.getElementById("password-reset-form");
  if (reset) {
    onSubmit(reset, async (form) => {
      const token = new URLSearchParams(window.location.hash.slice(1)).get("token") || "";
      await api("POST", "/api/v1/auth/password-reset", { token, new_password: form.elements.new_password.value });
      form.hidden = true;
      document.getElementById("password-reset-done").hidden = false;
    });
  }

  document.addEventListener("click", async (event) => {
    const button = event.target.closest("button.copy");
    if (!button) return;
    const source = document.getElementById(button.dataset.copy);
    if (!source) return;
    try {
      await navigator.clipboard.writeText(source.textContent);
      button.textContent = "Copied";
    } catch (_) {
      const range = document.createRange();
      range.selectNodeContents(source);
      const selection = window.getSelection();
      selection.removeAllRanges();
      selection.addRange(range);
      button.textContent = "Selected";
    }
    setTimeout(() => { button.textContent = "Copy"; }, 1500);
  });

  // The visitor's own history: verdicts of listed submissions change in place as they arrive.
  const history = document.querySelector("#history[data-live]");
  if (history) {
    socket("/api/v1/submissions/ws").addEventListener("message", (event) => {
      const view = JSON.parse(event.data);
      const row = history.querySelector('tr[data-id="' + CSS.escape(view.id) + '"]');
      if (!row) return;
      showVerdict(row.querySelector(".verdict"), view);
      row.cells[5].textContent = ms(view.time_ms);
      row.cells[6].textContent = mib(view.memory_kb);
    });
  }

  window.addEventListener("DOMContentLoaded", () => renderMath());
})();
