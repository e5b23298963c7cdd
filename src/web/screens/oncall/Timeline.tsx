// Shifts as horizontal blocks over the range the API answered (the next 14 days): the
// final timeline first (overrides applied), then each layer's own turns. Every block
// names its person in text, the colour only helps to follow one person along.
import type { CSSProperties } from 'react';
import type { Shift, Shifts } from '../../api/types';
import { formatInZone, localMidnights } from '../../format/time';

const PALETTE_SIZE = 8;

interface Block {
  readonly user: string | null;
  readonly start: string;
  readonly end: string;
  readonly override: boolean;
}

export function Timeline(props: {
  readonly shifts: Shifts;
  readonly timeZone: string;
  readonly now: string;
}) {
  const { shifts, timeZone } = props;
  const fromMs = Date.parse(shifts.from);
  const toMs = Date.parse(shifts.to);
  const days = localMidnights(fromMs, toMs, timeZone);
  const position = (ms: number) => ((ms - fromMs) / (toMs - fromMs)) * 100;
  const nowMs = Date.parse(props.now);
  const rows: { label: string; blocks: Block[] }[] = [
    { label: 'Final', blocks: shifts.shifts.map(finalBlock) },
    ...shifts.layers.map((layer) => ({
      label: `Layer ${layer.layer}`,
      blocks: layer.shifts.map((shift) => ({ ...shift, override: false })),
    })),
  ];
  const dayCount = Math.max(1, Math.round((toMs - fromMs) / 86_400_000));
  return (
    // At least a legible width per day (styles.css): a narrow screen scrolls the timeline
    // sideways inside its card rather than overprinting fourteen day names.
    <div
      className="timeline-scroll"
      tabIndex={0}
      role="region"
      aria-label={`Shifts over ${String(dayCount)} days (scrolls sideways on a narrow screen)`}
    >
      <div className="timeline" data-timeline="" style={{ '--days': dayCount } as CSSProperties}>
        <div className="timeline-axis" aria-hidden="true">
          {/* A day that starts at the right edge has no room for its name. */}
          {days
            .filter((ms) => position(ms) < 95)
            .map((ms) => (
              <span key={ms} className="timeline-day" style={{ left: `${String(position(ms))}%` }}>
                {formatInZone(new Date(ms).toISOString(), timeZone).replace(/, 00:00$/, '')}
              </span>
            ))}
        </div>
        {rows.map((row) => (
          <div className="timeline-row" key={row.label} data-row={row.label}>
            <span className="timeline-label" title={row.label}>
              {row.label}
            </span>
            <ol className="timeline-track" aria-label={`${row.label}: shifts`}>
              {days.map((ms) => (
                <li
                  key={`day-${String(ms)}`}
                  className="timeline-gridline"
                  aria-hidden="true"
                  style={{ left: `${String(position(ms))}%` }}
                />
              ))}
              {row.blocks.map((block) => (
                <ShiftBlock
                  key={block.start}
                  block={block}
                  timeZone={timeZone}
                  left={Math.max(0, position(Date.parse(block.start)))}
                  right={Math.min(100, position(Date.parse(block.end)))}
                />
              ))}
              {nowMs >= fromMs && nowMs <= toMs ? (
                <li
                  className="timeline-now"
                  aria-hidden="true"
                  style={{ left: `${String(position(nowMs))}%` }}
                />
              ) : null}
            </ol>
          </div>
        ))}
      </div>
    </div>
  );
}

function finalBlock(shift: Shift): Block {
  return {
    user: shift.user,
    start: shift.start,
    end: shift.end,
    override: shift.source?.kind === 'override',
  };
}

function ShiftBlock(props: {
  readonly block: Block;
  readonly timeZone: string;
  readonly left: number;
  readonly right: number;
}) {
  const { block, timeZone } = props;
  const who = block.user ?? 'nobody';
  const text = `${who}${block.override ? ' (override)' : ''}: ${formatInZone(block.start, timeZone)} – ${formatInZone(block.end, timeZone)}`;
  const colour = block.user === null ? 'gap' : `person-${String(hash(block.user) % PALETTE_SIZE)}`;
  return (
    <li
      className={`timeline-shift ${colour}${block.override ? ' override' : ''}`}
      style={{ left: `${String(props.left)}%`, width: `${String(props.right - props.left)}%` }}
      title={text}
      aria-label={text}
      data-user={block.user ?? ''}
      data-start={block.start}
    >
      <span className="timeline-shift-text" aria-hidden="true">
        {block.override ? '↻ ' : ''}
        {who}
      </span>
    </li>
  );
}

function hash(text: string): number {
  let value = 0;
  for (let index = 0; index < text.length; index += 1) {
    value = (value * 31 + text.charCodeAt(index)) >>> 0;
  }
  return value;
}
