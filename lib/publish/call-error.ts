/** What SDK errors (`name`, `$metadata`) and Node errors (`code`) may carry; nothing is assumed present. */
export interface CallErrorShape {
  name?: unknown;
  code?: unknown;
  message?: unknown;
  $metadata?: { httpStatusCode?: unknown };
}

export const asShape = (error: unknown): CallErrorShape => (typeof error === 'object' && error !== null ? (error as CallErrorShape) : {});

/** The most specific name an error gives: the SDK's exception name, else a Node code. */
export function errorName(error: unknown): string {
  const { name, code } = asShape(error);
  if (typeof name === 'string' && name !== 'Error') return name;
  return typeof code === 'string' ? code : 'UnknownError';
}
