/**
 * An EventBridge input transformer applied to an event, as EventBridge does it (user
 * guide, "Amazon EventBridge input transformation"): each `InputPathsMap` path is read
 * from the event; each `<name>` of the template is replaced — inside a JSON string by
 * the value's text, escaped for JSON; elsewhere by the value as JSON (numbers stay
 * numbers). A path the event lacks gives an empty string inside quotes and `null`
 * outside. Text that is not a defined variable (Slack's `<url|label>` links) is kept.
 */

/** The value at a `$.a.b[0].c` path, or `undefined`. */
export function readPath(event: unknown, path: string): unknown {
  if (!path.startsWith('$.')) throw new Error(`not a JSON path: ${path}`);
  let value: unknown = event;
  for (const part of path.slice(2).match(/[^.[\]]+|\[\d+\]/g) ?? []) {
    if (value === null || typeof value !== 'object') return undefined;
    value = part.startsWith('[') ? (value as unknown[])[Number(part.slice(1, -1))] : (value as Record<string, unknown>)[part];
  }
  return value;
}

/** The template with every defined `<name>` replaced, as EventBridge sends it to the target. */
export function applyInputTransformer(template: string, pathsMap: Record<string, string>, event: unknown): string {
  let out = '';
  let inString = false;
  for (let i = 0; i < template.length; i++) {
    const char = template[i]!;
    if (char === '\\' && inString) {
      out += char + (template[i + 1] ?? '');
      i++;
      continue;
    }
    if (char === '"') inString = !inString;
    const match = char === '<' ? /^<([A-Za-z0-9_-]+)>/.exec(template.slice(i)) : null;
    if (match && match[1]! in pathsMap) {
      const value = readPath(event, pathsMap[match[1]!]!);
      if (inString) out += value === undefined || value === null ? '' : JSON.stringify(typeof value === 'string' ? value : JSON.stringify(value)).slice(1, -1);
      else out += value === undefined ? 'null' : JSON.stringify(value);
      i += match[0].length - 1;
      continue;
    }
    out += char;
  }
  return out;
}
