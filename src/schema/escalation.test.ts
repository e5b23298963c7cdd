import { describe, expect, it } from 'vitest';
import { escalationPolicyDocumentSchema, escalationPolicyFromDocument } from './escalation.js';

const document = (spec: Record<string, unknown>) => ({
  apiVersion: 'headroom/v1',
  kind: 'EscalationPolicy',
  metadata: { name: 'payments' },
  spec,
});

describe('the EscalationPolicy document', () => {
  it('reads levels, targets, timeouts and channels into the model', () => {
    const parsed = escalationPolicyDocumentSchema.parse(
      document({
        team: 'payments',
        teams: ['payments'],
        levels: [
          { notify: [{ schedule: 'primary' }, { user: 'dana' }], timeout: '5m' },
          { notify: [{ team: 'payments' }] },
        ],
        repeat: 1,
        channels: [{ slack: { url: 'https://hooks.example.com/x' } }],
      }),
    );
    expect(escalationPolicyFromDocument(parsed)).toMatchObject({
      name: 'payments',
      policy: {
        repeat: 1,
        levels: [
          {
            timeoutMinutes: 5,
            targets: [
              { kind: 'schedule', name: 'primary' },
              { kind: 'user', name: 'dana' },
            ],
          },
          { timeoutMinutes: 15, targets: [{ kind: 'team', name: 'payments' }] },
        ],
      },
      channels: [{ kind: 'slack', url: 'https://hooks.example.com/x' }],
    });
  });

  it('says what a target and a channel look like when one is wrong', () => {
    const parsed = escalationPolicyDocumentSchema.safeParse(
      document({
        levels: [{ notify: [{ person: 'anna' }] }],
        channels: [{ email: 'a@example.com' }],
      }),
    );
    expect(parsed.success).toBe(false);
    const messages = parsed.error?.issues.map((issue) => issue.message) ?? [];
    expect(messages).toContain(
      'a target is one of {user: <name>}, {schedule: <name>} or {team: <name>}',
    );
    expect(messages).toContain('a channel is {webhook: {url, secret?}} or {slack: {url}}');
  });
});
