// Where the API lives. Empty means "the origin this page came from" (kirbygen serve).
// A static host rewrites this file: python -m entrypoints.web_config (API_URL, WS_URL).
export default {
  apiUrl: "",
  wsUrl: "",
};
