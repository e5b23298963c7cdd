// The Runbook kind of headroom/v1: Markdown that tells a responder what to do, shown on
// the pages and incidents of a service, or of alerts with these names.
import { z } from 'zod';
import type { RunbookResource } from '../core/slo/model.js';
import { HEADROOM_API_VERSION, metadataSchema } from './config.js';

/** Larger than any runbook people write by hand; keeps a paste accident out of the database. */
export const RUNBOOK_MAX_LENGTH = 100_000;

export const runbookSpecSchema = z
  .strictObject({
    title: z.string().min(1),
    /** Pages and incidents of this service show the runbook. */
    service: z.string().min(1).optional(),
    /** Alerts of these names (Alertmanager's alertname, a burn alert's SLO) show it. */
    alerts: z.array(z.string().min(1)).default([]),
    /** Owning team when there is no service: its editors change the runbook. */
    team: z.string().min(1).optional(),
    markdown: z.string().min(1).max(RUNBOOK_MAX_LENGTH),
  })
  .refine((spec) => spec.service !== undefined || spec.alerts.length > 0, {
    error: 'a runbook needs a service, alert names, or both: otherwise nothing shows it',
    path: ['service'],
  });

export const runbookDocumentSchema = z.strictObject({
  apiVersion: z.literal(HEADROOM_API_VERSION),
  kind: z.literal('Runbook'),
  metadata: metadataSchema,
  spec: runbookSpecSchema,
});

export type RunbookDocument = z.output<typeof runbookDocumentSchema>;
export type RunbookDocumentInput = z.input<typeof runbookDocumentSchema>;

export function runbookFromDocument(document: RunbookDocument): RunbookResource {
  const { metadata, spec } = document;
  return {
    name: metadata.name,
    title: spec.title,
    service: spec.service,
    alerts: spec.alerts,
    team: spec.team,
    markdown: spec.markdown,
    labels: metadata.labels,
  };
}

export function runbookToDocument(resource: RunbookResource): RunbookDocumentInput {
  return {
    apiVersion: HEADROOM_API_VERSION,
    kind: 'Runbook',
    metadata: { name: resource.name, labels: { ...resource.labels } },
    spec: {
      title: resource.title,
      ...(resource.service === undefined ? {} : { service: resource.service }),
      alerts: [...resource.alerts],
      ...(resource.team === undefined ? {} : { team: resource.team }),
      markdown: resource.markdown,
    },
  };
}
