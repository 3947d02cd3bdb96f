import { main } from '../../lib/cli/main.js';

/** Runs the CLI in-process, capturing its output: what `trail-insights ...` would print and exit with. */
export async function runCli(argv: readonly string[], env: Record<string, string | undefined> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), interactive: false, env });
  return { code, stdout, stderr };
}
