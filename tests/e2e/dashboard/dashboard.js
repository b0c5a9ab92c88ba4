// A tiny dashboard against the mock, as a frontend developer would write it: it signs a member in through
// the mock's session control, then sends the HttpOnly cookie with every call (credentials: "include").
// Each step's result goes into the page as JSON (<li data-step="..."><pre>), for a person or a browser test.

const params = new URLSearchParams(location.search);
const api = params.get("api") ?? "http://localhost:4010";
const hook = params.get("hook") ?? "http://127.0.0.1:3000/hooks";
const email = params.get("email") ?? "owner@northwind.io";
const project = params.get("project") ?? "proj_northwind";
const internal = `${api}/api/projects/${project}`;
const json = { "Content-Type": "application/json" };

async function call(path, { method = "GET", body, headers = {}, cookie = true } = {}) {
  const response = await fetch(`${api}${path}`, {
    method,
    credentials: cookie ? "include" : "omit",
    headers: body === undefined ? headers : { ...json, ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : null };
}

function report(step, result) {
  const item = document.createElement("li");
  item.dataset.step = step;
  const pre = document.createElement("pre");
  pre.textContent = JSON.stringify(result, null, 2);
  item.append(step, pre);
  document.getElementById("steps").append(item);
}

async function signIn() {
  const { status, body } = await call("/__mock/session", { method: "POST", body: { email } });
  // The cookie is HttpOnly: the page never sees it, the browser sends it.
  return { status, signed_in: body.signed_in, projects: body.projects, document_cookie: document.cookie };
}

async function listSessions() {
  const { status, body } = await call(`/api/projects/${project}/sessions?status=active&limit=5`);
  return { status, total: body.total, ids: body.data?.map((session) => session.id) ?? [] };
}

async function manageKeys() {
  const created = await call(`/api/projects/${project}/api-keys`, { method: "POST", body: { name: "Dashboard E2E" } });
  const key = created.body.key;
  const listed = await call(`/api/projects/${project}/api-keys?limit=100`);
  const row = listed.body.data.find((entry) => entry.id === created.body.id);
  // The new key is a full key: it registers the receiver (webhooks are on /v1, keys only).
  const bearer = { Authorization: `Bearer ${key}` };
  const webhook = await call("/v1/webhooks", {
    method: "POST", cookie: false, headers: bearer, body: { url: hook, events: ["session.closed"] },
  });
  const revoked = await call(`/api/projects/${project}/api-keys/${created.body.id}/revoke`, { method: "POST" });
  const afterRevoke = await call("/v1/sessions?limit=1", { cookie: false, headers: bearer });
  return {
    created: { status: created.status, id: created.body.id, key, prefix: created.body.prefix },
    listed: { status: listed.status, row },
    webhook: { status: webhook.status, id: webhook.body.id, has_secret: Boolean(webhook.body.secret) },
    revoked: { status: revoked.status, key_status: revoked.body.status },
    after_revoke: { status: afterRevoke.status, error: afterRevoke.body.error },
  };
}

async function closeSession(sessionId) {
  const { status, body } = await call(`/api/projects/${project}/sessions/${sessionId}/close`, { method: "POST" });
  return { status, id: body.id, session_status: body.status };
}

async function signOut() {
  const { status } = await call("/__mock/session", { method: "DELETE", headers: { "X-Hissuno-Mock": "1" } });
  const after = await call(`/api/projects/${project}/sessions?limit=1`);
  return { status, after_sign_out: after.status };
}

async function run() {
  const outcome = document.getElementById("outcome");
  try {
    report("sign-in", await signIn());
    const sessions = await listSessions();
    report("list-sessions", sessions);
    report("api-keys", await manageKeys());
    report("close-session", await closeSession(sessions.ids[0]));
    report("sign-out", await signOut());
    outcome.dataset.state = "done";
    outcome.textContent = "done";
  } catch (error) {
    outcome.dataset.state = "failed";
    outcome.textContent = `failed: ${error}`;
  }
}

run();
