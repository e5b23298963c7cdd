// The wire schemas (schema/alert-intake.ts) and normalization, on the payloads a real
// Alertmanager 0.25 sent (research/alertmanager-observed.md) and PagerDuty's examples.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  alertmanagerWebhookSchema,
  pagerDutyAccepted,
  pagerDutyAcceptedSchema,
  pagerDutyEventSchema,
  pagerDutyInvalidEvent,
  pagerDutyInvalidEventSchema,
  webhookAlertSchema,
} from '../../schema/alert-intake.js';
import type { AlertTransition } from '../slo/alert-transitions.js';
import { labelFingerprint } from './hash.js';
import {
  normalizeAlertmanagerMessage,
  normalizeBurnRateTransition,
  normalizePagerDutyEvent,
  normalizeWebhookAlert,
} from './normalize.js';

// ---------------------------------------------------------------------------
// Fixtures. The first alert of the firing message and the group fields are verbatim
// from the capture; the notes shortened the second alert ("…"), so it is written out
// the way Alertmanager writes the first. The resolved message is "the same shape with
// status resolved at both levels and the real endsAt", as the notes say.

const AM_FIRING = String.raw`{"receiver":"demo","status":"firing",
 "alerts":[{"status":"firing",
   "labels":{"alertname":"DemoAlert0","instance":"host-0","service":"svc-0","severity":"critical"},
   "annotations":{"description":"demo alert 0 of 2","summary":"DemoAlert0 on host-0 (svc-0)"},
   "startsAt":"2026-11-22T04:30:33.062Z","endsAt":"0001-01-01T00:00:00Z",
   "generatorURL":"http://127.0.0.1/demo/alert/0","fingerprint":"28704d7687981bae"},
  {"status":"firing",
   "labels":{"alertname":"DemoAlert0","instance":"host-1","service":"svc-0","severity":"critical"},
   "annotations":{"description":"demo alert 1 of 2","summary":"DemoAlert0 on host-1 (svc-0)"},
   "startsAt":"2026-11-22T04:30:33.062Z","endsAt":"0001-01-01T00:00:00Z",
   "generatorURL":"http://127.0.0.1/demo/alert/1","fingerprint":"396138ab1894c9a3"}],
 "groupLabels":{"alertname":"DemoAlert0","service":"svc-0"},
 "commonLabels":{"alertname":"DemoAlert0","service":"svc-0","severity":"critical"},
 "commonAnnotations":{},"externalURL":"http://127.0.0.1:39589","version":"4",
 "groupKey":"{}:{alertname=\"DemoAlert0\", service=\"svc-0\"}","truncatedAlerts":0}`;

const AM_RESOLVED = AM_FIRING.replaceAll('"status":"firing"', '"status":"resolved"').replaceAll(
  '"endsAt":"0001-01-01T00:00:00Z"',
  '"endsAt":"2026-11-22T04:30:33.221Z"',
);

type Json = Record<string, unknown>;

/** A fresh, editable copy of the firing message. */
function amFiring(): Json & { alerts: Json[] } {
  return JSON.parse(AM_FIRING) as Json & { alerts: Json[] };
}

/** `object` without `key`. */
function without(object: Json, key: string): Json {
  return Object.fromEntries(Object.entries(object).filter(([name]) => name !== key));
}

const FIRING_TEXT = (host: number) =>
  `Labels:\n - alertname = DemoAlert0\n - instance = host-${host}\n - service = svc-0\n - severity = critical\n` +
  `Annotations:\n - description = demo alert ${host} of 2\n - summary = DemoAlert0 on host-${host} (svc-0)\n` +
  `Source: http://127.0.0.1/demo/alert/${host}\n`;

/** Alertmanager's pagerduty_configs trigger for the same group (custom_details.firing written out). */
const AM_PD_TRIGGER = {
  routing_key: '0123456789abcdef0123456789abcdef',
  dedup_key: 'd4e76c66bf937c6e3ee147744e283c65f4b248e347c0a3e8204e5894bfd71f8f',
  event_action: 'trigger',
  payload: {
    summary: '[FIRING:2] DemoAlert0 svc-0 (critical)',
    source: 'Alertmanager',
    severity: 'error',
    custom_details: {
      firing: FIRING_TEXT(0) + FIRING_TEXT(1),
      num_firing: '2',
      num_resolved: '0',
      resolved: '',
    },
  },
  client: 'Alertmanager',
  client_url: 'http://127.0.0.1:39589/#/alerts?receiver=demo',
};

