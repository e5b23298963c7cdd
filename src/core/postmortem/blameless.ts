// Blameless language: a postmortem that names a person as the cause teaches people to
// hide mistakes, and ends the inquiry where it should start (what made the mistake easy
// to make?). This check points at sentences that blame a person and suggests asking
// about the system instead. It is advice: review does not refuse on it (see review.ts).
//
// What it looks at: every line of prose, table rows included (the Timeline's too: the
// published document reads as one text, and a blaming note quoted in the timeline reads
// the same as one in the analysis; the authors may keep it after reading the advice).
// What it skips: fenced code, HTML comments, inline code, and link targets and bare URLs
// (a URL such as …/blame/main/… is not language).
//
// Sentences are found within a line (a paragraph wrapped over lines is checked line by
// line); columns count UTF-16 code units from 1, as browser editors do.
import { documentLines } from './markdown.js';

export interface BlamelessFinding {
  /** 1-based line of the match. */
  readonly line: number;
  /** 1-based column of the match's first character. */
  readonly column: number;
  /** The sentence holding the match, as written (markup around it trimmed). */
  readonly sentence: string;
  /** The text that matched, as written. */
  readonly phrase: string;
  /** The person named, as written in `people`; null for blame words without a name. */
  readonly person: string | null;
  readonly reason: string;
  /** How to say it about the system instead. */
  readonly suggestion: string;
}

interface Rule {
  /** Matched right after a name (`Alice forgot`). */
  readonly after?: string;
  /** Matched right before a name (`caused by Alice`). */
  readonly before?: string;
  /** Matched without a name (`human error`). */
  readonly alone?: string;
  readonly reason: string;
  readonly suggestion: string;
}

// An optional adverb between a name and the verb: "Alice simply forgot", "Bob also didn't".
const ADVERB = String.raw`(?:\s+(?:\p{L}+ly|also|just|again|then|still|even|never))?`;
const APOSTROPHE = "['’]";

const RULES: readonly Rule[] = [
  {
    after: String.raw`${ADVERB}\s+(?:forgot|forgets|forgotten|neglected|neglects|overlooked|missed)\b`,
    reason: 'names a person as the one who missed a step',
    suggestion:
      'Ask what made the step easy to miss: was it in a checklist, automated, or signalled? Describe that gap, e.g. "The release checklist does not include the migration check."',
  },
  {
    after: String.raw`${ADVERB}\s+(?:failed|fails)\s+to\b`,
    reason: "names a person's failure rather than what the system allowed",
    suggestion:
      'Describe what the system or process did not do or did not require, e.g. "The pipeline did not require a canary for this service."',
  },
  {
    after: String.raw`${ADVERB}\s+(?:should(?:${APOSTROPHE}ve|\s+have|n${APOSTROPHE}t\s+have|\s+not\s+have)|ought\s+to\s+have)\b`,
    reason: 'judges a person with hindsight',
    suggestion:
      'Describe what was known at the time and what would have surfaced the better choice, e.g. "The dashboard did not show the queue depth."',
  },
  {
    after: String.raw`${APOSTROPHE}s?\s+(?:mistake|mistakes|fault|error|errors|oversight|negligence|carelessness|screw-?up)\b`,
    reason: 'attributes the incident to a person',
    suggestion:
      'Name the change or the behaviour of the system as the cause, e.g. "The configuration change in v1.4 set the pool size to 0."',
  },
  {
    after: String.raw`\s+(?:was|is)\s+(?:at\s+fault|to\s+blame|responsible\s+for\s+the\s+(?:incident|outage))\b`,
    reason: 'attributes the incident to a person',
    suggestion:
      'Name the change or the condition that led to the incident, and what let it through.',
  },
  {
    before: String.raw`\b(?:because\s+of|caused\s+by|due\s+to|thanks\s+to|blame\s+(?:it\s+)?on|fault\s+of)\s+`,
    reason: 'names a person as the cause',
    suggestion:
      'Name the change or the system behaviour as the cause, e.g. "caused by the retry storm after the deploy of v1.4".',
  },
  {
    after: String.raw`${ADVERB}\s+(?:broke|breaks|broken|messed\s+up|screwed\s+up)\b`,
    reason: 'names a person as the one who broke something',
    suggestion:
      'Say what changed and which safeguard let it through, e.g. "The migration locked the orders table; nothing tests migrations against production-sized data."',
  },
  {
    after: String.raw`${ADVERB}\s+(?:didn${APOSTROPHE}t|did\s+not|never\s+did)\b`,
    reason: 'frames what happened as something a person did not do',
    suggestion:
      'Describe what the system or process did not prompt for, e.g. "Nothing reminded the on-call to check the replica lag."',
  },
  {
    after: String.raw`${ADVERB}\s+(?:ignored|ignores|dismissed)\b`,
    reason: 'says a person ignored a signal',
    suggestion:
      'Ask why the signal was easy to dismiss: noisy alerts, unclear severity, several pages at once?',
  },
  {
    alone: String.raw`\b(?:human|operator|user)\s+error\b`,
    reason: '"human error" ends the inquiry where it should start',
    suggestion:
      'Ask what made the error possible and what would catch it next time: a check, a confirmation step, a safer default.',
  },
  {
    alone: String.raw`\b(?:careless(?:ly|ness)?|negligen(?:t|tly|ce)|incompeten(?:t|ce|tly)|sloppy|reckless(?:ly)?)\b`,
    reason: 'judges people rather than describing conditions',
    suggestion:
      'Describe the conditions instead: time pressure, load, tooling, what the interface showed.',
  },
  {
    alone: String.raw`\b(?:fault\s+of|at\s+fault|blame[ds]?|blaming)\b`,
    reason: 'assigns blame',
    suggestion:
      'Describe the chain of events and the conditions that allowed it, not who is responsible.',
  },
  {
    alone: String.raw`\bshould(?:${APOSTROPHE}ve|\s+have)\s+known\b`,
    reason: 'judges with hindsight',
    suggestion: 'Describe what was known at the time and where the missing information lived.',
  },
];

