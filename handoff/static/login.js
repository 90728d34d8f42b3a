// Staff login (an ES module, like the other staff pages): posts the form as JSON, then goes to
// ?next= (same-site paths only).
const form = document.getElementById("login-form");
const error = document.getElementById("login-error");

function nextPath() {
  const next = new URLSearchParams(location.search).get("next") || "/kb/";
  // Only paths on this site: "/x" but never "//host" or "/\host".
  return /^\/(?![\/\\])/.test(next) ? next : "/kb/";
}

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  error.hidden = true;
  const body = { name: form.name.value.trim(), password: form.password.value };
  let response;
  try {
    response = await fetch("/auth/login", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body),
      credentials: "same-origin",
    });
  } catch (e) {
    error.textContent = "The server cannot be reached. Try again in a moment.";
    error.hidden = false;
    return;
  }
  if (response.ok) {
    location.assign(nextPath());
    return;
  }
  const detail = await response.json().catch(() => ({}));
  error.textContent = typeof detail.detail === "string" ? detail.detail : "Login failed.";
  error.hidden = false;
});
