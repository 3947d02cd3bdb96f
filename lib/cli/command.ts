import { parseArgs, type ParseArgsConfig } from 'node:util';

/** What every CLI command gets from `main`: its output streams and environment. */
export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** Whether stderr is a terminal (progress is shown only there). */
  interactive: boolean;
  env: Record<string, string | undefined>;
}

/** One `trail-insights <name>` command. */
export interface Command {
  name: string;
  /** One line for the command list of `trail-insights --help`. */
  summary: string;
  /** The command's own help text (`trail-insights <name> --help`). */
  usage: string;
  /** Runs the command on its arguments (after the name); resolves to the exit status. */
  run(argv: readonly string[], io: CliIo): Promise<number>;
}

/** A bad command line: the command prints its usage and exits 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** An error class a command maps to an exit status. */
export type ErrorClass = abstract new (...args: never[]) => Error;

/**
 * Prints why a command failed and returns its exit status: 2 for the errors that mean the
 * command line was wrong (with the usage text when given), 1 for anything else.
 * @example return failure(error, io, [UsageError, FilterError], USAGE);
 */
export function failure(error: unknown, io: CliIo, usageErrors: readonly ErrorClass[], usage?: string): number {
  const message = error instanceof Error ? error.message : String(error);
  if (usageErrors.some((kind) => error instanceof kind)) {
    io.stderr(`trail-insights: ${message}\n${usage === undefined ? '' : `\n${usage}`}`);
    return 2;
  }
  io.stderr(`trail-insights: ${message}\n`);
  return 1;
}

type OptionsConfig = NonNullable<ParseArgsConfig['options']>;
const HELP = { help: { type: 'boolean', short: 'h' } } as const;

/**
 * `node:util` parseArgs with positionals and `-h/--help`, its errors (unknown option,
 * missing value) as `UsageError`.
 * @example const { values, positionals } = parseCommandLine(argv, { format: { type: 'string' } });
 */
export function parseCommandLine<T extends OptionsConfig>(argv: readonly string[], options: T) {
  try {
    return parseArgs({ args: [...argv], allowPositionals: true, options: { ...options, ...HELP } as T & typeof HELP });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}
