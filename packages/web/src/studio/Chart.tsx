import { useEffect, useRef, useState } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

export interface ChartSeries {
  label: string;
  values: (number | null)[];
  color: string;
  /** Which y axis: left (default) or right, for a series of another magnitude. */
  axis?: 'left' | 'right';
  fill?: boolean;
  bars?: boolean;
}

export interface ChartMarker {
  /** x value (epoch seconds on a time axis). */
  at: number;
  /** Optional end: drawn as a shaded band (a battle) instead of a tick (a gift). */
  until?: number;
  color: string;
  label?: string;
}

interface ChartProps {
  /** Epoch seconds when `time`, else plain numbers. */
  x: number[];
  series: ChartSeries[];
  markers?: ChartMarker[];
  height?: number;
  time?: boolean;
  leftLabel?: string;
  rightLabel?: string;
  /** The right axis runs from 1 at the top down (a rank, where 1 is best). */
  rightIsRank?: boolean;
  testId?: string;
  /** Half a step of room at both ends (bars need it; charts shown one above the other should agree). */
  pad?: boolean;
}

/** Tick steps for counts: whole numbers only (no "0.25 followers"). */
const WHOLE = [
  1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000, 10_000, 20_000, 50_000, 100_000, 1_000_000,
];

/** Time ticks in whole minutes, hours and days, so no two ticks print the same clock time. */
const TIME_STEPS = [
  60,
  120,
  300,
  600,
  900,
  1800,
  3600,
  7200,
  10_800,
  21_600,
  43_200,
  86_400,
  2 * 86_400,
  7 * 86_400,
  14 * 86_400,
  30 * 86_400,
  91 * 86_400,
];

const AXIS = {
  stroke: 'rgba(255,255,255,0.72)',
  grid: { stroke: 'rgba(255,255,255,0.08)', width: 1 },
  ticks: { stroke: 'rgba(255,255,255,0.16)', width: 1 },
  font: '12px Inter, system-ui, sans-serif',
  labelFont: '600 12px Inter, system-ui, sans-serif',
};

/**
 * A uPlot chart sized to its container (it follows resizes), styled for the dark theme, with
 * optional event markers: ticks along the top for gifts, shaded bands for battles.
 */
