/**
 * The usage chart (uPlot on a canvas). The canvas is hidden from assistive technology; the figure's caption
 * summarises it in words and the totals table beside it carries the same numbers.
 */
import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { formatNumber } from '../shared/format.js';
import { styleRef } from '../shared/style-ref.js';
import type { ChartData } from './usage-series.js';

/** Distinguishable colours, each at least 3:1 against white (graphics contrast). */
export const SERIES_COLOURS = ['#0b5cad', '#b3261e', '#1a7f37', '#8250df', '#9a6700', '#0f7b8a', '#bf3989', '#57606a', '#6e4a00'];

export function chartSummary(data: ChartData, metricLabel: string, periodLabel: string): string {
  if (data.series.length === 0) return `${metricLabel}, ${periodLabel.toLowerCase()}: no usage recorded.`;
  const total = data.series.reduce((sum, s) => sum + s.total, 0);
  const top = data.series
    .slice(0, 3)
    .map((s) => `${s.label} ${formatNumber(s.total)}`)
    .join(', ');
  return `${metricLabel}, ${periodLabel.toLowerCase()}: ${formatNumber(total)} in all; largest: ${top}.`;
}

export function UsageChart(props: { data: ChartData; metricLabel: string; periodLabel: string }) {
  const holder = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const element = holder.current;
    if (!element || props.data.series.length === 0) return;
    const width = Math.max(320, element.clientWidth || 800);
    const plot = new uPlot(
      {
        width,
        height: 300,
        legend: { show: false },
        scales: { x: { time: true } },
        axes: [{}, { values: (_u, ticks) => ticks.map((t) => formatNumber(t)) }],
        series: [{}, ...props.data.series.map((s, i) => ({ label: s.label, stroke: SERIES_COLOURS[i % SERIES_COLOURS.length], width: 2 }))],
      },
      [props.data.times, ...props.data.series.map((s) => s.values)],
      element,
    );
    const resize = () => plot.setSize({ width: Math.max(320, element.clientWidth), height: 300 });
    window.addEventListener('resize', resize);
    return () => {
      window.removeEventListener('resize', resize);
      plot.destroy();
    };
  }, [props.data]);

  const summary = chartSummary(props.data, props.metricLabel, props.periodLabel);
  return (
    <figure class="ee-figure" data-testid="usage-chart" aria-labelledby="usage-chart-caption">
      <figcaption id="usage-chart-caption">{summary}</figcaption>
      {props.data.series.length > 0 && (
        <>
          <div ref={holder} class="ee-chart" aria-hidden="true" />
          <ul class="ee-legend" aria-label="Chart legend">
            {props.data.series.map((s, i) => (
              <li key={s.label}>
                <span class="ee-swatch" ref={styleRef({ background: SERIES_COLOURS[i % SERIES_COLOURS.length] ?? '' })} />
                {s.label}
              </li>
            ))}
          </ul>
        </>
      )}
    </figure>
  );
}
