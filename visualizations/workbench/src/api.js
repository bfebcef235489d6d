// The API client: every call carries the key the user logged in with (kept for this tab only).
const STORE = "jiandu-key";
let key = sessionStorage.getItem(STORE) || "";

export class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

export function setKey(value) {
  key = value;
  sessionStorage.setItem(STORE, value);
}

export function forgetKey() {
  key = "";
  sessionStorage.removeItem(STORE);
}

export const hasKey = () => key !== "";

function detail(body) {
  if (body && typeof body === "object" && "detail" in body) {
    const d = body.detail;
    return Array.isArray(d) ? d.map((p) => `${(p.loc || []).join(".")}: ${p.msg}`).join("; ") : String(d);
  }
  return String(body);
}

// GET `path` (under /api/v1), or POST `body` as JSON; the parsed answer, or an ApiError with the server's message.
export async function api(path, body) {
  const init = { headers: { "X-API-Key": key } };
  if (body !== undefined) {
    init.method = "POST";
    init.headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch("/api/v1" + path, init);
  } catch (e) {
    throw new ApiError(0, "无法连接服务器 (cannot reach the server)");
  }
  const text = await response.text();
  let data = text;
  try {
    data = JSON.parse(text);
  } catch (e) {
    /* not JSON: keep the text */
  }
  if (!response.ok) throw new ApiError(response.status, detail(data));
  return data;
}