/** Its resolve: same dedup_key, still a full payload. */
const AM_PD_RESOLVE = {
  ...AM_PD_TRIGGER,
  event_action: 'resolve',
  payload: {
    summary: '[RESOLVED] DemoAlert0 svc-0 (critical)',
    source: 'Alertmanager',
    severity: 'error',
    custom_details: {
      firing: '',
      num_firing: '0',
      num_resolved: '2',
      resolved: FIRING_TEXT(0) + FIRING_TEXT(1),
    },
  },
};

/** PagerDuty's documented trigger example (developer-docs, 02-Trigger-Events.md). */
const PD_DOC_TRIGGER = {
  payload: {
    summary: 'Example alert on host1.example.com',
    timestamp: '2015-07-17T08:42:58.315+0000',
    source: 'monitoringtool:cloudvendor:central-region-dc-01:852559987:cluster/api-stats-prod-003',
    severity: 'info',
    component: 'postgres',
    group: 'prod-datapipe',
    class: 'deploy',
    custom_details: { 'ping time': '1500ms', 'load avg': 0.75 },
  },
  routing_key: 'samplekeyhere',
  dedup_key: 'samplekeyhere',
  images: [
    {
      src: 'https://www.pagerduty.com/wp-content/uploads/2016/05/pagerduty-logo-green.png',
      href: 'https://example.com/',
      alt: 'Example text',
    },
  ],
  links: [{ href: 'https://example.com/', text: 'Link text' }],
  event_action: 'trigger',
  client: 'Sample Monitoring Service',
  client_url: 'https://monitoring.example.com',
};

const PD_DOC_ACK = {
  routing_key: 'routingkeyhere',
  dedup_key: 'dedupkeyhere',
  event_action: 'acknowledge',
};
const PD_DOC_RESOLVE = { ...PD_DOC_ACK, event_action: 'resolve' };

const RECEIVED_AT = Date.UTC(2026, 10, 22, 4, 30, 34);
const AM_STARTS_AT = Date.UTC(2026, 10, 22, 4, 30, 33, 62);

function issuesOf(result: { error?: { issues: { path: PropertyKey[]; message: string }[] } }) {
  return (result.error?.issues ?? []).map((issue) => ({
    path: issue.path.join('.'),
    message: issue.message,
  }));
}

// ---------------------------------------------------------------------------

describe('Alertmanager webhook schema', () => {
  it('accepts the firing message Alertmanager 0.25 sent, unchanged', () => {
    const body: unknown = JSON.parse(AM_FIRING);
    const parsed = alertmanagerWebhookSchema.parse(body);
    expect(parsed).toEqual(body);
    expect(parsed.alerts[0]?.endsAt).toBe('0001-01-01T00:00:00Z');
  });

  it('accepts the resolved message', () => {
    const parsed = alertmanagerWebhookSchema.parse(JSON.parse(AM_RESOLVED));
    expect(parsed.status).toBe('resolved');
    expect(parsed.alerts.map((alert) => alert.status)).toEqual(['resolved', 'resolved']);
  });

  it('keeps fields newer Alertmanagers add, at the top and in alerts', () => {
    const body = amFiring();
    body.notification_reason = 'first notification';
    body.routeLabels = { team: 'payments' };
    body.alerts[0] = { ...body.alerts[0], silenceURL: 'http://127.0.0.1:39589/#/silences/new' };
    const parsed = alertmanagerWebhookSchema.parse(body);
    expect(parsed.notification_reason).toBe('first notification');
    expect(parsed.routeLabels).toEqual({ team: 'payments' });
    expect(parsed.alerts[0]?.silenceURL).toBe('http://127.0.0.1:39589/#/silences/new');
  });

  it('accepts an empty generatorURL and a message cut by max_alerts', () => {
    const body = amFiring();
    body.alerts[0] = { ...body.alerts[0], generatorURL: '' };
    body.truncatedAlerts = 3;
    expect(alertmanagerWebhookSchema.safeParse(body).success).toBe(true);
  });

  it('refuses other versions, statuses, timestamps and label values, saying where', () => {
    const body = amFiring();
    const bad = {
      ...body,
      version: '3',
      status: 'pending',
      alerts: [{ ...body.alerts[0], startsAt: 'yesterday', labels: { code: 500 } }],
    };
    expect(issuesOf(alertmanagerWebhookSchema.safeParse(bad))).toEqual([
      { path: 'version', message: 'expected Alertmanager webhook version "4"' },
      { path: 'status', message: expect.stringContaining('firing') as string },
      { path: 'alerts.0.labels.code', message: expect.stringContaining('string') as string },
      { path: 'alerts.0.startsAt', message: expect.stringContaining('"yesterday"') as string },
    ]);
  });
});

