/** What a transport may need beyond the code: when asking again can succeed, and the underlying error. */
export interface DomainExceptionOptions {
  /** Seconds after which the same request can succeed (HTTP sends it as Retry-After). */
  retryAfterSeconds?: number;
  cause?: unknown;
}

/**
 * The one exception of every bounded context: a stable code from the context's enum and a message
 * that carries ids and masked values only. Each transport maps the codes of its context with an
 * exhaustive switch (HTTP status; retry or dead-letter on Kafka), so a new code fails to compile
 * until every transport has decided what it means.
 */
export class DomainException<Code extends string = string> extends Error {
  readonly retryAfterSeconds: number | undefined;

  constructor(
    readonly code: Code,
    message: string,
    options: DomainExceptionOptions = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'DomainException';
    this.retryAfterSeconds = options.retryAfterSeconds;
  }

  /** Whether `error` is a domain exception with one of the codes of `codes` (a context's code enum). */
  static is<Code extends string>(error: unknown, codes: Record<string, Code>): error is DomainException<Code> {
    if (!(error instanceof DomainException)) return false;
    const known: readonly string[] = Object.values(codes);
    return known.includes((error as DomainException).code);
  }
}
