import type { Session } from './auth';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** Calls care-api with the agent's token and the reason for looking (recorded in the access log). */
export async function api<T>(
  session: Session,
  path: string,
  init: { method?: string; body?: unknown; reason?: string } = {},
) {
  const headers: Record<string, string> = {
    authorization: `Bearer ${session.accessToken}`,
    accept: 'application/json',
  };
  if (init.reason) headers['x-access-reason'] = init.reason;
  if (init.body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(path, {
    method: init.method ?? 'GET',
    headers,
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  if (!response.ok) {
    const text = await response.text();
    let message = text;
    try {
      message = (JSON.parse(text) as { message?: string }).message ?? text;
    } catch {
      // not JSON: the text is the message
    }
    throw new ApiError(response.status, message);
  }
  return (await response.json()) as T;
}