describe('PagerDuty Events API v2 schema', () => {
  it("accepts Alertmanager's trigger and resolve", () => {
    expect(pagerDutyEventSchema.parse(AM_PD_TRIGGER)).toEqual(AM_PD_TRIGGER);
    expect(pagerDutyEventSchema.parse(AM_PD_RESOLVE)).toEqual(AM_PD_RESOLVE);
  });

  it("accepts PagerDuty's documented trigger, acknowledge and resolve", () => {
    expect(pagerDutyEventSchema.parse(PD_DOC_TRIGGER)).toEqual(PD_DOC_TRIGGER);
    expect(pagerDutyEventSchema.parse(PD_DOC_ACK)).toEqual(PD_DOC_ACK);
    expect(pagerDutyEventSchema.parse(PD_DOC_RESOLVE)).toEqual(PD_DOC_RESOLVE);
  });

  it('accepts a trigger without dedup_key, and unknown fields anywhere', () => {
    const event = {
      ...without(PD_DOC_TRIGGER, 'dedup_key'),
      payload: { ...PD_DOC_TRIGGER.payload, region: 'eu' },
      extra: true,
    };
    expect(pagerDutyEventSchema.parse(event)).toEqual(event);
  });

  it('refuses an acknowledge or resolve without dedup_key', () => {
    for (const action of ['acknowledge', 'resolve']) {
      const result = pagerDutyEventSchema.safeParse({ routing_key: 'k', event_action: action });
      expect(issuesOf(result)).toEqual([
        {
          path: 'dedup_key',
          message: 'an acknowledge or resolve needs the dedup_key of its alert',
        },
      ]);
    }
  });

  it('refuses a trigger without payload, or with a payload missing what PD-CEF requires', () => {
    expect(
      issuesOf(pagerDutyEventSchema.safeParse({ routing_key: 'k', event_action: 'trigger' })),
    ).toEqual([
      { path: 'payload', message: 'a trigger needs a payload with summary, source and severity' },
    ]);
    const result = pagerDutyEventSchema.safeParse({
      routing_key: 'k',
      event_action: 'trigger',
      payload: { summary: ' ', severity: 'Critical' },
    });
    expect(issuesOf(result).map((issue) => issue.path)).toEqual([
      'payload.summary',
      'payload.source',
      'payload.severity',
    ]);
  });

  it('refuses an unknown event_action and an empty routing_key', () => {
    expect(
      issuesOf(pagerDutyEventSchema.safeParse({ ...PD_DOC_ACK, event_action: 'snooze' })),
    ).toEqual([
      { path: 'event_action', message: expect.stringContaining("'acknowledge'") as string },
    ]);
    expect(issuesOf(pagerDutyEventSchema.safeParse({ ...PD_DOC_ACK, routing_key: '' }))).toEqual([
      { path: 'routing_key', message: 'routing_key must not be empty' },
    ]);
  });

  it('counts summary and dedup_key limits in characters, as Alertmanager cuts runes', () => {
    const trigger = (summary: string, dedupKey = 'k') => ({
      ...PD_DOC_TRIGGER,
      dedup_key: dedupKey,
      payload: { ...PD_DOC_TRIGGER.payload, summary },
    });
    // 1024 emoji are 2048 UTF-16 units but 1024 characters: allowed.
    expect(pagerDutyEventSchema.safeParse(trigger('🔥'.repeat(1024))).success).toBe(true);
    expect(issuesOf(pagerDutyEventSchema.safeParse(trigger('x'.repeat(1025))))).toEqual([
      {
        path: 'payload.summary',
        message: 'payload.summary is 1025 characters long; at most 1024 are allowed',
      },
    ]);
    expect(pagerDutyEventSchema.safeParse(trigger('s', 'k'.repeat(255))).success).toBe(true);
    expect(issuesOf(pagerDutyEventSchema.safeParse(trigger('s', 'k'.repeat(256))))).toEqual([
      { path: 'dedup_key', message: 'dedup_key is 256 characters long; at most 255 are allowed' },
    ]);
  });

  it('refuses a timestamp without a zone', () => {
    const event = {
      ...PD_DOC_TRIGGER,
      payload: { ...PD_DOC_TRIGGER.payload, timestamp: '2015-07-17 08:42' },
    };
    expect(issuesOf(pagerDutyEventSchema.safeParse(event)).map((issue) => issue.path)).toEqual([
      'payload.timestamp',
    ]);
  });

  it('answers as PagerDuty does: 202 with the dedup key, 400 with one line per error, 429', () => {
    expect(pagerDutyAcceptedSchema.parse(pagerDutyAccepted('srv01/HTTP'))).toEqual({
      status: 'success',
      message: 'Event processed',
      dedup_key: 'srv01/HTTP',
    });
    const refused = pagerDutyEventSchema.safeParse({ routing_key: 'k', event_action: 'resolve' });
    if (refused.success) throw new Error('expected a refusal');
    const body = pagerDutyInvalidEvent(refused.error);
    expect(pagerDutyInvalidEventSchema.parse(body)).toEqual({
      status: 'invalid event',
      message: 'Event object is invalid',
      errors: ['dedup_key: an acknowledge or resolve needs the dedup_key of its alert'],
    });
  });
});

