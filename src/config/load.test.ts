import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { formatIssue } from './document.js';
import { loadConfig } from './load.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const fixtures = 'test/fixtures/config/headroom';

async function messagesOf(paths: string[], cwd = root): Promise<string[]> {
  const { issues } = await loadConfig(paths, { cwd });
  return issues.map(formatIssue);
}

describe('loadConfig messages', () => {
  const bad = `${fixtures}/bad`;
  it.each([
    [
      'unknown field',
      'unknown-field.yaml',
      '5:3: error: metadata.lables: unknown field "lables"; did you mean "labels"? (expected one of: name, labels, annotations) [unknown_field]',
    ],
    [
      'bad duration',
      'bad-duration.yaml',
      '10:11: error: spec.window: durations are whole minutes in "30s"; expected a duration such as 5m, 1h30m, 7d or 4w (units m, h, d, w) [invalid_duration]',
    ],
    [
      'objective out of range',
      'objective-out-of-range.yaml',
      '9:14: error: spec.objective: objective 100 leaves no error budget; use a percentage below 100, e.g. 99.9 [out_of_range]',
    ],
    [
      'unknown service',
      'unknown-service.yaml',
      '13:12: error: spec.service: no Service named "chekout"; did you mean "checkout"? [unknown_service]',
    ],
    [
      'duplicate name',
      'duplicate-name.yaml',
      `11:9: error: metadata.name: duplicate Service "checkout"; the first is at ${bad}/duplicate-name.yaml:4; names are unique per kind [duplicate_name]`,
    ],
    [
      'dependency cycle',
      'dependency-cycle.yaml',
      '26:16: error: spec.dependencies[0].service: dependency cycle: checkout -> payments-api -> ledger -> checkout; dependencies must not loop [dependency_cycle]',
    ],
    [
      'missing required field',
      'missing-field.yaml',
      '6:3: error: spec.team: required field is missing; expected string [missing_field]',
    ],
    [
      'wrong type',
      'wrong-type.yaml',
      '7:17: error: spec.dependencies: expected array, got string "payments-api" [invalid_type]',
    ],
    [
      'YAML syntax error',
      'yaml-syntax.yaml',
      '8:3: error: invalid YAML: Flow sequence in block collection must be sufficiently indented and end with a ] [yaml_syntax]',
    ],
    [
      'unknown apiVersion',
      'unknown-api-version.yaml',
      `1:13: error: apiVersion: unknown apiVersion "headroom/v2" (did you mean "headroom/v1"?); supported are apiVersion: headroom/v1, apiVersion: openslo/v1, or Sloth's version: prometheus/v1 [unknown_format]`,
    ],
    [
      'unknown kind',
      'unknown-kind.yaml',
      '2:7: error: kind: unknown kind "Slo" for headroom/v1; did you mean "SLO"? (expected one of: Service, SLO, DataSource, Schedule, ErrorBudgetPolicy, EscalationPolicy, Runbook, IncidentSettings, Heartbeat) [unknown_kind]',
    ],
    [
      'timeslices without timeSliceTarget',
      'timeslices-without-target.yaml',
      '11:20: error: spec.budgetingMethod: budgetingMethod timeslices needs timeSliceTarget: the percentage of good events that makes a one-minute slice good, e.g. 95 [missing_field]',
    ],
    [
      'bad duration in a heartbeat schedule',
      'heartbeat-bad-every.yaml',
      '8:12: error: spec.schedule.every: unknown unit "q" in "5q"; expected a duration such as 5m, 1h30m, 7d or 4w (units m, h, d, w) [invalid_duration]',
    ],
    [
      'heartbeat schedule with both cron and every',
      'heartbeat-both-schedules.yaml',
      '8:5: error: spec.schedule: a schedule is {cron: "<expression>", timeZone: <IANA zone>} or {every: <duration>}; got a mapping with cron and every [invalid_type]',
    ],
  ])('reports a %s as file:line:column: error: path: message [code]', async (_, file, message) => {
    expect(await messagesOf([`${bad}/${file}`])).toEqual([`${bad}/${file}:${message}`]);
  });

  it('reports every mistake of one file at once, in file order', async () => {
    const file = `${bad}/several-mistakes.yaml`;
    const messages = await messagesOf([file]);
    expect(messages.map((message) => message.slice(file.length + 1))).toEqual([
      '5:9: error: metadata.name: "Checkout_Service" is not a valid name; use lowercase letters, digits and "-", starting and ending with a letter or digit, at most 63 characters [invalid_name]',
      '7:3: error: spec.team: required field is missing; expected string [missing_field]',
      '7:3: error: spec.teem: unknown field "teem"; did you mean "team"? (expected one of: team, tier, description, runbook, dependencies) [unknown_field]',
      '8:9: error: spec.tier: expected one of "critical", "standard", "low" [invalid_value]',
      '9:12: error: spec.runbook: runbook must be an http(s) URL such as https://runbooks.example.com/checkout; got "wiki/checkout" [invalid_url]',
      '12:17: error: spec.dependencies[0].critical: expected boolean, got string "yes please" [invalid_type]',
      '22:7: error: spec.sli.threshold.value: required field is missing; expected number [missing_field]',
      '22:17: error: spec.sli.threshold.operator: expected one of "lte", "lt", "gte", "gt" [invalid_value]',
      '23:14: error: spec.objective: objective 0 is out of range; use a percentage above 0 and below 100, e.g. 99.9 [out_of_range]',
      '25:15: error: spec.window.calendar: expected one of "week", "month", "quarter" [invalid_value]',
      '26:15: error: spec.window.timeZone: unknown time zone "Europe/Amsterdm"; expected an IANA zone name such as Europe/Amsterdam or UTC [invalid_time_zone]',
      '27:20: error: spec.timeSliceTarget: timeSliceTarget applies only to budgetingMethod: timeslices; set budgetingMethod: timeslices or remove timeSliceTarget [conflicting_fields]',
      '32:22: error: spec.alerting.rules[0].shortWindow: shortWindow must be shorter than longWindow (e.g. longWindow: 1h, shortWindow: 5m) [out_of_range]',
      '33:17: error: spec.alerting.rules[0].factor: factor must be above 0: the burn rate that fires the alert, e.g. 14.4 [out_of_range]',
    ]);
  });

  it('reads the good fixtures and the example config without an issue', async () => {
    const good = await loadConfig([`${fixtures}/good`], { cwd: root });
    expect(good.issues).toEqual([]);
    expect(good.model.services.map((service) => service.name)).toEqual(['web', 'api']);

    const example = await loadConfig(['examples/config'], { cwd: root });
    expect(example.issues).toEqual([]);
    expect(example.model.services.map((service) => `${service.name}:${service.tier}`)).toEqual([
      'checkout:critical',
      'payments-api:critical',
      'recommendations:low',
    ]);
    expect(example.model.slos.map((slo) => slo.name).sort()).toEqual([
      'checkout-availability',
      'checkout-latency',
      'payments-api-availability',
      'payments-api-uptime',
      'recommendations-availability',
    ]);
  });
});

