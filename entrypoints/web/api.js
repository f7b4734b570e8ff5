// The API client: the access token lives in memory only; the refresh cookie (HTTP-only)
// brings it back after a reload. Every failure becomes an ApiError carrying the envelope.
import config from "./config.js";

const API = (config.apiUrl || "").replace(/\/+$/, "");

export class ApiError extends Error {
  constructor(status, code, message, details = {}) {
    super(message);
    this.status = status;
    this.code = code;
    this.details = details || {};
  }

  // "message (limit NAME: value)" when the server named the limit that refused the request.
  get explained() {
    const { limit, value } = this.details;
    if (!limit) return this.message;
    return value === undefined
      ? `${this.message} (limit ${limit})`
      : `${this.message} (limit ${limit} = ${value})`;
  }
}

let accessToken = null;
let currentUser = null;
const listeners = new Set();

export function apiUrl(path) {
  return `${API}${path}`;
}

export function wsUrl(path) {
  if (config.wsUrl) return `${config.wsUrl.replace(/\/+$/, "")}${path}`;
  const url = new URL(API || location.origin, location.href);
  url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
  return `${url.origin}${path}`;
}

export function user() {
  return currentUser;
}

export function token() {
  return accessToken;
}

export function onAuthChange(listener) {
  listeners.add(listener);
}

function setSession(data) {
  accessToken = data ? data.access_token : null;
  currentUser = data ? data.user : null;
  for (const listener of listeners) listener(currentUser);
}

async function envelope(response) {
  let body = null;
  try {
    body = await response.json();
  } catch {
    body = null;
  }
  const error = body && body.error;
  if (error) return new ApiError(response.status, error.code, error.message, error.details);
  return new ApiError(response.status, "http_error", `the server answered ${response.status}`);
}

function networkError(cause) {
  const error = new ApiError(0, "network", "the server cannot be reached; check your connection");
  error.cause = cause;
  return error;
}

async function send(method, path, { json, auth = true } = {}) {
  const headers = {};
  if (json !== undefined) headers["Content-Type"] = "application/json";
  if (auth && accessToken) headers.Authorization = `Bearer ${accessToken}`;
  try {
    return await fetch(apiUrl(path), {
      method,
      headers,
      body: json === undefined ? undefined : JSON.stringify(json),
      credentials: "include",
    });
  } catch (cause) {
    throw networkError(cause);
  }
}

let refreshing = null;

// A new access token from the refresh cookie; false when there is no login session.
export function refresh() {
  if (!refreshing) {
    refreshing = send("POST", "/api/auth/refresh", { auth: false })
      .then(async (response) => {
        if (!response.ok) {
          setSession(null);
          return false;
        }
        setSession(await response.json());
        return true;
      })
      .catch(() => false)
      .finally(() => {
        refreshing = null;
      });
  }
  return refreshing;
}

export async function request(method, path, json) {
  let response = await send(method, path, { json });
  if (response.status === 401 && accessToken && (await refresh())) {
    response = await send(method, path, { json });
  }
  if (!response.ok) throw await envelope(response);
  if (response.status === 204) return null;
  const type = response.headers.get("content-type") || "";
  return type.includes("json") ? response.json() : response.blob();
}

export const get = (path) => request("GET", path);
export const post = (path, json) => request("POST", path, json);
export const put = (path, json) => request("PUT", path, json);
export const patch = (path, json) => request("PATCH", path, json);
export const del = (path) => request("DELETE", path);

export async function login(email, password) {
  const response = await send("POST", "/api/auth/login", { json: { email, password }, auth: false });
  if (!response.ok) throw await envelope(response);
  setSession(await response.json());
  return currentUser;
}

export async function register(email, password) {
  const response = await send("POST", "/api/auth/register", {
    json: { email, password },
    auth: false,
  });
  if (!response.ok) throw await envelope(response);
  return login(email, password);
}

export async function logout() {
  try {
    await send("POST", "/api/auth/logout", { auth: false });
  } finally {
    setSession(null);
  }
}

// One file in its own request, so each file has its own progress and its own answer.
export function upload(projectId, kind, file, onProgress) {
  const attempt = () =>
    new Promise((resolve, reject) => {
      const xhr = new XMLHttpRequest();
      xhr.open("POST", apiUrl(`/api/projects/${projectId}/uploads?kind=${kind}`));
      xhr.withCredentials = true;
      if (accessToken) xhr.setRequestHeader("Authorization", `Bearer ${accessToken}`);
      xhr.responseType = "json";
      xhr.upload.addEventListener("progress", (event) => {
        if (event.lengthComputable) onProgress(event.loaded / event.total);
      });
      xhr.addEventListener("load", () => {
        const body = xhr.response;
        if (xhr.status >= 200 && xhr.status < 300) resolve(body.items);
        else if (body && body.error) {
          const { code, message, details } = body.error;
          reject(new ApiError(xhr.status, code, message, details));
        } else reject(new ApiError(xhr.status, "http_error", `the server answered ${xhr.status}`));
      });
      xhr.addEventListener("error", () => reject(networkError()));
      const form = new FormData();
      form.append("files", file, file.name);
      xhr.send(form);
    });
  return attempt().catch(async (error) => {
    if (error.status === 401 && (await refresh())) return attempt();
    throw error;
  });
}