describe('plain webhook schema', () => {
  it('accepts a title alone, and keeps unknown fields', () => {
    expect(webhookAlertSchema.parse({ title: 'Disk full on db-1', host: 'db-1' })).toEqual({
      title: 'Disk full on db-1',
      host: 'db-1',
    });
  });

  it('accepts every field it knows', () => {
    const alert = {
      summary: 'Checkout error rate 12%',
      status: 'firing',
      dedupKey: 'checkout-errors',
      service: 'checkout',
      severity: 'P1',
      labels: { region: 'eu-west-1' },
      annotations: { description: 'since the 10:02 deploy' },
      runbook: 'https://runbooks.example.com/checkout',
      links: [{ href: 'https://grafana.example.com/d/checkout', text: 'Dashboard' }],
      startsAt: '2026-11-22T04:30:33Z',
    };
    expect(webhookAlertSchema.parse(alert)).toEqual(alert);
  });

  it('accepts a resolve that names its alert by dedupKey only', () => {
    expect(
      webhookAlertSchema.safeParse({ status: 'resolved', dedupKey: 'checkout-errors' }).success,
    ).toBe(true);
  });

  it('refuses a firing alert without title, a resolve naming nothing, unknown severities and non-http runbooks', () => {
    expect(issuesOf(webhookAlertSchema.safeParse({ service: 'checkout' }))).toEqual([
      { path: 'title', message: 'a firing alert needs a title (or summary)' },
    ]);
    expect(issuesOf(webhookAlertSchema.safeParse({ status: 'resolved' }))).toEqual([
      {
        path: 'dedupKey',
        message: 'a resolve needs the dedupKey (or the labels or title) of the alert it resolves',
      },
    ]);
    expect(issuesOf(webhookAlertSchema.safeParse({ title: 't', severity: 'critcal' }))).toEqual([
      {
        path: 'severity',
        message: expect.stringContaining('unknown severity "critcal"') as string,
      },
    ]);
    expect(
      issuesOf(webhookAlertSchema.safeParse({ title: 't', runbook: 'javascript:alert(1)' })).map(
        (i) => i.path,
      ),
    ).toEqual(['runbook']);
    expect(
      issuesOf(webhookAlertSchema.safeParse({ title: 't', status: 'acknowledged' })).map(
        (i) => i.path,
      ),
    ).toEqual(['status']);
  });
});

// ---------------------------------------------------------------------------

