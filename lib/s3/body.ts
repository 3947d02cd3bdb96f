import type { Readable } from 'node:stream';

/**
 * Iterates a GetObject body and destroys it if the consumer stops early (an error, an
 * abort): an unread body keeps its socket busy until it times out.
 *
 * @example
 * ```ts
 * const body = destroyWhenAbandoned(response.Body as Readable);
 * ```
 */
export async function* destroyWhenAbandoned(body: Readable): AsyncGenerator<Uint8Array> {
  try {
    for await (const chunk of body) yield chunk as Uint8Array;
  } finally {
    if (!body.destroyed) body.destroy();
  }
}
