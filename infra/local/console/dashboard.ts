/**
 * The CloudWatch dashboard of infra/monitoring.ts, drawn from the EMF datapoints the local functions
 * wrote: each widget's metric rows, SEARCH expressions and metric math worked out as CloudWatch
 * would over the local period, then handed to Vega-Lite.
 */
import type { TopLevelSpec } from 'vega-lite';
import { dashboardBody, type MetricWidget, type MonitoringSettings } from '../../monitoring';
import { policyPipelines, teamProductionPipelines } from '../../../shared/policy-rules';
import type { ReleasePolicy } from '../../../shared/release-policy';
import type { Datapoint } from './emf';
import { timeAxis } from './time-axis';

const SERVICE = 'release-conductor';
const STAGE = 'local';

/** The settings `npm start`'s stage would deploy the dashboard with (infra/monitoring.cjs). */
export function localDashboardSettings(policy: ReleasePolicy, functionNames: string[], namespace: string): MonitoringSettings {
  return {
    service: SERVICE,
    stage: STAGE,
    namespace,
    region: 'us-east-1',
    pipelines: policyPipelines(policy),
    productionPipelines: policyPipelines(policy, 'production'),
    teams: teamProductionPipelines(policy),
    functions: functionNames.map((name) => `${SERVICE}-${STAGE}-${name}`),
    deadLetterQueue: `${SERVICE}-${STAGE}-dead-letters`,
    undeliveredNotificationsQueue: `${SERVICE}-${STAGE}-undelivered-notifications`,
  };
}

export interface DrawnWidget {
  title: string;
  /** The seconds each point sums up. */
  period: number;
  spec: TopLevelSpec;
  /** How many points the chart has. */
  points: number;
  /** What the widget asks for that the local stack cannot show, and why. */
  notes: string[];
}

interface Series {
  id?: string;
  label: string;
  visible: boolean;
  /** Value per period start (ms). */
  points: Map<number, number>;
}

type MetricOptions = { stat?: string; label?: string; id?: string; visible?: boolean; period?: number };

/** CloudWatch's graph colours, in its order. */
const COLORS = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf'];

/**
 * Every widget of the deployed dashboard, over [from, to]. `periodOverride` plays the part of the
 * dashboard's "Period override": a local session lasts minutes, and a widget's own period (a day,
 * an hour) would put all of it in one point.
 */
export function drawDashboard(settings: MonitoringSettings, datapoints: Datapoint[], range: { from: number; to: number }, periodOverride?: number): DrawnWidget[] {
  return dashboardBody(settings).widgets.map((widget) => drawWidget(widget, datapoints, range, periodOverride ?? widget.properties.period));
}

function drawWidget(widget: MetricWidget, datapoints: Datapoint[], range: { from: number; to: number }, period: number): DrawnWidget {
  const { title, stat, view, yAxis } = widget.properties;
  const notes = new Set<string>();
  const series: Series[] = [];
  for (const row of widget.properties.metrics) {
    const [first] = row;
    if (typeof first === 'object' && 'expression' in first) {
      const search = parseSearch(first.expression);
      if (search) series.push(...searchSeries(search, datapoints, period));
      else series.push(mathSeries(first, series, notes));
      continue;
    }
    const options = (row.find((part) => typeof part === 'object') ?? {}) as MetricOptions;
    const [namespace, name, ...pairs] = row.filter((part): part is string => typeof part === 'string');
    // AWS/Lambda, AWS/SQS: CloudWatch's own measures of the services, which have no local stand-in here
    if (namespace!.startsWith('AWS/')) notes.add(`${namespace} metrics come from ${namespace!.slice(4)} itself: nothing measures them locally.`);
    const dimensions = Object.fromEntries(pairs.flatMap((_, i) => (i % 2 === 0 ? [[pairs[i]!, pairs[i + 1]!]] : [])));
    const matching = datapoints.filter((point) => point.namespace === namespace && point.name === name && sameDimensions(point.dimensions, dimensions));
    series.push({ id: options.id, label: options.label ?? name!, visible: options.visible ?? true, points: aggregate(matching, options.stat ?? stat, period) });
  }
  const shown = series.filter((one) => one.visible);
  const rows = shown.flatMap(({ label, points }) => [...points].map(([time, value]) => ({ time, metric: label, value })));
  const earliest = Math.min(range.from, ...rows.map((row) => row.time));
  return { title, period, spec: view === 'singleValue' ? singleValueSpec(shown) : timeSeriesSpec(rows, shown.map(({ label }) => label), [earliest, range.to], yAxis), points: rows.length, notes: [...notes] };
}