describe('normalizing Alertmanager messages', () => {
  it('turns each alert of a firing message into a trigger keyed by its fingerprint', () => {
    const message = alertmanagerWebhookSchema.parse(JSON.parse(AM_FIRING));
    const batch = normalizeAlertmanagerMessage(message, {
      receivedAt: RECEIVED_AT,
      integration: 'am',
    });
    expect(batch.resolvedGroup).toBeUndefined();
    expect(batch.alerts).toHaveLength(2);
    expect(batch.alerts[0]).toEqual({
      source: 'alertmanager',
      integration: 'am',
      dedupKey: '28704d7687981bae',
      senderGroup: '{}:{alertname="DemoAlert0", service="svc-0"}',
      action: 'trigger',
      summary: 'DemoAlert0 on host-0 (svc-0)',
      severity: 'critical',
      service: 'svc-0',
      labels: {
        alertname: 'DemoAlert0',
        instance: 'host-0',
        service: 'svc-0',
        severity: 'critical',
      },
      annotations: { description: 'demo alert 0 of 2', summary: 'DemoAlert0 on host-0 (svc-0)' },
      runbookUrl: undefined,
      startsAt: AM_STARTS_AT,
      endsAt: undefined,
      links: [{ href: 'http://127.0.0.1/demo/alert/0', text: 'Source' }],
    });
    expect(batch.alerts[1]?.dedupKey).toBe('396138ab1894c9a3');
  });

  it('turns a resolved message into resolves with the real end, and resolves the whole group', () => {
    const message = alertmanagerWebhookSchema.parse(JSON.parse(AM_RESOLVED));
    const batch = normalizeAlertmanagerMessage(message, {
      receivedAt: RECEIVED_AT,
      integration: 'am',
    });
    expect(batch.alerts.map((alert) => [alert.action, alert.endsAt])).toEqual([
      ['resolve', Date.UTC(2026, 10, 22, 4, 30, 33, 221)],
      ['resolve', Date.UTC(2026, 10, 22, 4, 30, 33, 221)],
    ]);
    expect(batch.resolvedGroup).toEqual({
      source: 'alertmanager',
      integration: 'am',
      senderGroup: '{}:{alertname="DemoAlert0", service="svc-0"}',
    });
  });

  it('reads a partial resolve alert by alert: a firing message may carry resolved alerts', () => {
    const body = amFiring();
    body.alerts[1] = { ...body.alerts[1], status: 'resolved', endsAt: '2026-11-22T04:31:00Z' };
    const batch = normalizeAlertmanagerMessage(alertmanagerWebhookSchema.parse(body), {
      receivedAt: RECEIVED_AT,
    });
    expect(batch.alerts.map((alert) => alert.action)).toEqual(['trigger', 'resolve']);
    expect(batch.alerts[1]?.endsAt).toBe(Date.UTC(2026, 10, 22, 4, 31));
    expect(batch.resolvedGroup).toBeUndefined();
  });

  it("computes Alertmanager's fingerprint when a sender leaves it out", () => {
    const labels = { name: 'garland, briggs', fear: 'love is not enough' };
    const batch = normalizeAlertmanagerMessage(
      {
        status: 'firing',
        alerts: [{ status: 'firing', labels, startsAt: '2026-11-22T04:30:33Z' }],
      },
      { receivedAt: RECEIVED_AT },
    );
    expect(batch.alerts[0]?.dedupKey).toBe('507a62d79ee76c9a');
    expect(batch.alerts[0]?.dedupKey).toBe(labelFingerprint(labels));
    expect(batch.alerts[0]?.senderGroup).toBeUndefined();
  });

  it('takes the service from the configured labels, else the integration; severity words, else the default', () => {
    const alert = (labels: Record<string, string>) => ({
      status: 'firing' as const,
      labels,
      startsAt: '2026-11-22T04:30:33Z',
    });
    const [a, b, c] = normalizeAlertmanagerMessage(
      {
        status: 'firing',
        alerts: [
          alert({ alertname: 'A', app: 'cart', service: 'shop', severity: 'page' }),
          alert({ alertname: 'B', severity: 'urgent' }),
          alert({ alertname: 'C', app: ' ' }),
        ],
      },
      {
        receivedAt: RECEIVED_AT,
        service: 'bound',
        serviceLabels: ['app', 'service'],
        defaultSeverity: 'warning',
      },
    ).alerts;
    expect([a?.service, a?.severity, a?.summary]).toEqual(['cart', 'critical', 'A']);
    expect([b?.service, b?.severity]).toEqual(['bound', 'warning']);
    expect(c?.service).toBe('bound');
  });

  it('links the runbook annotation when it is an http(s) URL, and no empty generatorURL', () => {
    const [withRunbook, withoutLink] = normalizeAlertmanagerMessage(
      {
        status: 'firing',
        alerts: [
          {
            status: 'firing',
            labels: { alertname: 'A' },
            annotations: { runbook_url: 'https://runbooks.example.com/a' },
            startsAt: '2026-11-22T04:30:33Z',
            generatorURL: '',
          },
          {
            status: 'firing',
            labels: { alertname: 'B' },
            annotations: { runbook: 'javascript:alert(1)' },
            startsAt: '2026-11-22T04:30:33Z',
          },
        ],
      },
      { receivedAt: RECEIVED_AT },
    ).alerts;
    expect(withRunbook?.runbookUrl).toBe('https://runbooks.example.com/a');
    expect(withRunbook?.links).toEqual([]);
    expect(withoutLink?.runbookUrl).toBeUndefined();
  });

  it('cuts a long summary to 1024 characters without splitting a character', () => {
    const [alert] = normalizeAlertmanagerMessage(
      {
        status: 'firing',
        alerts: [
          {
            status: 'firing',
            labels: { alertname: 'A' },
            annotations: { summary: '🔥'.repeat(2000) },
            startsAt: '2026-11-22T04:30:33Z',
          },
        ],
      },
      { receivedAt: RECEIVED_AT },
    ).alerts;
    expect(Array.from(alert?.summary ?? '')).toHaveLength(1024);
    expect(alert?.summary.endsWith('🔥…')).toBe(true);
  });
});

