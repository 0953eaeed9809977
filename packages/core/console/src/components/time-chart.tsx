/**
 * A live uPlot time-series chart. uPlot draws on a canvas, which a screen reader cannot read: the figure has an
 * aria-label and a text summary of the latest values beside it.
 */
import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

export interface ChartSeries {
  label: string;
  color: string;
  values: (number | null)[];
  /** Formats a value for the legend and axis. */
  format: (value: number) => string;
  dashed?: boolean;
  /** Draw each value as a dot too: for series that are empty (null) while idle, where lone values have no line. */
  points?: boolean;
}

export interface TimeChartProps {
  title: string;
  /** Unix seconds. */
  times: number[];
  series: ChartSeries[];
  /** One sentence a screen reader hears instead of the picture. */
  summary: string;
  height?: number;
  testId?: string;
}

function optionsFor(props: TimeChartProps, width: number): uPlot.Options {
  const format = props.series[0]?.format ?? String;
  return {
    width,
    height: props.height ?? 180,
    legend: { show: true, live: true },
    cursor: { drag: { x: false, y: false } },
    scales: { x: { time: true }, y: { range: (_u, min, max) => [Math.min(0, min), max > 0 ? max * 1.1 : 1] } },
    axes: [
      { stroke: '#4b5563', grid: { stroke: '#e5e7eb' }, ticks: { stroke: '#d1d5db' } },
      {
        stroke: '#4b5563',
        grid: { stroke: '#e5e7eb' },
        ticks: { stroke: '#d1d5db' },
        values: (_u, splits) => splits.map((v) => format(v)),
        // Tick (10 px), gap and the longest label at ~8 px a character ("12.5 req/s"): nothing is clipped.
        size: (_u, values) => 28 + 8 * Math.max(4, ...(values ?? []).map((v) => String(v).length)),
      },
    ],
    series: [
      {},
      ...props.series.map((s) => ({
        label: s.label,
        stroke: s.color,
        width: 2,
        dash: s.dashed ? [6, 4] : undefined,
        spanGaps: false,
        points: s.points ? { show: true, size: 5, fill: s.color } : undefined,
        value: (_u: uPlot, v: number | null) => (v === null || v === undefined ? '–' : s.format(v)),
      })),
    ],
  };
}

export function TimeChart(props: TimeChartProps) {
  const holder = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const shape = props.series.map((s) => s.label).join('|');

  const data = (): uPlot.AlignedData => [props.times, ...props.series.map((s) => s.values)] as uPlot.AlignedData;

  // Build once per set of series (the `shape` key); later renders only swap the data through setData.
  useEffect(() => {
    const element = holder.current;
    if (!element) return;
    const chart = new uPlot(optionsFor(props, Math.max(200, element.clientWidth)), data(), element);
    plot.current = chart;
    const resize = new ResizeObserver(() => chart.setSize({ width: Math.max(200, element.clientWidth), height: props.height ?? 180 }));
    resize.observe(element);
    return () => {
      resize.disconnect();
      chart.destroy();
      plot.current = null;
    };
  }, [shape]);

  useEffect(() => {
    plot.current?.setData(data());
  });

  return (
    <figure class="chart" data-testid={props.testId}>
      <figcaption class="chart-title">{props.title}</figcaption>
      <div ref={holder} role="img" aria-label={`${props.title}. ${props.summary}`} class="chart-canvas" />
      <p class="chart-summary">{props.summary}</p>
    </figure>
  );
}
