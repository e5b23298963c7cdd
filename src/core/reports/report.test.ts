import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ActionItem } from '../postmortem/action-items.js';
import { onCallLoad } from './oncall-load.js';
import {
  changeFailureRate,
  percent,
  overdueAsOf,
  postmortemFigures,
  renderReportHtml,
  renderReportMarkdown,
  reportJson,
  sloCompliance,
  type ReliabilityReport,
  type ServiceReliability,
} from './report.js';
import {
  hours,
  INCIDENT_TOIL_CAP_MS,
  PAGE_TOIL_CAP_MS,
  toilSummary,
  type ToilEntry,
  type ToilSummaryOptions,
} from './toil.js';
import { DEFAULT_WORKING_HOURS } from './working-time.js';

const utc = (text: string) => Date.parse(text);
const FROM = utc('2026-03-22T23:00Z');
const TO = utc('2026-03-29T22:00Z');
const GENERATED = utc('2026-03-30T06:00Z');
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

const item = (overrides: Partial<ActionItem> & Pick<ActionItem, 'id'>): ActionItem => ({
  incidentId: 'inc-1',
  title: 'Add a retry budget',
  owner: 'anna',
  team: 'payments',
  priority: 'P2',
  status: 'open',
  createdAt: FROM,
  ...overrides,
});

const checkout: ServiceReliability = {
  service: 'checkout',
  slos: [
    {
      name: 'latency',
      objective: 0.99,
      sli: 0.985,
      sliBasis: 'window',
      budgetRemaining: -0.5,
      budgetSpent: 0.75,
    },
    {
      name: 'availability',
      objective: 0.999,
      sli: 0.99953,
      sliBasis: 'period',
      budgetRemaining: 0.53,
      budgetSpent: 0.12,
    },
  ],
  burnAlerts: [
    { severity: 'ticket', count: 3 },
    { severity: 'page', count: 2 },
  ],
  incidents: { count: 3, open: 1, mttaMs: 12 * MINUTE + 30_000, mttrMs: 95 * MINUTE },
  postmortems: postmortemFigures(
    [
      { id: 'inc-1', severity: 'SEV1', postmortem: 'published' },
      { id: 'inc-2', severity: 'SEV2', postmortem: 'none' },
      { id: 'inc-3', severity: 'SEV4', postmortem: 'none' },
      { id: 'inc-4', severity: 'SEV3', postmortem: 'in-progress' },
    ],
    [
      // Judged at the period's end (TO), the report being generated after it.
      item({ id: 'ai-1', dueAt: TO - 3 * 86_400_000 }),
      // Done before the end: not overdue then.
      item({ id: 'ai-2', dueAt: TO - 86_400_000, status: 'done', closedAt: TO - HOUR }),
      item({ id: 'ai-3', dueAt: TO + 86_400_000 }),
      item({ id: 'ai-4' }),
      // Still open at the end, done only after it: overdue then.
      item({ id: 'ai-5', dueAt: TO - 2 * 86_400_000, status: 'done', closedAt: TO + HOUR }),
      // Created after the end.
      item({ id: 'ai-6', dueAt: TO + HOUR, createdAt: TO + 1 }),
    ],
    overdueAsOf({ period: { fromMs: FROM, toMs: TO }, generatedAt: GENERATED }),
  ),
  changes: { deploys: 1234, failedDeploys: 123, failedToDeploy: 3, gateDenials: 2 },
};

const tricky: ServiceReliability = {
  service: 'pay<ments> & co|x',
  slos: [
    {
      name: 'a|b <c>',
      objective: 0.9995,
      sli: undefined,
      sliBasis: 'period',
      budgetRemaining: undefined,
      budgetSpent: undefined,
    },
  ],
  burnAlerts: [],
  incidents: { count: 0, open: 0, mttaMs: undefined, mttrMs: undefined },
  postmortems: { published: 0, inProgress: 0, missing: [], overdueActionItems: [] },
  changes: { deploys: 0, failedDeploys: 0, failedToDeploy: 0, gateDenials: 0 },
};

