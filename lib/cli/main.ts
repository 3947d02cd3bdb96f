import type { CliIo, Command } from './command.js';
import { insightsCommand } from './commands/insights.js';
import { replayCommand } from './commands/replay.js';
import { validateCommand } from './commands/validate.js';

export type { CliIo } from './command.js';

/** Every command, in the order `--help` lists them. */
export const COMMANDS: readonly Command[] = [replayCommand, insightsCommand, validateCommand];

export const USAGE = `Usage: trail-insights <command> [options]

Commands:
${COMMANDS.map((command) => `  ${command.name.padEnd(10)} ${command.summary}`).join('\n')}

Run \`trail-insights <command> --help\` for a command's options.
`;

/**
 * Runs the CLI; resolves to the exit status (0 success, 1 failure, 2 usage error).
 * A command name first; without one, `--help` prints the command list.
 */
export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  const [first, ...rest] = argv;
  const command = COMMANDS.find((candidate) => candidate.name === first);
  if (command !== undefined) return command.run(rest, io);
  if (first === undefined || first === '-h' || first === '--help') {
    (first === undefined ? io.stderr : io.stdout)(first === undefined ? `trail-insights: missing command\n\n${USAGE}` : USAGE);
    return first === undefined ? 2 : 0;
  }
  // `trail-insights --format jsonl replay DIR`: options before the command still find it.
  const named = argv.find((arg) => COMMANDS.some((candidate) => candidate.name === arg));
  if (named !== undefined && first.startsWith('-')) {
    const at = argv.indexOf(named);
    return COMMANDS.find((candidate) => candidate.name === named)!.run([...argv.slice(0, at), ...argv.slice(at + 1)], io);
  }
  io.stderr(`trail-insights: unknown command: ${first}\n\n${USAGE}`);
  return 2;
}
