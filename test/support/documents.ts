// Small headroom/v1 documents for tests and benchmarks.

export function serviceDocument(name: string, team: string, description?: string) {
  return {
    apiVersion: 'headroom/v1',
    kind: 'Service',
    metadata: { name },
    spec: { team, ...(description === undefined ? {} : { description }) },
  };
}

/** A 99.9 % ratio SLO over 30 days. */
export function sloDocument(name: string, service: string, description?: string) {
  return {
    apiVersion: 'headroom/v1',
    kind: 'SLO',
    metadata: { name },
    spec: {
      service,
      ...(description === undefined ? {} : { description }),
      sli: { ratio: null },
      objective: 99.9,
      window: '30d',
    },
  };
}

/** A Heartbeat check of `service`; `spec` gives its schedule, grace and run-time limits. */
export function heartbeatDocument(name: string, service: string, spec: Record<string, unknown>) {
  return {
    apiVersion: 'headroom/v1',
    kind: 'Heartbeat',
    metadata: { name },
    spec: { service, ...spec },
  };
}

/** checkout (team payments) with checkout-availability. */
export const CHECKOUT_DOCUMENTS = [
  serviceDocument('checkout', 'payments'),
  sloDocument('checkout-availability', 'checkout'),
];

/**
 * An Alertmanager webhook (payload version 4) for one group of firing alerts, each
 * given by its labels and summary; the fingerprint is taken from `id`.
 */
export function alertmanagerFiring(
  groupKey: string,
  alerts: readonly { id: string; labels: Record<string, string>; summary: string }[],
  commonLabels: Record<string, string> = {},
) {
  return {
    receiver: 'headroom',
    status: 'firing',
    alerts: alerts.map((alert) => ({
      status: 'firing',
      labels: alert.labels,
      annotations: { summary: alert.summary },
      startsAt: '2026-11-02T03:00:00Z',
      endsAt: '0001-01-01T00:00:00Z',
      generatorURL: 'http://prometheus/graph',
      fingerprint: `fp-${alert.id}`,
    })),
    groupLabels: { alertname: commonLabels.alertname ?? '' },
    commonLabels,
    commonAnnotations: {},
    externalURL: 'http://alertmanager',
    version: '4',
    groupKey,
    truncatedAlerts: 0,
  };
}
