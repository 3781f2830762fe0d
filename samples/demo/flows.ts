/**
 * The demo's flows: each is one HTTP call a newcomer can paste as `curl`, and the answer the
 * demo saw when it made the same call at start-up. The demo's test replays them all.
 */

export interface Flow {
  title: string;
  method: 'GET' | 'POST' | 'DELETE';
  url: string;
  headers?: Record<string, string>;
  /** Form body (for token requests). */
  form?: Record<string, string>;
  /** What the answer should be. */
  expectStatus: number;
  /** A part of the JSON body that must match. */
  expectBody?: unknown;
}

const shellQuote = (value: string): string => `'${value.replace(/'/g, `'\\''`)}'`;

/** The flow as a copy-pasteable curl command. */
export function toCurl(flow: Flow): string {
  const parts = ['curl', '-s', '-i'];
  if (flow.method !== 'GET') parts.push('-X', flow.method);
  for (const [name, value] of Object.entries(flow.headers ?? {}))
    parts.push('-H', shellQuote(`${name}: ${value}`));
  for (const [name, value] of Object.entries(flow.form ?? {}))
    parts.push('--data-urlencode', shellQuote(`${name}=${value}`));
  parts.push(shellQuote(flow.url));
  return parts.join(' ');
}

/** Makes the flow's call; returns status and parsed body. */
export async function runFlow(
  flow: Flow,
): Promise<{ status: number; body: unknown; headers: Headers }> {
  const init: RequestInit = { method: flow.method, headers: { ...flow.headers } };
  if (flow.form) {
    init.body = new URLSearchParams(flow.form);
    (init.headers as Record<string, string>)['content-type'] = 'application/x-www-form-urlencoded';
  }
  const res = await fetch(flow.url, init);
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON: keep the text
  }
  return { status: res.status, body, headers: res.headers };
}