interface Pattern {
  readonly regex: RegExp;
  /** Whose name the pattern holds; null for blame words. */
  readonly person: string | null;
  readonly rule: Rule;
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * The forms of each person's name to look for: the name as given, and the first word of
 * a name of several words ("Alice" for "Alice Martin"), since postmortems use first
 * names. Longest first so "Alice Martin forgot" reports the full name.
 */
function nameForms(people: readonly string[]): { form: string; person: string }[] {
  const forms = new Map<string, string>();
  for (const raw of people) {
    const person = raw.trim();
    if (person === '') continue;
    const key = person.toLowerCase();
    if (!forms.has(key)) forms.set(key, person);
    const first = person.split(/\s+/)[0] ?? '';
    if (first !== person && first.length >= 2 && !forms.has(first.toLowerCase()))
      forms.set(first.toLowerCase(), person);
  }
  return [...forms.entries()]
    .sort(([a], [b]) => b.length - a.length || (a < b ? -1 : a > b ? 1 : 0))
    .map(([form, person]) => ({ form, person }));
}

// Word boundaries that know letters beyond ASCII ("Zoë", "José") and handles ("@alice").
const START = String.raw`(?<![\p{L}\p{N}_])`;
const END = String.raw`(?![\p{L}\p{N}_])`;

function patterns(people: readonly string[]): Pattern[] {
  const list: Pattern[] = [];
  const forms = nameForms(people);
  for (const rule of RULES) {
    if (rule.alone !== undefined)
      list.push({ regex: new RegExp(rule.alone, 'giu'), person: null, rule });
    for (const { form, person } of forms) {
      const name = `${START}${escapeRegex(form).replace(/\s+/g, String.raw`\s+`)}${END}`;
      if (rule.after !== undefined)
        list.push({ regex: new RegExp(name + rule.after, 'giu'), person, rule });
      if (rule.before !== undefined)
        list.push({ regex: new RegExp(rule.before + name, 'giu'), person, rule });
    }
  }
  return list;
}

/**
 * The lines' prose with what is not prose blanked out (same length, so columns hold):
 * HTML comments (across lines), inline code, link targets and URLs.
 */
function proseLines(markdown: string): { number: number; text: string; masked: string }[] {
  const out: { number: number; text: string; masked: string }[] = [];
  let inComment = false;
  for (const line of documentLines(markdown)) {
    if (line.code) {
      continue;
    }
    let masked = '';
    let rest = line.text;
    while (rest.length > 0) {
      if (inComment) {
        const end = rest.indexOf('-->');
        if (end === -1) {
          masked += ' '.repeat(rest.length);
          rest = '';
        } else {
          masked += ' '.repeat(end + 3);
          rest = rest.slice(end + 3);
          inComment = false;
        }
        continue;
      }
      const start = rest.indexOf('<!--');
      if (start === -1) {
        masked += rest;
        rest = '';
      } else {
        masked += rest.slice(0, start) + '    ';
        rest = rest.slice(start + 4);
        inComment = true;
      }
    }
    const blank = (match: string): string => ' '.repeat(match.length);
    masked = masked
      .replace(/(`+)[^`]*?\1/g, blank)
      .replace(/\]\([^)]*\)/g, (match) => `]${blank(match.slice(1))}`)
      .replace(/<[a-z][a-z0-9+.-]*:[^>\s]*>/gi, blank)
      .replace(/\b(?:https?|ftp):\/\/\S+/gi, blank);
    out.push({ number: line.number, text: line.text, masked });
  }
  return out;
}

