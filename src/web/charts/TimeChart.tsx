// A time-series chart on uPlot (canvas, fast with thousands of points), in UTC like
// every instant the UI shows, with horizontal threshold lines, vertical markers (deploys)
// and the theme's colours.
import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { useTheme } from '../theme/use-theme';
import { timeAxisLabels } from './time-axis';

export interface ChartSeries {
  readonly label: string;
  readonly values: readonly (number | null)[];
  /** A CSS custom property of styles.css: --chart-1 … */
  readonly color: string;
  readonly dash?: readonly number[];
}

export interface Threshold {
  readonly value: number;
  readonly label: string;
  readonly color: string;
}

/** A vertical line at an instant: a deploy. */
export interface Marker {
  /** Epoch seconds. */
  readonly at: number;
  readonly color: string;
  /** Dash pattern in CSS pixels. */
  readonly dash: readonly number[];
}

export interface TimeChartProps {
  /** Names the chart for screen readers; the numbers are in the tables next to it. */
  readonly label: string;
  /** Epoch seconds. */
  readonly x: readonly number[];
  readonly series: readonly ChartSeries[];
  readonly thresholds?: readonly Threshold[];
  readonly markers?: readonly Marker[];
  /** The y axis's labels. */
  readonly format: (value: number) => string;
  /** The value under the cursor, in the legend (more precise than the axis); format by default. */
  readonly hoverFormat?: (value: number) => string;
  /** asinh: linear near 0, logarithmic beyond (burn rates from 0 to 14.4 and more). */
  readonly scale?: 'linear' | 'asinh';
  readonly height?: number;
}

export function TimeChart(props: TimeChartProps) {
  const container = useRef<HTMLDivElement>(null);
  const { effective } = useTheme();

  useEffect(() => {
    const element = container.current;
    if (element === null) return undefined;
    const colors = readColors(element, [
      '--text-muted',
      '--grid',
      '--surface',
      ...props.series.map((series) => series.color),
      ...(props.thresholds ?? []).map((threshold) => threshold.color),
      ...(props.markers ?? []).map((marker) => marker.color),
    ]);
    const chart = new uPlot(
      options(props, colors, Math.max(element.clientWidth, 300)),
      [props.x as number[], ...props.series.map((series) => series.values as (number | null)[])],
      element,
    );
    const resize = new ResizeObserver(() => {
      chart.setSize({ width: Math.max(element.clientWidth, 300), height: props.height ?? 220 });
    });
    resize.observe(element);
    return () => {
      resize.disconnect();
      chart.destroy();
    };
  }, [props, effective]);

  return <div className="chart" ref={container} role="img" aria-label={props.label} />;
}

type Colors = (name: string) => string;

/**
 * Resolves styles.css colours for the canvas: the custom properties hold light-dark()
 * pairs, which only an element's computed colour turns into the one in effect.
 */
function readColors(element: HTMLElement, names: readonly string[]): Colors {
  const probe = document.createElement('span');
  probe.style.display = 'none';
  element.appendChild(probe);
  const resolved = new Map<string, string>();
  for (const name of names) {
    probe.style.color = `var(${name})`;
    resolved.set(name, getComputedStyle(probe).color);
  }
  probe.remove();
  return (name) => resolved.get(name) ?? 'currentColor';
}