export function Chart({
  x,
  series,
  markers = [],
  height = 240,
  time = true,
  leftLabel,
  rightLabel,
  rightIsRank,
  testId,
  pad,
}: ChartProps) {
  const box = useRef<HTMLDivElement>(null);
  const [layout, setLayout] = useState(0);
  const markersRef = useRef(markers);
  markersRef.current = markers;

  // biome-ignore lint/correctness/useExhaustiveDependencies: `layout` rebuilds the chart when it crosses the phone width.
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const hasRight = series.some((s) => s.axis === 'right');
    // Bars are centred on their x: pad half a step each side so the first and last are not cut.
    const step = x.length > 1 ? x[1]! - x[0]! : time ? 86_400 : 1;
    const padX = pad ?? series.some((s) => s.bars);
    // On a phone every pixel goes to the plot: narrower axes, no axis titles (the legend names them).
    const narrow = el.clientWidth < 520;
    const axisSize = narrow ? 40 : 56;
    const opts: uPlot.Options = {
      width: Math.max(280, el.clientWidth),
      height,
      scales: {
        x: padX ? { time, range: (_u, min, max) => [min - step / 2, max + step / 2] } : { time },
        left: { auto: true, range: (_u, _min, max) => [0, Math.max(1, max * 1.1)] },
        ...(hasRight
          ? {
              right: rightIsRank
                ? // Half a rank of room each side, so #1 is not drawn on the frame's top edge.
                  { auto: true, dir: -1 as const, range: (_u, _min, max) => [0.5, Math.max(2, max) + 0.5] }
                : { auto: true, range: (_u, _min, max) => [0, Math.max(1, max * 1.1)] },
            }
          : {}),
      },
      legend: { show: true, live: false },
      cursor: { points: { size: 7 } },
      series: [
        { label: time ? 'Time' : 'x' },
        ...series.map((s) => ({
          label: s.label,
          stroke: s.color,
          width: 2,
          scale: s.axis === 'right' ? 'right' : 'left',
          ...(s.fill ? { fill: `${s.color}22` } : {}),
          ...(s.bars
            ? { paths: uPlot.paths.bars?.({ size: [0.6, 36] }), fill: `${s.color}99`, width: 0 }
            : {}),
          // Few points: show them, so a short session reads as measurements rather than a slope.
          points: { show: !s.bars && x.length <= 30, size: 6 },
        })),
      ],
      axes: [
        {
          ...AXIS,
          // One short label per tick (uPlot's default adds a second line that collides on phones).
          ...(time
            ? {
                values: (_u: uPlot, ticks: number[]) => ticks.map(clockOrDate(x)),
                space: 64,
                incrs: TIME_STEPS,
              }
            : { label: 'minute' }),
        },
        {
          ...AXIS,
          scale: 'left',
          incrs: WHOLE,
          ...(leftLabel && !narrow ? { label: leftLabel } : {}),
          size: axisSize,
        },
        ...(hasRight
          ? [
              {
                ...AXIS,
                scale: 'right',
                side: 1,
                grid: { show: false },
                incrs: WHOLE,
                ...(rightLabel && !narrow ? { label: rightLabel } : {}),
                size: axisSize,
              },
            ]
          : []),
      ],
      hooks: {
        draw: [
          (u) => {
            const { ctx, bbox } = u;
            ctx.save();
            for (const m of markersRef.current) {
              const x0 = u.valToPos(m.at, 'x', true);
              if (m.until !== undefined) {
                const x1 = u.valToPos(m.until, 'x', true);
                ctx.fillStyle = `${m.color}26`;
                ctx.fillRect(x0, bbox.top, Math.max(2, x1 - x0), bbox.height);
                ctx.fillStyle = m.color;
                ctx.font = `600 ${Math.round(11 * devicePixelRatio)}px Inter, system-ui, sans-serif`;
                if (m.label)
                  ctx.fillText(m.label, x0 + 4 * devicePixelRatio, bbox.top + 14 * devicePixelRatio);
              } else {
                const r = 4 * devicePixelRatio;
                const y = bbox.top + r + 2;
                ctx.fillStyle = m.color;
                ctx.beginPath();
                ctx.moveTo(x0, y - r);
                ctx.lineTo(x0 + r, y);
                ctx.lineTo(x0, y + r);
                ctx.lineTo(x0 - r, y);
                ctx.closePath();
                ctx.fill();
                ctx.strokeStyle = `${m.color}66`;
                ctx.lineWidth = 1;
                ctx.beginPath();
                ctx.moveTo(x0, y + r);
                ctx.lineTo(x0, bbox.top + bbox.height);
                ctx.stroke();
              }
            }
            ctx.restore();
          },
        ],
      },
    };
    const data = [x, ...series.map((s) => s.values)] as uPlot.AlignedData;
    const plot = new uPlot(opts, data, el);
    const resize = new ResizeObserver(() => {
      // Crossing the phone width changes the axes: build the chart again; otherwise just resize it.
      if (el.clientWidth < 520 !== narrow) setLayout((n) => n + 1);
      else plot.setSize({ width: Math.max(280, el.clientWidth), height });
    });
    resize.observe(el);
    return () => {
      resize.disconnect();
      plot.destroy();
    };
  }, [x, series, height, time, leftLabel, rightLabel, rightIsRank, pad, layout]);

  return <div className="studio-chart" ref={box} data-testid={testId} />;
}

/** Ticks as "8:15 PM" for a session (under two days of x), else as "Nov 24". */
function clockOrDate(x: number[]) {
  const span = x.length > 1 ? x[x.length - 1]! - x[0]! : 0;
  return (t: number) =>
    span < 2 * 86_400
      ? new Date(t * 1000).toLocaleTimeString('en-US', { hour: 'numeric', minute: '2-digit' })
      : new Date(t * 1000).toLocaleDateString('en-US', { month: 'short', day: 'numeric' });
}
