// What an open page can be found by, so that an incoming alert reads only the pages it
// may dedup against or join. Keys are hashed: identities hold separators (NUL) that
// not every database keeps in text, and a rare collision only reads one page too many.
import { fnv1a64 } from './hash.js';
import type { Page } from './grouping.js';

export const alertKey = (identity: string): string => `a:${fnv1a64(identity)}`;
export const serviceKey = (service: string): string => `s:${service}`;
export const senderGroupKey = (group: string): string => `g:${fnv1a64(group)}`;
export const alertmanagerGroupKey = (digest: string): string => `m:${digest}`;

export function pageKeys(page: Page): string[] {
  return [
    ...new Set([
      ...page.alerts.map((alert) => alertKey(alert.key)),
      // An incident's call to the rotation is no place for a service's next alert: that
      // alert opens its own page and pages the service's own on-call.
      ...(page.alerts.every((alert) => alert.source === 'incident')
        ? []
        : page.services.map(serviceKey)),
      ...page.alerts.flatMap((alert) =>
        alert.senderGroup === undefined ? [] : [senderGroupKey(alert.senderGroup)],
      ),
      ...page.alerts.flatMap((alert) =>
        alert.alertmanagerGroup === undefined
          ? []
          : [alertmanagerGroupKey(alert.alertmanagerGroup)],
      ),
    ]),
  ];
}
