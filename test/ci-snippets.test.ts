// The GitHub Actions and GitLab CI snippets of docs/ci.md, run as those systems would run
// them: their shell steps, read from the document itself, under the same shells and
// options, with the built CLI on PATH and a running server behind HEADROOM_URL. A
// snippet that a change of the CLI's output or flags breaks fails here, not in a
// user's pipeline. The steps that install things (checkout, setup-node, npm install)
// are skipped: the test provides the CLI; `./deploy.sh` is the user's own and is a
// script that notes what it was asked to deploy.
// `npm test` builds first; run `npm run build` before running this file alone.
import { execFile } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { serviceDocument, sloDocument } from './support/documents.js';
import { api, closedPort, spawnServer, type ServerProcess } from './support/process.js';

const root = fileURLToPath(new URL('../', import.meta.url));
const TOKEN = 'hr_ci-snippets-admin-token-0123456789';

interface Snippets {
  readonly github: GithubWorkflow;
  readonly gitlab: Record<string, unknown>;
}

interface GithubStep {
  readonly name?: string;
  readonly uses?: string;
  readonly run?: string;
  readonly shell?: string;
  readonly if?: string;
  readonly env?: Record<string, string>;
}

interface GithubWorkflow {
  readonly jobs: {
    readonly deploy: { readonly env: Record<string, string>; readonly steps: GithubStep[] };
  };
}

interface GitlabJob {
  readonly before_script?: string[];
  readonly script: string[];
  readonly after_script?: string[];
}

/** The YAML blocks of docs/ci.md, by the file name in their first line. */
function snippets(): Snippets {
  const text = readFileSync(path.join(root, 'docs/ci.md'), 'utf8');
  const blocks = [...text.matchAll(/```yaml\n([\s\S]*?)```/g)].map((match) => match[1] ?? '');
  const named = (file: string) => {
    const block = blocks.find((each) => each.startsWith(`# ${file}\n`));
    if (block === undefined) throw new Error(`docs/ci.md has no YAML block for ${file}`);
    // GitLab's `<<: *anchor` merge keys, as GitLab reads them.
    return parse(block, { merge: true }) as unknown;
  };
  return {
    github: named('.github/workflows/deploy.yml') as GithubWorkflow,
    gitlab: named('.gitlab-ci.yml') as Record<string, unknown>,
  };
}

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

function bash(
  options: readonly string[],
  script: string,
  cwd: string,
  env: Record<string, string>,
): Promise<Run> {
  const file = path.join(cwd, `step-${String(Math.random()).slice(2)}.sh`);
  writeFileSync(file, script);
  return new Promise((resolve) => {
    execFile('bash', [...options, file], { cwd, env }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : -1;
      resolve({ code, stdout, stderr });
    });
  });
}

/** `${{ expr }}` replaced from `context`; an expression the test does not know fails it. */
function expand(text: string, context: Record<string, string>): string {
  return text.replace(/\$\{\{\s*(.+?)\s*\}\}/g, (_whole, expression: string) => {
    const value = context[expression];
    if (value === undefined) throw new Error(`the snippet uses \${{ ${expression} }}`);
    return value;
  });
}

const DOCUMENTS = [
  serviceDocument('checkout', 'payments'),
  sloDocument('checkout-availability', 'checkout'),
  {
    apiVersion: 'headroom/v1',
    kind: 'ErrorBudgetPolicy',
    metadata: { name: 'launch-freeze' },
    spec: {
      appliesTo: { services: ['checkout'] },
      onUnavailable: 'allow',
      rules: [{ name: 'frozen', when: 'freeze', effect: 'deny', unlessLabels: ['rollback'] }],
      freezes: {
        adHoc: [
          {
            name: 'launch',
            start: '2020-01-01T00:00:00Z',
            end: '2099-01-01T00:00:00Z',
            reason: 'the big launch',
          },
        ],
      },
    },
  },
];

