import { runProgram } from '@fenx/cli';
import { soakProgram } from './main';

describe('soak options', () => {
  const parse = async (...args: string[]) => {
    const seen: unknown[] = [];
    const errors: string[] = [];
    const program = soakProgram(async (o) => {
      seen.push(o);
    }).configureOutput({ writeErr: (s) => errors.push(s), writeOut: (s) => errors.push(s) });
    const code = await runProgram(program, ['node', 'soak', ...args], { err: (s) => errors.push(s) });
    return { code, options: seen[0], errors: errors.join('') };
  };

  it('takes numbers as numbers, with the defaults of the full run', async () => {
    const { code, options } = await parse('--activity', '500', '--converge-timeout', '60000');
    expect(code).toBe(0);
    expect(options).toMatchObject({
      activity: 500,
      migration: 40000,
      convergeTimeout: 60000,
      seed: 20261123,
      stallMinutes: 5,
    });
    const set = await parse('--stall-minutes', '2.5', '--log-dir', '/tmp/soak-logs');
    expect(set.options).toMatchObject({ stallMinutes: 2.5, logDir: '/tmp/soak-logs' });
  });

  it('refuses a value that is not a number, or out of range, with exit 2 and the option named', async () => {
    const typo = await parse('--activity', '60k');
    expect(typo).toMatchObject({ code: 2, options: undefined });
    expect(typo.errors).toContain(
      `option '--activity <n>' argument '60k' is invalid. expected a whole number of at least 0`,
    );
    const short = await parse('--fault-window', '10');
    expect(short.code).toBe(2);
    expect(short.errors).toContain('expected a whole number of at least 1000, got "10"');
  });

  it('answers --help without running', async () => {
    const help = await parse('--help');
    expect(help).toMatchObject({ code: 0, options: undefined });
    expect(help.errors).toContain('--converge-timeout <ms>');
  });
});
