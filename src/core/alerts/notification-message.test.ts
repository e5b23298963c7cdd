import { describe, expect, it } from 'vitest';
import type { Page, PageAlert } from './grouping.js';
import {
  acknowledgedMessageFor,
  exhaustedMessageFor,
  messageFor,
  renderSlack,
  renderText,
} from './notification-message.js';

const AT = Date.parse('2026-11-02T10:00:00Z');
const LINKS = {
  page: 'https://headroom/pages/p1',
  acknowledge: 'https://headroom/act/pages/p1/acknowledge',
  resolve: 'https://headroom/act/pages/p1/resolve',
};

function alert(index: number): PageAlert {
  return {
    id: `p1.${String(index)}`,
    key: `k${String(index)}`,
    source: 'alertmanager',
    integration: 'am',
    dedupKey: `fp-${String(index)}`,
    senderGroup: 'g',
    status: 'triggered',
    summary: `Search slow on host-${String(index)}`,
    severity: 'critical',
    service: 'search',
    labels: { alertname: 'SearchSlow' },
    annotations: { description: `host-${String(index)} answers in 2.4 s` },
    runbookUrl: undefined,
    links: [{ href: `http://prometheus/graph?host=${String(index)}`, text: 'Source' }],
    startsAt: AT,
    endsAt: undefined,
    firstSeenAt: AT,
    lastSeenAt: AT,
    triggerCount: 1,
    acknowledgedAt: undefined,
    resolvedAt: undefined,
  };
}

function page(alerts: number): Page {
  return {
    id: 'p1',
    status: 'triggered',
    openedAt: AT,
    summary: 'Search slow on host-0',
    severity: 'critical',
    services: ['search'],
    alerts: Array.from({ length: alerts }, (_, index) => alert(index)),
    acknowledgedAt: undefined,
    acknowledgedBy: undefined,
    resolvedAt: undefined,
    updatedAt: AT,
  };
}

