// `headroom gate --wait 30m`: a held deploy waits for what can lift it within the
// pipeline's patience (an approval given meanwhile, a freeze or a burn alert ending,
// an incident resolved) by asking the gate again, instead of failing the job and
// leaving someone to re-run it. Each ask is a decision of its own, kept as any other.
import type { GateAnswer } from '../schema/deploys.js';
import { formatApiError } from './api-client.js';
import type { CliIo } from './io.js';

export interface GateWait {
  /** How long to keep asking, from the first answer. */
  readonly seconds: number;
  /** How long between two asks. */
  readonly intervalSeconds: number;
}

export interface Waiting {
  readonly now: () => number;
  readonly sleep: (ms: number) => Promise<void>;
}

const realWaiting: Waiting = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/**
 * Why no wait up to `deadline` can let the deploy out, or undefined: a reason no
 * approval lifts whose freeze holds past the deadline will still hold then.
 */
export function waitingCannotHelp(answer: GateAnswer, deadline: number): string | undefined {
  const lasting = answer.reasons.find(
    (reason) =>
      reason.liftableBy === null &&
      reason.freeze !== null &&
      Date.parse(reason.freeze.until) > deadline,
  );
  if (lasting?.freeze == null) return undefined;
  return `[${lasting.policy}/${lasting.rule}] holds deploys until ${lasting.freeze.until}, past the wait, and no approval lifts it`;
}

/**
 * Asks again every interval until the gate allows the deploy or the wait is over;
 * answers the last decision. `shown` hears each decision that says something new
 * (allowed, or other reasons); failures to ask are said and waited through.
 */
export async function waitForAllowed(
  first: GateAnswer,
  ask: () => Promise<GateAnswer>,
  wait: GateWait,
  io: CliIo,
  shown: (answer: GateAnswer) => void,
  waiting: Waiting = realWaiting,
): Promise<GateAnswer> {
  const command = 'headroom gate';
  const deadline = waiting.now() + wait.seconds * 1000;
  const hopeless = waitingCannotHelp(first, deadline);
  if (hopeless !== undefined) {
    io.stderr.write(`${command}: not waiting: ${hopeless}.\n`);
    return first;
  }
  io.stderr.write(
    `${command}: waiting up to ${spoken(wait.seconds)} for what holds the deploy to lift (an approval, a freeze or an alert ending); asking again every ${spoken(wait.intervalSeconds)}.\n`,
  );
  let last = first;
  for (;;) {
    const left = deadline - waiting.now();
    if (left <= 0) break;
    await waiting.sleep(Math.min(wait.intervalSeconds * 1000, left));
    let next: GateAnswer;
    try {
      next = await ask();
    } catch (error) {
      io.stderr.write(`${command}: ${formatApiError(error)}; still waiting\n`);
      continue;
    }
    if (sayingOf(next) !== sayingOf(last)) shown(next);
    last = next;
    if (next.allowed) return next;
  }
  io.stderr.write(`${command}: still DENIED after waiting ${spoken(wait.seconds)}.\n`);
  return last;
}

/**
 * What holds the deploy, without the decision's id, instant and the numbers that move
 * each minute: a new ask held by the same rules on the same things is not shown again.
 */
function sayingOf(answer: GateAnswer): string {
  return JSON.stringify([
    answer.allowed,
    answer.reasons.map((reason) => [
      reason.policy,
      reason.rule,
      reason.kind,
      reason.slo?.name,
      reason.freeze?.name,
      reason.incident?.id,
    ]),
  ]);
}

function spoken(seconds: number): string {
  if (seconds % 3600 === 0) return `${String(seconds / 3600)}h`;
  if (seconds % 60 === 0) return `${String(seconds / 60)}m`;
  return `${String(seconds)}s`;
}
