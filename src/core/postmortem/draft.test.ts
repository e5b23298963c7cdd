import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ActionItem } from './action-items.js';
import {
  draftPostmortem,
  POSTMORTEM_SECTIONS,
  PREAMBLE_SECTION,
  TO_WRITE,
  unwrittenSections,
  type PostmortemFacts,
} from './draft.js';
import { formatElapsed, tableCell } from './markdown.js';
import { facts, MINUTE, T0 } from './test-support.js';

function headings(markdown: string, prefix: string): string[] {
  return markdown
    .split('\n')
    .filter((line) => line.startsWith(prefix))
    .map((line) => line.slice(prefix.length));
}

function sectionText(markdown: string, heading: string): string {
  const start = markdown.indexOf(`## ${heading}\n`);
  const next = markdown.indexOf('\n## ', start + 1);
  return markdown.slice(start, next === -1 ? undefined : next);
}

describe('draftPostmortem', () => {
  const markdown = draftPostmortem(facts());

  it('starts with the title and the metadata block', () => {
    const lines = markdown.split('\n');
    expect(lines[0]).toBe('# Postmortem: INC-42 — Checkout errors after deploy');
    expect(markdown).toContain('- **Postmortem status:** Draft');
    expect(markdown).toContain(
      '- **Incident:** INC-42, severity SEV2 (Major customer impact), resolved',
    );
    expect(markdown).toContain('- **Date:** 2026-03-10');
    expect(markdown).toContain(`- **Authors:** ${TO_WRITE}`);
    expect(markdown).toContain('- **Services:** checkout, payments');
  });

  it('has the template sections in order', () => {
    expect(headings(markdown, '## ')).toEqual([...POSTMORTEM_SECTIONS]);
    expect(headings(markdown, '### ')).toEqual([
      'payments-latency (payments)',
      'checkout-availability (checkout)',
      'Notes from the response',
      'Resolution steps',
    ]);
  });

  it('shows the moments in the zone and the durations in words', () => {
    const impact = sectionText(markdown, 'Impact');
    expect(impact).toContain('Times are in Europe/Paris.');
    expect(impact).toContain('| Started | 2026-03-10 14:00:00 +01:00 | — |');
    expect(impact).toContain('| Detected | 2026-03-10 14:04:00 +01:00 | 4 min |');
    expect(impact).toContain('| Mitigated | 2026-03-10 15:12:00 +01:00 | 1 h 12 min |');
    expect(impact).toContain('| Resolved | 2026-03-10 17:05:00 +01:00 | 3 h 5 min |');
    expect(impact).toContain('- **Time to detect:** 4 min');
    expect(impact).toContain('- **Time to acknowledge:** 2 min');
    expect(impact).toContain('- **Time to mitigate:** 1 h 12 min');
    expect(impact).toContain('- **Time to resolve:** 3 h 5 min');
    expect(impact).toContain('- **Duration of impact:** 1 h 12 min (start to mitigation)');
    expect(impact).toContain(TO_WRITE);
  });

  it('prefers the durations the incident recorded', () => {
    const base = facts();
    const text = draftPostmortem({
      ...base,
      incident: { ...base.incident, timeToAcknowledgeMs: 90_000 },
    });
    expect(sectionText(text, 'Impact')).toContain('- **Time to acknowledge:** 1 min 30 s');
    expect(sectionText(text, 'Response')).toContain('- **Time to acknowledge:** 1 min 30 s');
  });

  it('says how long an unresolved incident has lasted', () => {
    const base = facts();
    const open = {
      ...base.incident,
      mitigatedAt: undefined,
      resolvedAt: undefined,
      status: 'investigating',
    };
    const text = draftPostmortem({ ...base, incident: open });
    expect(text).toContain('| Resolved | not resolved yet | — |');
    expect(text).toContain('ongoing when this draft was generated (1 d so far)');
  });

  it('fills one table per SLO with the budget to two decimals, most consumed first', () => {
    const slos = sectionText(markdown, 'SLOs and error budget');
    expect(slos.indexOf('### payments-latency')).toBeLessThan(
      slos.indexOf('### checkout-availability'),
    );
    expect(slos).toContain('| Objective | 99.9 % |');
    expect(slos).toContain('| Bad events | 12,345 of 1,000,000 (1.23 % of events) |');
    expect(slos).toContain('| Error budget consumed | 12.35 % |');
    expect(slos).toContain('| Error budget remaining at the end | 40.00 % |');
    expect(slos).toContain('| Error budget consumed | 50.00 % |');
    expect(slos).toContain('| Error budget remaining at the end | unknown |');
  });

  it('lists the timeline in time order with escaped cells', () => {
    const timeline = sectionText(markdown, 'Timeline');
    const rows = timeline.split('\n').filter((line) => line.startsWith('| 2026'));
    expect(rows).toEqual([
      '| 2026-03-10 14:04:00 +01:00 | page | Page P-1 opened: High error rate \\| checkout |',
      '| 2026-03-10 14:06:00 +01:00 | page | Page P-1 acknowledged — bob |',
      '| 2026-03-10 14:20:00 +01:00 | deploy | Rolled back checkout to v1.2.2 — Alice Martin |',
      '| 2026-03-10 14:30:00 +01:00 | note | Error rate dropping<br>still elevated on EU |',
      '| 2026-03-10 15:12:00 +01:00 | status | Status changed to mitigated — Alice Martin |',
    ]);
  });

  it('lists contributing deploys relative to the start, or says there were none', () => {
    expect(sectionText(markdown, 'Contributing deploys')).toContain(
      '| 2026-03-10 13:25:00 +01:00 | 35 min before | checkout | v1.2.3 | abc1234 | succeeded | dave | no |',
    );
    expect(draftPostmortem(facts({ contributingDeploys: [] }))).toContain(
      'No deploys to the impacted services within 1 d before the start.',
    );
    expect(
      draftPostmortem(facts({ contributingDeploys: [], deployLookbackMs: 2 * 60 * MINUTE })),
    ).toContain('within 2 h before the start.');
  });

  it('names the first page and alert under Detection', () => {
    const detection = sectionText(markdown, 'Detection');
    expect(detection).toContain(
      '**First signal:** page P-1 "High error rate on checkout" opened at 2026-03-10 14:04:00 +01:00, from the alert `CheckoutErrorBudgetBurn` (burn-rate).',
    );
    expect(detection).toContain('4 min after the start');
    expect(detection).not.toContain(TO_WRITE);
    const none = sectionText(draftPostmortem(facts({ pages: [] })), 'Detection');
    expect(none).toContain('no page was opened; carol declared the incident');
    expect(none).toContain(TO_WRITE);
  });

  it('prefills the resolution steps from rollbacks and status updates', () => {
    const response = sectionText(markdown, 'Response');
    expect(response).toContain('- **Declared by:** carol');
    expect(response).toContain('  - Incident commander: Alice Martin');
    expect(response).toContain('- **Responders:** carol, Alice Martin, bob');
    const steps = response.slice(response.indexOf('### Resolution steps'));
    expect(steps.split('\n').filter((line) => /^\d+\. /.test(line))).toEqual([
      '1. Rolled back checkout to v1.2.2 _(at 2026-03-10 14:20:00 +01:00, by Alice Martin)_',
      '2. Status changed to mitigated _(at 2026-03-10 15:12:00 +01:00, by Alice Martin)_',
      expect.stringMatching(/^3\. \*\*\[to write\]\*\* /),
    ]);
  });

  it('adds rollback deploys the timeline did not record', () => {
    const text = draftPostmortem(
      facts({
        timeline: [],
        contributingDeploys: [
          {
            service: 'checkout',
            version: 'v1.2.2',
            at: T0 + 10 * MINUTE,
            status: 'succeeded',
            rollback: true,
          },
        ],
      }),
    );
    expect(text).toContain(
      '1. Rolled back checkout to v1.2.2 (succeeded) _(at 2026-03-10 14:10:00 +01:00)_',
    );
  });

  it('prefills existing action items, else leaves a marked row', () => {
    expect(sectionText(markdown, 'Action items')).toContain(`| ${TO_WRITE}`);
    const item = (id: string, fields: Partial<ActionItem>): ActionItem => ({
      id,
      incidentId: 'INC-42',
      title: `Item ${id}`,
      owner: 'alice',
      team: 'payments-team',
      priority: 'P2',
      status: 'open',
      createdAt: T0,
      ...fields,
    });
    const text = draftPostmortem(
      facts({
        actionItems: [
          item('b', { title: 'Canary | checkout', dueAt: T0 + 7 * 24 * 60 * MINUTE }),
          item('a', { priority: 'P1', status: 'in-progress' }),
        ],
      }),
    );
    const section = sectionText(text, 'Action items');
    expect(section).not.toContain(TO_WRITE);
    expect(
      section
        .split('\n')
        .filter(
          (line) =>
            line.startsWith('| ') && !line.startsWith('| Action') && !line.startsWith('| ---'),
        ),
    ).toEqual([
      '| Item a | alice | P1 | — | in progress |',
      '| Canary \\| checkout | alice | P2 | 2026-03-17 | open |',
    ]);
  });

  it('falls back to UTC for an unknown zone and says so', () => {
    const text = draftPostmortem(facts({ timeZone: 'Mars/Olympus' }));
    expect(text).toContain('Times are in UTC (the time zone "Mars/Olympus" is unknown).');
    expect(text).toContain('| Started | 2026-03-10 13:00:00 +00:00 | — |');
  });

  it('keeps a summary that tries to open a heading inside its section', () => {
    const base = facts();
    const text = draftPostmortem({
      ...base,
      incident: { ...base.incident, summary: 'Checkout failed.\n## Trigger\nA deploy.' },
    });
    expect(headings(text, '## ')).toEqual([...POSTMORTEM_SECTIONS]);
    expect(unwrittenSections(text)).not.toContain('Summary');
  });

  it('is deterministic', () => {
    fc.assert(
      fc.property(
        fc.record({
          title: fc.string(),
          texts: fc.array(
            fc.record({ at: fc.integer({ min: 0, max: 10_000_000 }), text: fc.string() }),
          ),
        }),
        ({ title, texts }) => {
          const base = facts();
          const input: PostmortemFacts = {
            ...base,
            incident: { ...base.incident, title },
            timeline: texts.map(({ at, text }) => ({ at: T0 + at, source: 'note', text })),
          };
          expect(draftPostmortem(input)).toBe(draftPostmortem(structuredClone(input)));
        },
      ),
    );
  });

  it('keeps every timeline entry on one table row whatever its text', () => {
    fc.assert(
      fc.property(fc.string(), (text) => {
        const out = draftPostmortem(facts({ timeline: [{ at: T0, source: 'note', text }] }));
        const rows = sectionText(out, 'Timeline')
          .split('\n')
          .filter((line) => line.startsWith('| 2026'));
        expect(rows).toHaveLength(1);
        // Every unescaped pipe is a cell border: exactly four of them.
        expect(rows[0]?.match(/(?<!\\)(?:\\\\)*\|/g)).toHaveLength(4);
      }),
    );
  });
});

