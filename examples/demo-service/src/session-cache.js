// A small cache whose first lookup after start is slow (it warms up from disk in the real service).
let warmed = false;

export async function lookup(key, { coldDelayMs = 0 } = {}) {
  if (!warmed && coldDelayMs > 0) await new Promise((r) => setTimeout(r, coldDelayMs));
  warmed = true;
  return { key, hit: true };
}
