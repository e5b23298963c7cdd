// A runbook draft from a postmortem: the steps that resolved an incident are the best
// first guess at what to do next time, so the postmortem's `### Resolution steps` become
// the runbook's steps, and its first signal and services say when to use it. It reads
// the Markdown rather than the facts because people edit the steps during review; what
// they have not written yet (the `TO_WRITE` marker) is left out.
import { FIRST_SIGNAL_LABEL, RESOLUTION_STEPS_HEADING, toWrite } from './draft.js';
import { documentLines, headingOf, oneLine, sectionBody, type DocumentLine } from './markdown.js';

export interface RunbookOptions {
  /** The service the runbook is for. */
  readonly service: string;
  readonly title: string;
  /** Alert names that should lead responders to this runbook. */
  readonly alerts?: readonly string[] | undefined;
  /** Where the source postmortem is published, for the link back. */
  readonly postmortemUrl?: string | undefined;
}

export type RunbookDraft =
  | { readonly ok: true; readonly markdown: string; readonly steps: readonly string[] }
  | {
      readonly ok: false;
      readonly code: 'no-resolution-steps';
      /** What to do about it, for the person who asked for the runbook. */
      readonly message: string;
    };

const MARKER = /\[to write\]/i;
// The "(at <time>, by <person>)" the draft appends to each step: a fact of that incident,
// not part of what to do next time.
const STEP_ANNOTATION = /\s*_\(at [^\n]*?\)_\s*$/;
const LIST_ITEM = /^ {0,3}(?:\d{1,9}[.)]|[-*+])[ \t]+(.*)$/;

/** The items of the first list in `body` (lazy continuation lines joined), in order. */
function listItems(body: readonly DocumentLine[]): string[] {
  const items: string[] = [];
  let inList = false;
  for (const line of body) {
    if (line.code) continue;
    const item = LIST_ITEM.exec(line.text);
    if (item !== null) {
      items.push(item[1] ?? '');
      inList = true;
    } else if (inList && line.text.trim() !== '' && /^\s+/.test(line.text)) {
      items[items.length - 1] = `${items[items.length - 1] ?? ''} ${line.text.trim()}`;
    } else if (inList && line.text.trim() !== '') {
      break;
    }
  }
  return items;
}

/** The resolution steps people wrote (or kept), without markers and incident annotations. */
export function resolutionStepsOf(markdown: string): string[] {
  const body = sectionBody(documentLines(markdown), 3, RESOLUTION_STEPS_HEADING);
  if (body === null) return [];
  return listItems(body)
    .filter((item) => !MARKER.test(item))
    .map((item) => item.replace(STEP_ANNOTATION, '').trim())
    .filter((item) => item !== '');
}

function metadataValue(lines: readonly DocumentLine[], label: string): string | null {
  const pattern = new RegExp(String.raw`^\s*[-*+]?\s*\*\*${label}:\*\*\s*(.*)$`, 'i');
  for (const line of lines) {
    if (line.code) continue;
    if (headingOf(line)?.level === 2) return null;
    const match = pattern.exec(line.text);
    if (match !== null) return (match[1] ?? '').trim();
  }
  return null;
}

function firstSignal(lines: readonly DocumentLine[]): string | null {
  const body = sectionBody(lines, 2, 'Detection');
  if (body === null) return null;
  const label = `**${FIRST_SIGNAL_LABEL}**`;
  const line = body.find((candidate) => !candidate.code && candidate.text.includes(label));
  const text = line?.text.slice(line.text.indexOf(label) + label.length).trim() ?? '';
  return text === '' || MARKER.test(text) ? null : text;
}

/**
 * The runbook draft for `options.service`, or why there is none: a postmortem whose
 * resolution steps are all still to be written has nothing to turn into steps.
 */
export function runbookFromPostmortem(markdown: string, options: RunbookOptions): RunbookDraft {
  const lines = documentLines(markdown);
  const steps = resolutionStepsOf(markdown);
  if (steps.length === 0)
    return {
      ok: false,
      code: 'no-resolution-steps',
      message: `the postmortem has no resolution steps yet: write them under "### ${RESOLUTION_STEPS_HEADING}" in the Response section as a numbered list, then ask again`,
    };
  const titleLine = lines.find((line) => headingOf(line)?.level === 1);
  const source = titleLine === undefined ? 'the postmortem' : (headingOf(titleLine)?.text ?? '');
  const reference =
    options.postmortemUrl === undefined ? `"${source}"` : `[${source}](${options.postmortemUrl})`;
  const services = metadataValue(lines, 'Services');
  const teams = metadataValue(lines, 'Teams');
  const signal = firstSignal(lines);
  const alerts = (options.alerts ?? []).map(oneLine).filter((alert) => alert !== '');
  const whenToUse = [
    ...alerts.map((alert) => `- The alert \`${alert.replace(/`/g, "'")}\` fires.`),
    ...(signal === null
      ? []
      : [`- The incident this comes from was first signalled by: ${signal}`]),
    ...(services === null || services === 'none recorded'
      ? []
      : [`- Services involved in that incident: ${services}.`]),
    `- ${toWrite('the symptoms that call for this runbook: what users see, which dashboards show it.')}`,
  ];
  const escalateTo =
    teams === null || teams === 'none recorded' ? 'the owning team' : `the on-call of ${teams}`;
  const doc = [
    `# Runbook: ${oneLine(options.title)}`,
    '',
    `- **Service:** ${oneLine(options.service)}`,
    `- **Status:** Draft, generated from the postmortem ${reference}; check every step before relying on it.`,
    '',
    '## When to use',
    '',
    ...whenToUse,
    '',
    '## Steps',
    '',
    ...steps.map((step, index) => `${index + 1}. ${step}`),
    '',
    '## Verify',
    '',
    ...(alerts.length === 0 ? [] : ['- The alerts above have resolved.']),
    `- The error budget burn of ${oneLine(options.service)}'s SLOs is back under 1×.`,
    `- ${toWrite('what else shows the service is healthy again: a dashboard, a query, a test request.')}`,
    '',
    '## Escalate',
    '',
    `- Page ${escalateTo} if the steps have not helped.`,
    `- ${toWrite('how long to try the steps before escalating, and who else to involve: a dependency owner, the incident commander rotation.')}`,
  ];
  return { ok: true, markdown: `${doc.join('\n')}\n`, steps };
}