/** The sentence around [start, end) in a line: cut at . ! ? followed by a blank, and at table pipes. */
function sentenceAround(masked: string, text: string, start: number, end: number): string {
  let from = 0;
  const boundary = /[.!?](?=\s)|(?<!\\)\|/g;
  let match: RegExpExecArray | null;
  while ((match = boundary.exec(masked)) !== null && match.index < start) from = match.index + 1;
  boundary.lastIndex = end;
  const next = boundary.exec(masked);
  const to = next === null ? text.length : next.index + (next[0] === '|' ? 0 : 1);
  return text
    .slice(from, to)
    .trim()
    .replace(/^(?:#{1,6}\s+|>\s*|[-*+]\s+|\d+[.)]\s+)+/, '')
    .trim();
}

/**
 * The sentences that blame a person, in document order. `people` are the names to look
 * for (case-insensitive, whole words); pronouns are not checked, since "they didn't get
 * paged" is as often about a system as about a person. A person acting ("alice rolled
 * back the deploy") is not blame; neither is a system failing ("the deploy failed to start").
 */
export function checkBlamelessLanguage(
  markdown: string,
  people: readonly string[],
): BlamelessFinding[] {
  const all = patterns(people);
  const findings: BlamelessFinding[] = [];
  for (const line of proseLines(markdown)) {
    const hits: { start: number; end: number; pattern: Pattern }[] = [];
    for (const pattern of all) {
      pattern.regex.lastIndex = 0;
      for (const match of line.masked.matchAll(pattern.regex))
        hits.push({ start: match.index, end: match.index + match[0].length, pattern });
    }
    // Overlapping hits are one finding: the one naming a person, then the longest, wins.
    hits.sort(
      (a, b) =>
        Number(b.pattern.person !== null) - Number(a.pattern.person !== null) ||
        b.end - b.start - (a.end - a.start) ||
        a.start - b.start,
    );
    const kept: typeof hits = [];
    for (const hit of hits)
      if (!kept.some((other) => hit.start < other.end && other.start < hit.end)) kept.push(hit);
    kept.sort((a, b) => a.start - b.start);
    for (const hit of kept)
      findings.push({
        line: line.number,
        column: hit.start + 1,
        sentence: sentenceAround(line.masked, line.text, hit.start, hit.end),
        phrase: line.text.slice(hit.start, hit.end),
        person: hit.pattern.person,
        reason: hit.pattern.rule.reason,
        suggestion: hit.pattern.rule.suggestion,
      });
  }
  return findings;
}