const ANNA_TOIL: ToilEntry = {
  id: 't1',
  team: 'payments',
  person: 'anna',
  service: 'checkout',
  category: 'Manual ops',
  minutes: 1500,
  at: utc('2026-03-24T10:00Z'),
  description: 'hand-run <migrations>',
  source: 'manual',
};
const TOIL_OPTIONS: ToilSummaryOptions = {
  team: 'payments',
  fromMs: FROM,
  toMs: TO,
  working: {
    kind: 'calendar',
    people: [{ name: 'anna', timeZone: 'Europe/Amsterdam', workingHours: DEFAULT_WORKING_HOURS }],
  },
};
const toil = toilSummary([ANNA_TOIL], TOIL_OPTIONS);

const onCall = onCallLoad(
  [
    {
      id: 'p1',
      openedAt: utc('2026-03-27T01:00Z'),
      services: ['checkout'],
      severity: 'page',
      notifiedPeople: [{ person: 'anna', at: utc('2026-03-27T01:00Z') }],
      justification: { sloBurn: false, critical: false },
    },
  ],
  [{ name: 'anna', timeZone: 'Europe/Amsterdam', workingHours: DEFAULT_WORKING_HOURS }],
  { team: 'payments', fromMs: FROM, toMs: TO },
);

const REPORT: ReliabilityReport = {
  team: 'payments',
  period: { fromMs: FROM, toMs: TO },
  zone: 'Europe/Amsterdam',
  generatedAt: GENERATED,
  services: [tricky, checkout],
  toil,
  onCall,
};

const SECTIONS = [
  ['summary', 'Summary'],
  ['slos', 'Service level objectives'],
  ['burn-alerts', 'Burn alerts'],
  ['incidents', 'Incidents'],
  ['postmortems', 'Postmortems'],
  ['changes', 'Changes'],
  ['toil', 'Toil'],
  ['on-call', 'On-call load'],
  ['definitions', 'Definitions'],
] as const;

describe('derived figures', () => {
  it('compliance, change-failure rate, postmortems', () => {
    expect(sloCompliance({ objective: 0.999, sli: 0.999 })).toBe('met');
    expect(sloCompliance({ objective: 0.999, sli: 0.9989 })).toBe('missed');
    expect(sloCompliance({ objective: 0.999, sli: undefined })).toBe('no-data');
    expect(
      changeFailureRate({ deploys: 0, failedDeploys: 0, failedToDeploy: 0, gateDenials: 1 }),
    ).toBeUndefined();
    expect(
      changeFailureRate({ deploys: 20, failedDeploys: 2, failedToDeploy: 1, gateDenials: 0 }),
    ).toBe(0.1);
    expect(checkout.postmortems).toMatchObject({ published: 1, inProgress: 1, missing: ['inc-2'] });
    expect(overdueAsOf({ period: { fromMs: FROM, toMs: TO }, generatedAt: GENERATED })).toBe(TO);
    expect(checkout.postmortems.overdueActionItems.map((i) => i.id)).toEqual(['ai-1', 'ai-5']);
  });

  it('formats numbers without locale', () => {
    expect(percent(0.999, 3)).toBe('99.9%');
    expect(percent(0.99953, 3)).toBe('99.953%');
    expect(percent(-0.0000001, 1)).toBe('0%');
    expect(hours(74_070)).toBe('1,234.5 h');
    expect(hours(60)).toBe('1 h');
    // Some toil, though it rounds to none: not "0 h".
    expect(hours(0.9)).toBe('< 0.1 h');
    expect(hours(0)).toBe('0 h');
  });
});

