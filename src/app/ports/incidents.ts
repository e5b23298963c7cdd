// Incidents as the deploy gate and the change-failure figure need them. Incidents do
// not exist yet (issue 7): until then `NO_INCIDENTS_YET` answers for them, and the
// incident store implements this port when it arrives.
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
}

/** There are no incidents before issue 7: the incident freeze never holds, none counts as a change failure. */
export const NO_INCIDENTS_YET: IncidentSource = {
  openIncidents: () => Promise.resolve([]),
  incidentsOpened: () => Promise.resolve([]),
};