describe('linking the two channels of one Alertmanager group', () => {
  // Observed from Debian's Alertmanager 0.25 (test/alertmanager.test.ts): the group
  // key of its webhook and the dedup_key of its PagerDuty event for the same group.
  const GROUP_KEY = '{}:{alertname="HighErrorRate", service="checkout"}';
  const DEDUP_KEY = '97510b418c30a6bc221ab8cd7f4d49d287215a8f33fc7173ad6f03934114edfb';
  const sha256Hex = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

  it('gives webhook alerts the hash of their group key, which is the dedup_key of the PagerDuty events', () => {
    const message = alertmanagerWebhookSchema.parse({ ...amFiring(), groupKey: GROUP_KEY });
    const batch = normalizeAlertmanagerMessage(message, { receivedAt: RECEIVED_AT, sha256Hex });
    expect(batch.alerts.map((alert) => alert.alertmanagerGroup)).toEqual([DEDUP_KEY, DEDUP_KEY]);
    const event = pagerDutyEventSchema.parse({ ...AM_PD_TRIGGER, dedup_key: DEDUP_KEY });
    expect(normalizePagerDutyEvent(event, { receivedAt: RECEIVED_AT }).alertmanagerGroup).toBe(
      DEDUP_KEY,
    );
  });

  it('links nothing without a hash function, and no PagerDuty event another tool sent', () => {
    const message = alertmanagerWebhookSchema.parse(JSON.parse(AM_FIRING));
    const batch = normalizeAlertmanagerMessage(message, { receivedAt: RECEIVED_AT });
    expect(batch.alerts.map((alert) => alert.alertmanagerGroup)).toEqual([undefined, undefined]);
    const event = pagerDutyEventSchema.parse({ ...AM_PD_TRIGGER, client: 'Grafana' });
    expect(
      normalizePagerDutyEvent(event, { receivedAt: RECEIVED_AT }).alertmanagerGroup,
    ).toBeUndefined();
  });
});