describe('renderReportMarkdown', () => {
  const markdown = renderReportMarkdown(REPORT);

  it('has every section, in order', () => {
    expect(markdown.startsWith('# Reliability report: payments\n')).toBe(true);
    const positions = SECTIONS.map(([, title]) => markdown.indexOf(`\n## ${title}\n`));
    expect(positions.every((p) => p > 0)).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
    expect(markdown).toContain(
      "### Overdue action items at the period's end (2026-03-30 00:00 +02:00)",
    );
    expect(markdown).toContain('### Missing postmortems');
  });

  it('formats numbers and dates', () => {
    expect(markdown).toContain(
      '- Period: 2026-03-23 00:00 +01:00 to 2026-03-30 00:00 +02:00 (Europe/Amsterdam, end exclusive)',
    );
    expect(markdown).toContain('| checkout | availability | 99.9% | 99.953% | Met | 53% | 12% |');
    expect(markdown).toContain(
      '| checkout | latency | 99% | 98.5% (window) | Missed | -50% | 75% |',
    );
    expect(markdown).toContain('SLIs marked (window) are read from Prometheus');
    expect(markdown).toContain('| checkout | 3 | 1 | 12 min 30 s | 1 h 35 min |');
    expect(markdown).toContain('| checkout | 1,234 | 123 | 10% | 3 | 2 |');
    expect(markdown).toContain(
      // 23:00 the day before in Amsterdam: three days before the end, before summer time.
      '| checkout | Add a retry budget | inc-1 | anna | 2026-03-26 | 3 d |',
    );
    expect(markdown).toContain(
      '| checkout | Add a retry budget | inc-1 | anna | 2026-03-27 | 2 d |',
    );
    expect(markdown).toContain('- SLOs met: 1 of 3 (1 missed, 1 without data)');
    expect(markdown).toContain('- Burn alerts: 5 (page 2, ticket 3)');
    expect(markdown).toContain(
      'Toil: 25 h of 40 h working time, 62.5% against the default cap of 50%.',
    );
    expect(markdown).toContain('> **Warning:** Toil took 62.5% of working time for team payments');
    expect(markdown).toContain('| anna | Europe/Amsterdam | 1 | 1 | 1 | 1 |');
    expect(markdown).toContain('| --- | --- | ---: | ---: | --- | ---: | ---: |');
  });

  it('counts an incident on two of the team’s services once in the summary', () => {
    // inc-2 (SEV2, no postmortem) touched checkout and ledger too.
    const ledger: ServiceReliability = {
      ...tricky,
      service: 'ledger',
      incidents: { count: 1, open: 0, mttaMs: 5 * MINUTE, mttrMs: 40 * MINUTE },
      postmortems: { ...tricky.postmortems, missing: ['inc-2'] },
    };
    const team = { count: 3, open: 1, mttaMs: 11 * MINUTE, mttrMs: 90 * MINUTE };
    const shared = renderReportMarkdown({
      ...REPORT,
      services: [checkout, ledger],
      incidents: team,
    });
    expect(shared).toContain('- Incidents: 3 (1 open); MTTA 11 min; MTTR 1 h 30 min\n');
    expect(shared).toContain('- Postmortems missing (SEV1–SEV2): 1;');
    // Without the team's figures, the summary says it adds up per service.
    expect(renderReportMarkdown({ ...REPORT, services: [checkout, ledger] })).toContain(
      '- Incidents on the services: 4 (1 open)\n',
    );
  });

  it('states its definitions, with the caps and window it used', () => {
    const pageCapHours = PAGE_TOIL_CAP_MS / HOUR;
    const incidentCapHours = INCIDENT_TOIL_CAP_MS / HOUR;
    expect([pageCapHours, incidentCapHours]).toEqual([12, 12]);
    expect(markdown).toContain(
      "- Working hours: Mon–Fri 09:00–17:00 in each person's own time zone",
    );
    expect(markdown).toContain("- Night: 22:00–07:00 in the person's own time zone");
    expect(markdown).toContain('- MTTA: Mean time from the impact start');
    expect(markdown).toContain('- MTTR: Mean time from the impact start to the resolution');
    expect(markdown).toContain(`at most ${pageCapHours} h a page`);
    expect(markdown).toContain(`at most ${incidentCapHours} h a person an incident`);
    expect(markdown).toContain('within 1 h after it');
    expect(renderReportMarkdown({ ...REPORT, changeFailureWithinMinutes: 30 })).toContain(
      'within 30 min after it',
    );
    expect(markdown).toContain('- Noise: A page that neither an SLO burn-rate alert');
    expect(markdown).toContain('not "resolved" e-mails, not undelivered ones');
  });

  it('says each person’s own hours when people keep different ones', () => {
    const people = [
      { name: 'anna', timeZone: 'Europe/Amsterdam', workingHours: DEFAULT_WORKING_HOURS },
      {
        name: 'dana',
        timeZone: 'Asia/Jerusalem',
        workingHours: {
          days: ['sun', 'mon', 'tue', 'wed', 'thu'] as const,
          start: '10:00',
          end: '18:00',
        },
        sleepHours: { start: '23:30', end: '06:30' },
      },
      {
        name: 'eli',
        timeZone: 'UTC',
        workingHours: { days: ['mon', 'wed'] as const, start: '22:00', end: '06:00' },
      },
    ];
    const definitions = reportJson({ ...REPORT, people }).definitions;
    expect(definitions.workingHours).toBe(
      "Each person's working hours (default Mon–Fri 09:00–17:00; dana Sun–Thu 10:00–18:00; eli Mon, Wed 22:00–06:00) in their own time zone (daylight saving included), up to the earlier of the period's end and when the report was generated.",
    );
    expect(definitions.night).toBe(
      "Each person's sleep hours (default 22:00–07:00; dana 23:30–06:30) in their own time zone, named by the date it began.",
    );
    // Everyone on the defaults: the fixed wording, as before.
    const [anna] = people;
    expect(reportJson({ ...REPORT, people: anna === undefined ? [] : [anna] }).definitions).toEqual(
      reportJson(REPORT).definitions,
    );
  });

  it('says whose cap the toil is held against', () => {
    const teamCap = { ...REPORT, toil: { ...toil, capPercent: 40, capSource: 'team' as const } };
    expect(renderReportMarkdown(teamCap)).toContain("62.5% against the team's cap of 40%.");
    expect(renderReportMarkdown(teamCap)).toContain("of working time (the team's cap of 40%)");
    const asked = { ...REPORT, toil: { ...toil, capPercent: 70, capSource: 'request' as const } };
    expect(renderReportMarkdown(asked)).toContain('against a cap of 70% (asked for).');
    expect(reportJson(teamCap).toil).toMatchObject({ capPercent: 40, capSource: 'team' });
  });

  it('gives no over-cap verdict for someone outside the team’s working time', () => {
    // An incident commander who is no member of the team: seconds of incident time.
    const commander = {
      id: 'incident:1:bootstrap admin',
      team: 'payments',
      person: 'bootstrap admin',
      service: 'checkout',
      category: 'incident-response',
      minutes: 0.2,
      at: utc('2026-03-24T12:00Z'),
      description: 'INC-1 (commander)',
      source: 'incident' as const,
    };
    const withCommander = toilSummary([ANNA_TOIL, commander], TOIL_OPTIONS);
    expect(withCommander.people.map((p) => [p.person, p.overCap])).toEqual([
      ['anna', true],
      ['bootstrap admin', false],
    ]);
    const rendered = renderReportMarkdown({ ...REPORT, toil: withCommander });
    expect(rendered).toMatch(/\| bootstrap admin \| [^|]+ \| — \| — \| — \|\n/);
    expect(rendered).toMatch(/\| anna \| [^|]+ \| [^|]+ \| [^|]+ \| yes \|\n/);
  });

  it('says how many of the team’s pages reached none of its people', () => {
    const silent = {
      id: 'p2',
      team: 'payments',
      openedAt: utc('2026-03-28T12:00Z'),
      services: ['checkout'],
      severity: 'page',
      notifiedPeople: [],
      justification: { sloBurn: true, critical: false },
    };
    const load = onCallLoad(
      [silent],
      [{ name: 'anna', timeZone: 'Europe/Amsterdam', workingHours: DEFAULT_WORKING_HOURS }],
      { team: 'payments', fromMs: FROM, toMs: TO },
    );
    const rendered = renderReportMarkdown({ ...REPORT, onCall: load });
    expect(rendered).toContain(
      "noise 0; opened for the team's services 1, reaching none of its people 1",
    );
    expect(rendered).toContain("1 page was opened for the team's services in the period.");
    expect(rendered).toContain("> **Warning:** 1 page of the team's reached none of its people");
    expect(markdown).not.toContain('reached none of its people');
  });

  it('says why a team nobody is in has no working time', () => {
    const nobody = toilSummary([], {
      team: 'payments',
      fromMs: FROM,
      toMs: TO,
      working: { kind: 'calendar', people: [] },
    });
    const rendered = renderReportMarkdown({ ...REPORT, toil: nobody });
    expect(rendered).toContain('Toil: 0 h of 0 h working time');
    expect(rendered).toContain(
      'Team payments has no members, so there is no working time to hold its toil against.',
    );
    expect(markdown).not.toContain('has no members');
  });

  it('escapes <, & and | in text and cells', () => {
    expect(markdown).toContain(
      '| pay&lt;ments&gt; &amp; co\\|x | a\\|b &lt;c&gt; | 99.95% | — | No data | — | — |',
    );
    expect(markdown).not.toContain('<ments>');
    expect(markdown).not.toContain('<c>');
    const titled = renderReportMarkdown({ ...REPORT, team: 'a <b> & *c*\n# d' });
    expect(titled.split('\n')[0]).toBe('# Reliability report: a &lt;b&gt; &amp; \\*c\\* # d');
  });

  it('says so when there is nothing to show', () => {
    const empty = renderReportMarkdown({
      ...REPORT,
      services: [],
      toil: undefined,
      onCall: undefined,
    });
    expect(empty).toContain('No SLOs.');
    expect(empty).toContain('No burn alerts.');
    expect(empty).toContain('No toil data.');
    expect(empty).toContain('No on-call data.');
  });

  it('shows an unknown zone as UTC and says so', () => {
    const text = renderReportMarkdown({ ...REPORT, zone: 'Mars/Olympus' });
    expect(text).toContain('(UTC, end exclusive)');
    expect(text).toContain('The zone Mars/Olympus is unknown');
  });
});

