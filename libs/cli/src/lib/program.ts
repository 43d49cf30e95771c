import type { Command } from 'commander';

/** commander's own errors (help shown, a bad option...), told apart without loading commander here. */
function commanderExit(error: unknown): number | undefined {
  const e = error as { code?: unknown; exitCode?: unknown } | null;
  return typeof e?.code === 'string' && e.code.startsWith('commander.') && typeof e.exitCode === 'number'
    ? e.exitCode
    : undefined;
}

/** Exit codes shared by every command line of the pipeline (docs/operations.md). */
export const EXIT_CODE = {
  ok: 0,
  /** The command failed, or the app could not start. */
  failure: 1,
  /** Bad arguments, options or environment. */
  usage: 2,
} as const;

/** A bad argument or option an action found itself (beyond what commander checks): exit 2 with the message. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export interface ProgramIo {
  err: (text: string) => void;
}

const stderr: ProgramIo = { err: (text) => process.stderr.write(`${text}\n`) };

function configure(cmd: Command): void {
  cmd.exitOverride().showHelpAfterError('(add --help for usage)');
  for (const sub of cmd.commands) configure(sub);
}

/**
 * Parses and runs a commander program and resolves with its exit code instead of exiting: 0 after `--help`,
 * 2 for a bad option or argument (commander has already printed why) or a `UsageError`, 1 for an action that threw (its
 * message printed as `<program>: <message>`). Actions that must end the process themselves still can.
 */
export async function runProgram(
  program: Command,
  argv: readonly string[],
  io: ProgramIo = stderr,
): Promise<number> {
  configure(program);
  try {
    await program.parseAsync(argv as string[]);
    return EXIT_CODE.ok;
  } catch (error) {
    const exit = commanderExit(error);
    if (exit !== undefined) return exit === 0 ? EXIT_CODE.ok : EXIT_CODE.usage;
    io.err(`${program.name()}: ${error instanceof Error ? error.message : String(error)}`);
    return error instanceof UsageError ? EXIT_CODE.usage : EXIT_CODE.failure;
  }
}

/**
 * `runProgram` on process.argv: a failure exits at once with its code (a half-started app may hold the event
 * loop); success leaves a service running, and a finished command ends with the event loop.
 */
export function runMain(program: Command): void {
  void runProgram(program, process.argv).then((code) => {
    if (code !== 0) process.exit(code);
  });
}