const sameDimensions = (a: Record<string, string>, b: Record<string, string>) => {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((key) => a[key] === b[key]);
};

/** The statistic of each period's values, by period start. */
function aggregate(points: Datapoint[], stat: string, period: number): Map<number, number> {
  const byPeriod = new Map<number, number[]>();
  for (const point of points) {
    const start = Math.floor(point.timestamp / (period * 1000)) * period * 1000;
    byPeriod.set(start, [...(byPeriod.get(start) ?? []), ...point.values]);
  }
  return new Map([...byPeriod].sort(([a], [b]) => a - b).map(([start, values]) => [start, statistic(values, stat)]));
}

function statistic(values: number[], stat: string): number {
  const sorted = [...values].sort((a, b) => a - b);
  const percentile = /^p(\d+(?:\.\d+)?)$/.exec(stat);
  // nearest rank
  if (percentile) return sorted[Math.max(0, Math.ceil((Number(percentile[1]) / 100) * sorted.length) - 1)]!;
  switch (stat) {
    case 'Sum':
      return values.reduce((sum, value) => sum + value, 0);
    case 'Average':
      return values.reduce((sum, value) => sum + value, 0) / values.length;
    case 'Minimum':
      return sorted[0]!;
    case 'Maximum':
      return sorted.at(-1)!;
    case 'SampleCount':
      return values.length;
    default:
      throw new Error(`infra/monitoring.ts: statistic ${stat} is not one the local console knows`);
  }
}

interface Search {
  namespace: string;
  dimensions: string[];
  terms: Record<string, string>;
  stat: string;
  period: number;
}

