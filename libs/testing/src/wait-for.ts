export interface WaitOptions {
  timeoutMs?: number;
  intervalMs?: number;
  /** Describes the state of the system when the wait times out (consumer lag, database waits), for the error. */
  explain?: () => Promise<string>;
}

/** Polls until `check` returns a value other than undefined/false, or fails with `description`. */
export async function waitFor<T>(
  check: () => Promise<T | undefined | false> | T | undefined | false,
  description: string,
  { timeoutMs = 20000, intervalMs = 100, explain }: WaitOptions = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const result = await check();
      if (result !== undefined && result !== false) return result;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) {
      const suffix = lastError instanceof Error ? ` (last error: ${lastError.message})` : '';
      const state = explain ? `; ${await explain().catch((error: unknown) => `state unknown: ${String(error)}`)}` : '';
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${description}${suffix}${state}`);
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
