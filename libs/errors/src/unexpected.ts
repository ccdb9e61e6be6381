/** The smallest part of an HTTP response an answer needs (express's Response has it). */
export interface JsonResponse {
  status(code: number): { json(body: unknown): unknown };
}

/**
 * Answers an error no mapping knows as NestJS answers any unexpected error: 500 and nothing of the
 * error's own message, which may name internals.
 */
export function unexpected(response: JsonResponse): void {
  response.status(500).json({ statusCode: 500, message: 'Internal server error' });
}
