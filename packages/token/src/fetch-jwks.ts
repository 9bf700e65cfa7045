/** The longest JWKS response accepted, in bytes. */
const MAX_JWKS_BYTES = 1024 * 1024;
/** How long the default fetcher waits for a key server, in milliseconds. */
export const DEFAULT_FETCH_TIMEOUT_MS = 5000;

const LOOPBACK_HOSTS = new Set(["localhost", "[::1]"]);

/**
 * The default way to fetch a JWKS: `fetch` with a timeout, over https (plain http only to a
 * loopback address), without following redirects, refusing error statuses and bodies over
 * 1 MiB. Rejects on any failure; the key source turns that into "no keys available".
 */
export async function fetchJwksOverHttp(url: string): Promise<unknown> {
  const target = new URL(url);
  const loopback = LOOPBACK_HOSTS.has(target.hostname) || target.hostname.startsWith("127.");
  if (target.protocol !== "https:" && !(target.protocol === "http:" && loopback)) {
    throw new Error("a key set is fetched only over https");
  }

  const response = await fetch(target, {
    redirect: "error",
    signal: AbortSignal.timeout(DEFAULT_FETCH_TIMEOUT_MS),
    headers: { accept: "application/json" },
  });
  if (!response.ok) {
    await response.body?.cancel();
    throw new Error(`the key server answered with status ${response.status}`);
  }
  if (Number(response.headers.get("content-length")) > MAX_JWKS_BYTES) {
    await response.body?.cancel();
    throw new Error("the key set is too large");
  }
  const text = await response.text();
  if (text.length > MAX_JWKS_BYTES) throw new Error("the key set is too large");
  return JSON.parse(text);
}
