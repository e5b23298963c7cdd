import type { BlamelessFinding } from '../../api/types';

/**
 * Sentences that blame a person rather than a system, as the server found them in the
 * last saved revision: where (a button puts the caret there), what, and how to say it.
 */
export function Findings(props: {
  readonly findings: readonly BlamelessFinding[];
  readonly revision: number;
  readonly onJump: (line: number, column: number) => void;
}) {
  if (props.findings.length === 0) {
    return (
      <p className="muted">
        No sentence of revision {props.revision} blames a person. The check runs on every save.
      </p>
    );
  }
  return (
    <>
      <p className="muted small">
        In revision {props.revision}; advice, not a gate. Ask what made the mistake easy to make.
      </p>
      <ol className="plain-list findings">
        {props.findings.map((finding) => {
          const where = `${String(finding.line)}:${String(finding.column)}`;
          return (
            <li key={`${where}-${finding.phrase}`} data-finding={where}>
              <button
                type="button"
                className="button button-quiet link-button"
                onClick={() => {
                  props.onJump(finding.line, finding.column);
                }}
              >
                {where}
                <span className="visually-hidden">
                  {' '}
                  (line {finding.line}, column {finding.column}: put the caret there)
                </span>
              </button>{' '}
              <q data-field="sentence">{finding.sentence}</q>{' '}
              <span className="muted">— {finding.reason}.</span>
              <p className="suggestion" data-field="suggestion">
                {finding.suggestion}
              </p>
            </li>
          );
        })}
      </ol>
    </>
  );
}
