// headroom/v1 documents that arrive as JSON values (API bodies, stored resources)
// rather than YAML files: the same adapter and the same issues, with the position
// given as a JSON path (`documents[2].spec.objective`) instead of file:line.
import { LineCounter, parseDocument } from 'yaml';
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
} from '../core/slo/model.js';
import { IssueCollector, type ConfigIssue, type SourceDocument } from './document.js';
import { readHeadroomDocument } from './formats/headroom.js';

export interface ReadValue<T> {
  readonly value: T;
  /** Position of the document in the input list. */
  readonly index: number;
}

export interface ReadDocuments {
  readonly services: ReadValue<Service>[];
  readonly slos: ReadValue<Slo>[];
  readonly dataSources: ReadValue<DataSource>[];
  readonly schedules: ReadValue<ScheduleResource>[];
  readonly policies: ReadValue<PolicyResource>[];
  readonly escalationPolicies: ReadValue<EscalationPolicyResource>[];
  readonly runbooks: ReadValue<RunbookResource>[];
  readonly incidentSettings: ReadValue<IncidentSettingsResource>[];
  readonly heartbeats: ReadValue<HeartbeatResource>[];
  readonly issues: ConfigIssue[];
}

/**
 * Reads each value as one headroom/v1 document. `label(index)` names a document in
 * issues (their `file`), e.g. `documents[3]`.
 */
export function readDocumentValues(
  values: readonly unknown[],
  label: (index: number) => string = (index) => `documents[${index}]`,
): ReadDocuments {
  const issues = new IssueCollector();
  const services: ReadValue<Service>[] = [];
  const slos: ReadValue<Slo>[] = [];
  const dataSources: ReadValue<DataSource>[] = [];
  const schedules: ReadValue<ScheduleResource>[] = [];
  const policies: ReadValue<PolicyResource>[] = [];
  const escalationPolicies: ReadValue<EscalationPolicyResource>[] = [];
  const runbooks: ReadValue<RunbookResource>[] = [];
  const incidentSettings: ReadValue<IncidentSettingsResource>[] = [];
  const heartbeats: ReadValue<HeartbeatResource>[] = [];
  values.forEach((value, index) => {
    const source = sourceOf(value, label(index), index);
    const result = readHeadroomDocument(source, issues);
    for (const service of result.services) services.push({ value: service.value, index });
    for (const slo of result.slos) slos.push({ value: slo.value, index });
    for (const dataSource of result.dataSources)
      dataSources.push({ value: dataSource.value, index });
    for (const schedule of result.schedules) schedules.push({ value: schedule.value, index });
    for (const policy of result.policies) policies.push({ value: policy.value, index });
    for (const policy of result.escalationPolicies)
      escalationPolicies.push({ value: policy.value, index });
    for (const runbook of result.runbooks) runbooks.push({ value: runbook.value, index });
    for (const settings of result.incidentSettings)
      incidentSettings.push({ value: settings.value, index });
    for (const heartbeat of result.heartbeats) heartbeats.push({ value: heartbeat.value, index });
  });
  return {
    services,
    slos,
    dataSources,
    schedules,
    policies,
    escalationPolicies,
    runbooks,
    incidentSettings,
    heartbeats,
    issues: issues.issues,
  };
}

/** Where an issue is, for an API error: the document label and the field path. */
export function issuePath(issue: ConfigIssue): string {
  return issue.path === '' ? issue.file : `${issue.file}.${issue.path}`;
}

function sourceOf(value: unknown, file: string, index: number): SourceDocument {
  // JSON is YAML: parsing the JSON text gives the adapter the document it expects.
  const lineCounter = new LineCounter();
  const document = parseDocument(JSON.stringify(value === undefined ? null : value), {
    lineCounter,
  });
  return { file, index, document, lineCounter, value };
}