/** `SEARCH('{namespace,dimension,...} Name="value" ...', 'stat', period)`, with the exact terms the dashboard uses. */
function parseSearch(expression: string): Search | undefined {
  const match = /^SEARCH\('\{([^}]*)\}((?:\s+\w+="[^"]*")*)',\s*'(\w+)',\s*(\d+)\)$/.exec(expression);
  if (!match) return undefined;
  const [namespace, ...dimensions] = match[1]!.split(',');
  const terms = Object.fromEntries([...match[2]!.matchAll(/(\w+)="([^"]*)"/g)].map(([, key, value]) => [key!, value!]));
  return { namespace: namespace!, dimensions, terms, stat: match[3]!, period: Number(match[4]) };
}

/** One series per metric the search finds: those with exactly the schema's dimensions and every term's value. */
function searchSeries({ namespace, dimensions, terms, stat }: Search, datapoints: Datapoint[], period: number): Series[] {
  const { MetricName: name, ...wanted } = terms;
  const found = datapoints.filter(
    (point) =>
      point.namespace === namespace &&
      (name === undefined || point.name === name) &&
      Object.keys(point.dimensions).sort().join() === [...dimensions].sort().join() &&
      Object.entries(wanted).every(([key, value]) => point.dimensions[key] === value),
  );
  const byMetric = Map.groupBy(found, (point) => `${dimensions.filter((dimension) => wanted[dimension] === undefined).map((dimension) => point.dimensions[dimension]).join(' ')} ${point.name}`);
  return [...byMetric].map(([label, points]) => ({ label, visible: true, points: aggregate(points, stat, period) }));
}

/**
 * A metric math row over the series before it. As in CloudWatch, a period has a result only where
 * every series the expression names has a value, but for those it fills (FILL(id, value)).
 */
function mathSeries(row: { expression: string; label?: string; id: string }, known: Series[], notes: Set<string>): Series {
  const shown: Series = { id: row.id, label: row.label ?? row.id, visible: true, points: new Map() };
  const compiled = compileMath(row.expression);
  if (!compiled) {
    notes.add(`${row.label ?? row.id}: the local console does not work out ${row.expression}`);
    return shown;
  }
  const inputs = compiled.ids.map((id) => known.find((series) => series.id === id));
  if (inputs.some((series) => !series)) return shown;
  const times = new Set(inputs.flatMap((series) => [...series!.points.keys()]));
  for (const time of [...times].sort((a, b) => a - b)) {
    if (!inputs.every((series) => compiled.filled.has(series!.id!) || series!.points.has(time))) continue;
    const value = compiled.evaluate(Object.fromEntries(inputs.flatMap((series) => (series!.points.has(time) ? [[series!.id!, series!.points.get(time)!]] : []))));
    if (Number.isFinite(value)) shown.points.set(time, value);
  }
  return shown;
}

/** Arithmetic on ids and numbers (+ - * / and parentheses) and FILL(id, number); any other function is undefined. */
export function compileMath(expression: string): { ids: string[]; filled: Set<string>; evaluate(values: Record<string, number>): number } | undefined {
  const tokens = expression.match(/\d+(?:\.\d+)?|[A-Za-z]\w*|[-+*/(),]|\S/g) ?? [];
  let at = 0;
  const ids = new Set<string>();
  const filled = new Set<string>();
  type Node = (values: Record<string, number>) => number;
  const expect = (token: string) => {
    if (tokens[at++] !== token) throw new SyntaxError(expression);
  };
  const binary = (next: () => Node, operators: string): Node => {
    let left = next();
    while (operators.includes(tokens[at] ?? '\u0000')) {
      const [operator, l, r] = [tokens[at++], left, next()];
      left = (values) => ({ '+': l(values) + r(values), '-': l(values) - r(values), '*': l(values) * r(values), '/': l(values) / r(values) })[operator as '+']!;
    }
    return left;
  };
  const expr = (): Node => binary(term, '+-');
  const term = (): Node => binary(factor, '*/');
  const factor = (): Node => {
    const token = tokens[at++];
    if (token === '(') {
      const inner = expr();
      expect(')');
      return inner;
    }
    if (token === '-') {
      const inner = factor();
      return (values) => -inner(values);
    }
    if (token !== undefined && /^\d/.test(token)) return () => Number(token);
    if (token === 'FILL' && tokens[at] === '(') {
      at += 1;
      const id = tokens[at++]!;
      if (!/^[a-z]\w*$/.test(id)) throw new SyntaxError(expression);
      expect(',');
      const fill = Number(tokens[at++]);
      if (!Number.isFinite(fill)) throw new SyntaxError(expression);
      expect(')');
      ids.add(id);
      filled.add(id);
      return (values) => values[id] ?? fill;
    }
    if (token !== undefined && /^[a-z]\w*$/.test(token) && tokens[at] !== '(') {
      ids.add(token);
      return (values) => values[token]!;
    }
    throw new SyntaxError(expression);
  };
  try {
    const evaluate = expr();
    return at === tokens.length ? { ids: [...ids], filled, evaluate } : undefined;
  } catch {
    return undefined;
  }
}

function timeSeriesSpec(rows: { time: number; metric: string; value: number }[], labels: string[], domain: [number, number], yAxis?: object): TopLevelSpec {
  const left = (yAxis as { left?: { min?: number; max?: number } } | undefined)?.left;
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    width: 'container',
    height: 190,
    autosize: { type: 'fit-x', contains: 'padding' },
    data: { name: 'metrics', values: rows },
    mark: { type: 'line', strokeWidth: 1.5, point: { filled: true, size: 36 } },
    encoding: {
      x: { field: 'time', type: 'temporal', title: null, scale: { domain, padding: 8 }, axis: { ...timeAxis(...domain), grid: false } },
      y: {
        field: 'value',
        type: 'quantitative',
        title: null,
        scale: { zero: true, ...(rows.length === 0 ? { domain: [0, 1] } : {}), ...(left?.min !== undefined ? { domainMin: left.min } : {}), ...(left?.max !== undefined ? { domainMax: left.max } : {}) },
        axis: { tickCount: 4, format: '~s' },
      },
      color: { field: 'metric', type: 'nominal', title: null, scale: { domain: labels, range: COLORS }, legend: { orient: 'bottom', direction: 'horizontal', columns: 2, symbolType: 'square', labelLimit: 280 } },
      tooltip: [
        { field: 'metric', title: 'metric' },
        { field: 'time', type: 'temporal', title: 'period from', format: '%H:%M:%S' },
        { field: 'value', type: 'quantitative', title: 'value', format: ',.4~f' },
      ],
    },
    config: CHART_CONFIG,
  };
}

function singleValueSpec(series: Series[]): TopLevelSpec {
  const values = series.map(({ label, points }) => ({ metric: label, value: [...points.values()].at(-1) ?? null }));
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    width: 'container',
    data: { name: 'metrics', values },
    mark: { type: 'text', fontSize: 28, align: 'left' },
    encoding: { y: { field: 'metric', type: 'nominal', title: null }, text: { field: 'value', type: 'quantitative', format: ',.4~f' } },
    config: CHART_CONFIG,
  };
}

const CHART_CONFIG = {
  view: { stroke: null },
  font: 'Amazon Ember, Helvetica Neue, Roboto, Arial, sans-serif',
  axis: { labelColor: '#545b64', labelFontSize: 11, domainColor: '#aab7b8', tickColor: '#aab7b8', gridColor: '#eaeded' },
  legend: { labelColor: '#16191f', labelFontSize: 12, symbolSize: 100 },
} as const;