describe('docs/config.md', () => {
  it('shows an example that validates', async () => {
    const doc = await readFile(path.join(root, 'docs/config.md'), 'utf8');
    const example = /## Example\s+```yaml\n([\s\S]*?)```/.exec(doc)?.[1];
    expect(example).toBeDefined();
    const dir = await mkdtemp(path.join(tmpdir(), 'headroom-doc-'));
    try {
      await writeFile(path.join(dir, 'example.yaml'), example ?? '');
      const { model, issues } = await loadConfig(['example.yaml'], { cwd: dir });
      expect(issues).toEqual([]);
      expect(model.slos.map((slo) => slo.name)).toEqual([
        'checkout-latency',
        'payments-api-uptime',
      ]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('loadConfig files', () => {
  let dir: string;
  const write = async (file: string, text: string): Promise<void> => {
    await mkdir(path.dirname(path.join(dir, file)), { recursive: true });
    await writeFile(path.join(dir, file), text);
  };
  const service = (name: string): string =>
    `apiVersion: headroom/v1\nkind: Service\nmetadata: { name: ${name} }\nspec: { team: t }\n`;

  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'headroom-load-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('walks directories recursively in sorted order, skipping hidden entries, node_modules and other files', async () => {
    await write('b.yaml', service('b'));
    await write('a/z.yml', service('az'));
    await write('a/b.YAML', service('ab'));
    await write('.hidden/x.yaml', 'not: headroom');
    await write('.x.yaml', 'not: headroom');
    await write('node_modules/pkg/x.yaml', 'not: headroom');
    await write('notes.txt', 'not yaml');
    const { model, issues, files } = await loadConfig(['.'], { cwd: dir });
    expect(issues).toEqual([]);
    expect(files).toEqual(['a/b.YAML', 'a/z.yml', 'b.yaml']);
    expect(model.services.map((item) => item.name)).toEqual(['ab', 'az', 'b']);
  });

  it('reads every document of a multi-document file and skips empty ones', async () => {
    await write('all.yaml', `---\n${service('a')}---\n# nothing here\n---\n${service('b')}---\n`);
    const { model, issues } = await loadConfig(['all.yaml'], { cwd: dir });
    expect(issues).toEqual([]);
    expect(model.services.map((item) => item.name)).toEqual(['a', 'b']);
  });

  it('skips a document with a YAML syntax error and keeps the others of its file', async () => {
    await write('all.yaml', `${service('a')}---\nkey: [unclosed\n---\n${service('b')}`);
    const { model, issues } = await loadConfig(['all.yaml'], { cwd: dir });
    expect(issues.map(formatIssue)).toEqual([
      'all.yaml:7:1: error: invalid YAML: Flow sequence in block collection must be sufficiently indented and end with a ] [yaml_syntax]',
    ]);
    expect(model.services.map((item) => item.name)).toEqual(['a', 'b']);
  });

  it('reports a path that does not exist, and a directory without config files', async () => {
    await mkdir(path.join(dir, 'empty'));
    expect(await messagesOf(['missing.yaml', 'empty/'], dir)).toEqual([
      'missing.yaml:1:1: error: no such file or directory [not_found]',
      'empty:1:1: error: no .yaml or .yml files in this directory [no_config_files]',
    ]);
  });

  it('reads a file named twice only once', async () => {
    await write('a.yaml', service('a'));
    const { issues, files } = await loadConfig(['.', 'a.yaml', './a.yaml'], { cwd: dir });
    expect(issues).toEqual([]);
    expect(files).toEqual(['a.yaml']);
  });

  it('orders issues by file in reading order, then by line', async () => {
    await write('b.yaml', `${service('dup')}---\n${service('Bad')}`);
    await write('a.yaml', service('dup'));
    expect(await messagesOf(['.'], dir)).toEqual([
      'b.yaml:3:19: error: metadata.name: duplicate Service "dup"; the first is at a.yaml:3; names are unique per kind [duplicate_name]',
      'b.yaml:8:19: error: metadata.name: "Bad" is not a valid name; use lowercase letters, digits and "-", starting and ending with a letter or digit, at most 63 characters [invalid_name]',
    ]);
  });

  it.each([
    [
      'apiVersion: openslo/v1alpha',
      '1:13: error: apiVersion: OpenSLO v1alpha is not supported; upgrade the document to apiVersion: openslo/v1',
      'unsupported_format',
    ],
    [
      'apiVersion: openslo.com/v2alpha',
      '1:13: error: apiVersion: OpenSLO v2alpha is not supported; write it as apiVersion: openslo/v1',
      'unsupported_format',
    ],
    [
      'apiVersion: sloth.slok.dev/v1',
      "1:13: error: apiVersion: Sloth's Kubernetes resource (PrometheusServiceLevel) is not supported; write its spec as a Sloth file with version: prometheus/v1",
      'unsupported_format',
    ],
    ['apiVersion: v1', '1:13: error: apiVersion: unknown apiVersion "v1"', 'unknown_format'],
    [
      'version: prometheus/v2',
      '1:10: error: version: unknown Sloth version "prometheus/v2"',
      'unknown_format',
    ],
    ['kind: Service', '1:1: error: apiVersion: required field is missing', 'unknown_format'],
  ])('rejects a document with %s', async (line, start, code) => {
    await write('x.yaml', `${line}\nmetadata: { name: a }\n`);
    const [message, ...rest] = await messagesOf(['x.yaml'], dir);
    expect(rest).toEqual([]);
    expect(message).toMatch(
      new RegExp(
        `^x\\.yaml:${escape(start)}.*supported are apiVersion: headroom/v1, apiVersion: openslo/v1, or Sloth's version: prometheus/v1 \\[${code}\\]$`,
      ),
    );
  });

  it.each([
    ['- a list', 'a list'],
    ['just text', 'string "just text"'],
  ])('rejects a document that is not a mapping: %s', async (text, found) => {
    await write('x.yaml', `${text}\n`);
    expect(await messagesOf(['x.yaml'], dir)).toEqual([
      `x.yaml:1:1: error: expected a mapping with apiVersion, kind, metadata and spec; got ${found} [unknown_format]`,
    ]);
  });

  it('reads OpenSLO documents across files together, and Sloth files, next to headroom/v1 ones', async () => {
    await write(
      'openslo/service.yaml',
      'apiVersion: openslo/v1\nkind: Service\nmetadata:\n  name: search\nspec:\n  description: Finds things.\n',
    );
    await write(
      'headroom.yaml',
      'apiVersion: headroom/v1\nkind: SLO\nmetadata: { name: search-availability }\nspec:\n  service: search\n  sli: { ratio: {} }\n  objective: 99\n  window: 28d\n',
    );
    await write(
      'sloth.yaml',
      'version: prometheus/v1\nservice: catalog\nslos:\n  - name: catalog-requests\n    objective: 99.9\n    sli:\n      events:\n        error_query: sum(rate(errors[{{.window}}]))\n        total_query: sum(rate(requests[{{.window}}]))\n    alerting:\n      page_alert: { disable: true }\n      ticket_alert: { disable: true }\n',
    );
    const { model, issues } = await loadConfig(['.'], { cwd: dir });
    expect(issues.filter((issue) => issue.severity === 'error')).toEqual([]);
    expect(model.services.map((item) => item.name).sort()).toEqual(['catalog', 'search']);
    expect(model.slos.map((item) => item.service).sort()).toEqual(['catalog', 'search']);
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
