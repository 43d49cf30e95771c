import { Command } from 'commander';
import { deadLettersCommand } from './dead-letters.command';
import { describeFailure, EXIT } from './errors';
import { CliIo } from './io';
import { kafkaCommand } from './kafka.command';
import { reconcileCommand } from './reconcile.command';
import { statusCommand } from './status.command';
import { webhooksCommand } from './webhooks.command';

export function buildProgram(io: CliIo): Command {
  const program = new Command('fenx-admin')
    .description(
      'Operations on the FenX pipeline: status, webhooks, dead letters, reconciliation, Kafka set-up',
    )
    .showHelpAfterError()
    .configureOutput({ writeOut: (s) => io.out(s.trimEnd()), writeErr: (s) => io.err(s.trimEnd()) })
    .exitOverride();
  program.addCommand(statusCommand(io));
  program.addCommand(webhooksCommand(io));
  program.addCommand(deadLettersCommand(io));
  program.addCommand(reconcileCommand(io));
  program.addCommand(kafkaCommand(io));
  for (const cmd of program.commands) {
    cmd
      .exitOverride()
      .configureOutput({ writeOut: (s) => io.out(s.trimEnd()), writeErr: (s) => io.err(s.trimEnd()) });
    for (const sub of cmd.commands)
      sub
        .exitOverride()
        .configureOutput({ writeOut: (s) => io.out(s.trimEnd()), writeErr: (s) => io.err(s.trimEnd()) });
  }
  return program;
}

/** Runs one command line (without `node main.js`) and resolves with the exit code. Never throws. */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  try {
    await buildProgram(io).parseAsync(argv, { from: 'user' });
    return EXIT.ok;
  } catch (e) {
    const { code, message } = describeFailure(e);
    if (message) io.err(`fenx-admin: ${message}`);
    return code;
  }
}
