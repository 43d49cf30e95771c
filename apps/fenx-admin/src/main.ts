import { processEnv } from '@fenx/config';
import { runCli } from './cli/cli';

// A command-line tool: its output is the terminal, not a log.
void runCli(process.argv.slice(2), {
  env: processEnv(),
  out: (text) => process.stdout.write(`${text}\n`),
  err: (text) => process.stderr.write(`${text}\n`),
  progress: process.stderr,
}).then((code) => {
  process.exitCode = code;
});
