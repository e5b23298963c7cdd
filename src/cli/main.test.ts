import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { captureIo } from './captured-io.js';
import { main } from './main.js';

const root = fileURLToPath(new URL('../../', import.meta.url));

async function run(args: string[]) {
  const captured = captureIo();
  const code = await main(args, captured.io);
  return { code, stdout: captured.stdout(), stderr: captured.stderr() };
}

describe('main', () => {
  it('prints the version from package.json', async () => {
    const manifest = JSON.parse(
      await readFile(new URL('package.json', `file://${root}`), 'utf8'),
    ) as {
      version: string;
    };
    expect(await run(['--version'])).toEqual({
      code: 0,
      stdout: `${manifest.version}\n`,
      stderr: '',
    });
  });

  it('lists the commands and examples in --help', async () => {
    const result = await run(['--help']);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    expect(result.stdout).toMatch(/^Usage: headroom \[options\] \[command\]/);
    expect(result.stdout).toMatch(/^\s+eval \[options\]/m);
    expect(result.stdout).toMatch(/^\s+validate \[options\] <paths\.\.\.>/m);
    expect(result.stdout).toContain('Examples:');
    expect(result.stdout).toContain('Exit codes: 0 ok, 1 the answer is no, 2 usage or input error');
  });

  it('finds each command of the help when that command alone is asked for', async () => {
    // main.ts loads only the module of the command asked for: a name it maps to the
    // wrong module would be an unknown command there, though listed in the help.
    const help = (await run(['--help'])).stdout;
    const listing = help.split('\nCommands:\n')[1]?.split('\n\n')[0] ?? '';
    const names = listing
      .split('\n')
      .map((line) => /^ {2}([a-z-]+)/.exec(line)?.[1])
      .filter((name): name is string => name !== undefined && name !== 'help');
    expect(names).toEqual(expect.arrayContaining(['eval', 'serve', 'gate', 'deploy', 'run']));
    for (const name of names) {
      const result = await run([name, '--help']);
      expect({ name, code: result.code, stderr: result.stderr }).toEqual({
        name,
        code: 0,
        stderr: '',
      });
      expect(result.stdout).toContain(`Usage: headroom ${name}`);
    }
  });

  it('shows help for one command, with examples of its input', async () => {
    for (const args of [
      ['eval', '--help'],
      ['help', 'eval'],
    ]) {
      const result = await run(args);
      expect(result.code).toBe(0);
      expect(result.stdout).toMatch(/^Usage: headroom eval \[options\]/);
      expect(result.stdout).toContain('--config <path>');
      expect(result.stdout).toContain('{"ts":"2026-11-01T10:00:00Z","slo":"checkout-availability"');
    }
  });

  it.each([
    [
      ['eval', '--config', 'examples/config', '--events', 'x', '--bogus'],
      "error: unknown option '--bogus'",
    ],
    [
      ['eval', '--config', 'examples/config'],
      "error: required option '-e, --events <file>' not specified",
    ],
    [['eval', '--events', 'x'], "error: required option '-c, --config <path>' not specified"],
    [
      ['eval', '-c', 'examples/config', '-e', 'x', '--format', 'yaml'],
      "error: option '-f, --format <format>' argument 'yaml' is invalid. Allowed choices are json, table.",
    ],
    [['validate'], "error: missing required argument 'paths'"],
    [['evaluate'], "error: unknown command 'evaluate'"],
  ])('exits 2 on a usage error, with commander’s message on stderr: %j', async (args, message) => {
    const result = await run(args);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr.startsWith(message)).toBe(true);
    expect(result.stderr).toContain('--help for usage');
  });

  it('shows help on stderr and exits 2 without a command', async () => {
    const result = await run([]);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/^Usage: headroom/);
  });

  it('runs validate with its paths and exit code', async () => {
    const result = await run(['validate', 'examples/config']);
    expect(result).toEqual({
      code: 0,
      stdout: '3 services, 5 SLOs, 1 runbook, 1 incident settings: valid\n',
      stderr: '',
    });
  });
});
