import { describe, expect, it } from 'vitest';
import type { IncidentResponseRule } from '../alerts/escalation.js';
import type { Tier } from '../slo/model.js';
import {
  firstIncidentResponsePull,
  incidentResponseReasonsForIncident,
  newlyPullingReasons,
} from './incident-response.js';
import { DEFAULT_SEVERITIES, type IncidentDeclared, type IncidentEvent } from './model.js';

const T0 = Date.UTC(2026, 10, 22, 3, 0);

const TIERS: Record<string, Tier> = { checkout: 'critical', search: 'standard', docs: 'low' };
const TEAMS: Record<string, string> = { checkout: 'shop', search: 'find', docs: 'find' };
const RULE: IncidentResponseRule = {
  schedule: 'incident-response',
  tierOf: (service) => TIERS[service],
  teamOf: (service) => TEAMS[service],
};

describe('incidentResponseReasonsForIncident', () => {
  it('gives the page reasons and the severity', () => {
    expect(
      incidentResponseReasonsForIncident(['checkout', 'search'], 'SEV1', DEFAULT_SEVERITIES, RULE),
    ).toEqual(['critical-service', 'several-teams', 'severity']);
    expect(
      incidentResponseReasonsForIncident(['search', 'docs'], 'SEV2', DEFAULT_SEVERITIES, RULE),
    ).toEqual(['severity']);
    expect(
      incidentResponseReasonsForIncident(['search', 'docs'], 'SEV3', DEFAULT_SEVERITIES, RULE),
    ).toEqual([]);
  });

  it('a severity the scale does not have pulls nobody', () => {
    expect(incidentResponseReasonsForIncident(['search'], 'P0', DEFAULT_SEVERITIES, RULE)).toEqual(
      [],
    );
  });
});

describe('newlyPullingReasons', () => {
  it('joins when the first reason appears, not when another joins it', () => {
    expect(newlyPullingReasons([], ['severity'])).toEqual(['severity']);
    expect(newlyPullingReasons(['critical-service'], ['critical-service', 'severity'])).toEqual([]);
    expect(newlyPullingReasons([], [])).toEqual([]);
  });
});

describe('firstIncidentResponsePull', () => {
  const declared: IncidentDeclared = {
    type: 'declared',
    at: T0,
    by: 'alice',
    title: 'Slow search',
    severity: 'SEV3',
    services: ['search'],
    pageIds: [],
  };

  it('is the event that first called for the rotation, once', () => {
    const events: IncidentEvent[] = [
      declared,
      { type: 'note', at: T0 + 1, by: 'a', text: 'n' },
      { type: 'severity', at: T0 + 2, by: 'a', severity: 'SEV2' },
      { type: 'severity', at: T0 + 3, by: 'a', severity: 'SEV3' },
      { type: 'severity', at: T0 + 4, by: 'a', severity: 'SEV1' },
      { type: 'services', at: T0 + 5, by: 'a', added: ['checkout'], removed: [] },
    ];
    expect(firstIncidentResponsePull(events, DEFAULT_SEVERITIES, RULE)).toEqual({
      index: 2,
      at: T0 + 2,
      reasons: ['severity'],
    });
  });

  it('a service added later: critical and cross-team', () => {
    const events: IncidentEvent[] = [
      declared,
      { type: 'services', at: T0 + 5, by: 'a', added: ['checkout'], removed: [] },
    ];
    expect(firstIncidentResponsePull(events, DEFAULT_SEVERITIES, RULE)).toEqual({
      index: 1,
      at: T0 + 5,
      reasons: ['critical-service', 'several-teams'],
    });
  });

  it('declared as SEV1: the declaration; never pulled: undefined', () => {
    expect(
      firstIncidentResponsePull([{ ...declared, severity: 'SEV1' }], DEFAULT_SEVERITIES, RULE)
        ?.index,
    ).toBe(0);
    expect(firstIncidentResponsePull([declared], DEFAULT_SEVERITIES, RULE)).toBeUndefined();
  });
});