describe('notification messages', () => {
  it('list the first ten alerts of a page and count the rest', () => {
    const text = renderText(messageFor(page(12), { level: 1, attempt: 1 }, LINKS));
    expect(text).toContain('Alerts on this page: 12');
    expect(text).toContain('  - [triggered] Search slow on host-9 (search)');
    expect(text).toContain('    host-9 answers in 2.4 s');
    expect(text).toContain('    Source: http://prometheus/graph?host=9');
    expect(text).not.toContain('host-10');
    expect(text).toContain('… and 2 more');
  });

  it('name runbooks by link and by document, and how to act from a terminal', () => {
    const text = renderText(
      messageFor(page(1), { level: 1, attempt: 1 }, LINKS, [
        { title: 'Runbook of search', url: 'https://runbooks/search', markdown: null },
        { title: 'Search is slow', url: null, markdown: '1. Fail over.' },
      ]),
    );
    expect(text).toContain('Runbook: https://runbooks/search');
    expect(text).toContain('Runbook: Search is slow\n  1. Fail over.');
    expect(text).toContain('From a terminal: headroom page ack p1 or headroom page resolve p1');
  });

  it('tell channels who acknowledged, leaving only the resolve button', () => {
    const message = acknowledgedMessageFor(page(1), 'emil', AT + 60_000, LINKS);
    expect(message.title).toBe('[ACKNOWLEDGED] Search slow on host-0 (search)');
    const slack = JSON.stringify(renderSlack(message));
    expect(slack).toContain('Acknowledged at 2026-11-02T10:01:00.000Z by emil.');
    expect(slack).toContain(LINKS.resolve);
    expect(slack).not.toContain(LINKS.acknowledge);
    expect(renderText(message)).not.toContain('headroom page ack');
    expect(renderText(message)).not.toContain('escalation level 0');
  });

  it('say on a low-urgency page that it does not escalate', () => {
    const message = { ...messageFor(page(1), { level: 1, attempt: 1 }, LINKS), lowUrgency: true };
    const said =
      'Low urgency (severity critical): this page does not escalate; nobody else will be paged unless a more severe alert joins it.';
    expect(renderText(message)).toContain(said);
    expect(JSON.stringify(renderSlack(message))).toContain(said);
    expect(renderText(messageFor(page(1), { level: 1, attempt: 1 }, LINKS))).not.toContain(
      'Low urgency',
    );
  });

  it('tell channels that the escalation ran out, with the page still to take', () => {
    const message = exhaustedMessageFor(
      page(1),
      { atMs: AT + 15 * 60_000, policy: 'search', rounds: 2 },
      LINKS,
    );
    expect(message.title).toBe('[UNACKNOWLEDGED] Search slow on host-0 (search)');
    const said =
      'Nobody acknowledged after every level of escalation policy search in 2 rounds; escalation stopped at 2026-11-02T10:15:00.000Z and nobody else will be paged.';
    const text = renderText(message);
    expect(text).toContain(said);
    expect(text).toContain(`Acknowledge: ${LINKS.acknowledge}`);
    expect(text).toContain('From a terminal: headroom page ack p1 or headroom page resolve p1');
    const slack = renderSlack(message) as { blocks: { elements?: { url: string }[] }[] };
    expect(JSON.stringify(slack.blocks[0])).toContain(said);
    expect(slack.blocks[1]?.elements?.map((button) => button.url)).toEqual([
      LINKS.acknowledge,
      LINKS.resolve,
    ]);
  });

  it("carry the end of a failed run's output, to whoever is woken by it", () => {
    const failed: PageAlert = {
      ...alert(0),
      source: 'heartbeat',
      summary: 'nightly-settlement: the job is down (a run failed, exit status 4)',
      labels: { heartbeat: 'nightly-settlement', service: 'search' },
      annotations: {
        reason: 'a run failed',
        exitStatus: '4',
        log: 'connecting to the acquirer\nacquirer timed out <!channel> ```\n',
      },
      links: [],
    };
    const message = messageFor({ ...page(0), alerts: [failed] }, { level: 1, attempt: 1 }, LINKS);
    expect(renderText(message)).toContain(
      [
        '  - [triggered] nightly-settlement: the job is down (a run failed, exit status 4) (search)',
        '    The end of its output:',
        '      connecting to the acquirer',
        '      acquirer timed out <!channel> ```',
        '',
      ].join('\n'),
    );
    // In Slack, a code block that what the job printed can neither mention a channel in
    // nor close.
    expect(JSON.stringify(renderSlack(message))).toContain(
      JSON.stringify(
        "```connecting to the acquirer\nacquirer timed out &lt;!channel&gt; '''```",
      ).slice(1, -1),
    );
    // A long output is cut to its end, from the start of a line.
    const lines = Array.from({ length: 200 }, (_, index) => `line ${String(index)}`);
    const long = messageFor(
      { ...page(0), alerts: [{ ...failed, annotations: { log: lines.join('\n') } }] },
      { level: 1, attempt: 1 },
      LINKS,
    );
    const output = long.alertLines?.[0]?.output ?? '';
    expect(output.startsWith('…\nline ')).toBe(true);
    expect(output.endsWith('line 199')).toBe(true);
    expect(output.length).toBeLessThanOrEqual(1001);
    // Only a heartbeat's log is a run's output; another sender's annotation is not shown so.
    const other = messageFor(
      { ...page(0), alerts: [{ ...alert(0), annotations: { log: 'x' } }] },
      { level: 1, attempt: 1 },
      LINKS,
    );
    expect(renderText(other)).not.toContain('The end of its output');
  });

  it('escape in Slack what senders and people wrote, so it cannot mention anyone', () => {
    const loud: PageAlert = {
      ...alert(0),
      summary: 'Disk full <!channel> & <@U024BE7LH>',
      annotations: { description: 'see <https://evil.example|the fix> > now' },
      links: [{ href: 'http://prometheus/graph?g0.expr=a>1|b', text: 'Source <!here>' }],
    };
    const message = messageFor(
      { ...page(0), summary: loud.summary, alerts: [loud] },
      { level: 1, attempt: 1 },
      LINKS,
      [{ title: 'Disk <!everyone>', url: null, markdown: 'run `df -h <mount>`' }],
    );
    const slack = renderSlack(message) as {
      text: string;
      blocks: { text?: { text: string } }[];
    };
    const section = slack.blocks[0]?.text?.text ?? '';
    expect(slack.text).toBe(
      '[CRITICAL] Disk full &lt;!channel&gt; &amp; &lt;@U024BE7LH&gt; (search)',
    );
    expect(section).toContain(
      '*[CRITICAL] Disk full &lt;!channel&gt; &amp; &lt;@U024BE7LH&gt; (search)*',
    );
    expect(section).toContain(
      '• [triggered] Disk full &lt;!channel&gt; &amp; &lt;@U024BE7LH&gt; <http://prometheus/graph?g0.expr=a%3E1%7Cb|Source &lt;!here&gt;>',
    );
    expect(section).toContain('\n    see &lt;https://evil.example|the fix&gt; &gt; now');
    expect(section).toContain('*Runbook:* Disk &lt;!everyone&gt;\n> run `df -h &lt;mount&gt;`');
    // Every `<` left is one of ours: a link.
    expect(section.match(/</g)).toHaveLength(1);
    // Acknowledged by a name as the identity provider gave it.
    const acknowledged = renderSlack(
      acknowledgedMessageFor({ ...page(1) }, 'eve <!channel>', AT, LINKS),
    ) as { blocks: { text?: { text: string } }[] };
    expect(acknowledged.blocks[0]?.text?.text).toContain('by eve &lt;!channel&gt;.');
    // Plain text and e-mail show what was sent, unescaped.
    expect(renderText(message)).toContain('Disk full <!channel> & <@U024BE7LH>');
  });
});