describe('renderReportHtml', () => {
  const html = renderReportHtml(REPORT);

  it('is a complete, self-contained document', () => {
    expect(html.startsWith('<!DOCTYPE html>\n<html lang="en">')).toBe(true);
    expect(html.trimEnd().endsWith('</html>')).toBe(true);
    expect(html).toContain('<meta charset="utf-8">');
    expect(html).toContain('@media (prefers-color-scheme: dark)');
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/\s(?:src|href)=/i);
    expect(html).not.toMatch(/url\(|@import|<link/i);
    // The only URL is the SVG namespace, which is a name, not a fetch.
    expect(html.match(/https?:\/\/[^"]*/g) ?? []).toEqual(
      Array<string>(3).fill('http://www.w3.org/2000/svg'),
    );
  });

  it('draws on-call load per person as bars', () => {
    const [anna] = onCall.people;
    expect([anna?.pagesReceived, anna?.outOfHoursPages, anna?.nightsInterrupted]).toEqual([
      1, 1, 1,
    ]);
    expect(html).toContain('aria-label="Pages, out of hours and nights interrupted per person"');
    expect(html).toContain(`<title>anna: pages: ${anna?.pagesReceived}</title>`);
    expect(html).toContain(`<title>anna: out of hours: ${anna?.outOfHoursPages}</title>`);
    expect(html).toContain(`<title>anna: nights: ${anna?.nightsInterrupted}</title>`);
    // Every value is the maximum here: each bar is the full width of the track.
    expect(
      html.match(/<rect class="(?:ok|warn|bad)" x="250" y="\d+" width="340"/g)?.length,
    ).toBeGreaterThanOrEqual(3);
  });

  it('leaves room in every chart for its labels and values', () => {
    // 7px a character is wider than 12px system-ui's widest common glyphs on average.
    const CHARACTER = 7;
    const long: ServiceReliability = {
      ...checkout,
      service: 'payments-settlement-reconciliation',
      slos: checkout.slos.map((slo) => ({
        ...slo,
        name: `${slo.name}-of-the-public-api`,
        budgetRemaining: -1.234,
      })),
    };
    const drawn = renderReportHtml({ ...REPORT, services: [long, checkout] });
    expect(drawn).toContain('>-123.4% (overspent)</text>');
    for (const svg of drawn.match(/<svg[^>]*viewBox="0 0 (\d+) \d+"[\s\S]*?<\/svg>/g) ?? []) {
      const width = Number(/viewBox="0 0 (\d+)/.exec(svg)?.[1]);
      for (const [, x, anchor, text] of svg.matchAll(
        /<text x="([\d.]+)" y="[\d.]+"(?: text-anchor="(\w+)")?>([^<]*)<\/text>/g,
      )) {
        const shown = (text ?? '').replace(/&(?:lt|gt|amp|quot|#39);/g, '_');
        const length = Array.from(shown).length * CHARACTER;
        const start = anchor === 'end' ? Number(x) - length : Number(x);
        const end = anchor === 'end' ? Number(x) : Number(x) + length;
        if (anchor === 'middle') continue;
        expect(start, text).toBeGreaterThanOrEqual(0);
        expect(end, text).toBeLessThanOrEqual(width);
      }
    }
  });

  it('has every section and all charts', () => {
    for (const [id, title] of SECTIONS) {
      expect(html).toContain(`<section id="${id}">\n<h2>${title}</h2>`);
    }
    expect(html).toContain('aria-label="Error budget remaining per SLO"');
    expect(html).toContain('aria-label="Toil share of working time against the cap"');
    expect(html).toContain('<line class="marker"');
    expect(html).toContain('>cap 50%</text>');
    expect(html).toContain('>-50% (overspent)</text>');
  });

  it('escapes text', () => {
    expect(html).toContain('<td>pay&lt;ments&gt; &amp; co|x</td>');
    expect(html).not.toContain('<ments>');
    expect(html).toContain('<td class="num">1,234</td>');
  });
});

describe('reportJson', () => {
  it('is plain JSON with the derived figures', () => {
    const json = reportJson(REPORT);
    expect(JSON.parse(JSON.stringify(json))).toEqual(json);
    expect(json.services.map((s) => s.service)).toEqual(['checkout', 'pay<ments> & co|x']);
    expect(json.services[0]?.slos[0]).toEqual({
      name: 'availability',
      objective: 0.999,
      sli: 0.99953,
      sliBasis: 'period',
      budgetRemaining: 0.53,
      budgetSpent: 0.12,
      compliance: 'met',
    });
    expect(json.services[1]?.slos[0]?.sli).toBeNull();
    expect(json.services[0]?.changes.changeFailureRate).toBeCloseTo(0.0997, 4);
    expect(json.period.from).toBe('2026-03-23T00:00:00.000+01:00');
    expect(json.generatedAtLocal).toBe('2026-03-30T08:00:00.000+02:00');
    expect(json.toil?.people[0]?.person).toBe('anna');
    expect(reportJson({ ...REPORT, toil: undefined }).toil).toBeNull();
    expect(Object.keys(json.definitions)).toEqual([
      'workingHours',
      'night',
      'compliance',
      'mtta',
      'mttr',
      'changeFailure',
      'toil',
      'pages',
      'noise',
    ]);
    expect(json.definitions.changeFailure).toContain('within 1 h after it');
  });
});

// Strings that try to break out of Markdown and HTML, mixed with arbitrary text.
const text = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.constantFrom('<script>alert(1)</script>', 'a|b', '&amp;', '</td><script>', '"\'', '\n# x'),
);
const fraction = fc.double({ min: -2, max: 1, noNaN: true });
const service = fc.record({
  service: text,
  slos: fc.array(
    fc.record({
      name: text,
      objective: fc.double({ min: 0.5, max: 0.99999, noNaN: true }),
      sli: fc.option(fc.double({ min: 0, max: 1, noNaN: true }), { nil: undefined }),
      sliBasis: fc.constantFrom('period' as const, 'window' as const),
      budgetRemaining: fc.option(fraction, { nil: undefined }),
      budgetSpent: fc.option(fraction, { nil: undefined }),
    }),
    { maxLength: 3 },
  ),
  burnAlerts: fc.array(fc.record({ severity: text, count: fc.nat(50) }), { maxLength: 2 }),
  incidents: fc.record({
    count: fc.nat(20),
    open: fc.nat(5),
    mttaMs: fc.option(fc.nat(10_000_000), { nil: undefined }),
    mttrMs: fc.option(fc.nat(100_000_000), { nil: undefined }),
  }),
  postmortems: fc.record({
    published: fc.nat(5),
    inProgress: fc.nat(5),
    missing: fc.array(text, { maxLength: 2 }),
    overdueActionItems: fc.array(
      fc.record({
        id: text,
        incidentId: text,
        title: text,
        owner: text,
        dueAt: fc.integer({ min: FROM - 1e9, max: GENERATED }),
      }),
      { maxLength: 2 },
    ),
  }),
  changes: fc.record({
    deploys: fc.nat(100),
    failedDeploys: fc.nat(10),
    failedToDeploy: fc.nat(5),
    gateDenials: fc.nat(5),
  }),
});
const report: fc.Arbitrary<ReliabilityReport> = fc.record({
  team: text,
  period: fc.constant({ fromMs: FROM, toMs: TO }),
  zone: fc.constantFrom('Europe/Amsterdam', 'America/New_York', 'UTC', 'Nowhere/Else'),
  generatedAt: fc.integer({ min: TO, max: TO + 1e9 }),
  services: fc.array(service, { maxLength: 3 }),
  toil: fc.constantFrom(toil, undefined),
  onCall: fc.constantFrom(onCall, undefined),
});

describe('laws', () => {
  it('the same report renders to the same output (law)', () => {
    fc.assert(
      fc.property(report, (r) => {
        const copy = structuredClone(r);
        expect(renderReportMarkdown(copy)).toBe(renderReportMarkdown(r));
        expect(renderReportHtml(copy)).toBe(renderReportHtml(r));
        expect(JSON.stringify(reportJson(copy))).toBe(JSON.stringify(reportJson(r)));
      }),
    );
  });

  it('the order services are given in does not change the output (law)', () => {
    fc.assert(
      fc.property(report, (r) => {
        const reversed = { ...r, services: [...r.services].reverse() };
        const names = r.services.map((s) => s.service);
        fc.pre(new Set(names).size === names.length);
        expect(renderReportMarkdown(reversed)).toBe(renderReportMarkdown(r));
        expect(renderReportHtml(reversed)).toBe(renderReportHtml(r));
      }),
    );
  });

  it('no text gets out: no < in Markdown, no <script in HTML, JSON round-trips (law)', () => {
    fc.assert(
      fc.property(report, (r) => {
        expect(renderReportMarkdown(r)).not.toContain('<');
        expect(renderReportHtml(r)).not.toMatch(/<script/i);
        const json = reportJson(r);
        expect(JSON.parse(JSON.stringify(json))).toEqual(json);
      }),
    );
  });
});
