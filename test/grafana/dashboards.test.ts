import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createMetrics } from '../../src/metrics/metrics.js';
import { allPanels, dashboardQueries, GRAFANA_DIR, loadDashboards } from './dashboards.js';

const datasources = readFileSync(
  path.join(GRAFANA_DIR, 'provisioning/datasources/wattledger.yaml'),
  'utf8',
);
const provider = readFileSync(
  path.join(GRAFANA_DIR, 'provisioning/dashboards/wattledger.yaml'),
  'utf8',
);

describe('grafana provisioning and dashboards', () => {
  it('provisions an InfluxQL data source and a Prometheus one, configured from the environment', () => {
    expect(datasources).toMatch(/type: influxdb/);
    expect(datasources).toMatch(/version: InfluxQL/);
    for (const v of [
      '${INFLUX_URL}',
      '${INFLUX_DB}',
      '${INFLUX_USERNAME}',
      '${INFLUX_PASSWORD}',
      '${PROMETHEUS_URL}',
    ])
      expect(datasources).toContain(v);
    expect(provider).toMatch(/path: \/var\/lib\/grafana\/dashboards\/wattledger/);
  });

  it('has the fleet ingest, consumption and data quality dashboards with unique uids and panel ids', () => {
    const all = loadDashboards();
    expect(all.map((d) => d.file)).toEqual([
      'consumption.json',
      'data-quality.json',
      'fleet-ingest.json',
    ]);
    expect(new Set(all.map((d) => d.dashboard.uid)).size).toBe(all.length);
    for (const { file, dashboard } of all) {
      const ids = allPanels(dashboard).map((p) => p.id);
      expect(new Set(ids).size, file).toBe(ids.length);
    }
    const consumption = all.find((d) => d.file === 'consumption.json')?.dashboard;
    expect(consumption?.templating?.list.map((v) => v.name)).toContain('meter_id');
  });

  it('uses only the provisioned data sources', () => {
    const uids = new Set([...datasources.matchAll(/uid: (\S+)/g)].map((m) => m[1]));
    for (const { file, dashboard } of loadDashboards()) {
      for (const p of allPanels(dashboard)) {
        for (const ds of [p.datasource, ...(p.targets ?? []).map((t) => t.datasource)]) {
          if (ds !== undefined)
            expect(uids.has(ds.uid), `${file} panel ${p.id} uses ${ds.uid}`).toBe(true);
        }
      }
    }
  });

  it('queries only InfluxDB measurement meter_reading and metrics that wattledger exports', async () => {
    const exported = new Set(
      (await createMetrics().registry.getMetricsAsJSON()).map((m) => m.name),
    );
    const queries = dashboardQueries();
    expect(queries.filter((q) => q.datasource === 'prometheus').length).toBeGreaterThan(0);
    for (const q of queries) {
      if (q.datasource === 'influxdb') {
        expect(q.query, q.where).toMatch(/"meter_reading"/);
        continue;
      }
      const names = [...q.query.matchAll(/\bwattledger_[a-z_]+/g)].map((m) =>
        m[0].replace(/_(bucket|sum|count)$/, ''),
      );
      expect(names.length, q.where).toBeGreaterThan(0);
      for (const n of names)
        expect(exported.has(n), `${q.where}: ${n} is not a wattledger metric`).toBe(true);
    }
  });
});