describe('normalizing PagerDuty events', () => {
  it("reads Alertmanager's trigger: its group's dedup key, the integration's service", () => {
    const event = pagerDutyEventSchema.parse(AM_PD_TRIGGER);
    const alert = normalizePagerDutyEvent(event, {
      receivedAt: RECEIVED_AT,
      integration: 'am-pd',
      service: 'checkout',
    });
    expect(alert).toEqual({
      source: 'pagerduty',
      integration: 'am-pd',
      dedupKey: AM_PD_TRIGGER.dedup_key,
      senderGroup: undefined,
      alertmanagerGroup: AM_PD_TRIGGER.dedup_key,
      action: 'trigger',
      summary: '[FIRING:2] DemoAlert0 svc-0 (critical)',
      severity: 'error',
      service: 'checkout',
      labels: { source: 'Alertmanager' },
      annotations: AM_PD_TRIGGER.payload.custom_details,
      runbookUrl: undefined,
      startsAt: RECEIVED_AT,
      endsAt: undefined,
      links: [{ href: 'http://127.0.0.1:39589/#/alerts?receiver=demo', text: 'Alertmanager' }],
    });
  });

  it("takes a service label in custom_details over the integration's service, as the other formats take theirs", () => {
    const options = { receivedAt: RECEIVED_AT, integration: 'am-pd', service: 'checkout' };
    const labelled = pagerDutyEventSchema.parse({
      ...AM_PD_TRIGGER,
      payload: {
        ...AM_PD_TRIGGER.payload,
        // What `details: {service: '{{ .CommonLabels.service }}'}` in pagerduty_configs sends.
        custom_details: { ...AM_PD_TRIGGER.payload.custom_details, service: 'svc-0' },
      },
    });
    expect(normalizePagerDutyEvent(labelled, options).service).toBe('svc-0');
    // The same group through Alertmanager's webhook: the same service, so one page.
    const webhook = normalizeAlertmanagerMessage(
      alertmanagerWebhookSchema.parse(amFiring()),
      options,
    );
    expect(webhook.alerts.map((alert) => alert.service)).toEqual(['svc-0', 'svc-0']);
    // component and source name a machine's part or the machine: the integration's
    // service is the better guess, and they serve only when it names none.
    const doc = pagerDutyEventSchema.parse(PD_DOC_TRIGGER);
    expect(normalizePagerDutyEvent(doc, options).service).toBe('checkout');
    expect(normalizePagerDutyEvent(doc, { receivedAt: RECEIVED_AT }).service).toBe('postgres');
  });

  it('does not take the sending tool for the service', () => {
    const alert = normalizePagerDutyEvent(pagerDutyEventSchema.parse(AM_PD_TRIGGER), {
      receivedAt: RECEIVED_AT,
    });
    expect(alert.service).toBeUndefined();
  });

  it("reads Alertmanager's resolve as a resolve of the same key", () => {
    const alert = normalizePagerDutyEvent(pagerDutyEventSchema.parse(AM_PD_RESOLVE), {
      receivedAt: RECEIVED_AT,
    });
    expect([alert.action, alert.dedupKey, alert.endsAt]).toEqual([
      'resolve',
      AM_PD_TRIGGER.dedup_key,
      RECEIVED_AT,
    ]);
  });

  it("reads PagerDuty's example: its timestamp, component as service, details as text, links", () => {
    const alert = normalizePagerDutyEvent(pagerDutyEventSchema.parse(PD_DOC_TRIGGER), {
      receivedAt: RECEIVED_AT,
    });
    expect(alert.startsAt).toBe(Date.UTC(2015, 6, 17, 8, 42, 58, 315));
    expect(alert.service).toBe('postgres');
    expect(alert.severity).toBe('info');
    expect(alert.labels).toEqual({
      source: PD_DOC_TRIGGER.payload.source,
      component: 'postgres',
      group: 'prod-datapipe',
      class: 'deploy',
    });
    expect(alert.annotations).toEqual({ 'ping time': '1500ms', 'load avg': '0.75' });
    expect(alert.links).toEqual([
      { href: 'https://example.com/', text: 'Link text' },
      { href: 'https://monitoring.example.com', text: 'Sample Monitoring Service' },
    ]);
  });

  it('finds a runbook among the links or in the details', () => {
    const byLink = normalizePagerDutyEvent(
      {
        ...pagerDutyEventSchema.parse(PD_DOC_TRIGGER),
        links: [{ href: 'https://runbooks.example.com/pg', text: 'Runbook' }],
      },
      { receivedAt: RECEIVED_AT },
    );
    expect(byLink.runbookUrl).toBe('https://runbooks.example.com/pg');
    const byDetails = normalizePagerDutyEvent(
      {
        event_action: 'trigger',
        payload: {
          summary: 's',
          source: 'db-1',
          severity: 'critical',
          custom_details: { runbook_url: 'https://runbooks.example.com/db' },
        },
      },
      { receivedAt: RECEIVED_AT },
    );
    expect([byDetails.runbookUrl, byDetails.service]).toEqual([
      'https://runbooks.example.com/db',
      'db-1',
    ]);
  });

  it('makes up a dedup key for a trigger without one: the same for the same arrival, new for a later one', () => {
    const parsed = pagerDutyEventSchema.parse(without(PD_DOC_TRIGGER, 'dedup_key'));
    const first = normalizePagerDutyEvent(parsed, { receivedAt: RECEIVED_AT });
    expect(first.dedupKey).toMatch(/^[0-9a-f]{16}$/);
    expect(normalizePagerDutyEvent(parsed, { receivedAt: RECEIVED_AT }).dedupKey).toBe(
      first.dedupKey,
    );
    expect(normalizePagerDutyEvent(parsed, { receivedAt: RECEIVED_AT + 1 }).dedupKey).not.toBe(
      first.dedupKey,
    );
  });

  it('reads a bare acknowledge', () => {
    const alert = normalizePagerDutyEvent(pagerDutyEventSchema.parse(PD_DOC_ACK), {
      receivedAt: RECEIVED_AT,
      integration: 'kuma',
    });
    expect([alert.action, alert.dedupKey, alert.summary, alert.severity]).toEqual([
      'acknowledge',
      'dedupkeyhere',
      'dedupkeyhere',
      'error',
    ]);
  });
});

