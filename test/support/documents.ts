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

/** checkout (team payments) with checkout-availability. */
export const CHECKOUT_DOCUMENTS = [
  serviceDocument('checkout', 'payments'),
  sloDocument('checkout-availability', 'checkout'),
];