describe('the CI snippets of docs/ci.md', () => {
  let directory: string;
  let server: ServerProcess;
  let shims: string;
  const { github, gitlab } = snippets();

  beforeAll(async () => {
    directory = mkdtempSync(path.join(tmpdir(), 'headroom-ci-'));
    server = await spawnServer(['--data-dir', path.join(directory, 'data')], {
      HEADROOM_BOOTSTRAP_TOKEN: TOKEN,
    });
    const applied = await api(server.url, TOKEN, 'POST', '/api/v1/apply', {
      documents: DOCUMENTS,
    });
    expect(applied.status).toBe(200);
    // What `npm install --global` would have put on PATH.
    shims = path.join(directory, 'bin');
    mkdirSync(shims);
    const cli = path.join(shims, 'headroom');
    writeFileSync(
      cli,
      `#!/bin/sh\nexec "${process.execPath}" "${path.join(root, 'bin/headroom')}" "$@"\n`,
    );
    chmodSync(cli, 0o755);
  });

  afterAll(async () => {
    server.child.kill('SIGTERM');
    await server.exited;
    rmSync(directory, { recursive: true, force: true });
  });

  /** A checkout of the repository: its Headroom config and its deploy script. */
  function checkout(): string {
    const work = mkdtempSync(path.join(directory, 'checkout-'));
    mkdirSync(path.join(work, 'headroom'));
    writeFileSync(
      path.join(work, 'headroom/checkout.yaml'),
      DOCUMENTS.map((document) => stringify(document)).join('---\n'),
    );
    writeFileSync(path.join(work, 'deploy.sh'), '#!/bin/sh\necho "$@" >> deployed.txt\n');
    chmodSync(path.join(work, 'deploy.sh'), 0o755);
    return work;
  }

  const baseEnv = () => ({ PATH: `${shims}:${process.env.PATH ?? ''}`, HOME: directory });

  interface GithubOutcome {
    readonly steps: Map<string, Run>;
    /** What each step appended to its $GITHUB_STEP_SUMMARY. */
    readonly summaries: Map<string, string>;
    readonly work: string;
  }

  /** The workflow's job, step by step, as a runner goes through it. */
  async function runGithub(options: {
    readonly url: string;
    readonly commitMessage: string;
    readonly sha: string;
  }): Promise<GithubOutcome> {
    const { env: jobEnv, steps } = github.jobs.deploy;
    const work = checkout();
    const outputs: Record<string, string> = {};
    const outcomes = new Map<string, Run>();
    const summaries = new Map<string, string>();
    let failed = false;
    for (const step of steps) {
      if (step.uses !== undefined) continue;
      if (step.name === 'Install the Headroom CLI') {
        expect(step.run).toContain('npm install --global');
        continue;
      }
      const context: Record<string, string> = {
        'secrets.HEADROOM_TOKEN': TOKEN,
        'github.sha': options.sha,
        'github.event.head_commit.message': options.commitMessage,
        'steps.gate.outputs.decision': outputs.decision ?? '',
        'steps.gate.outputs.label': outputs.label ?? '',
        'job.status': failed ? 'failure' : 'success',
      };
      if (step.if !== undefined) {
        // The one condition the snippet uses: after the gate answered yes, whatever followed.
        expect(step.if).toBe("always() && steps.gate.outcome == 'success'");
        if (outcomes.get('Ask the deploy gate')?.code !== 0) continue;
      } else if (failed) continue;
      const outputFile = path.join(work, `output-${String(outcomes.size)}`);
      writeFileSync(outputFile, '');
      const summaryFile = path.join(work, `summary-${String(outcomes.size)}`);
      writeFileSync(summaryFile, '');
      const env: Record<string, string> = {
        ...baseEnv(),
        GITHUB_ACTOR: 'alice',
        GITHUB_SHA: options.sha,
        GITHUB_OUTPUT: outputFile,
        GITHUB_STEP_SUMMARY: summaryFile,
      };
      for (const [name, value] of Object.entries({ ...jobEnv, ...step.env })) {
        env[name] = expand(value, context);
      }
      // The example's server is a placeholder for the one under test.
      env.HEADROOM_URL = options.url;
      // GitHub's own command lines for `shell: bash` and for a step without a shell.
      const shell = step.shell === 'bash' ? ['--noprofile', '--norc', '-eo', 'pipefail'] : ['-e'];
      const run = await bash(shell, expand(step.run ?? '', context), work, env);
      outcomes.set(step.name ?? '', run);
      summaries.set(step.name ?? '', readFileSync(summaryFile, 'utf8'));
      if (run.code !== 0) failed = true;
      for (const line of readFileSync(outputFile, 'utf8').split('\n')) {
        const at = line.indexOf('=');
        if (at > 0) outputs[line.slice(0, at)] = line.slice(at + 1);
      }
    }
    return { steps: outcomes, summaries, work };
  }

  const deploysOf = async (service: string) =>
    (await api(server.url, TOKEN, 'GET', `/api/v1/deploys?service=${service}`)).body as {
      version: string;
      status: string;
      decision: string | null;
      actor: string;
      labels: string[];
      againstDenial: boolean;
    }[];

  it('GitHub Actions: a held deploy stops the job with the reasons in its log', async () => {
    const { steps, summaries, work } = await runGithub({
      url: server.url,
      commitMessage: 'a new checkout button',
      sha: 'a1b2c3d',
    });
    const gate = steps.get('Ask the deploy gate');
    expect(gate?.code).toBe(1);
    expect(gate?.stdout).toContain('DENIED: checkout a1b2c3d may not be deployed now by alice');
    expect(gate?.stdout).toContain('Freeze launch (the big launch) holds deploys until');
    expect([...steps.keys()]).toEqual(['Ask the deploy gate']);
    expect(() => readFileSync(path.join(work, 'deployed.txt'))).toThrow();
    // The run's summary page says it too, with the whole answer.
    const summary = summaries.get('Ask the deploy gate') ?? '';
    expect(summary).toMatch(/^### Deploy gate: checkout a1b2c3d: DENIED\n\n```text\nDENIED: /);
    expect(summary).toContain('Freeze launch (the big launch) holds deploys until');
  });

  it('GitHub Actions: a rollback goes out and is recorded with its decision', async () => {
    const { steps, work } = await runGithub({
      url: server.url,
      commitMessage: 'Revert the button [rollback]',
      sha: 'e4f5a6b',
    });
    expect(steps.get('Ask the deploy gate')?.code).toBe(0);
    expect(readFileSync(path.join(work, 'deployed.txt'), 'utf8')).toBe('checkout e4f5a6b\n');
    const record = steps.get('Record the deploy');
    expect(record?.stderr).toBe('');
    expect(record?.code).toBe(0);
    const [deploy] = await deploysOf('checkout');
    expect(deploy).toMatchObject({
      version: 'e4f5a6b',
      status: 'finished',
      actor: 'alice',
      // Recorded as it was gated: a rollback, for the change-failure figure.
      labels: ['rollback'],
      againstDenial: false,
    });
    expect(deploy?.decision).toMatch(/^dec_\w+$/);
    const decision = await api(
      server.url,
      TOKEN,
      'GET',
      `/api/v1/deploys/decisions/${deploy?.decision ?? ''}`,
    );
    expect(decision.body).toMatchObject({ allowed: true, labels: ['rollback'] });
  });

  it('GitHub Actions: with the server away, the policies in the checkout decide, and the job stays green', async () => {
    const { steps, work } = await runGithub({
      url: `http://127.0.0.1:${String(await closedPort())}`,
      commitMessage: 'a new checkout button',
      sha: 'c7d8e9f',
    });
    const gate = steps.get('Ask the deploy gate');
    expect(gate?.code).toBe(0);
    // A refused connection is asked again twice, as a restarting server would want.
    expect(gate?.stderr).toContain(
      'connection refused; is it running? (set --url or HEADROOM_URL); asking again in 2 s',
    );
    expect(gate?.stderr).toContain(
      'checkout is ALLOWED WITHOUT A DECISION (onUnavailable: allow, from the policies in headroom/: launch-freeze)',
    );
    expect(readFileSync(path.join(work, 'deployed.txt'), 'utf8')).toBe('checkout c7d8e9f\n');
    // Nothing to record it on: the warning, and a green step.
    const record = steps.get('Record the deploy');
    expect(record?.code).toBe(0);
    expect(record?.stdout).toContain(
      '::warning::the deploy went out but could not be recorded in Headroom',
    );
  });

  /** One job of .gitlab-ci.yml, its script lines in one shell as the runner runs them. */
  async function runGitlabJob(
    name: string,
    work: string,
    variables: Record<string, string>,
  ): Promise<Run & { afterScript?: Run }> {
    const job = gitlab[name] as GitlabJob;
    expect(job.before_script?.join('\n')).toContain('npm install --global');
    const env: Record<string, string> = {
      ...baseEnv(),
      ...(gitlab.variables as Record<string, string>),
      ...variables,
    };
    const run = await bash(['-e'], job.script.join('\n'), work, env);
    if (job.after_script === undefined) return run;
    const afterScript = await bash(['-e'], job.after_script.join('\n'), work, {
      ...env,
      CI_JOB_STATUS: run.code === 0 ? 'success' : 'failed',
    });
    return { ...run, afterScript };
  }

  const gitlabVariables = (url: string, message: string, sha: string) => ({
    HEADROOM_URL: url,
    HEADROOM_TOKEN: TOKEN,
    GITLAB_USER_LOGIN: 'bram',
    CI_COMMIT_MESSAGE: message,
    CI_COMMIT_SHA: `${sha}0000000000000000000000000000000000`,
    CI_COMMIT_SHORT_SHA: sha,
  });

  it('GitLab CI: the gate job hands its decision to the deploy job, which records the deploy', async () => {
    const work = checkout();
    const variables = gitlabVariables(server.url, 'Revert the button [rollback]', '1a2b3c4d');
    const gate = await runGitlabJob('deploy-gate', work, variables);
    expect(gate.stderr).toBe('');
    expect(gate.code).toBe(0);
    // The dotenv report GitLab passes on to the jobs that need this one.
    const handed = Object.fromEntries(
      readFileSync(path.join(work, 'gate.env'), 'utf8')
        .split('\n')
        .filter((line) => line.includes('='))
        .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
    );
    expect(handed.DECISION).toMatch(/^dec_\w+$/);
    const deploy = await runGitlabJob('deploy', work, { ...variables, ...handed });
    expect(deploy.code).toBe(0);
    expect(deploy.afterScript?.code).toBe(0);
    expect(readFileSync(path.join(work, 'deployed.txt'), 'utf8')).toBe('checkout 1a2b3c4d\n');
    const [recorded] = await deploysOf('checkout');
    expect(handed.LABEL).toBe('rollback');
    expect(recorded).toMatchObject({
      version: '1a2b3c4d',
      status: 'finished',
      actor: 'bram',
      labels: ['rollback'],
      decision: handed.DECISION,
    });
  });

  it('GitLab CI: a held deploy fails the gate job, so the deploy job never runs', async () => {
    const work = checkout();
    const gate = await runGitlabJob(
      'deploy-gate',
      work,
      gitlabVariables(server.url, 'a new checkout button', '5e6f7a8b'),
    );
    expect(gate.code).toBe(1);
    expect(gate.stdout).toContain('DENIED: checkout 5e6f7a8b may not be deployed now by bram');
  });
});