describe('unwrittenSections', () => {
  it('lists every section still holding the marker in a fresh draft', () => {
    expect(unwrittenSections(draftPostmortem(facts()))).toEqual([
      PREAMBLE_SECTION,
      'Impact',
      'Response',
      'Trigger',
      'Root causes',
      'What went well',
      'What went poorly',
      'Where we got lucky',
      'Action items',
      'Lessons learned',
    ]);
  });

  it('marks a missing summary and timeline as unwritten', () => {
    const found = unwrittenSections(draftPostmortem(facts({ timeline: [] })));
    expect(found).toContain('Timeline');
    const base = facts();
    const noSummary = { ...base.incident, summary: '  ' };
    expect(unwrittenSections(draftPostmortem({ ...base, incident: noSummary }))).toContain(
      'Summary',
    );
    expect(unwrittenSections(draftPostmortem(base))).not.toContain('Summary');
  });

  it('is empty once the markers are gone, and ignores fenced code', () => {
    const written = draftPostmortem(facts()).replace(/\*\*\[to write\]\*\* [^\n|]*/g, 'Written.');
    expect(unwrittenSections(written)).toEqual([]);
    expect(unwrittenSections('## Trigger\n\n```\n[to write]\n```\n')).toEqual([]);
    expect(unwrittenSections('## Trigger\n\n[TO WRITE] later\n')).toEqual(['Trigger']);
    expect(unwrittenSections('## Trigger\n\nok\n\n# Appendix\n\n[to write] x\n')).toEqual([
      'Appendix',
    ]);
  });
});

describe('tableCell and formatElapsed', () => {
  it('escapes pipes, backslashes and line breaks', () => {
    expect(tableCell('a | b\\c\r\nd')).toBe('a \\| b\\\\c<br>d');
    expect(tableCell('  ')).toBe('—');
  });

  it('says durations with their two largest units', () => {
    expect(formatElapsed(0)).toBe('0 s');
    expect(formatElapsed(45_999)).toBe('45 s');
    expect(formatElapsed(4 * MINUTE + 30_000)).toBe('4 min 30 s');
    expect(formatElapsed(72 * MINUTE + 59_000)).toBe('1 h 12 min');
    expect(formatElapsed(60 * MINUTE + 30_000)).toBe('1 h');
    expect(formatElapsed((3 * 24 + 4) * 60 * MINUTE + MINUTE)).toBe('3 d 4 h');
    expect(formatElapsed(-5 * MINUTE)).toBe('-5 min');
  });
});