describe('normalizing plain webhooks', () => {
  it('reads every field', () => {
    const body = webhookAlertSchema.parse({
      title: 'Checkout error rate 12%',
      dedupKey: 'checkout-errors',
      service: 'checkout',
      severity: 'SEV1',
      labels: { region: 'eu-west-1', service: 'ignored' },
      annotations: { description: 'since the deploy' },
      runbook: 'https://runbooks.example.com/checkout',
      links: [{ href: 'https://grafana.example.com/d/checkout' }, { href: 'ftp://x' }],
      startsAt: '2026-11-22T04:30:33Z',
    });
    expect(normalizeWebhookAlert(body, { receivedAt: RECEIVED_AT, integration: 'hook' })).toEqual({
      source: 'webhook',
      integration: 'hook',
      dedupKey: 'checkout-errors',
      senderGroup: undefined,
      action: 'trigger',
      summary: 'Checkout error rate 12%',
      severity: 'critical',
      service: 'checkout',
      labels: { region: 'eu-west-1', service: 'ignored' },
      annotations: { description: 'since the deploy' },
      runbookUrl: 'https://runbooks.example.com/checkout',
      startsAt: Date.UTC(2026, 10, 22, 4, 30, 33),
      endsAt: undefined,
      links: [{ href: 'https://grafana.example.com/d/checkout', text: undefined }],
    });
  });

  it('keys an alert without dedupKey by its labels and service, so its resolve finds it', () => {
    const firing = normalizeWebhookAlert(
      webhookAlertSchema.parse({ title: 'Disk 91%', labels: { host: 'db-1' }, service: 'db' }),
      { receivedAt: RECEIVED_AT },
    );
    const resolved = normalizeWebhookAlert(
      webhookAlertSchema.parse({ status: 'resolved', labels: { host: 'db-1' }, service: 'db' }),
      { receivedAt: RECEIVED_AT + 60_000 },
    );
    expect(resolved.dedupKey).toBe(firing.dedupKey);
    expect([resolved.action, resolved.endsAt]).toEqual(['resolve', RECEIVED_AT + 60_000]);
    const otherService = normalizeWebhookAlert(
      webhookAlertSchema.parse({ title: 'Disk 91%', labels: { host: 'db-1' }, service: 'cache' }),
      { receivedAt: RECEIVED_AT },
    );
    expect(otherService.dedupKey).not.toBe(firing.dedupKey);
  });

  it('keys an alert without labels by its title', () => {
    const a = normalizeWebhookAlert({ title: 'Backup failed' }, { receivedAt: RECEIVED_AT });
    const b = normalizeWebhookAlert(
      { summary: 'Backup failed', status: 'resolved' },
      { receivedAt: RECEIVED_AT },
    );
    const c = normalizeWebhookAlert({ title: 'Backup slow' }, { receivedAt: RECEIVED_AT });
    expect(b.dedupKey).toBe(a.dedupKey);
    expect(c.dedupKey).not.toBe(a.dedupKey);
    expect(a.severity).toBe('error');
  });

  it('falls back to a service label, then to the integration', () => {
    expect(
      normalizeWebhookAlert(
        { title: 't', labels: { service: 'cart' } },
        { receivedAt: 0, service: 'shop' },
      ).service,
    ).toBe('cart');
    expect(normalizeWebhookAlert({ title: 't' }, { receivedAt: 0, service: 'shop' }).service).toBe(
      'shop',
    );
  });
});

describe('normalizing burn-rate transitions', () => {
  const transition: AlertTransition = {
    sloId: 7,
    slo: 'checkout-availability',
    service: 'checkout',
    rule: 'page:1h/5m:14.4',
    severity: 'page',
    transition: 'started',
    at: RECEIVED_AT,
    numbers: {
      longWindow: '1h',
      shortWindow: '5m',
      factor: 14.4,
      longBurnRate: 20,
      shortBurnRate: 30.123456,
      sli: 0.98,
      errorBudgetRemaining: 0.5,
    },
  };

  it('pages as critical, keyed by SLO and rule, for the SLO’s service', () => {
    const alert = normalizeBurnRateTransition(transition);
    expect(alert).toMatchObject({
      source: 'burn-rate',
      dedupKey: '7/page:1h/5m:14.4',
      action: 'trigger',
      severity: 'critical',
      service: 'checkout',
      summary:
        'checkout-availability: error budget burning 20× over 1h and 30.1× over 5m (threshold 14.4×)',
      startsAt: RECEIVED_AT,
      endsAt: undefined,
    });
    expect(alert.annotations).toMatchObject({
      long_burn_rate: '20',
      error_budget_remaining: '0.5',
    });
  });

  it('rounds its numbers for people, keeping an SLI’s nines apart', () => {
    const alert = normalizeBurnRateTransition({
      ...transition,
      numbers: {
        ...transition.numbers,
        longBurnRate: 20.800106326422117,
        shortBurnRate: 0.1 + 0.2,
        sli: 0.99995123456,
        errorBudgetRemaining: -0.23456789,
      },
    });
    expect(alert.annotations).toMatchObject({
      long_burn_rate: '20.8',
      short_burn_rate: '0.3',
      sli: '0.999951',
      error_budget_remaining: '-0.2346',
    });
  });

  it('resolves with the same key; a ticket rule is a warning', () => {
    const resolved = normalizeBurnRateTransition({
      ...transition,
      transition: 'resolved',
      severity: 'ticket',
      at: RECEIVED_AT + 60_000,
      numbers: { ...transition.numbers, longBurnRate: null },
    });
    expect([resolved.action, resolved.severity, resolved.endsAt]).toEqual([
      'resolve',
      'warning',
      RECEIVED_AT + 60_000,
    ]);
    expect(resolved.summary).toContain('no data over 1h');
  });
});
