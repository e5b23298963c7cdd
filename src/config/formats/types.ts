import type {
  DataSource,
  EscalationPolicyResource,
  HeartbeatResource,
  IncidentSettingsResource,
  PolicyResource,
  RunbookResource,
  ScheduleResource,
  Service,
  Slo,
} from '../../core/slo/model.js';
import type { Located } from '../document.js';

/** What one config format adapter reads out of its documents. */
export interface FormatResult {
  readonly services: Located<Service>[];
  /** Services only named by an SLO (Sloth's `service:`): used when no Service of that name is declared. */
  readonly impliedServices: Located<Service>[];
  readonly slos: Located<Slo>[];
  readonly dataSources: Located<DataSource>[];
  readonly schedules: Located<ScheduleResource>[];
  readonly policies: Located<PolicyResource>[];
  readonly escalationPolicies: Located<EscalationPolicyResource>[];
  readonly runbooks: Located<RunbookResource>[];
  readonly incidentSettings: Located<IncidentSettingsResource>[];
  readonly heartbeats: Located<HeartbeatResource>[];
}

export function emptyFormatResult(): FormatResult {
  return {
    services: [],
    impliedServices: [],
    slos: [],
    dataSources: [],
    schedules: [],
    policies: [],
    escalationPolicies: [],
    runbooks: [],
    incidentSettings: [],
    heartbeats: [],
  };
}
