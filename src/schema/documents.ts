// Every headroom/v1 kind in one union: for editors' JSON Schema and the API's description
// of apply. The kinds' schemas live in their own files.
import { z } from 'zod';
import { dataSourceDocumentSchema, serviceDocumentSchema, sloDocumentSchema } from './config.js';
import { errorBudgetPolicyDocumentSchema } from './policy.js';
import { escalationPolicyDocumentSchema } from './escalation.js';
import { heartbeatDocumentSchema } from './heartbeat.js';
import { incidentSettingsDocumentSchema } from './incident-settings.js';
import { runbookDocumentSchema } from './runbook.js';
import { scheduleDocumentSchema } from './schedule.js';

export const headroomDocumentSchema = z.discriminatedUnion('kind', [
  serviceDocumentSchema,
  sloDocumentSchema,
  dataSourceDocumentSchema,
  scheduleDocumentSchema,
  escalationPolicyDocumentSchema,
  errorBudgetPolicyDocumentSchema,
  runbookDocumentSchema,
  incidentSettingsDocumentSchema,
  heartbeatDocumentSchema,
]);

export type HeadroomDocument = z.output<typeof headroomDocumentSchema>;

/** A JSON Schema of the documents as written, for editors (yaml-language-server). */
export function headroomJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(headroomDocumentSchema, { io: 'input', unrepresentable: 'any' });
}
