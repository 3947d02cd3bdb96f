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
