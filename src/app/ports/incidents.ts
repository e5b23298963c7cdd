// Incidents as the deploy gate and the change-failure figure need them
// (app/incidents.ts `storedIncidents` reads them from the store).
import type { OpenIncident } from '../../core/policy/model.js';

/** An incident opened on a service, for the change-failure figure. */
export interface OpenedIncident {
  readonly id: string;
  readonly title: string | undefined;
  readonly service: string;
  readonly openedAt: number;
}

export interface IncidentSource {
  /** Incidents open at `atMs` on any of `services`. */
  openIncidents(services: readonly string[], atMs: number): Promise<readonly OpenIncident[]>;
  /** Incidents opened on `service` in [fromMs, toMs). */
  incidentsOpened(
    service: string,
    fromMs: number,
    toMs: number,
  ): Promise<readonly OpenedIncident[]>;
  /** An incident changed on this instance: the next read must see it. */
  changed?(): void;
}

/** No incidents at all: for tests of what does not depend on them. */
export const NO_INCIDENTS: IncidentSource = {
  openIncidents: () => Promise.resolve([]),
  incidentsOpened: () => Promise.resolve([]),
};
