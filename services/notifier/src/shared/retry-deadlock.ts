const DEADLOCK = '40P01';
const SERIALIZATION_FAILURE = '40001';

/**
 * Runs a transaction again when PostgreSQL aborted it as a deadlock victim. Batched writes touch many
 * rows; two of them (a send's answer and a callback for the same message) can meet in opposite order.
 */
export async function retryOnDeadlock<T>(work: () => Promise<T>, attempts = 4): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      const code =
        (error as { code?: unknown; driverError?: { code?: unknown } }).driverError?.code ??
        (error as { code?: unknown }).code;
      if (attempt >= attempts || (code !== DEADLOCK && code !== SERIALIZATION_FAILURE)) throw error;
      await new Promise((resolve) => setTimeout(resolve, 5 + Math.random() * 20 * attempt));
    }
  }
}
