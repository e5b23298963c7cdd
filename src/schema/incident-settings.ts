// The IncidentSettings kind of headroom/v1: the severity scale incidents are declared
// with (names and meaning are the organisation's own) and the incident-response
// rotation that joins the big ones. Installation-wide: one at most.
import { z } from 'zod';
import type { IncidentSettingsResource } from '../core/slo/model.js';
import { HEADROOM_API_VERSION, metadataSchema } from './config.js';

const severitySchema = z.strictObject({
  /** As people say it: SEV1, P1, major. */
  name: z.string().min(1).max(32),
  meaning: z.string().min(1),
  /** Incidents of this severity page the incident-response rotation. */
  pullsIncidentResponse: z.boolean().default(false),
});

export const incidentSettingsSpecSchema = z.strictObject({
  /** Most severe first. */
  severities: z
    .array(severitySchema)
    .min(1, { error: 'severities must not be empty' })
    .refine((list) => new Set(list.map((severity) => severity.name)).size === list.length, {
      error: 'severity names must be unique',
    })
    .optional(),
  /** The schedule paged when an incident needs the incident-response rotation. */
  incidentResponse: z.strictObject({ schedule: z.string().min(1) }).optional(),
});

export const incidentSettingsDocumentSchema = z.strictObject({
  apiVersion: z.literal(HEADROOM_API_VERSION),
  kind: z.literal('IncidentSettings'),
  metadata: metadataSchema,
  spec: incidentSettingsSpecSchema,
});

export type IncidentSettingsDocument = z.output<typeof incidentSettingsDocumentSchema>;
export type IncidentSettingsDocumentInput = z.input<typeof incidentSettingsDocumentSchema>;

export function incidentSettingsFromDocument(
  document: IncidentSettingsDocument,
): IncidentSettingsResource {
  const { metadata, spec } = document;
  return {
    name: metadata.name,
    severities: spec.severities,
    incidentResponseSchedule: spec.incidentResponse?.schedule,
    labels: metadata.labels,
  };
}

export function incidentSettingsToDocument(
  resource: IncidentSettingsResource,
): IncidentSettingsDocumentInput {
  return {
    apiVersion: HEADROOM_API_VERSION,
    kind: 'IncidentSettings',
    metadata: { name: resource.name, labels: { ...resource.labels } },
    spec: {
      ...(resource.severities === undefined
        ? {}
        : { severities: resource.severities.map((severity) => ({ ...severity })) }),
      ...(resource.incidentResponseSchedule === undefined
        ? {}
        : { incidentResponse: { schedule: resource.incidentResponseSchedule } }),
    },
  };
}
