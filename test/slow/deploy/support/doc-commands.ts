/**
 * The shell commands a document tells its reader to run: every line of its fenced `sh`
 * blocks (backslash continuations joined, comments dropped) and every inline code span in
 * its prose that starts with a command this project documents (`npx`, `npm`, `aws`,
 * `trail-insights`).
 */
export interface DocCommand {
  /** As written, continuations joined. */
  text: string;
  /** 1-based line of the document where it starts. */
  line: number;
  /** From a fenced `sh` block (its whole text is `block`) or inline in prose. */
  from: 'block' | 'inline';
  block?: string;
  /** The nearest ```json block above it (a config file the command may name). */
  jsonAbove?: string;
}

const INLINE_COMMAND = /^(npx|npm|aws|trail-insights) /;

export function docCommands(markdown: string): DocCommand[] {
  const lines = markdown.split('\n');
  const commands: DocCommand[] = [];
  let fence: { info: string; start: number; body: string[] } | undefined;
  let lastJson: string | undefined;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const marker = /^```(\w*)\s*$/.exec(line);
    if (marker && fence === undefined) {
      fence = { info: marker[1] ?? '', start: i + 1, body: [] };
      continue;
    }
    if (marker && fence !== undefined) {
      const body = fence.body.join('\n');
      if (fence.info === 'json') lastJson = body;
      if (fence.info === 'sh') commands.push(...blockCommands(fence.body, fence.start, body, lastJson));
      fence = undefined;
      continue;
    }
    if (fence !== undefined) {
      fence.body.push(line);
      continue;
    }
    for (const span of line.matchAll(/`([^`]+)`/g)) {
      const text = span[1]!.trim();
      if (INLINE_COMMAND.test(text)) commands.push({ text, line: i + 1, from: 'inline', ...(lastJson !== undefined && { jsonAbove: lastJson }) });
    }
  }
  return commands;
}

function blockCommands(body: string[], start: number, block: string, jsonAbove: string | undefined): DocCommand[] {
  const commands: DocCommand[] = [];
  let pending: { text: string; line: number } | undefined;
  body.forEach((raw, index) => {
    const line = raw.trim();
    if (pending === undefined && (line === '' || line.startsWith('#'))) return;
    const text = line.endsWith('\\') ? line.slice(0, -1).trimEnd() : line;
    pending = pending ? { ...pending, text: `${pending.text} ${text}` } : { text, line: start + index + 1 };
    if (!line.endsWith('\\')) {
      commands.push({ ...pending, from: 'block', block, ...(jsonAbove !== undefined && { jsonAbove }) });
      pending = undefined;
    }
  });
  return commands;
}

/** Shell words: quotes removed, `$VAR` and `${VAR}` replaced from `vars` (unknown ones left as written). */
export function shellWords(text: string, vars: Record<string, string> = {}): string[] {
  const words: string[] = [];
  let word = '';
  let quote: '"' | "'" | undefined;
  let started = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quote === "'" ? c === "'" : quote === '"' ? c === '"' : false) {
      quote = undefined;
      continue;
    }
    if (quote === undefined && (c === '"' || c === "'")) {
      quote = c;
      started = true;
      continue;
    }
    if (quote !== "'" && c === '$') {
      const name = /^\{?(\w+)\}?/.exec(text.slice(i + 1));
      if (name && vars[name[1]!] !== undefined) {
        word += vars[name[1]!];
        i += name[0].length;
        started = true;
        continue;
      }
    }
    if (quote === undefined && /\s/.test(c)) {
      if (started) words.push(word);
      word = '';
      started = false;
      continue;
    }
    word += c;
    started = true;
  }
  if (started) words.push(word);
  return words;
}
