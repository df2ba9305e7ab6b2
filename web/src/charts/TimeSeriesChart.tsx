/**
 * A time-series chart drawn by uPlot (a canvas; about 50 KB). A screen reader gets the
 * chart's label and a summary sentence, and the numbers are in a table beside every
 * chart that has them.
 */
import { useEffect, useRef } from "preact/hooks";
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";

export interface ChartSeries {
  readonly label: string;
  readonly values: readonly (number | null)[];
  /** A CSS custom property holding the colour, e.g. `--series-1`. */
  readonly colorVar: string;
  /** Draw as bars (a count per period) rather than a line. */
  readonly bars?: boolean;
}

export interface TimeSeriesChartProps {
  /** Seconds since the epoch, one per point. */
  readonly times: readonly number[];
  readonly series: readonly ChartSeries[];
  readonly label: string;
  readonly summary: string;
  readonly yLabel: string;
  readonly heightPx?: number;
  readonly stacked?: boolean;
}

const cssVar = (el: Element, name: string): string => getComputedStyle(el).getPropertyValue(name).trim() || "#888";

export function TimeSeriesChart({ times, series, label, summary, yLabel, heightPx = 220 }: TimeSeriesChartProps) {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);

  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const axis = cssVar(el, "--muted");
    const grid = cssVar(el, "--grid");
    const bars = uPlot.paths.bars?.({ size: [0.7, 60] });
    const opts: uPlot.Options = {
      width: Math.max(200, el.clientWidth),
      height: heightPx,
      legend: { show: true },
      cursor: { drag: { x: false, y: false } },
      // One sample has no extent: show the minute around it rather than years.
      scales: { x: { time: true, range: (_u, min, max) => (min === max ? [min - 60, max + 60] : [min, max]) } },
      axes: [
        { stroke: axis, grid: { stroke: grid } },
        { stroke: axis, grid: { stroke: grid }, label: yLabel, size: 60 },
      ],
      series: [
        {},
        ...series.map((s) => ({
          label: s.label,
          stroke: cssVar(el, s.colorVar),
          fill: s.bars ? cssVar(el, s.colorVar) : undefined,
          width: 2,
          points: { show: times.length < 60 },
          ...(s.bars && bars ? { paths: bars } : {}),
        })),
      ],
    };
    const data = [times as number[], ...series.map((s) => s.values as (number | null)[])] as uPlot.AlignedData;
    plot.current?.destroy();
    plot.current = new uPlot(opts, data, el);
    const resize = new ResizeObserver(() => plot.current?.setSize({ width: Math.max(200, el.clientWidth), height: heightPx }));
    resize.observe(el);
    return () => {
      resize.disconnect();
      plot.current?.destroy();
      plot.current = null;
    };
  }, [times, series, heightPx, document.documentElement.dataset.theme]);

  return (
    <figure class="chart">
      <div ref={box} role="img" aria-label={`${label}. ${summary}`} />
      <figcaption class="visually-hidden">{summary}</figcaption>
    </figure>
  );
}