function options(props: TimeChartProps, color: Colors, width: number): uPlot.Options {
  const thresholds = props.thresholds ?? [];
  const axis: uPlot.Axis = {
    stroke: color('--text-muted'),
    grid: { stroke: color('--grid'), width: 1 },
    ticks: { stroke: color('--grid'), width: 1 },
  };
  return {
    width,
    height: props.height ?? 220,
    tzDate: (seconds) => uPlot.tzDate(new Date(seconds * 1000), 'Etc/UTC'),
    cursor: { drag: { x: false, y: false } },
    scales: {
      x: { time: true },
      y: {
        // 4 is uPlot.Scale.Distr.ArcSinh: a const enum, which isolated modules cannot name.
        // eslint-disable-next-line @typescript-eslint/no-unsafe-enum-assignment
        ...(props.scale === 'asinh' ? { distr: 4, asinh: 1 } : {}),
        range: (_chart, min, max) => {
          // Thresholds stay in view even when the data is far from them.
          const low = Math.min(min, ...thresholds.map((threshold) => threshold.value));
          const high = Math.max(max, ...thresholds.map((threshold) => threshold.value));
          const pad = (high - low) * 0.08 || Math.abs(high) * 0.05 || 1;
          return [props.scale === 'asinh' ? Math.max(0, low) : low - pad, high + pad];
        },
      },
    },
    axes: [
      {
        ...axis,
        font: axisFont(AXIS_FONT_PX),
        // 24-hour UTC and ISO dates like every instant of the UI, not uPlot's "4pm", "11/28".
        values: (_chart, ticks, _axis, _space, increment) => [...timeAxisLabels(ticks, increment)],
      },
      {
        ...axis,
        font: axisFont(AXIS_FONT_PX),
        size: yAxisWidth,
        // uPlot leaves out some labels of a non-linear scale by passing null.
        values: (_chart, ticks) =>
          ticks.map((tick: number | null) =>
            tick === null || (props.scale === 'asinh' && tick < 0) ? '' : props.format(tick),
          ),
      },
    ],
    series: [
      { label: 'Time (UTC)', value: '{YYYY}-{MM}-{DD} {HH}:{mm}' },
      ...props.series.map((series) => ({
        label: series.label,
        stroke: color(series.color),
        width: 2,
        ...(series.dash === undefined ? {} : { dash: [...series.dash] }),
        value: (_chart: uPlot, value: number | null) =>
          value === null ? '—' : (props.hoverFormat ?? props.format)(value),
      })),
    ],
    hooks: {
      draw: [
        (chart) => {
          drawThresholds(chart, thresholds, color);
          drawMarkers(chart, props.markers ?? [], color);
        },
      ],
    },
  };
}

/** The y axis's font, set here so that its labels can be measured in it. */
const AXIS_FONT_PX = 12;
const axisFont = (px: number) => `${String(px)}px system-ui, sans-serif`;
/** uPlot's default tick length and gap between tick and label, and a little air. */
const TICK_AND_GAP_PX = 10 + 5 + 4;

/**
 * The y axis as wide as its longest label: a fixed width cut "100.00%" to ",00.00%"
 * on the SLI chart, and left long gaps beside short labels like "2×".
 */
function yAxisWidth(chart: uPlot, values: readonly string[] | null): number {
  const longest = (values ?? []).reduce(
    (wide, value) => (value.length > wide.length ? value : wide),
    '',
  );
  if (longest === '') return 40;
  chart.ctx.font = axisFont(AXIS_FONT_PX * uPlot.pxRatio);
  const text = chart.ctx.measureText(longest).width / uPlot.pxRatio;
  return Math.ceil(text + TICK_AND_GAP_PX);
}

function drawThresholds(chart: uPlot, thresholds: readonly Threshold[], color: Colors): void {
  const { ctx, bbox } = chart;
  const ratio = window.devicePixelRatio;
  ctx.save();
  ctx.font = `${String(11 * ratio)}px system-ui, sans-serif`;
  ctx.lineWidth = ratio;
  ctx.setLineDash([6 * ratio, 4 * ratio]);
  for (const threshold of thresholds) {
    const y = Math.round(chart.valToPos(threshold.value, 'y', true));
    if (y < bbox.top || y > bbox.top + bbox.height) continue;
    ctx.strokeStyle = color(threshold.color);
    ctx.beginPath();
    ctx.moveTo(bbox.left, y);
    ctx.lineTo(bbox.left + bbox.width, y);
    ctx.stroke();
    // Labels sit at the left end, above their line: the right end is now, the newest
    // data, which they must not hide. Behind them a translucent surface keeps them
    // readable in either theme while the oldest data still shows through.
    const x = bbox.left + 4 * ratio;
    const width = ctx.measureText(threshold.label).width;
    ctx.globalAlpha = 0.7;
    ctx.fillStyle = color('--surface');
    ctx.fillRect(x - 2 * ratio, y - 15 * ratio, width + 4 * ratio, 13 * ratio);
    ctx.globalAlpha = 1;
    ctx.fillStyle = color(threshold.color);
    ctx.textAlign = 'left';
    ctx.fillText(threshold.label, x, y - 4 * ratio);
  }
  ctx.restore();
}

function drawMarkers(chart: uPlot, markers: readonly Marker[], color: Colors): void {
  const { ctx, bbox } = chart;
  const ratio = window.devicePixelRatio;
  ctx.save();
  ctx.lineWidth = ratio;
  for (const marker of markers) {
    const x = Math.round(chart.valToPos(marker.at, 'x', true));
    if (x < bbox.left || x > bbox.left + bbox.width) continue;
    ctx.strokeStyle = color(marker.color);
    ctx.setLineDash(marker.dash.map((length) => length * ratio));
    ctx.beginPath();
    ctx.moveTo(x, bbox.top);
    ctx.lineTo(x, bbox.top + bbox.height);
    ctx.stroke();
  }
  ctx.restore();
}
