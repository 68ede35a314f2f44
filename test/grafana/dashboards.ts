import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** dashboards/grafana of the repository. */
export const GRAFANA_DIR = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../dashboards/grafana',
);

/** One query of a dashboard: a panel target or a template variable. */
export interface DashboardQuery {
  readonly dashboard: string;
  readonly where: string;
  readonly datasource: 'influxdb' | 'prometheus';
  readonly query: string;
}

interface Target {
  readonly refId?: string;
  readonly datasource?: { readonly type?: string; readonly uid?: string };
  readonly query?: string;
  readonly expr?: string;
}
interface Panel {
  readonly id: number;
  readonly title: string;
  readonly datasource?: { readonly type?: string; readonly uid?: string };
  readonly targets?: readonly Target[];
  readonly panels?: readonly Panel[];
}
interface Variable {
  readonly name: string;
  readonly type: string;
  readonly query?: string;
  readonly datasource?: { readonly type?: string };
}
/** The parts of a Grafana dashboard JSON model the tests read. */
export interface Dashboard {
  readonly uid: string;
  readonly title: string;
  readonly panels: readonly Panel[];
  readonly templating?: { readonly list: readonly Variable[] };
}

/** Every dashboard file, parsed. */
export function loadDashboards(): { file: string; dashboard: Dashboard }[] {
  const dir = path.join(GRAFANA_DIR, 'dashboards');
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((file) => ({
      file,
      dashboard: JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as Dashboard,
    }));
}

/** Panels including those nested in rows. */
export function allPanels(d: Dashboard): Panel[] {
  return d.panels.flatMap((p) => [p, ...(p.panels ?? [])]);
}

/** Every InfluxQL and PromQL query of every panel and query variable. */
export function dashboardQueries(): DashboardQuery[] {
  const out: DashboardQuery[] = [];
  for (const { file, dashboard } of loadDashboards()) {
    for (const p of allPanels(dashboard)) {
      for (const t of p.targets ?? []) {
        const type = t.datasource?.type ?? p.datasource?.type;
        const where = `${file} panel ${p.id} "${p.title}" target ${t.refId ?? '?'}`;
        if (type === 'influxdb' && t.query !== undefined)
          out.push({ dashboard: file, where, datasource: 'influxdb', query: t.query });
        else if (type === 'prometheus' && t.expr !== undefined)
          out.push({ dashboard: file, where, datasource: 'prometheus', query: t.expr });
        else throw new Error(`${where}: no query for datasource ${String(type)}`);
      }
    }
    for (const v of dashboard.templating?.list ?? []) {
      if (v.type === 'query' && v.query !== undefined && v.datasource?.type === 'influxdb') {
        out.push({
          dashboard: file,
          where: `${file} variable $${v.name}`,
          datasource: 'influxdb',
          query: v.query,
        });
      }
    }
  }
  return out;
}

/** Values for Grafana's macros and this project's dashboard variables. */
export interface MacroValues {
  readonly from: number;
  readonly to: number;
  readonly interval: string;
  readonly intervalMs: number;
  /**
   * `$meter_id` as Grafana renders it in a regex: one id escaped, `(a|b)`
   * for several, `.*` for All.
   */
  readonly meterId: string;
  readonly tz: string;
}

/**
 * An InfluxQL query with Grafana's macros replaced the way Grafana's InfluxDB
 * data source renders them.
 */
export function renderInfluxQL(query: string, v: MacroValues): string {
  return query
    .replaceAll('$timeFilter', `time >= ${v.from}ms and time <= ${v.to}ms`)
    .replaceAll('$__interval_ms', String(v.intervalMs))
    .replaceAll('$__interval', v.interval)
    .replaceAll('$interval', v.interval)
    .replaceAll('$meter_id', v.meterId)
    .replaceAll('$tz', v.tz);
}

/** Grafana's regex escaping of a variable value (what `/^$meter_id$/` receives). */
export function regexEscape(value: string): string {
  return value.replace(/[\\^$*+?.()|[\]{}/-]/g, '\\$&');
}
